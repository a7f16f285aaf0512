// Keyward's mark (the key of icons/icon.png, drawn as SVG) and name.

export function KeyMark({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden="true" focusable="false">
      <rect x="2" y="2" width="60" height="60" rx="14" fill="#4f46e5" />
      <circle cx="21" cy="32" r="9" fill="none" stroke="#fff" strokeWidth="5.5" />
      <rect x="29" y="29.5" width="24" height="5.5" rx="2" fill="#fff" />
      <rect x="43" y="32" width="4.5" height="10" rx="1.5" fill="#fff" />
      <rect x="49" y="32" width="4" height="7" rx="1.5" fill="#fff" />
    </svg>
  );
}

export function Logo() {
  return (
    <div className="logo">
      <KeyMark />
      <span className="logo-name">Keyward</span>
    </div>
  );
}
