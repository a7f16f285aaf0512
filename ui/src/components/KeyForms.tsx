// New key pairs: generate one (the algorithm fixes the key type; RSA takes a size), or import your own
// private key as PEM, pasted or picked from a file. The private key goes to the keychain.
import { useState, type FormEvent, type KeyboardEvent } from "react";

import type { KeyAlg } from "../bindings/KeyAlg";
import type { KeyView } from "../bindings/KeyView";
import { ALGORITHMS, DEFAULT_RSA_BITS, isRsa, RSA_BITS } from "../lib/keys";
import { usePlatform } from "../lib/platform-context";
import { useAction } from "../lib/use-async";
import { ErrorNotice } from "./Notice";

const ALG_LIST = Object.keys(ALGORITHMS) as KeyAlg[];
const TABS = [
  { id: "generate", label: "Generate" },
  { id: "import", label: "Import PEM" },
] as const;

export function KeyForms({ onCreated }: { onCreated: (key: KeyView) => void }) {
  const [tab, setTab] = useState<"generate" | "import">("generate");
  function onKeyDown(e: KeyboardEvent) {
    if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
    e.preventDefault();
    const next = tab === "generate" ? "import" : "generate";
    setTab(next);
    document.getElementById(`key-tab-${next}`)?.focus();
  }
  return (
    <section className="card" aria-labelledby="new-key-title">
      <div className="card-head">
        <h2 id="new-key-title">New key pair</h2>
        <div className="tabs" role="tablist" aria-label="How to add a key" onKeyDown={onKeyDown}>
          {TABS.map((t) => (
            <button
              key={t.id}
              id={`key-tab-${t.id}`}
              type="button"
              role="tab"
              className="tab"
              aria-selected={tab === t.id}
              aria-controls={`key-panel-${t.id}`}
              tabIndex={tab === t.id ? 0 : -1}
              onClick={() => setTab(t.id)}
            >
              {t.label}
            </button>
          ))}
        </div>
      </div>
      <div role="tabpanel" id={`key-panel-${tab}`} aria-labelledby={`key-tab-${tab}`}>
        {tab === "generate" ? <GenerateForm onCreated={onCreated} /> : <ImportForm onCreated={onCreated} />}
      </div>
    </section>
  );
}

function NameAndKid({
  name,
  kid,
  onName,
  onKid,
  prefix,
}: {
  name: string;
  kid: string;
  onName: (v: string) => void;
  onKid: (v: string) => void;
  prefix: string;
}) {
  return (
    <>
      <div className="field">
        <label className="field-label" htmlFor={`${prefix}-name`}>
          Name<span className="required"> required</span>
        </label>
        <input id={`${prefix}-name`} type="text" value={name} spellCheck={false} autoComplete="off" onChange={(e) => onName(e.target.value)} />
        <p className="field-help">How profiles refer to it (their keyName).</p>
      </div>
      <div className="field">
        <label className="field-label" htmlFor={`${prefix}-kid`}>
          Key ID (kid)
        </label>
        <input id={`${prefix}-kid`} type="text" value={kid} spellCheck={false} autoComplete="off" placeholder="RFC 7638 thumbprint" onChange={(e) => onKid(e.target.value)} />
        <p className="field-help">Leave empty for the key's thumbprint, unless your provider assigned one.</p>
      </div>
    </>
  );
}

function GenerateForm({ onCreated }: { onCreated: (key: KeyView) => void }) {
  const platform = usePlatform();
  const [name, setName] = useState("");
  const [alg, setAlg] = useState<KeyAlg>("ES384");
  const [bits, setBits] = useState<number>(DEFAULT_RSA_BITS);
  const [kid, setKid] = useState("");
  const generate = useAction(async () => {
    const key = await platform.keyNew(name.trim(), alg, isRsa(alg) ? bits : null, kid.trim() || null);
    onCreated(key);
    setName("");
    setKid("");
    return key;
  });
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (name.trim()) void generate.run();
  }
  return (
    <form className="key-form" onSubmit={onSubmit} aria-label="Generate a key pair">
      <div className="key-form-grid">
        <NameAndKid name={name} kid={kid} onName={setName} onKid={setKid} prefix="gen" />
        <div className="field">
          <label className="field-label" htmlFor="gen-alg">
            Algorithm
          </label>
          <select id="gen-alg" value={alg} onChange={(e) => setAlg(e.target.value as KeyAlg)}>
            {ALG_LIST.map((a) => (
              <option key={a} value={a}>
                {ALGORITHMS[a]}
              </option>
            ))}
          </select>
          <p className="field-help">The JWS algorithm your provider expects; it fixes the key type.</p>
        </div>
        {isRsa(alg) && (
          <div className="field">
            <label className="field-label" htmlFor="gen-bits">
              RSA key size
            </label>
            <select id="gen-bits" value={bits} onChange={(e) => setBits(Number(e.target.value))}>
              {RSA_BITS.map((b) => (
                <option key={b} value={b}>
                  {b} bits
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      {generate.error && <ErrorNotice error={generate.error} />}
      <div>
        <button type="submit" className="button button-primary" disabled={generate.pending || !name.trim()}>
          {generate.pending ? "Generating…" : "Generate key pair"}
        </button>
      </div>
    </form>
  );
}

function ImportForm({ onCreated }: { onCreated: (key: KeyView) => void }) {
  const platform = usePlatform();
  const [name, setName] = useState("");
  const [pem, setPem] = useState("");
  const [alg, setAlg] = useState<KeyAlg | "">("");
  const [kid, setKid] = useState("");
  const done = (key: KeyView | null | undefined) => {
    if (!key) return key;
    onCreated(key);
    setName("");
    setPem("");
    setKid("");
    return key;
  };
  const importPem = useAction(async () => done(await platform.keyImport(name.trim(), pem, alg || null, kid.trim() || null)));
  const importFile = useAction(async () => done(await platform.keyImportFile(name.trim(), alg || null, kid.trim() || null)));
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (name.trim() && pem.trim()) void importPem.run();
  }
  const error = importPem.error ?? importFile.error;
  return (
    <form className="key-form" onSubmit={onSubmit} aria-label="Import a private key">
      <div className="key-form-grid">
        <NameAndKid name={name} kid={kid} onName={setName} onKid={setKid} prefix="imp" />
        <div className="field field-span">
          <label className="field-label" htmlFor="imp-pem">
            Private key (PEM)
          </label>
          <textarea
            id="imp-pem"
            className="mono"
            rows={5}
            spellCheck={false}
            value={pem}
            placeholder={"-----BEGIN PRIVATE KEY-----\n…\n-----END PRIVATE KEY-----"}
            onChange={(e) => setPem(e.target.value)}
          />
          <p className="field-help">PKCS#8, PKCS#1 (RSA) or SEC1 (EC). It goes to your keychain; only the public key is kept in the config.</p>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="imp-alg">
            Algorithm
          </label>
          <select id="imp-alg" value={alg} onChange={(e) => setAlg(e.target.value as KeyAlg | "")}>
            <option value="">From the key (RS384 or ES256/ES384)</option>
            {ALG_LIST.map((a) => (
              <option key={a} value={a}>
                {ALGORITHMS[a]}
              </option>
            ))}
          </select>
        </div>
      </div>
      {error && <ErrorNotice error={error} />}
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={importPem.pending || !name.trim() || !pem.trim()}>
          {importPem.pending ? "Importing…" : "Import key"}
        </button>
        <button type="button" className="button" disabled={importFile.pending || !name.trim()} onClick={() => void importFile.run()}>
          {importFile.pending ? "Choosing…" : "Import from a file…"}
        </button>
      </div>
    </form>
  );
}
