//! The audit log: an append-only JSON-lines file of what happened to which profile and when, never a
//! secret. Logins, logouts, failed refreshes (and, as features land, key creations, rotations, reveals,
//! exports).

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::config::{ConfigError, Home};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum AuditAction {
    ProfileAdded,
    ProfileChanged,
    ProfileRemoved,
    Login,
    Logout,
    /// A refresh that failed, as versions before `token-issued` / `token-refreshed` wrote it.
    Refresh,
    /// A new access token was obtained without a person (client credentials, a signed assertion, a
    /// password login), or obtaining one failed for another reason than a refusal.
    TokenIssued,
    /// An access token was refreshed with the refresh token.
    TokenRefreshed,
    /// The server refused to issue or refresh a token (its error code is in the detail).
    TokenRefused,
    KeyCreated,
    /// A secret was shown or exported on request.
    Reveal,
    /// A step of a credential's rotation (create, deploy, verify, retire, abort): fingerprints and
    /// targets, never a value.
    Rotation,
    /// A token was revoked at the provider on request (RFC 7009), and forgotten here.
    TokenRevoked,
    /// Credentials were exported (Postman, .env, curl, Bruno): the format and the secret policy, never a
    /// value.
    Exported,
    /// Profiles were imported from another tool's file (a Postman environment).
    Imported,
    /// A command was started with the profile's credential in its environment (`keyward exec`), or served
    /// one on its loopback endpoint: the credential's fingerprint, never the credential.
    Exec,
    /// A team was connected or disconnected, or a profile shared with it (the team's OpenBao address and
    /// the KV version, never a secret or a token).
    Team,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum Outcome {
    Ok,
    Failed,
    /// The person stopped it (a sign-in cancelled with Ctrl-C or Cancel): nothing went wrong.
    Cancelled,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditEvent {
    /// RFC 3339, UTC.
    pub at: String,
    pub action: AuditAction,
    pub profile: String,
    pub outcome: Outcome,
    /// What happened, in words (an error message, "revoked at the provider"). Never a secret: only
    /// messages built by Keyward itself go here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

pub struct AuditLog {
    path: PathBuf,
    home: Home,
}

impl AuditLog {
    pub fn new(home: &Home) -> Self {
        AuditLog { path: home.audit_file(), home: home.clone() }
    }

    /// Append one event. A single `write` of one line to a file opened with O_APPEND, so concurrent
    /// writers never interleave.
    pub fn record(&self, event: &AuditEvent) -> Result<(), ConfigError> {
        self.home.ensure()?;
        let mut line = serde_json::to_string(event).expect("audit event serialises");
        line.push('\n');
        let mut opts = OpenOptions::new();
        opts.append(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let io = |source| ConfigError::Io { action: "append to", path: self.path.clone(), source };
        opts.open(&self.path).and_then(|mut f| f.write_all(line.as_bytes())).map_err(io)
    }

    /// All events, oldest first. Lines that do not parse (a torn write after a crash) are skipped.
    pub fn read(&self) -> Result<Vec<AuditEvent>, ConfigError> {
        match fs::read_to_string(&self.path) {
            Ok(text) => Ok(text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(source) => Err(ConfigError::Io { action: "read", path: self.path.clone(), source }),
        }
    }
}
