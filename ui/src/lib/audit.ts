// The audit log as the window shows it: newest first, actions in words, and a search over every column.
import type { AuditAction } from "../bindings/AuditAction";
import type { AuditEvent } from "../bindings/AuditEvent";
import type { Outcome } from "../bindings/Outcome";

export const ACTION_LABELS: Record<AuditAction, string> = {
  "profile-added": "Profile added",
  "profile-changed": "Profile changed",
  "profile-removed": "Profile removed",
  login: "Login",
  logout: "Logout",
  refresh: "Refresh failed",
  "token-issued": "Token issued",
  "token-refreshed": "Token refreshed",
  "token-refused": "Token refused",
  "key-created": "Key created",
  reveal: "Secret revealed",
  rotation: "Rotation",
  "token-revoked": "Token revoked",
  exported: "Exported",
  imported: "Imported",
  exec: "Handed to a command",
  team: "Team",
};

/** An outcome in words, and the pill it is shown in. A cancelled sign-in is no failure. */
export const OUTCOME: Record<Outcome, { label: string; pill: "ok" | "error" | "none" }> = {
  ok: { label: "OK", pill: "ok" },
  failed: { label: "Failed", pill: "error" },
  cancelled: { label: "Cancelled", pill: "none" },
};

export function newestFirst(events: AuditEvent[]): AuditEvent[] {
  return [...events].reverse();
}

export function auditMatches(e: AuditEvent, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const haystack = [e.profile, ACTION_LABELS[e.action], e.action, OUTCOME[e.outcome].label, e.detail ?? "", e.at].join("\n").toLowerCase();
  return words.every((w) => haystack.includes(w));
}
