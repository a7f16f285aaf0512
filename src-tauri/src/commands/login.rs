//! Logging in through the browser: progress streams to the window over a typed channel, and a Cancel button
//! ends the wait. One login per profile at a time; starting another cancels the first.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use keyward_core::oauth::login::{LoginProgress, DEFAULT_TIMEOUT};
use keyward_core::oauth::tokens::TokenMeta;
use keyward_core::{AppError, Keyward};
use tauri::ipc::Channel;
use tauri::State;
use tokio::sync::oneshot;

use super::core;

/// The logins under way: a cancel sender per profile, tagged so that a finished login removes only its own.
#[derive(Default)]
pub struct Logins(Mutex<HashMap<String, (u64, oneshot::Sender<()>)>>);

impl Logins {
    /// Register a login of `name`, cancelling one already waiting; the receiver completes on cancel.
    fn start(&self, name: &str) -> (u64, oneshot::Receiver<()>) {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        if let Some((_, earlier)) = self.lock().insert(name.to_string(), (id, tx)) {
            let _ = earlier.send(());
        }
        (id, rx)
    }

    fn finish(&self, name: &str, id: u64) {
        let mut logins = self.lock();
        if logins.get(name).is_some_and(|(current, _)| *current == id) {
            logins.remove(name);
        }
    }

    /// Cancel the login of `name`; false when none was waiting.
    fn cancel(&self, name: &str) -> bool {
        self.lock().remove(name).is_some_and(|(_, tx)| tx.send(()).is_ok())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (u64, oneshot::Sender<()>)>> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Log in to a PKCE profile: opens the browser, streams each step to `on_progress`, stores the tokens.
#[tauri::command]
pub async fn login(
    name: String,
    on_progress: Channel<LoginProgress>,
    keyward: State<'_, Arc<Keyward>>,
    logins: State<'_, Arc<Logins>>,
) -> Result<TokenMeta, AppError> {
    let (id, cancelled) = logins.start(&name);
    let (kw, who) = (Arc::clone(&keyward), name.clone());
    let progress = move |step: LoginProgress| {
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
    let result = core(move || async move { kw.login(&who, DEFAULT_TIMEOUT, progress, cancel).await }).await;
    logins.finish(&name, id);
    result
}

/// Cancel the login of `name` (the Cancel button); nothing happens when none is waiting.
#[tauri::command]
pub fn cancel_login(name: String, logins: State<'_, Arc<Logins>>) -> bool {
    logins.cancel(&name)
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
}
