//! `keyward login`: authorization code + PKCE through the system browser and a loopback redirect
//! (RFC 8252, RFC 7636, RFC 9207).

use std::future::Future;
use std::time::Duration;

use oauth2::{AuthUrl, AuthorizationCode, CsrfToken, PkceCodeChallenge, RedirectUrl, Scope, TokenUrl};
use serde::Serialize;
use ts_rs::TS;

use super::discovery;
use super::loopback::{Callback, Loopback, Page};
use super::tokens::TokenMeta;
use super::{token_error, FlowError};
use crate::app::Keyward;
use crate::audit::{AuditAction, Outcome};
use crate::config::ConfigError;
use crate::error::Result;
use crate::profile::Strategy;

/// How long `login` waits for the user by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// Where a login is, for the progress line or the app's spinner.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "step", rename_all = "camelCase")]
#[ts(export)]
pub enum LoginProgress {
    /// About to open the browser on `url`; show it, in case the browser does not open.
    #[serde(rename_all = "camelCase")]
    OpeningBrowser { url: String },
    /// The browser could not be started: the user must open `url` by hand.
    #[serde(rename_all = "camelCase")]
    BrowserFailed { url: String, reason: String },
    /// Waiting for the user to log in and consent, at most `timeout_secs`.
    #[serde(rename_all = "camelCase")]
    WaitingForUser { redirect_uri: String, timeout_secs: u32 },
    /// The browser came back; exchanging the code for tokens.
    ExchangingCode,
}

impl Keyward {
    /// Log in: open the browser at the provider, wait for the redirect, exchange the code, store the
    /// tokens. Ends early with [`FlowError::Cancelled`] when `cancel` completes (Ctrl-C, a Cancel button).
    pub async fn login(
        &self,
        name: &str,
        timeout: Duration,
        progress: impl Fn(LoginProgress),
        cancel: impl Future<Output = ()>,
    ) -> Result<TokenMeta> {
        let result = self.login_inner(name, timeout, progress, cancel).await;
        let (outcome, detail) = match &result {
            Ok(meta) => (Outcome::Ok, meta.subject.as_ref().map(|s| format!("signed in as {s}"))),
            Err(e) => (Outcome::Failed, Some(e.audit_text())),
        };
        if !matches!(result, Err(crate::Error::Config(ConfigError::NoSuchProfile(_)))) {
            self.record(AuditAction::Login, name, outcome, detail);
        }
        result
    }

    async fn login_inner(
        &self,
        name: &str,
        timeout: Duration,
        progress: impl Fn(LoginProgress),
        cancel: impl Future<Output = ()>,
    ) -> Result<TokenMeta> {
        let config = self.config.load()?;
        let profile = config.profile(name)?.clone();
        let store_id = config.store_id;
        if profile.strategy != Strategy::Pkce {
            return Err(FlowError::WrongStrategy {
                profile: name.into(),
                strategy: profile.strategy.id(),
                operation: "browser login",
            }
            .into());
        }
        let endpoints = discovery::resolve(&self.http, &profile).await?;
        let authorize = endpoints.authorize.clone().ok_or_else(|| {
            ConfigError::bad_field("authorizeUrl", "the provider names no authorization endpoint: set authorizeUrl")
        })?;

        let loopback =
            Loopback::bind(profile.redirect_host.unwrap_or_default(), profile.redirect_port.unwrap_or(0)).await?;
        let redirect = RedirectUrl::new(loopback.redirect_uri().to_string()).expect("a loopback URL is valid");
        let client = self
            .oauth_client(&store_id, name, &profile)?
            .set_auth_uri(AuthUrl::from_url(authorize))
            .set_token_uri(TokenUrl::from_url(endpoints.token.clone()))
            .set_redirect_uri(redirect);

        // S256 over 32 random bytes (RFC 7636 §4.1), a random state (CSRF).
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut auth = client.authorize_url(CsrfToken::new_random).set_pkce_challenge(challenge);
        for scope in profile.scopes.iter().flat_map(|s| s.split_whitespace()) {
            auth = auth.add_scope(Scope::new(scope.to_string()));
        }
        if let Some(audience) = &profile.audience {
            auth = auth.add_extra_param("audience", audience.clone());
        }
        if let Some(resource) = &profile.resource {
            auth = auth.add_extra_param("resource", resource.clone());
        }
        for (k, v) in &profile.authorize_params {
            auth = auth.add_extra_param(k.clone(), v.clone());
        }
        let (url, state) = auth.url();

        progress(LoginProgress::OpeningBrowser { url: url.to_string() });
        if let Err(reason) = super::browser::open(url.as_str()) {
            progress(LoginProgress::BrowserFailed { url: url.to_string(), reason });
        }
        progress(LoginProgress::WaitingForUser {
            redirect_uri: loopback.redirect_uri().to_string(),
            timeout_secs: timeout.as_secs() as u32,
        });

        let callback: Callback = tokio::select! {
            cb = loopback.next_callback(state.secret()) => cb,
            _ = tokio::time::sleep(timeout) => {
                return Err(FlowError::Timeout { profile: name.into(), seconds: timeout.as_secs() }.into())
            }
            _ = cancel => return Err(FlowError::Cancelled.into()),
        };

        // RFC 9207: the response must come from the issuer we sent the user to.
        if let Some(issuer) = &endpoints.issuer {
            match callback.get("iss") {
                Some(iss) if iss.trim_end_matches('/') == issuer.trim_end_matches('/') => {}
                Some(iss) => {
                    let err = FlowError::IssuerMismatch { expected: issuer.clone(), got: iss.to_string() };
                    callback.respond(Page::failure(err.to_string())).await;
                    return Err(err.into());
                }
                None if endpoints.iss_required => {
                    callback.respond(Page::failure(FlowError::IssuerMissing.to_string())).await;
                    return Err(FlowError::IssuerMissing.into());
                }
                None => {}
            }
        }

        if let Some(error) = callback.get("error") {
            let err = if error == "access_denied" {
                FlowError::ConsentDeclined { profile: name.into() }
            } else {
                FlowError::Authorization {
                    error: error.to_string(),
                    description: callback.get("error_description").map(String::from),
                }
            };
            callback.respond(Page::failure(err.to_string())).await;
            return Err(err.into());
        }
        let Some(code) = callback.get("code").map(String::from) else {
            let err = FlowError::Authorization {
                error: "invalid_request".into(),
                description: Some("the redirect carried neither a code nor an error".into()),
            };
            callback.respond(Page::failure(err.to_string())).await;
            return Err(err.into());
        };

        progress(LoginProgress::ExchangingCode);
        // What the exchange carries, to scrub from anything the token endpoint says back.
        let mut scrub = self.client_scrubber(&store_id, name, &profile)?;
        scrub.add(&crate::Secret::new(code.clone()));
        scrub.add(&crate::Secret::new(verifier.secret().clone()));
        let mut exchange = client.exchange_code(AuthorizationCode::new(code)).set_pkce_verifier(verifier);
        if let Some(resource) = &profile.resource {
            exchange = exchange.add_extra_param("resource", resource.clone());
        }
        let stored = match exchange.request_async(&crate::http::oauth_client(&self.http)).await {
            Ok(resp) => self.store_tokens(&store_id, name, &resp),
            Err(e) => Err(token_error(e, &scrub)),
        };
        match stored {
            Ok(meta) => {
                callback.respond(Page::success(name)).await;
                Ok(meta)
            }
            Err(e) => {
                callback.respond(Page::failure(format!("Keyward could not finish the sign-in: {e}"))).await;
                Err(e)
            }
        }
    }
}
