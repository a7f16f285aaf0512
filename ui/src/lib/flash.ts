// A one-line message that outlives a page change: a page that ends by navigating away (Remove returns to
// the list) leaves what happened here, and the page it lands on shows it once ("Removed demo."). In memory
// only: nothing of it reaches the URL or survives a reload. Reading is separate from clearing, so React's
// StrictMode (which runs initialisers twice) cannot lose it.
import { useEffect, useState } from "react";

let pending: string | null = null;

/** Leave `text` for the next page that shows flashes. */
export function flash(text: string): void {
  pending = text;
}

/** The message left for this page, or null. Does not clear it: `clearFlash` does. */
export function peekFlash(): string | null {
  return pending;
}

export function clearFlash(): void {
  pending = null;
}

/** How long a flash stays on screen. */
export const FLASH_MS = 8_000;

/** The flash left for this page, shown for `FLASH_MS` then gone (or until `dismiss`). Taken on mount. */
export function useFlash(): { text: string | null; dismiss: () => void } {
  const [text, setText] = useState<string | null>(peekFlash);
  useEffect(() => {
    clearFlash();
  }, []);
  useEffect(() => {
    if (text === null) return;
    const id = setTimeout(() => setText(null), FLASH_MS);
    return () => clearTimeout(id);
  }, [text]);
  return { text, dismiss: () => setText(null) };
}
