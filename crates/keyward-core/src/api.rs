//! `keyward call`: a request to an API with the profile's credential, and what its errors mean.

use serde::Serialize;
use ts_rs::TS;

use crate::app::Keyward;
use crate::error::{ErrorCode, Result};
use crate::flow::{truncate, FlowError};
use crate::http::HttpError;
use crate::http::{read_capped, Cap};
use crate::profile::{ApiKeyPlacement, Profile};
use crate::scrub::{Scrubber, SERVER_TEXT_MAX};
use crate::strategies::{Obtains, Rides};
use crate::Remedy;

/// Response bodies larger than this are cut, and the rest is never read (the UI and terminals show text,
/// not downloads).
const MAX_BODY: usize = 4 << 20;

/// A request to send with a profile's credential.
#[derive(Debug, Clone, Default, serde::Deserialize, TS)]
#[ts(export)]
pub struct ApiRequest {
    pub method: String,
    pub url: String,
    /// Extra headers as `Name: value` lines' parts.
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

/// What the API answered, as text.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ApiResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// True when the body was longer than 4 MiB and was cut.
    pub truncated: bool,
}

impl ApiResponse {
    /// The failure this response stands for, named for what it means and with the remedy; None for
    /// 2xx/3xx. Understands seed 000's codes (`INVALID_TOKEN`, `TOKEN_EXPIRED`, `INSUFFICIENT_SCOPE`) in an
    /// `error` or `code` field, and RFC 6750's `WWW-Authenticate: Bearer error=…`. The body was scrubbed of
    /// the credential when it was read.
    pub fn problem(&self, profile: &str) -> Option<FlowError> {
        if self.status < 400 {
            return None;
        }
        let json: Option<serde_json::Value> = serde_json::from_str(&self.body).ok();
        let field = |k: &str| json.as_ref().and_then(|j| j.get(k)).and_then(|v| v.as_str()).map(String::from);
        let www = self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("www-authenticate")).map(|(_, v)| v.clone());
        let code = field("error")
            .or_else(|| field("code"))
            .or_else(|| www.as_deref().and_then(|w| bearer_param(w, "error")))
            .map(|c| truncate(&c, 64))
            .unwrap_or_default();
        let upper = code.to_ascii_uppercase();
        let profile = profile.to_string();
        let (meaning, error_code, remedy) = match (self.status, upper.as_str()) {
            (401, "TOKEN_EXPIRED") => (
                "the access token expired and could not be refreshed".to_string(),
                ErrorCode::LoginAgain,
                Some(Remedy::LogIn { profile }),
            ),
            (401, _) => (
                "the API does not accept this credential".to_string(),
                ErrorCode::LoginAgain,
                Some(Remedy::GetNewToken { profile }),
            ),
            (403, "INSUFFICIENT_SCOPE") | (403, "INSUFFICIENT-SCOPE") => {
                let scope = field("required_scope")
                    .or_else(|| field("scope"))
                    .or_else(|| www.as_deref().and_then(|w| bearer_param(w, "scope")))
                    .filter(|s| s.len() <= 200 && !s.chars().any(char::is_control));
                let meaning = match &scope {
                    Some(s) => format!("the token lacks the scope {s}"),
                    None => "the token lacks a scope this API needs".to_string(),
                };
                (meaning, ErrorCode::InsufficientScope, Some(Remedy::AddScope { profile, scope }))
            }
            (403, _) => {
                ("the API refused this request for this credential (forbidden)".to_string(), ErrorCode::Refused, None)
            }
            _ => {
                let msg =
                    field("message").or_else(|| field("error_description")).map(|m| truncate(&m, SERVER_TEXT_MAX));
                (msg.unwrap_or_else(|| "the API refused the request".into()), ErrorCode::Refused, None)
            }
        };
        Some(FlowError::Api {
            status: self.status,
            code: if code.is_empty() { "(no error code)".into() } else { code },
            meaning,
            error_code,
            remedy,
        })
    }
}

/// A parameter of an RFC 6750 `WWW-Authenticate: Bearer k="v", …` challenge.
fn bearer_param(header: &str, name: &str) -> Option<String> {
    let rest = header.trim().strip_prefix("Bearer")?;
    rest.split(',').find_map(|part| {
        let (k, v) = part.trim().split_once('=')?;
        (k.trim() == name).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// How the credential rides on an API request.
#[derive(Clone, Copy)]
enum Credential<'a> {
    Bearer(&'a str),
    Header(&'a str, &'a str),
    Query(&'a str, &'a str),
    Cookie(&'a str),
}

impl Credential<'_> {
    fn value(&self) -> &str {
        match self {
            Credential::Bearer(v) | Credential::Header(_, v) | Credential::Query(_, v) | Credential::Cookie(v) => v,
        }
    }
}

impl Keyward {
    /// Send `req` with the profile's credential. A 401 `TOKEN_EXPIRED` (or, for logins that can simply log
    /// in again, any 401) gets one new token and one retry.
    pub async fn call(&self, name: &str, req: &ApiRequest) -> Result<ApiResponse> {
        let profile = self.profile(name)?;
        check_host(name, &profile, &req.url)?;
        let token = self.token(name, false).await?;
        let first = self.send_with(&profile, req, token.access_token.expose()).await?;
        let d = crate::strategies::def(profile.strategy());
        let expired = first.status == 401
            && (d.retry_on_401
                || first.problem(name).is_some_and(
                    |p| matches!(&p, FlowError::Api { code, .. } if code.eq_ignore_ascii_case("TOKEN_EXPIRED")),
                ));
        if !expired || d.obtains == Obtains::Stored {
            return Ok(first);
        }
        tracing::info!(profile = name, "the API says the credential expired: getting a new one and retrying once");
        let token = self.token(name, true).await?;
        self.send_with(&profile, req, token.access_token.expose()).await
    }

    async fn send_with(&self, profile: &Profile, req: &ApiRequest, credential: &str) -> Result<ApiResponse> {
        let cred = match crate::strategies::def(profile.strategy()).rides {
            Rides::ApiKeyPlacement => match profile.api_key_placement() {
                ApiKeyPlacement::Bearer => Credential::Bearer(credential),
                ApiKeyPlacement::Header(h) => return self.send(req, Credential::Header(&h, credential)).await,
                ApiKeyPlacement::Query(q) => return self.send(req, Credential::Query(&q, credential)).await,
            },
            Rides::Cookie => Credential::Cookie(credential),
            Rides::Bearer => Credential::Bearer(credential),
        };
        self.send(req, cred).await
    }

    async fn send(&self, req: &ApiRequest, credential: Credential<'_>) -> Result<ApiResponse> {
        let method = reqwest::Method::from_bytes(req.method.to_ascii_uppercase().as_bytes())
            .map_err(|_| crate::config::ConfigError::bad_field("method", "an HTTP method such as GET or POST"))?;
        check_headers(&req.headers)?;
        let mut url = crate::profile::check_endpoint_url("url", &req.url)?;
        if let Credential::Query(param, key) = credential {
            // The key is now in the URL: no error or log below may print the URL (HttpError drops it).
            url.query_pairs_mut().append_pair(param, key);
        }
        let mut builder = self.http.request(method, url);
        builder = match credential {
            Credential::Bearer(t) => builder.bearer_auth(t),
            Credential::Header(h, v) => builder.header(h, v),
            Credential::Cookie(c) => builder.header(reqwest::header::COOKIE, c),
            Credential::Query(..) => builder,
        };
        for (k, v) in &req.headers {
            builder = builder.header(k, v);
        }
        if let Some(body) = &req.body {
            builder = builder.body(body.clone());
        }
        let what = "the API";
        let resp = builder.send().await.map_err(|e| HttpError::from_reqwest(what, e))?;
        // The credential is masked from everything the API says back: an API that echoes the request
        // (its headers, its URL) must not put the token in a terminal or the window unasked.
        let scrub = Scrubber::of([&crate::Secret::new(credential.value())]);
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), scrub.scrub(&String::from_utf8_lossy(v.as_bytes()))))
            .collect();
        let (bytes, truncated) = read_capped(resp, Cap::Cut(MAX_BODY), what).await?;
        let body = scrub.scrub(&String::from_utf8_lossy(&bytes));
        Ok(ApiResponse { status, headers, body, truncated })
    }
}

/// A credential goes only where it belongs: the request's host must be one of the profile's
/// [`Profile::credential_hosts`]. Checked before a token is even fetched.
pub(crate) fn check_host(name: &str, profile: &Profile, url: &str) -> Result<()> {
    let url = crate::profile::check_endpoint_url("url", url)?;
    let host = url.host_str().unwrap_or_default().to_string();
    let rules = profile.credential_hosts();
    if rules.iter().any(|r| r.matches(&host)) {
        return Ok(());
    }
    let allowed = match rules.len() {
        0 => "the hosts named in its apiHosts or apiBaseUrl (none yet)".to_string(),
        _ => rules.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(", "),
    };
    Err(FlowError::HostNotBound { profile: name.into(), host: host.trim_matches(['[', ']']).into(), allowed }.into())
}

/// Extra request headers, checked before anything is sent: a bad name or a value with a line break is the
/// user's input to fix, not a network failure.
fn check_headers(headers: &[(String, String)]) -> Result<()> {
    for (k, v) in headers {
        if reqwest::header::HeaderName::from_bytes(k.as_bytes()).is_err() {
            return Err(crate::config::ConfigError::bad_field("header", &format!("{k:?} is not a header name")).into());
        }
        if reqwest::header::HeaderValue::from_str(v).is_err() {
            return Err(crate::config::ConfigError::bad_field(
                "header",
                &format!("the value of {k} holds a line break or another control character"),
            )
            .into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> ApiResponse {
        ApiResponse { status, headers: vec![], body: body.into(), truncated: false }
    }

    #[test]
    fn seed_000_error_codes_map_to_what_to_do() {
        assert!(resp(200, "{}").problem("p").is_none());
        let scope = resp(403, r#"{"error":"INSUFFICIENT_SCOPE","required_scope":"read:users"}"#).problem("p").unwrap();
        assert_eq!(scope.code(), ErrorCode::InsufficientScope);
        assert!(scope.to_string().contains("lacks the scope read:users"), "{scope}");
        assert_eq!(scope.remedy(), Some(Remedy::AddScope { profile: "p".into(), scope: Some("read:users".into()) }));
        let invalid = resp(401, r#"{"error":"INVALID_TOKEN"}"#).problem("p").unwrap();
        assert_eq!(invalid.code(), ErrorCode::LoginAgain);
        assert!(invalid.to_string().contains("INVALID_TOKEN"));
        let mut www = resp(401, "");
        www.headers.push(("WWW-Authenticate".into(), r#"Bearer error="invalid_token", error_description="x""#.into()));
        assert!(www.problem("p").unwrap().to_string().contains("invalid_token"));
        assert_eq!(resp(500, "<html>").problem("p").unwrap().code(), ErrorCode::Refused);
    }
}
