// Audit: what happened to which profile and when — logins, logouts, failed refreshes, profile and key
// changes, reveals — newest first, never a secret. Read from the same log as `keyward audit`.
import { useMemo, useState } from "react";

import { EmptyState } from "../components/EmptyState";
import { ErrorState } from "../components/ErrorState";
import { SearchBox } from "../components/SearchBox";
import { ACTION_LABELS, OUTCOME, auditMatches, newestFirst } from "../lib/audit";
import { usePlatform } from "../lib/platform-context";
import { since, useNowSecs } from "../lib/time";
import { useLoad } from "../lib/use-async";

export function AuditPage() {
  const platform = usePlatform();
  const { state, reload } = useLoad(() => platform.auditEvents(), [platform]);
  const [query, setQuery] = useState("");
  const now = useNowSecs();
  const events = useMemo(() => (state.status === "ready" ? newestFirst(state.value) : []), [state]);
  const shown = events.filter((e) => auditMatches(e, query));

  return (
    <>
      <header className="page-header">
        <div>
          <h1>Audit log</h1>
          <p className="subtitle">
            {state.status === "ready"
              ? `${events.length === 1 ? "1 event" : `${events.length} events`} · never a secret`
              : "Loading…"}
          </p>
        </div>
        <div className="page-actions">
          {events.length > 0 && (
            <SearchBox label="Search the audit log" placeholder="Search by profile, action, outcome…" value={query} onChange={setQuery} />
          )}
          <button type="button" className="button" onClick={reload}>
            Reload
          </button>
        </div>
      </header>
      {state.status === "loading" && <div className="loading" aria-busy="true" aria-label="Loading the audit log" />}
      {state.status === "error" && <ErrorState error={state.error} onRetry={reload} />}
      {state.status === "ready" && events.length === 0 && (
        <EmptyState title="Nothing recorded yet">
          <p>Logins, logouts, failed refreshes, profile and key changes and reveals appear here as they happen.</p>
        </EmptyState>
      )}
      {events.length > 0 && (
        <div className="card card-flush">
          <table className="table audit" aria-label="Audit events">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col">Profile</th>
                <th scope="col">Outcome</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((e, i) => {
                const at = Date.parse(e.at);
                const ago = Number.isNaN(at) ? e.at : since(Math.floor(at / 1000), now);
                return (
                  <tr key={`${e.at}-${i}`}>
                    <td className="cell-muted cell-nowrap">
                      <time dateTime={e.at} title={Number.isNaN(at) ? e.at : new Date(at).toLocaleString()}>
                        {ago}
                      </time>
                    </td>
                    <td className="cell-nowrap">{ACTION_LABELS[e.action] ?? e.action}</td>
                    <th scope="row" className="cell-name">
                      {e.profile}
                    </th>
                    <td>
                      <span className={`pill pill-${OUTCOME[e.outcome].pill}`}>
                        <span className="dot" aria-hidden="true" />
                        {OUTCOME[e.outcome].label}
                      </span>
                    </td>
                    <td className="cell-detail">{e.detail ?? ""}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {shown.length === 0 && (
            <p className="muted table-empty" role="status">
              No event matches <q>{query}</q>.
            </p>
          )}
        </div>
      )}
    </>
  );
}
