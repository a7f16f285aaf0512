//! What every flow runs on: the secret store, the HTTP client, the clock, the config store and the audit
//! sink, passed in rather than reached for. The edges (the CLI, the desktop shell) build one at start-up,
//! reading the environment there; the flows below never read it, and tests build one with a clock or a
//! secret store of their own.

use std::sync::Arc;

use crate::audit::{AuditAction, AuditEvent, AuditLog, Outcome};
use crate::clock::{rfc3339, Clock, SystemClock};
use crate::config::{ConfigStore, Home};
use crate::error::Result;
use crate::keychain::{account, SecretField, SecretStore};
use crate::secret::Secret;

pub struct Context {
    pub config: ConfigStore,
    pub secrets: Arc<dyn SecretStore>,
    pub http: reqwest::Client,
    pub clock: Arc<dyn Clock>,
    pub audit: AuditLog,
    /// `$BROWSER` (a `:`-separated list of commands) as the edge read it; None for the system's opener.
    pub browser: Option<String>,
}

impl Context {
    /// A context on `home` with this secret store and clock, and Keyward's HTTP client.
    pub fn new(home: Home, secrets: Arc<dyn SecretStore>, clock: Arc<dyn Clock>) -> Self {
        Context {
            audit: AuditLog::new(&home),
            config: ConfigStore::new(home),
            secrets,
            http: crate::http::client(),
            clock,
            browser: None,
        }
    }

    /// As a user runs Keyward: `KEYWARD_HOME` (or the config dir) and the OS keychain, or, only when
    /// `KEYWARD_SECRETS_FROM_ENV=1` opts in, secrets from environment variables (headless use); `$BROWSER`;
    /// `KEYWARD_KEYCHAIN_TIMEOUT`; `KEYWARD_HTTP_TIMEOUT` (seconds). For the edges' start-up only: nothing below reads the environment for
    /// its settings.
    pub fn from_env() -> Self {
        let secrets: Arc<dyn SecretStore> = match std::env::var(crate::keychain::env::OPT_IN).as_deref() {
            Ok("1") | Ok("true") => Arc::new(crate::keychain::env::EnvSecrets::new()),
            _ => Arc::new(crate::keychain::OsKeychain::new()),
        };
        let mut cx = Self::new(Home::from_env(), secrets, Arc::new(SystemClock));
        cx.browser = std::env::var("BROWSER").ok().filter(|b| !b.trim().is_empty());
        if let Some(secs) =
            std::env::var("KEYWARD_HTTP_TIMEOUT").ok().and_then(|s| s.parse::<u64>().ok()).filter(|s| *s > 0)
        {
            cx.http = crate::http::client_with_timeout(std::time::Duration::from_secs(secs));
        }
        cx
    }

    pub fn home(&self) -> &Home {
        self.config.home()
    }

    /// One secret of one profile, from the store.
    pub fn secret(&self, store_id: &str, name: &str, field: SecretField) -> Result<Option<Secret>> {
        Ok(off_runtime(|| self.secrets.get(&account(store_id, name, field)))?)
    }

    pub fn set_secret(&self, store_id: &str, name: &str, field: SecretField, value: &Secret) -> Result<()> {
        Ok(off_runtime(|| self.secrets.set(&account(store_id, name, field), value))?)
    }

    pub fn delete_secret(&self, store_id: &str, name: &str, field: SecretField) -> Result<()> {
        Ok(off_runtime(|| self.secrets.delete(&account(store_id, name, field)))?)
    }

    /// Append to the audit log. A failure to write it is logged, not fatal: the user's operation already
    /// happened and must not be reported as failed.
    pub fn record(&self, action: AuditAction, profile: &str, outcome: Outcome, detail: Option<String>) {
        let event = AuditEvent { at: rfc3339(self.clock.now()), action, profile: profile.to_string(), outcome, detail };
        if let Err(e) = self.audit.record(&event) {
            tracing::error!("could not write the audit log: {e}");
        }
    }
}

/// Run a call that may block (the keychain talks D-Bus and may wait for its unlock prompt) without
/// stalling the async runtime: on a multi-threaded runtime the worker hands its other tasks on first
/// (`block_in_place`); elsewhere (a plain thread, a single-threaded test runtime) it simply runs. So the
/// core's async flows can be awaited straight from the shell's async commands.
pub fn off_runtime<T>(call: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => tokio::task::block_in_place(call),
        _ => call(),
    }
}
