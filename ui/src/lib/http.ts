// Requests and responses as the window shows them: headers typed as `Name: value` lines, a status in words,
// and bodies pretty-printed when they are JSON. Everything stays text: nothing is ever rendered as HTML.

/** `Name: value` lines as pairs; blank lines skipped; the first line without a colon is a problem. */
export function parseHeaders(text: string): { headers: [string, string][]; problem: string | null } {
  const headers: [string, string][] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const colon = line.indexOf(":");
    if (colon < 1) return { headers, problem: `"${line}" is not a "Name: value" header` };
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return { headers, problem: null };
}

const REASONS: Record<number, string> = {
  200: "OK",
  201: "Created",
  202: "Accepted",
  204: "No Content",
  301: "Moved Permanently",
  302: "Found",
  304: "Not Modified",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

export function statusText(status: number): string {
  const reason = REASONS[status];
  return reason ? `${status} ${reason}` : String(status);
}

export function statusTone(status: number): "ok" | "none" | "error" {
  if (status >= 200 && status < 300) return "ok";
  if (status >= 400) return "error";
  return "none";
}

/** A body for reading: JSON indented, anything else as it came. */
export function prettyBody(body: string): string {
  const t = body.trim();
  if (!(t.startsWith("{") || t.startsWith("["))) return body;
  try {
    return JSON.stringify(JSON.parse(t), null, 2);
  } catch {
    return body;
  }
}

export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;

export function hasBody(method: string): boolean {
  return method === "POST" || method === "PUT" || method === "PATCH" || method === "DELETE";
}
