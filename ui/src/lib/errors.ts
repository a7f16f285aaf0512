// What the UI says about a backend error: a title chosen by the error's code (never by its message text), and
// the next step from the core's remedy, worded for a window: a button that does it or a link that goes there,
// never a command to type. Both switches are exhaustive over the generated types: a new code or remedy fails
// the build here.
import type { AppError } from "../bindings/AppError";
import type { ErrorCode } from "../bindings/ErrorCode";
import type { Remedy } from "../bindings/Remedy";
import { href } from "./routes";

export interface ErrorAdvice {
  title: string;
  /** What the user can do about it, in one sentence. */
  hint: string;
}

/** `context`: "list" when loading the profiles failed (bad input then means a config file the core refused). */
export function errorAdvice(code: ErrorCode, context: "list" | "action" = "action"): ErrorAdvice {
  switch (code) {
    case "keychain":
      return {
        title: "Unlock your keychain",
        hint: "Keyward keeps secrets in the OS keychain (on Linux, the Secret Service such as GNOME Keyring). It is locked or not running: unlock it, then try again.",
      };
    case "badInput":
      return context === "list"
        ? {
            title: "Keyward could not read its profiles",
            hint: "The config file holds something Keyward does not accept: fix the field the message names in that file, then try again.",
          }
        : { title: "Check what was entered", hint: "The field named above is not accepted as it is." };
    case "notFound":
      return {
        title: "Profile not found",
        hint: "It may have been removed in another window or from the command line.",
      };
    case "network":
      return { title: "A server could not be reached", hint: "Check the URL, your connection or VPN, then try again." };
    case "refused":
      return { title: "The server refused", hint: "Its error code and reason are in the message above." };
    case "loginAgain":
      return { title: "Sign in again", hint: "The provider or the API no longer accepts this sign-in." };
    case "consentDeclined":
      return { title: "Consent was declined", hint: "Nothing was stored. Log in again and approve the access the profile asks for." };
    case "insufficientScope":
      return { title: "A scope is missing", hint: "Add the scope named above to the profile's scopes, then log in again." };
    case "waiting":
      return { title: "Waiting for you", hint: "Nothing was stored. Start again when you are ready." };
    case "internal":
      return {
        title: "Something went wrong inside Keyward",
        hint: "Try again. If it keeps happening, start Keyward with KEYWARD_LOG=debug and report what it prints.",
      };
  }
}

/** What a remedy's button does; the page that shows the notice supplies the handler. */
export type FixKind = "logIn" | "replaceUser" | "getNewToken" | "addScope" | "editField" | "allowHost" | "retry";

/** A remedy in the window: the hint, and a button (`fix`) or a link (`href`) that carries it out. */
export interface RemedyView {
  hint: string;
  label: string;
  fix?: FixKind;
  href?: string;
}

const SECRET_NAMES: Record<string, string> = {
  clientSecret: "client secret",
  apiKey: "API key",
  password: "password",
  keyName: "signing key",
  scopes: "scopes",
  apiBaseUrl: "API base URL",
};

/** The remedy worded for a window user. */
export function remedyView(remedy: Remedy): RemedyView {
  switch (remedy.kind) {
    case "logIn":
      return { hint: "Sign in again in your browser.", label: "Log in again", fix: "logIn" };
    case "replaceUser":
      return {
        hint: `Nothing was replaced. If ${remedy.subject} is the account you mean, sign in again and let it replace the tokens.`,
        label: `Sign in as ${remedy.subject} instead`,
        fix: "replaceUser",
      };
    case "getNewToken":
      return { hint: "Get a new credential and try again.", label: "Get a new token", fix: "getNewToken" };
    case "addScope":
      return remedy.scope
        ? { hint: `Add the scope ${remedy.scope} to the profile, then log in again.`, label: `Add ${remedy.scope} and log in`, fix: "addScope" }
        : { hint: "Add the scope the API needs to the profile's scopes, then log in again.", label: "Edit scopes", fix: "editField" };
    case "editField": {
      const what = SECRET_NAMES[remedy.field] ?? remedy.field;
      return { hint: `Check the profile's ${what}.`, label: `Edit ${what}`, fix: "editField" };
    }
    case "allowHost":
      return {
        hint: `Nothing was sent. If ${remedy.host} is this profile's API, allow it to receive the credential, then send again.`,
        label: `Allow ${remedy.host}`,
        fix: "allowHost",
      };
    case "exchangeAssertion":
      return { hint: "Paste a fresh signed assertion from your IdP below.", label: "Go to the profile", href: href({ page: "profile", name: remedy.profile }) };
    case "chooseKey":
      return { hint: "Generate or import a key pair, then choose it as the profile's signing key.", label: "Open Keys", href: href({ page: "keys" }) };
    case "listProfiles":
      return { hint: "It may have been removed in another window or from the command line.", label: "Back to profiles", href: href({ page: "profiles" }) };
    case "listKeys":
      return { hint: "It may have been removed in another window or from the command line.", label: "Open Keys", href: href({ page: "keys" }) };
    case "unlockKeychain":
      return { hint: "Unlock your keychain (log in to your desktop session, or open your keyring app), then try again.", label: "Try again", fix: "retry" };
    case "startKeychain":
      return { hint: "Start your keychain (on Linux a Secret Service such as GNOME Keyring) and unlock it, then try again.", label: "Try again", fix: "retry" };
    case "checkNetwork":
      return { hint: "Check the URL, your connection or VPN, and that the server is up; then try again.", label: "Try again", fix: "retry" };
    case "abortRotation":
      return { hint: "The old credential is still there: abort the rotation to go back to it.", label: "Open the rotation", href: href({ page: "profile", name: remedy.profile }) };
    case "resumeRotation":
      return { hint: "A rotation of this profile is under way: go on with it, or abort it.", label: "Open the rotation", href: href({ page: "profile", name: remedy.profile }) };
    case "finishRotation":
      return { hint: "Retiring the old credential has begun, so the rotation can only be finished: retire again once the target is fixed.", label: "Open the rotation", href: href({ page: "profile", name: remedy.profile }) };
    case "acceptDestinations":
      return {
        hint: `Team ${remedy.team} changed where ${remedy.profile} sends its credentials. Check the new addresses with your team, then accept them on the Teams page.`,
        label: "Open Teams",
        href: href({ page: "teams" }),
      };
    case "connectTeam":
      return { hint: `Your OpenBao token for team ${remedy.team} is missing, expired or revoked: connect the team again with a new token, then try again.`, label: "Try again", fix: "retry" };
  }
}

/** The one piece of advice for an error: its remedy's when it has one, else its code's. */
export function adviceFor(error: AppError, context: "list" | "action" = "action"): ErrorAdvice & { remedy: RemedyView | null } {
  const byCode = errorAdvice(error.code, context);
  const remedy = error.remedy ? remedyView(error.remedy) : null;
  const title = error.remedy?.kind === "listKeys" ? "Key pair not found" : byCode.title;
  return { title, hint: remedy?.hint ?? byCode.hint, remedy };
}
