// Show request: the exact token request the profile would send now (method, URL, headers, body), with
// every secret masked by the core. The first thing to look at when a token endpoint says 400.
import type { DryRun } from "../bindings/DryRun";
import { usePlatform } from "../lib/platform-context";
import { useAction } from "../lib/use-async";
import { HttpView } from "./HttpView";
import { ErrorNotice } from "./Notice";

export function DryRunCard({ name }: { name: string }) {
  const platform = usePlatform();
  const show = useAction((): Promise<DryRun> => platform.dryRun(name));
  const request = show.error ? undefined : show.result;
  return (
    <div className="dry-run">
      <p className="muted">The token request Keyward would send now. Secrets are masked; nothing is sent.</p>
      <div>
        <button type="button" className="button" onClick={() => void show.run()} disabled={show.pending}>
          {request ? "Show again" : "Show request"}
        </button>
      </div>
      {show.error && <ErrorNotice error={show.error} />}
      {request && (
        <HttpView
          label="Dry run"
          firstLine={
            <span className="mono">
              <strong>{request.method}</strong> {request.url}
            </span>
          }
          headers={request.headers}
          body={request.body}
          openHeaders
        />
      )}
    </div>
  );
}
