//! Tokens as Keyward keeps them, shared by every flow below the strategies: what is known of an access
//! token (none of it secret), the keychain's access-token entry, and a token response once read. The
//! OAuth flows (`oauth`) and the machine flows (`machine`) both build on it, and neither on the other.

use base64::Engine;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::secret::Secret;

/// What is known about an access token, none of it secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TokenMeta {
    /// Unix seconds; absent when the provider gave no lifetime.
    #[ts(type = "number | null")]
    pub expires_at: Option<i64>,
    #[ts(type = "number")]
    pub issued_at: i64,
    /// The scope granted, when the provider said.
    pub scope: Option<String>,
    /// The signed-in user (the ID token's `sub`), when there is an ID token.
    pub subject: Option<String>,
    pub token_type: String,
    /// When the refresh token itself expires (Unix seconds), where the provider says
    /// (`refresh_expires_in`, `refresh_token_expires_in`): after it, only a new sign-in helps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub refresh_expires_at: Option<i64>,
}

impl TokenMeta {
    /// Stale `min(60 s, half the lifetime)` before expiry: refresh then, not after a failed call.
    pub fn is_stale(&self, now: i64) -> bool {
        match self.expires_at {
            None => false,
            Some(exp) => {
                let margin = 60.min((exp - self.issued_at).max(0) / 2);
                now >= exp - margin
            }
        }
    }
}

/// The keychain's access-token entry: the token and its metadata, one JSON document.
pub struct StoredToken {
    pub access_token: Secret,
    pub meta: TokenMeta,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredTokenDoc {
    access_token: String,
    #[serde(flatten)]
    meta: TokenMeta,
}

impl StoredToken {
    pub fn parse(s: &Secret) -> Option<Self> {
        let doc: StoredTokenDoc = serde_json::from_str(s.expose()).ok()?;
        Some(StoredToken { access_token: Secret::new(doc.access_token), meta: doc.meta })
    }

    pub(crate) fn to_secret(&self) -> Secret {
        let doc = StoredTokenDoc { access_token: self.access_token.expose().to_string(), meta: self.meta.clone() };
        Secret::new(serde_json::to_string(&doc).expect("token serialises"))
    }
}

/// The subject of an ID token, decoded for display only (it came straight from the token endpoint over
/// the back channel; nothing is decided on it).
pub(crate) fn subject_of(id_token: &str) -> Option<String> {
    let payload = id_token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("sub")?.as_str().map(String::from)
}

/// The refresh token's lifetime in a token response, in the names providers use for it (Keycloak's
/// `refresh_expires_in`, Microsoft's and GitHub's `refresh_token_expires_in`), as an expiry.
pub(crate) fn refresh_expiry(json: &serde_json::Value, now: i64) -> Option<i64> {
    ["refresh_expires_in", "refresh_token_expires_in"].iter().find_map(|k| {
        let v = json.get(*k)?;
        let n = v.as_i64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))?;
        (n > 0).then_some(now + n)
    })
}

/// A token response, read.
pub struct TokenData {
    pub access_token: Secret,
    /// When it was obtained: the same instant a relative expiry is counted from.
    pub issued_at: i64,
    pub refresh_token: Option<Secret>,
    pub expires_at: Option<i64>,
    pub scope: Option<String>,
    pub token_type: String,
    pub subject: Option<String>,
    /// When the refresh token expires, if the response said.
    pub refresh_expires_at: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(issued: i64, exp: Option<i64>) -> TokenMeta {
        TokenMeta {
            expires_at: exp,
            issued_at: issued,
            scope: None,
            subject: None,
            token_type: "bearer".into(),
            refresh_expires_at: None,
        }
    }

    #[test]
    fn refresh_margin_is_min_of_60s_and_half_the_lifetime() {
        let hour = meta(0, Some(3600));
        assert!(!hour.is_stale(3539));
        assert!(hour.is_stale(3540), "one minute before expiry");
        let short = meta(0, Some(10));
        assert!(!short.is_stale(4));
        assert!(short.is_stale(5), "half of a 10 s lifetime");
        assert!(!meta(0, None).is_stale(1 << 40), "no lifetime: used until the API says otherwise");
    }

    #[test]
    fn subject_is_read_from_the_id_token_payload() {
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"sub":"alice","aud":"x"}"#);
        assert_eq!(subject_of(&format!("h.{payload}.s")).as_deref(), Some("alice"));
        assert_eq!(subject_of("garbage"), None);
    }
}
