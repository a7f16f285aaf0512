// A Platform in memory, for tests and previews: profiles, keys and an audit log that change as the pages
// call it, exports "saved" by a save dialog that always picks FAKE_EXPORT_DIR, an import that adds a
// profile, a login that walks through its progress steps (with a browser that connects, fails to start, or
// stays silent), rotations that walk the core's state machine (a target under FAKE_READ_ONLY_DIR refuses, an
// overlap holds retire back), and ways for a test to make any call fail, to replace one, and to see every
// call made.
import type { AppError } from "../bindings/AppError";
import type { AuditEvent } from "../bindings/AuditEvent";
import type { DueCredential } from "../bindings/DueCredential";
import type { FieldProblem } from "../bindings/FieldProblem";
import type { KeyView } from "../bindings/KeyView";
import type { LoginProgress } from "../bindings/LoginProgress";
import type { ProfileForm } from "../bindings/ProfileForm";
import type { ProfileView } from "../bindings/ProfileView";
import type { RefreshEvent } from "../bindings/RefreshEvent";
import type { Rotation } from "../bindings/Rotation";
import type { RotationStatus } from "../bindings/RotationStatus";
import type { RotationStep } from "../bindings/RotationStep";
import type { TeamStatus } from "../bindings/TeamStatus";
import type { TeamView } from "../bindings/TeamView";
import type { TokenMeta } from "../bindings/TokenMeta";
import {
  FAKE_EXPORT_DIR,
  FAKE_NEW_FINGERPRINT,
  FAKE_OLD_FINGERPRINT,
  FAKE_PICKED_FILE,
  FAKE_PICKED_JWKS,
  FAKE_READ_ONLY_DIR,
  FAKE_STRATEGIES,
  fakeExportSummary,
  fakeKey,
  fakeToken,
} from "./fake-data";
import { fakeInspector } from "./fake-inspect";
import type { Platform } from "./platform";
import { setting } from "./settings";

export type Method = keyof Platform;

/** How the fake's login ends: approved in the browser, declined, or left waiting (until cancelled). */
export type LoginMode = "approve" | "decline" | "hold";

/** How the fake's browser behaves: it connects, it cannot be started, or it starts and never connects. */
export type BrowserMode = "connects" | "fails" | "silent";

export interface FakePlatform extends Platform {
  /** Every call, in order. */
  calls: { method: Method; args: unknown[] }[];
  /** The arguments of each call to `method`. */
  callsTo(method: Method): unknown[][];
  /** What listProfiles answers from now on: these profiles, or this error. */
  answer(with_: { profiles: ProfileView[] } | { error: AppError }): void;
  /** The next call to `method` rejects with `error`. */
  failNext(method: Method, error: AppError): void;
  /** Replace a method; calls are still recorded. */
  override<M extends Method>(method: M, impl: Platform[M]): void;
  loginMode: LoginMode;
  browserMode: BrowserMode;
  /** Complete a login left waiting by `loginMode = "hold"`, as if the user approved in the browser. */
  finishLogin(): void;
  /** The profiles as the fake holds them now. */
  profiles: Map<string, ProfileView>;
  /** The rotations as the fake holds them now, by profile. */
  rotations: Map<string, Rotation>;
  /** Fire a background-refresh event at every watcher, as the Rust task does; a `fresh` event with a
   * profile also updates the fake's copy of it. */
  emit(event: RefreshEvent): void;
  /** What rotationsDue answers. */
  due: DueCredential[];
}

/** The one OpenBao token the fake's teamAdd accepts. */
export const FAKE_TEAM_TOKEN = "s.FAKEcanaryBaoToken0000";

/** A team the fake has connected: what teamList shows, and what teamStatus answers (or its error). */
export interface FakeTeam {
  view: TeamView;
  status: TeamStatus | AppError;
}

export interface FakeOptions {
  profiles?: ProfileView[];
  error?: AppError;
  keys?: KeyView[];
  audit?: AuditEvent[];
  /** Rotations already under way (or over), by their profile. */
  rotations?: Rotation[];
  /** What rotationsDue answers. */
  due?: DueCredential[];
  teams?: FakeTeam[];
}

/** The key the fake's apiKeyNew "generates": a canary a test can look for (and must not find later). */
export const FAKE_NEW_API_KEY = "rk_live_FAKEcanary0000000000000000000000000000000";

const notFound = (name: string): AppError => ({
  code: "notFound",
  message: `no profile named ${JSON.stringify(name)}`,
  remedy: { kind: "listProfiles" },
});

export function fakePlatform(options: FakeOptions = {}): FakePlatform {
  const profiles = new Map((options.profiles ?? []).map((p) => [p.name, structuredClone(p)]));
  const keys = new Map((options.keys ?? []).map((k) => [k.name, k]));
  const audit: AuditEvent[] = [...(options.audit ?? [])];
  const rotations = new Map((options.rotations ?? []).map((r) => [r.profile, structuredClone(r)]));
  const teams: FakeTeam[] = structuredClone(options.teams ?? []);
  let listError: AppError | null = options.error ?? null;
  const failures = new Map<Method, AppError[]>();
  const overrides = new Map<Method, (...args: never[]) => unknown>();
  let cancelWaiting: (() => void) | null = null;
  let approveWaiting: (() => void) | null = null;
  let loginUrl: string | null = null;
  const watchers: ((event: RefreshEvent) => void)[] = [];

  const profile = (name: string): ProfileView => {
    const p = profiles.get(name);
    if (!p) throw notFound(name);
    return p;
  };
  const record = (action: AuditEvent["action"], name: string, detail?: string) =>
    audit.push({ at: new Date().toISOString(), action, profile: name, outcome: "ok", detail: detail ?? null });
  const withToken = (name: string, meta: TokenMeta) => {
    const p = profile(name);
    profiles.set(name, { ...p, hasAccessToken: true, token: meta, status: "ready" });
    return meta;
  };

  const impl: Platform = {
    async listProfiles() {
      if (listError) throw listError;
      return [...profiles.values()].sort((a, b) => a.name.localeCompare(b.name)).map((p) => structuredClone(p));
    },
    async showProfile(name) {
      return structuredClone(profile(name));
    },
    async removeProfile(name) {
      profile(name);
      profiles.delete(name);
      record("profile-removed", name);
    },
    async strategies() {
      return structuredClone(FAKE_STRATEGIES);
    },
    async checkForm(form, editing) {
      return checkForm(form, editing, profiles);
    },
    async addProfile(form) {
      const problem = checkForm(form, false, profiles)[0];
      if (problem) throw { code: "badInput", message: `${problem.field}: ${problem.message}`, remedy: null } satisfies AppError;
      const view = viewOf(form);
      profiles.set(form.name, view);
      record("profile-added", form.name);
      return structuredClone(view);
    },
    async editProfile(form) {
      const before = profile(form.name);
      const view = viewOf(form, before);
      profiles.set(form.name, view);
      record("profile-changed", form.name);
      return structuredClone(view);
    },
    async testProfile(form) {
      if (!FAKE_STRATEGIES.some((s) => s.id === form.strategy)) throw notFound(form.name);
      return fakeToken(null, 3600, form.fields.scopes ?? null);
    },
    async discover(issuer) {
      const base = issuer.replace(/\/+$/, "");
      return {
        issuer: base,
        authorizationEndpoint: `${base}/auth`,
        tokenEndpoint: `${base}/token`,
        revocationEndpoint: `${base}/token/revocation`,
        scopesSupported: ["openid", "offline_access", "read:users", "write:users"],
      };
    },
    async auditEvents() {
      return structuredClone(audit);
    },
    async rotationsDue() {
      return structuredClone(fake.due);
    },
    async teamList() {
      return structuredClone(teams.map((t) => t.view));
    },
    async teamAdd(team, addr, mount, path, token) {
      if (token.trim() !== FAKE_TEAM_TOKEN) {
        throw { code: "refused", message: `team ${team}'s OpenBao at ${addr} does not accept your OpenBao token (invalid, expired or revoked)`, remedy: { kind: "connectTeam", team } } satisfies AppError;
      }
      const view: TeamView = { name: team, addr, mount: mount ?? "secret", path: path ?? `keyward/${team}`, tokenFrom: "keychain" };
      const status: TeamStatus = { ...view, tokenName: "token-alice", tokenPolicies: ["default", "keyward-members"], tokenExpires: null, profiles: [] };
      teams.push({ view, status });
      return structuredClone(status);
    },
    async teamAccept(team, profile) {
      const found = teams.find((t) => t.view.name === team);
      if (!found || "code" in found.status) throw { code: "notFound", message: `no team named ${JSON.stringify(team)} is connected here`, remedy: null } satisfies AppError;
      const shared = found.status.profiles.find((p) => p.name === profile);
      if (!shared) throw { code: "notFound", message: `profile ${JSON.stringify(profile)} is not shared by any connected team`, remedy: null } satisfies AppError;
      shared.notAccepted = [];
      return structuredClone(found.status);
    },
    async teamStatus(team) {
      const found = teams.find((t) => t.view.name === team);
      if (!found) throw { code: "notFound", message: `no team named ${JSON.stringify(team)} is connected here`, remedy: null } satisfies AppError;
      if ("code" in found.status) throw structuredClone(found.status);
      return structuredClone(found.status);
    },
    async watchCredentials(onEvent) {
      watchers.push(onEvent);
    },

    async login(name, onProgress) {
      profile(name);
      const step = (s: LoginProgress) => onProgress(s);
      const url = `https://${name}.example.com/auth?client_id=x`;
      step({ step: "openingBrowser", url });
      loginUrl = url;
      try {
        if (fake.browserMode === "fails") {
          step({ step: "browserFailed", url, reason: '$BROWSER entry "firefox": No such file or directory' });
        }
        await tick();
        step({ step: "waitingForUser", redirectUri: "http://127.0.0.1:49152/callback", timeoutSecs: 120 });
        await tick();
        if (fake.browserMode === "silent") step({ step: "browserSilent", url, afterSecs: 8 });
        if (fake.browserMode === "connects") step({ step: "browserConnected" });
        if (fake.loginMode === "hold") {
          await new Promise<void>((resolve, reject) => {
            cancelWaiting = () => reject({ code: "waiting", message: "login cancelled; nothing was stored" });
            approveWaiting = resolve;
          });
        }
        if (fake.loginMode === "decline") {
          throw {
            code: "consentDeclined",
            message: "you declined consent at the provider, so nothing was stored",
            remedy: { kind: "logIn", profile: name },
          } satisfies AppError;
        }
      } finally {
        loginUrl = null;
      }
      step({ step: "exchangingCode" });
      await tick();
      const p = profile(name);
      profiles.set(name, { ...p, hasRefreshToken: true });
      record("login", name, "signed in as alice");
      return withToken(name, fakeToken("alice", 3600, setting(p, "scopes") ?? null));
    },
    async cancelLogin() {
      const waiting = cancelWaiting;
      cancelWaiting = null;
      waiting?.();
      return waiting !== null;
    },
    async copyLoginUrl(name) {
      if (!loginUrl) throw { code: "waiting", message: `no login of ${name} is waiting for the browser`, remedy: null } satisfies AppError;
    },
    async getToken(name) {
      return withToken(name, fakeToken(profile(name).token?.subject ?? null, 3600));
    },
    async copyAccessToken(name) {
      const p = profile(name);
      return p.token ?? withToken(name, fakeToken(null, 3600));
    },
    async callApi(name, request) {
      profile(name);
      return {
        response: {
          status: 200,
          headers: [["content-type", "application/json"]],
          body: JSON.stringify({ sub: "alice", scope: "read:users", url: request.url }),
          truncated: false,
        },
        problem: null,
      };
    },
    async dryRun(name) {
      const p = profile(name);
      return {
        method: "POST",
        url: setting(p, "url") ?? "https://auth.example.com/token",
        headers: [
          ["Authorization", "Basic ***"],
          ["Content-Type", "application/x-www-form-urlencoded"],
        ],
        body: "grant_type=client_credentials&scope=read%3Ausers",
      };
    },
    async exchangeAssertion(name) {
      return withToken(name, fakeToken("alice@example.com", 3600));
    },
    async samlSpSettings() {
      return [
        ["SP entity ID", "https://api.example.com/saml/metadata"],
        ["ACS URL", "https://api.example.com/saml/acs"],
        ["NameID format", "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"],
        ["Signature algorithm", "RSA-SHA256 (sign the Assertion)"],
      ];
    },
    async logout(name) {
      const p = profile(name);
      const { token: _gone, ...rest } = p;
      profiles.set(name, { ...rest, hasAccessToken: false, hasRefreshToken: false, status: "signInRequired" } as ProfileView);
      record("logout", name);
      return "revoked";
    },
    async revealSecret(name, field) {
      profile(name);
      record("reveal", name, `${field} revealed`);
      return `revealed-${field}-of-${name}`;
    },

    async keys() {
      return [...keys.values()];
    },
    async keyNew(name, alg) {
      if (keys.has(name)) throw { code: "badInput", message: `a key named "${name}" already exists`, remedy: null } satisfies AppError;
      const key = fakeKey(name, alg);
      keys.set(name, key);
      record("key-created", name);
      return key;
    },
    async keyImport(name, pem, alg) {
      if (!pem.includes("PRIVATE KEY")) throw { code: "badInput", message: "not a PEM private key", remedy: null } satisfies AppError;
      const key = fakeKey(name, alg ?? "ES384");
      keys.set(name, key);
      return key;
    },
    async keyImportFile() {
      return null;
    },
    async jwks(names) {
      return { keys: names.map((n) => keys.get(n)?.publicJwk ?? {}) };
    },
    async copyJwks() {},
    async saveJwks() {
      return "/home/you/jwks.json";
    },
    async keyCert(name, subject, days) {
      if (!keys.has(name)) throw { code: "notFound", message: `no key named ${JSON.stringify(name)}`, remedy: null } satisfies AppError;
      if (!/^[A-Za-z]+=/.test(subject)) {
        throw { code: "badInput", message: `subject: ${JSON.stringify(subject)} is not a distinguished name such as CN=client,O=Example`, remedy: null } satisfies AppError;
      }
      record("key-created", name, `self-signed certificate for ${subject}`);
      const from = new Date();
      const to = new Date(from.getTime() + days * 86_400_000);
      const stamp = (d: Date) => d.toISOString().replace(/\.\d+Z$/, "Z");
      return {
        name,
        subject,
        serial: "5e1f0c2a9b7d4e31",
        notBefore: stamp(from),
        notAfter: stamp(to),
        pem: "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIIXh8MKpt9TjEwCgYIKoZIzj0EAwMwGTEXMBUGA1UEAwwO\na2V5d2FyZC1jbGllbnQwHhcNMjYxMjAyMDAwMDAwWhcNMjcxMjAyMDAwMDAwWjAZ\n-----END CERTIFICATE-----\n",
      };
    },
    async copyCert() {},
    async saveCert(name) {
      return `/home/you/${name}.crt.pem`;
    },
    async apiKeyNew(name, opts) {
      const before = profiles.get(name);
      if (before && before.strategy !== "api-key") {
        throw { code: "badInput", message: `strategy: profile "${name}" is a ${before.strategy} profile; a generated API key goes to an api-key profile: pick another name`, remedy: null } satisfies AppError;
      }
      if (before?.hasApiKey && !opts.replace) {
        throw { code: "badInput", message: `apiKey: profile "${name}" already holds an API key; a new one replaces it only when asked to`, remedy: null } satisfies AppError;
      }
      const created = new Date().toISOString().replace(/\.\d+Z$/, "Z");
      const expires = opts.expiresIn ? new Date(Date.now() + opts.expiresIn * 1000).toISOString().replace(/\.\d+Z$/, "Z") : null;
      const key = `${opts.prefix ?? ""}${FAKE_NEW_API_KEY.replace(/^rk_live_/, "")}`;
      const view = {
        name,
        fingerprint: "3f9a0c1e",
        scopes: opts.scopes,
        created,
        expires,
        placement: opts.placement ?? before?.apiKeyPlacement ?? "bearer",
      };
      profiles.set(name, {
        ...(before ?? { hasClientSecret: false, hasRefreshToken: false, hasAccessToken: false, hasPassword: false }),
        name,
        strategy: "api-key",
        apiKeyPlacement: view.placement,
        apiKeyCreated: created,
        apiKeyFingerprint: view.fingerprint,
        hasApiKey: true,
        status: "ready",
      } as ProfileView);
      record("key-created", name, `API key generated (256 random bits), fingerprint ${view.fingerprint}`);
      return [key, view];
    },
    async copyApiKey(name) {
      if (!profile(name).hasApiKey) throw { code: "badInput", message: `apiKey: profile ${name} has no apiKey stored`, remedy: null } satisfies AppError;
      record("reveal", name, "apiKey revealed");
    },

    async exportProfiles(request) {
      if (request.profiles.length === 0) {
        throw { code: "badInput", message: "name at least one profile to export", remedy: null } satisfies AppError;
      }
      const chosen = request.profiles.map(profile);
      const noUrl = request.format === "curl" && !request.url ? chosen.find((p) => !p.apiBaseUrl) : undefined;
      if (noUrl) {
        throw {
          code: "badInput",
          message: `which URL should the curl command for ${noUrl.name} call? The profile has no API base URL`,
          remedy: { kind: "editField", profile: noUrl.name, field: "apiBaseUrl" },
        } satisfies AppError;
      }
      const summary = fakeExportSummary(request, chosen);
      for (const p of chosen) record("exported", p.name);
      return { path: `${FAKE_EXPORT_DIR}/${summary.fileName}`, summary };
    },
    async importPostmanFile() {
      const name = "petstore";
      if (profiles.has(name)) {
        throw { code: "badInput", message: `a profile named "${name}" already exists; pick another name, or edit that profile`, remedy: null } satisfies AppError;
      }
      profiles.set(name, {
        name,
        strategy: "api-key",
        apiKeyPlacement: "header:X-Api-Key",
        apiBaseUrl: "https://petstore.example.com/v2",
        hasApiKey: true,
        hasClientSecret: false,
        hasRefreshToken: false,
        hasAccessToken: false,
        hasPassword: false,
        status: "ready",
      } as ProfileView);
      record("imported", name);
      return { profiles: [{ name, strategy: "api-key", secrets: ["apiKey"] }], ignored: ["petId"], notes: [] };
    },

    ...fakeInspector(profile),

    ...fakeRotations(rotations, profile, (name, detail) => record("rotation", name, detail)),
  };

  const fake = {
    calls: [] as FakePlatform["calls"],
    callsTo: (method: Method) => fake.calls.filter((c) => c.method === method).map((c) => c.args),
    answer(next: { profiles: ProfileView[] } | { error: AppError }) {
      if ("error" in next) {
        listError = next.error;
      } else {
        listError = null;
        profiles.clear();
        for (const p of next.profiles) profiles.set(p.name, structuredClone(p));
      }
    },
    failNext(method: Method, error: AppError) {
      failures.set(method, [...(failures.get(method) ?? []), error]);
    },
    override<M extends Method>(method: M, replacement: Platform[M]) {
      overrides.set(method, replacement as (...args: never[]) => unknown);
    },
    loginMode: "approve" as LoginMode,
    browserMode: "connects" as BrowserMode,
    finishLogin() {
      const approve = approveWaiting;
      approveWaiting = null;
      cancelWaiting = null;
      approve?.();
    },
    profiles,
    rotations,
    due: structuredClone(options.due ?? []),
    emit(event: RefreshEvent) {
      if (event.kind === "credentialChanged" && event.profile) profiles.set(event.name, structuredClone(event.profile));
      for (const w of watchers) w(structuredClone(event));
    },
  } as FakePlatform;

  for (const method of Object.keys(impl) as Method[]) {
    (fake as unknown as Record<Method, unknown>)[method] = async (...args: never[]) => {
      fake.calls.push({ method, args });
      const failure = failures.get(method)?.shift();
      if (failure) throw failure;
      const run = (overrides.get(method) ?? impl[method]) as (...a: never[]) => Promise<unknown>;
      return run(...args);
    };
  }
  return fake;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** The fake's stand-in for the core's form check: no rules of its own, only what the core's generated
 * strategy metadata says (required fields) and what the fake's state knows (names taken). Tests that need a
 * particular problem say it with `override("checkForm", …)`. */
function checkForm(form: ProfileForm, editing: boolean, profiles: Map<string, ProfileView>): FieldProblem[] {
  const required = "required for this strategy";
  const problems: FieldProblem[] = [];
  if (!editing && form.name === "") problems.push({ field: "name", message: required });
  if (!editing && profiles.has(form.name)) {
    problems.push({ field: "name", message: `a profile named "${form.name}" already exists` });
  }
  const strategy = FAKE_STRATEGIES.find((s) => s.id === form.strategy);
  for (const field of strategy?.fields ?? []) {
    const value = field.type === "secret" ? form.secrets[field.name] : form.fields[field.name];
    if (field.required && !value && !(editing && field.type === "secret")) problems.push({ field: field.name, message: required });
  }
  return problems;
}

function viewOf(form: ProfileForm, before?: ProfileView): ProfileView {
  const has = (field: string, flag: boolean | undefined) => Boolean(form.secrets[field]) || Boolean(flag);
  const settings = Object.fromEntries(Object.entries(form.fields).filter(([, v]) => v !== ""));
  return {
    ...settings,
    name: form.name,
    strategy: form.strategy,
    hasClientSecret: has("clientSecret", before?.hasClientSecret),
    hasApiKey: has("apiKey", before?.hasApiKey),
    hasPassword: has("password", before?.hasPassword),
    hasRefreshToken: before?.hasRefreshToken ?? false,
    hasAccessToken: before?.hasAccessToken ?? false,
    token: before?.token,
    status: before?.status ?? (form.strategy === "pkce" ? "signInRequired" : form.strategy === "api-key" ? "ready" : "renewable"),
  } as ProfileView;
}

type RotationMethods = Pick<
  Platform,
  "rotationStatus" | "rotationStart" | "rotationNext" | "rotationAbort" | "rotationAbortPlan" | "rotationPickFile"
>;

/** The core's rotation state machine in memory, in the core's words (rotation/mod.rs): created → deployed →
 * verified → retired, or aborted. A file target under FAKE_READ_ONLY_DIR refuses its writes (the refusal
 * is kept, and the way on is abort); a verify URL holding "refuse" answers 401; a traffic check holding
 * "in-use" says the old credential is still used; an overlap holds retire back until it ends. */
function fakeRotations(
  rotations: Map<string, Rotation>,
  profile: (name: string) => ProfileView,
  record: (name: string, detail: string) => void,
): RotationMethods {
  const now = () => Math.floor(Date.now() / 1000);
  const stamp = (secs = now()) => new Date(secs * 1000).toISOString().replace(/\.\d+Z$/, "Z");
  const fail = (code: AppError["code"], message: string, remedy: AppError["remedy"] = null): AppError => ({ code, message, remedy });
  const describe = (t: Rotation["targets"][number]) =>
    t.kind === "file" ? `file ${t.path}` : t.kind === "jwks" ? `JWKS ${t.path}` : `command \`${t.command}\``;
  const words: Record<RotationStep, string> = {
    create: "create the new credential",
    deploy: "deploy the new credential beside the old",
    verify: "verify the new credential and switch the profile to it",
    retire: "retire the old credential",
    abort: "abort: remove the new credential and go back to the old",
  };
  const nextOf = (r: Rotation): RotationStep | undefined => {
    const last = r.journal.at(-1);
    if (last?.phase === "started" && last.step !== "abort") return last.step;
    const after: Partial<Record<Rotation["state"], RotationStep>> = { created: "deploy", deployed: "verify", verified: "retire" };
    return after[r.state];
  };
  const refusal = (r: Rotation) => {
    const last = r.journal.at(-1);
    return last && last.phase === "failed" && last.step === "deploy" && last.step === nextOf(r) ? last : undefined;
  };
  const abortable = (r: Rotation) => ["created", "deployed", "verified"].includes(r.state) && !r.journal.some((e) => e.step === "retire");
  const retireBegun = (name: string) =>
    fail(
      "badInput",
      `retiring the old credential of ${name} has begun, so it may be gone from some targets: the rotation can only be finished (retire again), not aborted`,
      { kind: "finishRotation", profile: name },
    );
  const journal = (r: Rotation, step: RotationStep, phase: Rotation["journal"][number]["phase"], detail: string) => {
    r.journal.push({ at: stamp(), step, phase, detail });
    if (phase !== "started") record(r.profile, `${step}: ${detail}`);
  };
  const planLines = (r: Rotation, step: RotationStep): string[] => {
    const out = [`Next: ${words[step]}.`];
    const what = r.kind === "key-pair" ? `kid of ${r.newKey ?? "the new key"}` : `the credential ${r.newFingerprint}`;
    if (step === "deploy") {
      for (const t of r.targets) out.push(`- add ${what} to ${describe(t)} (the old ${r.oldFingerprint} stays valid)`);
      if (r.targets.length === 0) out.push("- no targets: the new credential goes only to the profile, at verify");
    } else if (step === "verify") {
      out.push(r.verifyUrl ? `- GET ${r.verifyUrl} with the new credential: it must answer 2xx` : "- get a token with the new credential");
      out.push(`- then ${r.profile} uses the new credential`);
    } else if (step === "retire") {
      if (r.checkOld) out.push(`- ask ${r.checkOld} whether the old credential ${r.oldFingerprint} is still used: it must say "unused"`);
      for (const t of r.targets) out.push(`- remove the old credential ${r.oldFingerprint} from ${describe(t)}`);
      out.push(`- forget the old credential ${r.oldFingerprint}`);
      out.push(
        r.verifyUrl
          ? `- GET ${r.verifyUrl} with the old credential: it should be refused (401/403)`
          : "- ask for a token with the old credential: it should be refused",
      );
    }
    return out;
  };
  const view = (r: Rotation): RotationStatus => {
    const next = nextOf(r);
    const refused = refusal(r);
    let blocked = refused ? `refused at ${refused.step}: ${refused.detail}` : undefined;
    const retireAfter = r.overlapSecs !== undefined && r.deployedAt !== undefined ? r.deployedAt + r.overlapSecs : undefined;
    if (next === "retire" && !blocked && retireAfter !== undefined && retireAfter > now()) {
      blocked = `the overlap window ends at ${stamp(retireAfter)}`;
    }
    return structuredClone({
      state: r.state,
      rotation: r,
      plan: next ? planLines(r, next) : [],
      ...(next ? { next } : {}),
      ...(blocked ? { blocked } : {}),
      ...(retireAfter !== undefined ? { retireAfter } : {}),
      ...(refused ? { refused } : {}),
      abortable: abortable(r),
    });
  };
  const load = (name: string) => {
    profile(name);
    const r = rotations.get(name);
    if (!r) throw fail("notFound", `${name} has no rotation under way`);
    return r;
  };
  const refuses = (r: Rotation) => r.targets.find((t) => t.kind !== "cmd" && t.path.startsWith(`${FAKE_READ_ONLY_DIR}/`));
  const refuse = (r: Rotation, step: "deploy" | "retire" | "abort") => {
    const t = refuses(r);
    if (!t || t.kind === "cmd") return;
    const reason = `could not write ${t.path}: Permission denied (os error 13)`;
    journal(r, step, "failed", `${describe(t)} refused: ${reason}`);
    if (step === "retire") {
      throw fail(
        "refused",
        `${describe(t)} refused to retire the old credential: ${reason}. The new credential is in use everywhere; once the target is fixed, retiring again finishes the rotation`,
        { kind: "finishRotation", profile: r.profile },
      );
    }
    throw fail(
      "refused",
      `${describe(t)} refused to ${step}: ${reason}. Nothing was replayed; abort to go back to the old credential`,
      { kind: "abortRotation", profile: r.profile },
    );
  };

  return {
    async rotationStatus(name) {
      profile(name);
      const r = rotations.get(name);
      return r ? view(r) : null;
    },
    async rotationStart(name, plan, newSecret) {
      const p = profile(name);
      const before = rotations.get(name);
      if (before && ["created", "deployed", "verified"].includes(before.state)) {
        throw fail("badInput", `a rotation of ${name} is under way (${before.state}): finish it or abort it first`, {
          kind: "resumeRotation",
          profile: name,
        });
      }
      const kinds: Partial<Record<ProfileView["strategy"], Rotation["kind"]>> = {
        "api-key": "api-key",
        "client-credentials": "client-secret",
        "custom-oauth": "client-secret",
        "private-key-jwt": "key-pair",
      };
      const kind = kinds[p.strategy];
      if (!kind) {
        throw fail("badInput", `${p.strategy} profiles have no credential Keyward can rotate (API keys, client secrets and private_key_jwt key pairs can be)`);
      }
      for (const t of plan.targets) {
        if (t.kind === "jwks" && kind !== "key-pair") throw fail("badInput", "a JWKS target is for key pairs (private_key_jwt)");
        if (t.kind === "file" && kind === "key-pair") throw fail("badInput", "a key pair is published in a JWKS target (jwks:PATH), not a line");
      }
      if (kind === "api-key" && !plan.verifyUrl) {
        throw fail("badInput", "an API key is verified by a request: give the URL that must accept the new key");
      }
      if (kind === "client-secret" && !newSecret) throw fail("badInput", "a client secret is created in the provider's dashboard: paste the new one");
      const old = kind === "key-pair" ? `kid-${setting(p, "keyName") ?? "key"}` : FAKE_OLD_FINGERPRINT;
      const r: Rotation = {
        profile: name,
        kind,
        state: "created",
        targets: structuredClone(plan.targets),
        ...(plan.verifyUrl ? { verifyUrl: plan.verifyUrl } : {}),
        ...(plan.checkOld ? { checkOld: plan.checkOld } : {}),
        ...(plan.overlapSecs !== undefined ? { overlapSecs: plan.overlapSecs } : {}),
        oldFingerprint: old,
        newFingerprint: kind === "key-pair" ? `kid-${name}-new` : FAKE_NEW_FINGERPRINT,
        ...(kind === "key-pair" ? { oldKey: setting(p, "keyName") ?? "key", newKey: `${name}-${now()}` } : {}),
        startedAt: now(),
        journal: [],
        evidence: [],
      };
      rotations.set(name, r);
      journal(r, "create", "started", `rotating the ${kind.replace("-", " ")} of ${name}`);
      journal(r, "create", "done", `new credential ${r.newFingerprint} created; the old ${old} stays in use`);
      await tick();
      return view(r);
    },
    async rotationNext(name, force) {
      const r = load(name);
      const refused = refusal(r);
      if (refused) {
        throw fail("refused", `${refused.detail.split(" refused")[0]} refused to ${refused.step}: ${refused.detail}. Nothing was replayed; abort to go back to the old credential`, {
          kind: "abortRotation",
          profile: name,
        });
      }
      const step = nextOf(r);
      if (!step) throw fail("badInput", `the rotation of ${name} is over (${r.state}); start a new one to rotate again`);
      await tick();
      if (step === "deploy") {
        journal(r, "deploy", "started", `deploying ${r.newFingerprint} to ${r.targets.length} target(s)`);
        refuse(r, "deploy");
        const said = r.targets.map((t) =>
          t.kind === "file" ? `added the new credential's line to ${t.path}` : t.kind === "jwks" ? `published kid ${r.newFingerprint} in ${t.path}` : `\`${t.command}\` accepted the deploy step`,
        );
        r.state = "deployed";
        r.deployedAt = now();
        journal(r, "deploy", "done", said.length ? said.join("; ") : "deployed (no targets)");
      } else if (step === "verify") {
        journal(r, "verify", "started", `verifying ${r.newFingerprint}`);
        const asked = r.verifyUrl ? `GET ${r.verifyUrl}` : "a token request";
        const works = !r.verifyUrl?.includes("refuse");
        const saw = works
          ? r.verifyUrl
            ? `HTTP 200 {"sub":"apikey:${name}","scope":"read:users"}`
            : "a token was issued"
          : `HTTP 401 {"error":"INVALID_TOKEN","message":"unknown API key (sha256 ${r.newFingerprint}…)"}`;
        r.evidence.push({ at: stamp(), what: "the new credential", asked, saw, ok: works });
        if (!works) {
          journal(r, "verify", "failed", `the new credential did not work: ${saw}`);
          throw fail("refused", `the new credential did not work: ${saw}. The profile still uses the old one`, { kind: "abortRotation", profile: name });
        }
        r.state = "verified";
        r.verifiedAt = now();
        journal(r, "verify", "done", `${saw}; ${name} now uses ${r.newFingerprint}`);
      } else if (step === "retire") {
        const at = r.overlapSecs !== undefined && r.deployedAt !== undefined ? r.deployedAt + r.overlapSecs : 0;
        if (at > now()) {
          throw fail("waiting", `the old credential may be retired at ${stamp(at)} (the overlap window, ${at - now()} seconds from now)`);
        }
        if (r.checkOld) {
          const used = r.checkOld.includes("in-use");
          const saw = used ? "in use: 12 requests in the last 5 minutes" : "unused";
          r.evidence.push({ at: stamp(), what: "traffic check of the old credential", asked: r.checkOld, saw, ok: !used });
          if (used && !force) {
            throw fail("refused", `the traffic check says the old credential is still in use (${saw}); retire anyway only if you are sure (force)`, {
              kind: "abortRotation",
              profile: name,
            });
          }
        }
        journal(r, "retire", "started", `retiring ${r.oldFingerprint}`);
        refuse(r, "retire");
        const asked = r.verifyUrl ? `GET ${r.verifyUrl}` : "a token request";
        const saw = r.verifyUrl ? `HTTP 401 {"error":"INVALID_TOKEN","message":"unknown API key (sha256 ${r.oldFingerprint}…)"}` : "HTTP 401 invalid_client";
        r.evidence.push({ at: stamp(), what: "the old credential, after retiring", asked, saw, ok: true });
        r.state = "retired";
        r.finishedAt = now();
        journal(r, "retire", "done", `old credential ${r.oldFingerprint} removed and forgotten; ${asked} with it: ${saw}`);
      }
      return view(r);
    },
    async rotationAbort(name) {
      const r = load(name);
      if (!["created", "deployed", "verified"].includes(r.state)) {
        throw fail("badInput", `the rotation of ${name} is over (${r.state}); start a new one to rotate again`);
      }
      if (!abortable(r)) throw retireBegun(name);
      journal(r, "abort", "started", `aborting: removing ${r.newFingerprint}`);
      await tick();
      r.state = "aborted";
      r.finishedAt = now();
      journal(r, "abort", "done", `new credential ${r.newFingerprint} removed; ${name} uses ${r.oldFingerprint} again`);
      return view(r);
    },
    async rotationAbortPlan(name) {
      const r = load(name);
      if (["created", "deployed", "verified"].includes(r.state) && !abortable(r)) throw retireBegun(name);
      const out = [`Abort: ${words.abort}.`];
      for (const t of r.targets) out.push(`- remove the new credential ${r.newFingerprint} from ${describe(t)}`);
      if (r.state === "verified") out.push(`- switch ${r.profile} back to the old credential ${r.oldFingerprint}`);
      out.push(`- forget the new credential ${r.newFingerprint}`);
      return out;
    },
    async rotationPickFile(jwks) {
      return jwks ? FAKE_PICKED_JWKS : FAKE_PICKED_FILE;
    },
  };
}
