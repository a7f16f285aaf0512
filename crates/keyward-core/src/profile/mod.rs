//! Profiles: a named way to obtain a credential for one API, its strategy, and its settings.
//!
//! Field names follow seed 004's where they exist (`url`, `clientId`, `scopes`, `noBasic`…). The field
//! catalogue in [`fields`] is the one source of truth for `--set`, `keyward strategies`, validation and the
//! app's forms.

pub(crate) mod fields;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

pub use fields::{fields_of, strategies, FieldInfo, FieldType, StrategyInfo};

use crate::config::ConfigError;
use crate::keychain::SecretField;

/// How a profile obtains its credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum Strategy {
    /// OAuth 2.0 authorization code + PKCE through the system browser and a loopback redirect (RFC 8252).
    #[default]
    Pkce,
    /// OAuth 2.0 client credentials with a client secret (client_secret_basic or client_secret_post).
    ClientCredentials,
    /// OAuth 2.0 client credentials authenticated by a signed JWT assertion (RFC 7523, private_key_jwt).
    PrivateKeyJwt,
    /// A non-standard client-credentials token endpoint, described by seed 004's knobs.
    CustomOauth,
    /// A SAML 2.0 assertion from the IdP exchanged for an access token (RFC 7522).
    SamlBearer,
    /// A provider-issued API key.
    ApiKey,
    /// Email + password to a login endpoint for access/refresh tokens (seed 002).
    JwtLogin,
    /// Email + password to a login endpoint for a session cookie (seed 002).
    Session,
}

impl Strategy {
    pub const ALL: &'static [Strategy] = &[
        Strategy::Pkce,
        Strategy::ClientCredentials,
        Strategy::PrivateKeyJwt,
        Strategy::CustomOauth,
        Strategy::SamlBearer,
        Strategy::ApiKey,
        Strategy::JwtLogin,
        Strategy::Session,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Strategy::Pkce => "pkce",
            Strategy::ClientCredentials => "client-credentials",
            Strategy::PrivateKeyJwt => "private-key-jwt",
            Strategy::CustomOauth => "custom-oauth",
            Strategy::SamlBearer => "saml-bearer",
            Strategy::ApiKey => "api-key",
            Strategy::JwtLogin => "jwt-login",
            Strategy::Session => "session",
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

/// How a client secret reaches a token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// HTTP Basic (RFC 6749 §2.3.1's default).
    Basic,
    /// `client_id` / `client_secret` in the body.
    Post,
    /// Both at once, for servers that demand seed 004's literal default. Not RFC-compliant.
    Both,
}

/// Where an API key goes in a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiKeyPlacement {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// A header of this name, e.g. `X-API-Key`.
    Header(String),
    /// A query parameter of this name, e.g. `api_key`.
    Query(String),
}

impl ApiKeyPlacement {
    pub fn parse(s: &str) -> Option<Self> {
        let valid_name = |n: &str| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        match s.split_once(':') {
            None if s == "bearer" => Some(ApiKeyPlacement::Bearer),
            Some(("header", n)) if valid_name(n) => Some(ApiKeyPlacement::Header(n.to_string())),
            Some(("query", n)) if valid_name(n) => Some(ApiKeyPlacement::Query(n.to_string())),
            _ => None,
        }
    }
}

/// A profile's settings: everything but its secrets, which live in the keychain.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct Profile {
    pub strategy: Strategy,
    /// OpenID Connect / RFC 8414 issuer: endpoints come from its discovery document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorize_url: Option<String>,
    /// The token endpoint (seed 004's `url`); the login endpoint for jwt-login and session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_url: Option<String>,
    /// jwt-login's refresh endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_url: Option<String>,
    /// session's logout endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logout_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_auth: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_port: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_host: Option<RedirectHost>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub authorize_params: BTreeMap<String, String>,
    // Seed 004's knobs of a non-standard token request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_type_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_field_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_grant_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_basic: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basic_no_form: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_field_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_field_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(type = "number | null")]
    pub default_expiration_seconds: Option<u64>,
    // private_key_jwt
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jku: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assertion_audience: Option<String>,
    // api-key
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_placement: Option<String>,
    /// The stored key's scopes, space-separated (recorded, not enforced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_scopes: Option<String>,
    /// When the stored key was generated or stored here (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_created: Option<String>,
    /// When the stored key expires (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_expires: Option<String>,
    /// The first 8 hex of the stored key's SHA-256.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_fingerprint: Option<String>,
    // jwt-login, session
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Days after which the credential is due for rotation (default [`crate::rotation::DEFAULT_PERIOD_DAYS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(type = "number | null")]
    pub rotation_period_days: Option<u64>,
    // Every strategy: where the API is, and where its credential may go.
    /// The API's base URL: "Try a request" starts from it, and its site may receive the credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_base_url: Option<String>,
    /// More hosts (besides the sites of the issuer, token URL and API base URL) that may receive the
    /// credential, space-separated; `.example.com` allows its subdomains too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_hosts: Option<String>,
    // saml-bearer: the SP settings to hand the IdP admin
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sp_entity_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acs_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_id_format: Option<String>,
}

impl Profile {
    pub fn new(strategy: Strategy) -> Self {
        Profile { strategy, ..Profile::default() }
    }

    /// Set one field from its text form (`--set FIELD=VALUE`, a form input, seed 004's JSON where
    /// `"true"` and `"3600"` are strings). `authorizeParams.NAME` sets one extra authorize parameter; an
    /// empty value clears the field. Secret fields are refused: they go to the keychain by another door.
    pub fn set(&mut self, field: &str, value: &str) -> Result<(), ConfigError> {
        let value = value.trim();
        if let Some(param) = field.strip_prefix("authorizeParams.") {
            if param.is_empty() {
                return Err(ConfigError::bad_field(field, "name the parameter: authorizeParams.prompt=consent"));
            }
            fields::check_length(field, param)?;
            fields::check_length(field, value)?;
            if self.authorize_params.len() >= 32 && !self.authorize_params.contains_key(param) {
                return Err(ConfigError::bad_field(field, "at most 32 extra authorize parameters"));
            }
            match value {
                "" => self.authorize_params.remove(param),
                v => self.authorize_params.insert(param.to_string(), v.to_string()),
            };
            return Ok(());
        }
        if field == "strategy" {
            let strategy = Strategy::parse(value)?;
            if strategy != self.strategy {
                // Settings of the old strategy mean nothing to the new one: they are not kept.
                let known = fields_of(strategy);
                let mut doc = serde_json::to_value(&*self).expect("a profile serialises");
                if let Some(map) = doc.as_object_mut() {
                    map.retain(|k, _| known.iter().any(|f| f.name == k.as_str()));
                    map.insert("strategy".into(), serde_json::json!(strategy));
                }
                *self = serde_json::from_value(doc).expect("a subset of a profile is a profile");
            }
            return Ok(());
        }
        let field = if field == "scope" { "scopes" } else { field };
        let info = fields_of(self.strategy).iter().find(|f| f.name == field).ok_or_else(|| {
            let known = fields_of(self.strategy).iter().map(|f| f.name).collect::<Vec<_>>().join(", ");
            ConfigError::UnknownField { field: field.to_string(), known }
        })?;
        if info.kind == FieldType::Secret {
            return Err(ConfigError::bad_field(field, "a secret: it is stored in the keychain, not set like this"));
        }
        let json = if value.is_empty() { serde_json::Value::Null } else { info.parse(value)? };
        let mut doc = serde_json::to_value(&*self).expect("a profile serialises");
        doc[field] = json;
        *self = serde_json::from_value(doc).map_err(|e| ConfigError::bad_field(field, &e.to_string()))?;
        Ok(())
    }

    /// Check that the profile can work: required fields present, URLs well-formed and safe, no
    /// contradictory knobs.
    pub fn validate(&self) -> Result<(), ConfigError> {
        for f in fields_of(self.strategy) {
            if f.required && f.kind != FieldType::Secret && self.get(f.name).is_none() {
                return Err(ConfigError::bad_field(f.name, "required for this strategy"));
            }
        }
        (crate::strategies::def(self.strategy).check)(self)?;
        for (name, value) in [
            ("issuer", &self.issuer),
            ("authorizeUrl", &self.authorize_url),
            ("url", &self.url),
            ("revocationUrl", &self.revocation_url),
            ("refreshUrl", &self.refresh_url),
            ("logoutUrl", &self.logout_url),
            ("jku", &self.jku),
            ("apiBaseUrl", &self.api_base_url),
        ] {
            if let Some(u) = value {
                check_endpoint_url(name, u)?;
            }
        }
        Ok(())
    }

    /// Check the values read from a config file: each must be one its field accepts, so that a bad
    /// `clientAuth` is an error naming the field, never a silent default.
    pub fn check_values(&self) -> Result<(), ConfigError> {
        for info in fields_of(self.strategy) {
            if matches!(info.kind, FieldType::Map | FieldType::Secret) {
                continue;
            }
            if let Some(value) = self.get(info.name) {
                info.parse(&value)?;
            }
        }
        Ok(())
    }

    /// A field's value as text, for required-field checks and forms.
    pub fn get(&self, field: &str) -> Option<String> {
        let doc = serde_json::to_value(self).expect("a profile serialises");
        match doc.get(field)? {
            serde_json::Value::Null => None,
            serde_json::Value::String(s) if s.is_empty() => None,
            serde_json::Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }

    pub fn client_auth(&self) -> ClientAuth {
        match self.client_auth.as_deref() {
            Some("client-secret-post") => ClientAuth::Post,
            Some("both") => ClientAuth::Both,
            _ => ClientAuth::Basic,
        }
    }

    pub fn api_key_placement(&self) -> ApiKeyPlacement {
        self.api_key_placement.as_deref().and_then(ApiKeyPlacement::parse).unwrap_or(ApiKeyPlacement::Bearer)
    }

    /// The hosts this profile's credential may be sent to: the sites (registrable domains, so
    /// `api.example.com` for an issuer `auth.example.com`) of its issuer, token, authorize and API base
    /// URLs, and the hosts named in `apiHosts`. Loopback and IP hosts match exactly, any port.
    pub fn credential_hosts(&self) -> Vec<HostRule> {
        let mut rules = Vec::new();
        for u in [&self.api_base_url, &self.issuer, &self.url, &self.authorize_url, &self.refresh_url] {
            if let Some(host) =
                u.as_deref().and_then(|u| Url::parse(u).ok()).and_then(|u| u.host_str().map(String::from))
            {
                rules.push(HostRule::site_of(&host));
            }
        }
        for entry in self.api_hosts.iter().flat_map(|h| h.split_whitespace()) {
            rules.push(match entry.strip_prefix('.').or_else(|| entry.strip_prefix("*.")) {
                Some(domain) => HostRule::Domain(domain.to_ascii_lowercase()),
                None => HostRule::Exact(entry.to_ascii_lowercase()),
            });
        }
        rules.dedup();
        rules
    }

    /// The secrets this profile's strategy can hold, in the order forms show them.
    pub fn secret_fields(&self) -> &'static [SecretField] {
        crate::strategies::def(self.strategy).secrets
    }
}

/// Where a credential may go: one host, or a domain and its subdomains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostRule {
    Exact(String),
    Domain(String),
}

impl HostRule {
    /// The site of `host`: its registrable domain and subdomains, or the host itself for an IP address,
    /// `localhost` or a name without a public suffix.
    pub fn site_of(host: &str) -> Self {
        let host = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
        if host.parse::<std::net::IpAddr>().is_ok() {
            return HostRule::Exact(host);
        }
        match psl::domain_str(&host) {
            Some(site) if site.contains('.') => HostRule::Domain(site.to_string()),
            _ => HostRule::Exact(host),
        }
    }

    pub fn matches(&self, host: &str) -> bool {
        let host = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
        match self {
            HostRule::Exact(h) => host == *h,
            HostRule::Domain(d) => host == *d || host.ends_with(&format!(".{d}")),
        }
    }
}

impl std::fmt::Display for HostRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HostRule::Exact(h) => f.write_str(h),
            HostRule::Domain(d) => write!(f, "{d} and its subdomains"),
        }
    }
}

/// A space-separated list of host names or IP addresses (`.example.com` for a domain and its subdomains).
pub(crate) fn check_hosts(field: &str, value: &str) -> Result<(), ConfigError> {
    for entry in value.split_whitespace() {
        let name = entry.strip_prefix("*.").or_else(|| entry.strip_prefix('.')).unwrap_or(entry);
        let plain = name.trim_start_matches('[').trim_end_matches(']');
        if name.is_empty()
            || name.contains(['/', ':', '@']) && plain.parse::<std::net::Ipv6Addr>().is_err()
            || url::Host::parse(plain).is_err() && plain.parse::<std::net::Ipv6Addr>().is_err()
        {
            return Err(ConfigError::bad_field(
                field,
                &format!("{entry:?} is not a host name; give names such as api.example.com or .example.com, without scheme, port or path"),
            ));
        }
    }
    Ok(())
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

/// A profile or key name: letters, digits, `.`, `_` and `-`, 1 to 64 of them (they name keychain
/// entries and environment variables).
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

#[cfg(test)]
mod tests;
