// A failed load: what went wrong in the backend's words, what to do about it (chosen by the error's code),
// and a way to try again.
import type { AppError } from "../bindings/AppError";
import { errorAdvice } from "../lib/errors";

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
  const advice = errorAdvice(error.code, context);
  return (
    <section className="error" role="alert" aria-labelledby="error-title" data-code={error.code}>
      <h2 id="error-title">{advice.title}</h2>
      <p className="error-message">{error.message}</p>
      <p className="error-hint">{advice.hint}</p>
      {advice.command && (
        <pre className="command">
          <code>{advice.command}</code>
        </pre>
      )}
      <button type="button" className="button button-primary" onClick={onRetry}>
        Try again
      </button>
    </section>
  );
}
