// Export and import in the window. The Export dialog: which profiles, which format (each with what it is
// for), the format's options, and whether the long-lived secrets go in (with a plain warning when they do);
// "Export…" has the backend make the file and ask where to save it, so no token reaches the window. What was
// saved (where, which secrets were left out or included, the notes) and what an import made are notices the
// page shows afterwards. Keyboard: Tab stays inside the dialog, Escape closes it, Enter exports.
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from "react";

import type { AppError } from "../bindings/AppError";
import type { Dialect } from "../bindings/Dialect";
import type { ExportFormat } from "../bindings/ExportFormat";
import type { ExportRequest } from "../bindings/ExportRequest";
import type { ImportOutcome } from "../bindings/ImportOutcome";
import type { SavedExport } from "../bindings/SavedExport";
import { usePlatform } from "../lib/platform-context";
import { navigate } from "../lib/routes";
import { useStrategies } from "../lib/strategies";
import { useLoad } from "../lib/use-async";
import { toAppError } from "../platform/platform";
import { ErrorNotice, SuccessNotice, type Fixes } from "./Notice";

export const FORMATS: { id: ExportFormat; title: string; help: string }[] = [
  {
    id: "postman",
    title: "Postman environment",
    help: "Token or API key, base URL and client ID, for Postman and newman.",
  },
  {
    id: "collection",
    title: "Postman collection",
    help: "Each profile's auth for Postman, with a token script for newman.",
  },
  { id: "dotenv", title: ".env file", help: "NAME=value lines for node, compose, python-dotenv or a shell." },
  { id: "curl", title: "curl command", help: "A ready command per profile that sends the credential to its API." },
  { id: "bruno", title: "Bruno environment", help: "A .bru environment with the same variables, for the Bruno API client." },
];

const DIALECTS: { id: Dialect; label: string }[] = [
  { id: "portable", label: "Any of them (quoted so all read the same)" },
  { id: "node", label: "node --env-file, dotenv (npm)" },
  { id: "compose", label: "docker compose" },
  { id: "python", label: "python-dotenv" },
  { id: "shell", label: "A shell (set -a; . file)" },
];

/** A format's name as a sentence says it ("the Postman environment"). */
export function formatTitle(format: ExportFormat): string {
  return FORMATS.find((f) => f.id === format)?.title ?? format;
}

const FOCUSABLE = "input:not(:disabled), select:not(:disabled), button:not(:disabled), a[href]";

export function ExportDialog({
  preselected,
  onSaved,
  onClose,
  onLogIn,
}: {
  /** The profiles ticked when it opens (the profile whose page opened it). */
  preselected: string[];
  onSaved: (saved: SavedExport) => void;
  onClose: () => void;
  /** "Log in again" on an error: sign in to this profile (default: open its page). */
  onLogIn?: (profile: string) => void;
}) {
  const platform = usePlatform();
  const { byId } = useStrategies();
  const { state: list } = useLoad(() => platform.listProfiles(), [platform]);
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(preselected));
  const [format, setFormat] = useState<ExportFormat>("postman");
  const [dialect, setDialect] = useState<Dialect>("portable");
  const [fromEnv, setFromEnv] = useState(false);
  const [url, setUrl] = useState("");
  const [includeSecrets, setIncludeSecrets] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const box = useRef<HTMLFormElement>(null);
  const ids = useId();

  const profiles = list.status === "ready" ? list.value : [];
  // One profile only: it is the one to export.
  useEffect(() => {
    if (list.status === "ready" && list.value.length === 1 && preselected.length === 0) setChosen(new Set([list.value[0]!.name]));
  }, [list, preselected.length]);

  // Focus goes into the dialog when it opens (its first control once the profiles are there) and back
  // where it was when it closes.
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    box.current?.focus();
    return () => before?.focus();
  }, []);
  useEffect(() => {
    if (list.status !== "loading" && box.current === document.activeElement) firstControl()?.focus();
  }, [list.status]);
  // A button pressed while busy was disabled, which drops focus out of the dialog: bring it back.
  useEffect(() => {
    if (!busy && box.current && !box.current.contains(document.activeElement)) firstControl()?.focus();
  }, [busy]);

  function controls(): HTMLElement[] {
    const all = [...(box.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])];
    // Tab reaches a radio group at its checked radio only.
    return all.filter((el) => !(el instanceof HTMLInputElement && el.type === "radio" && !el.checked));
  }
  function firstControl(): HTMLElement | undefined {
    return controls()[0];
  }

  const writesSecrets = format !== "curl";
  const request: ExportRequest = {
    format,
    profiles: profiles.map((p) => p.name).filter((n) => chosen.has(n)),
    includeSecrets: writesSecrets && includeSecrets,
    fromEnv: format === "curl" && fromEnv,
    ...(format === "dotenv" ? { dialect } : {}),
    ...(format === "curl" && url.trim() ? { url: url.trim() } : {}),
  };
  const canExport = request.profiles.length > 0 && !busy;

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (!canExport) return;
    setBusy(true);
    setError(null);
    try {
      const saved = await platform.exportProfiles(request);
      // Closing the save dialog is not an error: the choices stay as they were.
      if (saved) onSaved(saved);
    } catch (reason) {
      setError(toAppError(reason));
    } finally {
      setBusy(false);
    }
  }

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === "Escape") {
      e.preventDefault();
      if (!busy) onClose();
    } else if (e.key === "Enter") {
      const t = e.target as HTMLElement;
      // Buttons, links and lists act on Enter themselves; anywhere else it exports.
      if (t.tagName === "BUTTON" || t.tagName === "SELECT" || t.tagName === "A") return;
      e.preventDefault();
      void submit();
    } else if (e.key === "Tab") {
      const focusable = controls();
      if (focusable.length === 0) return;
      const first = focusable[0]!;
      const last = focusable[focusable.length - 1]!;
      if (e.shiftKey && (document.activeElement === first || document.activeElement === box.current)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  }

  const remedyProfile = error?.remedy && "profile" in error.remedy ? error.remedy.profile : null;
  const fixes: Fixes = {
    onEditField: (field) => remedyProfile && navigate({ page: "edit", name: remedyProfile, field }),
    onLogin: () => {
      if (!remedyProfile) return;
      onClose();
      if (onLogIn) onLogIn(remedyProfile);
      else navigate({ page: "profile", name: remedyProfile });
    },
    onRetry: () => void submit(),
  };

  function toggle(name: string) {
    setChosen((before) => {
      const next = new Set(before);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });
  }

  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && !busy && onClose()}>
      <form
        ref={box}
        className="dialog export-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${ids}-title`}
        aria-describedby={`${ids}-intro`}
        tabIndex={-1}
        onKeyDown={onKeyDown}
        onSubmit={(e) => void submit(e)}
        noValidate
      >
        <h2 id={`${ids}-title`}>Export credentials</h2>
        <p id={`${ids}-intro`} className="dialog-body">
          Write what a request needs into a file for another tool, readable by you only.
        </p>

        <div className="export-scroll">
          <div className="export-columns">
            <fieldset className="export-group">
              <legend>Profiles</legend>
              {list.status === "loading" && <p className="muted">Loading…</p>}
              {list.status === "error" && <ErrorNotice error={list.error} />}
              {list.status === "ready" && profiles.length === 0 && <p className="muted">There is no profile to export yet.</p>}
              {profiles.length > 0 && (
                <ul className="export-profiles">
                  {profiles.map((p, i) => (
                    <li key={p.name}>
                      <label className="export-option">
                        <input
                          type="checkbox"
                          checked={chosen.has(p.name)}
                          onChange={() => toggle(p.name)}
                          aria-labelledby={`${ids}-p${i}`}
                          aria-describedby={`${ids}-p${i}-kind`}
                          disabled={busy}
                        />
                        <span id={`${ids}-p${i}`} className="export-option-title" title={p.name}>
                          {p.name}
                        </span>
                        <span id={`${ids}-p${i}-kind`} className="export-option-aside">
                          {byId(p.strategy)?.short ?? p.strategy}
                        </span>
                      </label>
                    </li>
                  ))}
                </ul>
              )}
            </fieldset>

            <fieldset className="export-group">
              <legend>Format</legend>
              <div className="export-formats">
                {FORMATS.map((f) => (
                  <label key={f.id} className={`export-format${format === f.id ? " export-format-on" : ""}`}>
                    <input
                      type="radio"
                      name={`${ids}-format`}
                      value={f.id}
                      checked={format === f.id}
                      onChange={() => setFormat(f.id)}
                      aria-labelledby={`${ids}-f-${f.id}`}
                      aria-describedby={`${ids}-f-${f.id}-help`}
                      disabled={busy}
                    />
                    <span className="export-format-text">
                      <span id={`${ids}-f-${f.id}`} className="export-option-title">
                        {f.title}
                      </span>
                      <span id={`${ids}-f-${f.id}-help`} className="export-format-help">
                        {f.help}
                      </span>
                    </span>
                  </label>
                ))}
              </div>
            </fieldset>
          </div>

          {format === "dotenv" && (
            <div className="field">
              <label className="field-label" htmlFor={`${ids}-dialect`}>
                Read by
              </label>
              <select id={`${ids}-dialect`} value={dialect} onChange={(e) => setDialect(e.target.value as Dialect)} disabled={busy}>
                {DIALECTS.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.label}
                  </option>
                ))}
              </select>
              <p className="field-help">They disagree on quotes and $: the file is written the way this one reads it.</p>
            </div>
          )}

          {format === "curl" && (
            <>
              <div className="export-check">
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={fromEnv}
                    onChange={(e) => setFromEnv(e.target.checked)}
                    aria-describedby={`${ids}-env-help`}
                    disabled={busy}
                  />
                  Read the credential from the environment
                </label>
                <p id={`${ids}-env-help`} className="field-help">
                  The command reads the token from the variable <code>keyward exec</code> sets, so none is written in the file.
                </p>
              </div>
              <div className="field">
                <label className="field-label" htmlFor={`${ids}-url`}>
                  URL to call <span className="required">optional</span>
                </label>
                <input
                  id={`${ids}-url`}
                  type="text"
                  value={url}
                  onChange={(e) => setUrl(e.target.value)}
                  placeholder="The profile's API base URL"
                  spellCheck={false}
                  autoComplete="off"
                  disabled={busy}
                />
              </div>
            </>
          )}

          {writesSecrets ? (
            <div className="export-check">
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={includeSecrets}
                  onChange={(e) => setIncludeSecrets(e.target.checked)}
                  aria-describedby={`${ids}-secrets-help`}
                  disabled={busy}
                />
                Include long-lived secrets
              </label>
              <p id={`${ids}-secrets-help`} className="field-help">
                {format === "bruno"
                  ? "Client secret, refresh token, password, private key: Bruno keeps secret values out of its files, so they are named for you to fill in."
                  : "Client secret, refresh token, password, private key. Left out, the file holds only the access token or API key."}
              </p>
              {includeSecrets && format !== "bruno" && (
                <div className="notice notice-warn export-warning" role="note" aria-label="Warning">
                  <p>
                    <strong>Whoever can read this file can mint new credentials</strong> for these profiles, long after its
                    access token expires. Keep it out of shared folders and version control, and delete it when you are done.
                  </p>
                </div>
              )}
            </div>
          ) : (
            <p className="field-help">A curl command holds only the access token or API key, never a long-lived secret.</p>
          )}
        </div>

        {error && <ErrorNotice error={error} fixes={fixes} />}

        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={!canExport}>
            {busy ? "Exporting…" : "Export…"}
          </button>
        </div>
      </form>
    </div>
  );
}

/** What an export saved: where, what was left out or put in, and what to know about it. */
export function ExportSavedNotice({ saved, onDismiss }: { saved: SavedExport; onDismiss: () => void }) {
  const s = saved.summary;
  return (
    <div className="export-notice">
      <SuccessNotice>
        <p className="notice-title">
          Saved the {formatTitle(s.format)} of {s.profiles.join(", ")}
        </p>
        <p>
          To <code className="selectable">{saved.path}</code>, readable by you only.
        </p>
        {s.secretsLeftOut.length > 0 && (
          <p>
            Left out (long-lived secrets): <Names names={s.secretsLeftOut} />. The file can make requests, but not mint new
            credentials.
          </p>
        )}
        {s.secretsIncluded.length > 0 && (
          <p className="export-included">
            Included: <Names names={s.secretsIncluded} />, marked as secrets where the format can. Whoever can read the file
            can mint new credentials.
          </p>
        )}
        {s.notes.length > 0 && (
          <ul className="export-notes">
            {s.notes.map((n) => (
              <li key={n}>{sentence(n)}</li>
            ))}
          </ul>
        )}
        <div className="notice-actions">
          <button type="button" className="button button-small" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      </SuccessNotice>
    </div>
  );
}

/** What an import made: the profiles (their secrets went to the keychain), what it left, the notes. */
export function ImportedNotice({ outcome, onDismiss }: { outcome: ImportOutcome; onDismiss: () => void }) {
  const { byId } = useStrategies();
  const n = outcome.profiles.length;
  return (
    <div className="export-notice">
      <SuccessNotice>
        <p className="notice-title">
          Imported {n === 1 ? "1 profile" : `${n} profiles`} from the Postman environment
        </p>
        <ul className="export-notes">
          {outcome.profiles.map((p) => (
            <li key={p.name}>
              <strong>{p.name}</strong> ({byId(p.strategy)?.short ?? p.strategy})
              {p.secrets.length > 0 && (
                <>
                  : <Names names={p.secrets} /> in your keychain
                </>
              )}
            </li>
          ))}
        </ul>
        {outcome.ignored.length > 0 && (
          <p>
            Not used: <Names names={outcome.ignored} />.
          </p>
        )}
        {outcome.notes.length > 0 && (
          <ul className="export-notes">
            {outcome.notes.map((note) => (
              <li key={note}>{sentence(note)}</li>
            ))}
          </ul>
        )}
        <div className="notice-actions">
          <button type="button" className="button button-small" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      </SuccessNotice>
    </div>
  );
}

function Names({ names }: { names: string[] }) {
  return (
    <>
      {names.map((name, i) => (
        <span key={name}>
          {i > 0 && ", "}
          <code>{name}</code>
        </span>
      ))}
    </>
  );
}

/** A core note ("the exported credential expires at …") as a sentence. */
function sentence(text: string): string {
  const t = text.trim();
  return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? "" : ".");
}
