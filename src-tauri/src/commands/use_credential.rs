//! Using a profile's credential: get a token (its metadata only reaches the window), copy it (in Rust, to
//! the clipboard), try a request (in Rust: the window gets status, headers and body), show the token
//! request (secrets masked), exchange a SAML assertion, log out, and reveal a secret on request.

use std::sync::Arc;

use keyward_core::api::{ApiRequest, ApiResponse};
use keyward_core::logout::LogoutOutcome;
use keyward_core::machine::request::DryRun;
use keyward_core::oauth::tokens::TokenMeta;
use keyward_core::{AppError, Keyward};
use serde::Serialize;
use tauri::{AppHandle, State};
use ts_rs::TS;

use super::blocking;

type Core<'a> = State<'a, Arc<Keyward>>;

/// What Try a request shows: the response as text, and what to do when it is an error the core recognises
/// (401 → get a new credential, 403 `INSUFFICIENT_SCOPE` → which scope to add).
#[derive(Debug, Serialize, TS)]
#[ts(export)]
pub struct CallResult {
    pub response: ApiResponse,
    pub problem: Option<AppError>,
}

/// A valid access token (cached, refreshed or new; `fresh` skips the cache). The window gets its
/// metadata, never the token.
#[tauri::command]
pub async fn get_token(name: String, fresh: bool, keyward: Core<'_>) -> Result<TokenMeta, AppError> {
    Ok(keyward.token(&name, fresh).await?.meta)
}

/// Copy a valid access token to the clipboard from Rust; cleared after 60 s unless the clipboard changed.
#[tauri::command]
pub async fn copy_access_token(name: String, app: AppHandle, keyward: Core<'_>) -> Result<TokenMeta, AppError> {
    let token = keyward.token(&name, false).await?;
    crate::clipboard::copy_secret(&app, token.access_token)?;
    Ok(token.meta)
}

/// Send a request with the profile's credential.
#[tauri::command]
pub async fn call_api(name: String, request: ApiRequest, keyward: Core<'_>) -> Result<CallResult, AppError> {
    let response = keyward.call(&name, &request).await?;
    let problem = response.problem(&name).map(|p| keyward_core::Error::from(p).into());
    Ok(CallResult { response, problem })
}

/// The token request the profile would send now, secrets masked.
#[tauri::command]
pub async fn dry_run(name: String, keyward: Core<'_>) -> Result<DryRun, AppError> {
    Ok(keyward.dry_run(&name).await?)
}

/// Exchange a SAML assertion (XML or base64, a SAMLResponse is fine) for an access token.
#[tauri::command]
pub async fn exchange_assertion(name: String, assertion: String, keyward: Core<'_>) -> Result<TokenMeta, AppError> {
    Ok(keyward.exchange_assertion(&name, &assertion).await?.meta)
}

/// The settings to hand the IdP admin for a saml-bearer profile, as (label, value) rows.
#[tauri::command]
pub async fn saml_sp_settings(name: String, keyward: Core<'_>) -> Result<Vec<(String, String)>, AppError> {
    let kw = Arc::clone(&keyward);
    let profile = blocking(move || kw.profile(&name)).await?;
    let rows = keyward_core::machine::saml::sp_settings(&profile);
    Ok(rows.into_iter().map(|(label, value)| (label.to_string(), value)).collect())
}

/// Revoke where the provider can, and forget the tokens.
#[tauri::command]
pub async fn logout(name: String, keyward: Core<'_>) -> Result<LogoutOutcome, AppError> {
    Ok(keyward.logout(&name).await?)
}

/// A stored secret, because the user pressed Reveal: the one door, recorded in the audit log.
#[tauri::command]
pub async fn reveal_secret(name: String, field: String, keyward: Core<'_>) -> Result<String, AppError> {
    let kw = Arc::clone(&keyward);
    blocking(move || kw.reveal(&name, &field).map(|s| s.expose().to_string())).await
}
