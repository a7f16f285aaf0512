// What the UI says about a backend error: a title and what to do, chosen by the error's code (never by its
// message text), and the one action that fixes it when the window can offer it. The switch is exhaustive
// over the generated ErrorCode: a new code fails the build here.
import type { ErrorCode } from "../bindings/ErrorCode";

export interface ErrorAdvice {
  title: string;
  /** What the user can do about it. */
  hint: string;
  /** A command that helps, shown as code after the hint. */
  command?: string;
  /** The button that fixes it, when there is one: log in again, or add the missing scope. */
  fix?: "login" | "editScopes";
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
            hint: "The config file holds something Keyward does not accept. Fix the field named above, or inspect it with:",
            command: "keyward profile list",
          }
        : { title: "Check what was entered", hint: "The field named above is not accepted as it is." };
    case "notFound":
      return {
        title: "Profile not found",
        hint: "It may have been removed in another window or from the command line. Go back to the list.",
      };
    case "network":
      return { title: "A server could not be reached", hint: "Check the URL, your connection or VPN, then try again." };
    case "refused":
      return { title: "The server refused", hint: "Its error code and reason are in the message above." };
    case "loginAgain":
      return { title: "Log in again", hint: "The provider or the API no longer accepts this sign-in.", fix: "login" };
    case "consentDeclined":
      return {
        title: "Consent was declined",
        hint: "Nothing was stored. Log in again and approve the access the profile asks for.",
        fix: "login",
      };
    case "insufficientScope":
      return {
        title: "A scope is missing",
        hint: "Add the scope named above to the profile's scopes, then log in again.",
        fix: "editScopes",
      };
    case "waiting":
      return { title: "Waiting for you", hint: "Nothing was stored. Start again when you are ready." };
    case "internal":
      return {
        title: "Something went wrong inside Keyward",
        hint: "Try again. If it keeps happening, start Keyward with KEYWARD_LOG=debug and report what it prints.",
      };
  }
}
