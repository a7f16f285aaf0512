// A Platform in memory, for tests and previews: answers with the profiles it is given, or rejects with the
// error it is given, and counts the calls.
import type { AppError } from "../bindings/AppError";
import type { ProfileView } from "../bindings/ProfileView";
import type { Platform } from "./platform";

export interface FakePlatform extends Platform {
  /** How many times each method was called. */
  calls: { listProfiles: number };
  /** What the next calls answer. */
  answer(with_: { profiles: ProfileView[] } | { error: AppError }): void;
}

export function fakePlatform(initial: { profiles: ProfileView[] } | { error: AppError }): FakePlatform {
  let current = initial;
  const fake: FakePlatform = {
    calls: { listProfiles: 0 },
    answer(next) {
      current = next;
    },
    async listProfiles() {
      fake.calls.listProfiles += 1;
      if ("error" in current) throw current.error;
      return structuredClone(current.profiles);
    },
  };
  return fake;
}
