//! Where Keyward keeps its non-secret state: the versioned config file, written atomically under a lock.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::profile::Profile;

/// The config file format version this build reads and writes.
pub const CONFIG_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("no profile named {0:?}")]
    NoSuchProfile(String),
    #[error("a profile named {0:?} already exists; pick another name, or edit that profile")]
    Exists(String),
    #[error("{name:?} is a profile that team {team} shares: pick another name (a profile of yours by that name would hide the team's)")]
    SharedExists { name: String, team: String },
    #[error("no key pair named {0:?}")]
    NoSuchKey(String),
    #[error("{0:?} is not a valid profile name: use letters, digits, '.', '_' and '-' (at most 64, not starting with '.' or '-')")]
    BadName(String),
    #[error("unknown strategy {given:?}; known: {known}")]
    UnknownStrategy { given: String, known: String },
    #[error("unknown field {field:?}; this strategy has: {known}")]
    UnknownField { field: String, known: String },
    #[error("{field}: {problem}")]
    BadField { field: String, problem: String },
    #[error("the config file {path} is not valid ({reason}); fix or move it away, Keyward will not overwrite it{}", backup_words(.path))]
    Corrupt { path: PathBuf, reason: String },
    #[error("the config file {path} is version {found}, newer than this Keyward understands ({CONFIG_VERSION}); update Keyward")]
    TooNew { path: PathBuf, found: u32 },
    #[error("could not {action} {path}: {source}")]
    Io { action: &'static str, path: PathBuf, source: std::io::Error },
    #[error("the config file would grow past {} MiB with this change, so it was not made; remove profiles you no longer use", .0 >> 20)]
    TooLarge(u64),
    #[error(
        "timed out waiting for the lock {0}; another Keyward process holds it (remove the file if none is running)"
    )]
    LockTimeout(PathBuf),
    /// A change to a team's profile goes to the team's store, which refused it or could not be reached.
    #[error(transparent)]
    Team(Box<crate::team::TeamError>),
}

impl ConfigError {
    pub fn bad_field(field: &str, problem: &str) -> Self {
        ConfigError::BadField { field: field.to_string(), problem: problem.to_string() }
    }

    pub fn remedy(&self) -> Option<crate::Remedy> {
        match self {
            ConfigError::NoSuchProfile(_) => Some(crate::Remedy::ListProfiles),
            ConfigError::NoSuchKey(_) => Some(crate::Remedy::ListKeys),
            ConfigError::Team(e) => e.remedy(),
            _ => None,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            ConfigError::NoSuchProfile(_) | ConfigError::NoSuchKey(_) => ErrorCode::NotFound,
            ConfigError::Exists(_)
            | ConfigError::SharedExists { .. }
            | ConfigError::BadName(_)
            | ConfigError::UnknownStrategy { .. }
            | ConfigError::UnknownField { .. }
            | ConfigError::BadField { .. }
            | ConfigError::Corrupt { .. }
            | ConfigError::TooNew { .. }
            | ConfigError::TooLarge(_) => ErrorCode::BadInput,
            ConfigError::Io { .. } | ConfigError::LockTimeout(_) => ErrorCode::Internal,
            ConfigError::Team(e) => e.code(),
        }
    }
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> ConfigError {
    let path = path.to_path_buf();
    move |source| ConfigError::Io { action, path, source }
}

/// Keyward's directory: `KEYWARD_HOME` when set, else `<config dir>/keyward`.
#[derive(Debug, Clone)]
pub struct Home {
    dir: PathBuf,
}

impl Home {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Home { dir: dir.into() }
    }

    /// `KEYWARD_HOME`, else the platform's config dir (`~/.config/keyward` on Linux).
    pub fn from_env() -> Self {
        match std::env::var_os("KEYWARD_HOME") {
            Some(dir) if !dir.is_empty() => Home::new(dir),
            _ => Home::new(dirs::config_dir().unwrap_or_else(|| PathBuf::from(".")).join("keyward")),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
    pub fn config_file(&self) -> PathBuf {
        self.dir.join("config.json")
    }
    /// The config as it was before the last write: what to go back to if the file is ever damaged.
    pub fn config_backup(&self) -> PathBuf {
        self.dir.join("config.json.bak")
    }
    pub fn audit_file(&self) -> PathBuf {
        self.dir.join("audit.jsonl")
    }
    fn lock_dir(&self) -> PathBuf {
        self.dir.join("locks")
    }

    /// Create the directory and its `locks/` (mode 0700 on Unix) if they are missing.
    pub fn ensure(&self) -> Result<(), ConfigError> {
        fs::create_dir_all(self.lock_dir()).map_err(io("create", &self.dir))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for dir in [self.dir.clone(), self.lock_dir()] {
                fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).map_err(io("protect", &dir))?;
            }
        }
        Ok(())
    }

    /// An exclusive advisory lock on `locks/<name>.lock`, across threads and processes, waited for at most
    /// `timeout`. Released when the guard drops.
    pub fn lock(&self, name: &str, timeout: Duration) -> Result<FileLock, ConfigError> {
        self.ensure()?;
        let path = self.lock_dir().join(format!("{name}.lock"));
        let mut opts = OpenOptions::new();
        opts.create(true).truncate(false).write(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let file = opts.open(&path).map_err(io("open", &path))?;
        let start = Instant::now();
        let mut waited = false;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(FileLock { _file: file, waited }),
                Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < timeout => {
                    waited = true;
                    std::thread::sleep(Duration::from_millis(25))
                }
                Err(std::fs::TryLockError::WouldBlock) => return Err(ConfigError::LockTimeout(path)),
                Err(std::fs::TryLockError::Error(e)) => return Err(io("lock", &path)(e)),
            }
        }
    }
}

/// Holds a lock file locked; unlocking happens when the file is closed.
#[derive(Debug)]
pub struct FileLock {
    _file: File,
    /// Someone else held it first: what they did while we waited may have to be read again.
    pub waited: bool,
}

/// The config file's contents.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    pub version: u32,
    /// Names this store's keychain entries (`<storeId>/<profile>/<secret>`), so that two homes (two users'
    /// test runs, say) never share entries.
    pub store_id: String,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    /// Key pairs: public parts only; private keys are in the keychain.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub keys: BTreeMap<String, crate::keys::KeyInfo>,
    /// Each profile's rotation: under way, or the last one finished (no value in it).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rotations: BTreeMap<String, crate::rotation::Rotation>,
    /// The teams this person connected: where each one's OpenBao KV v2 path is (no token: that is in the
    /// keychain). Configs from before teams have none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub teams: BTreeMap<String, crate::team::TeamConfig>,
    /// Where each team profile may send its credentials, as this person accepted it, by team and profile
    /// (`apiHosts` patterns of its URLs' sites): a version that sends them elsewhere is not used until it
    /// is accepted (`team::ops::accept`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub trusted_hosts: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

impl Config {
    fn fresh() -> Self {
        let id: [u8; 6] = rand::random();
        Config {
            version: CONFIG_VERSION,
            store_id: id.iter().map(|b| format!("{b:02x}")).collect(),
            profiles: BTreeMap::new(),
            keys: BTreeMap::new(),
            rotations: BTreeMap::new(),
            teams: BTreeMap::new(),
            trusted_hosts: BTreeMap::new(),
        }
    }

    pub fn profile(&self, name: &str) -> Result<&Profile, ConfigError> {
        self.profiles.get(name).ok_or_else(|| ConfigError::NoSuchProfile(name.to_string()))
    }
}

/// Reads and writes the config file.
#[derive(Debug, Clone)]
pub struct ConfigStore {
    home: Home,
    /// Profiles shared by a team (read from its OpenBao at start-up): in every loaded config, never
    /// written to the file.
    shared: std::sync::Arc<std::sync::RwLock<BTreeMap<String, SharedProfile>>>,
    /// Where a change to one of those goes (the team's store), set with them.
    shared_writer: std::sync::Arc<std::sync::RwLock<SharedWriter>>,
}

/// Writes a changed team profile to its team's store (a new version, check-and-set against the one read).
pub trait SharedProfileWriter: Send + Sync {
    fn write_profile(&self, name: &str, profile: &Profile) -> Result<(), crate::team::TeamError>;
}

#[derive(Clone, Default)]
struct SharedWriter(Option<std::sync::Arc<dyn SharedProfileWriter>>);

impl std::fmt::Debug for SharedWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "SharedWriter(set)" } else { "SharedWriter(none)" })
    }
}

/// Where a profile sends its credentials, as `apiHosts` patterns (what a team member accepts).
pub fn destinations(profile: &Profile) -> Vec<String> {
    let mut out: Vec<String> = profile.credential_hosts().iter().map(|r| r.pattern()).collect();
    out.sort();
    out.dedup();
    out
}

/// A team's profile as this process read it.
#[derive(Debug, Clone)]
pub struct SharedProfile {
    pub team: String,
    pub profile: Profile,
}

const LOCK_WAIT: Duration = Duration::from_secs(10);
const MAX_CONFIG_BYTES: u64 = 4 << 20;

impl ConfigStore {
    pub fn new(home: Home) -> Self {
        ConfigStore { home, shared: Default::default(), shared_writer: Default::default() }
    }

    /// Show these team profiles in every config this store loads (a name the file has keeps the file's
    /// profile); they are never written to the file.
    pub fn set_shared(&self, profiles: BTreeMap<String, SharedProfile>) {
        *self.shared.write().unwrap_or_else(|p| p.into_inner()) = profiles;
    }

    /// Show these team profiles too, besides those shown already (which stay as they are).
    pub fn add_shared(&self, profiles: BTreeMap<String, SharedProfile>) {
        let mut shared = self.shared.write().unwrap_or_else(|p| p.into_inner());
        for (name, profile) in profiles {
            shared.entry(name).or_insert(profile);
        }
    }

    /// Show `profile` as team profile `name` instead of the one shown (a newer version), or stop showing
    /// it (`None`: the team no longer has it).
    pub fn replace_shared(&self, name: &str, profile: Option<SharedProfile>) {
        let mut shared = self.shared.write().unwrap_or_else(|p| p.into_inner());
        match profile {
            Some(p) => {
                shared.insert(name.to_string(), p);
            }
            None => {
                shared.remove(name);
            }
        }
    }

    /// Where a change to a team profile goes: without one, such a change is refused.
    pub fn set_shared_writer(&self, writer: std::sync::Arc<dyn SharedProfileWriter>) {
        *self.shared_writer.write().unwrap_or_else(|p| p.into_inner()) = SharedWriter(Some(writer));
    }

    /// The team a profile of the loaded config comes from, if it is a team's.
    pub fn team_of(&self, name: &str) -> Option<String> {
        self.shared.read().unwrap_or_else(|p| p.into_inner()).get(name).map(|s| s.team.clone())
    }

    pub fn home(&self) -> &Home {
        &self.home
    }

    /// The current config; a new one (not yet written) when there is no file. Team profiles this process
    /// read are in it too (see [`ConfigStore::set_shared`]).
    pub fn load(&self) -> Result<Config, ConfigError> {
        let mut config = self.load_file()?;
        for (name, shared) in self.shared.read().unwrap_or_else(|p| p.into_inner()).iter() {
            config.profiles.entry(name.clone()).or_insert_with(|| shared.profile.clone());
        }
        Ok(config)
    }

    fn load_file(&self) -> Result<Config, ConfigError> {
        let path = self.home.config_file();
        let text = match fs::metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::fresh()),
            Err(e) => return Err(io("read", &path)(e)),
            Ok(m) if m.len() > MAX_CONFIG_BYTES => {
                return Err(ConfigError::Corrupt {
                    path,
                    reason: format!("larger than {} MiB", MAX_CONFIG_BYTES >> 20),
                })
            }
            Ok(_) => fs::read_to_string(&path).map_err(io("read", &path))?,
        };
        let raw: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| ConfigError::Corrupt { path: path.clone(), reason: e.to_string() })?;
        let found = raw.get("version").and_then(|v| v.as_u64()).unwrap_or(0) as u32;
        if found > CONFIG_VERSION {
            return Err(ConfigError::TooNew { path, found });
        }
        let config: Config = serde_json::from_value(raw)
            .map_err(|e| ConfigError::Corrupt { path: path.clone(), reason: e.to_string() })?;
        for (name, profile) in &config.profiles {
            profile.check_values().map_err(|e| ConfigError::Corrupt {
                path: path.clone(),
                reason: format!("profile {name:?}, field {e}"),
            })?;
        }
        Ok(config)
    }

    /// Read, change and write the config under the config lock, so that concurrent writers (the app and the
    /// CLI) never lose each other's changes. Nothing is written when `change` fails.
    pub fn update<T>(&self, change: impl FnOnce(&mut Config) -> Result<T, ConfigError>) -> Result<T, ConfigError> {
        let _lock = self.home.lock("config", LOCK_WAIT)?;
        let mut config = self.load()?;
        let out = change(&mut config)?;
        self.write_shared(&mut config)?;
        self.write(&config)?;
        Ok(out)
    }

    /// A changed team profile goes to its team's store (before the file: a refusal there changes
    /// nothing here), and this process then sees the new version.
    /// Write each changed team profile to its team; where it now sends credentials is this person's own
    /// change, so it is what they trust for it from now on.
    fn write_shared(&self, config: &mut Config) -> Result<(), ConfigError> {
        let changed: Vec<(String, String, Profile)> = self
            .shared
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter_map(|(name, s)| {
                let p = config.profiles.get(name).filter(|p| **p != s.profile)?;
                Some((name.clone(), s.team.clone(), p.clone()))
            })
            .collect();
        for (name, team, profile) in changed {
            let writer = self.shared_writer.read().unwrap_or_else(|p| p.into_inner()).0.clone();
            let writer = writer.ok_or_else(|| {
                ConfigError::Team(Box::new(crate::team::TeamError::Shared {
                    team: team.clone(),
                    profile: name.clone(),
                    what: "changing its settings",
                }))
            })?;
            writer.write_profile(&name, &profile).map_err(|e| ConfigError::Team(Box::new(e)))?;
            config.trusted_hosts.entry(team.clone()).or_default().insert(name.clone(), destinations(&profile));
            if let Some(s) = self.shared.write().unwrap_or_else(|p| p.into_inner()).get_mut(&name) {
                s.profile = profile;
            }
        }
        Ok(())
    }

    /// Atomic write: a temp file in the same directory, flushed to disk, then renamed over the old one.
    fn write(&self, config: &Config) -> Result<(), ConfigError> {
        self.home.ensure()?;
        let path = self.home.config_file();
        let tmp = self.home.dir().join(format!(".config.json.{}.tmp", std::process::id()));
        // A team's profiles live in its OpenBao, never in this file.
        let mut config = config.clone();
        for (name, shared) in self.shared.read().unwrap_or_else(|p| p.into_inner()).iter() {
            if config.profiles.get(name) == Some(&shared.profile) {
                config.profiles.remove(name);
            } else if config.profiles.remove(name).is_some() {
                tracing::warn!(profile = %name, team = %shared.team, "a change to a team's profile is not kept in the local config");
            }
        }
        let mut text = serde_json::to_string_pretty(&config).expect("config serialises");
        text.push('\n');
        if text.len() as u64 > MAX_CONFIG_BYTES {
            return Err(ConfigError::TooLarge(MAX_CONFIG_BYTES));
        }
        let mut opts = OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let written = opts.open(&tmp).and_then(|mut f| f.write_all(text.as_bytes()).and_then(|_| f.sync_all()));
        if let Err(e) = written {
            // A full disk: the old file is untouched, and no half-written temp file is left behind.
            let _ = fs::remove_file(&tmp);
            return Err(io("write", &tmp)(e));
        }
        // The file being replaced was read and checked by this write's load: keep it as the backup.
        let backup = self.home.config_backup();
        if path.exists() {
            let _ = fs::remove_file(&backup);
            if let Err(e) = fs::hard_link(&path, &backup).or_else(|_| fs::copy(&path, &backup).map(|_| ())) {
                tracing::warn!("could not keep {} as a backup: {e}", backup.display());
            }
        }
        fs::rename(&tmp, &path).map_err(|e| {
            let _ = fs::remove_file(&tmp);
            io("replace", &path)(e)
        })
    }
}

/// ": the version before the last change is in …", when there is a backup beside a damaged file.
fn backup_words(path: &std::path::Path) -> String {
    let backup = path.with_file_name("config.json.bak");
    if backup.exists() && path.file_name().is_some_and(|n| n == "config.json") {
        format!("; the version before the last change is in {}", backup.display())
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Strategy;

    fn temp_home() -> Home {
        let dir = std::env::temp_dir().join(format!("kw-config-{}-{}", std::process::id(), rand::random::<u32>()));
        Home::new(dir)
    }

    #[test]
    fn a_damaged_file_is_kept_and_the_backup_named() {
        let store = ConfigStore::new(temp_home());
        for name in ["a", "b"] {
            store
                .update(|c| {
                    c.profiles.insert(name.into(), Profile::new(Strategy::Pkce));
                    Ok(())
                })
                .unwrap();
        }
        let path = store.home().config_file();
        let good = fs::read_to_string(&path).unwrap();
        fs::write(&path, &good[..good.len() / 2]).unwrap(); // truncated
        let err = store.load().unwrap_err().to_string();
        assert!(err.contains(&path.display().to_string()) && err.contains("config.json.bak"), "{err}");
        assert!(store.update(|_| Ok(())).is_err(), "nothing is written over a damaged file");
        assert_eq!(fs::read_to_string(&path).unwrap(), good[..good.len() / 2], "the damaged file is kept as it is");
        let backup: Config = serde_json::from_str(&fs::read_to_string(store.home().config_backup()).unwrap()).unwrap();
        assert!(backup.profiles.contains_key("a"), "the backup is the version before the last write");
    }

    #[test]
    fn round_trip_and_failed_change_writes_nothing() {
        let store = ConfigStore::new(temp_home());
        store
            .update(|c| {
                c.profiles.insert("a".into(), Profile::new(Strategy::Pkce));
                Ok(())
            })
            .unwrap();
        let before = fs::read_to_string(store.home().config_file()).unwrap();
        let err = store.update(|c| {
            c.profiles.clear();
            Err::<(), _>(ConfigError::bad_field("x", "y"))
        });
        assert!(err.is_err());
        assert_eq!(
            fs::read_to_string(store.home().config_file()).unwrap(),
            before,
            "a failed change must not be written"
        );
        let c = store.load().unwrap();
        assert_eq!(c.version, CONFIG_VERSION);
        assert!(c.profiles.contains_key("a"));
    }

    #[test]
    fn corrupt_and_newer_files_are_refused_not_overwritten() {
        let home = temp_home();
        home.ensure().unwrap();
        fs::write(home.config_file(), "{not json").unwrap();
        let store = ConfigStore::new(home.clone());
        assert!(matches!(store.load(), Err(ConfigError::Corrupt { .. })));
        assert!(store.update(|_| Ok(())).is_err());
        assert_eq!(fs::read_to_string(home.config_file()).unwrap(), "{not json");
        fs::write(home.config_file(), r#"{"version": 99, "storeId": "x"}"#).unwrap();
        assert!(matches!(store.load(), Err(ConfigError::TooNew { found: 99, .. })));
    }

    #[test]
    fn a_write_past_the_file_cap_is_refused_and_loses_nothing() {
        let store = ConfigStore::new(temp_home());
        let mut p = Profile::new(Strategy::Pkce);
        p.set("clientId", &"c".repeat(4000)).unwrap();
        let err = store.update(|c| {
            for i in 0..2000 {
                c.profiles.insert(format!("p{i}"), p.clone());
            }
            Ok(())
        });
        assert!(matches!(err, Err(ConfigError::TooLarge(_))), "{err:?}");
        assert!(err.unwrap_err().to_string().contains("past 4 MiB"));
        assert!(store.load().unwrap().profiles.is_empty(), "nothing was written");
        assert!(p.set("clientId", &"c".repeat(5000)).unwrap_err().to_string().contains("longer than 4 KiB"));
    }

    #[cfg(unix)]
    #[test]
    fn the_home_its_locks_and_files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let store = ConfigStore::new(temp_home());
        store.update(|_| Ok(())).unwrap();
        let mode = |p: PathBuf| fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        let home = store.home();
        assert_eq!(mode(home.dir().to_path_buf()), 0o700);
        assert_eq!(mode(home.lock_dir()), 0o700, "locks/ names the profiles being refreshed");
        assert_eq!(mode(home.lock_dir().join("config.lock")), 0o600);
        assert_eq!(mode(home.config_file()), 0o600);
    }

    #[test]
    fn concurrent_updates_lose_nothing() {
        let store = ConfigStore::new(temp_home());
        std::thread::scope(|s| {
            for i in 0..8 {
                let store = store.clone();
                s.spawn(move || {
                    store
                        .update(|c| {
                            c.profiles.insert(format!("p{i}"), Profile::new(Strategy::Pkce));
                            Ok(())
                        })
                        .unwrap()
                });
            }
        });
        assert_eq!(store.load().unwrap().profiles.len(), 8);
    }
}
