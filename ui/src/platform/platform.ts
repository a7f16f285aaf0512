// The one door from the UI to the backend: everything above src/platform talks to this interface, the app
// hands it the Tauri implementation (tauri.ts) and tests hand it a fake (fake.ts). Every method rejects
// with an {@link AppError}; none of them ever returns a token (copy and "try a request" run in Rust), and
// only apiKeyNew returns a secret: the new key the user asked to see, once.
import type { ApiRequest } from "../bindings/ApiRequest";
import type { AppError } from "../bindings/AppError";
import type { ApiKeyView } from "../bindings/ApiKeyView";
import type { AuditEvent } from "../bindings/AuditEvent";
import type { CallResult } from "../bindings/CallResult";
import type { CertView } from "../bindings/CertView";
import type { DiscoveryView } from "../bindings/DiscoveryView";
import type { DryRun } from "../bindings/DryRun";
import type { DueCredential } from "../bindings/DueCredential";
import type { ExportRequest } from "../bindings/ExportRequest";
import type { FieldProblem } from "../bindings/FieldProblem";
import type { ImportOutcome } from "../bindings/ImportOutcome";
import type { InspectOptions } from "../bindings/InspectOptions";
import type { Inspection } from "../bindings/Inspection";
import type { KeyAlg } from "../bindings/KeyAlg";
import type { KeyView } from "../bindings/KeyView";
import type { LoginProgress } from "../bindings/LoginProgress";
import type { LogoutOutcome } from "../bindings/LogoutOutcome";
import type { NewApiKey } from "../bindings/NewApiKey";
import type { ProfileForm } from "../bindings/ProfileForm";
import type { ProfileView } from "../bindings/ProfileView";
import type { RefreshEvent } from "../bindings/RefreshEvent";
import type { RotationPlan } from "../bindings/RotationPlan";
import type { RotationStatus } from "../bindings/RotationStatus";
import type { SavedExport } from "../bindings/SavedExport";
import type { StrategyInfo } from "../bindings/StrategyInfo";
import type { TeamStatus } from "../bindings/TeamStatus";
import type { TeamView } from "../bindings/TeamView";
import type { TokenMeta } from "../bindings/TokenMeta";

/** A JSON Web Key Set: `{"keys": [...]}` with public members only. */
export type Jwks = { keys: Record<string, string>[] };

export interface Platform {
  // Profiles
  /** Every profile, sorted by name. */
  listProfiles(): Promise<ProfileView[]>;
  showProfile(name: string): Promise<ProfileView>;
  removeProfile(name: string): Promise<void>;
  /** Every strategy with its fields: the one source of truth for the forms. */
  strategies(): Promise<StrategyInfo[]>;
  /** The form's problems, field by field; none means it can be saved. */
  checkForm(form: ProfileForm, editing: boolean): Promise<FieldProblem[]>;
  addProfile(form: ProfileForm): Promise<ProfileView>;
  /** Secrets left empty keep the stored ones. */
  editProfile(form: ProfileForm): Promise<ProfileView>;
  /** Try a machine credential's token request with the form's settings; nothing is saved. */
  testProfile(form: ProfileForm, editing: boolean): Promise<TokenMeta>;
  discover(issuer: string): Promise<DiscoveryView>;
  auditEvents(): Promise<AuditEvent[]>;
  /** The teams connected here (from the config; their OpenBao is not asked). */
  teamList(): Promise<TeamView[]>;
  /** Where one team stands, asked of its OpenBao: its token, and each shared profile's version, who wrote it
   * and when (never a value). */
  teamStatus(team: string): Promise<TeamStatus>;
  /** Connect a team: its OpenBao address (KV v2 mount, path; null for the defaults) and your OpenBao token,
   * checked there and kept in the keychain. Its profiles join the list at once. */
  teamAdd(team: string, addr: string, mount: string | null, path: string | null, token: string): Promise<TeamStatus>;
  /** Accept where a team profile's current version sends its credentials; the team's status after. */
  teamAccept(team: string, profile: string): Promise<TeamStatus>;
  /** Every rotatable credential's age against its rotation period (each profile's own, 90 days by default),
   * due ones first. */
  rotationsDue(): Promise<DueCredential[]>;
  /** Hear the background refresh from now on: a profile refreshing, fresh again, or failed (with its
   * remedy). Every listener hears every event. */
  watchCredentials(onEvent: (event: RefreshEvent) => void): Promise<void>;

  // Signing in and using a credential
  /** Log in through the browser; `onProgress` hears each step. */
  /** `replaceUser`: a sign-in as another account than the profile's last one may replace its tokens. */
  login(name: string, onProgress: (step: LoginProgress) => void, replaceUser?: boolean): Promise<TokenMeta>;
  /** Cancel a login waiting for the browser; false when none was. */
  cancelLogin(name: string): Promise<boolean>;
  /** Copy the address the login of `name` waiting now sent the browser to, for opening it by hand. */
  copyLoginUrl(name: string): Promise<void>;
  /** A valid access token's metadata (cached, refreshed, or new with `fresh`). */
  getToken(name: string, fresh: boolean): Promise<TokenMeta>;
  /** Copy a valid access token to the clipboard (cleared after 60 s unless it changed). */
  copyAccessToken(name: string): Promise<TokenMeta>;
  callApi(name: string, request: ApiRequest): Promise<CallResult>;
  dryRun(name: string): Promise<DryRun>;
  exchangeAssertion(name: string, assertion: string): Promise<TokenMeta>;
  /** The SP settings to hand the IdP admin, as [label, value] rows. */
  samlSpSettings(name: string): Promise<[string, string][]>;
  logout(name: string): Promise<LogoutOutcome>;
  /** A stored secret, shown because the user asked (audited). */
  revealSecret(name: string, field: string): Promise<string>;

  // Keys
  keys(): Promise<KeyView[]>;
  keyNew(name: string, alg: KeyAlg, bits: number | null, kid: string | null): Promise<KeyView>;
  keyImport(name: string, pem: string, alg: KeyAlg | null, kid: string | null): Promise<KeyView>;
  /** Import from a file picked in a native dialog; null when the user closed it. */
  keyImportFile(name: string, alg: KeyAlg | null, kid: string | null): Promise<KeyView | null>;
  jwks(names: string[]): Promise<Jwks>;
  copyJwks(names: string[]): Promise<void>;
  /** Save to a file picked in a native dialog; its path, or null when the user closed it. */
  saveJwks(names: string[]): Promise<string | null>;
  /** A self-signed certificate for a key pair (public). */
  keyCert(name: string, subject: string, days: number): Promise<CertView>;
  copyCert(pem: string): Promise<void>;
  /** Save to a file picked in a native dialog; its path, or null when the user closed it. */
  saveCert(name: string, pem: string): Promise<string | null>;
  /** Generate an API key: the key itself comes back this once, to be shown once (the one exception to
   * "never a secret"); after that only the view. */
  apiKeyNew(name: string, opts: NewApiKey): Promise<[string, ApiKeyView]>;
  /** Copy the profile's API key from the keychain (cleared after 60 s). */
  copyApiKey(name: string): Promise<void>;

  // Export and import
  /** Make the export in the backend and save it to a file picked in a native dialog: where it went and
   * what it holds (names only, never a value), or null when the user closed the dialog. */
  exportProfiles(request: ExportRequest): Promise<SavedExport | null>;
  /** Import a Postman environment picked in a native dialog; null when the user closed it. */
  importPostmanFile(): Promise<ImportOutcome | null>;

  // Inspector
  /** Decode and check a token the user pasted or dropped (a JWT, a SAML assertion or SAMLResponse); a
   * `badInput` error when it is no token. */
  inspectToken(token: string, options: InspectOptions): Promise<Inspection>;
  /** The same for the profile's current access token, which stays in the backend. */
  inspectProfile(name: string, options: InspectOptions): Promise<Inspection>;

  // Rotation
  /** Where the profile's rotation stands and what its next step would do; null when it never had one. */
  rotationStatus(name: string): Promise<RotationStatus | null>;
  /** Create the new credential (nothing deployed yet). `newSecret`: the client secret pasted from the
   * provider's dashboard (or a provider-issued API key); null lets Keyward generate the API key. */
  rotationStart(name: string, plan: RotationPlan, newSecret: string | null): Promise<RotationStatus>;
  /** Run the planned step: deploy, verify or retire (`force`: retire although the traffic check says the
   * old credential is still used). */
  rotationNext(name: string, force: boolean): Promise<RotationStatus>;
  /** Remove the new credential everywhere and go back to the old one. */
  rotationAbort(name: string): Promise<RotationStatus>;
  /** What abort would do, in lines, for its confirmation. */
  rotationAbortPlan(name: string): Promise<string[]>;
  /** A target file's path, picked in a native dialog; null when the user closed it. */
  rotationPickFile(jwks: boolean): Promise<string | null>;
}

/** True when `value` has the shape of the backend's `{code, message}` error. */
export function isAppError(value: unknown): value is AppError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { code?: unknown }).code === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

/** Whatever a call rejected with, as an {@link AppError}: Tauri itself rejects with plain strings (a command
 * not allowed, a window without a backend), which become `internal` errors carrying their text. */
export function toAppError(reason: unknown): AppError {
  if (isAppError(reason)) return reason;
  const message = reason instanceof Error ? reason.message : String(reason);
  return { code: "internal", message, remedy: null };
}
