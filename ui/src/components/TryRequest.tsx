// Try a request: a method, URL, headers and body, sent from Rust with the profile's credential; the window
// gets back the status, headers and body (shown as text) and, for a 401 or 403, what to do about it.
import { useState, type FormEvent } from "react";

import type { CallResult } from "../bindings/CallResult";
import { hasBody, METHODS, parseHeaders, statusText, statusTone } from "../lib/http";
import { usePlatform } from "../lib/platform-context";
import { useRemembered } from "../lib/remembered";
import { useAction } from "../lib/use-async";
import { HttpView } from "./HttpView";
import { ErrorNotice, type Fixes } from "./Notice";

export function TryRequest({ name, baseUrl, fixes }: { name: string; baseUrl?: string | null | undefined; fixes: Fixes }) {
  const platform = usePlatform();
  const [method, setMethod] = useRemembered(`try.${name}.method`, "GET");
  // The profile's API base URL is where a first request starts. The last URL tried is remembered for this
  // name and this base URL: a changed base URL (or another profile later given the same name, such as one
  // removed and added again for another API) starts from its own base URL, not from the old API's.
  const [url, setUrl] = useRemembered(`try.${name}.url.${baseUrl ?? ""}`, baseUrl ?? "");
  const [headersText, setHeadersText] = useState("");
  const [body, setBody] = useState("");
  const [took, setTook] = useState<number | null>(null);
  const send = useAction(async (): Promise<CallResult> => {
    const { headers } = parseHeaders(headersText);
    const started = performance.now();
    const result = await platform.callApi(name, {
      method,
      url: url.trim(),
      headers,
      body: hasBody(method) && body !== "" ? body : null,
    });
    setTook(Math.round(performance.now() - started));
    return result;
  });
  const headersProblem = parseHeaders(headersText).problem;

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!url.trim() || headersProblem) return;
    void send.run();
  }

  const result = send.error ? undefined : send.result;
  return (
    <div className="try">
      <form className="try-form" onSubmit={onSubmit} aria-label="Try a request">
        <div className="try-line">
          <label className="visually-hidden" htmlFor="try-method">
            Method
          </label>
          <select id="try-method" value={method} onChange={(e) => setMethod(e.target.value)}>
            {METHODS.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
          <label className="visually-hidden" htmlFor="try-url">
            Request URL
          </label>
          <input
            id="try-url"
            type="text"
            inputMode="url"
            spellCheck={false}
            autoComplete="off"
            placeholder="https://api.example.com/v1/me"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
          <button type="submit" className="button button-primary" disabled={send.pending || !url.trim() || headersProblem !== null}>
            {send.pending ? "Sending…" : "Send"}
          </button>
        </div>
        <details className="try-extra" open={headersText !== "" || body !== "" || undefined}>
          <summary>Headers and body</summary>
          <div className="try-extra-fields">
            <div className="field">
              <label className="field-label" htmlFor="try-headers">
                Headers
              </label>
              <textarea
                id="try-headers"
                rows={3}
                spellCheck={false}
                placeholder={"Accept: application/json\nX-Request-Id: 42"}
                value={headersText}
                aria-invalid={headersProblem ? true : undefined}
                aria-describedby="try-headers-help"
                onChange={(e) => setHeadersText(e.target.value)}
              />
              <p className={headersProblem ? "field-error" : "field-help"} id="try-headers-help">
                {headersProblem ?? "One Name: value per line. Keyward adds the credential itself."}
              </p>
            </div>
            {hasBody(method) && (
              <div className="field">
                <label className="field-label" htmlFor="try-body">
                  Body
                </label>
                <textarea id="try-body" rows={5} spellCheck={false} value={body} onChange={(e) => setBody(e.target.value)} />
              </div>
            )}
          </div>
        </details>
      </form>

      {send.error && <ErrorNotice error={send.error} fixes={fixes} />}
      {result && (
        <div className="try-result">
          <HttpView
            label="Response"
            firstLine={
              <>
                <span className={`http-status http-status-${statusTone(result.response.status)}`} data-testid="response-status">
                  {statusText(result.response.status)}
                </span>
                {took !== null && <span className="muted">{took} ms</span>}
              </>
            }
            headers={result.response.headers}
            body={result.response.body}
            note={result.response.truncated && <p className="muted">The body was longer than 4 MiB and was cut.</p>}
          />
          {result.problem && <ErrorNotice error={result.problem} fixes={fixes} />}
        </div>
      )}
    </div>
  );
}
