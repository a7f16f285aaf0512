// Teams: the teams connected here, and for each where it stands, asked of its OpenBao: the token you use
// (its name, policies, expiry) and every shared profile with its version, who wrote it and when, the
// versions OpenBao keeps and which shared secrets it holds (never their values). Connect a team here (its
// address and your OpenBao token, checked at its OpenBao and kept in the keychain); its profiles join the
// list at once.
import { useState, type FormEvent } from "react";

import type { TeamStatus } from "../bindings/TeamStatus";
import type { TeamView } from "../bindings/TeamView";
import { EmptyState } from "../components/EmptyState";
import { ErrorState } from "../components/ErrorState";
import { ErrorNotice, SuccessNotice } from "../components/Notice";
import { usePlatform } from "../lib/platform-context";
import { href } from "../lib/routes";
import { since, useNowSecs } from "../lib/time";
import { useAction, useLoad } from "../lib/use-async";

export function TeamsPage() {
  const platform = usePlatform();
  const { state, reload } = useLoad(() => platform.teamList(), [platform]);
  const [connecting, setConnecting] = useState(false);
  const [connected, setConnected] = useState<TeamStatus | null>(null);
  /** Reload asks every team's OpenBao again, not only for the list of teams. */
  const [asked, setAsked] = useState(0);
  const none = state.status === "ready" && state.value.length === 0;
  return (
    <>
      <header className="page-header">
        <div>
          <h1>Teams</h1>
          <p className="subtitle">Profiles and their shared secrets kept in a team's OpenBao · your own tokens stay in your keychain</p>
        </div>
        <div className="page-actions">
          <button
            type="button"
            className="button"
            onClick={() => {
              reload();
              setAsked((n) => n + 1);
            }}
          >
            Reload
          </button>
          {!connecting && !none && (
            <button type="button" className="button button-primary" onClick={() => setConnecting(true)}>
              Connect a team…
            </button>
          )}
        </div>
      </header>
      <div className="stack">
        {state.status === "loading" && <div className="loading" aria-busy="true" aria-label="Loading the teams" />}
        {state.status === "error" && <ErrorState error={state.error} onRetry={reload} />}
        {connected && (
          <SuccessNotice>
            Connected team {connected.name} as {connected.tokenName}: it shares {connected.profiles.length === 1 ? "1 profile" : `${connected.profiles.length} profiles`}.
            Your OpenBao token is in your keychain, and the team's profiles are in the list now, marked as shared.
          </SuccessNotice>
        )}
        {none && !connected && (
          <EmptyState title="No team connected here">
            <p>
              A team shares client secrets, API keys and passwords through its OpenBao: connect one below (or with{" "}
              <code>keyward team add TEAM --addr URL --token-stdin</code>). Its profiles then appear in the list, marked as shared.
            </p>
          </EmptyState>
        )}
        {(connecting || none) && (
          <ConnectTeam
            onCancel={none ? undefined : () => setConnecting(false)}
            onConnected={(status) => {
              setConnected(status);
              setConnecting(false);
              reload();
            }}
          />
        )}
        {state.status === "ready" && state.value.map((team) => <TeamCard key={team.name} team={team} asked={asked} />)}
      </div>
    </>
  );
}

function ConnectTeam({ onConnected, onCancel }: { onConnected: (status: TeamStatus) => void; onCancel?: () => void }) {
  const platform = usePlatform();
  const [name, setName] = useState("");
  const [addr, setAddr] = useState("");
  const [mount, setMount] = useState("");
  const [path, setPath] = useState("");
  const [token, setToken] = useState("");
  const connect = useAction(() => platform.teamAdd(name.trim(), addr.trim(), mount.trim() || null, path.trim() || null, token));
  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const status = await connect.run();
    if (status) {
      setToken("");
      onConnected(status);
    }
  }
  const ready = name.trim() !== "" && addr.trim() !== "" && token.trim() !== "";
  return (
    <section className="card" aria-labelledby="connect-team-title">
      <div className="card-head">
        <h2 id="connect-team-title">Connect a team</h2>
        <span className="muted">your token is checked at its OpenBao, then kept in your keychain</span>
      </div>
      <form className="stack" onSubmit={(e) => void onSubmit(e)} aria-label="Connect a team">
        <div className="field">
          <label className="field-label" htmlFor="team-name">
            Team name<span className="required"> required</span>
          </label>
          <input id="team-name" type="text" value={name} placeholder="payments" spellCheck={false} autoComplete="off" onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="team-addr">
            OpenBao address<span className="required"> required</span>
          </label>
          <input id="team-addr" type="text" inputMode="url" value={addr} placeholder="https://bao.example.net:8200" spellCheck={false} onChange={(e) => setAddr(e.target.value)} />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="team-mount">
            KV v2 mount
          </label>
          <input id="team-mount" type="text" value={mount} placeholder="secret" spellCheck={false} onChange={(e) => setMount(e.target.value)} />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="team-path">
            Path of the team's profiles
          </label>
          <input id="team-path" type="text" value={path} placeholder={`keyward/${name.trim() || "TEAM"}`} spellCheck={false} onChange={(e) => setPath(e.target.value)} />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="team-token">
            Your OpenBao token<span className="required"> required</span>
          </label>
          <input id="team-token" type="password" value={token} autoComplete="off" spellCheck={false} aria-describedby="team-token-help" onChange={(e) => setToken(e.target.value)} />
          <p className="field-help" id="team-token-help">
            From your OpenBao admin, or <code>bao token create</code>. It goes to your keychain, never to a file.
          </p>
        </div>
        {connect.error && <ErrorNotice error={connect.error} />}
        <div className="actions">
          {onCancel && (
            <button type="button" className="button" onClick={onCancel}>
              Cancel
            </button>
          )}
          <button type="submit" className="button button-primary" disabled={connect.pending || !ready}>
            {connect.pending ? "Connecting…" : "Connect"}
          </button>
        </div>
      </form>
    </section>
  );
}

function TeamCard({ team, asked }: { team: TeamView; asked: number }) {
  const platform = usePlatform();
  const { state, reload } = useLoad(() => platform.teamStatus(team.name), [platform, team.name, asked]);
  const accept = useAction((profile: string) => platform.teamAccept(team.name, profile));
  const [accepted, setAccepted] = useState<string | null>(null);
  const title = `team-${team.name}-title`;
  return (
    <section className="card team" aria-labelledby={title}>
      <div className="card-head">
        <h2 id={title}>{team.name}</h2>
        <span className="muted mono">
          {team.addr} · {team.mount}/{team.path}
        </span>
      </div>
      <p className="muted">Your OpenBao token comes from {team.tokenFrom === "environment" ? "the environment (KEYWARD_TEAM_TOKEN)" : "your keychain"}.</p>
      {state.status === "loading" && <div className="loading" aria-busy="true" aria-label={`Asking team ${team.name}'s OpenBao`} />}
      {state.status === "error" && <ErrorNotice error={state.error} fixes={{ onRetry: reload }} />}
      {accept.error && <ErrorNotice error={accept.error} fixes={{ onRetry: reload }} />}
      {accepted && <SuccessNotice>Accepted: Keyward uses {accepted} again, with its new destinations.</SuccessNotice>}
      {state.status === "ready" && (
        <TeamDetails
          status={state.value}
          accepting={accept.pending}
          onAccept={async (profile) => {
            setAccepted(null);
            if (await accept.run(profile)) {
              setAccepted(profile);
              reload();
            }
          }}
        />
      )}
    </section>
  );
}

function TeamDetails({ status, accepting, onAccept }: { status: TeamStatus; accepting: boolean; onAccept: (profile: string) => void }) {
  const now = useNowSecs();
  const ago = (iso: string) => {
    const at = Date.parse(iso);
    return Number.isNaN(at) ? iso : since(Math.floor(at / 1000), now);
  };
  return (
    <>
      <p>
        Token <span className="mono">{status.tokenName}</span>, policies {status.tokenPolicies.join(", ") || "none"};{" "}
        {status.tokenExpires ? <>expires {new Date(status.tokenExpires).toLocaleString()}</> : "does not expire"}.
      </p>
      {status.profiles.length === 0 ? (
        <p className="muted">The team shares no profile yet: share one with <code>keyward team share PROFILE --team {status.name}</code>.</p>
      ) : (
        <table className="table" aria-label={`Profiles shared by team ${status.name}`}>
          <thead>
            <tr>
              <th scope="col">Profile</th>
              <th scope="col">Version</th>
              <th scope="col">Changed</th>
              <th scope="col">By</th>
              <th scope="col">Shared secrets</th>
              <th scope="col">Versions kept</th>
            </tr>
          </thead>
          <tbody>
            {status.profiles.map((p) => (
              <tr key={p.name}>
                <th scope="row" className="cell-name">
                  <a className="team-profile" href={href({ page: "profile", name: p.name })}>
                    {p.name}
                  </a>
                  {p.strategy && <span className="muted"> · {p.strategy}</span>}
                </th>
                <td>{p.version}</td>
                <td className="cell-nowrap">
                  <time dateTime={p.changedAt} title={p.changedAt}>
                    {ago(p.changedAt)}
                  </time>
                </td>
                <td className="mono cell-nowrap">{p.changedBy ?? "unknown"}</td>
                <td>{p.secrets.join(", ") || "none"}</td>
                <td>{p.versions.join(", ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {status.profiles
        .filter((p) => p.notAccepted.length > 0)
        .map((p) => (
          <div key={p.name} className="notice notice-warn" role="alert" aria-label={`New destinations for ${p.name}`}>
            <div className="notice-body">
              <span className="notice-title">
                Version {p.version} of {p.name} is not in use: it sends credentials somewhere new
              </span>
              <span className="notice-hint">
                Version {p.version}, written by <span className="mono">{p.changedBy ?? "someone unknown"}</span>, also sends {p.name}'s credentials to{" "}
                {p.notAccepted.map((h, i) => (
                  <span key={h}>
                    {i > 0 && ", "}
                    <span className="mono">{h}</span>
                  </span>
                ))}
                , which you have not accepted. Keyward does not use this version until you do. Check the new addresses with your team first: a
                changed address can send the team's secret to someone else.
              </span>
              <div className="notice-actions">
                <button type="button" className="button" disabled={accepting} onClick={() => onAccept(p.name)}>
                  {accepting ? "Accepting…" : `Accept the new destinations of ${p.name}`}
                </button>
              </div>
            </div>
          </div>
        ))}
    </>
  );
}
