// What is known about the current access token, none of it secret: who it is for, the scopes granted, and
// when it runs out, counting down by the second.
import type { ProfileView } from "../bindings/ProfileView";
import { kindOf, splitScopes, tokenOf } from "../lib/profiles";
import { clock, duration, isoTime, useNowSecs } from "../lib/time";

export function TokenSummary({ profile }: { profile: ProfileView }) {
  const now = useNowSecs(1000);
  const token = tokenOf(profile);
  if (!token || kindOf(profile) === "apiKey") return null;
  const granted = splitScopes(token.scope);
  const left = token.expiresAt === null ? null : token.expiresAt - now;
  return (
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
          {granted.length > 0 ? (
            <span className="scopes">
              {granted.map((s) => (
                <span key={s} className="scope">
                  {s}{" "}
                </span>
              ))}
            </span>
          ) : (
            <span className="muted">The provider did not say</span>
          )}
        </dd>
      </div>
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
              Expired {duration(-left)} ago
              {profile.status === "ready" || profile.status === "renewable" ? " · renews on next use" : ""}
            </>
          )}
        </dd>
      </div>
    </dl>
  );
}
