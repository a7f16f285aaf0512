//! HTTP as Keyward does it: rustls, bounded timeouts, no redirects followed (a token request that is
//! redirected could hand credentials to another host), bodies read with a size cap while they stream, and
//! errors that never carry a URL.

use std::time::Duration;

use crate::error::ErrorCode;
use crate::Remedy;

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("could not reach {what}: {reason}")]
    Unreachable { what: String, reason: String },
    #[error("{what} did not answer within {seconds} s")]
    Timeout { what: String, seconds: u64 },
    #[error("{what} answered with something Keyward cannot read: {reason}")]
    BadResponse { what: String, reason: String },
    #[error("{what} sent more than {} KiB; Keyward stopped reading (a token endpoint or discovery document is far smaller: check the URL)", .limit / 1024)]
    TooLarge { what: String, limit: usize },
    #[error("{what} answered {status} and points elsewhere ({location}); Keyward never follows a redirect of a credential request, which could hand the credential to another host: if that address is the right one, set it as the URL")]
    Redirected { what: String, status: u16, location: String },
}

impl HttpError {
    pub fn code(&self) -> ErrorCode {
        match self {
            HttpError::Unreachable { .. } | HttpError::Timeout { .. } => ErrorCode::Network,
            HttpError::BadResponse { .. } | HttpError::TooLarge { .. } | HttpError::Redirected { .. } => {
                ErrorCode::Refused
            }
        }
    }

    pub fn remedy(&self) -> Option<Remedy> {
        match self {
            HttpError::Unreachable { .. } | HttpError::Timeout { .. } => Some(Remedy::CheckNetwork),
            _ => None,
        }
    }

    /// What the audit log keeps: no server-sent text (a bad response's reason may quote its fields).
    pub fn audit_text(&self) -> String {
        match self {
            HttpError::BadResponse { what, .. } => format!("{what} answered with something Keyward cannot read"),
            HttpError::Redirected { what, status, .. } => {
                format!("{what} answered {status} (a redirect, not followed)")
            }
            other => other.to_string(),
        }
    }

    /// Describe a reqwest failure. The URL is dropped: for `query:` API-key placements it holds the key.
    pub fn from_reqwest(what: impl Into<String>, e: reqwest::Error) -> Self {
        let what = what.into();
        if e.is_timeout() {
            return HttpError::Timeout { what, seconds: TIMEOUT_SECS.load(std::sync::atomic::Ordering::Relaxed) };
        }
        let e = e.without_url();
        // reqwest's own message is generic ("error sending request"); the deepest cause says what
        // happened ("Connection refused").
        let mut cause: &dyn std::error::Error = &e;
        while let Some(next) = cause.source() {
            cause = next;
        }
        HttpError::Unreachable { what, reason: plain_reason(&cause.to_string()) }
    }
}

/// An OS error in plain words: "Connection refused (os error 111)" → "the connection was refused".
fn plain_reason(reason: &str) -> String {
    let bare = match reason.rfind(" (os error ") {
        Some(i) if reason.ends_with(')') => &reason[..i],
        _ => reason,
    };
    match bare {
        "Connection refused" => "nothing answers at that address (the connection was refused)".into(),
        "Connection reset by peer" => "the server closed the connection".into(),
        other => other.to_string(),
    }
}

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The most a token endpoint, a revocation endpoint or a discovery document may send.
pub const MAX_TOKEN_RESPONSE: usize = 1 << 20;

/// The whole-request timeout of the client this process built last (for the message that names it).
static TIMEOUT_SECS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(REQUEST_TIMEOUT.as_secs());

/// The client for every request Keyward makes.
pub fn client() -> reqwest::Client {
    client_with_timeout(REQUEST_TIMEOUT)
}

/// The client, with another whole-request timeout (`KEYWARD_HTTP_TIMEOUT`, read at the edge: slow
/// proxies, or tests of a server that never answers).
pub fn client_with_timeout(timeout: Duration) -> reqwest::Client {
    TIMEOUT_SECS.store(timeout.as_secs(), std::sync::atomic::Ordering::Relaxed);
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(CONNECT_TIMEOUT.min(timeout))
        .timeout(timeout)
        .user_agent(concat!("keyward/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("the HTTP client builds (rustls, no system configuration read)")
}

/// What to do with a body larger than the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cap {
    /// Refuse it: a credential response that large is not one.
    Refuse(usize),
    /// Keep its first bytes and stop reading (an API body shown as text).
    Cut(usize),
}

/// Read a body with a cap, refusing at once on a `Content-Length` over it and stopping the stream there
/// otherwise: memory stays bounded whatever the server sends. True when the body was cut.
pub async fn read_capped(mut resp: reqwest::Response, cap: Cap, what: &str) -> Result<(Vec<u8>, bool), HttpError> {
    let limit = match cap {
        Cap::Refuse(n) | Cap::Cut(n) => n,
    };
    if let (Cap::Refuse(_), Some(len)) = (cap, resp.content_length()) {
        if len > limit as u64 {
            return Err(HttpError::TooLarge { what: what.into(), limit });
        }
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| HttpError::from_reqwest(what, e))? {
        if body.len() + chunk.len() > limit {
            return match cap {
                Cap::Refuse(_) => Err(HttpError::TooLarge { what: what.into(), limit }),
                Cap::Cut(_) => {
                    body.extend_from_slice(&chunk[..limit - body.len()]);
                    Ok((body, true))
                }
            };
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
}

/// The `Location` a redirect points to, for the message (scrubbed by the caller when it may hold a secret).
pub fn location(headers: &reqwest::header::HeaderMap) -> String {
    headers
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(|s| crate::flow::truncate(s, 200))
        .unwrap_or_else(|| "no Location given".into())
}

/// `oauth2`'s HTTP client, Keyward's way: the shared client (no redirects, timeouts) and the body read
/// with [`MAX_TOKEN_RESPONSE`] as its cap, where `oauth2`'s own reqwest client reads a body whole. A type
/// rather than a closure, so that the futures built on it are `Send` for any lifetime (the shell awaits
/// them on Tauri's runtime).
pub struct OauthHttp<'a>(pub &'a reqwest::Client);

/// Keyward's [`OauthHttp`] over `http`.
pub fn oauth_client(http: &reqwest::Client) -> OauthHttp<'_> {
    OauthHttp(http)
}

impl<'c> oauth2::AsyncHttpClient<'c> for OauthHttp<'_> {
    type Error = HttpError;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<oauth2::HttpResponse, HttpError>> + Send + Sync + 'c>,
    >;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let what = "the token endpoint";
            let request = reqwest::Request::try_from(request)
                .map_err(|e| HttpError::BadResponse { what: what.into(), reason: format!("bad request: {e}") })?;
            let resp = self.0.execute(request).await.map_err(|e| HttpError::from_reqwest(what, e))?;
            let status = resp.status();
            let headers = resp.headers().clone();
            if status.is_redirection() {
                return Err(HttpError::Redirected {
                    what: what.into(),
                    status: status.as_u16(),
                    location: location(&headers),
                });
            }
            let (body, _) = read_capped(resp, Cap::Refuse(MAX_TOKEN_RESPONSE), what).await?;
            let mut out = oauth2::http::Response::builder().status(status);
            for (k, v) in &headers {
                out = out.header(k, v);
            }
            out.body(body).map_err(|e| HttpError::BadResponse { what: what.into(), reason: e.to_string() })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_errors_in_plain_words() {
        assert_eq!(
            plain_reason("Connection refused (os error 111)"),
            "nothing answers at that address (the connection was refused)"
        );
        assert_eq!(plain_reason("dns error: failed to lookup"), "dns error: failed to lookup");
    }
}
