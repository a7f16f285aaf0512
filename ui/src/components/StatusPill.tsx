// A profile's credential status as a coloured pill: "Signed in as alice", "Not signed in", "API key stored";
// "Refused" when the server just refused to issue its credential (what the profile holds does not work).
import type { ProfileView } from "../bindings/ProfileView";
import { statusLabel, statusTone } from "../lib/profiles";

export function StatusPill({ profile, id, refused = false }: { profile: ProfileView; id?: string; refused?: boolean }) {
  return (
    <span
      className={`pill pill-${refused ? "error" : statusTone(profile)}`}
      id={id}
      data-status={refused ? "refused" : profile.status}
    >
      <span className="dot" aria-hidden="true" />
      {refused ? "Refused by the server" : statusLabel(profile)}
    </span>
  );
}
