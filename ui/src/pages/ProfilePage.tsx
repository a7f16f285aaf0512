// One profile: its credential and what to do with it (log in, get, copy, log out), Try a request, the token
// request it would send, SAML settings for the IdP admin, the secrets it keeps (reveal on request), its
// settings, Export… (this profile ticked), Rotate… (API keys, client secrets, key pairs: the rotation wizard,
// and a banner while one is under way), Edit and Remove (with Log out and remove, so removing does not leave
// live tokens at the provider).
import { useState } from "react";

import type { AppError } from "../bindings/AppError";
import type { LogoutOutcome } from "../bindings/LogoutOutcome";
import type { ProfileView } from "../bindings/ProfileView";
import type { SavedExport } from "../bindings/SavedExport";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { CredentialPanel } from "../components/CredentialPanel";
import { DryRunCard } from "../components/DryRunCard";
import { ExportDialog, ExportSavedNotice } from "../components/ExportDialog";
import { ErrorState } from "../components/ErrorState";
import { RefreshFailedNotice, RotationDueNotice } from "../components/LiveNotices";
import { ErrorNotice, SuccessNotice, type Fixes } from "../components/Notice";
import { RotationBanner, RotationWizard, rotationKindOf } from "../components/RotationWizard";
import { SpSettings } from "../components/SamlCard";
import { SecretsCard } from "../components/SecretsCard";
import { SettingsList } from "../components/SettingsList";
import { StrategyIcon } from "../components/StrategyIcon";
import { TryRequest } from "../components/TryRequest";
import { flash } from "../lib/flash";
import { formFromProfile, toProfileForm } from "../lib/forms";
import { usePlatform } from "../lib/platform-context";
import { kindOf } from "../lib/profiles";
import { href, navigate } from "../lib/routes";
import { useStrategies } from "../lib/strategies";
import { useLoad } from "../lib/use-async";
import { useRefreshEvents } from "../lib/use-refresh-events";
import { toAppError } from "../platform/platform";

export function ProfilePage({ name }: { name: string }) {
  const platform = usePlatform();
  const { state, reload } = useLoad(() => platform.showProfile(name), [platform, name]);

  return (
    <>
      <nav className="crumbs" aria-label="Breadcrumb">
        <a href={href({ page: "profiles" })}>Profiles</a>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{name}</span>
      </nav>
      {state.status === "loading" && <div className="loading" aria-busy="true" aria-label="Loading the profile" />}
      {state.status === "error" && <ErrorState error={state.error} onRetry={reload} />}
      {state.status === "ready" && <ProfileDetail profile={state.value} onChanged={reload} />}
    </>
  );
}

function ProfileDetail({ profile, onChanged }: { profile: ProfileView; onChanged: () => void }) {
  const platform = usePlatform();
  const { byId } = useStrategies();
  const strategy = byId(profile.strategy);
  const kind = kindOf(profile);
  const [confirming, setConfirming] = useState(false);
  /** What Remove is doing now (logging out first, or removing), and which of its buttons started it. */
  const [removing, setRemoving] = useState<{ step: "loggingOut" | "removing"; logOutFirst: boolean } | null>(null);
  const [actionError, setActionError] = useState<AppError | null>(null);
  const [loginRequest, setLoginRequest] = useState(0);
  const [allowed, setAllowed] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const [saved, setSaved] = useState<SavedExport | null>(null);
  const [rotating, setRotating] = useState(false);
  // The background refresh: a new token reloads the page; a failure shows its remedy until the next news.
  const [refreshFailed, setRefreshFailed] = useState<AppError | null>(null);
  useRefreshEvents((event) => {
    if (event.name !== profile.name) return;
    if (event.kind === "refreshFailed") setRefreshFailed(event.error);
    else if (event.state === "fresh") {
      setRefreshFailed(null);
      onChanged();
    }
  });
  const due = useLoad(() => platform.rotationsDue(), [platform, profile]);
  const dueNow = due.state.status === "ready" ? due.state.value.find((d) => d.profile === profile.name && d.due) : undefined;

  /** "Add SCOPE and log in": the scope joins the profile's scopes, then a new sign-in asks for it. */
  async function addScope(scope: string) {
    if (!strategy) return;
    setActionError(null);
    const form = formFromProfile(profile, strategy);
    const scopes = (form.fields.scopes ?? "").split(/\s+/).filter(Boolean);
    if (!scopes.includes(scope)) form.fields.scopes = [...scopes, scope].join(" ");
    try {
      await platform.editProfile(toProfileForm(form, profile));
      onChanged();
      setLoginRequest((n) => n + 1);
    } catch (reason) {
      setActionError(toAppError(reason));
    }
  }
  /** "Allow HOST": the host joins the profile's apiHosts, so the credential may be sent there. */
  async function allowHost(host: string) {
    if (!strategy) return;
    setActionError(null);
    const form = formFromProfile(profile, strategy);
    const hosts = (form.fields.apiHosts ?? "").split(/\s+/).filter(Boolean);
    if (!hosts.includes(host)) form.fields.apiHosts = [...hosts, host].join(" ");
    try {
      await platform.editProfile(toProfileForm(form, profile));
      setAllowed(host);
      onChanged();
    } catch (reason) {
      setActionError(toAppError(reason));
    }
  }
  const fixes: Fixes = {
    onAllowHost: (host) => void allowHost(host),
    onEditField: (field) => navigate({ page: "edit", name: profile.name, field }),
    onAddScope: (scope) => void addScope(scope),
  };

  // Log out and remove: tokens left at the provider stay valid until they expire, so removing can revoke
  // them first. A failed logout keeps the profile (and says so in the dialog); Remove is still offered.
  const hasTokens = kind !== "apiKey" && (profile.hasAccessToken || profile.hasRefreshToken);
  const [logoutError, setLogoutError] = useState<AppError | null>(null);
  function closeRemove() {
    setConfirming(false);
    setLogoutError(null);
  }
  async function remove(logOutFirst: boolean) {
    setLogoutError(null);
    let loggedOut: LogoutOutcome | null = null;
    if (logOutFirst) {
      setRemoving({ step: "loggingOut", logOutFirst });
      try {
        loggedOut = await platform.logout(profile.name);
      } catch (reason) {
        setLogoutError(toAppError(reason));
        setRemoving(null);
        return;
      }
    }
    setRemoving({ step: "removing", logOutFirst });
    try {
      await platform.removeProfile(profile.name);
      flash(`Removed ${profile.name}.${loggedOut ? REMOVED_AFTER[loggedOut] : ""}`);
      navigate({ page: "profiles" });
    } catch (reason) {
      setActionError(toAppError(reason));
      closeRemove();
      setRemoving(null);
      if (loggedOut) onChanged();
    }
  }

  return (
    <>
      <header className="page-header detail-header">
        <div className="detail-title">
          <StrategyIcon strategy={profile.strategy} size={24} />
          <div>
            <h1>{profile.name}</h1>
            <p className="subtitle">
              {strategy?.title ?? profile.strategy}
              {profile.team && <> · shared through team {profile.team} (its OpenBao holds the settings and the shared secret)</>}
            </p>
          </div>
        </div>
        <div className="page-actions">
          {rotationKindOf(profile.strategy) && !rotating && (
            <button type="button" className="button" onClick={() => setRotating(true)}>
              Rotate…
            </button>
          )}
          {hasTokens && (
            <a className="button" href={href({ page: "inspect", profile: profile.name })}>
              Inspect token
            </a>
          )}
          <button type="button" className="button" onClick={() => setExporting(true)}>
            Export…
          </button>
          <a className="button" href={href({ page: "edit", name: profile.name })}>
            Edit
          </a>
          <button type="button" className="button button-danger-ghost" onClick={() => setConfirming(true)}>
            Remove
          </button>
        </div>
      </header>
      {actionError && <ErrorNotice error={actionError} />}
      {refreshFailed && <RefreshFailedNotice error={refreshFailed} fixes={{ ...fixes, onLogin: () => setLoginRequest((n) => n + 1) }} />}
      {dueNow && !rotating && <RotationDueNotice due={dueNow} onRotate={() => setRotating(true)} />}
      {saved && <ExportSavedNotice saved={saved} onDismiss={() => setSaved(null)} />}
      {exporting && (
        <ExportDialog
          preselected={[profile.name]}
          onClose={() => setExporting(false)}
          onSaved={(s) => {
            setExporting(false);
            setSaved(s);
          }}
          onLogIn={(name) => (name === profile.name ? setLoginRequest((n) => n + 1) : navigate({ page: "profile", name }))}
        />
      )}

      <div className="stack">
        {rotationKindOf(profile.strategy) &&
          (rotating ? (
            <RotationWizard profile={profile} onClose={() => setRotating(false)} onChanged={onChanged} />
          ) : (
            <RotationBanner name={profile.name} onContinue={() => setRotating(true)} />
          ))}
        <CredentialPanel profile={profile} onChanged={onChanged} fixes={fixes} loginRequest={loginRequest} />

        <section className="card" aria-labelledby="try-title">
          <div className="card-head">
            <h2 id="try-title">Try a request</h2>
            <span className="muted">Sent from Keyward with this credential</span>
          </div>
          {allowed && (
            <SuccessNotice>
              {allowed} may now receive this profile&apos;s credential. Send the request again.
            </SuccessNotice>
          )}
          <TryRequest name={profile.name} baseUrl={profile.apiBaseUrl} fixes={fixes} />
        </section>

        {(kind === "machine" || kind === "password") && (
          <section className="card" aria-labelledby="dry-title">
            <div className="card-head">
              <h2 id="dry-title">Token request</h2>
            </div>
            <DryRunCard name={profile.name} />
          </section>
        )}

        {kind === "saml" && (
          <section className="card" aria-labelledby="sp-title">
            <div className="card-head">
              <h2 id="sp-title">For your IdP admin</h2>
              <span className="muted">The service provider settings to register</span>
            </div>
            <SpSettings name={profile.name} />
          </section>
        )}

        <div className="detail-columns">
          <section className="card" aria-labelledby="secrets-title">
            <div className="card-head">
              <h2 id="secrets-title">Secrets</h2>
              <span className="muted">In your OS keychain</span>
            </div>
            <SecretsCard profile={profile} />
          </section>

          <section className="card" aria-labelledby="settings-title">
            <div className="card-head">
              <h2 id="settings-title">Settings</h2>
              <a className="link" href={href({ page: "edit", name: profile.name })}>
                Edit
              </a>
            </div>
            <SettingsList profile={profile} strategy={strategy} />
          </section>
        </div>
      </div>

      {confirming && (
        <ConfirmDialog
          title={`Remove ${profile.name}?`}
          confirmLabel={
            removing?.logOutFirst === hasTokens
              ? removing.step === "loggingOut"
                ? "Logging out…"
                : "Removing…"
              : hasTokens
                ? "Log out and remove"
                : "Remove"
          }
          alternative={
            hasTokens
              ? { label: removing && !removing.logOutFirst ? "Removing…" : "Remove", onSelect: () => void remove(false) }
              : undefined
          }
          danger
          busy={removing !== null}
          onConfirm={() => void remove(hasTokens)}
          onCancel={closeRemove}
        >
          <div className="stack">
            <p>
              Its settings and every secret it keeps in your keychain (tokens, client secret, API key, password) are
              deleted. This cannot be undone.
            </p>
            {hasTokens && (
              <p>
                <strong>Log out and remove</strong> revokes its tokens at the provider first (where the provider can).{" "}
                <strong>Remove</strong> only deletes them here: they stay valid at the provider until they expire.
              </p>
            )}
            {logoutError && (
              <>
                <p>Logging out failed, so {profile.name} was kept. Remove deletes it without revoking; Cancel keeps it.</p>
                <ErrorNotice error={logoutError} />
              </>
            )}
          </div>
        </ConfirmDialog>
      )}
    </>
  );
}

/** What the list says after Log out and remove, after "Removed NAME.". */
const REMOVED_AFTER: Record<LogoutOutcome, string> = {
  revoked: " The provider revoked its refresh token first.",
  sessionEnded: " The server ended its session first.",
  forgottenOnly: " Its provider cannot revoke tokens: they stay valid there until they expire.",
  wasNotLoggedIn: "",
};
