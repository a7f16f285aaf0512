//! The Tauri commands the UI calls: each is one call into `keyward-core`, its errors as `{code, message}`.
//! Grouped by what the user is doing: profiles and their forms, logging in, using a credential, keys.
//!
//! The core talks to the keychain synchronously (D-Bus, maybe an unlock prompt), so every call runs on
//! Tauri's blocking pool, never on the async runtime's workers; async core calls are driven to completion
//! there. Every command here must also be listed in `build.rs`, and granted in `tauri.conf.json`.

pub mod keys;
pub mod login;
pub mod profiles;
pub mod use_credential;

use std::future::Future;

use keyward_core::{AppError, ErrorCode};

/// Run a blocking core call on the blocking pool and turn its error into the UI's shape.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> keyward_core::Result<T> + Send + 'static,
) -> Result<T, AppError> {
    match tauri::async_runtime::spawn_blocking(f).await {
        Ok(result) => result.map_err(AppError::from),
        Err(e) => {
            tracing::error!("a core call panicked or was cancelled: {e}");
            Err(AppError {
                code: ErrorCode::Internal,
                message: "Keyward hit an internal error; see its log.".into(),
                remedy: None,
            })
        }
    }
}

/// Run an async core call (network and keychain) to completion on the blocking pool: `f` builds the future
/// there, so it need not be `Send`, and the keychain's synchronous waits never stall an async worker.
pub(crate) async fn core<T, Fut>(f: impl FnOnce() -> Fut + Send + 'static) -> Result<T, AppError>
where
    T: Send + 'static,
    Fut: Future<Output = keyward_core::Result<T>>,
{
    let runtime = tokio::runtime::Handle::current();
    blocking(move || runtime.block_on(f())).await
}
