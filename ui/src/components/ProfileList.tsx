// The list of profiles: one focusable row each (arrow keys, Home and End move between them; Enter or a click
// opens it), showing the name, strategy, provider, credential status and token expiry, a "Rotation due"
// badge past the rotation period, and the background refresh's news as it happens (refreshing, a new
// expiry, a failure) without a reload. Every value is text.
import { forwardRef, memo, useEffect, useImperativeHandle, useRef, useState, type KeyboardEvent } from "react";

import type { ProfileView } from "../bindings/ProfileView";
import { nextIndex } from "../lib/keyboard";
import { usePlatform } from "../lib/platform-context";
import { detailsOf, expiryText, scopesOf, tokenOf } from "../lib/profiles";
import { href } from "../lib/routes";
import { isoTime } from "../lib/time";
import { useLoad } from "../lib/use-async";
import { useRefreshEvents } from "../lib/use-refresh-events";
import { StatusPill } from "./StatusPill";

export interface ProfileListHandle {
  /** Focus the first row (from the search box's ArrowDown). */
  focusFirst(): void;
}

export const ProfileList = forwardRef<
  ProfileListHandle,
  {
    profiles: ProfileView[];
    nowSecs: number;
    label: string;
    /** The short name of a strategy id, for the badge. */
    strategyShort: (id: string) => string;
    onOpen: (name: string) => void;
  }
>(function ProfileList({ profiles: given, nowSecs, label, strategyShort, onOpen }, ref) {
  const platform = usePlatform();
  // Parents may hand a new array on every render (a ticking clock): act only when what it holds changes.
  const loaded = given.map((p) => `${p.name}@${p.token?.issuedAt ?? ""}@${p.status}`).join("\n");
  const due = useLoad(() => platform.rotationsDue(), [platform, loaded]);
  const dueNames = new Set(due.state.status === "ready" ? due.state.value.filter((d) => d.due).map((d) => d.profile) : []);
  /** What the background refresh said since the list was loaded, by profile. */
  const [live, setLive] = useState<Map<string, Live>>(new Map());
  useEffect(() => setLive(new Map()), [loaded]);
  useRefreshEvents((event) => {
    setLive((m) => {
      const next = new Map(m);
      if (event.kind === "refreshFailed") next.set(event.name, { state: "failed" });
      else if (event.state === "refreshing") next.set(event.name, { state: "refreshing", profile: m.get(event.name)?.profile });
      else next.set(event.name, { state: "fresh", profile: event.profile });
      return next;
    });
  });
  const profiles = given.map((p) => live.get(p.name)?.profile ?? p);
  const rows = useRef<(HTMLLIElement | null)[]>([]);
  const [active, setActive] = useState(0);
  const activeIndex = Math.min(active, Math.max(profiles.length - 1, 0));

  function focusRow(i: number) {
    setActive(i);
    rows.current[i]?.focus();
  }
  useImperativeHandle(ref, () => ({ focusFirst: () => focusRow(0) }));

  function onKeyDown(e: KeyboardEvent<HTMLUListElement>) {
    if (e.key === "Enter" && document.activeElement === rows.current[activeIndex]) {
      e.preventDefault();
      const p = profiles[activeIndex];
      if (p) onOpen(p.name);
      return;
    }
    const to = nextIndex(e.key, activeIndex, profiles.length);
    if (to === null) return;
    e.preventDefault();
    focusRow(to);
  }

  return (
    <ul className="profiles" aria-label={label} onKeyDown={onKeyDown}>
      {profiles.map((p, i) => (
        <li
          key={p.name}
          ref={(el) => {
            rows.current[i] = el;
          }}
          className="profile"
          tabIndex={i === activeIndex ? 0 : -1}
          aria-labelledby={`profile-${p.name}-name`}
          aria-describedby={`profile-${p.name}-details profile-${p.name}-scopes profile-${p.name}-status`}
          onFocus={() => setActive(i)}
          onClick={() => onOpen(p.name)}
        >
          <ProfileRow
            profile={p}
            nowSecs={nowSecs}
            idPrefix={`profile-${p.name}`}
            short={strategyShort(p.strategy)}
            rotationDue={dueNames.has(p.name)}
            live={live.get(p.name)?.state}
          />
        </li>
      ))}
    </ul>
  );
});

/** The background refresh's last word on a profile, and the profile as it is since. */
type Live = { state: "refreshing" | "fresh" | "failed"; profile?: ProfileView };

/** One row; memoised, with ids from the profile's name, so that a keystroke in the search re-renders only
 * the rows that appear (search-as-you-type over 1,000 profiles: bench/ui_scale.mjs). */
const ProfileRow = memo(function ProfileRow({
  profile: p,
  nowSecs,
  idPrefix,
  short,
  rotationDue,
  live,
}: {
  profile: ProfileView;
  nowSecs: number;
  idPrefix: string;
  short: string;
  rotationDue: boolean;
  live?: Live["state"];
}) {
  const details = detailsOf(p);
  const scopes = scopesOf(p);
  const expiry = expiryText(p, nowSecs);
  const expiresAt = tokenOf(p)?.expiresAt ?? null;
  return (
    <>
      <div className="profile-main">
        <div className="profile-title">
          <a className="profile-name" id={`${idPrefix}-name`} href={href({ page: "profile", name: p.name })} tabIndex={-1}>
            {p.name}
          </a>
          <span className="badge">{short}</span>
          {p.team && (
            <span className="badge badge-team" title={`Its settings and shared secret are in team ${p.team}'s OpenBao`}>
              Shared · {p.team}
            </span>
          )}
          {rotationDue && <span className="badge badge-warn">Rotation due</span>}
        </div>
        <div className="profile-meta" id={`${idPrefix}-details`}>
          {details.map((d, i) => (
            <span key={d.label ?? d.value} className="detail">
              {i > 0 && (
                <span className="sep" aria-hidden="true">
                  ·
                </span>
              )}
              {d.label && `${d.label} `}
              <span className="mono" title={d.value}>
                {d.value}
              </span>
            </span>
          ))}
        </div>
        {scopes.length > 0 && (
          <div className="scopes" id={`${idPrefix}-scopes`}>
            <span className="visually-hidden">Scopes: </span>
            {scopes.map((s) => (
              // The space keeps words apart for screen readers; the flex layout does not render it.
              <span key={s} className="scope">
                {s}{" "}
              </span>
            ))}
          </div>
        )}
      </div>
      <div className="status" id={`${idPrefix}-status`}>
        <StatusPill profile={p} />
        {live === "refreshing" && <span className="status-detail">Refreshing…</span>}
        {live === "failed" && <span className="status-detail status-failed">Refresh failed</span>}
        {expiry && (
          <span className="status-detail">
            {expiresAt !== null ? (
              <time dateTime={isoTime(expiresAt)} title={new Date(expiresAt * 1000).toLocaleString()}>
                {expiry}
              </time>
            ) : (
              expiry
            )}
          </span>
        )}
      </div>
      <svg className="chevron" viewBox="0 0 20 20" width="16" height="16" aria-hidden="true" focusable="false">
        <path d="M7.5 4.5l5.5 5.5-5.5 5.5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    </>
  );});
