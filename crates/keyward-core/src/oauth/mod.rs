//! OAuth 2.0 flows: discovery, PKCE login through a loopback redirect, refresh, revocation.
//!
//! The protocol work (PKCE, code exchange, refresh, revocation requests) is the `oauth2` crate's; this
//! module adds what it leaves to the application: the loopback listener, the browser, the rules of
//! RFC 8252 / 9207, and turning every failure into what the user must do.

pub mod browser;
pub mod discovery;
pub mod login;
pub mod loopback;
pub mod tokens;

use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{ExtraTokenFields, HttpClientError, RequestTokenError, StandardRevocableToken, StandardTokenResponse};
use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::http::HttpError;

/// A token response that keeps the OpenID Connect `id_token` (for the signed-in subject).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IdTokenField {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}
impl ExtraTokenFields for IdTokenField {}

pub type TokenResponse = StandardTokenResponse<IdTokenField, BasicTokenType>;
pub type OidcClient = oauth2::Client<
    BasicErrorResponse,
    TokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
>;

#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    #[error(
        "you declined consent at the provider, so nothing was stored; run `keyward login {profile}` again to retry"
    )]
    ConsentDeclined { profile: String },
    #[error("the provider refused the login: {error}{}", describe(.description))]
    Authorization { error: String, description: Option<String> },
    #[error("the login response came from {got:?}, not from the issuer {expected:?} (RFC 9207 mix-up protection); nothing was stored")]
    IssuerMismatch { expected: String, got: String },
    #[error("the login response carries no `iss` although the provider says it always sends one (RFC 9207); refused as a possible mix-up attack")]
    IssuerMissing,
    #[error("no login arrived within {seconds} s; run `keyward login {profile}` again (--timeout sets a longer wait)")]
    Timeout { profile: String, seconds: u64 },
    #[error("login cancelled; nothing was stored")]
    Cancelled,
    #[error("could not listen on {addr} for the login redirect: {reason}")]
    Bind { addr: String, reason: String },
    #[error("the token endpoint refused: {error}{}", describe(.description))]
    TokenEndpoint { error: String, description: Option<String> },
    #[error("the provider no longer accepts this login (invalid_grant{}); log in again with `keyward login {profile}`", describe(.description))]
    LoginAgain { profile: String, description: Option<String> },
    #[error("not logged in; run `keyward login {profile}` first")]
    NotLoggedIn { profile: String },
    #[error("no valid token; exchange a fresh SAML assertion from your IdP: `keyward token {profile} --assertion FILE` (or - for standard input)")]
    NeedAssertion { profile: String },
    #[error("{what} is not set up for profile {profile}: {fix}")]
    Missing { profile: String, what: &'static str, fix: String },
    #[error("the provider's discovery document at {url} is not usable: {reason}; check the issuer URL, or set authorizeUrl and url instead")]
    Discovery { url: String, reason: String },
    #[error("profile {profile:?} uses the {strategy} strategy, which has no {operation}")]
    WrongStrategy { profile: String, strategy: &'static str, operation: &'static str },
    #[error("the API answered {status} {code}: {advice}")]
    Api { status: u16, code: String, advice: String, error_code: ErrorCode },
}

fn describe(d: &Option<String>) -> String {
    match d {
        Some(d) if !d.is_empty() => format!(" ({})", truncate(d, 300)),
        _ => String::new(),
    }
}

/// Server-provided text, bounded: an error page must not flood a terminal or the UI.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

impl FlowError {
    pub fn code(&self) -> ErrorCode {
        match self {
            FlowError::ConsentDeclined { .. } => ErrorCode::ConsentDeclined,
            FlowError::Authorization { .. }
            | FlowError::IssuerMismatch { .. }
            | FlowError::IssuerMissing
            | FlowError::TokenEndpoint { .. } => ErrorCode::Refused,
            FlowError::LoginAgain { .. } => ErrorCode::LoginAgain,
            FlowError::Timeout { .. }
            | FlowError::Cancelled
            | FlowError::NotLoggedIn { .. }
            | FlowError::NeedAssertion { .. } => ErrorCode::Waiting,
            FlowError::Missing { .. } => ErrorCode::BadInput,
            FlowError::Bind { .. } | FlowError::Discovery { .. } | FlowError::WrongStrategy { .. } => {
                ErrorCode::BadInput
            }
            FlowError::Api { error_code, .. } => *error_code,
        }
    }
}

/// What went wrong in a token-endpoint request, as a Keyward error. The response body is never quoted:
/// a token endpoint may echo what it was sent.
pub(crate) fn token_error(
    e: RequestTokenError<HttpClientError<reqwest::Error>, BasicErrorResponse>,
    what: &str,
) -> crate::Error {
    match e {
        RequestTokenError::ServerResponse(r) => {
            FlowError::TokenEndpoint { error: r.error().to_string(), description: r.error_description().cloned() }
                .into()
        }
        RequestTokenError::Request(HttpClientError::Reqwest(e)) => HttpError::from_reqwest(what, *e).into(),
        RequestTokenError::Request(other) => {
            HttpError::Unreachable { what: what.to_string(), reason: other.to_string() }.into()
        }
        RequestTokenError::Parse(e, _body) => {
            HttpError::BadResponse { what: what.to_string(), reason: e.to_string() }.into()
        }
        RequestTokenError::Other(reason) => HttpError::BadResponse { what: what.to_string(), reason }.into(),
    }
}

/// True when a token-endpoint failure is `invalid_grant`.
pub(crate) fn is_invalid_grant(
    e: &RequestTokenError<HttpClientError<reqwest::Error>, BasicErrorResponse>,
) -> Option<Option<String>> {
    match e {
        RequestTokenError::ServerResponse(r) if *r.error() == BasicErrorResponseType::InvalidGrant => {
            Some(r.error_description().cloned())
        }
        _ => None,
    }
}
