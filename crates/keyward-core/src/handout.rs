//! A profile's credential handed out for use elsewhere: to an export (Postman, .env, curl, Bruno) or to
//! a command `keyward exec` starts. One place decides what the request-level credential is (the access
//! token, the API key, the session cookie), how it rides on a request, and its fingerprint, so that every
//! door says the same thing about it.

use sha2::Digest;

use crate::app::Keyward;
use crate::error::Result;
use crate::profile::{ApiKeyPlacement, Profile, Strategy};
use crate::secret::Secret;
use crate::strategies::{def, Rides};

/// How the credential rides on a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// `Authorization: <scheme> <value>` (an access token, or an API key placed as a bearer token).
    Authorization { scheme: String },
    /// A header of its own, e.g. `X-API-Key`.
    Header(String),
    /// A query parameter, e.g. `api_key`.
    Query(String),
    /// The `Cookie` header (a session login).
    Cookie,
}

/// A profile's request-level credential, valid now (fetched or refreshed when it was not).
#[derive(Debug)]
pub struct Handout {
    pub profile: String,
    pub settings: Profile,
    /// The access token, API key or session cookie.
    pub value: Secret,
    /// The token type the provider gave (`Bearer`), `api-key` for API keys.
    pub token_type: String,
    /// Unix seconds, when the credential expires and the provider said so.
    pub expires_at: Option<i64>,
    pub scope: Option<String>,
    pub placement: Placement,
    /// The first 8 hex digits of the value's SHA-256: which credential this was, never the credential.
    pub fingerprint: String,
}

impl Handout {
    /// The `Authorization` header's value, when the credential rides there.
    pub fn authorization(&self) -> Option<Secret> {
        match &self.placement {
            Placement::Authorization { scheme } => Some(Secret::new(format!("{scheme} {}", self.value.expose()))),
            _ => None,
        }
    }

    /// True for an API key (provider-issued, long-lived), false for a token or cookie a login gave.
    pub fn is_api_key(&self) -> bool {
        self.settings.strategy() == Strategy::ApiKey
    }
}

/// The first 8 hex digits of a secret's SHA-256: enough to tell two credentials apart in an audit log or
/// a rotation's plan, never enough to use one.
pub fn fingerprint(value: &Secret) -> String {
    let digest = sha2::Sha256::digest(value.expose().as_bytes());
    digest.iter().take(4).map(|b| format!("{b:02x}")).collect()
}

impl Keyward {
    /// The profile's request-level credential, valid now: the cached token while fresh, else refreshed or
    /// obtained anew (the same single-flight path as `keyward token`); the API key; the session cookie.
    pub async fn handout(&self, name: &str) -> Result<Handout> {
        let settings = self.profile(name)?;
        let token = self.token(name, false).await?;
        let placement = match def(settings.strategy()).rides {
            Rides::Cookie => Placement::Cookie,
            Rides::Bearer => Placement::Authorization { scheme: bearer_scheme(&token.meta.token_type) },
            Rides::ApiKeyPlacement => match settings.api_key_placement() {
                ApiKeyPlacement::Bearer => Placement::Authorization { scheme: "Bearer".into() },
                ApiKeyPlacement::Header(h) => Placement::Header(h),
                ApiKeyPlacement::Query(q) => Placement::Query(q),
            },
        };
        Ok(Handout {
            profile: name.to_string(),
            fingerprint: fingerprint(&token.access_token),
            token_type: token.meta.token_type.clone(),
            expires_at: token.meta.expires_at,
            scope: token.meta.scope.clone().or_else(|| settings.settings.scopes().map(String::from)),
            value: token.access_token,
            placement,
            settings,
        })
    }
}

/// The scheme a token type asks for: RFC 6750's `Bearer` (whatever the provider's capitalisation),
/// `DPoP` and others as given.
fn bearer_scheme(token_type: &str) -> String {
    if token_type.is_empty() || token_type.eq_ignore_ascii_case("bearer") {
        "Bearer".into()
    } else {
        token_type.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_eight_hex_of_sha256() {
        // sha256("abc") = ba7816bf…
        assert_eq!(fingerprint(&Secret::new("abc")), "ba7816bf");
    }

    #[test]
    fn bearer_scheme_is_canonical() {
        assert_eq!(bearer_scheme("bearer"), "Bearer");
        assert_eq!(bearer_scheme(""), "Bearer");
        assert_eq!(bearer_scheme("DPoP"), "DPoP");
    }
}
