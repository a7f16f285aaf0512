//! Profiles: a named way to obtain a credential for one API, its strategy, and its settings.
//!
//! Field names follow seed 004's where they exist (`url`, `clientId`, `scopes`, `noBasic`…). The field
//! catalogue in [`fields`] is the one source of truth for `--set`, `keyward strategies`, validation and the
//! app's forms.

pub(crate) mod fields;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

pub use fields::{fields_of, strategies, FieldInfo, FieldType, StrategyInfo};

use crate::config::ConfigError;
use crate::keychain::SecretField;
use crate::strategies::{
    api_key, client_credentials, custom_oauth, jwt_login, pkce, private_key_jwt, saml_bearer, session,
};

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

/// A profile's settings: its strategy's own, tagged by `strategy`, and the API fields every strategy has.
/// Everything but its secrets, which live in the keychain.
///
/// On disk, over team stores and to the window it is one flat JSON object, `{"strategy": "pkce",
/// "issuer": …, "apiBaseUrl": …}`, as config files have always held it. Reading one refuses a field its
/// strategy does not have (naming it), and a secret written into it: settings invalid for their
/// strategy cannot be stored.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Profile {
    #[serde(flatten)]
    #[ts(flatten)]
    pub settings: Settings,
    #[serde(flatten)]
    #[ts(flatten)]
    pub api: ApiSettings,
}

/// Each strategy's own settings; each type lives in its strategy's module (`strategies/`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "strategy", rename_all = "kebab-case")]
#[ts(export)]
// A custom endpoint has seed 004's twenty knobs; a profile is read from a small file and never in bulk, so
// boxing that variant would buy nothing but indirection.
#[allow(clippy::large_enum_variant)]
pub enum Settings {
    Pkce(pkce::Settings),
    ClientCredentials(client_credentials::Settings),
    PrivateKeyJwt(private_key_jwt::Settings),
    CustomOauth(custom_oauth::Settings),
    SamlBearer(saml_bearer::Settings),
    ApiKey(api_key::Settings),
    JwtLogin(jwt_login::Settings),
    Session(session::Settings),
}

/// What every strategy has: where the API is, where its credential may go, and how old it may get.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields = nullable)]
pub struct ApiSettings {
    /// The API's base URL: "Try a request" starts from it, and its site may receive the credential.
    pub api_base_url: Option<String>,
    /// More hosts (besides the sites of the issuer, token URL and API base URL) that may receive the
    /// credential, space-separated; `.example.com` allows its subdomains too.
    pub api_hosts: Option<String>,
    /// Days after which the credential is due for rotation (default [`crate::rotation::DEFAULT_PERIOD_DAYS`]);
    /// only strategies whose credential rotates have it.
    #[ts(type = "number | null")]
    pub rotation_period_days: Option<u64>,
}

impl ApiSettings {
    const FIELDS: [&'static str; 3] = ["apiBaseUrl", "apiHosts", "rotationPeriodDays"];
}

/// The settings a strategy's module reads: `S::of(profile)` in a function the registry called for that
/// strategy.
pub trait StrategySettings: Sized {
    fn of(settings: &Settings) -> Option<&Self>;
}

macro_rules! settings_of {
    ($($variant:ident => $module:ident),* $(,)?) => {
        impl Settings {
            /// Empty settings of `strategy`.
            pub fn new(strategy: Strategy) -> Self {
                match strategy {
                    $(Strategy::$variant => Settings::$variant(Default::default()),)*
                }
            }

            pub fn strategy(&self) -> Strategy {
                match self {
                    $(Settings::$variant(_) => Strategy::$variant,)*
                }
            }
        }

        $(impl StrategySettings for $module::Settings {
            fn of(settings: &Settings) -> Option<&Self> {
                match settings {
                    Settings::$variant(s) => Some(s),
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }
        })*
    };
}

settings_of! {
    Pkce => pkce,
    ClientCredentials => client_credentials,
    PrivateKeyJwt => private_key_jwt,
    CustomOauth => custom_oauth,
    SamlBearer => saml_bearer,
    ApiKey => api_key,
    JwtLogin => jwt_login,
    Session => session,
}

impl Settings {
    /// The token endpoint (the login endpoint of jwt-login and session), for the strategies that have one.
    pub fn url(&self) -> Option<&str> {
        match self {
            Settings::Pkce(s) => s.url.as_deref(),
            Settings::ClientCredentials(s) => s.url.as_deref(),
            Settings::PrivateKeyJwt(s) => s.url.as_deref(),
            Settings::CustomOauth(s) => s.url.as_deref(),
            Settings::SamlBearer(s) => s.url.as_deref(),
            Settings::JwtLogin(s) => s.url.as_deref(),
            Settings::Session(s) => s.url.as_deref(),
            Settings::ApiKey(_) => None,
        }
    }

    /// The OAuth client ID, for the strategies that are an OAuth client.
    pub fn client_id(&self) -> Option<&str> {
        match self {
            Settings::Pkce(s) => s.client_id.as_deref(),
            Settings::ClientCredentials(s) => s.client_id.as_deref(),
            Settings::PrivateKeyJwt(s) => s.client_id.as_deref(),
            Settings::CustomOauth(s) => s.client_id.as_deref(),
            Settings::SamlBearer(s) => s.client_id.as_deref(),
            Settings::ApiKey(_) | Settings::JwtLogin(_) | Settings::Session(_) => None,
        }
    }

    /// The scopes a token request asks for, space-separated.
    pub fn scopes(&self) -> Option<&str> {
        match self {
            Settings::Pkce(s) => s.scopes.as_deref(),
            Settings::ClientCredentials(s) => s.scopes.as_deref(),
            Settings::PrivateKeyJwt(s) => s.scopes.as_deref(),
            Settings::CustomOauth(s) => s.scopes.as_deref(),
            Settings::SamlBearer(s) => s.scopes.as_deref(),
            Settings::ApiKey(_) | Settings::JwtLogin(_) | Settings::Session(_) => None,
        }
    }

    /// The `audience` and `resource` a token request carries, for the strategies that send them.
    pub fn audience_and_resource(&self) -> (Option<&str>, Option<&str>) {
        match self {
            Settings::Pkce(s) => (s.audience.as_deref(), s.resource.as_deref()),
            Settings::ClientCredentials(s) => (s.audience.as_deref(), s.resource.as_deref()),
            Settings::PrivateKeyJwt(s) => (s.audience.as_deref(), s.resource.as_deref()),
            Settings::CustomOauth(s) => (s.audience.as_deref(), s.resource.as_deref()),
            _ => (None, None),
        }
    }

    /// The OpenID issuer (pkce).
    pub fn issuer(&self) -> Option<&str> {
        match self {
            Settings::Pkce(s) => s.issuer.as_deref(),
            _ => None,
        }
    }

    /// The key pair that signs the client assertion (private-key-jwt).
    pub fn key_name(&self) -> Option<&str> {
        match self {
            Settings::PrivateKeyJwt(s) => s.key_name.as_deref(),
            _ => None,
        }
    }

    /// The key pair's name to change (private-key-jwt: a key-pair rotation switches it).
    pub fn key_name_mut(&mut self) -> Option<&mut Option<String>> {
        match self {
            Settings::PrivateKeyJwt(s) => Some(&mut s.key_name),
            _ => None,
        }
    }

    /// How the client secret is sent, as configured (`clientAuth`).
    pub fn client_auth(&self) -> ClientAuth {
        let configured = match self {
            Settings::ClientCredentials(s) => s.client_auth.as_deref(),
            Settings::CustomOauth(s) => s.client_auth.as_deref(),
            _ => None,
        };
        match configured {
            Some("client-secret-post") => ClientAuth::Post,
            Some("both") => ClientAuth::Both,
            _ => ClientAuth::Basic,
        }
    }

    /// The login email (jwt-login, session).
    pub fn email(&self) -> Option<&str> {
        match self {
            Settings::JwtLogin(s) => s.email.as_deref(),
            Settings::Session(s) => s.email.as_deref(),
            _ => None,
        }
    }
}

impl Default for Profile {
    fn default() -> Self {
        Profile::new(Strategy::default())
    }
}

/// `map` as `T`; a value of the wrong type is an error naming its field.
fn typed<T: serde::de::DeserializeOwned>(
    map: serde_json::Map<String, serde_json::Value>,
    strategy: Option<Strategy>,
) -> Result<T, ConfigError> {
    serde_json::from_value(serde_json::Value::Object(map.clone())).map_err(|e| {
        let alone = |k: &String, v: &serde_json::Value| {
            let mut one = serde_json::Map::new();
            if let Some(s) = strategy {
                one.insert("strategy".into(), serde_json::json!(s));
            }
            one.insert(k.clone(), v.clone());
            serde_json::from_value::<T>(serde_json::Value::Object(one)).is_err()
        };
        let field = map.iter().filter(|(k, _)| *k != "strategy").find(|(k, v)| alone(k, v)).map(|(k, _)| k.as_str());
        ConfigError::bad_field(field.unwrap_or("settings"), &e.to_string())
    })
}

impl<'de> Deserialize<'de> for Profile {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
        Profile::from_map(map).map_err(serde::de::Error::custom)
    }
}

impl Profile {
    pub fn new(strategy: Strategy) -> Self {
        Profile { settings: Settings::new(strategy), api: ApiSettings::default() }
    }

    pub fn strategy(&self) -> Strategy {
        self.settings.strategy()
    }

    /// A profile from its flat JSON form: the strategy's fields and the API fields, nothing else.
    fn from_map(mut map: serde_json::Map<String, serde_json::Value>) -> Result<Self, ConfigError> {
        map.retain(|_, v| !v.is_null());
        let strategy = match map.get("strategy") {
            Some(serde_json::Value::String(s)) => Strategy::parse(s)?,
            Some(_) => return Err(ConfigError::bad_field("strategy", "the strategy's name, e.g. \"pkce\"")),
            None => return Err(ConfigError::bad_field("strategy", "missing: every profile names its strategy")),
        };
        let known = fields_of(strategy);
        let mut api = serde_json::Map::new();
        for key in map.keys().filter(|k| *k != "strategy").cloned().collect::<Vec<_>>() {
            match known.iter().find(|f| f.name == key) {
                None => {
                    let known = known.iter().map(|f| f.name).collect::<Vec<_>>().join(", ");
                    return Err(ConfigError::UnknownField { field: key, known });
                }
                Some(f) if f.kind == FieldType::Secret => {
                    return Err(ConfigError::bad_field(
                        &key,
                        "a secret: it belongs in the keychain, never in the settings",
                    ));
                }
                Some(_) if ApiSettings::FIELDS.contains(&key.as_str()) => {
                    api.insert(key.clone(), map.remove(&key).expect("the key was just listed"));
                }
                Some(_) => {}
            }
        }
        Ok(Profile { settings: typed(map, Some(strategy))?, api: typed(api, None)? })
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
            let strategy = self.strategy();
            let Settings::Pkce(s) = &mut self.settings else {
                let known = fields_of(strategy).iter().map(|f| f.name).collect::<Vec<_>>().join(", ");
                return Err(ConfigError::UnknownField { field: "authorizeParams".into(), known });
            };
            if s.authorize_params.len() >= 32 && !s.authorize_params.contains_key(param) {
                return Err(ConfigError::bad_field(field, "at most 32 extra authorize parameters"));
            }
            match value {
                "" => s.authorize_params.remove(param),
                v => s.authorize_params.insert(param.to_string(), v.to_string()),
            };
            return Ok(());
        }
        if field == "strategy" {
            let strategy = Strategy::parse(value)?;
            if strategy != self.strategy() {
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
        let info = fields_of(self.strategy()).iter().find(|f| f.name == field).ok_or_else(|| {
            let known = fields_of(self.strategy()).iter().map(|f| f.name).collect::<Vec<_>>().join(", ");
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
        for f in fields_of(self.strategy()) {
            if f.required && f.kind != FieldType::Secret && self.get(f.name).is_none() {
                return Err(ConfigError::bad_field(f.name, "required for this strategy"));
            }
        }
        (crate::strategies::def(self.strategy()).check)(self)?;
        for f in fields_of(self.strategy()).iter().filter(|f| f.kind == FieldType::Url) {
            if let Some(u) = self.get(f.name) {
                check_endpoint_url(f.name, &u)?;
            }
        }
        Ok(())
    }

    /// Check the values read from a config file: each must be one its field accepts, so that a bad
    /// `clientAuth` is an error naming the field, never a silent default.
    pub fn check_values(&self) -> Result<(), ConfigError> {
        for info in fields_of(self.strategy()) {
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
        self.settings.client_auth()
    }

    /// Where the API key goes (api-key); bearer unless `apiKeyPlacement` says otherwise.
    pub fn api_key_placement(&self) -> ApiKeyPlacement {
        match &self.settings {
            Settings::ApiKey(s) => s.api_key_placement.as_deref().and_then(ApiKeyPlacement::parse),
            _ => None,
        }
        .unwrap_or(ApiKeyPlacement::Bearer)
    }

    /// The hosts this profile's credential may be sent to: the sites (registrable domains, so
    /// `api.example.com` for an issuer `auth.example.com`) of its issuer, token, authorize and API base
    /// URLs, and the hosts named in `apiHosts`. Loopback and IP hosts match exactly, any port.
    pub fn credential_hosts(&self) -> Vec<HostRule> {
        let mut rules = Vec::new();
        for field in ["apiBaseUrl", "issuer", "url", "authorizeUrl", "refreshUrl"] {
            if let Some(host) =
                self.get(field).and_then(|u| Url::parse(&u).ok()).and_then(|u| u.host_str().map(String::from))
            {
                rules.push(HostRule::site_of(&host));
            }
        }
        for entry in self.api.api_hosts.iter().flat_map(|h| h.split_whitespace()) {
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
        crate::strategies::def(self.strategy()).secrets
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

    /// The rule as `apiHosts` writes it: `api.example.com`, or `.example.com` for a domain and its subdomains.
    pub fn pattern(&self) -> String {
        match self {
            HostRule::Exact(h) => h.clone(),
            HostRule::Domain(d) => format!(".{d}"),
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
