// A login under way: the three steps (browser, you, the code exchange) with the current one marked, the
// time left to finish in the browser, the address to open by hand if the browser did not start, and Cancel.
import { useEffect, useState } from "react";

import type { LoginProgress } from "../bindings/LoginProgress";
import { clock } from "../lib/time";

type StepId = LoginProgress["step"];

const STEPS: { id: StepId; label: string }[] = [
  { id: "openingBrowser", label: "Opening your browser" },
  { id: "waitingForUser", label: "Waiting for you to log in and consent" },
  { id: "exchangingCode", label: "Exchanging the code for tokens" },
];

function indexOf(step: LoginProgress | null): number {
  if (!step) return 0;
  if (step.step === "browserFailed") return 0;
  return STEPS.findIndex((s) => s.id === step.step);
}

export function LoginProgressView({
  progress,
  onCancel,
  cancelling,
}: {
  progress: LoginProgress | null;
  onCancel: () => void;
  cancelling: boolean;
}) {
  const current = indexOf(progress);
  const [url, setUrl] = useState<string | null>(null);
  const [deadline, setDeadline] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (progress?.step === "openingBrowser" || progress?.step === "browserFailed") setUrl(progress.url);
    if (progress?.step === "waitingForUser") setDeadline(Date.now() + progress.timeoutSecs * 1000);
  }, [progress]);
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);

  const failed = progress?.step === "browserFailed" ? progress : null;
  return (
    <section className="login-progress" aria-label="Login progress" aria-live="polite">
      <ol className="steps">
        {STEPS.map((s, i) => {
          const state = i < current ? "done" : i === current ? "current" : "pending";
          return (
            <li key={s.id} className={`step step-${state}`} aria-current={state === "current" ? "step" : undefined}>
              <span className="step-mark" aria-hidden="true">
                {state === "done" ? "✓" : i + 1}
              </span>
              <span className="step-label">
                {s.label}
                {state === "current" && <span className="visually-hidden"> (now)</span>}
              </span>
              {s.id === "waitingForUser" && state === "current" && deadline !== null && (
                <span className="step-detail">{clock((deadline - now) / 1000)} left</span>
              )}
            </li>
          );
        })}
      </ol>
      {failed && (
        <div className="notice notice-warn" role="alert">
          <div className="notice-body">
            <p className="notice-title">Your browser did not open</p>
            <p className="notice-message">{failed.reason}</p>
            <p className="notice-hint">Open this address in your browser to continue:</p>
            <p className="mono selectable">{failed.url}</p>
          </div>
        </div>
      )}
      {!failed && url && current <= 1 && (
        <details className="login-url">
          <summary>Browser did not open?</summary>
          <p className="muted">Open this address in your browser to continue:</p>
          <p className="mono selectable">{url}</p>
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
