// A profile's credential status as a coloured pill: "Signed in as alice", "Not signed in", "API key stored".
import type { ProfileView } from "../bindings/ProfileView";
import { statusLabel, statusTone } from "../lib/profiles";

export function StatusPill({ profile, id }: { profile: ProfileView; id?: string }) {
  return (
    <span className={`pill pill-${statusTone(profile)}`} id={id} data-status={profile.status}>
      <span className="dot" aria-hidden="true" />
      {statusLabel(profile)}
    </span>
  );
}
