//! API keys Keyward generates (`new_api_key`): 256 bits from the OS CSPRNG, base64url without padding,
//! after an optional prefix such as `rk_live_`. The key goes to the keychain and is shown once; the profile
//! keeps only what describes it: its fingerprint (first 8 hex of SHA-256), scopes, created and expiry (the
//! `apiKey*` fields below), which a provider-issued key stored with `set_api_key` gets too (created and
//! fingerprint).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::app::Keyward;
use crate::clock::rfc3339;
use crate::config::ConfigError;
use crate::error::Result;
use crate::handout::fingerprint;
use crate::profile::{Profile, Strategy};
use crate::secret::Secret;

/// Random bytes in a generated key: 256 bits, 43 base64url characters.
pub const KEY_BYTES: usize = 32;
/// The longest prefix a generated key takes.
pub const MAX_PREFIX: usize = 32;
/// At most this many scopes are recorded for a key.
pub const MAX_SCOPES: usize = 64;

/// The profile fields that describe the stored API key (never the key itself).
pub const CREATED: &str = "apiKeyCreated";
pub const EXPIRES: &str = "apiKeyExpires";
pub const FINGERPRINT: &str = "apiKeyFingerprint";
pub const SCOPES: &str = "apiKeyScopes";

/// What a new API key is made with.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct NewApiKey {
    /// Put before the random part, e.g. `rk_live_`: letters, digits, `_` and `-`, at most 32.
    pub prefix: Option<String>,
    /// What the key is for, as the API that checks it names it (recorded, not enforced by Keyward).
    pub scopes: Vec<String>,
    /// `bearer`, `header:NAME` or `query:NAME`; kept as it is when not given.
    pub placement: Option<String>,
    /// Seconds until the key expires (recorded as `apiKeyExpires`); none: it does not expire.
    #[ts(type = "number | null")]
    pub expires_in: Option<u64>,
    /// The API's base URL; kept as it is when not given.
    pub api_base_url: Option<String>,
    /// Replace a key the profile already holds (the old one is lost unless it is kept elsewhere).
    pub replace: bool,
}

/// What lists show of an API key: the metadata in the config, never the key.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ApiKeyView {
    /// The profile's name.
    pub name: String,
    /// First 8 hex of the key's SHA-256; none for a key stored before Keyward recorded it.
    pub fingerprint: Option<String>,
    pub scopes: Vec<String>,
    /// When the key was generated or stored here (RFC 3339).
    pub created: Option<String>,
    /// When it expires (RFC 3339); none: it does not.
    pub expires: Option<String>,
    /// Where the key goes in a request: `bearer`, `header:NAME` or `query:NAME`.
    pub placement: String,
}

/// A prefix for a generated key: letters, digits, `_` and `-`, at most [`MAX_PREFIX`].
pub fn check_prefix(prefix: &str) -> std::result::Result<(), ConfigError> {
    if prefix.len() > MAX_PREFIX || !prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err(ConfigError::bad_field(
            "prefix",
            &format!("{prefix:?}: at most {MAX_PREFIX} letters, digits, '_' or '-' (e.g. rk_live_)"),
        ));
    }
    Ok(())
}

/// A new API key: `prefix` followed by [`KEY_BYTES`] from the OS CSPRNG as base64url without padding.
pub fn generate(prefix: Option<&str>) -> Result<Secret> {
    use base64::Engine;
    use rand::TryRngCore;
    let prefix = prefix.unwrap_or("");
    check_prefix(prefix)?;
    let mut bytes = [0u8; KEY_BYTES];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| super::KeyError::Sign(format!("the OS random number generator failed: {e}")))?;
    let key = Secret::new(format!("{prefix}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)));
    bytes.fill(0);
    Ok(key)
}

/// Scope names as OAuth spells them (RFC 6749 §3.3 scope-token: printable ASCII, no space, `"` or `\`).
pub fn check_scopes(scopes: &[String]) -> std::result::Result<Vec<String>, ConfigError> {
    let list: Vec<String> = scopes.iter().flat_map(|s| s.split_whitespace()).map(String::from).collect();
    if list.len() > MAX_SCOPES {
        return Err(ConfigError::bad_field("scopes", &format!("at most {MAX_SCOPES} scopes")));
    }
    for s in &list {
        if !s.chars().all(|c| c.is_ascii_graphic() && c != '"' && c != '\\') {
            return Err(ConfigError::bad_field(
                "scopes",
                &format!("{s:?} is not a scope name: printable ASCII without quotes or backslashes"),
            ));
        }
    }
    Ok(list)
}

/// The profile fields (name, value) that describe `key`, created at `created` (Unix seconds), with its
/// scopes and expiry: to pass to `Profile::set` or `Keyward::edit` with the key itself. A field left
/// empty is cleared (a key stored in place of another has none of the old one's scopes or expiry).
pub fn fields_for(key: &Secret, created: i64, scopes: &[String], expires: Option<i64>) -> Vec<(String, String)> {
    vec![
        (CREATED.into(), rfc3339(created)),
        (EXPIRES.into(), expires.map(rfc3339).unwrap_or_default()),
        (FINGERPRINT.into(), fingerprint(key)),
        (SCOPES.into(), scopes.join(" ")),
    ]
}

fn parse_time(value: &str) -> Option<i64> {
    time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339).ok().map(|t| t.unix_timestamp())
}

/// An api-key profile's settings.
fn settings(p: &Profile) -> Option<&crate::strategies::api_key::Settings> {
    crate::profile::StrategySettings::of(&p.settings)
}

/// When the profile's API key was generated or stored (Unix seconds), if recorded.
pub fn created_at(p: &Profile) -> Option<i64> {
    settings(p)?.api_key_created.as_deref().and_then(parse_time)
}

/// When the profile's API key expires (Unix seconds), if it does.
pub fn expires_at(p: &Profile) -> Option<i64> {
    settings(p)?.api_key_expires.as_deref().and_then(parse_time)
}

/// The api-key strategy's check of its metadata fields (from `--set`, a form or a file): times in
/// RFC 3339, a fingerprint of 8 hex digits, scope names.
pub(crate) fn check_fields(p: &Profile) -> std::result::Result<(), ConfigError> {
    let p = settings(p).expect(crate::strategies::DISPATCHED);
    for (field, value) in [(CREATED, &p.api_key_created), (EXPIRES, &p.api_key_expires)] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            if parse_time(v).is_none() {
                return Err(ConfigError::bad_field(field, "a time in RFC 3339, e.g. 2026-01-31T12:00:00Z"));
            }
        }
    }
    if let Some(fp) = p.api_key_fingerprint.as_deref().filter(|v| !v.is_empty()) {
        if fp.len() != 8 || !fp.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(ConfigError::bad_field(FINGERPRINT, "the first 8 hex digits of the key's SHA-256"));
        }
    }
    if let Some(scopes) = &p.api_key_scopes {
        check_scopes(std::slice::from_ref(scopes)).map_err(|e| match e {
            ConfigError::BadField { problem, .. } => ConfigError::bad_field(SCOPES, &problem),
            other => other,
        })?;
    }
    Ok(())
}

/// The view of an api-key profile's key.
pub fn view(name: &str, p: &Profile) -> ApiKeyView {
    let p = settings(p).cloned().unwrap_or_default();
    ApiKeyView {
        name: name.to_string(),
        fingerprint: p.api_key_fingerprint.clone(),
        scopes: p.api_key_scopes.iter().flat_map(|s| s.split_whitespace()).map(String::from).collect(),
        created: p.api_key_created.clone(),
        expires: p.api_key_expires.clone(),
        placement: p.api_key_placement.clone().unwrap_or_else(|| "bearer".into()),
    }
}

impl Keyward {
    /// The API keys of every api-key profile, by name: their metadata from the config (no keychain read).
    pub fn api_keys(&self) -> Result<Vec<ApiKeyView>> {
        let config = self.config.load()?;
        Ok(config.profiles.iter().filter(|(_, p)| p.strategy() == Strategy::ApiKey).map(|(n, p)| view(n, p)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_256_random_bits_in_base64url_after_the_prefix() {
        let a = generate(Some("rk_live_")).unwrap();
        let b = generate(Some("rk_live_")).unwrap();
        assert_ne!(a.expose(), b.expose());
        let rest = a.expose().strip_prefix("rk_live_").unwrap();
        assert_eq!(rest.len(), 43);
        assert!(rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{rest}");
        assert_eq!(generate(None).unwrap().expose().len(), 43);
        assert!(generate(Some("bad prefix")).is_err());
        assert!(generate(Some(&"x".repeat(33))).is_err());
        assert!(generate(Some(&"x".repeat(32))).is_ok());
    }

    #[test]
    fn metadata_fields_check_their_values() {
        let mut p = Profile::new(Strategy::ApiKey);
        for (k, v) in fields_for(&Secret::new("abc"), 1_700_000_000, &["read".into()], Some(1_700_086_400)) {
            p.set(&k, &v).unwrap();
        }
        p.validate().unwrap();
        assert_eq!(p.get(FINGERPRINT).as_deref(), Some("ba7816bf"));
        assert_eq!(created_at(&p), Some(1_700_000_000));
        assert_eq!(expires_at(&p), Some(1_700_086_400));
        p.set(CREATED, "yesterday").unwrap();
        assert!(p.validate().unwrap_err().to_string().contains("RFC 3339"));
        p.set(CREATED, "").unwrap();
        p.set(FINGERPRINT, "xyz").unwrap();
        assert!(p.validate().unwrap_err().to_string().contains("8 hex"));
        assert!(check_scopes(&["a\"b".into()]).is_err());
        assert_eq!(check_scopes(&["a b".into(), "c".into()]).unwrap(), ["a", "b", "c"]);
    }
}
