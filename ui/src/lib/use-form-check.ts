// Validation as the user types: the core's checkForm, called a moment after the last keystroke, so each
// field shows the same problem `keyward profile add` would report. Only the latest answer counts.
import { useEffect, useRef, useState } from "react";

import type { FieldProblem } from "../bindings/FieldProblem";
import type { ProfileForm } from "../bindings/ProfileForm";
import { usePlatform } from "./platform-context";

export const CHECK_DELAY_MS = 250;

/** The problems of `form` (null while the first check runs); `extra` adds the UI's own (malformed lines). */
export function useFormCheck(form: ProfileForm, editing: boolean, extra: FieldProblem[] = []): FieldProblem[] | null {
  const platform = usePlatform();
  const [problems, setProblems] = useState<FieldProblem[] | null>(null);
  const latest = useRef(0);
  const key = JSON.stringify(form);
  useEffect(() => {
    const request = ++latest.current;
    const timer = setTimeout(() => {
      platform.checkForm(JSON.parse(key) as ProfileForm, editing).then(
        (found) => request === latest.current && setProblems(found),
        // A check that fails (keychain, config) must not block typing; saving reports the error.
        () => request === latest.current && setProblems([]),
      );
    }, CHECK_DELAY_MS);
    return () => clearTimeout(timer);
  }, [platform, key, editing]);
  return problems === null ? null : [...extra, ...problems];
}
