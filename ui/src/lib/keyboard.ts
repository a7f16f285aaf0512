// Arrow-key movement through a list whose items are focusable (a roving tabindex: one item in the tab order).

/** The index focus moves to from `current` on `key` among `count` items, or null when the key does not move it. */
export function nextIndex(key: string, current: number, count: number): number | null {
  if (count === 0) return null;
  switch (key) {
    case "ArrowDown":
      return Math.min(current + 1, count - 1);
    case "ArrowUp":
      return Math.max(current - 1, 0);
    case "Home":
      return 0;
    case "End":
      return count - 1;
    default:
      return null;
  }
}
