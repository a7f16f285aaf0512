// The key pairs Keyward holds: name, algorithm, kid and creation time (the private halves stay in the
// keychain). A checkbox per key picks which go into the JWKS below.
import type { KeyView } from "../bindings/KeyView";
import { createdText } from "../lib/keys";

export function KeyList({
  keys,
  selected,
  onToggle,
}: {
  keys: KeyView[];
  selected: Set<string>;
  onToggle: (name: string) => void;
}) {
  return (
    <table className="table" aria-label="Key pairs">
      <thead>
        <tr>
          <th scope="col">
            <span className="visually-hidden">In the JWKS</span>
          </th>
          <th scope="col">Name</th>
          <th scope="col">Algorithm</th>
          <th scope="col">Key ID (kid)</th>
          <th scope="col">Created</th>
        </tr>
      </thead>
      <tbody>
        {keys.map((k) => (
          <tr key={k.name}>
            <td className="cell-check">
              <input
                type="checkbox"
                checked={selected.has(k.name)}
                onChange={() => onToggle(k.name)}
                aria-label={`Include ${k.name} in the JWKS`}
              />
            </td>
            <th scope="row" className="cell-name">
              {k.name}
            </th>
            <td>
              <span className="badge">{k.alg}</span>
            </td>
            <td className="mono cell-kid" title={k.kid}>
              {k.kid}
            </td>
            <td className="cell-muted">{createdText(k.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
