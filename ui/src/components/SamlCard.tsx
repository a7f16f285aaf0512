// SAML bearer: paste the assertion your IdP issued (XML, base64, or a whole SAMLResponse) and exchange it
// for an access token; and the settings to hand your IdP admin.
import { useEffect, useState, type FormEvent } from "react";

import type { TokenMeta } from "../bindings/TokenMeta";
import { usePlatform } from "../lib/platform-context";
import { useAction } from "../lib/use-async";
import { ErrorNotice, SuccessNotice } from "./Notice";

export function SamlExchange({ name, onExchanged }: { name: string; onExchanged: (meta: TokenMeta) => void }) {
  const platform = usePlatform();
  const [assertion, setAssertion] = useState("");
  const exchange = useAction(async () => {
    const meta = await platform.exchangeAssertion(name, assertion);
    onExchanged(meta);
    setAssertion("");
    return meta;
  });
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (assertion.trim()) void exchange.run();
  }
  return (
    <form className="saml" onSubmit={onSubmit} aria-label="Exchange a SAML assertion">
      <div className="field">
        <label className="field-label" htmlFor="saml-assertion">
          Assertion from your IdP
        </label>
        <textarea
          id="saml-assertion"
          rows={5}
          spellCheck={false}
          value={assertion}
          placeholder={'<saml:Assertion …> or its base64, or the whole SAMLResponse'}
          aria-describedby="saml-assertion-help"
          onChange={(e) => setAssertion(e.target.value)}
        />
        <p className="field-help" id="saml-assertion-help">
          The Assertion must be signed by the IdP. It is sent once to the token endpoint and not kept.
        </p>
      </div>
      {exchange.error && <ErrorNotice error={exchange.error} />}
      {exchange.result && !exchange.error && <SuccessNotice>Exchanged: the access token is in your keychain.</SuccessNotice>}
      <div>
        <button type="submit" className="button button-primary" disabled={exchange.pending || !assertion.trim()}>
          {exchange.pending ? "Exchanging…" : "Exchange for a token"}
        </button>
      </div>
    </form>
  );
}

export function SpSettings({ name }: { name: string }) {
  const platform = usePlatform();
  const [rows, setRows] = useState<[string, string][] | null>(null);
  useEffect(() => {
    let live = true;
    platform.samlSpSettings(name).then(
      (r) => live && setRows(r),
      () => live && setRows([]),
    );
    return () => {
      live = false;
    };
  }, [platform, name]);
  if (!rows || rows.length === 0) return null;
  return (
    <dl className="facts facts-wide facts-rows" aria-label="Settings for your IdP admin">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd className="mono selectable">{value}</dd>
        </div>
      ))}
    </dl>
  );
}
