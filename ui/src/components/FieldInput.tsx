// One field of the profile form, drawn from the core's description of it: a label, the input its type calls
// for (secrets are password inputs), the core's help text, and the core's problem with what was typed.
import type { ReactNode } from "react";

import type { FieldInfo } from "../bindings/FieldInfo";
import type { Strategy } from "../bindings/Strategy";
import { fieldLabel } from "../lib/forms";

const PLACEHOLDERS: Partial<Record<FieldInfo["type"], string>> = {
  url: "https://…",
  scopes: "openid offline_access read:users",
  placement: "bearer · header:X-API-Key · query:api_key",
  port: "any free port",
  hosts: "api.example.com .example.net",
  number: "seconds",
  map: "prompt=consent\nlogin_hint=alice@example.com",
};

export function FieldInput({
  field,
  strategy,
  value,
  onChange,
  onBlur,
  problem,
  storedSecret = false,
  action,
}: {
  field: FieldInfo;
  strategy: Strategy;
  value: string;
  onChange: (value: string) => void;
  onBlur?: () => void;
  /** The problem to show now (already filtered to touched fields). */
  problem?: string | undefined;
  /** Editing, and this secret is in the keychain: empty keeps it. */
  storedSecret?: boolean;
  /** A button beside the input ("Discover"). */
  action?: ReactNode;
}) {
  const id = `field-${field.name}`;
  const describedBy = [problem ? `${id}-error` : null, `${id}-help`].filter(Boolean).join(" ");
  const common = {
    id,
    name: field.name,
    "aria-describedby": describedBy,
    "aria-invalid": problem ? true : undefined,
    "aria-required": field.required || undefined,
    onBlur,
  } as const;

  let input: ReactNode;
  switch (field.type) {
    case "bool":
      input = (
        <label className="checkbox">
          <input {...common} type="checkbox" checked={value === "true"} onChange={(e) => onChange(e.target.checked ? "true" : "")} />
          <span>{fieldLabel(field, strategy)}</span>
        </label>
      );
      break;
    case "choice":
      input = (
        <select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">Default</option>
          {field.choices.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      );
      break;
    case "map":
      input = (
        <textarea
          {...common}
          rows={3}
          value={value}
          spellCheck={false}
          placeholder={PLACEHOLDERS.map}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    case "secret":
      input = (
        <input
          {...common}
          type="password"
          autoComplete="new-password"
          value={value}
          placeholder={storedSecret ? "Stored in your keychain · leave empty to keep it" : ""}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    default:
      input = (
        <input
          {...common}
          type="text"
          inputMode={field.type === "url" ? "url" : field.type === "port" || field.type === "number" ? "numeric" : undefined}
          value={value}
          spellCheck={false}
          autoComplete="off"
          placeholder={PLACEHOLDERS[field.type] ?? ""}
          onChange={(e) => onChange(e.target.value)}
        />
      );
  }

  return (
    <div className={`field${problem ? " field-invalid" : ""}`}>
      {field.type !== "bool" && (
        <label className="field-label" htmlFor={id}>
          {fieldLabel(field, strategy)}
          {field.required && <span className="required"> required</span>}
          {field.type === "secret" && (
            <span className="field-tag" title="Kept in the OS keychain, never in a file">
              keychain
            </span>
          )}
        </label>
      )}
      <div className={action ? "field-row" : undefined}>
        {input}
        {action}
      </div>
      {problem && (
        <p className="field-error" id={`${id}-error`}>
          {problem}
        </p>
      )}
      <p className="field-help" id={`${id}-help`}>
        {field.help}
      </p>
    </div>
  );
}
