//! Rotating a profile's credential, step by step, as the wizard walks through it: where it stands, start it
//! (a pasted client secret crosses once, from the user's typing, straight into the core as a `Secret`), the
//! next step, abort and what abort would do, and a native file picker for a target's path. The state
//! machine, its journal and its evidence are the core's; the window gets them as data, never a value.

use std::sync::Arc;

use keyward_core::rotation::{RotationError, RotationPlan, RotationStatus};
use keyward_core::secret::Secret;
use keyward_core::{AppError, Error, Keyward};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use super::blocking;

type Core<'a> = State<'a, Arc<Keyward>>;

/// Where the rotation of `name` stands and what its next step would do; None when the profile never had
/// one (an unknown profile is still an error).
#[tauri::command]
pub async fn rotation_status(name: String, keyward: Core<'_>) -> Result<Option<RotationStatus>, AppError> {
    let kw = Arc::clone(&keyward);
    blocking(move || match kw.rotation_status(&name) {
        Ok(status) => Ok(Some(status)),
        Err(e) if matches!(e.inner(), Error::Rotation(RotationError::NoRotation { .. })) => Ok(None),
        Err(e) => Err(e),
    })
    .await
}

/// Start a rotation: the new credential is created (nothing deployed yet). `new_secret`: the client secret
/// the user created in the provider's dashboard and pasted (or a provider-issued API key); without it
/// Keyward generates the API key.
#[tauri::command]
pub async fn rotation_start(
    name: String,
    plan: RotationPlan,
    new_secret: Option<String>,
    keyward: Core<'_>,
) -> Result<RotationStatus, AppError> {
    let new_secret = new_secret.filter(|s| !s.is_empty()).map(Secret::new);
    Ok(keyward.rotation_start(&name, plan, new_secret).await?)
}

/// Run the step the status planned (deploy, verify or retire); `force` retires although the traffic check
/// says the old credential is still in use.
#[tauri::command]
pub async fn rotation_next(name: String, force: bool, keyward: Core<'_>) -> Result<RotationStatus, AppError> {
    Ok(keyward.rotation_next(&name, force).await?)
}

/// Undo the rotation: the new credential removed everywhere, the old one in use.
#[tauri::command]
pub async fn rotation_abort(name: String, keyward: Core<'_>) -> Result<RotationStatus, AppError> {
    Ok(keyward.rotation_abort(&name).await?)
}

/// What abort would do, for its confirmation.
#[tauri::command]
pub async fn rotation_abort_plan(name: String, keyward: Core<'_>) -> Result<Vec<String>, AppError> {
    let kw = Arc::clone(&keyward);
    blocking(move || kw.rotation_abort_plan(&name)).await
}

/// Pick the file a target rewrites (a `.env`, a keys file, a JWKS) in a native dialog; its path, or None
/// when the user closes it. Only the path crosses: the file is read and written by the core at its step.
#[tauri::command]
pub async fn rotation_pick_file(jwks: bool, app: AppHandle) -> Result<Option<String>, AppError> {
    blocking(move || {
        let mut picker = app.dialog().file();
        picker = if jwks {
            picker.set_title("The JWKS file the provider reads").add_filter("JWKS (JSON)", &["json"])
        } else {
            picker.set_title("The file that holds the credential")
        };
        Ok(picker.blocking_pick_file().map(|p| p.to_string()))
    })
    .await
}
