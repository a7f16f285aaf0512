// The Platform the desktop app runs on: Tauri commands over IPC. The only file that imports @tauri-apps/api.
import { invoke, isTauri } from "@tauri-apps/api/core";

import type { ProfileView } from "../bindings/ProfileView";
import { toAppError, type Platform } from "./platform";

/** Call a command of src-tauri/src/commands.rs; reject with an AppError whatever went wrong. */
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
  listProfiles: () => call<ProfileView[]>("list_profiles"),
};
