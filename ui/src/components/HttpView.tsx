// A request or a response laid out for reading: the first line, the headers, and the body as text in a
// scrollable block (never as HTML, whatever its content type).
import type { ReactNode } from "react";

import { prettyBody } from "../lib/http";

export function HttpView({
  label,
  firstLine,
  headers,
  body,
  note,
  openHeaders = false,
}: {
  label: string;
  firstLine: ReactNode;
  headers: [string, string][];
  body: string;
  note?: ReactNode;
  /** Show the headers at once (a token request's headers are the point of looking at it). */
  openHeaders?: boolean;
}) {
  return (
    <section className="http" aria-label={label}>
      <div className="http-first">{firstLine}</div>
      {headers.length > 0 && (
        <details className="http-headers" open={openHeaders || undefined}>
          <summary>
            Headers <span className="muted">({headers.length})</span>
          </summary>
          <table>
            <tbody>
              {headers.map(([k, v], i) => (
                <tr key={`${k}-${i}`}>
                  <th scope="row" className="mono">
                    {k}
                  </th>
                  <td className="mono">{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
      {body ? (
        <pre className="http-body" tabIndex={0} aria-label={`${label} body`}>
          {prettyBody(body)}
        </pre>
      ) : (
        <p className="muted http-empty">No body</p>
      )}
      {note}
    </section>
  );
}
