// Inline messages: an error with what to do about it (the core's remedy, else its code's advice) and the
// button or link that does it, and a quiet success line. Every value is rendered as text.
import type { ReactNode } from "react";

import type { AppError } from "../bindings/AppError";
import { adviceFor, type FixKind } from "../lib/errors";

/** The handlers a page offers for remedies; a remedy whose handler is missing shows no button. */
export interface Fixes {
  /** "Log in again". */
  onLogin?: () => void;
  /** "Sign in as SUBJECT instead": a new sign-in that may replace the tokens of another account. */
  onReplaceUser?: () => void;
  /** "Get a new token". */
  onGetToken?: () => void;
  /** "Add SCOPE and log in". */
  onAddScope?: (scope: string) => void;
  /** "Edit client secret", "Edit scopes"…: open the profile's form at that field. */
  onEditField?: (field: string) => void;
  /** "Allow HOST": the profile's credential may go to this host too. */
  onAllowHost?: (host: string) => void;
  /** "Try again". */
  onRetry?: () => void;
}

function handler(error: AppError, fix: FixKind, fixes: Fixes): (() => void) | undefined {
  const remedy = error.remedy;
  switch (fix) {
    case "logIn":
      return fixes.onLogin;
    case "replaceUser":
      return fixes.onReplaceUser;
    case "getNewToken":
      return fixes.onGetToken;
    case "addScope": {
      const scope = remedy?.kind === "addScope" ? remedy.scope : null;
      return scope && fixes.onAddScope ? () => fixes.onAddScope?.(scope) : undefined;
    }
    case "editField": {
      const field = remedy?.kind === "editField" ? remedy.field : "scopes";
      return fixes.onEditField ? () => fixes.onEditField?.(field) : undefined;
    }
    case "allowHost": {
      const host = remedy?.kind === "allowHost" ? remedy.host : null;
      return host && fixes.onAllowHost ? () => fixes.onAllowHost?.(host) : undefined;
    }
    case "retry":
      return fixes.onRetry;
  }
}

export function ErrorNotice({ error, fixes = {}, children }: { error: AppError; fixes?: Fixes; children?: ReactNode }) {
  const advice = adviceFor(error);
  const remedy = advice.remedy;
  const onFix = remedy?.fix ? handler(error, remedy.fix, fixes) : undefined;
  const primary = remedy?.fix === "logIn" || remedy?.fix === "addScope";
  const fix = onFix ? (
    <button type="button" className={`button button-small ${primary ? "button-primary" : ""}`} onClick={onFix}>
      {remedy?.label}
    </button>
  ) : remedy?.href ? (
    <a className="button button-small" href={remedy.href}>
      {remedy.label}
    </a>
  ) : null;
  return (
    <div className="notice notice-error" role="alert" data-code={error.code} data-remedy={error.remedy?.kind}>
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
