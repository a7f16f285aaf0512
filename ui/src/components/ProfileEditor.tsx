// The profile form for one strategy: only that strategy's fields (the core's catalogue), the important ones
// first and the rest under "More settings", the core's problems shown under each field as the user types,
// "Discover" to fill a PKCE profile from its issuer, and Save. Secrets go straight to the keychain.
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";

import type { AppError } from "../bindings/AppError";
import type { DiscoveryView } from "../bindings/DiscoveryView";
import type { FieldInfo } from "../bindings/FieldInfo";
import type { ProfileView } from "../bindings/ProfileView";
import type { StrategyInfo } from "../bindings/StrategyInfo";
import { isPrimary, parseParams, problemsByField, toggleScope, toProfileForm, type FormState } from "../lib/forms";
import { usePlatform } from "../lib/platform-context";
import { kindOf } from "../lib/profiles";
import { useFormCheck } from "../lib/use-form-check";
import { toAppError } from "../platform/platform";
import { FieldInput } from "./FieldInput";
import { ErrorNotice, SuccessNotice } from "./Notice";
import { StrategyIcon } from "./StrategyIcon";

const NAME_FIELD: FieldInfo = {
  name: "name",
  type: "text",
  required: true,
  help: "A short name for this credential; scripts and the command line use the same name.",
  choices: [],
};

export function ProfileEditor({
  strategy,
  initial,
  before,
  onSaved,
  onCancel,
  onChangeStrategy,
  focusFirst = false,
}: {
  strategy: StrategyInfo;
  initial: FormState;
  /** The profile being edited; absent when adding. */
  before?: ProfileView;
  onSaved: (saved: ProfileView) => void;
  onCancel: () => void;
  onChangeStrategy?: () => void;
  /** Focus the first field when the form appears (it replaced the strategy card that had the focus). */
  focusFirst?: boolean;
}) {
  const platform = usePlatform();
  const editing = before !== undefined;
  const [form, setForm] = useState(initial);
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<AppError | null>(null);
  // Machine credentials get a token on their own: try one before saving, so a wrong secret shows now.
  const testable = kindOf({ strategy: strategy.id }) === "machine" || kindOf({ strategy: strategy.id }) === "password";
  const [testFirst, setTestFirst] = useState(true);
  const [testFailed, setTestFailed] = useState(false);
  const [discovery, setDiscovery] = useState<{ busy: boolean; found?: DiscoveryView; error?: AppError }>({ busy: false });
  const formRef = useRef<HTMLFormElement>(null);
  const firstField = () => formRef.current?.querySelector<HTMLElement>("input, select, textarea");

  // Once, when the form appears.
  useEffect(() => {
    if (focusFirst) firstField()?.focus();
  }, []);

  const profileForm = useMemo(() => toProfileForm(form, before), [form, before]);
  const paramsProblem = parseParams(form.params).problem;
  const problems = useFormCheck(
    profileForm,
    editing,
    paramsProblem ? [{ field: "authorizeParams", message: paramsProblem }] : [],
  );
  const byField = problemsByField(problems ?? []);
  const shown = (field: string) => (submitted || touched.has(field) ? byField.get(field) : undefined);

  const primary = strategy.fields.filter((f) => isPrimary(f, strategy));
  const more = strategy.fields.filter((f) => !isPrimary(f, strategy));
  const moreOpen = more.some((f) => valueOf(f) !== "" || shown(f.name) !== undefined);

  function valueOf(f: FieldInfo): string {
    if (f.type === "secret") return form.secrets[f.name] ?? "";
    if (f.type === "map") return form.params;
    return form.fields[f.name] ?? "";
  }

  function set(f: FieldInfo, value: string) {
    setTouched((t) => (t.has(f.name) ? t : new Set(t).add(f.name)));
    setForm((s) => {
      if (f.name === "name") return { ...s, name: value };
      if (f.type === "secret") return { ...s, secrets: { ...s.secrets, [f.name]: value } };
      if (f.type === "map") return { ...s, params: value };
      return { ...s, fields: { ...s.fields, [f.name]: value } };
    });
  }

  async function discover() {
    const issuer = (form.fields.issuer ?? "").trim();
    if (!issuer) return;
    setDiscovery({ busy: true });
    try {
      const found = await platform.discover(issuer);
      setDiscovery({ busy: false, found });
      setForm((s) => {
        const fields: Record<string, string> = { ...s.fields, issuer: found.issuer };
        const has = (name: string) => strategy.fields.some((f) => f.name === name);
        if (found.authorizationEndpoint && has("authorizeUrl")) fields.authorizeUrl = found.authorizationEndpoint;
        if (found.tokenEndpoint && has("url")) fields.url = found.tokenEndpoint;
        if (found.revocationEndpoint && has("revocationUrl")) fields.revocationUrl = found.revocationEndpoint;
        if (!fields.scopes?.trim()) {
          fields.scopes = ["openid", "offline_access"].filter((s) => found.scopesSupported.includes(s)).join(" ");
        }
        return { ...s, fields };
      });
    } catch (reason) {
      setDiscovery({ busy: false, error: toAppError(reason) });
    }
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    // The as-you-type check runs a moment after the last keystroke, so right after typing it may still
    // describe an earlier state of the form (a half-typed URL): check what is being submitted now, or a
    // valid form is refused with no error to see once the late check catches up.
    let now = problems;
    if (paramsProblem) now = [{ field: "authorizeParams", message: paramsProblem }];
    else {
      try {
        now = await platform.checkForm(profileForm, editing);
      } catch {
        // A check that fails (keychain, config) does not block saving; saving reports the error.
        now = [];
      }
    }
    if (now && now.length > 0) {
      const first = formRef.current?.querySelector<HTMLElement>("[aria-invalid=true]");
      (first ?? firstField())?.focus();
      return;
    }
    await save(testable && testFirst);
  }

  /** Save, after trying the credential when `test`; a failed trial saves nothing and says why. */
  async function save(test: boolean) {
    setSaving(true);
    setSaveError(null);
    setTestFailed(false);
    if (test) {
      try {
        await platform.testProfile(profileForm, editing);
      } catch (reason) {
        setSaveError(toAppError(reason));
        setTestFailed(true);
        setSaving(false);
        return;
      }
    }
    try {
      onSaved(editing ? await platform.editProfile(profileForm) : await platform.addProfile(profileForm));
    } catch (reason) {
      setSaveError(toAppError(reason));
      setSaving(false);
    }
  }

  /** A remedy naming a field of this form: put the focus on it. */
  function focusField(field: string) {
    const input = document.getElementById(`field-${field}`);
    const section = input?.closest("details");
    if (section) section.open = true;
    input?.focus();
  }

  const renderField = (f: FieldInfo) => (
    <div key={f.name}>
      <FieldInput
        field={f}
        strategy={strategy.id}
        value={valueOf(f)}
        onChange={(v) => set(f, v)}
        onBlur={() => setTouched((t) => (t.has(f.name) ? t : new Set(t).add(f.name)))}
        problem={shown(f.name)}
        storedSecret={editing && f.type === "secret" && hasStored(before, f.name)}
        action={
          f.name === "issuer" && strategy.signIn ? (
            <button
              type="button"
              className="button"
              onClick={discover}
              disabled={discovery.busy || !(form.fields.issuer ?? "").trim()}
            >
              {discovery.busy ? "Discovering…" : "Discover"}
            </button>
          ) : undefined
        }
      />
      {f.name === "issuer" && discovery.error && <ErrorNotice error={discovery.error} />}
      {f.name === "issuer" && discovery.found && (
        <SuccessNotice>
          <p>
            Found <span className="mono">{discovery.found.issuer}</span>: its endpoints are filled in under More settings.
          </p>
        </SuccessNotice>
      )}
      {f.type === "scopes" && discovery.found && discovery.found.scopesSupported.length > 0 && (
        <div className="scope-picker" role="group" aria-label="Scopes the provider supports">
          {discovery.found.scopesSupported.map((s) => {
            const on = (form.fields.scopes ?? "").split(/\s+/).includes(s);
            return (
              <button
                key={s}
                type="button"
                className={`scope-toggle${on ? " scope-on" : ""}`}
                aria-pressed={on}
                onClick={() => set(f, toggleScope(form.fields.scopes ?? "", s))}
              >
                {s}
              </button>
            );
          })}
        </div>
      )}
    </div>
  );

  const problemCount = submitted && problems ? problems.length : 0;
  return (
    <form ref={formRef} className="editor" onSubmit={onSubmit} noValidate aria-label={editing ? "Edit credential" : "New credential"}>
      <div className="editor-strategy">
        <StrategyIcon strategy={strategy.id} size={22} />
        <div>
          <p className="editor-strategy-title">{strategy.title}</p>
          <p className="editor-strategy-help">{strategy.help}</p>
        </div>
        {onChangeStrategy && (
          <button type="button" className="button button-ghost" onClick={onChangeStrategy}>
            Change
          </button>
        )}
      </div>

      <div className="card editor-fields">
        {editing ? (
          <div className="field">
            <span className="field-label">Name</span>
            <p className="mono field-static">{form.name}</p>
          </div>
        ) : (
          <FieldInput
            field={NAME_FIELD}
            strategy={strategy.id}
            value={form.name}
            onChange={(v) => set(NAME_FIELD, v)}
            onBlur={() => setTouched((t) => new Set(t).add("name"))}
            problem={shown("name")}
          />
        )}
        {primary.map(renderField)}
      </div>

      {more.length > 0 && (
        <details className="card editor-more" open={moreOpen || undefined}>
          <summary>
            More settings <span className="muted">({more.length})</span>
          </summary>
          <div className="editor-fields">{more.map(renderField)}</div>
        </details>
      )}

      {saveError && (
        <ErrorNotice error={saveError} fixes={{ onEditField: focusField }}>
          {testFailed && (
            <button type="button" className="button button-small button-ghost" onClick={() => void save(false)}>
              Save without the test
            </button>
          )}
        </ErrorNotice>
      )}
      {problemCount > 0 && (
        <p className="editor-problems" role="alert">
          {problemCount === 1 ? "One field needs a fix" : `${problemCount} fields need a fix`} before saving.
        </p>
      )}

      <div className="editor-actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        {testable && (
          <label className="checkbox editor-test">
            <input type="checkbox" checked={testFirst} onChange={(e) => setTestFirst(e.target.checked)} />
            <span>Get a token first, to test it</span>
          </label>
        )}
        <button type="submit" className="button button-primary" disabled={saving}>
          {saving ? (testable && testFirst ? "Testing…" : "Saving…") : editing ? "Save changes" : "Add credential"}
        </button>
      </div>
    </form>
  );
}

function hasStored(p: ProfileView | undefined, field: string): boolean {
  if (!p) return false;
  if (field === "clientSecret") return p.hasClientSecret;
  if (field === "apiKey") return p.hasApiKey;
  if (field === "password") return p.hasPassword;
  return false;
}
