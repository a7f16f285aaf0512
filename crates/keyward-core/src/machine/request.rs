//! A token request as data: built once from a profile, then either shown with its secrets masked
//! (`keyward token --dry-run`, the first thing to reach for when a custom endpoint says 400) or sent.
//! The token response is read with the profile's field names, bounded, and its errors never echo a
//! secret back.

use std::fmt;

use base64::Engine;
use serde::Serialize;
use ts_rs::TS;
use url::Url;

use crate::flow::FlowError;
use crate::http::{read_capped, Cap, HttpError, MAX_TOKEN_RESPONSE};
use crate::scrub::{Scrubber, MASK};
use crate::secret::Secret;
pub use crate::token::TokenData;

/// A body field's value.
#[derive(Debug, Clone)]
pub enum Value {
    Plain(String),
    Secret(Secret),
}

/// How the client's credentials ride in HTTP Basic.
#[derive(Debug, Clone)]
pub struct Basic {
    pub user: String,
    pub password: Secret,
    /// RFC 6749 §2.3.1 form-encodes both before base64; some custom endpoints expect them raw.
    pub form_encode: bool,
}

#[derive(Debug, Clone)]
pub struct TokenRequest {
    pub url: Url,
    pub basic: Option<Basic>,
    pub json: bool,
    pub fields: Vec<(String, Value)>,
    /// Extra headers (a session cookie for a logout, say); values may be secret.
    pub headers: Vec<(String, Value)>,
}

/// The request as `--dry-run` and the app show it: secrets masked.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DryRun {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl fmt::Display for DryRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {}", self.method, self.url)?;
        for (k, v) in &self.headers {
            writeln!(f, "{k}: {v}")?;
        }
        writeln!(f)?;
        writeln!(f, "{}", self.body)
    }
}

fn form_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

impl TokenRequest {
    pub fn form(url: Url) -> Self {
        TokenRequest { url, basic: None, json: false, fields: Vec::new(), headers: Vec::new() }
    }

    pub fn field(mut self, name: &str, value: impl Into<String>) -> Self {
        self.fields.push((name.to_string(), Value::Plain(value.into())));
        self
    }

    pub fn secret(mut self, name: &str, value: Secret) -> Self {
        self.fields.push((name.to_string(), Value::Secret(value)));
        self
    }

    fn content_type(&self) -> &'static str {
        if self.json {
            "application/json"
        } else {
            "application/x-www-form-urlencoded"
        }
    }

    fn body(&self, masked: bool) -> String {
        let text = |v: &Value| match v {
            Value::Plain(s) => s.clone(),
            Value::Secret(_) if masked => MASK.to_string(),
            Value::Secret(s) => s.expose().to_string(),
        };
        if self.json {
            let map: serde_json::Map<String, serde_json::Value> =
                self.fields.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(text(v)))).collect();
            serde_json::Value::Object(map).to_string()
        } else {
            let mut ser = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in &self.fields {
                ser.append_pair(k, &text(v));
            }
            let body = ser.finish();
            // The mask itself must read as *** in a dry run, not %2A%2A%2A.
            if masked {
                body.replace("%2A%2A%2A", MASK)
            } else {
                body
            }
        }
    }

    fn basic_header(&self) -> Option<Secret> {
        self.basic.as_ref().map(|b| {
            let (u, p) = if b.form_encode {
                (form_encode(&b.user), form_encode(b.password.expose()))
            } else {
                (b.user.clone(), b.password.expose().to_string())
            };
            Secret::new(format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"))))
        })
    }

    pub fn dry_run(&self) -> DryRun {
        let mut headers = Vec::new();
        if let Some(b) = &self.basic {
            headers.push(("Authorization".into(), format!("Basic {MASK} (user {:?}, password {MASK})", b.user)));
        }
        for (k, v) in &self.headers {
            headers.push((k.clone(), if matches!(v, Value::Secret(_)) { MASK.into() } else { text_of(v) }));
        }
        headers.push(("Content-Type".into(), self.content_type().into()));
        headers.push(("Accept".into(), "application/json".into()));
        DryRun { method: "POST".into(), url: self.url.to_string(), headers, body: self.body(true) }
    }

    /// Every secret this request carries, in every form, to scrub from what the server says back.
    pub fn scrubber(&self) -> Scrubber {
        let mut scrub = Scrubber::new();
        for (_, v) in self.fields.iter().chain(self.headers.iter()) {
            if let Value::Secret(s) = v {
                scrub.add(s);
            }
        }
        if let Some(b) = &self.basic {
            scrub.add_basic(&b.user, &b.password);
        }
        scrub
    }

    /// Send it; the raw response, for the caller to read with its own names.
    pub async fn send(&self, http: &reqwest::Client, what: &str) -> Result<RawResponse, crate::Error> {
        let mut req = http
            .post(self.url.clone())
            .header(reqwest::header::CONTENT_TYPE, self.content_type())
            .header(reqwest::header::ACCEPT, "application/json")
            .body(self.body(false));
        if let Some(h) = self.basic_header() {
            req = req.header(reqwest::header::AUTHORIZATION, h.expose());
        }
        for (k, v) in &self.headers {
            let value = match v {
                Value::Plain(s) => s.clone(),
                Value::Secret(s) => s.expose().to_string(),
            };
            req = req.header(k.as_str(), value);
        }
        tracing::info!(url = %self.url, json = self.json, basic = self.basic.is_some(), "token request");
        let resp = req.send().await.map_err(|e| HttpError::from_reqwest(what, e))?;
        let status = resp.status().as_u16();
        let scrub = self.scrubber();
        if resp.status().is_redirection() {
            let location = scrub.scrub(&crate::http::location(resp.headers()));
            return Err(HttpError::Redirected { what: what.into(), status, location }.into());
        }
        let cookies = resp
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(String::from))
            .collect();
        let (body, _) = read_capped(resp, Cap::Refuse(MAX_TOKEN_RESPONSE), what).await?;
        Ok(RawResponse { status, body, set_cookies: cookies, scrub })
    }
}

fn text_of(v: &Value) -> String {
    match v {
        Value::Plain(s) => s.clone(),
        Value::Secret(_) => MASK.into(),
    }
}

/// What a token endpoint answered.
pub struct RawResponse {
    pub status: u16,
    pub body: Vec<u8>,
    pub set_cookies: Vec<String>,
    scrub: Scrubber,
}

/// Read a token endpoint's answer (status and body) with `names`: the token, or the server's error.
pub fn read_token(status: u16, body: &[u8], names: &ResponseNames<'_>, now: i64) -> Result<TokenData, crate::Error> {
    let raw = RawResponse { status, body: body.to_vec(), set_cookies: Vec::new(), scrub: Scrubber::new() };
    raw.token(names, now, "the token endpoint")
}

/// The names a token response is read with (seed 004's `accessTokenName`, `expiresFieldName`…).
pub struct ResponseNames<'a> {
    pub access_token: &'a str,
    pub expires: &'a str,
    pub refresh_token: &'a str,
    pub default_expiration: Option<u64>,
}

impl Default for ResponseNames<'_> {
    fn default() -> Self {
        ResponseNames {
            access_token: "access_token",
            expires: "expires_in",
            refresh_token: "refresh_token",
            default_expiration: None,
        }
    }
}

impl RawResponse {
    /// Server text with every form of every secret the request carried masked, then bounded.
    pub fn scrub(&self, text: &str) -> String {
        self.scrub.server_text(text)
    }

    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The error this non-2xx response stands for: the server's `error` / `error_description` (or
    /// `code` / `message`), scrubbed, never the raw body.
    pub fn error(&self) -> FlowError {
        let json = self.json().unwrap_or_default();
        let field = |k: &str| json.get(k).and_then(|v| v.as_str()).map(|s| self.scrub(s));
        // A web page instead of an OAuth error: a proxy or gateway answered, or the URL is not the token
        // endpoint. Said so, in Keyward's words (the page itself is never shown).
        let html = self.body.iter().take(512).skip_while(|b| b.is_ascii_whitespace()).take(1).any(|b| *b == b'<');
        let description = field("error_description").or_else(|| field("message")).or_else(|| {
            html.then(|| "it answered with a web page, not an OAuth error: a proxy or gateway in the way, or a URL that is not the token endpoint".to_string())
        });
        FlowError::TokenEndpoint {
            error: field("error").or_else(|| field("code")).unwrap_or_else(|| format!("HTTP {}", self.status)),
            description,
        }
    }

    /// Read a successful token response with `names`; `now` dates a relative expiry.
    pub fn token(&self, names: &ResponseNames<'_>, now: i64, what: &str) -> Result<TokenData, crate::Error> {
        if !(200..300).contains(&self.status) {
            return Err(self.error().into());
        }
        let bad = |reason: String| HttpError::BadResponse { what: what.into(), reason };
        let json = self.json().ok_or_else(|| bad("the response is not JSON".into()))?;
        let access = json.get(names.access_token).and_then(|v| v.as_str()).ok_or_else(|| {
            let fields: Vec<&str> =
                json.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
            bad(format!(
                "it has no {:?} field (it has: {}); set accessTokenName to the field that carries the token",
                names.access_token,
                fields.join(", ")
            ))
        })?;
        let expires_at = match json.get(names.expires) {
            None | Some(serde_json::Value::Null) => names.default_expiration.map(|s| now + s as i64),
            Some(v) => {
                let n = v
                    .as_i64()
                    .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
                    .ok_or_else(|| bad(format!("its {:?} field is not a number of seconds", names.expires)))?;
                // A value that is already a plausible Unix time is absolute; anything smaller is relative.
                Some(if n > 1_000_000_000 { n } else { now + n })
            }
        };
        let text = |k: &str| json.get(k).and_then(|v| v.as_str()).map(String::from);
        Ok(TokenData {
            access_token: Secret::new(access),
            issued_at: now,
            // refreshTokenName names the request field; servers answer in it or in the standard name.
            refresh_token: text(names.refresh_token).or_else(|| text("refresh_token")).map(Secret::new),
            expires_at,
            scope: text("scope"),
            token_type: text("token_type").unwrap_or_else(|| "bearer".into()),
            subject: None,
            refresh_expires_at: crate::token::refresh_expiry(&json, now),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(status: u16, body: &str) -> RawResponse {
        RawResponse {
            status,
            body: body.as_bytes().to_vec(),
            set_cookies: vec![],
            scrub: Scrubber::of([&Secret::new("s3cr3t-value")]),
        }
    }

    #[test]
    fn dry_run_masks_every_secret() {
        let mut r = TokenRequest::form(Url::parse("https://a.example/token").unwrap())
            .field("grant_type", "client_credentials")
            .secret("client_secret", Secret::new("s3cr3t-value"));
        r.basic = Some(Basic { user: "id".into(), password: Secret::new("s3cr3t-value"), form_encode: true });
        let shown = r.dry_run().to_string();
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("client_secret=***"), "{shown}");
        assert!(shown.contains("Authorization: Basic ***"), "{shown}");
        r.json = true;
        assert!(r.dry_run().body.contains(r#""client_secret":"***""#));
    }

    #[test]
    fn responses_are_read_with_the_profile_names() {
        let names = ResponseNames { access_token: "accessToken", expires: "expires", ..Default::default() };
        let t = raw(200, r#"{"accessToken":"abc","expires":"3600"}"#).token(&names, 1000, "x").unwrap();
        assert_eq!(t.access_token.expose(), "abc");
        assert_eq!(t.expires_at, Some(4600));
        let t = raw(200, r#"{"accessToken":"abc","expires":1900000000}"#).token(&names, 1000, "x").unwrap();
        assert_eq!(t.expires_at, Some(1_900_000_000), "an absolute epoch is recognised");
        let defaulted = ResponseNames { default_expiration: Some(60), ..Default::default() };
        assert_eq!(raw(200, r#"{"access_token":"a"}"#).token(&defaulted, 10, "x").unwrap().expires_at, Some(70));
        let err = raw(200, r#"{"token":"a"}"#).token(&ResponseNames::default(), 0, "x").err().unwrap().to_string();
        assert!(err.contains("set accessTokenName") && err.contains("token"), "{err}");
    }

    #[test]
    fn server_errors_never_echo_secrets() {
        let e =
            raw(400, r#"{"error":"invalid_client","error_description":"bad secret s3cr3t-value"}"#).error().to_string();
        assert!(e.contains("invalid_client") && e.contains("bad secret ***") && !e.contains("s3cr3t"), "{e}");
        assert!(raw(500, "<html>oops</html>").error().to_string().contains("HTTP 500"));
    }
}
