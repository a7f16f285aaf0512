// The secrets a profile keeps in the keychain, by name only. Reveal is explicit (and recorded in the audit
// log); a revealed value hides again on Hide, after 30 seconds (counted down under it), or when the page is
// left.
import { useEffect, useState } from "react";

import type { AppError } from "../bindings/AppError";
import type { ProfileView } from "../bindings/ProfileView";
import { usePlatform } from "../lib/platform-context";
import { useSecondsLeft } from "../lib/time";
import { toAppError } from "../platform/platform";
import { ErrorNotice } from "./Notice";

const HIDE_AFTER_MS = 30_000;

const SECRETS: { field: string; label: string; has: (p: ProfileView) => boolean }[] = [
  { field: "clientSecret", label: "Client secret", has: (p) => p.hasClientSecret },
  { field: "apiKey", label: "API key", has: (p) => p.hasApiKey },
  { field: "password", label: "Password", has: (p) => p.hasPassword },
  { field: "accessToken", label: "Access token", has: (p) => p.hasAccessToken },
  { field: "refreshToken", label: "Refresh token", has: (p) => p.hasRefreshToken },
];

export function SecretsCard({ profile }: { profile: ProfileView }) {
  const stored = SECRETS.filter((s) => s.has(profile));
  return (
    <ul className="secrets" aria-label="Secrets in the keychain">
      {stored.length === 0 && <li className="muted">No secret stored for this profile.</li>}
      {stored.map((s) => (
        <SecretRow key={s.field} name={profile.name} field={s.field} label={s.label} />
      ))}
    </ul>
  );
}

function SecretRow({ name, field, label }: { name: string; field: string; label: string }) {
  const platform = usePlatform();
  const [revealed, setRevealed] = useState<{ value: string; hidesAt: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const hide = () => setRevealed(null);

  useEffect(() => {
    if (revealed === null) return;
    const id = setTimeout(hide, revealed.hidesAt - Date.now());
    return () => clearTimeout(id);
  }, [revealed]);

  async function reveal() {
    setBusy(true);
    setError(null);
    try {
      const value = await platform.revealSecret(name, field);
      setRevealed({ value, hidesAt: Date.now() + HIDE_AFTER_MS });
    } catch (reason) {
      setError(toAppError(reason));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="secret">
      <span className="secret-label">{label}</span>
      {revealed === null ? (
        <span className="secret-mask" aria-label={`${label} hidden`}>
          ••••••••••••
        </span>
      ) : (
        <input
          className="secret-value mono"
          readOnly
          value={revealed.value}
          aria-label={`${label} revealed`}
          onFocus={(e) => e.currentTarget.select()}
        />
      )}
      {revealed === null ? (
        <button type="button" className="button button-small" onClick={reveal} disabled={busy} aria-label={`Reveal ${label.toLowerCase()}`}>
          {busy ? "Revealing…" : "Reveal"}
        </button>
      ) : (
        <button type="button" className="button button-small" onClick={hide} aria-label={`Hide ${label.toLowerCase()}`}>
          Hide
        </button>
      )}
      {revealed && <HidesIn label={label} at={revealed.hidesAt} />}
      {error && (
        <div className="secret-error">
          <ErrorNotice error={error} />
        </div>
      )}
    </li>
  );
}

/** "Hides in 27 s", each second. A timer role (not live): a screen reader reads it when asked, not every tick. */
function HidesIn({ label, at }: { label: string; at: number }) {
  const left = useSecondsLeft(at);
  return (
    <span className="secret-countdown" role="timer" aria-label={`${label} hides in ${left} ${left === 1 ? "second" : "seconds"}`}>
      Hides in {left} s
    </span>
  );
}
