//! Access and refresh tokens: stored in the keychain, refreshed a margin before expiry, one refresh per
//! grant at a time across threads and processes, rotated refresh tokens persisted before use. Logging out
//! is `crate::logout`; revocation and introspection calls are `oauth::revocation`.

use std::time::Duration;

use oauth2::{ClientId, ClientSecret, RefreshToken, TokenResponse as _, TokenUrl};

use super::discovery;
use super::{is_invalid_grant, token_error, FlowError, OidcClient, TokenResponse};
use crate::app::Keyward;
use crate::audit::{AuditAction, Outcome};
use crate::error::Result;
use crate::keychain::SecretField;
use crate::profile::Profile;
use crate::scrub::Scrubber;
use crate::secret::Secret;
use crate::strategies::Obtains;
use crate::token::{subject_of, TokenData};
pub use crate::token::{StoredToken, TokenMeta};

/// How long a process waits for another one's refresh of the same grant.
const GRANT_LOCK_WAIT: Duration = Duration::from_secs(60);

impl Keyward {
    /// The oauth2 client for a profile's token endpoint.
    pub(crate) fn oauth_client(&self, store_id: &str, name: &str, profile: &Profile) -> Result<OidcClient> {
        let client_id = profile.settings.client_id().unwrap_or_default().to_string();
        let mut client = OidcClient::new(ClientId::new(client_id));
        if let Some(secret) = self.secret(store_id, name, SecretField::ClientSecret)? {
            client = client.set_client_secret(ClientSecret::new(secret.expose().to_string()));
        }
        Ok(client)
    }

    /// A scrubber for what a token request of this profile carries: its client secret, in Basic and raw.
    pub(crate) fn client_scrubber(&self, store_id: &str, name: &str, profile: &Profile) -> Result<Scrubber> {
        let mut scrub = Scrubber::new();
        if let Some(secret) = self.secret(store_id, name, SecretField::ClientSecret)? {
            scrub.add_basic(profile.settings.client_id().unwrap_or_default(), &secret);
        }
        Ok(scrub)
    }

    /// Record a token request in the audit log: issued or refreshed, or refused by the server (its error
    /// code, never its text).
    pub(crate) fn record_token<T>(&self, attempt: AuditAction, name: &str, result: &Result<T>) {
        match result {
            Ok(_) => self.record(attempt, name, Outcome::Ok, None),
            Err(e) => {
                let refused = matches!(e.code(), crate::ErrorCode::Refused | crate::ErrorCode::LoginAgain);
                let action = if refused { AuditAction::TokenRefused } else { attempt };
                self.record(action, name, Outcome::Failed, Some(e.audit_text()));
            }
        }
    }

    /// Store a token response: the refresh token first (rotation: the new one must be safe before the old
    /// one is forgotten), then the access token. A response without `refresh_token` keeps the old one.
    pub(crate) fn store_tokens(&self, store_id: &str, name: &str, resp: &TokenResponse) -> Result<StoredToken> {
        let now = self.clock.now();
        let data = TokenData {
            access_token: Secret::new(resp.access_token().secret().clone()),
            issued_at: now,
            refresh_token: resp.refresh_token().map(|rt| Secret::new(rt.secret().clone())),
            expires_at: resp.expires_in().map(|d| now + d.as_secs() as i64),
            scope: resp.scopes().map(|s| s.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(" ")),
            token_type: resp.token_type().as_ref().to_string(),
            subject: resp.extra_fields().id_token.as_deref().and_then(subject_of),
            refresh_expires_at: {
                let extra = resp.extra_fields();
                let json = serde_json::json!({
                    "refresh_expires_in": extra.refresh_expires_in,
                    "refresh_token_expires_in": extra.refresh_token_expires_in,
                });
                crate::token::refresh_expiry(&json, now)
            },
        };
        // A refresh answer often has no ID token: the subject we knew is kept.
        let previous = if data.subject.is_none() { self.cached(store_id, name)? } else { None };
        self.store_token_data(store_id, name, data, previous.as_ref())
    }

    /// Store a token: the refresh token first (rotation: the new one must be safe before the old one is
    /// forgotten), then the access token. A response without a refresh token keeps the old one; one
    /// without a subject keeps the subject of `previous`, the token it replaces.
    pub(crate) fn store_token_data(
        &self,
        store_id: &str,
        name: &str,
        data: TokenData,
        previous: Option<&StoredToken>,
    ) -> Result<StoredToken> {
        if let Some(rt) = &data.refresh_token {
            self.set_secret(store_id, name, SecretField::RefreshToken, rt)?;
            crate::failpoint::hit("store:between-refresh-and-access");
        }
        let meta = TokenMeta {
            expires_at: data.expires_at,
            issued_at: data.issued_at,
            scope: data.scope,
            subject: data.subject.or_else(|| previous.and_then(|p| p.meta.subject.clone())),
            token_type: data.token_type,
            // A response that keeps the old refresh token keeps its expiry too.
            refresh_expires_at: match (&data.refresh_token, data.refresh_expires_at) {
                (_, Some(at)) => Some(at),
                (None, None) => previous.and_then(|p| p.meta.refresh_expires_at),
                (Some(_), None) => None,
            },
        };
        let stored = StoredToken { access_token: data.access_token, meta };
        self.set_secret(store_id, name, SecretField::AccessToken, &stored.to_secret())?;
        crate::failpoint::hit("store:after-access");
        Ok(stored)
    }

    /// A valid access token for the profile: the cached one while fresh, else refreshed.
    /// `fresh` ignores the cache and refreshes now.
    pub async fn token(&self, name: &str, fresh: bool) -> Result<StoredToken> {
        let config = self.config.load()?;
        let profile = config.profile(name)?.clone();
        let store_id = config.store_id;
        let obtains = crate::strategies::def(profile.strategy()).obtains;
        match obtains {
            Obtains::Stored => return self.api_key_token(&store_id, name),
            Obtains::Assertion if fresh => return Err(FlowError::NeedAssertion { profile: name.into() }.into()),
            _ => {}
        }
        // With `fresh` the cached token does not matter: no keychain read for it.
        let started = self.clock.now();
        let before = if fresh { None } else { self.cached(&store_id, name)? };
        if let Some(t) = &before {
            if !fresh && !t.meta.is_stale(self.clock.now()) {
                return Ok(before.expect("checked"));
            }
        }

        // One refresh per grant: this provider (and many others) revokes the whole grant when a rotated
        // refresh token is used twice. The lock is shared by every thread and process on this home.
        let home = self.home().clone();
        let lock_name = format!("grant-{name}");
        let lock = tokio::task::spawn_blocking(move || home.lock(&lock_name, GRANT_LOCK_WAIT))
            .await
            .expect("lock task does not panic")?;
        // Re-read when we waited: whoever held the lock may have refreshed already. With `fresh`, only a
        // token issued since we asked counts as new. (Without a wait there is nothing new to read, and
        // each keychain read costs a D-Bus round trip.)
        if lock.waited {
            if let Some(t) = self.cached(&store_id, name)? {
                let new_since = t.meta.issued_at >= started;
                if !t.meta.is_stale(self.clock.now()) && (!fresh || new_since) {
                    return Ok(t);
                }
            }
        }
        match obtains {
            Obtains::SignIn => self.refresh(&store_id, name, &profile).await,
            Obtains::Assertion | Obtains::Stored => Err(FlowError::NeedAssertion { profile: name.into() }.into()),
            Obtains::Request => {
                let result = self.obtain(&store_id, name, &profile).await;
                self.record_token(AuditAction::TokenIssued, name, &result);
                // Machine tokens have no subject to carry over from the token they replace.
                self.store_token_data(&store_id, name, result?, None)
            }
        }
    }

    pub(crate) fn cached(&self, store_id: &str, name: &str) -> Result<Option<StoredToken>> {
        Ok(self.secret(store_id, name, SecretField::AccessToken)?.and_then(|s| StoredToken::parse(&s)))
    }

    async fn refresh(&self, store_id: &str, name: &str, profile: &Profile) -> Result<StoredToken> {
        let result = self.refresh_inner(store_id, name, profile).await;
        self.record_token(AuditAction::TokenRefreshed, name, &result);
        result
    }

    async fn refresh_inner(&self, store_id: &str, name: &str, profile: &Profile) -> Result<StoredToken> {
        let Some(refresh_token) = self.secret(store_id, name, SecretField::RefreshToken)? else {
            if self.cached(store_id, name)?.is_some() {
                // Expired, and the provider gave no refresh token (no offline_access?).
                return Err(FlowError::LoginAgain {
                    profile: name.to_string(),
                    description: Some("the access token expired and there is no refresh token".into()),
                }
                .into());
            }
            return Err(FlowError::NotLoggedIn { profile: name.to_string() }.into());
        };
        let endpoints = discovery::resolve(&self.http, profile).await?;
        let client =
            self.oauth_client(store_id, name, profile)?.set_token_uri(TokenUrl::from_url(endpoints.token.clone()));
        let mut scrub = self.client_scrubber(store_id, name, profile)?;
        scrub.add(&refresh_token);
        let refresh_token = RefreshToken::new(refresh_token.expose().to_string());
        let mut request = client.exchange_refresh_token(&refresh_token);
        if let Some(resource) = profile.settings.audience_and_resource().1 {
            request = request.add_extra_param("resource", resource.to_string());
        }
        tracing::info!(profile = name, token_url = %endpoints.token, "refreshing the access token");
        crate::failpoint::hit("refresh:before-request");
        let resp = match request.request_async(&crate::http::oauth_client(&self.http)).await {
            Ok(r) => r,
            Err(e) => {
                if let Some(description) = is_invalid_grant(&e, &scrub) {
                    // The grant is gone: forget its tokens, so the app shows "log in" rather than a dead state.
                    self.delete_secret(store_id, name, SecretField::AccessToken)?;
                    self.delete_secret(store_id, name, SecretField::RefreshToken)?;
                    return Err(FlowError::LoginAgain { profile: name.to_string(), description }.into());
                }
                return Err(token_error(e, &scrub));
            }
        };
        crate::failpoint::hit("refresh:after-response");
        self.store_tokens(store_id, name, &resp)
    }
}
