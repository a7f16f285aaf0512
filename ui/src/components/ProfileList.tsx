// The list of profiles: one focusable row each (arrow keys, Home and End move between them), showing the
// name, strategy, provider, sign-in state and token expiry. Every value is rendered as text.
import { forwardRef, useImperativeHandle, useRef, useState, type KeyboardEvent } from "react";

import type { ProfileView } from "../bindings/ProfileView";
import { nextIndex } from "../lib/keyboard";
import {
  expiryText,
  kindOf,
  detailsOf,
  nextCommand,
  scopesOf,
  statusLabel,
  statusOf,
  strategyLabel,
  strategyShort,
  type Kind,
  type Status,
} from "../lib/profiles";
import { isoTime } from "../lib/time";

export interface ProfileListHandle {
  /** Focus the first row (from the search box's ArrowDown). */
  focusFirst(): void;
}

export const ProfileList = forwardRef<ProfileListHandle, { profiles: ProfileView[]; nowSecs: number; label: string }>(
  function ProfileList({ profiles, nowSecs, label }, ref) {
    const rows = useRef<(HTMLLIElement | null)[]>([]);
    const [active, setActive] = useState(0);
    const activeIndex = Math.min(active, Math.max(profiles.length - 1, 0));

    function focusRow(i: number) {
      setActive(i);
      rows.current[i]?.focus();
    }
    useImperativeHandle(ref, () => ({ focusFirst: () => focusRow(0) }));

    function onKeyDown(e: KeyboardEvent<HTMLUListElement>) {
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
            aria-labelledby={`profile-${i}-name`}
            aria-describedby={`profile-${i}-details profile-${i}-scopes profile-${i}-status`}
            onFocus={() => setActive(i)}
          >
            <ProfileRow profile={p} nowSecs={nowSecs} idPrefix={`profile-${i}`} />
          </li>
        ))}
      </ul>
    );
  },
);

function ProfileRow({ profile: p, nowSecs, idPrefix }: { profile: ProfileView; nowSecs: number; idPrefix: string }) {
  const status = statusOf(p, nowSecs);
  const details = detailsOf(p);
  const scopes = scopesOf(p);
  return (
    <>
      <div className="profile-main">
        <div className="profile-title">
          <span className="profile-name" id={`${idPrefix}-name`}>
            {p.name}
          </span>
          <span className="badge" title={strategyLabel(p.strategy)}>
            {strategyShort(p.strategy)}
          </span>
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
      <StatusColumn
        kind={kindOf(p)}
        status={status}
        nowSecs={nowSecs}
        command={nextCommand(p, status)}
        id={`${idPrefix}-status`}
      />
    </>
  );
}

function StatusColumn({
  kind,
  status,
  nowSecs,
  command,
  id,
}: {
  kind: Kind;
  status: Status;
  nowSecs: number;
  command: string | null;
  id: string;
}) {
  const expiry = expiryText(kind, status, nowSecs);
  const when = status.state === "ready" ? status.expiresAt : status.state === "none" ? null : status.expiredAt;
  return (
    <div className="status" id={id}>
      <span className={`pill pill-${status.state}`}>
        <span className="dot" aria-hidden="true" />
        {statusLabel(kind, status)}
      </span>
      {expiry && (
        <span className="status-detail">
          {when !== null ? (
            <time dateTime={isoTime(when)} title={new Date(when * 1000).toLocaleString()}>
              {expiry}
            </time>
          ) : (
            expiry
          )}
        </span>
      )}
      {command && (
        <span className="status-detail">
          Run <code>{command}</code>
        </span>
      )}
    </div>
  );
}
