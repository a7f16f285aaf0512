//! Finding a provider's endpoints: OpenID Connect discovery (or RFC 8414), or the profile's explicit URLs.

use serde::Deserialize;
use url::Url;

use super::FlowError;
use crate::http::{read_capped, Cap, HttpError, MAX_TOKEN_RESPONSE};
use crate::profile::{check_endpoint_url, Profile};

/// The parts of a discovery document Keyward uses.
#[derive(Debug, Clone, Deserialize)]
pub struct Metadata {
    pub issuer: String,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub revocation_endpoint: Option<String>,
    /// RFC 7662 token introspection.
    pub introspection_endpoint: Option<String>,
    /// Where the provider's signing keys are (the inspector verifies tokens with them).
    pub jwks_uri: Option<String>,
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
    pub code_challenge_methods_supported: Option<Vec<String>>,
    pub scopes_supported: Option<Vec<String>>,
}

/// Where to send the user and the token requests.
#[derive(Debug, Clone)]
pub struct Endpoints {
    pub authorize: Option<Url>,
    pub token: Url,
    pub revocation: Option<Url>,
    /// The issuer, when known: the `iss` an authorization response must carry.
    pub issuer: Option<String>,
    /// The provider promised to send `iss` in authorization responses (RFC 9207 §3).
    pub iss_required: bool,
}

/// The profile's endpoints: discovered from `issuer` when set, explicit fields overriding.
pub async fn resolve(http: &reqwest::Client, profile: &Profile) -> Result<Endpoints, crate::Error> {
    let meta = match profile.settings.issuer() {
        Some(issuer) => Some(fetch(http, issuer).await?),
        None => None,
    };
    let pick = |name: &str, discovered: Option<&String>| -> Result<Option<Url>, crate::Error> {
        match profile.get(name).or_else(|| discovered.cloned()) {
            Some(u) => Ok(Some(check_endpoint_url(name, &u)?)),
            None => Ok(None),
        }
    };
    let authorize = pick("authorizeUrl", meta.as_ref().and_then(|m| m.authorization_endpoint.as_ref()))?;
    let token = pick("url", meta.as_ref().and_then(|m| m.token_endpoint.as_ref()))?
        .ok_or_else(|| crate::config::ConfigError::bad_field("url", "the provider names no token endpoint: set url"))?;
    let revocation = pick("revocationUrl", meta.as_ref().and_then(|m| m.revocation_endpoint.as_ref()))?;
    Ok(Endpoints {
        authorize,
        token,
        revocation,
        issuer: meta.as_ref().map(|m| m.issuer.clone()),
        iss_required: meta.as_ref().is_some_and(|m| m.authorization_response_iss_parameter_supported),
    })
}

/// Fetch and check the discovery document: `/.well-known/openid-configuration`, else RFC 8414's
/// `/.well-known/oauth-authorization-server`. Its `issuer` must be the one asked for (OIDC Discovery §4.3).
pub async fn fetch(http: &reqwest::Client, issuer: &str) -> Result<Metadata, crate::Error> {
    let base = check_endpoint_url("issuer", issuer)?;
    let trimmed = issuer.trim_end_matches('/');
    let path = base.path().trim_end_matches('/');
    let mut rfc8414 = base.clone();
    rfc8414.set_path(&format!("/.well-known/oauth-authorization-server{path}"));
    let candidates = [format!("{trimmed}/.well-known/openid-configuration"), rfc8414.to_string()];

    let mut last = String::new();
    for url in &candidates {
        let resp =
            http.get(url).send().await.map_err(|e| HttpError::from_reqwest(format!("the issuer {issuer}"), e))?;
        if resp.status() == reqwest::StatusCode::NOT_FOUND {
            last = format!("{url} answered 404");
            continue;
        }
        let bad = |reason: String| FlowError::Discovery { url: url.clone(), reason };
        if !resp.status().is_success() {
            return Err(bad(format!("HTTP {}", resp.status())).into());
        }
        let (bytes, _) = read_capped(resp, Cap::Refuse(MAX_TOKEN_RESPONSE), &format!("the issuer {issuer}")).await?;
        let meta: Metadata = serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
        if meta.issuer.trim_end_matches('/') != trimmed {
            return Err(bad(format!("it names the issuer {:?}, not {issuer:?}", meta.issuer)).into());
        }
        if let Some(methods) = &meta.code_challenge_methods_supported {
            if !methods.iter().any(|m| m == "S256") {
                return Err(bad("the provider does not support PKCE with S256".into()).into());
            }
        }
        return Ok(meta);
    }
    Err(FlowError::Discovery { url: candidates[0].clone(), reason: last }.into())
}
