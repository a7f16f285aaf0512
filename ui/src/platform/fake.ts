// A Platform in memory, for tests and previews: profiles, keys and an audit log that change as the pages
// call it, exports "saved" by a save dialog that always picks FAKE_EXPORT_DIR, an import that adds a
// profile, a login that walks through its progress steps (with a browser that connects, fails to start, or
// stays silent), and ways for a test to make any call fail, to replace one, and to see every call made.
import type { AppError } from "../bindings/AppError";
import type { AuditEvent } from "../bindings/AuditEvent";
import type { FieldProblem } from "../bindings/FieldProblem";
import type { KeyView } from "../bindings/KeyView";
import type { LoginProgress } from "../bindings/LoginProgress";
import type { ProfileForm } from "../bindings/ProfileForm";
import type { ProfileView } from "../bindings/ProfileView";
import type { TokenMeta } from "../bindings/TokenMeta";
import { FAKE_EXPORT_DIR, FAKE_STRATEGIES, fakeExportSummary, fakeKey, fakeToken } from "./fake-data";
import type { Platform } from "./platform";

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
}

export interface FakeOptions {
  profiles?: ProfileView[];
  error?: AppError;
  keys?: KeyView[];
  audit?: AuditEvent[];
}

const notFound = (name: string): AppError => ({
  code: "notFound",
  message: `no profile named ${JSON.stringify(name)}`,
  remedy: { kind: "listProfiles" },
});

export function fakePlatform(options: FakeOptions = {}): FakePlatform {
  const profiles = new Map((options.profiles ?? []).map((p) => [p.name, structuredClone(p)]));
  const keys = new Map((options.keys ?? []).map((k) => [k.name, k]));
  const audit: AuditEvent[] = [...(options.audit ?? [])];
  let listError: AppError | null = options.error ?? null;
  const failures = new Map<Method, AppError[]>();
  const overrides = new Map<Method, (...args: never[]) => unknown>();
  let cancelWaiting: (() => void) | null = null;
  let approveWaiting: (() => void) | null = null;
  let loginUrl: string | null = null;

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
      return withToken(name, fakeToken("alice", 3600, p.scopes ?? null));
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
        url: p.url ?? "https://auth.example.com/token",
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
