// The one door from the UI to the backend: everything above src/platform talks to this interface, the app
// hands it the Tauri implementation (tauri.ts) and tests hand it a fake (fake.ts).
import type { AppError } from "../bindings/AppError";
import type { ProfileView } from "../bindings/ProfileView";

export interface Platform {
  /** Every profile, sorted by name. Rejects with an {@link AppError}. */
  listProfiles(): Promise<ProfileView[]>;
}

/** True when `value` has the shape of the backend's `{code, message}` error. */
export function isAppError(value: unknown): value is AppError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { code?: unknown }).code === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

/** Whatever a call rejected with, as an {@link AppError}: Tauri itself rejects with plain strings (a command
 * not allowed, a window without a backend), which become `internal` errors carrying their text. */
export function toAppError(reason: unknown): AppError {
  if (isAppError(reason)) return reason;
  const message = reason instanceof Error ? reason.message : String(reason);
  return { code: "internal", message };
}
