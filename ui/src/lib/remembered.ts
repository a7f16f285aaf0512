// Small, non-secret conveniences kept between runs (the last URL tried per profile). Never a header, a body
// or anything else a user might paste a secret into: nothing secret is written to disk in plain text.
import { useEffect, useState } from "react";

const PREFIX = "keyward.";

export function useRemembered(key: string, initial: string): [string, (v: string) => void] {
  const [value, setValue] = useState(() => read(key) ?? initial);
  useEffect(() => {
    try {
      window.localStorage.setItem(PREFIX + key, value);
    } catch {
      // Storage full or disabled: a convenience lost, nothing more.
    }
  }, [key, value]);
  return [value, setValue];
}

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(PREFIX + key);
  } catch {
    return null;
  }
}
