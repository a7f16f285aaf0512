//! The Inspector: a token the user pasted or dropped (their own input, held as a `Secret` and never logged),
//! or a profile's current access token, which is read and checked in Rust and never reaches the window.
//! Both answer the core's `Inspection`: the verdict, the checks, and the decoded fields for display.

use std::sync::Arc;

use keyward_core::inspect::{InspectOptions, Inspection};
use keyward_core::{AppError, Keyward, Secret};
use tauri::State;

type Core<'a> = State<'a, Arc<Keyward>>;

/// Inspect a pasted token (a JWT, or a SAML assertion or SAMLResponse) against `options`; input that is
/// no token is a `badInput` error.
#[tauri::command]
pub async fn inspect_token(token: String, options: InspectOptions, keyward: Core<'_>) -> Result<Inspection, AppError> {
    let token = Secret::new(token);
    Ok(keyward.inspect(&token, &options).await?)
}

/// Inspect the profile's current access token (cached, or refreshed), against its issuer and audience
/// unless `options` name others.
#[tauri::command]
pub async fn inspect_profile(name: String, options: InspectOptions, keyward: Core<'_>) -> Result<Inspection, AppError> {
    Ok(keyward.inspect_profile(&name, &options).await?)
}
