//! HTTP as Keyward does it: rustls, bounded timeouts, no redirects followed (a token request that is
//! redirected could hand credentials to another host), and errors that never carry a URL.

use std::time::Duration;

use crate::error::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("could not reach {what}: {reason}; check the URL and your network, then try again")]
    Unreachable { what: String, reason: String },
    #[error("{what} did not answer within {seconds} s; try again, or check that the server is up")]
    Timeout { what: String, seconds: u64 },
    #[error("{what} answered with something Keyward cannot read: {reason}")]
    BadResponse { what: String, reason: String },
}

impl HttpError {
    pub fn code(&self) -> ErrorCode {
        match self {
            HttpError::Unreachable { .. } | HttpError::Timeout { .. } => ErrorCode::Network,
            HttpError::BadResponse { .. } => ErrorCode::Refused,
        }
    }

    /// Describe a reqwest failure. The URL is dropped: for `query:` API-key placements it holds the key.
    pub fn from_reqwest(what: impl Into<String>, e: reqwest::Error) -> Self {
        let what = what.into();
        if e.is_timeout() {
            return HttpError::Timeout { what, seconds: REQUEST_TIMEOUT.as_secs() };
        }
        let e = e.without_url();
        // reqwest's own message is generic ("error sending request"); the deepest cause says what
        // happened ("Connection refused").
        let mut cause: &dyn std::error::Error = &e;
        while let Some(next) = cause.source() {
            cause = next;
        }
        HttpError::Unreachable { what, reason: cause.to_string() }
    }
}

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The client for every request Keyward makes.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .user_agent(concat!("keyward/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("the HTTP client builds (rustls, no system configuration read)")
}
