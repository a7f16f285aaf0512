//! Teams: profiles and their shared secrets kept in a team's OpenBao (KV v2), so that several people and
//! CI use, and rotate, the same client secret or API key. A person's own tokens (refresh and access
//! tokens) and their OpenBao token stay in their OS keychain; nothing of a team is written to disk but
//! where its OpenBao is.
//!
//! One KV v2 secret per profile at `<mount>/data/<path>/<profile>`: `profile` (its settings, the
//! config's field names), `clientSecret` / `apiKey` / `password` when it has them, `changedBy` (the
//! OpenBao token's display name of whoever wrote that version). Every write is a check-and-set against
//! the version read, so two writers cannot lose each other's change.

pub mod error;
pub mod kv;
pub mod ops;
pub mod store;

use serde::{Deserialize, Serialize};

use crate::keychain::SecretField;
use crate::secret::Secret;

pub use error::TeamError;
pub use ops::{attach, TeamStatus, TeamView, Wanted};

/// Where a team's profiles are: its OpenBao, the KV v2 mount and the path under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct TeamConfig {
    /// The OpenBao address, `https://bao.example.net:8200`.
    pub addr: String,
    /// The KV v2 mount (`secret`).
    pub mount: String,
    /// The path under the mount that holds the team's profiles (`keyward/TEAM`).
    pub path: String,
}

impl TeamConfig {
    /// A team at `addr`, with the default mount (`secret`) and path (`keyward/<team>`) unless given.
    pub fn new(team: &str, addr: &str, mount: Option<&str>, path: Option<&str>) -> Result<Self, TeamError> {
        let addr = addr.trim_end_matches('/').to_string();
        let url = url::Url::parse(&addr)
            .map_err(|e| TeamError::BadSetting { what: "address", problem: format!("{addr:?} is not a URL: {e}") })?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(TeamError::BadSetting {
                what: "address",
                problem: format!("{addr:?} is not an http(s) address of an OpenBao server"),
            });
        }
        let clean = |s: &str| s.trim_matches('/').to_string();
        let mount = clean(mount.unwrap_or("secret"));
        let path = clean(&path.map(str::to_string).unwrap_or_else(|| format!("keyward/{team}")));
        for (what, v) in [("mount", &mount), ("path", &path)] {
            let ok = !v.is_empty()
                && v.split('/').all(|seg| {
                    !seg.is_empty()
                        && seg != ".."
                        && seg.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
                });
            if !ok {
                return Err(TeamError::BadSetting {
                    what,
                    problem: format!("{v:?}: use letters, digits, '.', '_', '-' and '/' between parts"),
                });
            }
        }
        Ok(TeamConfig { addr, mount, path })
    }
}

/// The secrets a team shares with a profile; every other secret (refresh and access tokens, a
/// rotation's in-between credentials) stays in each person's keychain.
pub const SHARED: &[SecretField] = &[SecretField::ClientSecret, SecretField::ApiKey, SecretField::Password];

/// The environment a team is used from, read once by the edge (CI: no keychain).
#[derive(Debug, Clone, Default)]
pub struct TeamEnv {
    /// `KEYWARD_TEAM_TOKEN`: the OpenBao token for the teams, instead of the keychain's; with it, a team
    /// profile's tokens are kept in this process's memory only.
    pub token: Option<Secret>,
    /// A team named by the environment alone (`KEYWARD_TEAM_ADDR`, `KEYWARD_TEAM` (default `ci`),
    /// `KEYWARD_TEAM_MOUNT`, `KEYWARD_TEAM_PATH`), for CI without a config file.
    pub team: Option<(String, TeamConfig)>,
    /// `KEYWARD_TEAM_REFRESH` (seconds, default [`REFRESH`]): how often a running window reads the teams'
    /// profiles again, so that a rotated secret or a changed setting reaches it without a restart.
    pub refresh: Option<std::time::Duration>,
}

/// How often a running Keyward (the window) reads its teams' profiles again, unless the environment
/// says otherwise. A command-line run reads them afresh each time.
pub const REFRESH: std::time::Duration = std::time::Duration::from_secs(60);

/// The longest a member's running Keyward may still use a version it read: two of its refresh periods
/// (one for the read itself to come round, one for a read that was slow or failed once). A shared
/// rotation retires the old secret no sooner than this after the switch.
pub fn members_hold(refresh: std::time::Duration) -> std::time::Duration {
    refresh * 2
}

/// The variable with the OpenBao token for CI.
pub const TOKEN_VAR: &str = "KEYWARD_TEAM_TOKEN";

impl TeamEnv {
    /// How often a running Keyward reads the teams' profiles again.
    pub fn refresh(&self) -> std::time::Duration {
        self.refresh.unwrap_or(REFRESH)
    }

    /// For the edges' start-up only: nothing below reads the environment.
    pub fn from_env() -> Result<Self, TeamError> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let token = var(TOKEN_VAR).map(|t| Secret::new(t.trim()));
        let team = match var("KEYWARD_TEAM_ADDR") {
            Some(addr) => {
                let name = var("KEYWARD_TEAM").unwrap_or_else(|| "ci".into());
                crate::profile::check_name(&name).map_err(|_| TeamError::BadSetting {
                    what: "team name",
                    problem: format!("{name:?} (KEYWARD_TEAM)"),
                })?;
                let cfg = TeamConfig::new(
                    &name,
                    &addr,
                    var("KEYWARD_TEAM_MOUNT").as_deref(),
                    var("KEYWARD_TEAM_PATH").as_deref(),
                )?;
                Some((name, cfg))
            }
            None => None,
        };
        let refresh = match var("KEYWARD_TEAM_REFRESH") {
            None => None,
            Some(v) => match v.trim().parse::<u64>() {
                Ok(secs) if (1..=86_400).contains(&secs) => Some(std::time::Duration::from_secs(secs)),
                _ => {
                    return Err(TeamError::BadSetting {
                        what: "KEYWARD_TEAM_REFRESH",
                        problem: format!("{v:?}: give whole seconds, from 1 to 86400"),
                    })
                }
            },
        };
        Ok(TeamEnv { token, team, refresh })
    }
}

/// The keychain account of a person's OpenBao token for a team. `:` cannot be in a profile name, so it
/// never collides with a profile's entries.
pub fn token_account(store_id: &str, team: &str) -> String {
    format!("{store_id}/team:{team}/openbaoToken")
}
