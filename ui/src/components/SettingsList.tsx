// A profile's settings as the core keeps them (never a secret), in the order of its strategy's fields.
import type { ProfileView } from "../bindings/ProfileView";
import type { StrategyInfo } from "../bindings/StrategyInfo";
import { fieldLabel } from "../lib/forms";
import { authorizeParams } from "../platform/settings";

export function SettingsList({ profile, strategy }: { profile: ProfileView; strategy: StrategyInfo | undefined }) {
  const values = profile as unknown as Record<string, unknown>;
  const rows: [string, string][] = [];
  for (const f of strategy?.fields ?? []) {
    if (f.type === "secret") continue;
    if (f.type === "map") {
      for (const [k, v] of Object.entries(authorizeParams(profile))) rows.push([`Authorize parameter ${k}`, v]);
      continue;
    }
    const v = values[f.name];
    if (v !== null && v !== undefined && v !== "") rows.push([fieldLabel(f, profile.strategy), String(v)]);
  }
  if (rows.length === 0) return <p className="muted">Nothing set beyond the defaults.</p>;
  return (
    <dl className="facts facts-wide">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd className="mono">{value}</dd>
        </div>
      ))}
    </dl>
  );
}
