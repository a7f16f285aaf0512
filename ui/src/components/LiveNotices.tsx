// What the profile page shows of background work: a refresh that failed (with its remedy's button, e.g.
// Log in again) and a credential past its rotation period (with Start rotation…).
import type { AppError } from "../bindings/AppError";
import type { DueCredential } from "../bindings/DueCredential";
import { ErrorNotice, type Fixes } from "./Notice";

export function RefreshFailedNotice({ error, fixes }: { error: AppError; fixes: Fixes }) {
  return (
    <div aria-label="Background refresh failed">
      <ErrorNotice error={error} fixes={fixes} />
    </div>
  );
}

export function RotationDueNotice({ due, onRotate }: { due: DueCredential; onRotate: () => void }) {
  return (
    <div className="notice notice-warn" role="status" aria-label="Rotation due">
      <div className="notice-body">
        <p className="notice-title">Rotation due</p>
        <p className="notice-message">
          This credential is {due.reason}. Rotating it keeps the old one valid until the new one is deployed and
          verified.
        </p>
        <div className="notice-actions">
          <button type="button" className="button button-small button-primary" onClick={onRotate}>
            Start rotation…
          </button>
        </div>
      </div>
    </div>
  );
}
