//! Authorization code + PKCE through the system browser and a loopback redirect (RFC 8252): the
//! login itself is `oauth::login`, the refresh `oauth::tokens`; this is what the strategy is.

use super::{Def, Ends, Obtains};
use crate::app::CredentialStatus;
use crate::config::ConfigError;
use crate::keychain::SecretField;
use crate::profile::fields::{choice, f};
use crate::profile::FieldType::*;
use crate::profile::{FieldInfo, Profile, Strategy, StrategySettings};

const FIELDS: &[FieldInfo] = &[
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

/// A PKCE login's settings (see [`FIELDS`] for what each is).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, rename = "PkceSettings", optional_fields = nullable)]
pub struct Settings {
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    pub scopes: Option<String>,
    pub authorize_url: Option<String>,
    pub url: Option<String>,
    pub revocation_url: Option<String>,
    pub audience: Option<String>,
    pub resource: Option<String>,
    pub redirect_port: Option<u16>,
    pub redirect_host: Option<crate::profile::RedirectHost>,
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub authorize_params: std::collections::BTreeMap<String, String>,
}

pub static DEF: Def = Def {
    id: Strategy::Pkce,
    title: "Log in (authorization code + PKCE)",
    short: "PKCE login",
    help: "Signs you in through your browser and keeps the tokens fresh. For APIs that act on behalf of a user.",
    sign_in: true,
    fields: FIELDS,
    secrets: &[SecretField::ClientSecret],
    obtains: Obtains::SignIn,
    ends: Ends::Revoke,
    check,
    can_obtain: |_, v| v.has_refresh_token,
    needs: CredentialStatus::SignInRequired,
    ..super::BASE
};

/// The endpoints come from discovery, or both are given.
fn check(p: &Profile) -> Result<(), ConfigError> {
    let p = Settings::of(&p.settings).expect(super::DISPATCHED);
    if p.issuer.is_none() && (p.authorize_url.is_none() || p.url.is_none()) {
        return Err(ConfigError::bad_field(
            "issuer",
            "set the issuer (for discovery), or both authorizeUrl and url for a provider without it",
        ));
    }
    Ok(())
}
