// Make certificate (issue 8): a self-signed X.509 certificate for one of the key pairs (subject, days), for
// IdPs and mTLS. The PEM is public: shown, copied, or saved through a native dialog driven from Rust.
import { useState, type FormEvent } from "react";

import type { CertView } from "../bindings/CertView";
import type { KeyView } from "../bindings/KeyView";
import { usePlatform } from "../lib/platform-context";
import { useAction } from "../lib/use-async";
import { ErrorNotice, SuccessNotice } from "./Notice";

export function CertForm({ keys }: { keys: KeyView[] }) {
  const platform = usePlatform();
  const [key, setKey] = useState(keys[0]?.name ?? "");
  const [subject, setSubject] = useState("CN=keyward-client");
  const [days, setDays] = useState("365");
  const make = useAction(() => platform.keyCert(key || keys[0]?.name || "", subject.trim(), Number(days)));
  const [cert, setCert] = useState<CertView | null>(null);
  const copy = useAction(async (pem: string) => {
    await platform.copyCert(pem);
    return true;
  });
  const save = useAction((c: CertView) => platform.saveCert(c.name, c.pem));

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    copy.reset();
    save.reset();
    const made = await make.run();
    if (made) setCert(made);
  }

  return (
    <section className="card" aria-labelledby="cert-title">
      <div className="card-head">
        <h2 id="cert-title">Certificate</h2>
        <span className="muted">Self-signed, for an IdP or mTLS</span>
      </div>
      <form className="stack" onSubmit={(e) => void onSubmit(e)} aria-label="Make certificate">
        <div className="field">
          <label className="field-label" htmlFor="cert-key">
            Key pair
          </label>
          <select id="cert-key" value={key} onChange={(e) => setKey(e.target.value)}>
            {keys.map((k) => (
              <option key={k.name} value={k.name}>
                {k.name} ({k.alg})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="cert-subject">
            Subject
          </label>
          <input id="cert-subject" type="text" value={subject} spellCheck={false} onChange={(e) => setSubject(e.target.value)} />
          <p className="field-help">A distinguished name, e.g. CN=keyward-client,O=Example.</p>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="cert-days">
            Valid for (days)
          </label>
          <input id="cert-days" type="text" inputMode="numeric" pattern="[0-9]*" value={days} onChange={(e) => setDays(e.target.value)} />
        </div>
        {make.error && <ErrorNotice error={make.error} />}
        <div className="actions">
          <button type="submit" className="button button-primary" disabled={make.pending || keys.length === 0 || !/^[1-9][0-9]*$/.test(days.trim())}>
            Make certificate
          </button>
        </div>
      </form>
      {cert && (
        <div className="stack">
          <p className="muted">
            {cert.subject} · serial {cert.serial} · valid {cert.notBefore} to {cert.notAfter}
          </p>
          <pre className="code-block" tabIndex={0} aria-label="Certificate (PEM)">
            {cert.pem}
          </pre>
          <div className="actions">
            <button type="button" className="button" onClick={() => void copy.run(cert.pem)}>
              Copy certificate
            </button>
            <button type="button" className="button" onClick={() => void save.run(cert)}>
              Save certificate…
            </button>
          </div>
          {copy.result && !copy.error && <SuccessNotice>Certificate copied to the clipboard.</SuccessNotice>}
          {save.result && <SuccessNotice>Saved to {save.result}.</SuccessNotice>}
          {copy.error && <ErrorNotice error={copy.error} />}
          {save.error && <ErrorNotice error={save.error} />}
        </div>
      )}
    </section>
  );
}
