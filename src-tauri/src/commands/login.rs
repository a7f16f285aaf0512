//! Logging in through the browser: progress streams to the window over a typed channel, and a Cancel button
//! ends the wait. One login per profile at a time; starting another cancels the first. The address the
//! browser was sent to can be copied (for opening by hand), from Rust like every copy.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use keyward_core::oauth::login::{LoginProgress, DEFAULT_TIMEOUT};
use keyward_core::oauth::tokens::TokenMeta;
use keyward_core::{AppError, ErrorCode, Keyward};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tokio::sync::oneshot;

/// A login under way: its tag (so that a finished login removes only its own), how to cancel it, and the
/// address its browser was sent to.
struct Waiting {
    id: u64,
    cancel: oneshot::Sender<()>,
    url: Option<String>,
}

/// The logins under way, one per profile.
#[derive(Default)]
pub struct Logins(Mutex<HashMap<String, Waiting>>);

impl Logins {
    /// Register a login of `name`, cancelling one already waiting; the receiver completes on cancel.
    fn start(&self, name: &str) -> (u64, oneshot::Receiver<()>) {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        if let Some(earlier) = self.lock().insert(name.to_string(), Waiting { id, cancel: tx, url: None }) {
            let _ = earlier.cancel.send(());
        }
        (id, rx)
    }

    /// Remember the address login `id` of `name` sent the browser to.
    fn opened(&self, name: &str, id: u64, url: &str) {
        if let Some(waiting) = self.lock().get_mut(name).filter(|w| w.id == id) {
            waiting.url = Some(url.to_string());
        }
    }

    /// The address the login of `name` waiting now sent the browser to.
    fn url(&self, name: &str) -> Option<String> {
        self.lock().get(name).and_then(|w| w.url.clone())
    }

    fn finish(&self, name: &str, id: u64) {
        let mut logins = self.lock();
        if logins.get(name).is_some_and(|w| w.id == id) {
            logins.remove(name);
        }
    }

    /// Cancel the login of `name`; false when none was waiting.
    fn cancel(&self, name: &str) -> bool {
        self.lock().remove(name).is_some_and(|w| w.cancel.send(()).is_ok())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Waiting>> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Log in to a PKCE profile: opens the browser, streams each step to `on_progress`, stores the tokens.
#[tauri::command]
pub async fn login(
    name: String,
    on_progress: Channel<LoginProgress>,
    replace_user: Option<bool>,
    keyward: State<'_, Arc<Keyward>>,
    logins: State<'_, Arc<Logins>>,
) -> Result<TokenMeta, AppError> {
    let (id, cancelled) = logins.start(&name);
    let (registry, profile) = (Arc::clone(&logins), name.clone());
    let progress = move |step: LoginProgress| {
        if let LoginProgress::OpeningBrowser { url } = &step {
            registry.opened(&profile, id, url);
        }
        if let Err(e) = on_progress.send(step) {
            tracing::warn!("login progress could not reach the window: {e}");
        }
    };
    // A dropped sender (the login finished) is not a cancel: only a sent () is.
    let cancel = async move {
        if cancelled.await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let result = keyward.login_as(&name, DEFAULT_TIMEOUT, replace_user.unwrap_or(false), progress, cancel).await;
    logins.finish(&name, id);
    Ok(result?)
}

/// Cancel the login of `name` (the Cancel button); nothing happens when none is waiting.
#[tauri::command]
pub fn cancel_login(name: String, logins: State<'_, Arc<Logins>>) -> bool {
    logins.cancel(&name)
}

/// Copy the address the login of `name` waiting now sent the browser to (the "Browser did not open?"
/// part): it is public, long, and stays on the clipboard.
#[tauri::command]
pub async fn copy_login_url(name: String, app: AppHandle, logins: State<'_, Arc<Logins>>) -> Result<(), AppError> {
    let url = logins.url(&name).ok_or_else(|| AppError {
        code: ErrorCode::Waiting,
        message: format!("no login of {name} is waiting for the browser"),
        remedy: None,
    })?;
    crate::clipboard::copy_text(&app, url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancel_reaches_only_the_login_waiting_now() {
        let logins = Logins::default();
        let (first, mut first_rx) = logins.start("demo");
        let (second, mut second_rx) = logins.start("demo");
        assert_eq!(first_rx.try_recv(), Ok(()), "starting a second login cancels the first");
        logins.finish("demo", first);
        assert!(logins.cancel("demo"), "the first finishing must not unregister the second");
        assert_eq!(second_rx.try_recv(), Ok(()));
        logins.finish("demo", second);
        assert!(!logins.cancel("demo"), "nothing left to cancel");
    }

    #[test]
    fn the_address_to_copy_is_the_one_of_the_login_waiting_now() {
        let logins = Logins::default();
        let (first, _first_rx) = logins.start("demo");
        logins.opened("demo", first, "https://idp/auth?first");
        assert_eq!(logins.url("demo").as_deref(), Some("https://idp/auth?first"));
        let (second, _second_rx) = logins.start("demo");
        assert_eq!(logins.url("demo"), None, "a new login has not opened its browser yet");
        logins.opened("demo", first, "https://idp/auth?stale");
        assert_eq!(logins.url("demo"), None, "the cancelled login's address is not the one waiting now");
        logins.opened("demo", second, "https://idp/auth?second");
        assert_eq!(logins.url("demo").as_deref(), Some("https://idp/auth?second"));
        logins.finish("demo", second);
        assert_eq!(logins.url("demo"), None, "nothing to copy once the login ended");
    }
}
