//! OAuth 2.0 flows: discovery, PKCE login through a loopback redirect, refresh, revocation.
//!
//! The protocol work (PKCE, code exchange, refresh, revocation requests) is the `oauth2` crate's; this
//! module adds what it leaves to the application: the loopback listener, the browser, the rules of
//! RFC 8252 / 9207, and turning every failure into what the user must do.

pub mod browser;
pub mod discovery;
pub mod grant;
pub mod login;
pub mod loopback;
pub mod revocation;
pub mod tokens;

use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{ExtraTokenFields, RequestTokenError, StandardRevocableToken, StandardTokenResponse};
use serde::{Deserialize, Serialize};

use crate::http::HttpError;

/// A token response that keeps the OpenID Connect `id_token` (for the signed-in subject).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IdTokenField {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// The refresh token's own lifetime, in seconds (Keycloak's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_expires_in: Option<serde_json::Value>,
    /// The same, in Microsoft's and GitHub's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token_expires_in: Option<serde_json::Value>,
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

pub use crate::flow::FlowError;

/// What went wrong in a token-endpoint request, as a Keyward error. Only the server's error code and
/// description are kept, scrubbed of every secret the request carried (`scrub`) before they are bounded.
pub(crate) fn token_error(
    e: RequestTokenError<HttpError, BasicErrorResponse>,
    scrub: &crate::scrub::Scrubber,
) -> crate::Error {
    match e {
        RequestTokenError::ServerResponse(r) => FlowError::TokenEndpoint {
            error: scrub.server_text(r.error().as_ref()),
            description: r.error_description().map(|d| scrub.server_text(d)),
        }
        .into(),
        RequestTokenError::Request(e) => e.into(),
        RequestTokenError::Parse(e, _body) => {
            HttpError::BadResponse { what: "the token endpoint".into(), reason: scrub.server_text(&e.to_string()) }
                .into()
        }
        RequestTokenError::Other(reason) => {
            HttpError::BadResponse { what: "the token endpoint".into(), reason: scrub.server_text(&reason) }.into()
        }
    }
}

/// True when a token-endpoint failure is `invalid_grant`: its description, scrubbed.
pub(crate) fn is_invalid_grant(
    e: &RequestTokenError<HttpError, BasicErrorResponse>,
    scrub: &crate::scrub::Scrubber,
) -> Option<Option<String>> {
    match e {
        RequestTokenError::ServerResponse(r) if *r.error() == BasicErrorResponseType::InvalidGrant => {
            Some(r.error_description().map(|d| scrub.server_text(d)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_endpoint_errors_are_scrubbed_before_they_are_cut() {
        let secret = crate::Secret::new("rt-canary-0123456789");
        let scrub = crate::scrub::Scrubber::of([&secret]);
        let description = format!("{}{}", "x".repeat(295), secret.expose());
        let response = BasicErrorResponse::new(BasicErrorResponseType::InvalidGrant, Some(description), None);
        let said = token_error(RequestTokenError::ServerResponse(response), &scrub).to_string();
        assert!(!said.contains("rt-can"), "no part of the secret survives: {said}");
    }
}
