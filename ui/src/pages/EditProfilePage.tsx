// Edit a profile: its strategy's form filled from its settings; secrets left empty keep the stored ones. A
// remedy can open it at one field ("Edit client secret"): that field gets the focus, its section opened.
import { useEffect } from "react";

import { ErrorState } from "../components/ErrorState";
import { ProfileEditor } from "../components/ProfileEditor";
import { formFromProfile } from "../lib/forms";
import { usePlatform } from "../lib/platform-context";
import { href, navigate } from "../lib/routes";
import { useStrategies } from "../lib/strategies";
import { useLoad } from "../lib/use-async";

export function EditProfilePage({ name, field }: { name: string; field?: string | undefined }) {
  const platform = usePlatform();
  const { byId, list } = useStrategies();
  const { state, reload } = useLoad(() => platform.showProfile(name), [platform, name]);
  const strategy = state.status === "ready" ? byId(state.value.strategy) : undefined;
  useEffect(() => {
    if (!field || !strategy) return;
    const input = document.getElementById(`field-${field}`);
    const section = input?.closest("details");
    if (section) section.open = true;
    input?.focus();
  }, [field, strategy]);

  return (
    <>
      <nav className="crumbs" aria-label="Breadcrumb">
        <a href={href({ page: "profiles" })}>Profiles</a>
        <span aria-hidden="true">/</span>
        <a href={href({ page: "profile", name })}>{name}</a>
        <span aria-hidden="true">/</span>
        <span aria-current="page">Edit</span>
      </nav>
      <header className="page-header">
        <div>
          <h1>Edit {name}</h1>
          <p className="subtitle">Secrets left empty keep the ones in your keychain.</p>
        </div>
      </header>
      {(state.status === "loading" || (state.status === "ready" && !list)) && (
        <div className="loading" aria-busy="true" aria-label="Loading the profile" />
      )}
      {state.status === "error" && <ErrorState error={state.error} onRetry={reload} />}
      {state.status === "ready" && strategy && (
        <ProfileEditor
          strategy={strategy}
          initial={formFromProfile(state.value, strategy)}
          before={state.value}
          onSaved={(p) => navigate({ page: "profile", name: p.name })}
          onCancel={() => navigate({ page: "profile", name })}
        />
      )}
    </>
  );
}
