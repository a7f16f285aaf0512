// A failed load: what went wrong in the backend's words, the one thing to do about it (the core's remedy,
// else its code's advice), and a way to try again.
import type { AppError } from "../bindings/AppError";
import { adviceFor } from "../lib/errors";

export function ErrorState({
  error,
  onRetry,
  context = "action",
}: {
  error: AppError;
  onRetry: () => void;
  /** "list": loading the profiles failed, so bad input means a config file the core refused. */
  context?: "list" | "action";
}) {
  const advice = adviceFor(error, context);
  const link = advice.remedy?.href ? advice.remedy : null;
  return (
    <section className="error" role="alert" aria-labelledby="error-title" data-code={error.code}>
      <h2 id="error-title">{advice.title}</h2>
      <p className="error-message">{error.message}</p>
      <p className="error-hint">{advice.hint}</p>
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
