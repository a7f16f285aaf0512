//! A Postman environment imported into profiles: an API key becomes an api-key profile, a token URL with
//! a client id a client-credentials profile, a lone access token a bearer-token profile. Secrets go
//! straight to the keychain. What Keyward exports, it imports back to the same settings.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ExportError;
use crate::audit::{AuditAction, Outcome};
use crate::config::ConfigError;
use crate::error::Result;
use crate::keychain::SecretField;
use crate::profile::{check_name, ApiKeyPlacement, Profile, Strategy};
use crate::secret::Secret;
use crate::token::{StoredToken, TokenMeta};

/// The most a Postman environment file may hold.
pub const MAX_IMPORT: usize = 1 << 20;

/// One profile an import made.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportedProfile {
    pub name: String,
    pub strategy: Strategy,
    /// The secrets stored in the keychain (names only).
    pub secrets: Vec<String>,
}

/// What an import did.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportOutcome {
    pub profiles: Vec<ImportedProfile>,
    /// Variables that were not used (names only).
    pub ignored: Vec<String>,
    pub notes: Vec<String>,
}

#[derive(Deserialize)]
struct Environment {
    #[serde(default)]
    name: Option<String>,
    values: Vec<Value>,
}

#[derive(Deserialize)]
struct Value {
    key: String,
    #[serde(default)]
    value: serde_json::Value,
    #[serde(default = "yes")]
    enabled: bool,
}

fn yes() -> bool {
    true
}

/// Canonical names, and the spellings Postman users give them.
const KNOWN: &[(&str, &[&str])] = &[
    ("baseUrl", &["baseurl", "base_url", "baseURL"]),
    ("accessToken", &["access_token", "token", "bearerToken", "bearer_token"]),
    ("tokenType", &["token_type"]),
    ("accessTokenExpiresAt", &[]),
    ("apiKey", &["api_key", "apikey", "x-api-key"]),
    ("apiKeyPlacement", &[]),
    ("clientId", &["client_id"]),
    ("clientSecret", &["client_secret"]),
    ("clientAuth", &[]),
    ("tokenUrl", &["token_url", "accessTokenUrl"]),
    ("scope", &["scopes"]),
    ("refreshToken", &["refresh_token"]),
];

/// The canonical name of a variable's suffix, and its profile prefix ("" when it has none).
fn classify(key: &str) -> Option<(&'static str, String)> {
    let canon = |s: &str| {
        KNOWN.iter().find(|(c, aliases)| c.eq_ignore_ascii_case(s) || aliases.iter().any(|a| a.eq_ignore_ascii_case(s)))
    };
    if let Some((c, _)) = canon(key) {
        return Some((c, String::new()));
    }
    // `billing_accessToken`: the longest known suffix after an underscore.
    key.char_indices().filter(|(_, ch)| *ch == '_').find_map(|(i, _)| {
        let (prefix, rest) = (&key[..i], &key[i + 1..]);
        canon(rest).filter(|_| !prefix.is_empty()).map(|(c, _)| (*c, prefix.to_string()))
    })
}

/// A profile name from an environment's name: "Billing API (prod)" → "billing-api-prod".
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().trim_start_matches("Keyward:").trim().chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out: String = out.trim_end_matches('-').chars().take(64).collect();
    if out.is_empty() {
        "imported".into()
    } else {
        out
    }
}

struct Planned {
    name: String,
    profile: Profile,
    secrets: Vec<(SecretField, Secret)>,
}

/// A Postman environment read and its profiles planned (every value checked), before anything is written:
/// the pure part of an import, which the fuzz target drives with any bytes.
pub struct PostmanPlan {
    planned: Vec<Planned>,
    ignored: Vec<String>,
    notes: Vec<String>,
}

impl PostmanPlan {
    /// The names of the profiles the import would make.
    pub fn names(&self) -> Vec<&str> {
        self.planned.iter().map(|p| p.name.as_str()).collect()
    }
}

/// Read a Postman environment (its JSON text) into the profiles it makes; `now` stamps imported keys and
/// tokens. Refuses a file that is not one, holds no credential, or a value that is not valid for its field.
pub fn plan_postman(text: &str, name: Option<&str>, now: i64) -> Result<PostmanPlan> {
    let not_postman = |problem: String| ExportError::NotPostman { what: "the file".into(), problem };
    if text.len() > MAX_IMPORT {
        return Err(not_postman(format!("it is larger than {} KiB", MAX_IMPORT >> 10)).into());
    }
    let env: Environment = serde_json::from_str(text).map_err(|e| {
        not_postman(format!(
            "expected Postman's JSON with a \"values\" list ({})",
            crate::flow::truncate(&e.to_string(), 120)
        ))
    })?;
    let mut groups: BTreeMap<String, BTreeMap<&'static str, String>> = BTreeMap::new();
    let mut ignored = Vec::new();
    for v in env.values.iter().filter(|v| v.enabled) {
        let value = match &v.value {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(b) => b.to_string(),
            _ => String::new(),
        };
        match classify(&v.key) {
            Some((canon, prefix)) if !value.is_empty() => {
                groups.entry(prefix).or_default().insert(canon, value);
            }
            _ => ignored.push(crate::flow::truncate(&v.key, 64)),
        }
    }
    let usable = |g: &BTreeMap<&str, String>| {
        g.contains_key("apiKey")
            || g.contains_key("accessToken")
            || (g.contains_key("tokenUrl") && g.contains_key("clientId"))
    };
    groups.retain(|prefix, g| {
        let keep = usable(g);
        if !keep {
            ignored.extend(g.keys().map(|k| if prefix.is_empty() { k.to_string() } else { format!("{prefix}_{k}") }));
        }
        keep
    });
    if groups.is_empty() {
        return Err(ExportError::NothingToImport {
            looked_for: "apiKey, accessToken, or tokenUrl with clientId".into(),
        }
        .into());
    }
    if name.is_some() && groups.len() > 1 {
        return Err(ConfigError::bad_field(
            "--name",
            &format!("the environment holds {} credentials, named by their prefixes; leave the name out", groups.len()),
        )
        .into());
    }
    let mut notes = Vec::new();
    let mut planned: Vec<Planned> = Vec::new();
    for (prefix, g) in &groups {
        let profile_name = match (name, prefix.is_empty()) {
            (Some(n), _) => n.to_string(),
            (None, false) => prefix.clone(),
            (None, true) => slug(env.name.as_deref().unwrap_or("imported")),
        };
        check_name(&profile_name)?;
        if planned.iter().any(|p| p.name == profile_name) {
            return Err(ConfigError::Exists(profile_name).into());
        }
        planned.push(plan(&profile_name, g, now, &mut notes)?);
    }
    Ok(PostmanPlan { planned, ignored, notes })
}

impl crate::Keyward {
    /// Import a Postman environment (its JSON text). Every profile is checked before any is written: a
    /// name that exists already, or a value that is not valid for its field, imports nothing.
    pub fn import_postman(&self, text: &str, name: Option<&str>) -> Result<ImportOutcome> {
        let PostmanPlan { planned, ignored, notes } = plan_postman(text, name, self.clock.now())?;
        let config = self.config.load()?;
        if let Some(p) = planned.iter().find(|p| config.profiles.contains_key(&p.name)) {
            return Err(ConfigError::Exists(p.name.clone()).into());
        }
        let mut outcome = ImportOutcome { profiles: Vec::new(), ignored, notes };
        for p in planned {
            let secrets: Vec<String> = p.secrets.iter().map(|(f, _)| f.name().to_string()).collect();
            let strategy = p.profile.strategy();
            self.add(&p.name, p.profile, p.secrets)?;
            self.record(
                AuditAction::Imported,
                &p.name,
                Outcome::Ok,
                Some(format!("from a Postman environment as {}; keychain: {}", strategy.id(), secrets.join(", "))),
            );
            outcome.profiles.push(ImportedProfile { name: p.name, strategy, secrets });
        }
        Ok(outcome)
    }
}

/// The profile one group of variables makes.
fn plan(name: &str, g: &BTreeMap<&'static str, String>, now: i64, notes: &mut Vec<String>) -> Result<Planned> {
    let get = |k: &str| g.get(k).map(String::as_str);
    let mut secrets = Vec::new();
    let strategy = if get("apiKey").is_some() {
        Strategy::ApiKey
    } else if get("tokenUrl").is_some() && get("clientId").is_some() {
        Strategy::ClientCredentials
    } else {
        Strategy::ApiKey
    };
    let mut profile = Profile::new(strategy);
    if let Some(base) = get("baseUrl") {
        profile.set("apiBaseUrl", base)?;
    }
    match strategy {
        Strategy::ClientCredentials => {
            profile.set("url", get("tokenUrl").expect("checked"))?;
            profile.set("clientId", get("clientId").expect("checked"))?;
            if let Some(s) = get("scope") {
                profile.set("scopes", s)?;
            }
            if let Some(a) = get("clientAuth") {
                profile.set("clientAuth", a)?;
            }
            match get("clientSecret") {
                Some(s) => secrets.push((SecretField::ClientSecret, Secret::new(s))),
                None => notes.push(format!("{name} has no client secret in the file: add it to the profile")),
            }
            if let Some(token) = get("accessToken") {
                let expires_at = get("accessTokenExpiresAt")
                    .and_then(|t| time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok());
                let stored = StoredToken {
                    access_token: Secret::new(token),
                    meta: TokenMeta {
                        expires_at: expires_at.map(|t| t.unix_timestamp()),
                        issued_at: now,
                        scope: get("scope").map(String::from),
                        subject: None,
                        token_type: get("tokenType").unwrap_or("Bearer").to_string(),
                        refresh_expires_at: None,
                    },
                };
                secrets.push((SecretField::AccessToken, stored.to_secret()));
            }
        }
        _ => {
            let (key, placement) = match get("apiKey") {
                Some(k) => (k, get("apiKeyPlacement").unwrap_or("bearer")),
                None => {
                    notes.push(format!(
                        "{name} holds the access token as a fixed bearer token: it is not refreshed when it expires"
                    ));
                    (get("accessToken").expect("usable"), "bearer")
                }
            };
            if ApiKeyPlacement::parse(placement).is_none() {
                return Err(ConfigError::bad_field("apiKeyPlacement", "bearer, header:NAME or query:NAME").into());
            }
            profile.set("apiKeyPlacement", placement)?;
            // As a stored key: its fingerprint, and when it was stored here.
            let key = Secret::new(key);
            for (field, value) in crate::keys::api_key::fields_for(&key, now, &[], None) {
                profile.set(&field, &value)?;
            }
            secrets.push((SecretField::ApiKey, key));
        }
    }
    profile.validate()?;
    Ok(Planned { name: name.to_string(), profile, secrets })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_prefixes() {
        assert_eq!(classify("accessToken"), Some(("accessToken", String::new())));
        assert_eq!(classify("API_KEY"), Some(("apiKey", String::new())));
        assert_eq!(classify("billing_accessToken"), Some(("accessToken", "billing".into())));
        assert_eq!(classify("my_svc_apiKey"), Some(("apiKey", "my_svc".into())));
        assert_eq!(classify("favouriteColour"), None);
        assert_eq!(slug("Keyward: Billing API (prod)"), "billing-api-prod");
        assert_eq!(slug("!!!"), "imported");
    }
}
