//! OAuth 2.0 client credentials with a client secret, sent as client_secret_basic or client_secret_post
//! (RFC 6749 §2.3.1, §4.4).

use super::{with_extras, Cx, Def};
use crate::error::Result;
use crate::keychain::SecretField;
use crate::machine::request::{Basic, TokenRequest};
use crate::profile::fields::{choice, f};
use crate::profile::FieldType::*;
use crate::profile::{check_endpoint_url, ClientAuth, FieldInfo, Profile, Strategy, StrategySettings};

const FIELDS: &[FieldInfo] = &[
    f("url", Url, true, "The token endpoint, e.g. https://auth.example.com/oauth/token."),
    f("clientId", Text, true, "The client ID the provider issued for this integration."),
    f("clientSecret", Secret, true, "The client secret; stored in the OS keychain."),
    choice("clientAuth", &["client-secret-basic", "client-secret-post"], "How the secret is sent: client-secret-basic (HTTP Basic, the default) or client-secret-post (in the form body). Use what the provider registered."),
    f("scopes", Scopes, false, "Space-separated scopes to request, e.g. \"read:users\"."),
    f("audience", Text, false, "The API's identifier, for providers that want an audience parameter (Auth0 and others)."),
    f("resource", Text, false, "Resource indicator (RFC 8707): the API's URI."),
];

/// Client credentials' settings (see [`FIELDS`]).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, rename = "ClientCredentialsSettings", optional_fields = nullable)]
pub struct Settings {
    pub url: Option<String>,
    pub client_id: Option<String>,
    pub client_auth: Option<String>,
    pub scopes: Option<String>,
    pub audience: Option<String>,
    pub resource: Option<String>,
}

pub static DEF: Def = Def {
    id: Strategy::ClientCredentials,
    title: "Client credentials",
    short: "Client credentials",
    help: "A client ID and secret exchanged for an access token. For server-to-server integrations.",
    fields: FIELDS,
    secrets: &[SecretField::ClientSecret],
    can_obtain: |_, v| v.has_client_secret,
    request: Some(request),
    rotates: Some(crate::rotation::RotationKind::ClientSecret),
    ..super::BASE
};

fn request(cx: &Cx, p: &Profile) -> Result<TokenRequest> {
    let s = Settings::of(&p.settings).expect(super::DISPATCHED);
    let url = check_endpoint_url("url", s.url.as_deref().unwrap_or_default())?;
    let client_id = s.client_id.clone().unwrap_or_default();
    let secret = cx.required_secret(SecretField::ClientSecret)?;
    let mut r = TokenRequest::form(url).field("grant_type", "client_credentials");
    match p.client_auth() {
        ClientAuth::Post => r = r.field("client_id", client_id).secret("client_secret", secret),
        ClientAuth::Basic | ClientAuth::Both => {
            r.basic = Some(Basic { user: client_id, password: secret, form_encode: true })
        }
    }
    Ok(with_extras(r, p))
}
