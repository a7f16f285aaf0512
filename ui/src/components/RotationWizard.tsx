// Rotating a profile's credential in the window: a stepper over the core's state machine (rotation/mod.rs).
// Step 1 chooses where the new credential goes (files with a line template, a JWKS file, commands), the
// request that verifies it, the optional traffic check and overlap, and for a client secret the new secret
// pasted from the provider's dashboard (a password field; it crosses once, to the keychain). Then each step
// (deploy, verify, retire) shows the core's plan of it and waits for Confirm; its result is the journal's
// line and the evidence (what the probe asked and saw, the traffic check's answer). The overlap holds
// retire back with a countdown; a refused step shows its reason with Abort as the way on; Abort (with what
// it will do, asked first) is offered at every step. A rotation left half-way resumes where it stands, and
// the profile page says it is under way (RotationBanner). Focus moves to each step's heading.
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode, type RefObject } from "react";

import type { AppError } from "../bindings/AppError";
import type { Evidence } from "../bindings/Evidence";
import type { JournalEntry } from "../bindings/JournalEntry";
import type { ProfileView } from "../bindings/ProfileView";
import type { RotationKind } from "../bindings/RotationKind";
import type { RotationPlan } from "../bindings/RotationPlan";
import type { RotationState } from "../bindings/RotationState";
import type { RotationStatus } from "../bindings/RotationStatus";
import type { RotationStep } from "../bindings/RotationStep";
import type { Strategy } from "../bindings/Strategy";
import type { Target } from "../bindings/Target";
import { usePlatform } from "../lib/platform-context";
import { clock, useNowSecs } from "../lib/time";
import { useLoad } from "../lib/use-async";
import { toAppError } from "../platform/platform";
import { ConfirmDialog } from "./ConfirmDialog";
import { ErrorNotice, SuccessNotice } from "./Notice";
import { setting } from "../platform/settings";

/** What a strategy's rotation replaces (the core's `kind_of`), or null when it has nothing to rotate. */
export function rotationKindOf(strategy: Strategy): RotationKind | null {
  switch (strategy) {
    case "api-key":
      return "api-key";
    case "client-credentials":
    case "custom-oauth":
      return "client-secret";
    case "private-key-jwt":
      return "key-pair";
    default:
      return null;
  }
}

const NOUN: Record<RotationKind, string> = { "api-key": "API key", "client-secret": "client secret", "key-pair": "key pair" };

/** Still under way: the wizard resumes it, and a new one cannot start. */
export function inProgress(state: RotationState): boolean {
  return state === "created" || state === "deployed" || state === "verified";
}

/** The stepper: choosing what to rotate, then the three steps the core runs on Confirm. */
const STEPS: { id: "setup" | "deploy" | "verify" | "retire"; label: string }[] = [
  { id: "setup", label: "Choose targets" },
  { id: "deploy", label: "Deploy" },
  { id: "verify", label: "Verify" },
  { id: "retire", label: "Retire the old" },
];

const STATE_WORDS: Record<RotationState, string> = {
  created: "new credential created",
  deployed: "deployed",
  verified: "verified",
  retired: "retired",
  aborted: "aborted",
};

/** On the profile page: a rotation left half-way, with Continue to resume it in the wizard. */
export function RotationBanner({ name, onContinue }: { name: string; onContinue: () => void }) {
  const platform = usePlatform();
  const { state } = useLoad(() => platform.rotationStatus(name), [platform, name]);
  if (state.status !== "ready" || !state.value || !inProgress(state.value.state)) return null;
  const status = state.value;
  return (
    <div className="notice notice-warn rotation-banner" role="status" aria-label="Rotation under way">
      <RotateIcon />
      <div className="notice-body">
        <p className="notice-title">
          Rotation under way: {STATE_WORDS[status.state]}
        </p>
        <p className="notice-hint">
          {status.blocked ? `Blocked: ${status.blocked}.` : (status.plan[0] ?? "")} The old{" "}
          {NOUN[status.rotation.kind]} ({status.rotation.oldFingerprint}) is still valid until the rotation retires it.
        </p>
      </div>
      <button type="button" className="button button-small button-primary rotation-banner-action" onClick={onContinue}>
        Continue
      </button>
    </div>
  );
}

/** The result of the step just run: what the journal and the evidence gained with it. */
interface StepResult {
  step: RotationStep;
  journal: JournalEntry[];
  evidence: Evidence[];
}

/** A failed step: its error, and the evidence it gathered before failing (a probe, a traffic check). */
interface StepFailure {
  step: RotationStep | "start";
  error: AppError;
  evidence: Evidence[];
}

export function RotationWizard({
  profile,
  onClose,
  onChanged,
}: {
  profile: ProfileView;
  onClose: () => void;
  /** The profile's credential may have changed (verify switched it, abort switched it back). */
  onChanged: () => void;
}) {
  const platform = usePlatform();
  const kind = rotationKindOf(profile.strategy);
  const [status, setStatus] = useState<RotationStatus | null | undefined>(undefined);
  const [loadError, setLoadError] = useState<AppError | null>(null);
  const [result, setResult] = useState<StepResult | null>(null);
  const [failure, setFailure] = useState<StepFailure | null>(null);
  const [busy, setBusy] = useState<"start" | "next" | "abort" | "abortPlan" | null>(null);
  const [abortPlan, setAbortPlan] = useState<string[] | null>(null);
  const [abortError, setAbortError] = useState<AppError | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const name = profile.name;

  async function load() {
    try {
      setStatus(await platform.rotationStatus(name));
      setLoadError(null);
    } catch (reason) {
      setLoadError(toAppError(reason));
    }
  }
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [platform, name]);

  const running = status && inProgress(status.state) ? status : null;
  // A rotation that ended before the wizard opened is history (in the journal): the wizard starts a new one.
  const view: "loading" | "setup" | "result" | "step" =
    status === undefined ? "loading" : result ? "result" : running ? "step" : "setup";

  // Focus moves to the heading of each step as it comes (and when the wizard opens).
  const focusKey = `${view}:${result?.step ?? ""}:${running?.next ?? ""}:${status?.state ?? ""}`;
  useEffect(() => {
    if (view !== "loading") heading.current?.focus();
  }, [focusKey, view]);

  /** What a call added to the journal and the evidence, from `before` to `after`. */
  function since(before: RotationStatus | null | undefined, after: RotationStatus): { journal: JournalEntry[]; evidence: Evidence[] } {
    const j = before ? before.rotation.journal.length : 0;
    const e = before ? before.rotation.evidence.length : 0;
    const sameRotation = before && before.rotation.startedAt === after.rotation.startedAt;
    return {
      journal: after.rotation.journal.slice(sameRotation ? j : 0).filter((x) => x.phase !== "started"),
      evidence: after.rotation.evidence.slice(sameRotation ? e : 0),
    };
  }

  async function start(plan: RotationPlan, newSecret: string | null) {
    setBusy("start");
    setFailure(null);
    try {
      const after = await platform.rotationStart(name, plan, newSecret);
      setStatus(after);
      setResult({ step: "create", ...since(null, after) });
    } catch (reason) {
      setFailure({ step: "start", error: toAppError(reason), evidence: [] });
      // A rotation started elsewhere meanwhile: show where it stands.
      await load();
    } finally {
      setBusy(null);
    }
  }

  async function next(force = false) {
    if (!running?.next) return;
    const step = running.next;
    const before = running;
    setBusy("next");
    setFailure(null);
    try {
      const after = await platform.rotationNext(name, force);
      setStatus(after);
      setResult({ step, ...since(before, after) });
      onChanged();
    } catch (reason) {
      const error = toAppError(reason);
      let evidence: Evidence[] = [];
      try {
        const now = await platform.rotationStatus(name);
        setStatus(now);
        if (now) evidence = since(before, now).evidence;
      } catch {
        // The step's own error says enough.
      }
      setFailure({ step, error, evidence });
    } finally {
      setBusy(null);
    }
  }

  async function askAbort() {
    setBusy("abortPlan");
    setAbortError(null);
    try {
      setAbortPlan(await platform.rotationAbortPlan(name));
    } catch (reason) {
      setFailure({ step: "abort", error: toAppError(reason), evidence: [] });
    } finally {
      setBusy(null);
    }
  }

  async function abort() {
    const before = running;
    setBusy("abort");
    setAbortError(null);
    try {
      const after = await platform.rotationAbort(name);
      setStatus(after);
      setAbortPlan(null);
      setFailure(null);
      setResult({ step: "abort", ...since(before, after) });
      onChanged();
    } catch (reason) {
      setAbortError(toAppError(reason));
      await load();
    } finally {
      setBusy(null);
    }
  }

  function continueOn() {
    setResult(null);
    setFailure(null);
  }

  function startOver() {
    setResult(null);
    setFailure(null);
  }

  if (!kind) return null;
  const noun = NOUN[kind];
  const current = view === "setup" || view === "loading" ? 0 : stepIndex(running?.next, status?.state, result?.step);

  return (
    <section className="card rotation" aria-labelledby="rotation-title">
      <div className="card-head">
        <h2 id="rotation-title">Rotate the {noun} of {name}</h2>
        <button type="button" className="button button-small" onClick={onClose} disabled={busy !== null}>
          {running ? "Close (continue later)" : "Close"}
        </button>
      </div>

      <ol className="steps rotation-steps" aria-label="Rotation steps">
        {STEPS.map((s, i) => {
          const aborted = status?.state === "aborted" && view === "result";
          const mark = aborted ? (i < current ? "done" : "pending") : i < current ? "done" : i === current ? "current" : "pending";
          return (
            <li key={s.id} className={`step step-${mark}`} aria-current={mark === "current" ? "step" : undefined}>
              <span className="step-mark" aria-hidden="true">
                {mark === "done" ? "✓" : i + 1}
              </span>
              <span className="step-label">
                {s.label}
                {mark === "done" && <span className="visually-hidden"> (done)</span>}
              </span>
            </li>
          );
        })}
      </ol>

      {view === "loading" && !loadError && <div className="loading" aria-busy="true" aria-label="Loading the rotation" />}
      {loadError && <ErrorNotice error={loadError} fixes={{ onRetry: () => void load() }} />}

      {view === "setup" && (
        <SetupStep
          profile={profile}
          kind={kind}
          headingRef={heading}
          busy={busy === "start"}
          failure={failure?.step === "start" ? failure.error : null}
          onStart={(plan, secret) => void start(plan, secret)}
        />
      )}

      {view === "result" && result && status && (
        <ResultStep
          headingRef={heading}
          noun={noun}
          name={name}
          result={result}
          status={status}
          onContinue={continueOn}
          onStartOver={startOver}
          onClose={onClose}
          onAbort={() => void askAbort()}
          abortBusy={busy === "abortPlan"}
        />
      )}

      {view === "step" && running && (
        <RunStep
          headingRef={heading}
          noun={noun}
          status={running}
          failure={failure}
          busy={busy}
          onConfirm={(force) => void next(force)}
          onAbort={() => void askAbort()}
          onReload={() => void load()}
        />
      )}

      {status && (status.rotation.journal.length > 0 || status.rotation.evidence.length > 0) && view !== "setup" && (
        <details className="rotation-journal">
          <summary>Journal and evidence of this rotation ({status.rotation.journal.length} entries)</summary>
          <JournalList entries={status.rotation.journal} />
          {status.rotation.evidence.length > 0 && <EvidenceList evidence={status.rotation.evidence} title="All evidence" />}
        </details>
      )}

      {abortPlan && (
        <ConfirmDialog
          title={`Abort the rotation of ${name}?`}
          confirmLabel={busy === "abort" ? "Aborting…" : "Abort rotation"}
          danger
          busy={busy === "abort"}
          onConfirm={() => void abort()}
          onCancel={() => {
            setAbortPlan(null);
            setAbortError(null);
          }}
        >
          <div className="stack">
            <p>Abort removes the new {noun} and goes back to the old one:</p>
            <PlanLines lines={abortPlan} itemsOnly />
            <p>The old {noun} stays, or becomes again, the one in use.</p>
            {abortError && <ErrorNotice error={withoutRotationRemedy(abortError)} />}
          </div>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** Where the stepper stands: the step `next` will run, or the step a result belongs to. */
function stepIndex(next: RotationStep | undefined, state: RotationState | undefined, shown: RotationStep | undefined): number {
  const index = (s: RotationStep | undefined) => (s === "deploy" ? 1 : s === "verify" ? 2 : s === "retire" ? 3 : s === "create" ? 0 : -1);
  if (shown && shown !== "abort") return index(shown) + 1;
  if (state === "retired") return STEPS.length;
  if (state === "aborted") return index(next) >= 0 ? index(next) : 1;
  return Math.max(1, index(next));
}

/** The remedies that point at the rotation itself: in the wizard the way on is already here. */
function withoutRotationRemedy(error: AppError): AppError {
  const kind = error.remedy?.kind;
  return kind === "abortRotation" || kind === "resumeRotation" || kind === "finishRotation" ? { ...error, remedy: null } : error;
}

// Step 1: where the new credential goes and how it is checked.

type Draft = Target & { id: number };

const UNITS: { id: string; label: string; secs: number }[] = [
  { id: "s", label: "seconds", secs: 1 },
  { id: "m", label: "minutes", secs: 60 },
  { id: "h", label: "hours", secs: 3600 },
  { id: "d", label: "days", secs: 86_400 },
];

/** The profile's scopes as the core puts them in a line's `{scopes}`: comma-separated. */
function scopesOf(profile: ProfileView): string {
  return (setting(profile, "scopes") ?? "").split(/\s+/).filter(Boolean).join(",");
}

function SetupStep({
  profile,
  kind,
  headingRef,
  busy,
  failure,
  onStart,
}: {
  profile: ProfileView;
  kind: RotationKind;
  headingRef: RefObject<HTMLHeadingElement | null>;
  busy: boolean;
  failure: AppError | null;
  onStart: (plan: RotationPlan, newSecret: string | null) => void;
}) {
  const platform = usePlatform();
  const ids = useId();
  const noun = NOUN[kind];
  const [targets, setTargets] = useState<Draft[]>([]);
  const [verifyUrl, setVerifyUrl] = useState(profile.apiBaseUrl ?? "");
  const [checkOld, setCheckOld] = useState("");
  const [overlap, setOverlap] = useState("");
  const [unit, setUnit] = useState("m");
  const [prefix, setPrefix] = useState("");
  const [secret, setSecret] = useState("");
  const [submitted, setSubmitted] = useState(false);
  const [pickError, setPickError] = useState<AppError | null>(null);
  const nextId = useRef(1);
  const form = useRef<HTMLFormElement>(null);

  function add(target: Target) {
    const id = nextId.current++;
    setTargets((ts) => [...ts, { ...target, id }]);
    // The new target's first field takes the focus.
    setTimeout(() => form.current?.querySelector<HTMLInputElement>(`[data-target="${id}"] input`)?.focus(), 0);
  }
  function change(id: number, patch: Partial<Target>) {
    setTargets((ts) => ts.map((t) => (t.id === id ? ({ ...t, ...patch } as Draft) : t)));
  }
  function remove(id: number) {
    setTargets((ts) => ts.filter((t) => t.id !== id));
  }
  async function pick(id: number, jwks: boolean) {
    setPickError(null);
    try {
      const path = await platform.rotationPickFile(jwks);
      if (path) change(id, { path });
    } catch (reason) {
      setPickError(toAppError(reason));
    }
  }

  const overlapNumber = overlap.trim() === "" ? null : Number(overlap.trim());
  const problems: Record<string, string> = {};
  for (const t of targets) {
    if (t.kind === "cmd") {
      if (!t.command.trim()) problems[`t${t.id}-command`] = "Say which command to run.";
    } else {
      if (!t.path.trim()) problems[`t${t.id}-path`] = "Say which file, or choose it.";
      if (t.kind === "file" && !t.line.includes("{key}")) problems[`t${t.id}-line`] = "The line must hold {key}, where the credential goes.";
    }
  }
  const url = verifyUrl.trim();
  if (kind === "api-key" && !url) problems.verify = "Required for an API key: the request that must accept the new key.";
  else if (url && !/^https?:\/\/\S+$/.test(url)) problems.verify = "An http:// or https:// URL.";
  if (overlapNumber !== null && (!Number.isInteger(overlapNumber) || overlapNumber < 0)) problems.overlap = "A whole number.";
  if (kind === "client-secret" && !secret) problems.secret = "Paste the new client secret from the provider's dashboard.";
  if (prefix && !/^[A-Za-z0-9_-]{1,32}$/.test(prefix)) problems.prefix = "At most 32 letters, digits, _ or -.";
  /** Problems show once Start was pressed, or as soon as what is typed is wrong (not merely empty). */
  const shown = (key: string, typed: boolean) => (submitted || typed ? problems[key] : undefined);

  function submit(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    if (Object.keys(problems).length > 0) {
      setTimeout(() => form.current?.querySelector<HTMLElement>("[aria-invalid=true]")?.focus(), 0);
      return;
    }
    const plan: RotationPlan = {
      targets: targets.map(({ id: _id, ...t }) =>
        t.kind === "cmd" ? { kind: "cmd", command: t.command.trim() } : t.kind === "jwks" ? { kind: "jwks", path: t.path.trim() } : { kind: "file", path: t.path.trim(), line: t.line },
      ),
      ...(url ? { verifyUrl: url } : {}),
      ...(checkOld.trim() ? { checkOld: checkOld.trim() } : {}),
      ...(overlapNumber ? { overlapSecs: overlapNumber * (UNITS.find((u) => u.id === unit)?.secs ?? 60) } : {}),
      ...(kind === "api-key" && prefix ? { prefix } : {}),
    };
    onStart(plan, kind === "client-secret" ? secret : null);
  }

  const lineDefault = kind === "api-key" ? "API_KEY={key}" : "CLIENT_SECRET={key}";
  return (
    <form ref={form} className="rotation-body" onSubmit={submit} noValidate aria-labelledby={`${ids}-h`}>
      <h3 id={`${ids}-h`} ref={headingRef} tabIndex={-1} className="rotation-step-title">
        Step 1 of 4: choose where the new {noun} goes
      </h3>
      <p className="muted rotation-lead">
        {kind === "api-key" && "Keyward generates the new key (256 random bits). "}
        {kind === "client-secret" && "Create the new secret in the provider's dashboard, keeping the old one valid for now. "}
        {kind === "key-pair" && `Keyward generates a new key pair of the same type as ${setting(profile, "keyName") ?? "the profile's key"}. `}
        Old and new stay valid side by side until you retire the old one, so nothing that uses it stops working.
      </p>

      <fieldset className="rotation-group">
        <legend>Targets</legend>
        <p className="field-help">
          Where the new {noun} is deployed beside the old, in this order, and where the old one is removed at the end. Files
          are rewritten atomically, their other lines and permissions kept. With none, the new {noun} goes only to the
          profile.
        </p>
        {targets.length > 0 && (
          <ul className="rotation-targets" aria-label="Targets">
            {targets.map((t, i) => (
              <li key={t.id} className="rotation-target" data-target={t.id}>
                <div className="rotation-target-head">
                  <span className="rotation-target-kind">
                    {i + 1}. {t.kind === "file" ? "File with a line" : t.kind === "jwks" ? "JWKS file" : "Command"}
                  </span>
                  <button type="button" className="button button-small button-danger-ghost" onClick={() => remove(t.id)}>
                    Remove target {i + 1}
                  </button>
                </div>
                {t.kind === "cmd" ? (
                  <TextField
                    id={`t${t.id}-command`}
                    label="Command"
                    value={t.command}
                    onChange={(command) => change(t.id, { command })}
                    problem={shown(`t${t.id}-command`, false)}
                    help="Run with sh -c at each step: it gets the new credential on standard input when deploying, and KEYWARD_ROTATION_STEP, KEYWARD_OLD_FINGERPRINT and KEYWARD_NEW_FINGERPRINT in its environment. A non-zero exit refuses the step."
                    mono
                  />
                ) : (
                  <>
                    <TextField
                      id={`t${t.id}-path`}
                      label={t.kind === "jwks" ? "JWKS file" : "File"}
                      value={t.path}
                      onChange={(path) => change(t.id, { path })}
                      problem={shown(`t${t.id}-path`, false)}
                      help={
                        t.kind === "jwks"
                          ? "The JWKS your provider reads: the new public key is published before anything is signed with it, both kids during the overlap."
                          : "Chosen or typed. The new line goes after the old one, so a reader that takes the last of a repeated name takes the new."
                      }
                      mono
                      action={
                        <button type="button" className="button" onClick={() => void pick(t.id, t.kind === "jwks")}>
                          Choose…
                        </button>
                      }
                    />
                    {t.kind === "file" && (
                      <TextField
                        id={`t${t.id}-line`}
                        label="Line template"
                        value={t.line}
                        onChange={(line) => change(t.id, { line })}
                        problem={shown(`t${t.id}-line`, t.line !== "")}
                        help={
                          <>
                            <code>{"{key}"}</code> the credential, <code>{"{name}"}</code> the profile, <code>{"{scopes}"}</code> its
                            scopes (comma-separated).
                          </>
                        }
                        mono
                      >
                        <p className="rotation-preview" aria-label="Preview of the line">
                          <span className="muted">Preview</span> <LinePreview template={t.line} name={profile.name} scopes={scopesOf(profile)} noun={noun} />
                        </p>
                      </TextField>
                    )}
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
        <div className="actions">
          {kind !== "key-pair" && (
            <button type="button" className="button button-small" onClick={() => add({ kind: "file", path: "", line: lineDefault })}>
              Add a file
            </button>
          )}
          {kind === "key-pair" && (
            <button type="button" className="button button-small" onClick={() => add({ kind: "jwks", path: "" })}>
              Add a JWKS file
            </button>
          )}
          <button type="button" className="button button-small" onClick={() => add({ kind: "cmd", command: "" })}>
            Add a command
          </button>
        </div>
        {pickError && <ErrorNotice error={pickError} />}
      </fieldset>

      <fieldset className="rotation-group">
        <legend>Evidence</legend>
        <TextField
          id="rotation-verify"
          label="Verify URL"
          required={kind === "api-key"}
          value={verifyUrl}
          onChange={setVerifyUrl}
          problem={shown("verify", url !== "" && !/^https?:\/\/\S+$/.test(url))}
          help={
            kind === "api-key"
              ? "A GET with the new key must answer 2xx before the profile switches to it; after retiring, the old key should be refused there (401/403)."
              : "Optional. A GET with the new credential must answer 2xx before the profile switches to it; without it, a token request with the new credential must succeed."
          }
          mono
        />
        <TextField
          id="rotation-check-old"
          label="Traffic check"
          value={checkOld}
          onChange={setCheckOld}
          help={`Optional. A URL or command of yours that reports whether the old ${noun} is still used, by its fingerprint ({fingerprint} in the URL, KEYWARD_OLD_FINGERPRINT for a command). It must answer "unused" before the old one is retired.`}
          mono
        />
        <div className="field">
          <label className="field-label" htmlFor="rotation-overlap">
            Overlap
          </label>
          <div className="field-row rotation-overlap">
            <input
              id="rotation-overlap"
              type="text"
              inputMode="numeric"
              value={overlap}
              placeholder="none"
              autoComplete="off"
              aria-describedby={`rotation-overlap-help${shown("overlap", overlap !== "") ? " rotation-overlap-error" : ""}`}
              aria-invalid={shown("overlap", overlap !== "") ? true : undefined}
              onChange={(e) => setOverlap(e.target.value)}
            />
            <label className="visually-hidden" htmlFor="rotation-overlap-unit">
              Overlap unit
            </label>
            <select id="rotation-overlap-unit" value={unit} onChange={(e) => setUnit(e.target.value)}>
              {UNITS.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.label}
                </option>
              ))}
            </select>
          </div>
          {shown("overlap", overlap !== "") && (
            <p className="field-error" id="rotation-overlap-error">
              {problems.overlap}
            </p>
          )}
          <p className="field-help" id="rotation-overlap-help">
            Optional. How long old and new both stay valid after deploying: retire waits until it is over.
          </p>
        </div>
      </fieldset>

      {kind === "api-key" && (
        <TextField
          id="rotation-prefix"
          label="Key prefix"
          value={prefix}
          onChange={setPrefix}
          problem={shown("prefix", prefix !== "")}
          help="Optional, such as rk_live_: the generated key starts with it."
          mono
        />
      )}
      {kind === "client-secret" && (
        <div className="field">
          <label className="field-label" htmlFor="rotation-secret">
            New client secret <span className="required"> required</span>
            <span className="field-tag" title="Kept in the OS keychain, never in a file">
              keychain
            </span>
          </label>
          <input
            id="rotation-secret"
            type="password"
            autoComplete="new-password"
            value={secret}
            aria-required
            aria-invalid={shown("secret", false) ? true : undefined}
            aria-describedby={`rotation-secret-help${shown("secret", false) ? " rotation-secret-error" : ""}`}
            onChange={(e) => setSecret(e.target.value)}
          />
          {shown("secret", false) && (
            <p className="field-error" id="rotation-secret-error">
              {problems.secret}
            </p>
          )}
          <p className="field-help" id="rotation-secret-help">
            From the provider's dashboard. It goes straight to your keychain and is never shown again.
          </p>
        </div>
      )}

      {failure && <ErrorNotice error={withoutRotationRemedy(failure)} />}
      <div className="rotation-actions">
        <p className="muted">Start creates the new {noun} and keeps it in your keychain. Nothing is deployed until you confirm the next step.</p>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? "Creating…" : kind === "client-secret" ? "Start with this secret" : `Create the new ${noun}`}
        </button>
      </div>
    </form>
  );
}

function TextField({
  id,
  label,
  value,
  onChange,
  help,
  problem,
  required = false,
  mono = false,
  action,
  children,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  help: ReactNode;
  problem?: string | undefined;
  required?: boolean;
  mono?: boolean;
  action?: ReactNode;
  children?: ReactNode;
}) {
  const input = (
    <input
      id={id}
      type="text"
      className={mono ? "mono" : undefined}
      value={value}
      spellCheck={false}
      autoComplete="off"
      aria-required={required || undefined}
      aria-invalid={problem ? true : undefined}
      aria-describedby={`${id}-help${problem ? ` ${id}-error` : ""}`}
      onChange={(e) => onChange(e.target.value)}
    />
  );
  return (
    <div className={`field${problem ? " field-invalid" : ""}`}>
      <label className="field-label" htmlFor={id}>
        {label}
        {required && <span className="required"> required</span>}
      </label>
      {action ? (
        <div className="field-row">
          {input}
          {action}
        </div>
      ) : (
        input
      )}
      {problem && (
        <p className="field-error" id={`${id}-error`}>
          {problem}
        </p>
      )}
      {children}
      <p className="field-help" id={`${id}-help`}>
        {help}
      </p>
    </div>
  );
}

/** The line as it will be written, the credential itself shown as a marked placeholder. */
function LinePreview({ template, name, scopes, noun }: { template: string; name: string; scopes: string; noun: string }) {
  const parts = template.replace(/\{name\}/g, name).replace(/\{scopes\}/g, scopes).split("{key}");
  return (
    <code className="rotation-preview-line">
      {parts.map((part, i) => (
        <span key={i}>
          {part}
          {i < parts.length - 1 && <mark className="rotation-key">‹new {noun}›</mark>}
        </span>
      ))}
    </code>
  );
}

// Steps 2-4: the plan, Confirm, and what stands in the way.

const STEP_TITLE: Record<"deploy" | "verify" | "retire", (noun: string) => string> = {
  deploy: (noun) => `Step 2 of 4: deploy the new ${noun} beside the old`,
  verify: (noun) => `Step 3 of 4: verify the new ${noun}`,
  retire: (noun) => `Step 4 of 4: retire the old ${noun}`,
};

const CONFIRM: Record<"deploy" | "verify" | "retire", string> = {
  deploy: "Confirm and deploy",
  verify: "Confirm and verify",
  retire: "Confirm and retire the old",
};

function RunStep({
  headingRef,
  noun,
  status,
  failure,
  busy,
  onConfirm,
  onAbort,
  onReload,
}: {
  headingRef: RefObject<HTMLHeadingElement | null>;
  noun: string;
  status: RotationStatus;
  failure: StepFailure | null;
  busy: string | null;
  onConfirm: (force: boolean) => void;
  onAbort: () => void;
  onReload: () => void;
}) {
  const now = useNowSecs(1000);
  const next = status.next;
  const journal = status.rotation.journal;
  const last = journal.at(-1);
  // The core says which refusal blocks `next` (a target that refused the new credential); a failed verify or
  // retire may be tried again.
  const refused = status.refused ?? null;
  const verifyFailed = last && last.phase === "failed" && last.step === "verify" && next === "verify" ? last : null;
  const waitUntil = next === "retire" && !refused && status.retireAfter !== undefined && status.retireAfter > now ? status.retireAfter : null;
  const stillUsed = failure?.step === "retire" && !refused && failure.evidence.some((e) => !e.ok) ? failure : null;
  // A target refused to let go of the old credential: retiring again (once it is fixed) finishes the rotation.
  const retireFailed = last && last.phase === "failed" && last.step === "retire" && next === "retire" && !stillUsed ? last : null;
  // The overlap just ended: ask the core again, so the plan and `blocked` are its own.
  const waiting = useRef(waitUntil !== null);
  useEffect(() => {
    if (waitUntil !== null) waiting.current = true;
    else if (waiting.current) {
      waiting.current = false;
      onReload();
    }
  }, [waitUntil, onReload]);

  if (!next || next === "create" || next === "abort") {
    // Interrupted while creating: the core says abort and start again.
    return (
      <div className="rotation-body">
        <h3 ref={headingRef} tabIndex={-1} className="rotation-step-title">
          The rotation was interrupted while creating the new {noun}
        </h3>
        <p>Abort it, then start again.</p>
        <div className="rotation-actions">
          <button type="button" className="button button-danger" onClick={onAbort} disabled={busy !== null}>
            Abort rotation…
          </button>
        </div>
      </div>
    );
  }

  const busyNext = busy === "next";
  const otherError = failure && !stillUsed && !refused && !verifyFailed && !retireFailed ? withoutRotationRemedy(failure.error) : null;
  return (
    <div className="rotation-body">
      <div className="rotation-step-head">
        <h3 ref={headingRef} tabIndex={-1} className="rotation-step-title">
          {STEP_TITLE[next](noun)}
        </h3>
        <Fingerprints status={status} />
      </div>

      <div className="rotation-plan" aria-label="What this step will do" role="group">
        <p className="rotation-plan-title">What this step will do</p>
        <PlanLines lines={status.plan} />
      </div>

      {refused && (
        <div className="notice notice-error" role="alert">
          <StopIcon />
          <div className="notice-body">
            <p className="notice-title">The {refused.step} step was refused</p>
            <p className="notice-message">{refused.detail}</p>
            <p className="notice-hint">
              Nothing was replayed, and the old {noun} is still in use. Abort the rotation to remove the new {noun} everywhere
              and go back to the old one.
            </p>
          </div>
        </div>
      )}

      {verifyFailed && (
        <div className="notice notice-error" role="alert">
          <StopIcon />
          <div className="notice-body">
            <p className="notice-title">The new {noun} did not work</p>
            <p className="notice-message">{verifyFailed.detail}</p>
            <p className="notice-hint">
              The profile still uses the old one. A provider may take a moment to accept a new credential: verify again, or
              abort.
            </p>
          </div>
        </div>
      )}

      {retireFailed && (
        <div className="notice notice-error rotation-retire-refused" role="alert">
          <StopIcon />
          <div className="notice-body">
            <p className="notice-title">A target did not retire the old {noun}</p>
            <p className="notice-message">{retireFailed.detail}</p>
            <p className="notice-hint">
              The new {noun} is in use everywhere. Fix what that target reported, then retire again to finish the rotation.
            </p>
          </div>
        </div>
      )}

      {stillUsed && (
        <div className="notice notice-error" role="alert">
          <StopIcon />
          <div className="notice-body">
            <p className="notice-title">The old {noun} is still in use</p>
            <p className="notice-message">{stillUsed.error.message}</p>
            <p className="notice-hint">
              Whatever still uses it would stop working. Find it and move it to the new {noun}, then retire again; retire
              anyway only if you are sure.
            </p>
          </div>
        </div>
      )}

      {failure && failure.evidence.length > 0 && <EvidenceList evidence={failure.evidence} title="What the check saw" />}
      {otherError && <ErrorNotice error={otherError} fixes={{ onRetry: () => onConfirm(false) }} />}

      {waitUntil !== null && (
        <div className="notice notice-warn rotation-overlap-wait" role="timer" aria-live="off" aria-label="Overlap countdown">
          <ClockIcon />
          <div className="notice-body">
            <p className="notice-title">
              The overlap window: retire in <time className="countdown rotation-countdown" dateTime={`PT${waitUntil - now}S`}>{clock(waitUntil - now)}</time>
            </p>
            <p className="notice-hint">
              Old and new both stay valid until {new Date(waitUntil * 1000).toLocaleString()}. Keyward will not retire the old{" "}
              {noun} before then; you can close this and continue later.
            </p>
          </div>
        </div>
      )}

      {!status.abortable && (
        <p className="muted rotation-finish-only">
          Retiring the old {noun} has begun, so it may be gone from some targets: this rotation can only be finished, not
          aborted.
        </p>
      )}

      <div className="rotation-actions">
        {status.abortable && (
          <button type="button" className="button button-danger-ghost" onClick={onAbort} disabled={busy !== null}>
            {busy === "abortPlan" ? "Opening…" : "Abort rotation…"}
          </button>
        )}
        {stillUsed && (
          <button type="button" className="button button-danger" onClick={() => onConfirm(true)} disabled={busy !== null}>
            {busyNext ? "Retiring…" : "Retire anyway"}
          </button>
        )}
        {!refused && !stillUsed && (
          <button
            type="button"
            className="button button-primary"
            onClick={() => onConfirm(false)}
            disabled={busy !== null || waitUntil !== null}
            aria-describedby={waitUntil !== null ? "rotation-wait-why" : undefined}
          >
            {busyNext ? "Working…" : verifyFailed ? "Verify again" : retireFailed ? "Retire again" : CONFIRM[next]}
          </button>
        )}
        {waitUntil !== null && (
          <span id="rotation-wait-why" className="visually-hidden">
            Waits for the overlap window to end.
          </span>
        )}
      </div>
    </div>
  );
}

const RESULT_TITLE: Record<RotationStep, (noun: string, name: string) => string> = {
  create: (noun) => `The new ${noun} is created`,
  deploy: () => "Deployed: old and new are both valid",
  verify: (noun, name) => `Verified: ${name} uses the new ${noun}`,
  retire: (noun) => `Rotation complete: the old ${noun} is retired`,
  abort: (noun, name) => `Rotation aborted: ${name} uses the old ${noun} again`,
};

function ResultStep({
  headingRef,
  noun,
  name,
  result,
  status,
  onContinue,
  onStartOver,
  onClose,
  onAbort,
  abortBusy,
}: {
  headingRef: RefObject<HTMLHeadingElement | null>;
  noun: string;
  name: string;
  result: StepResult;
  status: RotationStatus;
  onContinue: () => void;
  onStartOver: () => void;
  onClose: () => void;
  onAbort: () => void;
  abortBusy: boolean;
}) {
  const going = inProgress(status.state) && status.next;
  const nextLabel = status.next === "deploy" ? "Deploy" : status.next === "verify" ? "Verify" : status.next === "retire" ? "Retire the old" : "";
  return (
    <div className="rotation-body">
      <div className="rotation-step-head">
        <h3 ref={headingRef} tabIndex={-1} className="rotation-step-title">
          {RESULT_TITLE[result.step](noun, name)}
        </h3>
        <Fingerprints status={status} />
      </div>
      <SuccessNotice>
        <p className="notice-title">Done</p>
        <ul className="rotation-done" aria-label="What was done">
          {result.journal.map((e, i) => (
            <li key={i}>{e.detail}</li>
          ))}
        </ul>
      </SuccessNotice>
      {result.evidence.length > 0 && <EvidenceList evidence={result.evidence} title="Evidence" />}
      {status.state === "retired" && <p className="muted">The old {noun} is removed from every target and forgotten by Keyward.</p>}
      <div className="rotation-actions">
        {going ? (
          <>
            {status.abortable && (
              <button type="button" className="button button-danger-ghost" onClick={onAbort} disabled={abortBusy}>
                {abortBusy ? "Opening…" : "Abort rotation…"}
              </button>
            )}
            <button type="button" className="button button-primary" onClick={onContinue}>
              Next: {nextLabel}
            </button>
          </>
        ) : (
          <>
            <button type="button" className="button" onClick={onStartOver}>
              Rotate again…
            </button>
            <button type="button" className="button button-primary" onClick={onClose}>
              Done
            </button>
          </>
        )}
      </div>
    </div>
  );
}

function Fingerprints({ status }: { status: RotationStatus }) {
  const r = status.rotation;
  const label = r.kind === "key-pair" ? "kid" : "fingerprint";
  return (
    <dl className="rotation-fingerprints">
      <div>
        <dt>Old {label}</dt>
        <dd className="mono">{r.oldFingerprint}</dd>
      </div>
      <div>
        <dt>New {label}</dt>
        <dd className="mono">{r.newFingerprint || "—"}</dd>
      </div>
      <div>
        <dt>State</dt>
        <dd>{STATE_WORDS[status.state]}</dd>
      </div>
    </dl>
  );
}

/** The core's plan: a lead line ("Next: …", "Abort: …") and "- " items; `itemsOnly` where the title
 * already says the lead. */
function PlanLines({ lines, itemsOnly = false }: { lines: string[]; itemsOnly?: boolean }) {
  const lead = itemsOnly ? [] : lines.filter((l) => !l.startsWith("- "));
  const items = lines.filter((l) => l.startsWith("- ")).map((l) => l.slice(2));
  return (
    <>
      {lead.map((l, i) => (
        <p key={i} className="rotation-plan-lead">
          {l}
        </p>
      ))}
      {items.length > 0 && (
        <ul className="rotation-plan-items">
          {items.map((l, i) => (
            <li key={i}>{l}</li>
          ))}
        </ul>
      )}
    </>
  );
}

function EvidenceList({ evidence, title = "Evidence" }: { evidence: Evidence[]; title?: string }) {
  return (
    <div className="rotation-evidence" role="group" aria-label={title}>
      <p className="rotation-plan-title">{title}</p>
      <ul>
        {evidence.map((e, i) => (
          <li key={i} className={`evidence ${e.ok ? "evidence-ok" : "evidence-bad"}`}>
            <div className="evidence-head">
              <span className="evidence-what">{capitalise(e.what)}</span>
              <span className={`pill ${e.ok ? "pill-ok" : "pill-warn"}`}>{e.ok ? "as expected" : "not as expected"}</span>
            </div>
            <dl>
              <div>
                <dt>Asked</dt>
                <dd className="mono">{e.asked}</dd>
              </div>
              <div>
                <dt>Saw</dt>
                <dd className="mono">{e.saw}</dd>
              </div>
            </dl>
          </li>
        ))}
      </ul>
    </div>
  );
}

function JournalList({ entries }: { entries: JournalEntry[] }) {
  return (
    <ol className="rotation-journal-list" aria-label="Journal">
      {entries.map((e, i) => (
        <li key={i} className={`journal-${e.phase}`}>
          <time dateTime={e.at} className="mono">
            {e.at.replace("T", " ").replace("Z", "")}
          </time>
          <span className="journal-step">
            {e.step} {e.phase}
          </span>
          <span>{e.detail}</span>
        </li>
      ))}
    </ol>
  );
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function RotateIcon() {
  return (
    <svg className="notice-icon" viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false">
      <path d="M15.5 8A6 6 0 0 0 4.6 6.2M4.5 12a6 6 0 0 0 10.9 1.8" fill="none" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round" />
      <path d="M4.2 3v3.5h3.5M15.8 17v-3.5h-3.5" fill="none" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

function StopIcon() {
  return (
    <svg className="notice-icon" viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false">
      <circle cx="10" cy="10" r="8.2" fill="none" stroke="currentColor" strokeWidth="1.7" />
      <path d="M10 5.8v5.2M10 13.6v.4" stroke="currentColor" strokeWidth="1.9" strokeLinecap="round" />
    </svg>
  );
}

function ClockIcon() {
  return (
    <svg className="notice-icon" viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false">
      <circle cx="10" cy="10" r="8.2" fill="none" stroke="currentColor" strokeWidth="1.7" />
      <path d="M10 5.5V10l3 2" fill="none" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
