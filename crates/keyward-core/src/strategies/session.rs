//! Email and password posted to a login endpoint for a session cookie, ended at a logout endpoint (seed
//! 002). The cookie rides as the `Cookie` header.

use super::{Def, Ends, Rides};
use crate::error::Result;
use crate::keychain::SecretField;
use crate::machine::request::{TokenRequest, Value};
use crate::profile::fields::f;
use crate::profile::FieldType::*;
use crate::profile::{check_endpoint_url, Profile, StrategySettings};
use crate::profile::{FieldInfo, Strategy};
use crate::token::StoredToken;

const FIELDS: &[FieldInfo] = &[
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

/// The login and logout endpoints and the email (see [`FIELDS`]).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, rename = "SessionSettings", optional_fields = nullable)]
pub struct Settings {
    pub url: Option<String>,
    pub email: Option<String>,
    pub logout_url: Option<String>,
}

pub static DEF: Def = Def {
    id: Strategy::Session,
    title: "Email + password (session cookie)",
    short: "Session",
    help: "Logs in with email and password for a session cookie.",
    fields: FIELDS,
    secrets: &[SecretField::Password],
    rides: Rides::Cookie,
    ends: Ends::SessionEndpoint,
    can_obtain: |_, v| v.has_password,
    request: Some(super::jwt_login::password_login),
    retry_on_401: true,
    ..super::BASE
};

/// The request that ends the session: the cookie to the logout endpoint; None without either.
pub(crate) fn logout_request(p: &Profile, cookie: Option<&StoredToken>) -> Result<Option<TokenRequest>> {
    let logout_url = Settings::of(&p.settings).and_then(|s| s.logout_url.as_ref());
    let (Some(url), Some(cookie)) = (logout_url, cookie) else { return Ok(None) };
    let mut req = TokenRequest::form(check_endpoint_url("logoutUrl", url)?);
    req.headers.push(("Cookie".into(), Value::Secret(cookie.access_token.clone())));
    Ok(Some(req))
}
