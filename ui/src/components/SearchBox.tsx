// A labelled search field; Escape clears it, ArrowDown hands focus to what it filters.
import { forwardRef, type KeyboardEvent } from "react";

export const SearchBox = forwardRef<
  HTMLInputElement,
  { label: string; placeholder: string; value: string; onChange: (value: string) => void; onArrowDown?: () => void }
>(function SearchBox({ label, placeholder, value, onChange, onArrowDown }, ref) {
  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === "Escape" && value) {
      e.preventDefault();
      onChange("");
    } else if (e.key === "ArrowDown" && onArrowDown) {
      e.preventDefault();
      onArrowDown();
    }
  }
  return (
    <div className="search">
      <svg className="search-icon" viewBox="0 0 20 20" width="16" height="16" aria-hidden="true" focusable="false">
        <circle cx="8.5" cy="8.5" r="5.5" fill="none" stroke="currentColor" strokeWidth="1.8" />
        <line x1="12.6" y1="12.6" x2="17" y2="17" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
      </svg>
      <input
        ref={ref}
        type="search"
        aria-label={label}
        placeholder={placeholder}
        value={value}
        spellCheck={false}
        autoComplete="off"
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
      />
    </div>
  );
});
