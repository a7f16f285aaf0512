//! The team operations: connect a team, share a profile with it, see where each team stands, disconnect;
//! and, at start-up, attaching the teams' profiles to a context so that they are used by name like any
//! other.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use super::kv::{Kv, Versioned};
use super::store::{Entry, TeamSecrets};
use super::{token_account, TeamConfig, TeamEnv, TeamError, SHARED};
use crate::audit::{AuditAction, Outcome};
use crate::config::{ConfigError, SharedProfile};
use crate::context::{off_runtime, Context};
use crate::error::{Error, Result};
use crate::keychain::{account, SecretField};
use crate::profile::Profile;
use crate::secret::Secret;

/// Which team profiles a command needs, so that only those are read from OpenBao.
#[derive(Debug, Clone, Copy)]
pub enum Wanted<'a> {
    /// None (the command uses no profile, or only local ones).
    Nothing,
    /// Every team's profiles (listing them).
    All,
    /// These profiles, where the config has no profile of that name.
    Names(&'a [String]),
}

/// The teams this person uses: the config's, and the one the environment names (CI).
fn teams(cx: &Context, env: &TeamEnv) -> Result<BTreeMap<String, TeamConfig>> {
    let mut teams = cx.config.load()?.teams;
    if let Some((name, cfg)) = &env.team {
        teams.insert(name.clone(), cfg.clone());
    }
    Ok(teams)
}

/// The OpenBao token for a team: the environment's (CI), else the keychain's.
fn token(cx: &Context, env: &TeamEnv, team: &str) -> Result<Secret> {
    if let Some(t) = &env.token {
        return Ok(t.clone());
    }
    let store_id = cx.config.load()?.store_id;
    off_runtime(|| cx.secrets.get(&token_account(&store_id, team)))?
        .ok_or_else(|| TeamError::NoToken { team: team.into() }.into())
}

/// A team's entry read as a profile.
fn profile_of(team: &str, name: &str, entry: &Versioned) -> Result<Profile, TeamError> {
    let bad = |reason: String| TeamError::BadEntry { team: team.into(), profile: name.into(), reason };
    crate::profile::check_name(name).map_err(|e| bad(e.to_string()))?;
    let raw = entry.data.get("profile").cloned().ok_or_else(|| bad("it has no profile field".into()))?;
    let profile: Profile = serde_json::from_value(raw).map_err(|e| bad(e.to_string()))?;
    profile.check_values().map_err(|e| bad(e.to_string()))?;
    if profile.settings.key_name().is_some() {
        // The key would be one of this machine's own: a team entry must not pick which of them signs.
        return Err(bad("it signs with a key pair (keyName), which a team cannot share yet".into()));
    }
    Ok(profile)
}

/// Read the team profiles a command needs and attach them to the context: they appear in every config
/// it loads (never written to the file) and their shared secrets come from the team's store. A profile
/// of the same name in the config wins. Returns the teams that could not be read while listing
/// (`Wanted::All`), to be shown as warnings; for named profiles a team that fails is an error when no
/// other team has the profile.
pub async fn attach(cx: &mut Context, env: &TeamEnv, wanted: Wanted<'_>) -> Result<Vec<Error>> {
    let (read, problems) = read_teams(cx, env, wanted).await?;
    if !read.is_empty() {
        let store = install(cx, env);
        held(cx, &store, read);
    }
    Ok(problems)
}

/// Put a team store (with no team profiles yet) behind the context's secrets, if there is none, so that
/// [`attach_more`] can add the profiles of a team connected later: a long-running process (the window)
/// calls this at start-up.
pub fn install(cx: &mut Context, env: &TeamEnv) -> Arc<TeamSecrets> {
    if let Some(store) = super::store::of(&cx.secrets) {
        return store;
    }
    let store = Arc::new(TeamSecrets::new(cx.secrets.clone(), BTreeMap::new(), env.token.is_some(), env.refresh()));
    super::store::register(&store);
    cx.config.set_shared_writer(store.clone());
    cx.secrets = store.clone();
    store
}

/// Read the teams' profiles again into the context's team store ([`install`]): those of a team connected
/// since appear in every config it loads; those held already keep the version read. Returns the teams that
/// could not be read, as [`attach`] does. A context without a team store has nowhere to hold them and reads
/// nothing.
pub async fn attach_more(cx: &Context, env: &TeamEnv) -> Result<Vec<Error>> {
    let Some(store) = super::store::of(&cx.secrets) else {
        return Ok(Vec::new());
    };
    let (read, problems) = read_teams(cx, env, Wanted::All).await?;
    held(cx, &store, read);
    Ok(problems)
}

/// What [`refresh_held`] found.
#[derive(Debug, Default)]
pub struct Refreshed {
    /// The team profiles now held at another version, or no longer held (the team removed them), or
    /// newly held (a team shared them since).
    pub changed: Vec<String>,
    /// What could not be read; the version held before stays in use.
    pub problems: Vec<Error>,
}

/// Read the team profiles held in the context's team store again, for a process that runs for long (the
/// window, every [`TeamEnv::refresh`]): a profile written since (a rotation's switch, a changed setting)
/// is held at its new version, one the team removed is no longer listed, and one the team shared since is
/// added. A team that cannot be read keeps the versions held (a member offline goes on with what it has),
/// and is reported. A context without a team store reads nothing.
pub async fn refresh_held(cx: &Context, env: &TeamEnv) -> Result<Refreshed> {
    let Some(store) = super::store::of(&cx.secrets) else {
        return Ok(Refreshed::default());
    };
    let mut out = Refreshed::default();
    let mut unreachable: Vec<String> = Vec::new();
    for (name, team, cfg, token, version) in store.held() {
        if unreachable.contains(&team) {
            continue;
        }
        let kv = Kv { http: &cx.http, team: &team, cfg: &cfg, token: &token };
        match kv.read(&name).await {
            Ok(Some(read)) if read.version == version => {}
            Ok(Some(read)) => match profile_of(&team, &name, &read).map_err(Error::from).and_then(|p| {
                trusted(cx, env, &team, &name, &p, &read)?;
                Ok(p)
            }) {
                Ok(profile) => {
                    tracing::info!(team = %team, profile = %name, from = version, to = read.version, "a team profile changed; using its new version");
                    let entry = Entry { team: team.clone(), cfg, token, version: read.version, data: read.data };
                    store.replace(&name, Some(entry));
                    cx.config.replace_shared(&name, Some(SharedProfile { team, profile }));
                    out.changed.push(name);
                }
                // A version this Keyward cannot (or may not yet) use: the one held stays, and the problem is
                // said.
                Err(e) => out.problems.push(e),
            },
            Ok(None) => {
                tracing::info!(team = %team, profile = %name, "the team no longer shares this profile");
                store.replace(&name, None);
                cx.config.replace_shared(&name, None);
                out.changed.push(name);
            }
            Err(e) => {
                unreachable.push(team);
                out.problems.push(e.into());
            }
        }
    }
    let before: Vec<String> = store.held().into_iter().map(|h| h.0).collect();
    out.problems.extend(attach_more(cx, env).await?);
    out.changed.extend(store.held().into_iter().map(|h| h.0).filter(|n| !before.contains(n)));
    Ok(out)
}

/// Whether this person trusts where `profile` (version `read` of team `team`'s entry) sends credentials:
/// each of its destinations is one they accepted for it. The first version read is accepted as it is and
/// remembered in the config (trust on first use; in CI, with the token from the environment, nothing is
/// written and nothing is remembered); a later one that sends credentials to a host not accepted is
/// [`TeamError::NewDestinations`], until [`accept`].
fn trusted(cx: &Context, env: &TeamEnv, team: &str, name: &str, profile: &Profile, read: &Versioned) -> Result<()> {
    let now = crate::config::destinations(profile);
    let accepted = cx.config.load()?.trusted_hosts.get(team).and_then(|t| t.get(name)).cloned();
    let Some(accepted) = accepted else {
        if env.token.is_none() {
            cx.config.update(|c| {
                c.trusted_hosts.entry(team.to_string()).or_default().entry(name.to_string()).or_insert(now.clone());
                Ok(())
            })?;
        }
        return Ok(());
    };
    let new: Vec<String> = now.into_iter().filter(|h| !covered(h, &accepted)).collect();
    if new.is_empty() {
        return Ok(());
    }
    tracing::warn!(team, profile = name, version = read.version, hosts = ?new, "a team profile's new version sends credentials to hosts not accepted");
    Err(TeamError::NewDestinations(Box::new(super::error::NewDestinations {
        team: team.into(),
        profile: name.into(),
        version: read.version,
        hosts: new,
        changed_by: read.data.get("changedBy").and_then(|v| v.as_str()).map(String::from),
    }))
    .into())
}

/// Whether destination `pattern` is within what was accepted: the same, or a host under an accepted
/// domain (`.example.com` covers `api.example.com` and `.api.example.com`).
fn covered(pattern: &str, accepted: &[String]) -> bool {
    let bare = pattern.trim_start_matches('.');
    accepted.iter().any(|a| match a.strip_prefix('.') {
        Some(domain) => bare == domain || bare.ends_with(&format!(".{domain}")),
        None => a == pattern,
    })
}

/// Accept where team profile `name` sends its credentials in its current version (after checking the
/// new addresses with the team): Keyward uses it again. Returns the destinations accepted.
pub async fn accept(cx: &Context, env: &TeamEnv, team: &str, name: &str) -> Result<Vec<String>> {
    let teams = teams(cx, env)?;
    let cfg = teams.get(team).ok_or_else(|| TeamError::NoSuchTeam(team.into()))?;
    let token = token(cx, env, team)?;
    let kv = Kv { http: &cx.http, team, cfg, token: &token };
    let read = kv.read(name).await?.ok_or_else(|| TeamError::NotShared(name.into()))?;
    let profile = profile_of(team, name, &read)?;
    let hosts = crate::config::destinations(&profile);
    cx.config.update(|c| {
        c.trusted_hosts.entry(team.to_string()).or_default().insert(name.to_string(), hosts.clone());
        Ok(())
    })?;
    cx.record(
        AuditAction::Team,
        name,
        Outcome::Ok,
        Some(format!("accepted where team {team}'s version {} sends credentials: {}", read.version, hosts.join(" "))),
    );
    Ok(hosts)
}

/// What [`read_teams`] read: each profile's entry and the profile it holds.
type Read = BTreeMap<String, (Entry, SharedProfile)>;

/// Hold what was read: the entries in the store, the profiles in the config the context loads.
fn held(cx: &Context, store: &TeamSecrets, read: Read) {
    let mut profiles = BTreeMap::new();
    let mut entries = BTreeMap::new();
    for (name, (entry, profile)) in read {
        entries.insert(name.clone(), entry);
        profiles.insert(name, profile);
    }
    store.hold(entries);
    cx.config.add_shared(profiles);
}

async fn read_teams(cx: &Context, env: &TeamEnv, wanted: Wanted<'_>) -> Result<(Read, Vec<Error>)> {
    if matches!(wanted, Wanted::Nothing) {
        return Ok(Default::default());
    }
    let teams = teams(cx, env)?;
    if teams.is_empty() {
        return Ok(Default::default());
    }
    let local = cx.config.load()?.profiles;
    let names: Option<Vec<&String>> = match wanted {
        Wanted::Names(n) => Some(n.iter().filter(|n| !local.contains_key(*n)).collect()),
        _ => None,
    };
    if names.as_ref().is_some_and(|n| n.is_empty()) {
        return Ok(Default::default());
    }
    let mut entries: Read = BTreeMap::new();
    let mut problems: Vec<Error> = Vec::new();
    for (team, cfg) in &teams {
        let token = match token(cx, env, team) {
            Ok(t) => t,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let kv = Kv { http: &cx.http, team, cfg, token: &token };
        let todo: Vec<String> = match &names {
            Some(n) => n.iter().filter(|n| !entries.contains_key(**n)).map(|n| n.to_string()).collect(),
            None => match kv.list().await {
                Ok(all) => all,
                Err(e) => {
                    problems.push(e.into());
                    continue;
                }
            },
        };
        for name in todo {
            if cx.config.team_of(&name).is_some() {
                continue; // held already (attach_more)
            }
            if local.contains_key(&name) || entries.contains_key(&name) {
                tracing::warn!(profile = %name, team = %team, "a profile of this name is already used; the team's is not");
                continue;
            }
            let read = match kv.read(&name).await {
                Ok(Some(r)) => r,
                Ok(None) => continue,
                Err(e) => {
                    problems.push(e.into());
                    break;
                }
            };
            tracing::debug!(team = %team, profile = %name, version = read.version, "read the team's profile");
            match profile_of(team, &name, &read).map_err(Error::from).and_then(|p| {
                trusted(cx, env, team, &name, &p, &read)?;
                Ok(p)
            }) {
                Ok(profile) => {
                    let entry = Entry {
                        team: team.clone(),
                        cfg: cfg.clone(),
                        token: token.clone(),
                        version: read.version,
                        data: read.data,
                    };
                    entries.insert(name, (entry, SharedProfile { team: team.clone(), profile }));
                }
                Err(e) => problems.push(e),
            }
        }
    }
    if let Some(n) = &names {
        if n.iter().any(|n| !entries.contains_key(*n)) {
            if let Some(first) = problems.into_iter().next() {
                return Err(first);
            }
        }
        problems = Vec::new();
    }
    Ok((entries, problems))
}

/// A connected team, as `team list` shows it (no token).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct TeamView {
    pub name: String,
    #[serde(flatten)]
    pub config: TeamConfig,
    /// Where the OpenBao token comes from: `keychain` or `environment`.
    pub token_from: &'static str,
}

/// [`add`], then the team's profiles read into the context's team store ([`attach_more`]) so that they
/// are listed at once: for a process that goes on with the same context (the window). Returns where the
/// team stands and the teams whose profiles could not be read.
pub async fn connect(
    cx: &Context,
    env: &TeamEnv,
    name: &str,
    cfg: TeamConfig,
    token: Secret,
) -> Result<(TeamStatus, Vec<Error>)> {
    let status = add(cx, name, cfg, token).await?;
    Ok((status, attach_more(cx, env).await?))
}

/// Connect a team: check the token against its OpenBao (it must be valid and allowed to list the team's
/// path), keep the token in the keychain and where the team is in the config.
pub async fn add(cx: &Context, name: &str, cfg: TeamConfig, token: Secret) -> Result<TeamStatus> {
    crate::profile::check_name(name).map_err(|_| TeamError::BadSetting {
        what: "name",
        problem: format!("{name:?}: use letters, digits, '.', '_' and '-'"),
    })?;
    let config = cx.config.load()?;
    if let Some(existing) = config.teams.get(name) {
        if existing.addr != cfg.addr {
            return Err(TeamError::TeamExists(name.into(), existing.addr.clone()).into());
        }
    }
    let kv = Kv { http: &cx.http, team: name, cfg: &cfg, token: &token };
    kv.lookup_self().await?;
    kv.list().await?;
    let store_id = cx.config.update(|c| Ok(c.store_id.clone()))?;
    off_runtime(|| cx.secrets.set(&token_account(&store_id, name), &token))?;
    cx.config.update(|c| {
        c.teams.insert(name.to_string(), cfg.clone());
        Ok(())
    })?;
    cx.record(
        AuditAction::Team,
        name,
        Outcome::Ok,
        Some(format!("team connected: {} {}/{}", cfg.addr, cfg.mount, cfg.path)),
    );
    status_of(cx, name, &cfg, &token).await
}

/// The teams connected here (and the one the environment names), without asking their OpenBao.
pub fn list(cx: &Context, env: &TeamEnv) -> Result<Vec<TeamView>> {
    let from = if env.token.is_some() { "environment" } else { "keychain" };
    Ok(teams(cx, env)?.into_iter().map(|(name, config)| TeamView { name, config, token_from: from }).collect())
}

/// What disconnecting a team did.
#[derive(Debug)]
pub struct Removed {
    /// The team's profiles whose tokens (this person's own) left the keychain.
    pub forgotten: Vec<String>,
    /// Why the team's profiles could not be listed (unreachable, token no longer valid): then this
    /// person's tokens for them may stay in the keychain.
    pub unlisted: Option<Error>,
}

/// Disconnect a team: its token leaves the keychain and the team the config, and so do this person's
/// own tokens for its profiles (when its OpenBao can still list them): a profile added later under one
/// of those names must not pick them up. Nothing changes in its OpenBao (the profiles stay shared with
/// the others).
pub async fn remove(cx: &Context, name: &str) -> Result<Removed> {
    let config = cx.config.load()?;
    let Some(cfg) = config.teams.get(name) else {
        return Err(TeamError::NoSuchTeam(name.into()).into());
    };
    let account_of_token = token_account(&config.store_id, name);
    let listed = match off_runtime(|| cx.secrets.get(&account_of_token))? {
        Some(token) => Kv { http: &cx.http, team: name, cfg, token: &token }.list().await.map_err(Error::from),
        None => Err(TeamError::NoToken { team: name.into() }.into()),
    };
    let (names, unlisted) = match listed {
        Ok(n) => (n, None),
        Err(e) => (Vec::new(), Some(e)),
    };
    let mut forgotten = Vec::new();
    for profile in names.into_iter().filter(|n| !config.profiles.contains_key(n)) {
        for field in SecretField::ALL.iter().filter(|f| !SHARED.contains(f)) {
            off_runtime(|| cx.secrets.delete(&account(&config.store_id, &profile, *field)))?;
        }
        forgotten.push(profile);
    }
    off_runtime(|| cx.secrets.delete(&account_of_token))?;
    cx.config.update(|c| {
        c.teams.remove(name);
        c.trusted_hosts.remove(name);
        Ok(())
    })?;
    cx.record(AuditAction::Team, name, Outcome::Ok, Some("team disconnected".into()));
    Ok(Removed { forgotten, unlisted })
}

/// Where a team stands: its token, and each shared profile's version and who wrote it when.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct TeamStatus {
    pub name: String,
    #[serde(flatten)]
    pub config: TeamConfig,
    /// The OpenBao token's display name.
    pub token_name: String,
    pub token_policies: Vec<String>,
    /// When the token expires (RFC 3339), None for one that does not.
    #[ts(optional = nullable)]
    pub token_expires: Option<String>,
    pub profiles: Vec<SharedView>,
}

/// A shared profile as the team's status shows it: from its KV entry and metadata.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct SharedView {
    pub name: String,
    pub strategy: Option<String>,
    #[ts(type = "number")]
    pub version: u64,
    /// When the current version was written, and by whom (the writer's OpenBao token name).
    pub changed_at: String,
    pub changed_by: Option<String>,
    /// The versions OpenBao keeps (a shared secret can go back to one while it is not destroyed).
    #[ts(type = "number[]")]
    pub versions: Vec<u64>,
    /// The shared secrets it holds (`clientSecret`, `apiKey`, `password`), never their values.
    pub secrets: Vec<&'static str>,
    /// Where its current version sends credentials that you have not accepted (`apiHosts` patterns):
    /// Keyward does not use that version until you accept them. Empty when all are accepted.
    pub not_accepted: Vec<String>,
}

async fn status_of(cx: &Context, name: &str, cfg: &TeamConfig, token: &Secret) -> Result<TeamStatus> {
    let kv = Kv { http: &cx.http, team: name, cfg, token };
    let me = kv.lookup_self().await?;
    let accepted = cx.config.load()?.trusted_hosts.remove(name).unwrap_or_default();
    let mut profiles = Vec::new();
    for p in kv.list().await? {
        let Some(entry) = kv.read(&p).await? else { continue };
        let meta = kv.metadata(&p).await?;
        let strategy = entry.data.get("profile").and_then(|v| v["strategy"].as_str()).map(String::from);
        profiles.push(SharedView {
            strategy,
            version: entry.version,
            changed_at: entry.created_time.clone(),
            changed_by: entry.data.get("changedBy").and_then(|b| b.as_str()).map(String::from),
            versions: meta.map(|m| m.versions.iter().filter(|v| !v.2).map(|v| v.0).collect()).unwrap_or_default(),
            secrets: SHARED.iter().filter(|f| entry.data.get(f.name()).is_some()).map(|f| f.name()).collect(),
            not_accepted: match (accepted.get(&p), profile_of(name, &p, &entry)) {
                (Some(accepted), Ok(profile)) => {
                    crate::config::destinations(&profile).into_iter().filter(|h| !covered(h, accepted)).collect()
                }
                _ => Vec::new(),
            },
            name: p,
        });
    }
    Ok(TeamStatus {
        name: name.into(),
        config: cfg.clone(),
        token_name: me.display_name,
        token_policies: me.policies,
        token_expires: me.expire_time,
        profiles,
    })
}

/// Where one team (or each, with None) stands, asked of its OpenBao.
pub async fn status(cx: &Context, env: &TeamEnv, team: Option<&str>) -> Result<Vec<TeamStatus>> {
    let teams = teams(cx, env)?;
    if let Some(t) = team {
        if !teams.contains_key(t) {
            return Err(TeamError::NoSuchTeam(t.into()).into());
        }
    }
    let mut out = Vec::new();
    for (name, cfg) in teams.iter().filter(|(n, _)| team.is_none_or(|t| t == n.as_str())) {
        let token = token(cx, env, name)?;
        out.push(status_of(cx, name, cfg, &token).await?);
    }
    Ok(out)
}

/// What sharing did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Shared {
    pub profile: String,
    pub team: String,
    pub version: u64,
    /// The shared secrets that moved (names only).
    pub secrets: Vec<&'static str>,
}

/// Move a profile into a team: its settings and its shared secrets (client secret, API key, password)
/// become the first version of its KV entry, then leave this machine's config and keychain. The
/// person's tokens stay in their keychain, under the same name, and go on working.
pub async fn share(cx: &Context, env: &TeamEnv, name: &str, team: &str) -> Result<Shared> {
    let config = cx.config.load()?;
    if let Some(t) = cx.config.team_of(name) {
        return Err(TeamError::Shared { team: t, profile: name.into(), what: "sharing it again" }.into());
    }
    let profile = config.profile(name)?.clone();
    if profile.settings.key_name().is_some() {
        return Err(ConfigError::bad_field(
            "keyName",
            &format!("profile {name} signs with a key pair; sharing key pairs with a team is not supported yet"),
        )
        .into());
    }
    let teams = teams(cx, env)?;
    let cfg = teams.get(team).ok_or_else(|| TeamError::NoSuchTeam(team.into()))?;
    let token = token(cx, env, team)?;
    let kv = Kv { http: &cx.http, team, cfg, token: &token };
    let me = kv.lookup_self().await?;

    let mut data = serde_json::Map::new();
    data.insert("profile".into(), serde_json::to_value(&profile).expect("a profile serialises"));
    let mut moved = Vec::new();
    for field in SHARED {
        if let Some(s) = cx.secret(&config.store_id, name, *field)? {
            data.insert(field.name().into(), Value::String(s.expose().to_string()));
            moved.push(field.name());
        }
    }
    data.insert("changedBy".into(), Value::String(me.display_name));
    let data = Value::Object(data);
    let version = match kv.write(name, &data, 0).await {
        Ok(v) => v,
        // The name's latest version was deleted in the team's OpenBao: it is free again, and the
        // profile goes on top of that history (still check-and-set).
        Err(TeamError::Conflict { current, .. }) if current > 0 && kv.read(name).await?.is_none() => {
            match kv.write(name, &data, current).await {
                Ok(v) => v,
                Err(TeamError::Conflict { current, .. }) => {
                    return Err(TeamError::Exists { team: team.into(), profile: name.into(), version: current }.into())
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(TeamError::Conflict { current, .. }) => {
            return Err(TeamError::Exists { team: team.into(), profile: name.into(), version: current }.into())
        }
        Err(e) => return Err(e.into()),
    };
    // In the team now: the local copy goes (the config first, so a keychain failure leaves no profile
    // without its secret), the person's tokens stay.
    let hosts = crate::config::destinations(&profile);
    cx.config.update(|c| {
        c.profiles.remove(name);
        // Where it sends credentials is the sharer's own choice: what they trust for it.
        c.trusted_hosts.entry(team.to_string()).or_default().insert(name.to_string(), hosts);
        Ok(())
    })?;
    for field in SHARED {
        if let Err(e) = off_runtime(|| cx.secrets.delete(&account(&config.store_id, name, *field))) {
            tracing::warn!(profile = name, "could not remove the local {} after sharing: {e}", field.name());
        }
    }
    cx.record(
        AuditAction::Team,
        name,
        Outcome::Ok,
        Some(format!("shared with team {team} (version {version}; secrets moved: {})", moved.join(", "))),
    );
    Ok(Shared { profile: name.into(), team: team.into(), version, secrets: moved })
}
