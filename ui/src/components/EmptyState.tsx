// What a page shows when it has nothing to list: what the thing is, and how to make the first one.
import type { ReactNode } from "react";

export function EmptyState({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="empty" aria-labelledby="empty-title">
      <div className="empty-art" aria-hidden="true">
        <svg viewBox="0 0 48 48" width="48" height="48" focusable="false">
          <circle cx="17" cy="24" r="8" fill="none" stroke="currentColor" strokeWidth="3" />
          <path d="M25 24h17M36 24v7M41 24v5" fill="none" stroke="currentColor" strokeWidth="3" strokeLinecap="round" />
        </svg>
      </div>
      <h2 id="empty-title">{title}</h2>
      {children}
    </section>
  );
}
