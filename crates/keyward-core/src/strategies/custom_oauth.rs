//! A non-standard client-credentials token endpoint, every part of its request set by seed 004's knobs
//! (field names, JSON or form, Basic or body, audience, resource, a custom field), client authentication
//! per DESIGN.md's table.

use super::{Cx, Def};
use crate::config::ConfigError;
use crate::error::Result;
use crate::keychain::SecretField;
use crate::machine::request::{Basic, TokenRequest};
use crate::profile::fields::{choice, f};
use crate::profile::FieldType::*;
use crate::profile::{check_endpoint_url, ClientAuth, FieldInfo, Profile, Strategy, StrategySettings};
use crate::secret::Secret;

const FIELDS: &[FieldInfo] = &[
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

/// A custom token endpoint's settings: seed 004's knobs (see [`FIELDS`]).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, rename = "CustomOauthSettings", optional_fields = nullable)]
pub struct Settings {
    pub url: Option<String>,
    pub client_id: Option<String>,
    pub grant_type: Option<String>,
    pub grant_type_name: Option<String>,
    pub client_id_name: Option<String>,
    pub client_secret_name: Option<String>,
    pub refresh_token_name: Option<String>,
    pub access_token_name: Option<String>,
    pub expires_field_name: Option<String>,
    pub refresh_grant_type: Option<String>,
    pub scopes: Option<String>,
    pub audience: Option<String>,
    pub resource: Option<String>,
    pub content_type: Option<String>,
    pub no_basic: Option<bool>,
    pub basic_no_form: Option<bool>,
    pub client_auth: Option<String>,
    pub custom_field_name: Option<String>,
    pub custom_field_value: Option<String>,
    #[ts(type = "number | null")]
    pub default_expiration_seconds: Option<u64>,
}

pub static DEF: Def = Def {
    id: Strategy::CustomOauth,
    title: "Custom token endpoint",
    short: "Custom OAuth",
    help: "A token endpoint that wants other field names, JSON, or extra fields: every knob of the request is yours to set.",
    fields: FIELDS,
    secrets: &[SecretField::ClientSecret],
    check,
    can_obtain: |_, _| true,
    request: Some(request),
    refresh: Some(refresh),
    rotates: Some(crate::rotation::RotationKind::ClientSecret),
    ..super::BASE
};

/// DESIGN.md's forbidden row: no Basic and Basic only would send the credentials nowhere.
fn check(p: &Profile) -> Result<(), ConfigError> {
    let p = Settings::of(&p.settings).expect(super::DISPATCHED);
    if p.no_basic == Some(true) && p.basic_no_form == Some(true) {
        return Err(ConfigError::bad_field(
            "basicNoForm",
            "noBasic and basicNoForm together would send the client credentials nowhere; choose one",
        ));
    }
    Ok(())
}

fn request(cx: &Cx, p: &Profile) -> Result<TokenRequest> {
    let grant = Settings::of(&p.settings)
        .expect(super::DISPATCHED)
        .grant_type
        .clone()
        .unwrap_or_else(|| "client_credentials".into());
    build(cx, p, grant, None)
}

/// With a `refreshGrantType`, the stored refresh token is sent in that grant; else a new token is got.
fn refresh(cx: &Cx, p: &Profile, rt: Secret) -> Result<Option<TokenRequest>> {
    match &Settings::of(&p.settings).expect(super::DISPATCHED).refresh_grant_type {
        Some(grant) => Ok(Some(build(cx, p, grant.clone(), Some(rt))?)),
        None => Ok(None),
    }
}

/// Seed 004's request: every knob changes it, client authentication per DESIGN.md's table.
fn build(cx: &Cx, profile: &Profile, grant: String, refresh: Option<Secret>) -> Result<TokenRequest> {
    let p = Settings::of(&profile.settings).expect(super::DISPATCHED);
    let url = check_endpoint_url("url", p.url.as_deref().unwrap_or_default())?;
    let n = |v: &Option<String>, d: &str| v.clone().unwrap_or_else(|| d.to_string());
    let client_id = p.client_id.clone().unwrap_or_default();
    let secret = cx.secret(SecretField::ClientSecret)?;
    let (no_basic, basic_no_form) = (p.no_basic == Some(true), p.basic_no_form == Some(true));
    let mut r = TokenRequest::form(url).field(&n(&p.grant_type_name, "grant_type"), grant);
    r.json = p.content_type.as_deref() == Some("application/json");
    if let Some(rt) = refresh {
        r = r.secret(&n(&p.refresh_token_name, "refresh_token"), rt);
    }
    let creds_in_body = no_basic || secret.is_none() || profile.client_auth() == ClientAuth::Both;
    if let (false, Some(s)) = (no_basic, &secret) {
        r.basic = Some(Basic { user: client_id.clone(), password: s.clone(), form_encode: false });
    }
    if basic_no_form {
        return Ok(r); // Basic only; the body carries nothing but the grant (and a refresh token)
    }
    if creds_in_body {
        r = r.field(&n(&p.client_id_name, "client_id"), client_id);
        if let Some(s) = secret {
            r = r.secret(&n(&p.client_secret_name, "client_secret"), s);
        }
    }
    r = super::with_extras(r, profile);
    if let (Some(k), Some(v)) = (&p.custom_field_name, &p.custom_field_value) {
        r = r.field(k, v.clone());
    }
    Ok(r)
}
