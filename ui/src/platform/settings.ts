import type { Profile } from "../bindings/Profile";

/** The keys of every member of a union (`keyof` of a union gives only the shared ones). */
type KeysOfUnion<T> = T extends unknown ? keyof T : never;

/** The name of a setting of any strategy. */
export type SettingName = Exclude<KeysOfUnion<Profile>, "strategy" | "authorizeParams">;

/** A profile's setting by name, whichever its strategy (a profile is tagged by strategy: its settings are
 * those of its strategy only). `undefined` when its strategy has no such setting, or it is not set. */
export function setting(p: Profile, name: SettingName): string | undefined {
  const v = (p as Partial<Record<SettingName, unknown>>)[name];
  if (typeof v === "string") return v || undefined;
  return typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
}

/** A PKCE profile's extra authorize parameters (none for the other strategies). */
export function authorizeParams(p: Profile): Record<string, string> {
  return p.strategy === "pkce" ? (p.authorizeParams ?? {}) : {};
}
