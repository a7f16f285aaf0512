// A login under way: the three steps (browser, you, the code exchange) with the current one marked, the
// time left to finish in the browser, the address to open by hand (with Copy) if the browser did not start
// or has not shown up, and Cancel. The browser step is ticked only when its launch worked, and loses its
// tick when nothing reached Keyward a few seconds later.
import { useEffect, useState } from "react";

import type { AppError } from "../bindings/AppError";
import { usePlatform } from "../lib/platform-context";
import { clock } from "../lib/time";
import type { LoginState } from "../lib/use-login";
import { toAppError } from "../platform/platform";

const STEPS: { id: LoginState["step"]; label: string }[] = [
  { id: "openingBrowser", label: "Opening your browser" },
  { id: "waitingForUser", label: "Waiting for you to log in and consent" },
  { id: "exchangingCode", label: "Exchanging the code for tokens" },
];

type Mark = "done" | "current" | "pending" | "warn";

/** How the browser step shows: a tick only when it started, a warning when it failed or stayed silent. */
function browserStep(state: LoginState | null, current: number): { mark: Mark; label: string } {
  switch (state?.browser) {
    case "failed":
      return { mark: "warn", label: "Your browser did not open" };
    case "silent":
      return { mark: "warn", label: "Your browser has not connected yet" };
    case "started":
    case "connected":
      return { mark: "done", label: STEPS[0]!.label };
    default:
      return { mark: current === 0 ? "current" : "pending", label: STEPS[0]!.label };
  }
}

export function LoginProgressView({
  progress,
  onCancel,
  cancelling,
}: {
  progress: LoginState | null;
  onCancel: () => void;
  cancelling: boolean;
}) {
  const platform = usePlatform();
  const current = progress ? STEPS.findIndex((s) => s.id === progress.step) : 0;
  const [now, setNow] = useState(() => Date.now());
  const [open, setOpen] = useState(false);
  const [copy, setCopy] = useState<"idle" | "copying" | "copied" | AppError>("idle");

  const browser = progress?.browser ?? "opening";
  const trouble = browser === "failed" || browser === "silent";
  useEffect(() => {
    // The part for opening the address by hand opens by itself when the browser is in doubt.
    if (trouble) setOpen(true);
  }, [trouble]);
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);

  const copyUrl = () => {
    if (!progress) return;
    setCopy("copying");
    platform.copyLoginUrl(progress.profile).then(
      () => setCopy("copied"),
      (reason: unknown) => setCopy(toAppError(reason)),
    );
  };

  const first = browserStep(progress, current);
  const url = progress?.url ?? null;
  return (
    <section className="login-progress" aria-label="Login progress" aria-live="polite">
      <ol className="steps">
        {STEPS.map((s, i) => {
          const { mark, label } =
            i === 0 ? first : { mark: i < current ? "done" : i === current ? "current" : "pending", label: s.label };
          return (
            <li key={s.id} className={`step step-${mark}`} aria-current={mark === "current" ? "step" : undefined}>
              <span className="step-mark" aria-hidden="true">
                {mark === "done" ? "✓" : mark === "warn" ? "!" : i + 1}
              </span>
              <span className="step-label">
                {label}
                {mark === "current" && <span className="visually-hidden"> (now)</span>}
              </span>
              {s.id === "waitingForUser" && mark === "current" && progress?.deadline != null && (
                <span className="step-detail">{clock((progress.deadline - now) / 1000)} left</span>
              )}
            </li>
          );
        })}
      </ol>
      {url && current <= 1 && (
        <details className="login-url" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
          <summary>Browser did not open?</summary>
          {browser === "failed" && progress?.reason && (
            <p className="muted">Keyward could not start it: {progress.reason}</p>
          )}
          <p className="muted">
            {browser === "silent"
              ? "Nothing has reached Keyward from your browser yet. If no sign-in page opened, open this address in your browser:"
              : "Open this address in your browser to continue:"}
          </p>
          <p className="mono selectable">{url}</p>
          <div className="actions">
            <button type="button" className="button button-small" onClick={copyUrl} disabled={copy === "copying"}>
              Copy address
            </button>
            {copy === "copied" && (
              <span role="status" className="muted">
                Address copied.
              </span>
            )}
            {typeof copy === "object" && (
              <span role="alert" className="muted">
                Could not copy: {copy.message}
              </span>
            )}
          </div>
        </details>
      )}
      <div className="login-actions">
        <button type="button" className="button" onClick={onCancel} disabled={cancelling}>
          {cancelling ? "Cancelling…" : "Cancel login"}
        </button>
      </div>
    </section>
  );
}
