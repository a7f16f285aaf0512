//! The catalogue of profile fields per strategy: name, type, whether required, and help for people.
//! `keyward strategies`, `--set`, validation and the app's forms all read it.

use serde::Serialize;
use ts_rs::TS;

use super::{ApiKeyPlacement, Strategy};
use crate::config::ConfigError;

/// The kind of value a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum FieldType {
    Text,
    Url,
    Port,
    Number,
    Bool,
    Scopes,
    Choice,
    /// `header:NAME`, `query:NAME` or `bearer`.
    Placement,
    Map,
    /// Host names, space-separated (`.example.com` for a domain and its subdomains).
    Hosts,
    /// Stored in the keychain; never part of the profile's settings.
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

impl FieldInfo {
    /// The JSON value of this field from its text form.
    pub(super) fn parse(&self, value: &str) -> Result<serde_json::Value, ConfigError> {
        let bad = |what: &str| ConfigError::bad_field(self.name, what);
        check_length(self.name, value)?;
        Ok(match self.kind {
            FieldType::Port => {
                serde_json::json!(value
                    .parse::<u16>()
                    .map_err(|_| bad("a port number from 0 to 65535 (0 = any free port)"))?)
            }
            FieldType::Number => {
                serde_json::json!(value.parse::<u64>().map_err(|_| bad("a whole number of seconds"))?)
            }
            FieldType::Bool => serde_json::json!(match value.to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" | "on" => true,
                "false" | "no" | "0" | "off" => false,
                _ => return Err(bad("true or false")),
            }),
            FieldType::Choice => {
                let v = if self.name == "redirectHost" && value == "::1" { "[::1]" } else { value };
                if !self.choices.contains(&v) {
                    return Err(bad(&format!("one of {}", self.choices.join(", "))));
                }
                serde_json::json!(v)
            }
            FieldType::Placement => {
                ApiKeyPlacement::parse(value).ok_or_else(|| {
                    bad("bearer, header:NAME (e.g. header:X-API-Key) or query:NAME (e.g. query:api_key)")
                })?;
                serde_json::json!(value)
            }
            FieldType::Scopes => serde_json::json!(value.split_whitespace().collect::<Vec<_>>().join(" ")),
            FieldType::Hosts => {
                let hosts = value.split([' ', ',']).filter(|h| !h.is_empty()).collect::<Vec<_>>().join(" ");
                super::check_hosts(self.name, &hosts)?;
                serde_json::json!(hosts)
            }
            FieldType::Url => {
                super::check_endpoint_url(self.name, value)?;
                serde_json::json!(value)
            }
            FieldType::Text | FieldType::Map | FieldType::Secret => serde_json::json!(value),
        })
    }
}

/// The longest value a profile field takes: URLs, names and scopes are far shorter, and the config file
/// must stay small enough to read on every command.
pub const MAX_FIELD: usize = 4096;

pub(super) fn check_length(field: &str, value: &str) -> Result<(), ConfigError> {
    if value.len() > MAX_FIELD {
        return Err(ConfigError::bad_field(
            field,
            &format!("longer than {} KiB; no setting is that long", MAX_FIELD / 1024),
        ));
    }
    Ok(())
}

/// A strategy, described for people.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StrategyInfo {
    pub id: Strategy,
    pub title: &'static str,
    /// A short label for lists and badges.
    pub short: &'static str,
    pub help: &'static str,
    /// A person signs in in the browser (the others obtain credentials on their own).
    pub sign_in: bool,
    pub fields: &'static [FieldInfo],
}

const fn f(name: &'static str, kind: FieldType, required: bool, help: &'static str) -> FieldInfo {
    FieldInfo { name, kind, required, help, choices: &[] }
}

const fn choice(name: &'static str, choices: &'static [&'static str], help: &'static str) -> FieldInfo {
    FieldInfo { name, kind: FieldType::Choice, required: false, help, choices }
}

use FieldType::*;

const PKCE: &[FieldInfo] = &[
    f("issuer", Url, false, "The provider's issuer URL; endpoints are read from its discovery document. Leave empty to give authorizeUrl and url instead."),
    f("clientId", Text, true, "The client ID of your app registration (a public, native client)."),
    f("scopes", Scopes, false, "Space-separated scopes, e.g. \"openid offline_access read:users\". offline_access asks for a refresh token."),
    f("clientSecret", Secret, false, "Only if the provider gave your desktop app a client secret; most native apps have none."),
    f("authorizeUrl", Url, false, "Authorization endpoint, for providers without discovery."),
    f("url", Url, false, "Token endpoint, for providers without discovery."),
    f("revocationUrl", Url, false, "Token revocation endpoint (RFC 7009), when discovery does not name one."),
    f("audience", Text, false, "Sent as the audience authorize parameter, for providers that want one."),
    f("resource", Text, false, "Resource indicator (RFC 8707) sent with the authorize and token requests."),
    f("redirectPort", Port, false, "Loopback port for the redirect; empty or 0 = any free port (RFC 8252). Set one only if the provider registered a fixed port."),
    choice("redirectHost", &["127.0.0.1", "localhost", "[::1]"], "Host in the redirect URI: 127.0.0.1 (default), or localhost / [::1] if the provider registered that."),
    f("authorizeParams", Map, false, "Extra authorize parameters, set one with authorizeParams.NAME=VALUE (prompt, login_hint, acr_values…)."),
];

const CLIENT_CREDENTIALS: &[FieldInfo] = &[
    f("url", Url, true, "The token endpoint, e.g. https://auth.example.com/oauth/token."),
    f("clientId", Text, true, "The client ID the provider issued for this integration."),
    f("clientSecret", Secret, true, "The client secret; stored in the OS keychain."),
    choice("clientAuth", &["client-secret-basic", "client-secret-post"], "How the secret is sent: client-secret-basic (HTTP Basic, the default) or client-secret-post (in the form body). Use what the provider registered."),
    f("scopes", Scopes, false, "Space-separated scopes to request, e.g. \"read:users\"."),
    f("audience", Text, false, "The API's identifier, for providers that want an audience parameter (Auth0 and others)."),
    f("resource", Text, false, "Resource indicator (RFC 8707): the API's URI."),
];

const PRIVATE_KEY_JWT: &[FieldInfo] = &[
    f("url", Url, true, "The token endpoint, e.g. https://api.redoxengine.com/v2/auth/token."),
    f("clientId", Text, true, "The client ID of the key registration: the assertion's iss and sub."),
    f(
        "keyName",
        Text,
        true,
        "The key pair that signs the assertion: one generated or imported into Keyward (RS384 or ES384).",
    ),
    f("scopes", Scopes, false, "Space-separated scopes to request."),
    f("jku", Url, false, "Your JWKS URL, put in the assertion header; it must match what the provider has on file."),
    f("assertionAudience", Text, false, "The assertion's aud; defaults to the token endpoint URL."),
    f("audience", Text, false, "An audience parameter for the token request, if the provider wants one."),
    f("resource", Text, false, "Resource indicator (RFC 8707): the API's URI."),
];

const CUSTOM_OAUTH: &[FieldInfo] = &[
    f("url", Url, true, "Enter the URL where the client requests an access token."),
    f("clientId", Text, true, "The client ID the authorization server assigned."),
    f("clientSecret", Secret, false, "The client secret; stored in the OS keychain."),
    f("grantType", Text, false, "The grant type value; default client_credentials."),
    f("grantTypeName", Text, false, "The body field that carries the grant type, e.g. grant_type (default) or grantType."),
    f("clientIdName", Text, false, "The body field for the client ID, e.g. client_id (default) or clientId."),
    f("clientSecretName", Text, false, "The body field for the client secret, e.g. client_secret (default) or clientSecret."),
    f("refreshTokenName", Text, false, "The field for a refresh token, e.g. refresh_token (default) or refreshToken."),
    f("accessTokenName", Text, false, "The response field that carries the access token, e.g. access_token (default) or accessToken."),
    f("expiresFieldName", Text, false, "The response field with the expiry, e.g. expires_in (default) or expires; seconds from now or an absolute Unix time."),
    f("refreshGrantType", Text, false, "The grant type for refreshing, e.g. refresh_token or refresh; empty = get a new token instead."),
    f("scopes", Scopes, false, "Scopes to request (sent as scope)."),
    f("audience", Text, false, "The intended recipient of the access token, usually the resource server's URI."),
    f("resource", Text, false, "The URI of the resource the client wants to access."),
    choice("contentType", &["application/x-www-form-urlencoded", "application/json"], "The request body format: form (default) or JSON."),
    f("noBasic", Bool, false, "true: send no HTTP Basic header; client_id and client_secret go in the body."),
    f("basicNoForm", Bool, false, "true: HTTP Basic only, and the body carries only the grant type."),
    choice("clientAuth", &["client-secret-basic", "both"], "both: send the credentials in Basic AND in the body, for servers that demand it (not RFC-compliant)."),
    f("customFieldName", Text, false, "The name of an extra body field this server requires."),
    f("customFieldValue", Text, false, "The value of that extra field."),
    f("defaultExpirationSeconds", Number, false, "How long a token lives when the response says nothing about expiry."),
];

const SAML_BEARER: &[FieldInfo] = &[
    f("url", Url, true, "The token endpoint that takes SAML 2.0 bearer assertions (RFC 7522)."),
    f("clientId", Text, false, "A client ID, if the token endpoint wants one."),
    f("clientSecret", Secret, false, "A client secret, if the token endpoint authenticates clients (sent with HTTP Basic)."),
    f("scopes", Scopes, false, "Scopes to request."),
    f("spEntityId", Text, false, "The SP entity ID to give your IdP admin (the assertion's Audience), e.g. https://auth.redcore.com/saml/metadata."),
    f("acsUrl", Url, false, "The Assertion Consumer Service URL to give your IdP admin, e.g. https://auth.redcore.com/saml/acs."),
    f("nameIdFormat", Text, false, "The NameID format to ask of the IdP; default urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress."),
];

const API_KEY: &[FieldInfo] = &[
    f("apiKey", Secret, true, "The API key the provider showed you once; stored in the OS keychain."),
    f("apiKeyPlacement", Placement, false, "Where the key goes: bearer (Authorization: Bearer, the default), header:X-API-Key, or query:api_key (any header or parameter name)."),
];

const JWT_LOGIN: &[FieldInfo] = &[
    f("url", Url, true, "The login endpoint that takes {email, password}, e.g. https://api.example.com/v1/auth/login."),
    f("email", Text, true, "The account's email."),
    f("password", Secret, true, "The account's password; stored in the OS keychain."),
    f(
        "refreshUrl",
        Url,
        false,
        "The refresh endpoint that takes {refresh_token}, e.g. https://api.example.com/v1/auth/refresh.",
    ),
];

const SESSION: &[FieldInfo] = &[
    f(
        "url",
        Url,
        true,
        "The login endpoint that sets the session cookie, e.g. https://api.example.com/v1/session/login.",
    ),
    f("email", Text, true, "The account's email."),
    f("password", Secret, true, "The account's password; stored in the OS keychain."),
    f("logoutUrl", Url, false, "The logout endpoint that ends the session."),
];

/// The fields every strategy has: where its API is, and where its credential may go.
const API: &[FieldInfo] = &[
    f("apiBaseUrl", Url, false, "The API's base URL, e.g. https://api.example.com/v1: Try a request starts from it, and its site may receive the credential."),
    f("apiHosts", Hosts, false, "More hosts that may receive this credential, besides the sites of this profile's URLs, e.g. api.example.net, or .example.net with its subdomains."),
];

/// Each strategy's own fields followed by the [`API`] fields, built once.
static FIELDS: std::sync::LazyLock<Vec<Vec<FieldInfo>>> = std::sync::LazyLock::new(|| {
    Strategy::ALL.iter().map(|&s| own_fields(s).iter().chain(API).cloned().collect()).collect()
});

/// A strategy's fields, in the order forms show them.
pub fn fields_of(strategy: Strategy) -> &'static [FieldInfo] {
    let i = Strategy::ALL.iter().position(|&s| s == strategy).expect("every strategy is in ALL");
    &FIELDS[i]
}

fn own_fields(strategy: Strategy) -> &'static [FieldInfo] {
    match strategy {
        Strategy::Pkce => PKCE,
        Strategy::ClientCredentials => CLIENT_CREDENTIALS,
        Strategy::PrivateKeyJwt => PRIVATE_KEY_JWT,
        Strategy::CustomOauth => CUSTOM_OAUTH,
        Strategy::SamlBearer => SAML_BEARER,
        Strategy::ApiKey => API_KEY,
        Strategy::JwtLogin => JWT_LOGIN,
        Strategy::Session => SESSION,
    }
}

/// Every supported strategy with its fields.
pub fn strategies() -> Vec<StrategyInfo> {
    Strategy::ALL
        .iter()
        .map(|&id| {
            let short = match id {
                Strategy::Pkce => "PKCE login",
                Strategy::ClientCredentials => "Client credentials",
                Strategy::PrivateKeyJwt => "Private key JWT",
                Strategy::CustomOauth => "Custom OAuth",
                Strategy::SamlBearer => "SAML bearer",
                Strategy::ApiKey => "API key",
                Strategy::JwtLogin => "JWT login",
                Strategy::Session => "Session",
            };
            let (title, help) = match id {
                Strategy::Pkce => ("Log in (authorization code + PKCE)", "Signs you in through your browser and keeps the tokens fresh. For APIs that act on behalf of a user."),
                Strategy::ClientCredentials => ("Client credentials", "A client ID and secret exchanged for an access token. For server-to-server integrations."),
                Strategy::PrivateKeyJwt => ("Client credentials with a signed JWT", "A key pair instead of a secret: each token request carries a short-lived assertion signed with your private key (RS384/ES384)."),
                Strategy::CustomOauth => ("Custom token endpoint", "A token endpoint that wants other field names, JSON, or extra fields: every knob of the request is yours to set."),
                Strategy::SamlBearer => ("SAML 2.0 bearer assertion", "Exchanges a signed assertion from your IdP (Okta, Entra ID, Google Workspace) for an access token."),
                Strategy::ApiKey => ("API key", "A long-lived key from the provider's dashboard, sent as a bearer token, a header or a query parameter."),
                Strategy::JwtLogin => ("Email + password (JWT)", "Logs in with email and password for access and refresh tokens."),
                Strategy::Session => ("Email + password (session cookie)", "Logs in with email and password for a session cookie."),
            };
            StrategyInfo { id, title, short, help, sign_in: id == Strategy::Pkce, fields: fields_of(id) }
        })
        .collect()
}
