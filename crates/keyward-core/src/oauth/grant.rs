//! A signed-in grant's tokens, asked about or ended on request: revocation (RFC 7009) of the refresh or
//! the access token, and introspection (RFC 7662), which is also how an opaque token is inspected.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::discovery;
use super::revocation::EndpointCall;
use crate::audit::{AuditAction, Outcome};
use crate::config::ConfigError;
use crate::error::Result;
use crate::flow::FlowError;
use crate::inspect::{relative, Field};
use crate::keychain::SecretField;
use crate::secret::Secret;

/// Which of a grant's tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum GrantToken {
    Refresh,
    Access,
}

impl GrantToken {
    fn hint(self) -> &'static str {
        match self {
            GrantToken::Refresh => "refresh_token",
            GrantToken::Access => "access_token",
        }
    }

    fn words(self) -> &'static str {
        match self {
            GrantToken::Refresh => "refresh token",
            GrantToken::Access => "access token",
        }
    }
}

/// What the provider's introspection endpoint said about a token.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Introspection {
    /// The provider says the token is valid now.
    pub active: bool,
    /// Its answer's fields (scope, client_id, exp as a date…), never the token.
    pub fields: Vec<Field>,
}

impl crate::Keyward {
    /// The profile's token of that kind, the provider's endpoint URL of that name, and the store id.
    async fn grant_call_parts(
        &self,
        name: &str,
        which: GrantToken,
        endpoint: &'static str,
    ) -> Result<(String, crate::profile::Profile, Secret, url::Url)> {
        let config = self.config.load()?;
        let profile = config.profile(name)?.clone();
        let store_id = config.store_id.clone();
        let token = match which {
            GrantToken::Refresh => self.secret(&store_id, name, SecretField::RefreshToken)?,
            GrantToken::Access => self.cached(&store_id, name)?.map(|t| t.access_token),
        };
        let Some(token) = token else {
            return Err(FlowError::NotLoggedIn { profile: name.into() }.into());
        };
        let url = match endpoint {
            "revocation" => {
                let endpoints = discovery::resolve(&self.http, &profile).await?;
                endpoints.revocation.ok_or_else(|| {
                    ConfigError::bad_field(
                        "revocationUrl",
                        "the provider names no revocation endpoint (RFC 7009); set it if it has one",
                    )
                })?
            }
            _ => self.introspection_url(&profile).await?,
        };
        Ok((store_id, profile, token, url))
    }

    /// The provider's introspection endpoint (RFC 7662), from its discovery document.
    async fn introspection_url(&self, profile: &crate::profile::Profile) -> Result<url::Url> {
        let issuer = profile.settings.issuer().ok_or_else(|| {
            ConfigError::bad_field("issuer", "introspection needs the provider's discovery document: set issuer")
        })?;
        let meta = discovery::fetch(&self.http, issuer).await?;
        let u = meta.introspection_endpoint.ok_or_else(|| {
            ConfigError::bad_field("issuer", "the provider names no introspection endpoint (RFC 7662)")
        })?;
        Ok(crate::profile::check_endpoint_url("introspection_endpoint", &u)?)
    }

    /// Revoke the profile's refresh token (which ends the grant: both tokens are forgotten here) or its
    /// access token (forgotten here; the refresh token stays).
    pub async fn revoke_token(&self, name: &str, which: GrantToken) -> Result<()> {
        let result: Result<()> = async {
            let (store_id, profile, token, url) = self.grant_call_parts(name, which, "revocation").await?;
            let call = EndpointCall { url, token: &token, hint: which.hint(), what: "the revocation endpoint" };
            self.token_endpoint_call(&store_id, name, &profile, call).await?;
            self.delete_secret(&store_id, name, SecretField::AccessToken)?;
            if which == GrantToken::Refresh {
                self.delete_secret(&store_id, name, SecretField::RefreshToken)?;
            }
            Ok(())
        }
        .await;
        let (outcome, detail) = match &result {
            Ok(()) => (Outcome::Ok, format!("{} revoked at the provider and forgotten here", which.words())),
            Err(e) => (Outcome::Failed, format!("{} not revoked: {}", which.words(), e.audit_text())),
        };
        self.record(AuditAction::TokenRevoked, name, outcome, Some(detail));
        result
    }

    /// Ask the provider about the profile's token (RFC 7662). The token stays in Rust.
    pub async fn introspect_token(&self, name: &str, which: GrantToken) -> Result<Introspection> {
        let (store_id, profile, token, url) = self.grant_call_parts(name, which, "introspection").await?;
        self.introspect_at(&store_id, name, &profile, url, &token, which.hint()).await
    }

    /// Ask the provider of profile `name` about a token someone gave (an opaque token pasted into the
    /// inspector), authenticated as the profile's client. No type hint: the provider finds out.
    pub async fn introspect_given(&self, name: &str, token: &Secret) -> Result<(Introspection, url::Url)> {
        let config = self.config.load()?;
        let profile = config.profile(name)?.clone();
        let url = self.introspection_url(&profile).await?;
        let found = self.introspect_at(&config.store_id, name, &profile, url.clone(), token, "").await?;
        Ok((found, url))
    }

    async fn introspect_at(
        &self,
        store_id: &str,
        name: &str,
        profile: &crate::profile::Profile,
        url: url::Url,
        token: &Secret,
        hint: &str,
    ) -> Result<Introspection> {
        let (store_id, profile) = (store_id.to_string(), profile.clone());
        let what = "the introspection endpoint";
        let call = EndpointCall { url, token, hint, what };
        let body = self.token_endpoint_call(&store_id, name, &profile, call).await?;
        let v: serde_json::Value = serde_json::from_slice(&body).map_err(|_| FlowError::TokenEndpoint {
            error: "invalid_response".into(),
            description: Some("the introspection answer is not JSON".into()),
        })?;
        let active = v.get("active").and_then(|a| a.as_bool()).unwrap_or(false);
        let now = self.clock.now();
        let mut scrub = self.client_scrubber(&store_id, name, &profile)?;
        scrub.add(token);
        let fields = v
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, val)| {
                        let note = match (matches!(k.as_str(), "exp" | "iat" | "nbf"), val.as_i64()) {
                            (true, Some(t)) => Some(format!("{}, {}", crate::clock::rfc3339(t), relative(t, now))),
                            _ => None,
                        };
                        let value = match val {
                            serde_json::Value::String(s) => serde_json::Value::String(scrub.server_text(s)),
                            other => other.clone(),
                        };
                        Field { name: k.clone(), value, note }
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Introspection { active, fields })
    }
}
