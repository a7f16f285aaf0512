//! The token inspector: what a token says, decoded for display, and kept apart from what is true about
//! it, a list of checks each PASS / FAIL / SKIPPED / WARN with its reason. A token is "verified" only
//! when its signature was checked with a key Keyward trusts for it (a JWKS the user named, or the
//! issuer's); keys the token names itself (`jku`, `x5u`, `jwk`, `x5c`) never count. A SAML assertion
//! (saml.rs) is "verified" only when a signature made with a trusted IdP certificate covers it.

mod jwt;
mod opaque;
pub mod saml;

use serde::Serialize;
use ts_rs::TS;

use crate::error::{ErrorCode, Result};
use crate::secret::Secret;

pub use jwt::{count_jwks_keys, decode_for_display, MAX_TOKEN};

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum CheckStatus {
    Pass,
    Fail,
    /// Not checked, and why (no key given, no expected audience).
    Skipped,
    /// Holds, but worth knowing (a weak key, a missing scope, a self-asserted key).
    Warn,
}

/// One check of a token and what it found.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Check {
    /// `signature`, `alg`, `exp`, `nbf`, `iat`, `iss`, `aud`, `scope`, `key`.
    pub name: String,
    pub status: CheckStatus,
    pub reason: String,
}

/// A header field or claim, for display.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Field {
    pub name: String,
    #[ts(type = "unknown")]
    pub value: serde_json::Value,
    /// What a person needs to read it: a time as a date and "in 12 min" / "expired 3 h ago".
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub note: Option<String>,
}

/// The verdict, kept apart from the decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum Verdict {
    /// The signature verified with a trusted key and every check passed.
    Valid,
    /// A check failed.
    Invalid,
    /// Nothing failed, but the signature was not checked: nothing here is proven.
    Unverified,
}

/// What Keyward found about a token.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Inspection {
    /// `jwt` (a signed JWT, JWS compact form), `saml` (a SAML 2.0 Assertion, or the Response carrying
    /// it: header holds the Response, Assertion and signature facts, claims the subject, conditions,
    /// authentication and the attributes as `attribute:NAME` rows), or `opaque` (a token only its issuer
    /// reads: claims hold what its introspection endpoint said, header is empty).
    pub kind: String,
    pub verdict: Verdict,
    /// One sentence: the verdict and the first reason.
    pub summary: String,
    pub header: Vec<Field>,
    pub claims: Vec<Field>,
    pub checks: Vec<Check>,
    /// Unix seconds, from `exp` (SAML: the Conditions' NotOnOrAfter).
    #[ts(type = "number | null")]
    pub expires_at: Option<i64>,
}

/// Where the keys that may verify a token come from.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[serde(tag = "kind", content = "value", rename_all = "camelCase", rename_all_fields = "camelCase")]
#[ts(export)]
pub enum KeySource {
    /// A JWKS at this URL (fetched, and fetched once more when the token's `kid` is missing).
    JwksUrl(String),
    /// A JWKS document the user gave (a file's contents).
    JwksDocument { name: String, text: String },
    /// The issuer's JWKS, through its discovery document.
    Issuer(String),
}

/// A text the user gave, and its name for the reasons (a file's name).
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct NamedText {
    pub name: String,
    pub text: String,
}

/// Where a SAML IdP's metadata comes from.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[serde(tag = "kind", content = "value", rename_all = "camelCase")]
#[ts(export)]
pub enum MetadataSource {
    /// Fetched from this URL.
    Url(String),
    /// A metadata document the user gave.
    Document(NamedText),
}

/// What to check a token against.
#[derive(Debug, Clone, Default, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct InspectOptions {
    /// Check against this profile: its issuer's keys, its issuer and audience (unless named here), and an
    /// opaque token asked about at its provider (RFC 7662 introspection, as the profile's client).
    pub profile: Option<String>,
    pub keys: Option<KeySource>,
    /// The `iss` the token must carry.
    pub issuer: Option<String>,
    /// An `aud` the token must carry.
    pub audience: Option<String>,
    /// Seconds of clock skew allowed for `exp`, `nbf` and `iat` (default 60).
    #[ts(type = "number | null")]
    pub leeway: Option<u64>,
    /// Scopes the token should carry (a warning when missing).
    pub require_scopes: Vec<String>,
    /// Inspect the input as SAML whatever it looks like (otherwise: XML, or base64 of XML, is SAML).
    pub saml: bool,
    /// SAML: PEM files of the IdP's certificates, together one trust set (the current and the next one,
    /// for a rollover). `issuer` is then the IdP's entity ID, `audience` the SP's.
    pub idp_certs: Vec<NamedText>,
    /// SAML: the IdP's metadata, whose signing certificates join the trust set and whose entity ID is
    /// the expected issuer unless `issuer` names one.
    pub idp_metadata: Option<MetadataSource>,
}

/// Input that is not a token Keyward can inspect.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    #[error("this is not a JWT: {0}")]
    NotAToken(String),
    #[error("the token is larger than {} KiB, which no token is", MAX_TOKEN >> 10)]
    TooLarge,
    #[error("the JWKS {source_name} is not usable: {problem}")]
    BadJwks { source_name: String, problem: String },
    #[error("the issuer {issuer} publishes no jwks_uri in its discovery document, so its keys cannot be found")]
    NoJwksUri { issuer: String },
    #[error("this is not a SAML assertion: {0}")]
    NotSaml(String),
    #[error("the SAML input is larger than {} KiB, which no assertion is", saml::MAX_SAML >> 10)]
    SamlTooLarge,
    #[error("the XML declares a DTD (<!DOCTYPE ...>): SAML never needs one and XML attacks ride on them (entity expansion, external entities), so it is refused unread")]
    Dtd,
    #[error("the SAMLResponse carries an encrypted assertion, which only the service provider's private key opens: decrypt it first, or ask the IdP admin to send it unencrypted")]
    EncryptedAssertion,
    #[error("the IdP certificate {source_name} is not usable: {problem}")]
    BadCertificate { source_name: String, problem: String },
    #[error("the IdP metadata {source_name} is not usable: {problem}")]
    BadMetadata { source_name: String, problem: String },
}

impl InspectError {
    pub fn code(&self) -> ErrorCode {
        ErrorCode::BadInput
    }
}

impl crate::Keyward {
    /// Inspect a token: decode it, then check it against `opts`. The answer is an [`Inspection`] whatever
    /// the checks find; an error only when the input is no token or a key source cannot be read.
    ///
    /// SAML (XML, or base64 of XML) goes to [`Self::inspect_saml`], as does anything when `opts` asks for
    /// SAML (`saml`, IdP certificates or metadata).
    pub async fn inspect(&self, token: &Secret, opts: &InspectOptions) -> Result<Inspection> {
        if let Some(name) = &opts.profile {
            let opts = InspectOptions { profile: None, ..opts.clone() };
            return self.inspect_with_profile(name, Some(token), &opts).await;
        }
        self.inspect_read(token, opts).await
    }

    /// A JWT or SAML read and checked by Keyward itself, against `opts` alone.
    async fn inspect_read(&self, token: &Secret, opts: &InspectOptions) -> Result<Inspection> {
        let text = token.expose().trim();
        if opts.saml || !opts.idp_certs.is_empty() || opts.idp_metadata.is_some() || saml::looks_like_saml(text) {
            return self.inspect_saml(token, opts).await;
        }
        jwt::inspect(self.context(), text, opts).await
    }

    /// Inspect a SAML assertion or SAMLResponse (XML or base64): decode it, verify its signatures with
    /// the IdP certificates of `opts` (PEM files, and metadata fetched or given), then check its issuer,
    /// audience and times. The answer is an [`Inspection`] whatever the checks find; an error only when
    /// the input is no SAML Keyward can read or a certificate or metadata cannot be used.
    pub async fn inspect_saml(&self, input: &Secret, opts: &InspectOptions) -> Result<Inspection> {
        let mut trust = Vec::new();
        for pem in &opts.idp_certs {
            trust.extend(saml::certificates_from_pem(&pem.name, &pem.text)?);
        }
        let mut opts = opts.clone();
        if let Some(source) = &opts.idp_metadata {
            let (origin, text) = match source {
                MetadataSource::Url(url) => {
                    (format!("the metadata at {url}"), saml::fetch_metadata(self.context(), url).await?)
                }
                MetadataSource::Document(doc) => (doc.name.clone(), doc.text.clone()),
            };
            let md = saml::metadata(&origin, &text, opts.issuer.as_deref())?;
            if opts.issuer.is_none() {
                opts.issuer = md.entity_id;
            }
            trust.extend(md.certificates);
        }
        Ok(saml::inspect(input.expose(), &trust, &opts, self.context().clock.now())?)
    }

    /// Inspect a profile's current access token, checked against the profile's issuer (its discovery
    /// document's keys) and its audience, unless `opts` names others. The token stays in Rust.
    pub async fn inspect_profile(&self, name: &str, opts: &InspectOptions) -> Result<Inspection> {
        self.inspect_with_profile(name, None, opts).await
    }

    /// Inspect `token` (or, without one, the profile's current access token) against the profile's issuer
    /// and audience unless `opts` names others. An opaque token is asked about at the profile's provider
    /// (RFC 7662 introspection, as the profile's client): its answer is the verdict's ground.
    pub async fn inspect_with_profile(
        &self,
        name: &str,
        token: Option<&Secret>,
        opts: &InspectOptions,
    ) -> Result<Inspection> {
        let profile = self.profile(name)?;
        let opts = &InspectOptions { profile: None, ..opts.clone() };
        let token = match token {
            Some(t) => t.clone(),
            None => self.token(name, false).await?.access_token,
        };
        let mut opts = opts.clone();
        if opts.keys.is_none() {
            opts.keys = profile.settings.issuer().map(|i| KeySource::Issuer(i.to_string()));
        }
        if opts.issuer.is_none() {
            opts.issuer = profile.settings.issuer().map(String::from);
        }
        if opts.audience.is_none() {
            let (audience, resource) = profile.settings.audience_and_resource();
            opts.audience = resource.or(audience).map(String::from);
        }
        if !opts.saml && opaque::is_opaque(token.expose()) {
            let bare = Secret::new(token.expose().trim().trim_start_matches("Bearer ").trim());
            let (found, url) = self.introspect_given(name, &bare).await?;
            return Ok(opaque::inspection(found, &url, &opts, self.context().clock.now()));
        }
        self.inspect_read(&token, &opts).await
    }
}

/// "in 12 min", "3 h ago": how far `t` is from `now`, roughly, for people.
pub fn relative(t: i64, now: i64) -> String {
    let d = (t - now).abs();
    if d < 5 {
        return "just now".into();
    }
    let amount = match d {
        0..=89 => format!("{d} s"),
        90..=5399 => format!("{} min", (d + 30) / 60),
        5400..=172_799 => format!("{} h", (d + 1800) / 3600),
        _ => format!("{} days", (d + 43_200) / 86_400),
    };
    if t >= now {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}

#[cfg(test)]
mod tests {
    use super::relative;

    #[test]
    fn relative_times_read_naturally() {
        assert_eq!(relative(1037, 1000), "in 37 s");
        assert_eq!(relative(1001, 1000), "just now");
        assert_eq!(relative(1000, 1037), "37 s ago");
        assert_eq!(relative(1000 + 12 * 60, 1000), "in 12 min");
        assert_eq!(relative(0, 3 * 3600), "3 h ago");
        assert_eq!(relative(10 * 86_400, 0), "in 10 days");
    }
}
