// A modal question with two answers, or three when there is a second way to go ahead (Remove, or Log out
// and remove): focus starts on the safe one, Escape or the backdrop cancels, Tab stays inside, and focus
// returns where it was when it closes.
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from "react";

export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  alternative,
  danger = false,
  busy = false,
  onConfirm,
  onCancel,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** A second way to go ahead, shown between Cancel and the confirm button. */
  alternative?: { label: string; onSelect: () => void };
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    cancel.current?.focus();
    return () => before?.focus();
  }, []);
  // A button pressed while busy was disabled, which drops focus out of the dialog: bring it back when the
  // work ends and the dialog stays (a failure shown inside it).
  useEffect(() => {
    if (!busy && !box.current?.contains(document.activeElement)) cancel.current?.focus();
  }, [busy]);

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === "Escape") {
      e.preventDefault();
      onCancel();
    } else if (e.key === "Tab") {
      const focusable = box.current?.querySelectorAll<HTMLElement>("button:not(:disabled)");
      if (!focusable || focusable.length === 0) return;
      const first = focusable[0]!;
      const last = focusable[focusable.length - 1]!;
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  }

  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onCancel()}>
      <div
        ref={box}
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="dialog-title"
        aria-describedby="dialog-body"
        onKeyDown={onKeyDown}
      >
        <h2 id="dialog-title">{title}</h2>
        <div id="dialog-body" className="dialog-body">
          {children}
        </div>
        <div className="dialog-actions">
          <button ref={cancel} type="button" className="button" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          {alternative && (
            <button type="button" className="button" onClick={alternative.onSelect} disabled={busy}>
              {alternative.label}
            </button>
          )}
          <button
            type="button"
            className={`button ${danger ? "button-danger" : "button-primary"}`}
            onClick={onConfirm}
            disabled={busy}
          >
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
