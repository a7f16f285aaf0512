//! The team store behind the secret-store trait: a team profile's shared secrets (client secret, API
//! key, password) come from the version of its KV entry this process read, and a write of one is a new
//! KV version, check-and-set against that version; everything else (a person's tokens, other profiles)
//! goes to the store underneath (the OS keychain), or, in CI (`KEYWARD_TEAM_TOKEN`), to this process's
//! memory only.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::kv::Kv;
use super::{TeamConfig, TeamError, SHARED};
use crate::config::SharedProfileWriter;
use crate::keychain::{KeychainError, SecretField, SecretStore};
use crate::profile::Profile;
use crate::secret::Secret;

/// One team profile's KV entry as this process holds it.
pub struct Entry {
    pub team: String,
    pub cfg: TeamConfig,
    pub token: Secret,
    pub version: u64,
    pub data: serde_json::Map<String, Value>,
}

impl Entry {
    fn secret(&self, field: SecretField) -> Option<Secret> {
        self.data.get(field.name()).and_then(|v| v.as_str()).filter(|s| !s.is_empty()).map(Secret::new)
    }
}

/// (profile, field) → a value, or None for a deletion.
type Memory = HashMap<(String, String), Option<Secret>>;

pub struct TeamSecrets {
    base: Arc<dyn SecretStore>,
    entries: Mutex<BTreeMap<String, Entry>>,
    /// CI: a team profile's tokens live here, never in a keychain or on disk.
    memory: Option<Mutex<Memory>>,
    /// How often the process that holds this store reads the entries again (`ops::refresh_held`).
    refresh: std::time::Duration,
}

/// The team stores of this process, so that the core finds the one behind a context's secret store
/// (by identity: several contexts may live in one process).
static STORES: Mutex<Vec<std::sync::Weak<TeamSecrets>>> = Mutex::new(Vec::new());

/// Make `store` findable by [`of`].
pub fn register(store: &Arc<TeamSecrets>) {
    let mut all = STORES.lock().unwrap_or_else(|p| p.into_inner());
    all.retain(|w| w.strong_count() > 0);
    all.push(Arc::downgrade(store));
}

/// The team store that `secrets` is, if it is one.
pub fn of(secrets: &Arc<dyn SecretStore>) -> Option<Arc<TeamSecrets>> {
    let want = Arc::as_ptr(secrets) as *const ();
    STORES
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .filter_map(|w| w.upgrade())
        .find(|s| Arc::as_ptr(s) as *const () == want)
}

impl TeamSecrets {
    pub fn new(
        base: Arc<dyn SecretStore>,
        entries: BTreeMap<String, Entry>,
        in_memory: bool,
        refresh: std::time::Duration,
    ) -> Self {
        TeamSecrets { base, entries: Mutex::new(entries), memory: in_memory.then(Mutex::default), refresh }
    }

    /// How often a running Keyward reads the teams' entries again (the members' windows are assumed to use
    /// the same period: it is the team's `KEYWARD_TEAM_REFRESH`, or the default).
    pub fn refresh(&self) -> std::time::Duration {
        self.refresh
    }

    /// The entries held, each as (profile, team, where the team is, the token it was read with, version).
    pub fn held(&self) -> Vec<(String, String, TeamConfig, Secret, u64)> {
        self.entries()
            .iter()
            .map(|(name, e)| (name.clone(), e.team.clone(), e.cfg.clone(), e.token.clone(), e.version))
            .collect()
    }

    /// Hold `entry` for `profile` instead of the one held (a newer version read), or nothing for it (the
    /// team no longer has it).
    pub fn replace(&self, profile: &str, entry: Option<Entry>) {
        let mut held = self.entries();
        match entry {
            Some(e) => {
                held.insert(profile.to_string(), e);
            }
            None => {
                held.remove(profile);
            }
        }
    }

    /// Hold these entries too; an entry held already keeps the version it has.
    pub fn hold(&self, entries: BTreeMap<String, Entry>) {
        let mut held = self.entries();
        for (name, entry) in entries {
            held.entry(name).or_insert(entry);
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The version of a team profile's entry this process holds.
    pub fn version(&self, profile: &str) -> Option<u64> {
        self.entries().get(profile).map(|e| e.version)
    }

    /// The team a profile held here belongs to.
    pub fn team_of(&self, profile: &str) -> Option<String> {
        self.entries().get(profile).map(|e| e.team.clone())
    }

    /// Refuse, with what to ask for, when this person's OpenBao token may not write the profile's entry
    /// (before a rotation changes anything anywhere).
    pub fn check_write(&self, profile: &str) -> Result<(), TeamError> {
        let (team, cfg, token) = {
            let entries = self.entries();
            let Some(e) = entries.get(profile) else { return Err(TeamError::NotShared(profile.into())) };
            (e.team.clone(), e.cfg.clone(), e.token.clone())
        };
        let name = profile.to_string();
        block_on(async move {
            let http = crate::http::client();
            Kv { http: &http, team: &team, cfg: &cfg, token: &token }.check_write(&name).await
        })
    }

    /// This process keeps a team profile's own tokens in memory only (CI, `KEYWARD_TEAM_TOKEN`).
    pub fn in_memory(&self) -> bool {
        self.memory.is_some()
    }

    /// Read the profile's entry again from the team's OpenBao: this process then holds its current
    /// version (a rotation's switch that lost the check-and-set looks at what changed).
    pub fn reread(&self, profile: &str) -> Result<(), TeamError> {
        let (team, cfg, token) = {
            let entries = self.entries();
            let Some(e) = entries.get(profile) else { return Err(TeamError::NotShared(profile.into())) };
            (e.team.clone(), e.cfg.clone(), e.token.clone())
        };
        let name = profile.to_string();
        let read = block_on(async move {
            let http = crate::http::client();
            Kv { http: &http, team: &team, cfg: &cfg, token: &token }.read(&name).await
        })?;
        if let (Some(read), Some(e)) = (read, self.entries().get_mut(profile)) {
            e.version = read.version;
            e.data = read.data;
        }
        Ok(())
    }

    /// Destroy the versions of a profile's entry whose `field` holds the secret of fingerprint `old` (a
    /// retired one), so that the team's history no longer holds it either. Returns the versions destroyed.
    pub fn destroy_versions_holding(
        &self,
        profile: &str,
        field: SecretField,
        old: &str,
    ) -> Result<Vec<u64>, TeamError> {
        let (team, cfg, token) = {
            let entries = self.entries();
            let Some(e) = entries.get(profile) else { return Err(TeamError::NotShared(profile.into())) };
            (e.team.clone(), e.cfg.clone(), e.token.clone())
        };
        let (name, old) = (profile.to_string(), old.to_string());
        block_on(async move {
            let http = crate::http::client();
            let kv = Kv { http: &http, team: &team, cfg: &cfg, token: &token };
            let Some(meta) = kv.metadata(&name).await? else { return Ok(Vec::new()) };
            let mut holding = Vec::new();
            for (version, _, gone) in meta.versions {
                if gone || version == meta.current_version {
                    continue;
                }
                let Some(read) = kv.read_version(&name, version).await? else { continue };
                let value = read.data.get(field.name()).and_then(|v| v.as_str()).map(Secret::new);
                if value.is_some_and(|v| crate::handout::fingerprint(&v) == old) {
                    holding.push(version);
                }
            }
            if !holding.is_empty() {
                kv.destroy_versions(&name, &holding).await?;
            }
            Ok(holding)
        })
    }

    /// The entry's `changedBy` and when its held version was written (for a conflict's words).
    pub fn changed(&self, profile: &str) -> Option<String> {
        self.entries().get(profile).and_then(|e| e.data.get("changedBy")).and_then(|b| b.as_str()).map(String::from)
    }

    /// Write a shared secret as a new version of the entry, check-and-set against version `cas` (the one
    /// a rotation started from, which may be older than the one this process read): a lost race, or a
    /// change made by someone else since, is [`TeamError::Conflict`] and nothing is written. Returns the
    /// new version.
    pub fn write_secret_since(
        &self,
        profile: &str,
        field: SecretField,
        value: &Secret,
        cas: u64,
    ) -> Result<u64, TeamError> {
        if !SHARED.contains(&field) {
            return Err(TeamError::NotShared(profile.into()));
        }
        let value = value.expose().to_string();
        self.write_entry_cas(profile, Some(cas), |data| {
            data.insert(field.name().into(), Value::String(value));
        })?;
        Ok(self.version(profile).unwrap_or(cas + 1))
    }

    /// (profile, field) of an account `<store-id>/<profile>/<field>` that names a team profile.
    fn route(&self, account: &str) -> Option<(String, String)> {
        let mut parts = account.splitn(3, '/');
        let (_, owner, field) = (parts.next()?, parts.next()?, parts.next()?);
        self.entries().contains_key(owner).then(|| (owner.to_string(), field.to_string()))
    }

    fn shared(field: &str) -> Option<SecretField> {
        SecretField::parse(field).filter(|f| SHARED.contains(f))
    }

    /// Write a new version of the entry with `field` set (or removed), cas against the version held.
    fn write(&self, profile: &str, field: SecretField, value: Option<&Secret>) -> Result<(), KeychainError> {
        self.write_entry(profile, |data| {
            match value {
                Some(v) => data.insert(field.name().into(), Value::String(v.expose().to_string())),
                None => data.remove(field.name()),
            };
        })
        .map_err(|e| KeychainError::Team(Box::new(e)))
    }

    /// Write a new version of the entry, changed by `change`, check-and-set against the version held; on
    /// success this process holds the new version.
    fn write_entry(
        &self,
        profile: &str,
        change: impl FnOnce(&mut serde_json::Map<String, Value>),
    ) -> Result<(), TeamError> {
        self.write_entry_cas(profile, None, change)
    }

    /// [`Self::write_entry`], check-and-set against `cas` when given, else the version held.
    fn write_entry_cas(
        &self,
        profile: &str,
        cas: Option<u64>,
        change: impl FnOnce(&mut serde_json::Map<String, Value>),
    ) -> Result<(), TeamError> {
        let (team, cfg, token, version, mut data) = {
            let entries = self.entries();
            let e = entries.get(profile).ok_or_else(|| TeamError::NotShared(profile.into()))?;
            (e.team.clone(), e.cfg.clone(), e.token.clone(), cas.unwrap_or(e.version), e.data.clone())
        };
        change(&mut data);
        let name = profile.to_string();
        let (new_version, data) = block_on(async move {
            let http = crate::http::client();
            let kv = Kv { http: &http, team: &team, cfg: &cfg, token: &token };
            let who = kv.lookup_self().await?.display_name;
            data.insert("changedBy".into(), Value::String(who));
            let body = Value::Object(data.clone());
            kv.write(&name, &body, version).await.map(|v| (v, data))
        })?;
        if let Some(e) = self.entries().get_mut(profile) {
            e.version = new_version;
            e.data = data;
        }
        tracing::info!(profile, version = new_version, "wrote a new version of the team's entry");
        Ok(())
    }
}

/// A changed setting of a team profile is a new version of its entry, like a changed shared secret.
impl SharedProfileWriter for TeamSecrets {
    fn write_profile(&self, name: &str, profile: &Profile) -> Result<(), TeamError> {
        if !self.entries().contains_key(name) {
            return Err(TeamError::NotShared(name.into()));
        }
        let team = self.entries().get(name).map(|e| e.team.clone()).unwrap_or_default();
        if profile.settings.key_name().is_some() {
            return Err(TeamError::BadSetting {
                what: "profile",
                problem: format!(
                    "{name} is shared by team {team}, and a team profile cannot sign with a key pair (keyName) yet"
                ),
            });
        }
        let value = serde_json::to_value(profile).expect("a profile serialises");
        self.write_entry(name, |data| {
            data.insert("profile".into(), value);
        })
    }
}

impl SecretStore for TeamSecrets {
    fn get(&self, account: &str) -> Result<Option<Secret>, KeychainError> {
        let Some((profile, field)) = self.route(account) else { return self.base.get(account) };
        if let Some(f) = Self::shared(&field) {
            return Ok(self.entries().get(&profile).and_then(|e| e.secret(f)));
        }
        match &self.memory {
            Some(m) => Ok(m.lock().unwrap_or_else(|p| p.into_inner()).get(&(profile, field)).cloned().flatten()),
            None => self.base.get(account),
        }
    }

    /// The entries that live in the store underneath are read there in one go ([`SecretStore::get_many`]);
    /// the team's and this process's memory answer the rest.
    fn get_many(&self, accounts: &[String]) -> Result<Vec<Option<Secret>>, KeychainError> {
        let below = |a: &String| match self.route(a) {
            None => true,
            Some((_, field)) => Self::shared(&field).is_none() && self.memory.is_none(),
        };
        let from_base: Vec<String> = accounts.iter().filter(|a| below(a)).cloned().collect();
        let mut base = self.base.get_many(&from_base)?.into_iter();
        accounts.iter().map(|a| if below(a) { Ok(base.next().flatten()) } else { self.get(a) }).collect()
    }

    fn set(&self, account: &str, value: &Secret) -> Result<(), KeychainError> {
        let Some((profile, field)) = self.route(account) else { return self.base.set(account, value) };
        if let Some(f) = Self::shared(&field) {
            return self.write(&profile, f, Some(value));
        }
        match &self.memory {
            Some(m) => {
                m.lock().unwrap_or_else(|p| p.into_inner()).insert((profile, field), Some(value.clone()));
                Ok(())
            }
            None => self.base.set(account, value),
        }
    }

    fn delete(&self, account: &str) -> Result<(), KeychainError> {
        let Some((profile, field)) = self.route(account) else { return self.base.delete(account) };
        if let Some(f) = Self::shared(&field) {
            let team = self.entries().get(&profile).map(|e| e.team.clone()).unwrap_or_default();
            if self.entries().get(&profile).is_some_and(|e| e.secret(f).is_none()) {
                return Ok(());
            }
            return Err(KeychainError::Team(Box::new(TeamError::Shared {
                team,
                profile,
                what: "removing its shared secrets",
            })));
        }
        match &self.memory {
            Some(m) => {
                m.lock().unwrap_or_else(|p| p.into_inner()).insert((profile, field), None);
                Ok(())
            }
            None => self.base.delete(account),
        }
    }
}

/// Run a request from the secret store's synchronous calls: on a thread of its own with its own
/// runtime (and its own HTTP client), so it works whether or not the caller is on an async runtime.
fn block_on<T: Send + 'static>(fut: impl std::future::Future<Output = T> + Send + 'static) -> T {
    let run = move || {
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime starts").block_on(fut)
        })
        .join()
        .expect("the team store's request does not panic")
    };
    crate::context::off_runtime(run)
}
