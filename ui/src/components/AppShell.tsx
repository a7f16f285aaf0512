// The frame around every page: a skip link, a sidebar with Keyward's name and the sections, and the page beside
// it. A new page starts at its top, with focus on it (so a screen reader reads the new page, and Tab starts
// there); the skip link, Tab's first stop, moves focus there too.
import { useEffect, useRef, type MouseEvent, type ReactNode } from "react";

import { Logo } from "./Logo";

export interface Section {
  id: string;
  label: string;
  href: string;
  /** An SVG path (24×24, stroked) drawn before the label. */
  icon: string;
}

export function AppShell({
  sections,
  current,
  page,
  children,
}: {
  sections: Section[];
  current: string;
  /** Changes when another page is shown. */
  page: string;
  children: ReactNode;
}) {
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.scrollTo?.(0, 0);
    main.current?.focus({ preventScroll: true });
  }, [page]);

  // The route lives in the hash, so the link's own "#main" would navigate: focus the page instead.
  function skipToContent(e: MouseEvent) {
    e.preventDefault();
    main.current?.focus();
  }

  return (
    <div className="shell">
      <a className="skip-link" href="#main" onClick={skipToContent}>
        Skip to content
      </a>
      <aside className="sidebar">
        <Logo />
        <nav aria-label="Sections">
          <ul className="nav">
            {sections.map((s) => (
              <li key={s.id}>
                <a className="nav-item" href={s.href} aria-current={s.id === current ? "page" : undefined}>
                  <svg viewBox="0 0 24 24" width="17" height="17" aria-hidden="true" focusable="false">
                    <path d={s.icon} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
                  </svg>
                  {s.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <p className="sidebar-foot">Secrets stay in your OS keychain.</p>
      </aside>
      {/* position: relative makes <main> (the scrolling box) the containing block of the page's
          visually-hidden elements (live regions, file inputs): otherwise they are placed against the
          document, a long page makes the document itself scrollable, and focusing something low on the
          page (the Inspector's verdict) scrolls the whole window up, sidebar and all, over a blank strip. */}
      <main ref={main} className="page" id="main" tabIndex={-1} style={{ position: "relative" }}>
        <div className="page-inner">{children}</div>
      </main>
    </div>
  );
}
