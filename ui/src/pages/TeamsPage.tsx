// Teams: the teams connected here, and for each where it stands, asked of its OpenBao: the token you use
// (its name, policies, expiry) and every shared profile with its version, who wrote it and when, the
// versions OpenBao keeps and which shared secrets it holds (never their values). Connecting a team is
// `keyward team add` today; the page says so rather than offering a form that does not exist.
import type { TeamStatus } from "../bindings/TeamStatus";
import type { TeamView } from "../bindings/TeamView";
import { EmptyState } from "../components/EmptyState";
import { ErrorState } from "../components/ErrorState";
import { ErrorNotice } from "../components/Notice";
import { usePlatform } from "../lib/platform-context";
import { href } from "../lib/routes";
import { duration, useNowSecs } from "../lib/time";
import { useLoad } from "../lib/use-async";

export function TeamsPage() {
  const platform = usePlatform();
  const { state, reload } = useLoad(() => platform.teamList(), [platform]);
  return (
    <>
      <header className="page-header">
        <div>
          <h1>Teams</h1>
          <p className="subtitle">Profiles and their shared secrets kept in a team's OpenBao · your own tokens stay in your keychain</p>
        </div>
        <div className="page-actions">
          <button type="button" className="button" onClick={reload}>
            Reload
          </button>
        </div>
      </header>
      {state.status === "loading" && <div className="loading" aria-busy="true" aria-label="Loading the teams" />}
      {state.status === "error" && <ErrorState error={state.error} onRetry={reload} />}
      {state.status === "ready" && state.value.length === 0 && (
        <EmptyState title="No team connected here">
          <p>
            A team shares client secrets, API keys and passwords through its OpenBao. Connect one from a terminal with{" "}
            <code>keyward team add TEAM --addr URL --token-stdin</code>, then restart Keyward: its profiles appear in the list,
            marked as shared.
          </p>
        </EmptyState>
      )}
      {state.status === "ready" && state.value.length > 0 && (
        <div className="stack">
          {state.value.map((team) => (
            <TeamCard key={team.name} team={team} />
          ))}
        </div>
      )}
    </>
  );
}

function TeamCard({ team }: { team: TeamView }) {
  const platform = usePlatform();
  const { state, reload } = useLoad(() => platform.teamStatus(team.name), [platform, team.name]);
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
      {state.status === "ready" && <TeamDetails status={state.value} />}
    </section>
  );
}

function TeamDetails({ status }: { status: TeamStatus }) {
  const now = useNowSecs();
  const ago = (iso: string) => {
    const at = Date.parse(iso);
    return Number.isNaN(at) ? iso : `${duration(now - Math.floor(at / 1000))} ago`;
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
    </>
  );
}
