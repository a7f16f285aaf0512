// The frame around every page: a sidebar with Keyward's name and the sections, and the page beside it.
import type { ReactNode } from "react";

import { Logo } from "./Logo";

export interface Section {
  id: string;
  label: string;
}

export function AppShell({
  sections,
  current,
  children,
}: {
  sections: Section[];
  current: string;
  children: ReactNode;
}) {
  return (
    <div className="shell">
      <aside className="sidebar">
        <Logo />
        <nav aria-label="Sections">
          <ul className="nav">
            {sections.map((s) => (
              <li key={s.id}>
                <a
                  className="nav-item"
                  href={`#${s.id}`}
                  aria-current={s.id === current ? "page" : undefined}
                >
                  {s.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <p className="sidebar-foot">Secrets stay in your OS keychain.</p>
      </aside>
      <main className="page">{children}</main>
    </div>
  );
}
