//! The errors of Keyward's flows (logins, token requests, API calls), each with its code and its remedy,
//! and the bounding of server text they carry. Below every flow: OAuth, the machine strategies and the
//! API all report through it.

use crate::error::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    #[error("you declined consent at the provider, so nothing was stored")]
    ConsentDeclined { profile: String },
    #[error("the provider refused the login: {error}{}", describe(.description))]
    Authorization { error: String, description: Option<String> },
    #[error("the login response came from {got:?}, not from the issuer {expected:?} (RFC 9207 mix-up protection); nothing was stored")]
    IssuerMismatch { expected: String, got: String },
    #[error("the login response carries no `iss` although the provider says it always sends one (RFC 9207); refused as a possible mix-up attack")]
    IssuerMissing,
    #[error("no login arrived within {seconds} s; nothing was stored")]
    Timeout { profile: String, seconds: u64 },
    #[error("login cancelled; nothing was stored")]
    Cancelled,
    #[error("could not listen on {addr} for the login redirect: {reason}")]
    Bind { addr: String, reason: String },
    /// A token endpoint's error response: its code and its description, scrubbed of every secret the
    /// request carried and bounded.
    #[error("the token endpoint refused: {error}{}", describe(.description))]
    TokenEndpoint { error: String, description: Option<String> },
    #[error("the provider no longer accepts this sign-in (invalid_grant{}); sign in again", describe(.description))]
    LoginAgain { profile: String, description: Option<String> },
    #[error("the sign-in came back as {signed_in}, but profile {profile} holds the tokens of {previous}; they were not replaced (anyone who saw the sign-in address could have finished it as themselves)")]
    OtherUser { profile: String, previous: String, signed_in: String },
    #[error("profile {profile} is not signed in yet")]
    NotLoggedIn { profile: String },
    #[error("profile {profile} has no valid token; it needs a fresh SAML assertion from your IdP")]
    NeedAssertion { profile: String },
    #[error("{what} is not set up for profile {profile}")]
    Missing { profile: String, what: &'static str, remedy: crate::Remedy },
    #[error("the provider's discovery document at {url} is not usable: {reason}; check the issuer URL, or set authorizeUrl and url instead")]
    Discovery { url: String, reason: String },
    #[error("profile {profile:?} uses the {strategy} strategy, which has no {operation}")]
    WrongStrategy { profile: String, strategy: &'static str, operation: &'static str },
    #[error(
        "profile {profile} sends its credential only to {allowed}; {host} is not one of them, so nothing was sent"
    )]
    HostNotBound { profile: String, host: String, allowed: String },
    /// An API's error answer, named for what it means (seed 000's codes, RFC 6750's challenge).
    #[error("the API answered {status} {code}: {meaning}")]
    Api { status: u16, code: String, meaning: String, error_code: ErrorCode, remedy: Option<crate::Remedy> },
}

fn describe(d: &Option<String>) -> String {
    match d {
        Some(d) if !d.is_empty() => format!(" ({d})"),
        _ => String::new(),
    }
}

/// Server-provided text, bounded: an error page must not flood a terminal or the UI. Scrub secrets
/// before cutting ([`crate::scrub::Scrubber::server_text`] does both), or a cut secret's start survives.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

/// A server's error code as the audit log may keep it: a short token of the characters error codes use,
/// else a placeholder (it is server text, and may be anything).
pub(crate) fn code_for_audit(code: &str) -> String {
    let plain = code.len() <= 64 && code.chars().all(|c| c.is_ascii_alphanumeric() || "_-.: ".contains(c));
    if plain {
        code.to_string()
    } else {
        "(an unrecognised error code)".into()
    }
}

impl FlowError {
    pub fn code(&self) -> ErrorCode {
        match self {
            FlowError::ConsentDeclined { .. } => ErrorCode::ConsentDeclined,
            FlowError::Authorization { .. }
            | FlowError::IssuerMismatch { .. }
            | FlowError::IssuerMissing
            | FlowError::OtherUser { .. }
            | FlowError::TokenEndpoint { .. } => ErrorCode::Refused,
            FlowError::LoginAgain { .. } => ErrorCode::LoginAgain,
            FlowError::Timeout { .. }
            | FlowError::Cancelled
            | FlowError::NotLoggedIn { .. }
            | FlowError::NeedAssertion { .. } => ErrorCode::Waiting,
            FlowError::Missing { .. } => ErrorCode::BadInput,
            FlowError::Bind { .. }
            | FlowError::Discovery { .. }
            | FlowError::WrongStrategy { .. }
            | FlowError::HostNotBound { .. } => ErrorCode::BadInput,
            FlowError::Api { error_code, .. } => *error_code,
        }
    }

    pub fn remedy(&self) -> Option<crate::Remedy> {
        use crate::Remedy;
        match self {
            FlowError::ConsentDeclined { profile }
            | FlowError::Timeout { profile, .. }
            | FlowError::LoginAgain { profile, .. }
            | FlowError::NotLoggedIn { profile } => Some(Remedy::LogIn { profile: profile.clone() }),
            FlowError::NeedAssertion { profile } => Some(Remedy::ExchangeAssertion { profile: profile.clone() }),
            FlowError::OtherUser { profile, signed_in, .. } => {
                Some(Remedy::ReplaceUser { profile: profile.clone(), subject: signed_in.clone() })
            }
            FlowError::Missing { remedy, .. } => Some(remedy.clone()),
            FlowError::HostNotBound { profile, host, .. } => {
                Some(Remedy::AllowHost { profile: profile.clone(), host: host.clone() })
            }
            FlowError::Api { remedy, .. } => remedy.clone(),
            _ => None,
        }
    }

    /// What the audit log keeps: Keyward's words and the server's error code, no server-sent text.
    pub fn audit_text(&self) -> String {
        match self {
            FlowError::Authorization { error, .. } => {
                format!("the provider refused the login: {}", code_for_audit(error))
            }
            FlowError::TokenEndpoint { error, .. } => format!("the token endpoint refused: {}", code_for_audit(error)),
            FlowError::LoginAgain { .. } => "the provider no longer accepts this sign-in (invalid_grant)".into(),
            FlowError::IssuerMismatch { .. } => "the login response came from another issuer (RFC 9207)".into(),
            FlowError::Discovery { url, .. } => format!("the discovery document at {url} is not usable"),
            FlowError::Api { status, code, .. } => format!("the API answered {status} {}", code_for_audit(code)),
            other => other.to_string(),
        }
    }
}
