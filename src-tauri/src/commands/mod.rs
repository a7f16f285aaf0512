//! The Tauri commands the UI calls: each is one call into `keyward-core`, its errors as `{code, message}`.
//!
//! The core's calls block (keychain over D-Bus, config file under a lock), so they run on Tauri's blocking
//! pool, never on the async runtime's workers. Every command here must also be listed in `build.rs`.

use std::sync::Arc;

use keyward_core::{AppError, ErrorCode, Keyward, ProfileView};
use tauri::State;

/// Every profile with its signed-in state, sorted by name; never a secret.
#[tauri::command]
pub async fn list_profiles(keyward: State<'_, Arc<Keyward>>) -> Result<Vec<ProfileView>, AppError> {
    let keyward = Arc::clone(&keyward);
    blocking(move || keyward.list()).await
}

/// Run a blocking core call on the blocking pool and turn its error into the UI's shape.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> keyward_core::Result<T> + Send + 'static,
) -> Result<T, AppError> {
    match tauri::async_runtime::spawn_blocking(f).await {
        Ok(result) => result.map_err(AppError::from),
        Err(e) => {
            tracing::error!("a core call panicked or was cancelled: {e}");
            Err(AppError { code: ErrorCode::Internal, message: "Keyward hit an internal error; see its log.".into() })
        }
    }
}
