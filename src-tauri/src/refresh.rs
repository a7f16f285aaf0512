//! The app's background refresh (issue 9): a task started with the window that keeps signed-in profiles
//! fresh by the core's plan (`keyward_core::schedule`: spread over the margin, one refresh per grant, the
//! grant lock shared with the CLI), and tells the windows that watch (`watch_credentials`) what changed.
//!
//! A second task reads the teams' profiles again every `KEYWARD_TEAM_REFRESH` (a minute by default), so that
//! a rotated shared secret or a teammate's change of a shared profile reaches this window without a restart.
//!
//! The events go over typed `tauri::ipc::Channel`s the window hands in, not global events: the window's
//! capability grants no event API (see tauri.conf.json), and a channel carries the generated type.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use keyward_core::schedule::{LiveState, RefreshEvent, Refresher, DEFAULT_MARGIN_SECS, RESCAN_SECS};
use keyward_core::team::TeamEnv;
use keyward_core::Keyward;
use tauri::ipc::Channel;

/// The channels of the windows listening; one that fails to deliver (its page reloaded) is dropped.
#[derive(Default)]
pub struct Watchers(Mutex<Vec<Channel<RefreshEvent>>>);

impl Watchers {
    pub fn add(&self, channel: Channel<RefreshEvent>) {
        self.0.lock().expect("not poisoned").push(channel);
    }

    fn send(&self, event: &RefreshEvent) {
        self.0.lock().expect("not poisoned").retain(|c| c.send(event.clone()).is_ok());
    }
}

/// Start the background refresh on Tauri's runtime; it runs as long as the app.
pub fn start(kw: Arc<Keyward>, watchers: Arc<Watchers>) {
    tauri::async_runtime::spawn(async move {
        let refresher = Refresher::new(DEFAULT_MARGIN_SECS);
        loop {
            let report = |e: RefreshEvent| watchers.send(&e);
            let now = kw.context().clock.now();
            let next = match refresher.pass(&kw, &report).await {
                Ok(next) => next,
                Err(e) => {
                    // A config or keychain that cannot be read now (a locked keychain): look again later.
                    tracing::warn!("background refresh: {}", e.audit_text());
                    now + RESCAN_SECS
                }
            };
            let wait = (next - kw.context().clock.now()).clamp(1, RESCAN_SECS);
            tokio::time::sleep(Duration::from_secs(wait as u64)).await;
        }
    });
}

/// Start reading the teams' profiles again, every `env.refresh()`, on Tauri's runtime: a profile held at a
/// new version is shown as it is now (the list row and its page reload), one the team removed leaves the
/// list at its next load. A team that cannot be read keeps the versions held, and is logged.
pub fn start_teams(kw: Arc<Keyward>, env: Arc<TeamEnv>, watchers: Arc<Watchers>) {
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(env.refresh()).await;
            match keyward_core::team::ops::refresh_held(kw.context(), &env).await {
                Ok(done) => {
                    for problem in done.problems {
                        tracing::warn!("a team's profiles were not read again: {}", problem.audit_text());
                    }
                    for name in done.changed {
                        let profile = kw.show(&name).ok().map(Box::new);
                        watchers.send(&RefreshEvent::CredentialChanged { name, state: LiveState::Fresh, profile });
                    }
                }
                Err(e) => tracing::warn!("the teams' profiles were not read again: {}", e.audit_text()),
            }
        }
    });
}
