//! Copying secrets: written to the clipboard from Rust (the value never crosses into the webview), marked
//! for clipboard managers to skip, and cleared after a while unless the user copied something else since.

use std::time::Duration;

use keyward_core::{AppError, ErrorCode, Secret};
use tauri::{AppHandle, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;

/// How long a copied token stays on the clipboard.
pub const CLEAR_AFTER: Duration = Duration::from_secs(60);

/// Put `secret` on the clipboard and clear it after [`CLEAR_AFTER`] if it is still there.
pub fn copy_secret<R: Runtime>(app: &AppHandle<R>, secret: Secret) -> Result<(), AppError> {
    app.clipboard().write_secret(secret.expose()).map_err(clipboard_error)?;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(CLEAR_AFTER).await;
        // Reading the clipboard on the main thread can deadlock on Linux: read it on the blocking pool.
        let cleared = tauri::async_runtime::spawn_blocking(move || {
            let now = app.clipboard().read_text().ok();
            if should_clear(now.as_deref(), &secret) {
                app.clipboard().clear().map(|_| true)
            } else {
                Ok(false)
            }
        })
        .await;
        match cleared {
            Ok(Ok(true)) => tracing::info!("cleared the copied token from the clipboard"),
            Ok(Ok(false)) => tracing::debug!("the clipboard changed since the copy: left alone"),
            Ok(Err(e)) => tracing::warn!("could not clear the clipboard: {e}"),
            Err(e) => tracing::warn!("the clipboard clearing task failed: {e}"),
        }
    });
    Ok(())
}

/// Put public text (a JWKS) on the clipboard, to stay.
pub fn copy_text<R: Runtime>(app: &AppHandle<R>, text: String) -> Result<(), AppError> {
    app.clipboard().write_text(text).map_err(clipboard_error)
}

/// Clear only what we put there: the user may have copied something else meanwhile.
fn should_clear(clipboard_now: Option<&str>, copied: &Secret) -> bool {
    clipboard_now == Some(copied.expose())
}

fn clipboard_error(e: tauri_plugin_clipboard_manager::Error) -> AppError {
    AppError { code: ErrorCode::Internal, message: format!("could not use the clipboard: {e}"), remedy: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clears_only_the_token_it_copied() {
        let token = Secret::new("eyJ.token");
        assert!(should_clear(Some("eyJ.token"), &token));
        assert!(!should_clear(Some("something the user copied"), &token), "a newer copy is the user's");
        assert!(!should_clear(None, &token), "an empty or unreadable clipboard has nothing of ours");
    }
}
