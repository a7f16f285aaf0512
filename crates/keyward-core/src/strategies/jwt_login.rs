//! Email and password posted to a login endpoint for access and refresh tokens, refreshed at a refresh
//! endpoint (seed 002).

use super::{Cx, Def};
use crate::error::Result;
use crate::keychain::SecretField;
use crate::machine::request::TokenRequest;
use crate::profile::fields::f;
use crate::profile::FieldType::*;
use crate::profile::{check_endpoint_url, FieldInfo, Profile, Strategy, StrategySettings};
use crate::secret::Secret;

const FIELDS: &[FieldInfo] = &[
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

/// The login and refresh endpoints and the email (see [`FIELDS`]).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, rename = "JwtLoginSettings", optional_fields = nullable)]
pub struct Settings {
    pub url: Option<String>,
    pub email: Option<String>,
    pub refresh_url: Option<String>,
}

pub static DEF: Def = Def {
    id: Strategy::JwtLogin,
    title: "Email + password (JWT)",
    short: "JWT login",
    help: "Logs in with email and password for access and refresh tokens.",
    fields: FIELDS,
    secrets: &[SecretField::Password],
    can_obtain: |_, v| v.has_password,
    request: Some(password_login),
    refresh: Some(refresh),
    retry_on_401: true,
    ..super::BASE
};

/// `{email, password}` as JSON to the login endpoint (session logins send the same).
pub(super) fn password_login(cx: &Cx, p: &Profile) -> Result<TokenRequest> {
    let url = check_endpoint_url("url", p.settings.url().unwrap_or_default())?;
    let password = cx.required_secret(SecretField::Password)?;
    let email = p.settings.email().unwrap_or_default().to_string();
    let mut r = TokenRequest::form(url).field("email", email).secret("password", password);
    r.json = true;
    Ok(r)
}

/// `{refresh_token}` as JSON to the refresh endpoint, when there is one.
fn refresh(_: &Cx, p: &Profile, rt: Secret) -> Result<Option<TokenRequest>> {
    match &Settings::of(&p.settings).expect(super::DISPATCHED).refresh_url {
        Some(u) => {
            let mut r = TokenRequest::form(check_endpoint_url("refreshUrl", u)?).secret("refresh_token", rt);
            r.json = true;
            Ok(Some(r))
        }
        None => Ok(None),
    }
}
