// Inline messages: an error with what to do about it (chosen by its code) and the button that fixes it, and
// a quiet success line. Every value is rendered as text.
import type { ReactNode } from "react";

import type { AppError } from "../bindings/AppError";
import { errorAdvice } from "../lib/errors";

export interface Fixes {
  /** "Log in again" (loginAgain, consentDeclined). */
  onLogin?: () => void;
  /** "Edit scopes" (insufficientScope). */
  onEditScopes?: () => void;
}

export function ErrorNotice({ error, fixes = {}, children }: { error: AppError; fixes?: Fixes; children?: ReactNode }) {
  const advice = errorAdvice(error.code);
  const fix =
    advice.fix === "login" && fixes.onLogin ? (
      <button type="button" className="button button-primary button-small" onClick={fixes.onLogin}>
        Log in again
      </button>
    ) : advice.fix === "editScopes" && fixes.onEditScopes ? (
      <button type="button" className="button button-small" onClick={fixes.onEditScopes}>
        Edit scopes
      </button>
    ) : null;
  return (
    <div className="notice notice-error" role="alert" data-code={error.code}>
      <svg className="notice-icon" viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false">
        <circle cx="10" cy="10" r="8.2" fill="none" stroke="currentColor" strokeWidth="1.7" />
        <path d="M10 5.8v5.2M10 13.6v.4" stroke="currentColor" strokeWidth="1.9" strokeLinecap="round" />
      </svg>
      <div className="notice-body">
        <p className="notice-title">{advice.title}</p>
        <p className="notice-message">{error.message}</p>
        <p className="notice-hint">{advice.hint}</p>
        {(fix || children) && (
          <div className="notice-actions">
            {fix}
            {children}
          </div>
        )}
      </div>
    </div>
  );
}

export function SuccessNotice({ children }: { children: ReactNode }) {
  return (
    <div className="notice notice-ok" role="status">
      <svg className="notice-icon" viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false">
        <circle cx="10" cy="10" r="8.2" fill="none" stroke="currentColor" strokeWidth="1.7" />
        <path d="M6.4 10.3l2.4 2.4 4.8-5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      <div className="notice-body">{children}</div>
    </div>
  );
}
