//! OAuth 2.0 client credentials authenticated by a JWT signed with the client's private key (RFC 7523,
//! private_key_jwt): seeds 001 and 003.

use base64::Engine;

use super::{with_extras, Cx, Def};
use crate::error::Result;
use crate::flow::FlowError;
use crate::machine::request::TokenRequest;
use crate::profile::fields::f;
use crate::profile::FieldType::*;
use crate::profile::{check_endpoint_url, FieldInfo, Profile, Strategy, StrategySettings};
use crate::secret::Secret;
use crate::Remedy;

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// A client assertion lives 4 minutes: under the 5 minutes providers allow, with room for clock skew.
const ASSERTION_LIFETIME: i64 = 240;

const FIELDS: &[FieldInfo] = &[
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

/// private_key_jwt's settings (see [`FIELDS`]).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, rename = "PrivateKeyJwtSettings", optional_fields = nullable)]
pub struct Settings {
    pub url: Option<String>,
    pub client_id: Option<String>,
    pub key_name: Option<String>,
    pub scopes: Option<String>,
    pub jku: Option<String>,
    pub assertion_audience: Option<String>,
    pub audience: Option<String>,
    pub resource: Option<String>,
}

pub static DEF: Def = Def {
    id: Strategy::PrivateKeyJwt,
    title: "Client credentials with a signed JWT",
    short: "Private key JWT",
    help: "A key pair instead of a secret: each token request carries a short-lived assertion signed with your private key (RS384/ES384).",
    fields: FIELDS,
    can_obtain: |p, _| p.settings.key_name().is_some(),
    request: Some(request),
    rotates: Some(crate::rotation::RotationKind::KeyPair),
    ..super::BASE
};

fn request(cx: &Cx, p: &Profile) -> Result<TokenRequest> {
    let s = Settings::of(&p.settings).expect(super::DISPATCHED);
    let url = check_endpoint_url("url", s.url.as_deref().unwrap_or_default())?;
    let assertion = client_assertion(cx, s, url.as_str())?;
    let r = TokenRequest::form(url)
        .field("grant_type", "client_credentials")
        .field("client_assertion_type", JWT_BEARER)
        .secret("client_assertion", assertion);
    Ok(with_extras(r, p))
}

/// A client assertion (RFC 7523 §3): iss = sub = client_id, aud = the token URL unless overridden, a
/// fresh jti, 4 minutes of life.
fn client_assertion(cx: &Cx, p: &Settings, token_url: &str) -> Result<Secret> {
    let key_name = p.key_name.as_deref().ok_or_else(|| FlowError::Missing {
        profile: cx.name.into(),
        what: "keyName",
        remedy: Remedy::ChooseKey { profile: cx.name.into() },
    })?;
    let (view, key) = cx.cx.private_key(key_name)?;
    let now = cx.cx.clock.now();
    let jti: [u8; 16] = rand::random();
    let client_id = p.client_id.clone().unwrap_or_default();
    let claims = serde_json::json!({
        "iss": client_id,
        "sub": client_id,
        "aud": p.assertion_audience.clone().unwrap_or_else(|| token_url.to_string()),
        "iat": now,
        "exp": now + ASSERTION_LIFETIME,
        "jti": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(jti),
    });
    Ok(crate::keys::material::sign(&key, view.info.alg, &view.info.kid, p.jku.as_deref(), &claims)?)
}
