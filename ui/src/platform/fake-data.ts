// What the fake platform starts with: the core's own strategies (generated JSON, never a copy), and helpers
// to make profiles, tokens, keys, export summaries and rotations for tests and previews.
import strategiesJson from "../bindings/strategies.json";
import type { ExportRequest } from "../bindings/ExportRequest";
import type { ExportSummary } from "../bindings/ExportSummary";
import type { KeyView } from "../bindings/KeyView";
import type { ProfileView } from "../bindings/ProfileView";
import type { Rotation } from "../bindings/Rotation";
import type { StrategyInfo } from "../bindings/StrategyInfo";
import type { TokenMeta } from "../bindings/TokenMeta";
import { setting, type SettingName } from "./settings";

/** The core's strategies and their fields, as `cargo test` writes them next to the bindings. */
export const FAKE_STRATEGIES = strategiesJson as StrategyInfo[];

const nowSecs = () => Math.floor(Date.now() / 1000);

/** What a test may set on a fake profile: any field of the view, and any strategy's settings. */
export type FakeProfileExtra = Partial<Omit<ProfileView, "strategy">> & {
  strategy?: ProfileView["strategy"];
} & Partial<Record<SettingName | "authorizeParams", unknown>>;

/** A profile as the core shows it, never logged in unless `extra` says so. */
export function fakeProfile(name: string, extra: FakeProfileExtra = {}): ProfileView {
  const strategy = extra.strategy ?? "pkce";
  return {
    name,
    strategy,
    issuer: strategy === "pkce" ? `https://${name}.example.com` : undefined,
    clientId: `${name}-client`,
    scopes: "openid read:users",
    hasClientSecret: false,
    hasRefreshToken: false,
    hasAccessToken: false,
    hasApiKey: false,
    hasPassword: false,
    status: strategy === "pkce" ? "signInRequired" : "renewable",
    ...extra,
  } as ProfileView;
}

export function fakeToken(subject: string | null, expiresInSecs: number | null, scope: string | null = "read:users"): TokenMeta {
  return {
    expiresAt: expiresInSecs === null ? null : nowSecs() + expiresInSecs,
    issuedAt: nowSecs() - 60,
    scope,
    subject,
    tokenType: "Bearer",
  };
}

/** A signed-in PKCE profile. */
export function fakeSignedIn(name: string, subject: string, expiresInSecs: number): ProfileView {
  return fakeProfile(name, {
    hasAccessToken: true,
    hasRefreshToken: true,
    status: "ready",
    token: fakeToken(subject, expiresInSecs, "openid read:users"),
  });
}

export function fakeKey(name: string, alg: KeyView["alg"] = "ES384"): KeyView {
  return {
    name,
    alg,
    kid: `kid-${name}`,
    publicJwk: { kty: alg.startsWith("ES") ? "EC" : "RSA", kid: `kid-${name}`, alg, use: "sig" },
    createdAt: "2026-11-20T10:00:00Z",
  };
}

/** Where the fake's save dialog puts an export. */
export const FAKE_EXPORT_DIR = "/home/you/Documents";

/** The file name the core offers for an export (export/mod.rs's `file_name`). */
export function exportFileName(request: ExportRequest): string {
  const base = request.profiles.length === 1 ? request.profiles[0]! : "keyward";
  switch (request.format) {
    case "postman":
      return `${base}.postman_environment.json`;
    case "collection":
      return `${base}.postman_collection.json`;
    case "dotenv":
      return !request.dialect || request.dialect === "portable" || request.dialect === "compose" ? `${base}.env` : `${base}.${request.dialect}.env`;
    case "curl":
      return `${base}.curl.sh`;
    case "bruno":
      return `${base}.bru`;
  }
}

/** What the core's summary of an export of `profiles` says, by the same policy: the request-level credential
 * goes in, the long-lived secrets (named after the `has<Property>` flags) stay out unless asked. */
export function fakeExportSummary(request: ExportRequest, profiles: ProfileView[]): ExportSummary {
  const several = profiles.length > 1;
  const name = (p: ProfileView, key: string) => (several ? `${p.name.replace(/[^A-Za-z0-9]/g, "_")}_${key}` : key);
  const variables: string[] = [];
  const longLived: string[] = [];
  for (const p of profiles) {
    if (p.apiBaseUrl) variables.push(name(p, "baseUrl"));
    if (p.strategy === "api-key") variables.push(name(p, "apiKey"), name(p, "apiKeyPlacement"));
    else variables.push(name(p, "accessToken"), name(p, "tokenType"));
    if (setting(p, "clientId")) variables.push(name(p, "clientId"));
    if (p.hasClientSecret) longLived.push(name(p, "clientSecret"));
    if (p.hasRefreshToken) longLived.push(name(p, "refreshToken"));
    if (p.hasPassword) longLived.push(name(p, "password"));
    if (setting(p, "keyName")) longLived.push(name(p, "privateKey"));
  }
  const include = request.includeSecrets && request.format !== "curl";
  const expiries = profiles.map((p) => p.token?.expiresAt).filter((e): e is number => typeof e === "number");
  const expiresAt = expiries.length > 0 ? Math.min(...expiries) : null;
  const notes: string[] = [];
  if (request.format === "bruno" && include && longLived.length > 0) {
    notes.push(`Bruno keeps secret values out of its files: enter ${longLived.join(", ")} in Bruno's environment settings`);
  }
  if (request.format === "curl" && request.includeSecrets) {
    notes.push("a curl command needs only the request-level credential: no long-lived secret is in it");
  }
  if (expiresAt !== null) notes.push(`the exported credential expires at ${new Date(expiresAt * 1000).toISOString().replace(/\.\d+Z$/, "Z")}`);
  return {
    format: request.format,
    profiles: [...request.profiles],
    fileName: exportFileName(request),
    variables: request.format === "curl" ? [] : [...variables, ...(include && request.format !== "bruno" ? longLived : [])],
    secretsLeftOut: include ? [] : longLived,
    secretsIncluded: include && request.format !== "bruno" ? longLived : [],
    expiresAt,
    notes,
  };
}

/** The fake's old and new credential fingerprints (the core's: first 8 hex of SHA-256; kids for key pairs). */
export const FAKE_OLD_FINGERPRINT = "3f9a1c0e";
export const FAKE_NEW_FINGERPRINT = "b7d24e61";

/** A target path under this folder refuses to be written, as a read-only file would. */
export const FAKE_READ_ONLY_DIR = "/read-only";

/** Where the fake's file picker points: a keys file, or a JWKS file for key pairs. */
export const FAKE_PICKED_FILE = "/home/you/service/api-keys.txt";
export const FAKE_PICKED_JWKS = "/home/you/service/jwks.json";

/** A rotation as the core keeps it, `state` reached with its journal, for a fake that starts half-way. */
export function fakeRotation(profile: string, kind: Rotation["kind"], state: Rotation["state"], extra: Partial<Rotation> = {}): Rotation {
  const started = nowSecs() - 120;
  const at = (secs: number) => new Date(secs * 1000).toISOString().replace(/\.\d+Z$/, "Z");
  const journal: Rotation["journal"] = [
    { at: at(started), step: "create", phase: "started", detail: `rotating the ${kind.replace("-", " ")} of ${profile}` },
    { at: at(started), step: "create", phase: "done", detail: `new credential ${FAKE_NEW_FINGERPRINT} created; the old ${FAKE_OLD_FINGERPRINT} stays in use` },
  ];
  const reached = ["deployed", "verified", "retired"].indexOf(state);
  if (reached >= 0) {
    journal.push({ at: at(started + 30), step: "deploy", phase: "done", detail: "deployed (no targets)" });
  }
  return {
    profile,
    kind,
    state,
    targets: [],
    oldFingerprint: FAKE_OLD_FINGERPRINT,
    newFingerprint: FAKE_NEW_FINGERPRINT,
    startedAt: started,
    ...(reached >= 0 ? { deployedAt: started + 30 } : {}),
    journal,
    evidence: [],
    ...extra,
  };
}
