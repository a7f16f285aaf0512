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
    });
  });

  it("outside the Tauri window, says so instead of throwing a TypeError", async () => {
    delete global.isTauri;

    await expect(tauriPlatform.listProfiles()).rejects.toMatchObject({ code: "internal" });
    await expect(tauriPlatform.listProfiles()).rejects.toHaveProperty("message", expect.stringContaining("./run"));
  });
});
