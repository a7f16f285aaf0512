// The Platform the desktop app runs on: Tauri commands over IPC (src-tauri/src/commands/), login progress
// over a typed Channel. The only file that imports @tauri-apps/api.
import { Channel, invoke, isTauri } from "@tauri-apps/api/core";

import type { LoginProgress } from "../bindings/LoginProgress";
import type { RefreshEvent } from "../bindings/RefreshEvent";
import { toAppError, type Platform } from "./platform";

/** Call a command of src-tauri/src/commands/; reject with an AppError whatever went wrong. */
async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  if (!isTauri()) {
    throw toAppError("This page runs outside Keyward's window, so it cannot reach its backend: start it with ./run.");
  }
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw toAppError(reason);
  }
}

export const tauriPlatform: Platform = {
  listProfiles: () => call("list_profiles"),
  showProfile: (name) => call("show_profile", { name }),
  removeProfile: (name) => call("remove_profile", { name }),
  strategies: () => call("strategies"),
  checkForm: (form, editing) => call("check_form", { form, editing }),
  addProfile: (form) => call("add_profile", { form }),
  editProfile: (form) => call("edit_profile", { form }),
  testProfile: (form, editing) => call("test_profile", { form, editing }),
  discover: (issuer) => call("discover", { issuer }),
  auditEvents: () => call("audit_events"),
  teamList: () => call("team_list"),
  teamStatus: (team) => call("team_status", { team }),
  teamAdd: (team, addr, mount, path, token) => call("team_add", { team, addr, mount, path, token }),
  teamAccept: (team, profile) => call("team_accept", { team, profile }),
  rotationsDue: () => call("rotations_due"),
  watchCredentials: (onEvent) => {
    const channel = new Channel<RefreshEvent>();
    channel.onmessage = onEvent;
    return call("watch_credentials", { onEvent: channel });
  },

  login: (name, onProgress, replaceUser = false) => {
    const channel = new Channel<LoginProgress>();
    channel.onmessage = onProgress;
    return call("login", { name, onProgress: channel, replaceUser });
  },
  cancelLogin: (name) => call("cancel_login", { name }),
  copyLoginUrl: (name) => call("copy_login_url", { name }),
  getToken: (name, fresh) => call("get_token", { name, fresh }),
  copyAccessToken: (name) => call("copy_access_token", { name }),
  callApi: (name, request) => call("call_api", { name, request }),
  dryRun: (name) => call("dry_run", { name }),
  exchangeAssertion: (name, assertion) => call("exchange_assertion", { name, assertion }),
  samlSpSettings: (name) => call("saml_sp_settings", { name }),
  logout: (name) => call("logout", { name }),
  revealSecret: (name, field) => call("reveal_secret", { name, field }),

  keys: () => call("keys"),
  keyNew: (name, alg, bits, kid) => call("key_new", { name, alg, bits, kid }),
  keyImport: (name, pem, alg, kid) => call("key_import", { name, pem, alg, kid }),
  keyImportFile: (name, alg, kid) => call("key_import_file", { name, alg, kid }),
  jwks: (names) => call("jwks", { names }),
  copyJwks: (names) => call("copy_jwks", { names }),
  saveJwks: (names) => call("save_jwks", { names }),
  keyCert: (name, subject, days) => call("key_cert", { name, subject, days }),
  copyCert: (pem) => call("copy_cert", { pem }),
  saveCert: (name, pem) => call("save_cert", { name, pem }),
  apiKeyNew: (name, opts) => call("api_key_new", { name, opts }),
  copyApiKey: (name) => call("copy_api_key", { name }),

  exportProfiles: (request) => call("export_profiles", { request }),
  importPostmanFile: () => call("import_postman_file"),

  inspectToken: (token, options) => call("inspect_token", { token, options }),
  inspectProfile: (name, options) => call("inspect_profile", { name, options }),

  rotationStatus: (name) => call("rotation_status", { name }),
  rotationStart: (name, plan, newSecret) => call("rotation_start", { name, plan, newSecret }),
  rotationNext: (name, force) => call("rotation_next", { name, force }),
  rotationAbort: (name) => call("rotation_abort", { name }),
  rotationAbortPlan: (name) => call("rotation_abort_plan", { name }),
  rotationPickFile: (jwks) => call("rotation_pick_file", { jwks }),
};
