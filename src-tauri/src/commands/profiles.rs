//! Profiles: list, show, add and edit from the form (validated as the user types), remove, the strategies
//! the form is built from, discovery for "Add from issuer", the audit log, which credentials are due for
//! rotation, and the background refresh's news.

use std::sync::Arc;

use keyward_core::audit::AuditEvent;
use keyward_core::form::{DiscoveryView, FieldProblem, ProfileForm};
use keyward_core::oauth::tokens::TokenMeta;
use keyward_core::profile::StrategyInfo;
use keyward_core::rotation::DueCredential;
use keyward_core::schedule::RefreshEvent;
use keyward_core::{AppError, Keyward, ProfileView};
use tauri::ipc::Channel;
use tauri::State;

use super::blocking;

type Core<'a> = State<'a, Arc<Keyward>>;

/// Every profile with its credential status, sorted by name; never a secret.
#[tauri::command]
pub async fn list_profiles(keyward: Core<'_>) -> Result<Vec<ProfileView>, AppError> {
    let kw = Arc::clone(&keyward);
    blocking(move || kw.list()).await
}

#[tauri::command]
pub async fn show_profile(name: String, keyward: Core<'_>) -> Result<ProfileView, AppError> {
    let kw = Arc::clone(&keyward);
    blocking(move || kw.show(&name)).await
}

/// The profile and its keychain entries.
#[tauri::command]
pub async fn remove_profile(name: String, keyward: Core<'_>) -> Result<(), AppError> {
    let kw = Arc::clone(&keyward);
    blocking(move || kw.remove(&name)).await
}

/// Every strategy with its fields and help: what the Add credential form is built from.
#[tauri::command]
pub fn strategies() -> Vec<StrategyInfo> {
    keyward_core::profile::strategies()
}

/// The form's problems, field by field, as the user types; none means it can be saved.
#[tauri::command]
pub async fn check_form(form: ProfileForm, editing: bool, keyward: Core<'_>) -> Result<Vec<FieldProblem>, AppError> {
    let kw = Arc::clone(&keyward);
    blocking(move || Ok(kw.check_form(&form, editing))).await
}

/// Add a profile; its secrets go straight to the keychain.
#[tauri::command]
pub async fn add_profile(form: ProfileForm, keyward: Core<'_>) -> Result<ProfileView, AppError> {
    let kw = Arc::clone(&keyward);
    blocking(move || kw.add_form(&form)).await
}

/// Replace a profile's settings; secrets left empty keep the stored ones.
#[tauri::command]
pub async fn edit_profile(form: ProfileForm, keyward: Core<'_>) -> Result<ProfileView, AppError> {
    let kw = Arc::clone(&keyward);
    blocking(move || kw.edit_form(&form)).await
}

/// Try the form's credential (a token request, for machine strategies) without saving anything.
#[tauri::command]
pub async fn test_profile(form: ProfileForm, editing: bool, keyward: Core<'_>) -> Result<TokenMeta, AppError> {
    Ok(keyward.test_form(&form, editing).await?)
}

/// An issuer's endpoints and scopes from its discovery document ("Add from issuer").
#[tauri::command]
pub async fn discover(issuer: String, keyward: Core<'_>) -> Result<DiscoveryView, AppError> {
    Ok(keyward.discover(&issuer).await?)
}

/// The audit log, oldest first.
#[tauri::command]
pub async fn audit_events(keyward: Core<'_>) -> Result<Vec<AuditEvent>, AppError> {
    let kw = Arc::clone(&keyward);
    blocking(move || kw.audit_events()).await
}

/// Every rotatable credential's age against its profile's rotation period, due ones first ("Rotation due"
/// badges).
#[tauri::command]
pub async fn rotations_due(keyward: Core<'_>) -> Result<Vec<DueCredential>, AppError> {
    let kw = Arc::clone(&keyward);
    blocking(move || kw.rotations_due(None)).await
}

/// Hear the background refresh (refreshing, fresh, failed with its remedy) on `on_event` from now on.
#[tauri::command]
pub fn watch_credentials(on_event: Channel<RefreshEvent>, watchers: State<'_, Arc<crate::refresh::Watchers>>) {
    watchers.add(on_event);
}
