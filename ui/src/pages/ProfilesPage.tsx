// The profiles page: every profile with its credential status, a search that filters them, Add credential,
// and what to do when there are none or they cannot be read. A row opens the profile's page. What a page
// that returned here left to say (Remove: "Removed demo.") shows above the list for a few seconds. Export…
// opens the Export dialog; Import… brings a Postman environment in, and the list shows what it made. While the
// keychain cannot be reached, Add credential and Import… are not offered (every secret they keep goes there):
// the error says so, and its Try again is the way back.
import { useMemo, useRef, useState } from "react";

import type { ImportOutcome } from "../bindings/ImportOutcome";
import type { SavedExport } from "../bindings/SavedExport";
import { EmptyState } from "../components/EmptyState";
import { ErrorState } from "../components/ErrorState";
import { ExportDialog, ExportSavedNotice, ImportedNotice } from "../components/ExportDialog";
import { ErrorNotice, SuccessNotice } from "../components/Notice";
import { ProfileList, type ProfileListHandle } from "../components/ProfileList";
import { SearchBox } from "../components/SearchBox";
import { useFlash } from "../lib/flash";
import { usePlatform } from "../lib/platform-context";
import { matches } from "../lib/profiles";
import { href, navigate } from "../lib/routes";
import { useStrategies } from "../lib/strategies";
import { useNowSecs } from "../lib/time";
import { useAction } from "../lib/use-async";
import { useProfiles } from "../lib/use-profiles";

const ADD_EXAMPLE = [
  "keyward profile add github --strategy pkce \\",
  "    --issuer https://id.example.com \\",
  '    --client-id native-app --scope "openid read:users"',
].join("\n");

export function ProfilesPage() {
  const { state, reloading, reload } = useProfiles();
  const [query, setQuery] = useState("");
  const nowSecs = useNowSecs();
  const list = useRef<ProfileListHandle>(null);
  const { byId } = useStrategies();
  const flashed = useFlash();
  const short = (id: string) => byId(id)?.short ?? id;
  const platform = usePlatform();
  const [exporting, setExporting] = useState(false);
  const [saved, setSaved] = useState<SavedExport | null>(null);
  const [imported, setImported] = useState<ImportOutcome | null>(null);
  const importing = useAction(() => platform.importPostmanFile());
  async function importFile() {
    setImported(null);
    const outcome = await importing.run();
    if (outcome) {
      setImported(outcome);
      reload();
    }
  }

  const all = state.status === "ready" ? state.profiles : [];
  const shown = useMemo(() => all.filter((p) => matches(p, query, byId(p.strategy)?.title)), [all, query, byId]);
  const hasProfiles = all.length > 0;
  // Locked or not running: adding or importing a profile would fail at its first secret.
  const keychainDown = state.status === "error" && state.error.code === "keychain";

  return (
    <>
      <header className="page-header">
        <div>
          <h1>Profiles</h1>
          <p className="subtitle" aria-live="polite">
            {state.status === "ready"
              ? countText(all.length, shown.length, query)
              : state.status === "loading"
                ? "Loading…"
                : "Could not load profiles"}
          </p>
        </div>
        <div className="page-actions">
          {hasProfiles && (
            <SearchBox
              label="Search profiles"
              placeholder="Search by name, issuer, client, user…"
              value={query}
              onChange={setQuery}
              onArrowDown={() => list.current?.focusFirst()}
            />
          )}
          <button type="button" className="button" onClick={reload} disabled={reloading} aria-label="Reload profiles">
            {reloading ? "Loading…" : "Reload"}
          </button>
          {!keychainDown && (
            <button type="button" className="button" onClick={() => void importFile()} disabled={importing.pending}>
              {importing.pending ? "Importing…" : "Import…"}
            </button>
          )}
          {hasProfiles && (
            <button type="button" className="button" onClick={() => setExporting(true)}>
              Export…
            </button>
          )}
          {!keychainDown && (
            <a className="button button-primary" href={href({ page: "add" })}>
              Add credential
            </a>
          )}
        </div>
      </header>

      {flashed.text && <SuccessNotice>{flashed.text}</SuccessNotice>}
      {saved && <ExportSavedNotice saved={saved} onDismiss={() => setSaved(null)} />}
      {imported && <ImportedNotice outcome={imported} onDismiss={() => setImported(null)} />}
      {importing.error && <ErrorNotice error={importing.error} fixes={{ onRetry: () => void importFile() }} />}
      {exporting && (
        <ExportDialog
          preselected={[]}
          onClose={() => setExporting(false)}
          onSaved={(s) => {
            setExporting(false);
            setSaved(s);
          }}
        />
      )}

      {state.status === "loading" && <div className="loading" aria-busy="true" />}

      {state.status === "error" && (
        <ErrorState error={state.error} onRetry={reload} context="list">
          {keychainDown && (
            <p className="error-blocked">
              Add credential and Import… come back once the keychain answers: every secret a profile keeps is stored
              there, so nothing can be added or imported without it.
            </p>
          )}
        </ErrorState>
      )}

      {state.status === "ready" && !hasProfiles && (
        <EmptyState title="No profiles yet">
          <p>
            A profile tells Keyward how to get a credential for one API: a login through your browser, a client
            secret, a key pair, an API key.
          </p>
          <a className="button button-primary" href={href({ page: "add" })}>
            Add credential
          </a>
          <p className="muted">Or from a terminal; this list updates when you come back to the window:</p>
          <pre className="command">
            <code>{ADD_EXAMPLE}</code>
          </pre>
        </EmptyState>
      )}

      {state.status === "ready" && hasProfiles && shown.length === 0 && (
        <div className="no-match" role="status">
          <p>
            No profile matches <q>{query}</q>.
          </p>
          <button type="button" className="button" onClick={() => setQuery("")}>
            Clear search
          </button>
        </div>
      )}

      {state.status === "ready" && shown.length > 0 && (
        <ProfileList
          ref={list}
          profiles={shown}
          nowSecs={nowSecs}
          label="Profiles"
          strategyShort={short}
          onOpen={(name) => navigate({ page: "profile", name })}
        />
      )}
    </>
  );
}

function countText(total: number, shown: number, query: string): string {
  const noun = (n: number) => (n === 1 ? "1 profile" : `${n} profiles`);
  return query.trim() ? `${shown} of ${noun(total)}` : noun(total);
}
