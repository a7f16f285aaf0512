// The Add credential / Edit form as data: built from a strategy's fields (the core's catalogue), filled
// from a profile when editing, and turned into the core's ProfileForm. Validation is the core's (checkForm);
// this file only decides labels, which fields come first, and the shape sent.
import type { FieldInfo } from "../bindings/FieldInfo";
import type { FieldProblem } from "../bindings/FieldProblem";
import type { ProfileForm } from "../bindings/ProfileForm";
import type { ProfileView } from "../bindings/ProfileView";
import type { Strategy } from "../bindings/Strategy";
import type { StrategyInfo } from "../bindings/StrategyInfo";
import { authorizeParams } from "../platform/settings";

export interface FormState {
  name: string;
  strategy: Strategy;
  /** Non-secret fields as text; empty means not set. */
  fields: Record<string, string>;
  /** Secrets as typed; empty keeps the stored one when editing. */
  secrets: Record<string, string>;
  /** The `map` field (extra authorize parameters) as `NAME=VALUE` lines. */
  params: string;
}

const WORDS: Record<string, string> = { id: "ID", url: "URL", sp: "SP", acs: "ACS", jku: "JKU", api: "API" };

/** A field's label: "clientId" → "Client ID"; `url` is the token endpoint, or the login endpoint. */
export function fieldLabel(field: Pick<FieldInfo, "name">, strategy: Strategy): string {
  if (field.name === "url") return strategy === "jwt-login" || strategy === "session" ? "Login endpoint" : "Token endpoint";
  if (field.name === "authorizeUrl") return "Authorization endpoint";
  if (field.name === "authorizeParams") return "Extra authorize parameters";
  if (field.name === "redirectPort") return "Redirect port";
  if (field.name === "redirectHost") return "Redirect host";
  const words = field.name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase().split(" ");
  const text = words.map((w) => WORDS[w] ?? w).join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Fields shown up front: the required ones and those before them, scopes, where an API key goes, and
 * (for strategies without a browser sign-in) secrets. The rest wait under "More settings". */
export function isPrimary(field: FieldInfo, strategy: StrategyInfo): boolean {
  const lastRequired = strategy.fields.reduce((last, f, i) => (f.required ? i : last), -1);
  const index = strategy.fields.indexOf(field);
  return (
    field.required ||
    index <= lastRequired ||
    field.type === "scopes" ||
    field.type === "placement" ||
    (field.type === "secret" && !strategy.signIn)
  );
}

export function emptyForm(strategy: Strategy, name = ""): FormState {
  return { name, strategy, fields: {}, secrets: {}, params: "" };
}

/** The form for editing `p`: its settings as text, secrets empty (stored ones are kept). */
export function formFromProfile(p: ProfileView, strategy: StrategyInfo): FormState {
  const values = p as unknown as Record<string, unknown>;
  const fields: Record<string, string> = {};
  for (const f of strategy.fields) {
    if (f.type === "secret" || f.type === "map") continue;
    const v = values[f.name];
    if (v !== null && v !== undefined && v !== "") fields[f.name] = String(v);
  }
  const params = Object.entries(authorizeParams(p))
    .map(([k, v]) => `${k}=${v}`)
    .join("\n");
  return { name: p.name, strategy: p.strategy, fields, secrets: {}, params };
}

/** `NAME=VALUE` lines as pairs; blank lines skipped. A line without `=` is a problem for the `map` field. */
export function parseParams(text: string): { pairs: [string, string][]; problem: string | null } {
  const pairs: [string, string][] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf("=");
    if (eq < 1) return { pairs, problem: `"${line}" is not NAME=VALUE` };
    pairs.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
  }
  return { pairs, problem: null };
}

/** The core's ProfileForm: empty fields left out, authorize parameters as `authorizeParams.NAME`, and (when
 * editing) parameters that were removed sent empty, which clears them. */
export function toProfileForm(state: FormState, before?: ProfileView): ProfileForm {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(state.fields)) if (v.trim() !== "") fields[k] = v.trim();
  const { pairs } = parseParams(state.params);
  for (const name of Object.keys(before ? authorizeParams(before) : {})) fields[`authorizeParams.${name}`] = "";
  for (const [k, v] of pairs) fields[`authorizeParams.${k}`] = v;
  const secrets: Record<string, string> = {};
  for (const [k, v] of Object.entries(state.secrets)) if (v !== "") secrets[k] = v;
  return { name: state.name.trim(), strategy: state.strategy, fields, secrets };
}

/** The first problem per field, keyed by field name ("" = the form as a whole). */
export function problemsByField(problems: FieldProblem[]): Map<string, string> {
  const byField = new Map<string, string>();
  for (const p of problems) {
    const field = p.field.startsWith("authorizeParams") ? "authorizeParams" : p.field;
    if (!byField.has(field)) byField.set(field, p.message);
  }
  return byField;
}

/** Scopes as a set operation: add or remove one in a space-separated list, keeping the order. */
export function toggleScope(scopes: string, scope: string): string {
  const list = scopes.split(/\s+/).filter(Boolean);
  return (list.includes(scope) ? list.filter((s) => s !== scope) : [...list, scope]).join(" ");
}
