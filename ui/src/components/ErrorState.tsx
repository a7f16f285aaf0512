// A failed load: what went wrong in the backend's words, the one thing to do about it (the core's remedy,
// else its code's advice), what the error keeps from working (`children`, optional), and a way to try again.
import type { ReactNode } from "react";

import type { AppError } from "../bindings/AppError";
import { adviceFor } from "../lib/errors";

export function ErrorState({
  error,
  onRetry,
  context = "action",
  children,
}: {
  error: AppError;
  onRetry: () => void;
  /** "list": loading the profiles failed, so bad input means a config file the core refused. */
  context?: "list" | "action";
  /** Said after the hint, inside the alert: what cannot be done until this is fixed, say. */
  children?: ReactNode;
}) {
  const advice = adviceFor(error, context);
  const link = advice.remedy?.href ? advice.remedy : null;
  return (
    <section className="error" role="alert" aria-labelledby="error-title" data-code={error.code}>
      <h2 id="error-title">{advice.title}</h2>
      <p className="error-message">{error.message}</p>
      <p className="error-hint">{advice.hint}</p>
      {children}
      <div className="actions">
        {link && (
          <a className="button" href={link.href}>
            {link.label}
          </a>
        )}
        <button type="button" className="button button-primary" onClick={onRetry}>
          Try again
        </button>
      </div>
    </section>
  );
}
