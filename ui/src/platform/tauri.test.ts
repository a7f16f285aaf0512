// The Tauri platform over a mocked IPC (@tauri-apps/api/mocks): the command it calls, and every kind of
// rejection turned into an AppError the pages can switch on.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { tauriPlatform } from "./tauri";

const global = globalThis as { isTauri?: boolean };

beforeEach(() => {
  // What the Tauri webview sets; isTauri() reads it.
  global.isTauri = true;
});

afterEach(() => {
  clearMocks();
  delete global.isTauri;
});

describe("tauri platform", () => {
  it("lists profiles with the list_profiles command, no arguments", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return [{ name: "github" }];
    });

    await expect(tauriPlatform.listProfiles()).resolves.toEqual([{ name: "github" }]);
    expect(calls.map(([cmd]) => cmd)).toEqual(["list_profiles"]);
  });

  it("passes the backend's {code, message} through unchanged", async () => {
    mockIPC(() => {
      throw { code: "keychain", message: "the keychain is locked" };
    });

    await expect(tauriPlatform.listProfiles()).rejects.toEqual({ code: "keychain", message: "the keychain is locked" });
  });

  it("turns Tauri's own string rejections (a command not allowed) into an internal AppError with the text", async () => {
    mockIPC(() => {
      throw "list_profiles not allowed. Permissions associated with this command: allow-list-profiles";
    });

    await expect(tauriPlatform.listProfiles()).rejects.toEqual({
      code: "internal",
      message: "list_profiles not allowed. Permissions associated with this command: allow-list-profiles",
      remedy: null,
    });
  });

  it("logs in with the login command and a Channel that delivers each progress step, in order", async () => {
    const steps: unknown[] = [];
    mockIPC((cmd, args) => {
      expect(cmd).toBe("login");
      const { name, onProgress } = args as { name: string; onProgress: { id: number } };
      expect(name).toBe("demo");
      const send = (index: number, message: unknown) =>
        (window as unknown as { __TAURI_INTERNALS__: { runCallback(id: number, data: unknown): void } }).__TAURI_INTERNALS__.runCallback(
          onProgress.id,
          { index, message },
        );
      // Out of order on purpose: the Channel puts them back in order.
      send(1, { step: "waitingForUser", redirectUri: "http://127.0.0.1:5/callback", timeoutSecs: 120 });
      send(0, { step: "openingBrowser", url: "https://id.example.com/auth" });
      return { expiresAt: null, issuedAt: 1, scope: null, subject: "alice", tokenType: "Bearer" };
    });

    await expect(tauriPlatform.login("demo", (s) => steps.push(s))).resolves.toMatchObject({ subject: "alice" });
    expect(steps).toEqual([
      { step: "openingBrowser", url: "https://id.example.com/auth" },
      { step: "waitingForUser", redirectUri: "http://127.0.0.1:5/callback", timeoutSecs: 120 },
    ]);
  });

  it("passes each command its arguments by the names the Rust commands take", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return null;
    });
    await tauriPlatform.callApi("p", { method: "GET", url: "https://x", headers: [], body: null });
    await tauriPlatform.checkForm({ name: "p", strategy: "pkce", fields: {}, secrets: {} }, true);
    await tauriPlatform.keyNew("k", "ES384", null, null);
    await tauriPlatform.getToken("p", true);
    expect(calls).toEqual([
      ["call_api", { name: "p", request: { method: "GET", url: "https://x", headers: [], body: null } }],
      ["check_form", { form: { name: "p", strategy: "pkce", fields: {}, secrets: {} }, editing: true }],
      ["key_new", { name: "k", alg: "ES384", bits: null, kid: null }],
      ["get_token", { name: "p", fresh: true }],
    ]);
  });

  it("outside the Tauri window, says so instead of throwing a TypeError", async () => {
    delete global.isTauri;

    await expect(tauriPlatform.listProfiles()).rejects.toMatchObject({ code: "internal" });
    await expect(tauriPlatform.listProfiles()).rejects.toHaveProperty("message", expect.stringContaining("./run"));
  });
});
