//! Profiles: a named way to obtain a credential for one API, its strategy, and the fields each takes.
//!
//! Field names follow seed 004's where they exist (`url`, `clientId`, `scopes`…). The strategy metadata in
//! [`strategies`] is the one source of truth for `keyward strategies`, validation and the app's forms.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

use crate::config::ConfigError;

/// How a profile obtains its credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum Strategy {
    /// OAuth 2.0 authorization code + PKCE through the system browser and a loopback redirect (RFC 8252).
    Pkce,
}

impl Strategy {
    pub const ALL: &'static [Strategy] = &[Strategy::Pkce];

    pub fn id(self) -> &'static str {
        match self {
            Strategy::Pkce => "pkce",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ConfigError> {
        Self::ALL.iter().copied().find(|st| st.id() == s).ok_or_else(|| ConfigError::UnknownStrategy {
            given: s.to_string(),
            known: Self::ALL.iter().map(|s| s.id()).collect::<Vec<_>>().join(", "),
        })
    }
}

/// Which host name the loopback redirect URI uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum RedirectHost {
    /// `http://127.0.0.1:PORT/callback` (RFC 8252 §7.3's recommendation).
    #[default]
    #[serde(rename = "127.0.0.1")]
    Ipv4,
    /// `http://localhost:PORT/callback`, for providers that register only that.
    #[serde(rename = "localhost")]
    Localhost,
    /// `http://[::1]:PORT/callback`.
    #[serde(rename = "[::1]")]
    Ipv6,
}

impl RedirectHost {
    pub fn as_str(self) -> &'static str {
        match self {
            RedirectHost::Ipv4 => "127.0.0.1",
            RedirectHost::Localhost => "localhost",
            RedirectHost::Ipv6 => "[::1]",
        }
    }
}

/// A profile's settings: everything but its secrets, which live in the keychain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct Profile {
    pub strategy: Strategy,
    /// OpenID Connect / RFC 8414 issuer: endpoints come from its discovery document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// Authorization endpoint, for providers without discovery (overrides discovery).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorize_url: Option<String>,
    /// Token endpoint (seed 004's `url`), for providers without discovery (overrides discovery).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Revocation endpoint (RFC 7009), when discovery does not name one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Space-separated scopes to request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Loopback port for the redirect; 0 or absent = any free port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_port: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_host: Option<RedirectHost>,
    /// Extra authorize parameters (`prompt`, `login_hint`, `acr_values`…).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub authorize_params: BTreeMap<String, String>,
}

impl Profile {
    pub fn new(strategy: Strategy) -> Self {
        Profile {
            strategy,
            issuer: None,
            authorize_url: None,
            url: None,
            revocation_url: None,
            client_id: None,
            scopes: None,
            audience: None,
            resource: None,
            redirect_port: None,
            redirect_host: None,
            authorize_params: BTreeMap::new(),
        }
    }

    /// Set one field from its text form (`--set FIELD=VALUE`, a form input). `authorizeParams.NAME`
    /// sets one extra authorize parameter; an empty value clears the field.
    pub fn set(&mut self, field: &str, value: &str) -> Result<(), ConfigError> {
        let v = || (!value.is_empty()).then(|| value.trim().to_string());
        if let Some(param) = field.strip_prefix("authorizeParams.") {
            if param.is_empty() {
                return Err(ConfigError::bad_field(field, "name the parameter: authorizeParams.prompt=consent"));
            }
            match v() {
                Some(val) => self.authorize_params.insert(param.to_string(), val),
                None => self.authorize_params.remove(param),
            };
            return Ok(());
        }
        match field {
            "strategy" => self.strategy = Strategy::parse(value)?,
            "issuer" => self.issuer = v(),
            "authorizeUrl" => self.authorize_url = v(),
            "url" => self.url = v(),
            "revocationUrl" => self.revocation_url = v(),
            "clientId" => self.client_id = v(),
            "scopes" | "scope" => self.scopes = v().map(|s| s.split_whitespace().collect::<Vec<_>>().join(" ")),
            "audience" => self.audience = v(),
            "resource" => self.resource = v(),
            "redirectPort" => {
                self.redirect_port = match v() {
                    None => None,
                    Some(p) => Some(p.parse().map_err(|_| {
                        ConfigError::bad_field(field, "a port number from 0 to 65535 (0 = any free port)")
                    })?),
                }
            }
            "redirectHost" => {
                self.redirect_host = match v().as_deref() {
                    None => None,
                    Some("127.0.0.1") => Some(RedirectHost::Ipv4),
                    Some("localhost") => Some(RedirectHost::Localhost),
                    Some("[::1]") | Some("::1") => Some(RedirectHost::Ipv6),
                    Some(_) => return Err(ConfigError::bad_field(field, "one of 127.0.0.1, localhost, [::1]")),
                }
            }
            _ => {
                let known = fields_of(self.strategy).iter().map(|f| f.name).collect::<Vec<_>>().join(", ");
                return Err(ConfigError::UnknownField { field: field.to_string(), known });
            }
        }
        Ok(())
    }

    /// Check that the profile can work: required fields present, URLs well-formed and safe.
    pub fn validate(&self) -> Result<(), ConfigError> {
        match self.strategy {
            Strategy::Pkce => {
                require(&self.client_id, "clientId")?;
                if self.issuer.is_none() && (self.authorize_url.is_none() || self.url.is_none()) {
                    return Err(ConfigError::bad_field(
                        "issuer",
                        "set --issuer (for discovery), or both authorizeUrl and url for a provider without it",
                    ));
                }
            }
        }
        for (name, value) in [
            ("issuer", &self.issuer),
            ("authorizeUrl", &self.authorize_url),
            ("url", &self.url),
            ("revocationUrl", &self.revocation_url),
        ] {
            if let Some(u) = value {
                check_endpoint_url(name, u)?;
            }
        }
        Ok(())
    }
}

fn require(value: &Option<String>, name: &str) -> Result<(), ConfigError> {
    match value {
        Some(v) if !v.trim().is_empty() => Ok(()),
        _ => Err(ConfigError::bad_field(name, "required for this strategy")),
    }
}

/// An endpoint must be https, or http on a loopback address (local development, the test rig).
pub fn check_endpoint_url(name: &str, value: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(value).map_err(|e| ConfigError::bad_field(name, &format!("not a URL ({e})")))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        "http" => {
            Err(ConfigError::bad_field(name, "use https (plain http is allowed only for 127.0.0.1 and localhost)"))
        }
        _ => Err(ConfigError::bad_field(name, "an http(s) URL")),
    }
}

/// A profile name: letters, digits, `.`, `_` and `-`, 1 to 64 of them (they name keychain entries).
pub fn check_name(name: &str) -> Result<(), ConfigError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && !name.starts_with(['.', '-']);
    if ok {
        Ok(())
    } else {
        Err(ConfigError::BadName(name.to_string()))
    }
}

/// The kind of value a field takes, for forms and `keyward strategies --json`.
#[derive(Debug, Clone, Copy, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum FieldType {
    Text,
    Url,
    Port,
    Scopes,
    Choice,
    Map,
    Secret,
}

/// One field of a strategy, described for people.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FieldInfo {
    pub name: &'static str,
    #[serde(rename = "type")]
    pub kind: FieldType,
    pub required: bool,
    pub help: &'static str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub choices: &'static [&'static str],
}

/// A strategy, described for people.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StrategyInfo {
    pub id: Strategy,
    pub title: &'static str,
    pub help: &'static str,
    pub fields: &'static [FieldInfo],
}

const fn field(name: &'static str, kind: FieldType, required: bool, help: &'static str) -> FieldInfo {
    FieldInfo { name, kind, required, help, choices: &[] }
}

const PKCE_FIELDS: &[FieldInfo] = &[
    field("issuer", FieldType::Url, false, "The provider's issuer URL; endpoints are read from its discovery document. Leave empty to give authorizeUrl and url instead."),
    field("clientId", FieldType::Text, true, "The client ID of your app registration (a public, native client)."),
    field("scopes", FieldType::Scopes, false, "Space-separated scopes, e.g. \"openid offline_access read:users\". offline_access asks for a refresh token."),
    field("authorizeUrl", FieldType::Url, false, "Authorization endpoint, for providers without discovery."),
    field("url", FieldType::Url, false, "Token endpoint, for providers without discovery."),
    field("revocationUrl", FieldType::Url, false, "Token revocation endpoint (RFC 7009), when discovery does not name one."),
    field("audience", FieldType::Text, false, "Sent as the audience authorize parameter, for providers that want one."),
    field("resource", FieldType::Url, false, "Resource indicator (RFC 8707) sent with the authorize and token requests."),
    field("redirectPort", FieldType::Port, false, "Loopback port for the redirect; empty or 0 = any free port (RFC 8252). Set one only if the provider registered a fixed port."),
    FieldInfo {
        name: "redirectHost",
        kind: FieldType::Choice,
        required: false,
        help: "Host in the redirect URI: 127.0.0.1 (default), or localhost / [::1] if the provider registered that.",
        choices: &["127.0.0.1", "localhost", "[::1]"],
    },
    field("authorizeParams", FieldType::Map, false, "Extra authorize parameters, set one with authorizeParams.NAME=VALUE (prompt, login_hint, acr_values…)."),
];

pub fn fields_of(strategy: Strategy) -> &'static [FieldInfo] {
    match strategy {
        Strategy::Pkce => PKCE_FIELDS,
    }
}

/// Every supported strategy with its fields.
pub fn strategies() -> Vec<StrategyInfo> {
    Strategy::ALL
        .iter()
        .map(|&s| match s {
            Strategy::Pkce => StrategyInfo {
                id: s,
                title: "Log in (authorization code + PKCE)",
                help: "Signs you in through your browser and keeps the tokens fresh. For APIs that act on behalf of a user.",
                fields: fields_of(s),
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_coerces_and_rejects() {
        let mut p = Profile::new(Strategy::Pkce);
        p.set("scopes", "  openid   read:users ").unwrap();
        assert_eq!(p.scopes.as_deref(), Some("openid read:users"));
        p.set("redirectPort", "8765").unwrap();
        assert_eq!(p.redirect_port, Some(8765));
        assert!(p.set("redirectPort", "http").is_err());
        p.set("authorizeParams.prompt", "consent").unwrap();
        assert_eq!(p.authorize_params["prompt"], "consent");
        p.set("authorizeParams.prompt", "").unwrap();
        assert!(p.authorize_params.is_empty());
        let err = p.set("clientSecret", "x").unwrap_err().to_string();
        assert!(err.contains("clientId"), "the error lists the fields that exist: {err}");
    }

    #[test]
    fn endpoints_must_be_https_unless_loopback() {
        assert!(check_endpoint_url("issuer", "https://id.example.com").is_ok());
        assert!(check_endpoint_url("issuer", "http://127.0.0.1:8080").is_ok());
        assert!(check_endpoint_url("issuer", "http://localhost:8080").is_ok());
        assert!(check_endpoint_url("issuer", "http://id.example.com").is_err());
        assert!(check_endpoint_url("issuer", "ftp://id.example.com").is_err());
        assert!(check_endpoint_url("issuer", "not a url").is_err());
    }

    #[test]
    fn names_are_safe_for_keychain_accounts() {
        assert!(check_name("demo-1.prod_eu").is_ok());
        for bad in ["", "a/b", "-x", "with space", &"x".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn a_pkce_profile_needs_a_client_and_endpoints() {
        let mut p = Profile::new(Strategy::Pkce);
        assert!(p.validate().is_err());
        p.set("clientId", "native-app").unwrap();
        assert!(p.validate().is_err(), "no issuer nor explicit endpoints");
        p.set("authorizeUrl", "http://127.0.0.1:1/auth").unwrap();
        p.set("url", "http://127.0.0.1:1/token").unwrap();
        p.validate().unwrap();
    }
}
