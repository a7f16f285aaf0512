// The Inspector: paste a token (or drop a file onto the box), say what to check it against (the keys: an
// issuer, a JWKS URL or file; for SAML the IdP's certificates, several for a rollover, or its metadata; the
// expected issuer and audience, the leeway, required scopes), and read the truth about it: a verdict banner
// (green only for Valid: an unverified token is amber, never green), the checks each PASS / FAIL / SKIP /
// WARN with its reason, the header, claims and SAML attributes as tables, and a live expiry countdown.
// At #/inspect/NAME it inspects that profile's current access token in the backend: the token never comes
// to this page, only what the core found. Every value is rendered as text.
import { useEffect, useRef, useState, type DragEvent, type FormEvent, type ReactNode } from "react";

import type { AppError } from "../bindings/AppError";
import type { CheckStatus } from "../bindings/CheckStatus";
import type { Field } from "../bindings/Field";
import type { InspectOptions } from "../bindings/InspectOptions";
import type { Inspection } from "../bindings/Inspection";
import type { KeySource } from "../bindings/KeySource";
import type { NamedText } from "../bindings/NamedText";
import type { Verdict } from "../bindings/Verdict";
import { ErrorNotice } from "../components/Notice";
import { usePlatform } from "../lib/platform-context";
import { href } from "../lib/routes";
import { clock, isoTime, relative, useNowSecs } from "../lib/time";
import { toAppError } from "../platform/platform";
import { setting } from "../platform/settings";

/** The most the page reads of a dropped or chosen file: a token, PEM, JWKS or metadata is far smaller. */
export const MAX_FILE_BYTES = 1 << 20;

type KeyMode = "none" | "issuer" | "jwksUrl" | "jwksFile";
type MetadataMode = "none" | "url" | "file";

const VERDICT_LABEL: Record<Verdict, string> = { valid: "Valid", invalid: "Invalid", unverified: "Not verified" };
/** The core's `Inspection.kind`, for the verdict banner. */
const KIND_LABEL: Record<string, string> = { jwt: "JWT", saml: "SAML assertion", opaque: "Opaque token, by introspection" };
const STATUS_LABEL: Record<CheckStatus, string> = { pass: "PASS", fail: "FAIL", skipped: "SKIP", warn: "WARN" };

/** A file's text, refused over MAX_FILE_BYTES with a message that says so. */
async function readFile(file: File): Promise<NamedText> {
  if (file.size > MAX_FILE_BYTES) {
    throw new Error(`${file.name} is ${(file.size / (1 << 20)).toFixed(1)} MiB: the Inspector reads files of at most 1 MiB`);
  }
  return { name: file.name, text: await file.text() };
}

export function InspectorPage({ profile }: { profile?: string }) {
  const platform = usePlatform();
  const [token, setToken] = useState("");
  const [saml, setSaml] = useState(false);
  const [keyMode, setKeyMode] = useState<KeyMode>("none");
  const [keyUrl, setKeyUrl] = useState("");
  const [jwksFile, setJwksFile] = useState<NamedText | null>(null);
  const [issuer, setIssuer] = useState("");
  const [audience, setAudience] = useState("");
  const [leeway, setLeeway] = useState("");
  const [scopes, setScopes] = useState("");
  const [certs, setCerts] = useState<NamedText[]>([]);
  const [metadataMode, setMetadataMode] = useState<MetadataMode>("none");
  const [metadataUrl, setMetadataUrl] = useState("");
  const [metadataFile, setMetadataFile] = useState<NamedText | null>(null);
  const [fileNote, setFileNote] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [pending, setPending] = useState(false);
  /** A pasted token checked against this profile: its issuer, audience, and its provider's introspection. */
  const [against, setAgainst] = useState("");
  const [profileNames, setProfileNames] = useState<string[]>([]);
  useEffect(() => {
    if (profile) return;
    let live = true;
    platform.listProfiles().then(
      (all) => live && setProfileNames(all.filter((p) => setting(p, "issuer")).map((p) => p.name)),
      () => live && setProfileNames([]),
    );
    return () => {
      live = false;
    };
  }, [platform, profile]);
  const [result, setResult] = useState<Inspection | null>(null);
  const [error, setError] = useState<AppError | null>(null);

  const leewayBad = leeway.trim() !== "" && !/^\d+$/.test(leeway.trim());

  function options(): InspectOptions {
    const url = keyUrl.trim();
    let keys: KeySource | null = null;
    if (keyMode === "issuer" && url) keys = { kind: "issuer", value: url };
    if (keyMode === "jwksUrl" && url) keys = { kind: "jwksUrl", value: url };
    if (keyMode === "jwksFile" && jwksFile) keys = { kind: "jwksDocument", value: jwksFile };
    const meta = metadataUrl.trim();
    return {
      profile: !profile && against ? against : null,
      keys,
      issuer: issuer.trim() || null,
      audience: audience.trim() || null,
      leeway: leeway.trim() ? Number(leeway.trim()) : null,
      requireScopes: scopes.split(/[\s,]+/).filter(Boolean),
      saml,
      idpCerts: certs,
      idpMetadata:
        metadataMode === "url" && meta
          ? { kind: "url", value: meta }
          : metadataMode === "file" && metadataFile
            ? { kind: "document", value: metadataFile }
            : null,
    };
  }

  async function inspect() {
    if (leewayBad || pending) return;
    setPending(true);
    setError(null);
    try {
      const found = profile ? await platform.inspectProfile(profile, options()) : await platform.inspectToken(token, options());
      setResult(found);
    } catch (reason) {
      setResult(null);
      setError(toAppError(reason));
    } finally {
      setPending(false);
    }
  }

  // A profile's token is inspected as soon as the page opens: that is what "Inspect token" asked for.
  const started = useRef(false);
  useEffect(() => {
    if (profile && !started.current) {
      started.current = true;
      void inspect();
    }
  }, [profile]);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    void inspect();
  }

  /** Read a file for `use`; a file too big or unreadable is said under the box, nothing else changes. */
  async function withFile(file: File | undefined, use: (text: NamedText) => void) {
    if (!file) return;
    setFileError(null);
    try {
      use(await readFile(file));
    } catch (reason) {
      setFileError(reason instanceof Error ? reason.message : String(reason));
    }
  }

  function takeTokenFile(file: NamedText) {
    setToken(file.text.trim());
    setFileNote(`Read ${file.name}.`);
    setResult(null);
    setError(null);
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    void withFile(e.dataTransfer.files[0], takeTokenFile);
  }

  const tokenFileInput = useRef<HTMLInputElement>(null);

  return (
    <>
      <header className="page-header">
        <div>
          <h1>Inspector</h1>
          <p className="subtitle">
            {profile ? `The current access token of ${profile}, checked in Keyward` : "Paste a token and see what is true about it"}
          </p>
        </div>
        {profile && (
          <div className="page-actions">
            <a className="button" href={href({ page: "profile", name: profile })}>
              Back to {profile}
            </a>
            <a className="button" href={href({ page: "inspect" })}>
              Inspect another token
            </a>
          </div>
        )}
      </header>

      <form className="stack inspector-form" onSubmit={onSubmit} aria-label="Inspect a token">
        {profile ? (
          <section className="card inspector-profile" aria-labelledby="inspect-profile-title">
            <h2 id="inspect-profile-title">Profile {profile}</h2>
            <p>
              Keyward reads this profile's current access token (refreshing it if it is stale) and checks it against the
              profile's issuer and audience, unless you name others below. The token itself stays in Keyward's backend:
              it is not shown here, only what it says.
            </p>
          </section>
        ) : (
          <section className="card" aria-labelledby="inspect-token-title">
            <div className="card-head">
              <h2 id="inspect-token-title">Token</h2>
            </div>
            <div className="field">
              <label className="field-label" htmlFor="inspect-token">
                JWT, opaque token, SAML assertion or SAMLResponse
              </label>
              <textarea
                id="inspect-token"
                className={`inspector-token mono ${dragging ? "inspector-drop" : ""}`}
                value={token}
                rows={6}
                spellCheck={false}
                autoComplete="off"
                placeholder="eyJhbGciOi…   or   <saml:Assertion …>   or drop a file here"
                aria-describedby="inspect-token-help"
                onChange={(e) => {
                  setToken(e.target.value);
                  setFileNote(null);
                }}
                onDragOver={(e) => {
                  e.preventDefault();
                  setDragging(true);
                }}
                onDragLeave={() => setDragging(false)}
                onDrop={onDrop}
              />
              <p className="field-help" id="inspect-token-help">
                Paste it, or drop a file onto the box. It is checked on this machine and never logged or stored.
              </p>
              {fileNote && <p className="field-help">{fileNote}</p>}
            </div>
            <div className="inspector-row">
              <button type="button" className="button button-small" onClick={() => tokenFileInput.current?.click()}>
                Choose file…
              </button>
              <input
                ref={tokenFileInput}
                type="file"
                className="visually-hidden"
                tabIndex={-1}
                aria-label="Token file"
                onChange={(e) => {
                  void withFile(e.target.files?.[0], takeTokenFile);
                  e.target.value = "";
                }}
              />
              <label className="checkbox">
                <input type="checkbox" checked={saml} onChange={(e) => setSaml(e.target.checked)} />
                Read as SAML
              </label>
            </div>
            {profileNames.length > 0 && (
              <div className="field">
                <label className="field-label" htmlFor="inspect-against-profile">
                  Profile of its provider
                </label>
                <select
                  id="inspect-against-profile"
                  value={against}
                  aria-describedby="inspect-against-profile-help"
                  onChange={(e) => setAgainst(e.target.value)}
                >
                  <option value="">None</option>
                  {profileNames.map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
                <p className="field-help" id="inspect-against-profile-help">
                  Checks the token against this profile's issuer and audience. An opaque token (not a JWT), which only its
                  issuer can read, is asked about at the provider as this profile's client (introspection).
                </p>
              </div>
            )}
          </section>
        )}

        <section className="card" aria-labelledby="inspect-against-title">
          <div className="card-head">
            <h2 id="inspect-against-title">Check against</h2>
          </div>
          <div className="inspector-grid">
            <div className="field">
              <label className="field-label" htmlFor="inspect-keys">
                Keys for a JWT
              </label>
              <select id="inspect-keys" value={keyMode} onChange={(e) => setKeyMode(e.target.value as KeyMode)}>
                <option value="none">{profile ? "The profile's issuer" : "None: decode only"}</option>
                <option value="issuer">An issuer (its discovery document)</option>
                <option value="jwksUrl">A JWKS URL</option>
                <option value="jwksFile">A JWKS file</option>
              </select>
              {(keyMode === "issuer" || keyMode === "jwksUrl") && (
                <input
                  type="text"
                  inputMode="url"
                  aria-label={keyMode === "issuer" ? "Issuer URL" : "JWKS URL"}
                  placeholder={keyMode === "issuer" ? "https://login.example.com" : "https://login.example.com/.well-known/jwks.json"}
                  value={keyUrl}
                  spellCheck={false}
                  onChange={(e) => setKeyUrl(e.target.value)}
                />
              )}
              {keyMode === "jwksFile" && (
                <FilePicker label="JWKS file" accept=".json,.jwks,application/json" onFiles={(f) => void withFile(f[0], setJwksFile)}>
                  {jwksFile && <FileChip file={jwksFile} onRemove={() => setJwksFile(null)} />}
                </FilePicker>
              )}
              <p className="field-help">Without a key, nothing in the token is proven: the verdict says "Not verified".</p>
            </div>
            <TextField id="inspect-issuer" label="Expected issuer" value={issuer} onChange={setIssuer} help="The iss a JWT must carry; for SAML, the IdP's entity ID." />
            <TextField id="inspect-audience" label="Expected audience" value={audience} onChange={setAudience} help="An aud the JWT must carry; for SAML, your SP's entity ID." />
            <div className="field">
              <label className="field-label" htmlFor="inspect-leeway">
                Leeway (seconds)
              </label>
              <input
                id="inspect-leeway"
                type="text"
                inputMode="numeric"
                placeholder="60"
                value={leeway}
                aria-invalid={leewayBad || undefined}
                aria-describedby="inspect-leeway-help"
                onChange={(e) => setLeeway(e.target.value)}
              />
              <p className={leewayBad ? "field-error" : "field-help"} id="inspect-leeway-help">
                {leewayBad ? "A whole number of seconds, such as 60." : "Clock skew allowed on exp, nbf and iat (default 60)."}
              </p>
            </div>
            <TextField id="inspect-scopes" label="Required scopes" value={scopes} onChange={setScopes} help="Space-separated; a missing one is a warning." />
            <div className="field">
              <span className="field-label" id="inspect-certs-label">
                IdP certificates (SAML)
              </span>
              <FilePicker
                label="Add IdP certificate"
                accept=".pem,.crt,.cer"
                multiple
                onFiles={(files) => {
                  for (const f of files) void withFile(f, (c) => setCerts((all) => [...all.filter((x) => x.name !== c.name), c]));
                }}
              >
                {certs.map((c) => (
                  <FileChip key={c.name} file={c} onRemove={() => setCerts((all) => all.filter((x) => x !== c))} />
                ))}
              </FilePicker>
              <p className="field-help">PEM files; add the current and the next one during a certificate rollover.</p>
            </div>
            <div className="field">
              <label className="field-label" htmlFor="inspect-metadata">
                IdP metadata (SAML)
              </label>
              <select id="inspect-metadata" value={metadataMode} onChange={(e) => setMetadataMode(e.target.value as MetadataMode)}>
                <option value="none">None</option>
                <option value="url">A metadata URL</option>
                <option value="file">A metadata file</option>
              </select>
              {metadataMode === "url" && (
                <input
                  type="text"
                  inputMode="url"
                  aria-label="Metadata URL"
                  placeholder="https://idp.example.com/metadata"
                  value={metadataUrl}
                  spellCheck={false}
                  onChange={(e) => setMetadataUrl(e.target.value)}
                />
              )}
              {metadataMode === "file" && (
                <FilePicker label="Metadata file" accept=".xml" onFiles={(f) => void withFile(f[0], setMetadataFile)}>
                  {metadataFile && <FileChip file={metadataFile} onRemove={() => setMetadataFile(null)} />}
                </FilePicker>
              )}
              <p className="field-help">Its signing certificates are trusted and its entity ID is the expected issuer.</p>
            </div>
          </div>
          {fileError && (
            <p className="field-error" role="alert">
              {fileError}
            </p>
          )}
          <div className="inspector-actions">
            <button type="submit" className="button button-primary" disabled={pending || leewayBad || (!profile && !token.trim())}>
              {pending ? "Inspecting…" : profile ? "Inspect again" : "Inspect"}
            </button>
          </div>
        </section>
      </form>

      <p className="visually-hidden" role="status" aria-live="polite">
        {pending ? "" : result ? `${VERDICT_LABEL[result.verdict]}. ${result.summary}` : ""}
      </p>
      {error && (
        <div className="inspector-result">
          <ErrorNotice error={error} />
        </div>
      )}
      {result && <InspectionView result={result} profile={profile} />}
    </>
  );
}

function TextField({ id, label, value, onChange, help }: { id: string; label: string; value: string; onChange: (v: string) => void; help: string }) {
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <input id={id} type="text" value={value} spellCheck={false} autoComplete="off" aria-describedby={`${id}-help`} onChange={(e) => onChange(e.target.value)} />
      <p className="field-help" id={`${id}-help`}>
        {help}
      </p>
    </div>
  );
}

/** A button that opens the file chooser (the input itself is hidden), and the files chosen so far. */
function FilePicker({
  label,
  accept,
  multiple = false,
  onFiles,
  children,
}: {
  label: string;
  accept: string;
  multiple?: boolean;
  onFiles: (files: File[]) => void;
  children?: ReactNode;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="inspector-files">
      <button type="button" className="button button-small" onClick={() => input.current?.click()}>
        {label}…
      </button>
      <input
        ref={input}
        type="file"
        className="visually-hidden"
        tabIndex={-1}
        aria-label={label}
        accept={accept}
        multiple={multiple}
        onChange={(e) => {
          onFiles([...(e.target.files ?? [])]);
          e.target.value = "";
        }}
      />
      {children}
    </div>
  );
}

function FileChip({ file, onRemove }: { file: NamedText; onRemove: () => void }) {
  return (
    <span className="inspector-chip">
      <span className="mono">{file.name}</span>
      <button type="button" className="inspector-chip-remove" aria-label={`Remove ${file.name}`} onClick={onRemove}>
        ×
      </button>
    </span>
  );
}

function InspectionView({ result, profile }: { result: Inspection; profile?: string }) {
  const verdict = useRef<HTMLElement>(null);
  useEffect(() => {
    verdict.current?.focus();
  }, [result]);
  const saml = result.kind === "saml";
  const attributes = result.claims.filter((f) => f.name.startsWith("attribute:"));
  const claims = result.claims.filter((f) => !f.name.startsWith("attribute:"));
  return (
    <div className="stack inspector-result">
      <section
        ref={verdict}
        tabIndex={-1}
        className={`verdict verdict-${result.verdict}`}
        aria-labelledby="verdict-title"
        aria-describedby="verdict-summary"
        data-verdict={result.verdict}
      >
        <VerdictIcon verdict={result.verdict} />
        <div className="verdict-body">
          <h2 id="verdict-title">
            {VERDICT_LABEL[result.verdict]}
            <span className="verdict-kind">{KIND_LABEL[result.kind] ?? result.kind}</span>
          </h2>
          <p id="verdict-summary">{reasonOf(result)}</p>
          {profile && <p className="verdict-profile">The current access token of profile {profile}; it stayed in Keyward.</p>}
        </div>
        {result.expiresAt !== null && <Countdown expiresAt={result.expiresAt} />}
      </section>

      <section className="card card-flush" aria-labelledby="checks-title">
        <div className="card-head card-head-padded">
          <h2 id="checks-title">Checks</h2>
        </div>
        <ul className={`checks ${result.checks.some((c) => c.name.length > 10) ? "checks-wide" : ""}`} aria-labelledby="checks-title">
          {result.checks.map((c, i) => (
            <li key={`${c.name}-${i}`} className={`check check-${c.status}`}>
              <span className="check-status">
                <StatusIcon status={c.status} />
                {STATUS_LABEL[c.status]}
              </span>
              <span className="check-name mono">{c.name}</span>
              <span className="check-reason">{c.reason}</span>
            </li>
          ))}
        </ul>
      </section>

      {/* A SAML assertion's attributes are what its reader came for: first after the checks. */}
      {attributes.length > 0 && <FieldTable title="Attributes" fields={attributes.map((f) => ({ ...f, name: f.name.slice("attribute:".length) }))} />}
      <FieldTable title={saml ? "Response and Assertion" : "Header"} fields={result.header} />
      <FieldTable title={saml ? "Subject and conditions" : result.kind === "opaque" ? "What its issuer said" : "Claims"} fields={claims} />
    </div>
  );
}

/** A reason that starts with a header or claim name ("kid k1: the signature does not match…",
 * 'alg "none": the token is unsigned…') keeps it as written: "Kid", "Alg" would read as words. */
const LEADING_NAME = /^(alg|kid|typ|cty|crit|jku|jwk|x5u|x5c|x5t|iss|sub|aud|exp|nbf|iat|jti|azp|scope)\b/;

/** The core's summary without its leading verdict word, which the banner's heading already says
 * ("Invalid: expired 61 min ago … (exp check)" → "Expired 61 min ago … (exp check)"). */
function reasonOf(result: Inspection): string {
  const rest = result.summary.replace(/^(Valid|Invalid|Not verified):\s*/, "");
  return /^[\w-]+: /.test(rest) || LEADING_NAME.test(rest) ? rest : rest.charAt(0).toUpperCase() + rest.slice(1);
}

/** "Expires in 49:12" or "Expired 10 min ago", every second, from the token's expiry. */
export function Countdown({ expiresAt }: { expiresAt: number }) {
  const now = useNowSecs(1000);
  const left = expiresAt - now;
  return (
    <div className={`verdict-countdown ${left <= 0 ? "verdict-countdown-past" : ""}`} role="timer" aria-label="Expiry">
      <span className="verdict-countdown-value">{left > 0 ? `Expires in ${clock(left)}` : `Expired ${relative(left)}`}</span>
      <time dateTime={isoTime(expiresAt)}>{new Date(expiresAt * 1000).toLocaleString()}</time>
    </div>
  );
}

function FieldTable({ title, fields }: { title: string; fields: Field[] }) {
  if (fields.length === 0) return null;
  return (
    <section className="card card-flush">
      <table className="table inspector-table" aria-label={title}>
        <caption className="inspector-caption">{title}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Value</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {fields.map((f, i) => (
            <tr key={`${f.name}-${i}`}>
              <th scope="row" className="cell-name mono">
                {f.name}
              </th>
              <td className="mono inspector-value">
                <Value value={f.value} />
              </td>
              <td className="cell-muted">{f.note ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** A value as text: a string as it is, a list of strings one a line, anything else as JSON. */
function Value({ value }: { value: unknown }) {
  if (typeof value === "string") return <>{value}</>;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
    return (
      <ul className="inspector-values">
        {value.map((v, i) => (
          <li key={i}>{v}</li>
        ))}
      </ul>
    );
  }
  return <>{JSON.stringify(value)}</>;
}

function VerdictIcon({ verdict }: { verdict: Verdict }) {
  return (
    <svg className="verdict-icon" viewBox="0 0 24 24" width="30" height="30" aria-hidden="true" focusable="false">
      <circle cx="12" cy="12" r="10" fill="none" stroke="currentColor" strokeWidth="2" />
      {verdict === "valid" && <path d="m7.5 12.3 3 3 6-6.3" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round" />}
      {verdict === "invalid" && <path d="m8.5 8.5 7 7m0-7-7 7" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />}
      {verdict === "unverified" && <path d="M12 7v6.2M12 16.6v.4" fill="none" stroke="currentColor" strokeWidth="2.4" strokeLinecap="round" />}
    </svg>
  );
}

function StatusIcon({ status }: { status: CheckStatus }) {
  const path =
    status === "pass"
      ? "m4.5 8.3 2.3 2.3 4.7-5"
      : status === "fail"
        ? "m5 5 6 6m0-6-6 6"
        : status === "warn"
          ? "M8 4.5v4.3M8 11.3v.2"
          : "M4.8 8h6.4";
  return (
    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      <path d={path} fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
