// What the UI says about a backend error: a title and what to do, chosen by the error's code (never by its
// message text). The switch is exhaustive over the generated ErrorCode: a new code fails the build here.
import type { ErrorCode } from "../bindings/ErrorCode";

export interface ErrorAdvice {
  title: string;
  /** What the user can do about it. */
  hint: string;
  /** A command that helps, shown as code after the hint. */
  command?: string;
}

export function errorAdvice(code: ErrorCode): ErrorAdvice {
  switch (code) {
    case "keychain":
      return {
        title: "Your keychain is locked or unavailable",
        hint: "Keyward keeps secrets in the OS keychain (on Linux, the Secret Service such as GNOME Keyring). Unlock it, then try again.",
      };
    case "badInput":
      return {
        title: "Keyward could not read its profiles",
        hint: "The config file holds something Keyward does not accept. Fix the field named above, or inspect it with:",
        command: "keyward profile list",
      };
    case "notFound":
      return {
        title: "Profile not found",
        hint: "It may have been removed in another window or from the command line. Reload the list.",
      };
    case "network":
      return { title: "A server could not be reached", hint: "Check your connection or VPN, then try again." };
    case "refused":
      return { title: "The server refused the request", hint: "Its error code is in the message above." };
    case "loginAgain":
      return { title: "You need to log in again", hint: "The provider no longer accepts this sign-in." };
    case "consentDeclined":
      return { title: "Consent was declined", hint: "Log in again and approve the access the profile asks for." };
    case "insufficientScope":
      return { title: "A scope is missing", hint: "Add the scope named above to the profile, then log in again." };
    case "waiting":
      return { title: "Waiting for you", hint: "Finish signing in in your browser, or start again." };
    case "internal":
      return {
        title: "Something went wrong inside Keyward",
        hint: "Try again. If it keeps happening, start Keyward with KEYWARD_LOG=debug and report what it prints.",
      };
  }
}
