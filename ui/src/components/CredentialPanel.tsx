// The credential of one profile and what can be done with it, per kind of strategy: log in through the
// browser (with progress and Cancel), get a token, copy it (from Rust, cleared after 60 s), log out, and,
// for a SAML profile, exchange an assertion. Every outcome is said in words that stay true: the copy notice
// counts down to the clipboard's clearing and then says it happened, a token's "expires in" follows the
// clock. Errors say what to do.
import { useEffect, useRef, useState, type ReactNode } from "react";

import type { LogoutOutcome } from "../bindings/LogoutOutcome";
import type { ProfileView } from "../bindings/ProfileView";
import type { TokenMeta } from "../bindings/TokenMeta";
import { expiryText, kindOf, tokenOf } from "../lib/profiles";
import { usePlatform } from "../lib/platform-context";
import { clock, relative, useNowSecs } from "../lib/time";
import { useAction } from "../lib/use-async";
import { useLogin } from "../lib/use-login";
import { LoginProgressView } from "./LoginProgressView";
import { ErrorNotice, SuccessNotice, type Fixes } from "./Notice";
import { SamlExchange } from "./SamlCard";
import { StatusPill } from "./StatusPill";
import { TokenSummary } from "./TokenSummary";
import { setting } from "../platform/settings";

const LOGOUT_SAYS: Record<LogoutOutcome, string> = {
  revoked: "Logged out: the provider revoked the refresh token, and Keyward forgot the tokens.",
  sessionEnded: "Logged out: the server ended the session, and Keyward forgot the cookie.",
  forgottenOnly: "Logged out: Keyward forgot the tokens (this provider has nothing to revoke).",
  wasNotLoggedIn: "There was nothing to log out of.",
};

/** How long after a copy the backend clears the clipboard (src-tauri's copy command; unless changed since). */
export const CLIPBOARD_CLEAR_SECS = 60;

type Outcome =
  | { kind: "ok"; text: ReactNode }
  /** A token was got: what it says depends on the time (it expires in…, then it has expired). */
  | { kind: "token"; fresh: boolean; meta: TokenMeta }
  /** Copied at `at` (Date.now()): counts down to the clearing, then says it is no longer there. */
  | { kind: "copied"; what: string; at: number }
  | null;

export function CredentialPanel({
  profile,
  onChanged,
  fixes: pageFixes,
  loginRequest = 0,
}: {
  profile: ProfileView;
  onChanged: () => void;
  /** The page's remedies (edit a field, add a scope); the panel adds its own (log in, get a token). */
  fixes: Fixes;
  /** Incremented by the page to sign in again now (after a scope was added). */
  loginRequest?: number;
}) {
  const platform = usePlatform();
  const now = useNowSecs(15_000);
  const kind = kindOf(profile);
  const name = profile.name;
  const [outcome, setOutcome] = useState<Outcome>(null);
  // Only the last action's error is shown: an older one is stale once the user tried something else.
  const [last, setLast] = useState<"login" | "token" | "copy" | "logout" | null>(null);
  const say = (text: ReactNode) => setOutcome({ kind: "ok", text });

  const login = useLogin(name, (meta) => {
    say(meta.subject ? `Signed in as ${meta.subject}.` : "Signed in.");
    onChanged();
  });
  const getToken = useAction(async (fresh: boolean) => {
    const meta = await platform.getToken(name, fresh);
    setOutcome({ kind: "token", fresh, meta });
    onChanged();
    return meta;
  });
  const copy = useAction(async () => {
    const meta = await platform.copyAccessToken(name);
    setOutcome({ kind: "copied", what: kind === "apiKey" ? "API key" : "Access token", at: Date.now() });
    onChanged();
    return meta;
  });
  const logout = useAction(async () => {
    const result = await platform.logout(name);
    say(LOGOUT_SAYS[result]);
    onChanged();
    return result;
  });

  const startLogin = (replaceUser = false) => {
    setOutcome(null);
    setLast("login");
    login.start({ replaceUser });
  };
  const act = (which: "token" | "copy" | "logout", run: () => void) => () => {
    setOutcome(null);
    setLast(which);
    run();
  };
  const fixes: Fixes = {
    ...pageFixes,
    onLogin: kind === "signIn" ? () => startLogin() : act("token", () => void getToken.run(true)),
    onReplaceUser: () => startLogin(true),
    onGetToken: act("token", () => void getToken.run(true)),
  };
  // The page asked for a new sign-in (a scope was just added): a person signs in, a machine gets a token.
  const handled = useRef(loginRequest);
  useEffect(() => {
    if (loginRequest === handled.current) return;
    handled.current = loginRequest;
    fixes.onLogin?.();
  });

  const hasCredential = profile.status === "ready" || profile.status === "renewable";
  const hasTokens = profile.hasAccessToken || profile.hasRefreshToken;
  const busy = login.running || getToken.pending || copy.pending || logout.pending;
  const error = { login: login.error, token: getToken.error, copy: copy.error, logout: logout.error, none: null }[
    last ?? "none"
  ];
  const expiry = expiryText(profile, now);
  // When the error's own fix is to log in again, its notice carries that button: no second one above it.
  const fixIsLogin = error?.remedy?.kind === "logIn" && kind === "signIn";
  // First and primary while there is no credential; after the everyday actions once signed in.
  const loginButton = (
    <button type="button" className={`button ${hasCredential ? "" : "button-primary"}`} onClick={() => startLogin()} disabled={busy}>
      {hasTokens ? "Log in again" : "Log in"}
    </button>
  );

  return (
    <section className="card credential" aria-labelledby="credential-title">
      <div className="card-head">
        <h2 id="credential-title">{kind === "apiKey" ? "API key" : kind === "signIn" ? "Sign-in" : "Access token"}</h2>
        <StatusPill profile={profile} refused={error?.code === "refused" && (last === "token" || last === "copy")} />
      </div>

      <TokenSummary profile={profile} />
      {!tokenOf(profile) && <p className="credential-lead">{lead(profile)}</p>}
      {tokenOf(profile) === null && expiry && <p className="muted">{expiry}</p>}

      {kind === "saml" && <SamlExchange name={name} onExchanged={() => onChanged()} />}

      {login.running ? (
        <LoginProgressView progress={login.progress} onCancel={login.cancel} cancelling={login.cancelling} />
      ) : (
        <div className="actions" role="group" aria-label="Credential actions">
          {kind === "signIn" && !hasCredential && !fixIsLogin && loginButton}
          {(kind === "machine" || kind === "password") && (
            <button type="button" className="button button-primary" onClick={act("token", () => void getToken.run(false))} disabled={busy}>
              {getToken.pending ? "Getting a token…" : "Get token"}
            </button>
          )}
          {hasCredential && (
            <button
              type="button"
              className={`button ${kind === "signIn" || kind === "apiKey" ? "button-primary" : ""}`}
              onClick={act("copy", () => void copy.run())}
              disabled={busy}
            >
              {copy.pending ? "Copying…" : kind === "apiKey" ? "Copy API key" : "Copy access token"}
            </button>
          )}
          {(kind === "signIn" || kind === "machine" || kind === "password") && hasTokens && (
            <button type="button" className="button" onClick={act("token", () => void getToken.run(true))} disabled={busy}>
              Get a fresh token
            </button>
          )}
          {kind === "signIn" && hasCredential && loginButton}
          {kind !== "apiKey" && hasTokens && (
            <button type="button" className="button button-ghost" onClick={act("logout", () => void logout.run())} disabled={busy}>
              {logout.pending ? "Logging out…" : "Log out"}
            </button>
          )}
        </div>
      )}

      {login.cancelled && !login.running && !login.error && !outcome && (
        <p className="muted" role="status">
          Login cancelled. Nothing was stored.
        </p>
      )}
      {error && !login.running && <ErrorNotice error={error} fixes={fixes} />}
      {outcome && !error && !login.running && (
        <SuccessNotice>
          {outcome.kind === "ok" ? (
            outcome.text
          ) : outcome.kind === "token" ? (
            <GotToken fresh={outcome.fresh} meta={outcome.meta} now={now} />
          ) : (
            <Copied key={outcome.at} what={outcome.what} at={outcome.at} />
          )}
        </SuccessNotice>
      )}
    </section>
  );
}

/** "Got a valid access token; it expires in 59 min", by the panel's clock: never an expiry in the past. */
function GotToken({ fresh, meta, now }: { fresh: boolean; meta: TokenMeta; now: number }) {
  const got = `Got ${fresh ? "a fresh" : "a valid"} access token`;
  if (meta.expiresAt === null) return <>{got}; it has no expiry.</>;
  const left = meta.expiresAt - now;
  return <>{left > 0 ? `${got}; it expires ${relative(left)}.` : `${got}; it has expired since (${relative(left)}).`}</>;
}

/** The copy notice: the clearing counted down second by second (a timer, read on request rather than at
 * every tick), then, once the time is up, that the clipboard no longer holds it. */
function Copied({ what, at }: { what: string; at: number }) {
  const left = useCountdown(at + CLIPBOARD_CLEAR_SECS * 1000);
  if (left === 0) {
    return (
      <>
        {what} cleared from the clipboard {CLIPBOARD_CLEAR_SECS} s after copying (anything you copied since was left
        alone).
      </>
    );
  }
  return (
    <>
      {what} copied to the clipboard. It is cleared in {CLIPBOARD_CLEAR_SECS} s unless you copy something else.{" "}
      <span className="countdown" role="timer" aria-label={`Clipboard clears in ${left} ${left === 1 ? "second" : "seconds"}`}>
        {clock(left)}
      </span>
    </>
  );
}

/** Whole seconds left until `deadlineMs` (a Date.now() instant), every second, and no timer once at 0. */
function useCountdown(deadlineMs: number): number {
  const secondsLeft = () => Math.max(0, Math.ceil((deadlineMs - Date.now()) / 1000));
  const [left, setLeft] = useState(secondsLeft);
  useEffect(() => {
    const id = setInterval(() => {
      const now = secondsLeft();
      setLeft(now);
      if (now === 0) clearInterval(id);
    }, 1000);
    return () => clearInterval(id);
  }, [deadlineMs]);
  return left;
}

/** What a profile without a token is waiting for, in a sentence. */
function lead(p: ProfileView): string {
  switch (kindOf(p)) {
    case "signIn":
      return `Log in to get tokens: your browser opens on ${setting(p, "issuer") ?? setting(p, "authorizeUrl") ?? "the provider"}, you sign in and consent, and Keyward keeps the tokens fresh.`;
    case "password":
      return p.hasPassword
        ? "Keyward logs in with the stored email and password when a token is needed."
        : "Add the password (Edit) so Keyward can log in.";
    case "machine":
      return p.status === "incomplete"
        ? "Something this strategy needs is missing: edit the profile to add it."
        : "Keyward gets a token from the token endpoint when one is needed. Get one now to check the setup.";
    case "saml":
      return "Paste a signed assertion from your IdP to get an access token.";
    case "apiKey":
      return p.hasApiKey ? "The key is in your keychain." : "No API key stored: edit the profile to add it.";
  }
}
