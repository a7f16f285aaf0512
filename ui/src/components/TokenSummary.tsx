// What is known about the current access token, none of it secret: who it is for, the scopes granted (as the
// token response says, next to what the profile asked: OpenID scopes a provider does not echo but an ID or
// refresh token shows in effect, and the asked ones not granted), and when it runs out, counting down.
import type { ProfileView } from "../bindings/ProfileView";
import { kindOf, scopeReport, tokenOf, type ScopeReport } from "../lib/profiles";
import { clock, isoTime, relative, useNowSecs } from "../lib/time";

export function TokenSummary({ profile }: { profile: ProfileView }) {
  const now = useNowSecs(1000);
  const token = tokenOf(profile);
  if (!token || kindOf(profile) === "apiKey") return null;
  const scopes = scopeReport(profile)!;
  const left = token.expiresAt === null ? null : token.expiresAt - now;
  const note = scopeNote(scopes);
  return (
    <>
      <dl className="facts">
        {token.subject && (
          <div>
            <dt>Signed in as</dt>
            <dd className="mono">{token.subject}</dd>
          </div>
        )}
        <div>
          <dt>Scopes granted</dt>
          <dd>
            {scopes.listed && scopes.listed.length > 0 ? (
              <Scopes list={scopes.listed} />
            ) : scopes.listed ? (
              <span className="muted">None, says the token response</span>
            ) : scopes.asAsked.length > 0 ? (
              <Scopes list={scopes.asAsked} />
            ) : (
              <span className="muted">The provider did not say</span>
            )}
          </dd>
        </div>
        {scopes.notGranted.length > 0 && (
          <div>
            <dt>Asked but not granted</dt>
            <dd>
              <Scopes list={scopes.notGranted} />
            </dd>
          </div>
        )}
        <div>
          <dt>Access token</dt>
          <dd>
            {left === null ? (
              "Has no expiry"
            ) : left > 0 ? (
              <>
                Expires in{" "}
                <time className="countdown" dateTime={isoTime(token.expiresAt!)} title={new Date(token.expiresAt! * 1000).toLocaleString()}>
                  {clock(left)}
                </time>
              </>
            ) : (
              <>
                Expired {relative(left)}
                {profile.status === "ready" || profile.status === "renewable" ? " · renews on next use" : ""}
              </>
            )}
          </dd>
        </div>
        {token.refreshExpiresAt != null && <SignInUntil at={token.refreshExpiresAt} now={now} />}
      </dl>
      {note && (
        <p className="muted">
          {note}
        </p>
      )}
    </>
  );
}

/** How long the refresh token (the sign-in) lasts, where the provider said; a warning in its last 3 days. */
function SignInUntil({ at, now }: { at: number; now: number }) {
  const left = at - now;
  const when = new Date(at * 1000).toLocaleString();
  return (
    <div>
      <dt>Sign-in valid</dt>
      <dd className={left < 3 * 86400 ? "warning-text" : undefined}>
        {left <= 0 ? (
          "Ended: log in again"
        ) : (
          <>
            until <time dateTime={isoTime(at)}>{when}</time>
            {left < 3 * 86400 ? ` · ends ${relative(left)}: log in again before then` : ""}
          </>
        )}
      </dd>
    </div>
  );
}

/** What the granted list leaves unsaid: OpenID scopes the response did not echo (in effect, or unknown), or
 * that a response without a list means the scopes asked. */
function scopeNote(r: ScopeReport): string | null {
  if (r.listed === null) return r.asAsked.length > 0 ? "The token response listed no scopes, which in OAuth 2.0 means the ones asked." : null;
  const parts: string[] = [];
  if (r.inEffect.length > 0) {
    parts.push(
      `${and(r.inEffect.map((s) => s.scope))} ${r.inEffect.length === 1 ? "is" : "are"} not in the token response's list (many ` +
        `providers leave OpenID scopes out of it) but in effect: ${and(r.inEffect.map((s) => s.shownBy))} came back.`,
    );
  }
  if (r.unconfirmed.length > 0) {
    parts.push(
      `Whether ${and(r.unconfirmed)} ${r.unconfirmed.length === 1 ? "was" : "were"} granted, the token response does not say ` +
        "(OpenID scopes are often left out of it).",
    );
  }
  return parts.length > 0 ? parts.join(" ") : null;
}

/** "a", "a and b", "a, b and c". */
function and(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

function Scopes({ list }: { list: string[] }) {
  return (
    <span className="scopes">
      {list.map((s) => (
        // The space keeps words apart for screen readers; the flex layout does not render it.
        <span key={s} className="scope">
          {s}{" "}
        </span>
      ))}
    </span>
  );
}
