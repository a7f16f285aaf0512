//! `Keyward`: the one entry point the CLI and the desktop shell call, over a [`Context`] (the config
//! store, the secret store, the HTTP client, the clock and the audit log); the operations live in their
//! own modules, the strategies in `strategies/`.

use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use crate::audit::{AuditAction, AuditEvent, Outcome};
use crate::clock::{Clock, SystemClock};
use crate::config::{ConfigError, Home};
use crate::context::Context;
use crate::error::Result;
use crate::keychain::{account, SecretField, SecretStore};
use crate::keys::api_key::ApiKeyView;
use crate::oauth::tokens::{StoredToken, TokenMeta};
use crate::profile::{check_name, Profile};
use crate::secret::Secret;

/// The core's operations, over a [`Context`]. A `Keyward` reads through to its context, so the
/// operations' code can say `self.config`, `self.secret(…)`; flows that need no more take a `&Context`.
pub struct Keyward {
    cx: Context,
}

impl std::ops::Deref for Keyward {
    type Target = Context;
    fn deref(&self) -> &Context {
        &self.cx
    }
}

/// A profile as the CLI and the UI show it: its settings and `has<Property>` flags, never a secret.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProfileView {
    pub name: String,
    #[serde(flatten)]
    #[ts(flatten)]
    pub settings: Profile,
    pub has_client_secret: bool,
    pub has_refresh_token: bool,
    pub has_access_token: bool,
    pub has_api_key: bool,
    pub has_password: bool,
    /// The current access token's expiry, scope and subject, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub token: Option<TokenMeta>,
    pub status: CredentialStatus,
    /// The team that shares the profile (its settings and shared secrets are in the team's OpenBao).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub team: Option<String>,
}

/// Where a profile's credential stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum CredentialStatus {
    /// A valid credential is at hand.
    Ready,
    /// No valid token now, but Keyward gets one on its own when asked (refresh token, client secret,
    /// key pair, stored password).
    Renewable,
    /// A person must log in in the browser.
    SignInRequired,
    /// A fresh SAML assertion from the IdP is needed.
    AssertionRequired,
    /// A secret or setting the strategy needs is missing.
    Incomplete,
}

impl Keyward {
    /// Keyward on `home` with the given secret store and the system clock.
    pub fn new(home: Home, secrets: Arc<dyn SecretStore>) -> Self {
        Self::with_clock(home, secrets, Arc::new(SystemClock))
    }

    pub fn with_clock(home: Home, secrets: Arc<dyn SecretStore>, clock: Arc<dyn Clock>) -> Self {
        Keyward { cx: Context::new(home, secrets, clock) }
    }

    /// Keyward on a context the edge built (see [`Context::from_env`]).
    pub fn on(cx: Context) -> Self {
        Keyward { cx }
    }

    /// Keyward as a user runs it: [`Context::from_env`]. For the edges' start-up only.
    pub fn open_default() -> Self {
        Self::on(Context::from_env())
    }

    /// The context the operations run on.
    pub fn context(&self) -> &Context {
        &self.cx
    }

    /// Every profile, sorted by name.
    pub fn list(&self) -> Result<Vec<ProfileView>> {
        let config = self.config.load()?;
        // Every profile's entries in one read of the store (one Secret Service search, not a connection each).
        let wanted: Vec<(&String, SecretField)> =
            config.profiles.iter().flat_map(|(name, p)| entries_of(p).into_iter().map(move |f| (name, f))).collect();
        let accounts: Vec<String> = wanted.iter().map(|(name, f)| account(&config.store_id, name, *f)).collect();
        let values = crate::context::off_runtime(|| self.secrets.get_many(&accounts))?;
        let mut read: std::collections::HashMap<(&str, SecretField), Option<Secret>> =
            wanted.iter().map(|(n, f)| (n.as_str(), *f)).zip(values).collect();
        config
            .profiles
            .iter()
            .map(|(name, p)| self.view_of(name, p, &mut |f| Ok(read.remove(&(name.as_str(), f)).flatten())))
            .collect()
    }

    pub fn show(&self, name: &str) -> Result<ProfileView> {
        let config = self.config.load()?;
        let profile = config.profile(name)?;
        self.view(&config.store_id, name, profile)
    }

    pub fn profile(&self, name: &str) -> Result<Profile> {
        Ok(self.config.load()?.profile(name)?.clone())
    }

    /// Add a profile with its secrets. The secrets go to the keychain first: if the keychain refuses,
    /// no profile is created.
    pub fn add(&self, name: &str, profile: Profile, secrets: Vec<(SecretField, Secret)>) -> Result<ProfileView> {
        check_name(name)?;
        profile.validate()?;
        if let Some(team) = self.config.team_of(name) {
            return Err(ConfigError::SharedExists { name: name.to_string(), team }.into());
        }
        let config = self.config.load()?;
        if config.profiles.contains_key(name) {
            return Err(ConfigError::Exists(name.to_string()).into());
        }
        // A fresh config has its store id only once written: write it before any keychain entry names it.
        let store_id = self.config.update(|c| Ok(c.store_id.clone()))?;
        for (field, value) in &secrets {
            self.secrets.set(&account(&store_id, name, *field), value)?;
        }
        self.config.update(|c| {
            if c.profiles.contains_key(name) {
                return Err(ConfigError::Exists(name.to_string()));
            }
            c.profiles.insert(name.to_string(), profile.clone());
            Ok(())
        })?;
        self.record(AuditAction::ProfileAdded, name, Outcome::Ok, None);
        // Built from what was just stored: adding a profile without secrets needs no keychain.
        let has = |f: SecretField| secrets.iter().any(|(field, _)| *field == f);
        Ok(ProfileView {
            name: name.to_string(),
            has_client_secret: has(SecretField::ClientSecret),
            has_refresh_token: false,
            has_access_token: false,
            has_api_key: has(SecretField::ApiKey),
            has_password: has(SecretField::Password),
            token: None,
            settings: profile,
            status: CredentialStatus::Ready,
            team: None,
        })
        .map(|mut v: ProfileView| {
            v.status = self.status_of(&v);
            v
        })
    }

    /// Change some fields, keep the rest and the secrets. Nothing changes if any field is refused.
    pub fn edit(
        &self,
        name: &str,
        sets: &[(String, String)],
        secrets: Vec<(SecretField, Secret)>,
    ) -> Result<ProfileView> {
        let mut profile = self.profile(name)?;
        for (field, value) in sets {
            profile.set(field, value)?;
        }
        profile.validate()?;
        let store_id = self.config.load()?.store_id;
        for (field, value) in &secrets {
            self.secrets.set(&account(&store_id, name, *field), value)?;
        }
        // The changes are made again on the profile as it is under the config lock: another process's
        // edit in between is kept, not overwritten by our earlier copy.
        let mut changed: Vec<&str> = Vec::new();
        self.config.update(|c| {
            let slot = c.profiles.get_mut(name).ok_or_else(|| ConfigError::NoSuchProfile(name.to_string()))?;
            let mut current = slot.clone();
            for (field, value) in sets {
                current.set(field, value)?;
            }
            current.validate()?;
            // The window's form sends every field: the audit names only those whose value changed
            // (`authorizeParams.X` included: a dotted field is a path into the profile's JSON).
            let (was, now) = (serde_json::to_value(&*slot).ok(), serde_json::to_value(&current).ok());
            let at = |doc: &Option<serde_json::Value>, field: &str| {
                field.split('.').try_fold(doc.as_ref()?, |v, part| v.get(part)).cloned()
            };
            changed = sets.iter().map(|(f, _)| f.as_str()).filter(|f| at(&was, f) != at(&now, f)).collect();
            *slot = current;
            Ok(())
        })?;
        changed.extend(secrets.iter().map(|(f, _)| f.name()));
        if !changed.is_empty() {
            self.record(
                AuditAction::ProfileChanged,
                name,
                Outcome::Ok,
                Some(format!("changed {}", changed.join(", "))),
            );
        }
        self.show(name)
    }

    /// Remove a profile and its keychain entries (the keychain first: a locked keychain keeps the profile).
    pub fn remove(&self, name: &str) -> Result<()> {
        let config = self.config.load()?;
        config.profile(name)?;
        for field in SecretField::ALL {
            self.secrets.delete(&account(&config.store_id, name, *field))?;
        }
        self.config.update(|c| {
            c.profiles.remove(name);
            Ok(())
        })?;
        self.record(AuditAction::ProfileRemoved, name, Outcome::Ok, None);
        Ok(())
    }

    /// A stored secret, shown because the user asked: the one explicit door, recorded in the audit log.
    pub fn reveal(&self, name: &str, field: &str) -> Result<Secret> {
        let config = self.config.load()?;
        config.profile(name)?;
        let known = || SecretField::ALL.iter().map(|f| f.name()).collect::<Vec<_>>().join(", ");
        let f = SecretField::parse(field).ok_or_else(|| {
            ConfigError::bad_field("field", &format!("{field:?} is not a secret field; one of {}", known()))
        })?;
        let value = self
            .secret(&config.store_id, name, f)?
            .ok_or_else(|| ConfigError::bad_field(field, &format!("profile {name} has no {field} stored")))?;
        // The access-token entry is a JSON document; reveal the token itself.
        let value = match f {
            SecretField::AccessToken => StoredToken::parse(&value).map(|t| t.access_token).unwrap_or(value),
            _ => value,
        };
        self.record(AuditAction::Reveal, name, Outcome::Ok, Some(format!("{field} revealed")));
        Ok(value)
    }

    /// Store a provider-issued API key for profile `name`: an `api-key` profile, created when missing;
    /// other settings kept. The profile records the key's fingerprint and when it was stored (`apiKeyCreated`,
    /// `apiKeyFingerprint`); scopes and expiry recorded for a previous key are cleared.
    pub fn set_api_key(
        &self,
        name: &str,
        key: Secret,
        placement: Option<&str>,
        api_base_url: Option<&str>,
    ) -> Result<ProfileView> {
        let meta = crate::keys::api_key::fields_for(&key, self.clock.now(), &[], None);
        self.store_api_key(name, key, placement, api_base_url, meta)
    }

    /// Generate an API key for profile `name` (an `api-key` profile, created when missing; a profile of
    /// another strategy is refused): 256 bits from the OS CSPRNG, base64url, after `opts.prefix`. The key
    /// goes to the keychain and is returned once, to be shown once; the profile keeps its fingerprint,
    /// scopes, created and expiry. A key the profile already holds is replaced only with `opts.replace`.
    pub fn new_api_key(&self, name: &str, opts: &crate::keys::api_key::NewApiKey) -> Result<(Secret, ApiKeyView)> {
        use crate::keys::api_key;
        check_name(name)?;
        if let Some(p) = &opts.prefix {
            api_key::check_prefix(p)?;
        }
        let scopes = api_key::check_scopes(&opts.scopes)?;
        let now = self.clock.now();
        let expires = match opts.expires_in {
            Some(0) => return Err(ConfigError::bad_field("expires", "a duration longer than zero").into()),
            Some(s) if s > 100 * 365 * 86_400 => {
                return Err(ConfigError::bad_field("expires", "at most 100 years").into())
            }
            Some(s) => Some(now + s as i64),
            None => None,
        };
        let config = self.config.load()?;
        if let Some(existing) = config.profiles.get(name) {
            if existing.strategy() != crate::profile::Strategy::ApiKey {
                return Err(ConfigError::bad_field(
                    "strategy",
                    &format!(
                        "profile {name:?} is a {} profile; a generated API key goes to an api-key profile: pick another name",
                        existing.strategy().id()
                    ),
                )
                .into());
            }
            if !opts.replace && self.secret(&config.store_id, name, SecretField::ApiKey)?.is_some() {
                let fp = existing.get("apiKeyFingerprint").map(|f| format!(" ({f})")).unwrap_or_default();
                return Err(ConfigError::bad_field(
                    "apiKey",
                    &format!(
                        "profile {name:?} already holds an API key{fp}; a new one replaces it only when asked to (the old one is lost), and a rotation keeps both valid until the new one is deployed"
                    ),
                )
                .into());
            }
        }
        let key = api_key::generate(opts.prefix.as_deref())?;
        let meta = api_key::fields_for(&key, now, &scopes, expires);
        let view =
            self.store_api_key(name, key.clone(), opts.placement.as_deref(), opts.api_base_url.as_deref(), meta)?;
        let out = api_key::view(name, &view.settings);
        let mut detail = format!(
            "API key generated ({} random bits), fingerprint {}",
            api_key::KEY_BYTES * 8,
            crate::handout::fingerprint(&key)
        );
        if !scopes.is_empty() {
            detail.push_str(&format!(", scopes {}", scopes.join(" ")));
        }
        if let Some(e) = &out.expires {
            detail.push_str(&format!(", expires {e}"));
        }
        self.record(AuditAction::KeyCreated, name, Outcome::Ok, Some(detail));
        Ok((key, out))
    }

    /// Store `key` as profile `name`'s API key with these settings: the profile made an api-key one
    /// (created when missing), its other settings kept.
    fn store_api_key(
        &self,
        name: &str,
        key: Secret,
        placement: Option<&str>,
        api_base_url: Option<&str>,
        meta: Vec<(String, String)>,
    ) -> Result<ProfileView> {
        let mut sets = Vec::new();
        if let Some(p) = placement {
            sets.push(("apiKeyPlacement".to_string(), p.to_string()));
        }
        if let Some(u) = api_base_url {
            sets.push(("apiBaseUrl".to_string(), u.to_string()));
        }
        sets.extend(meta);
        let exists = self.config.load()?.profiles.contains_key(name);
        if exists {
            let profile = self.profile(name)?;
            if profile.strategy() != crate::profile::Strategy::ApiKey {
                sets.insert(0, ("strategy".to_string(), "api-key".to_string()));
            }
            self.edit(name, &sets, vec![(SecretField::ApiKey, key)])
        } else {
            let mut profile = Profile::new(crate::profile::Strategy::ApiKey);
            for (k, v) in &sets {
                profile.set(k, v)?;
            }
            self.add(name, profile, vec![(SecretField::ApiKey, key)])
        }
    }

    pub fn audit_events(&self) -> Result<Vec<AuditEvent>> {
        Ok(self.audit.read()?)
    }

    fn view(&self, store_id: &str, name: &str, profile: &Profile) -> Result<ProfileView> {
        self.view_of(name, profile, &mut |f| self.secret(store_id, name, f))
    }

    /// A profile's view from its entries, read by `read` (only those [`entries_of`] names are asked for).
    fn view_of(
        &self,
        name: &str,
        profile: &Profile,
        read: &mut dyn FnMut(SecretField) -> Result<Option<Secret>>,
    ) -> Result<ProfileView> {
        let wanted = entries_of(profile);
        let mut has = |f: SecretField| -> Result<bool> { Ok(wanted.contains(&f) && read(f)?.is_some()) };
        let has_client_secret = has(SecretField::ClientSecret)?;
        let has_refresh_token = has(SecretField::RefreshToken)?;
        let has_api_key = has(SecretField::ApiKey)?;
        let has_password = has(SecretField::Password)?;
        let token = if wanted.contains(&SecretField::AccessToken) { read(SecretField::AccessToken)? } else { None }
            .and_then(|s| StoredToken::parse(&s).map(|t| t.meta));
        let mut view = ProfileView {
            name: name.to_string(),
            settings: profile.clone(),
            has_client_secret,
            has_refresh_token,
            has_access_token: token.is_some(),
            has_api_key,
            has_password,
            token,
            status: CredentialStatus::Ready,
            team: self.config.team_of(name),
        };
        view.status = self.status_of(&view);
        Ok(view)
    }

    /// Where a profile's credential stands, by the core's clock: what the UI shows and acts on.
    fn status_of(&self, v: &ProfileView) -> CredentialStatus {
        let fresh = v.token.as_ref().is_some_and(|t| !t.is_stale(self.clock.now()));
        crate::strategies::status(&v.settings, v, fresh)
    }
}

/// The keychain entries a profile's view reads: only those its strategy can have, as each is a keychain
/// round trip. A token (and its refresh token) for any strategy that asks for one; the secrets a person
/// stores are the strategy's own.
fn entries_of(profile: &Profile) -> Vec<SecretField> {
    let def = crate::strategies::def(profile.strategy());
    let tokens = def.obtains != crate::strategies::Obtains::Stored;
    [SecretField::ClientSecret, SecretField::RefreshToken, SecretField::ApiKey, SecretField::Password]
        .into_iter()
        .filter(|f| match f {
            SecretField::RefreshToken => tokens,
            f => def.secrets.contains(f),
        })
        .chain(tokens.then_some(SecretField::AccessToken))
        .collect()
}
