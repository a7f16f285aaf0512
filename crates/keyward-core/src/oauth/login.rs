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
use crate::profile::Settings;

/// How long `login` waits for the user by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// How long after starting the browser a login without any connection to its listener says so
/// ([`LoginProgress::BrowserSilent`]).
pub const BROWSER_SILENT_AFTER: Duration = Duration::from_secs(8);

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
    /// Waiting for the user to log in and consent, at most `timeout_secs`. When no `BrowserFailed` came
    /// before it, the browser (or its launcher) was started.
    #[serde(rename_all = "camelCase")]
    WaitingForUser { redirect_uri: String, timeout_secs: u32 },
    /// Nothing has reached Keyward's listener `after_secs` after the browser was started. It may not have
    /// opened (a launcher that failed after it started, a `$BROWSER` that opens nothing), or the user is
    /// still at the provider's pages: a browser connects around the redirect. Offer `url` to open by hand;
    /// the login goes on waiting.
    #[serde(rename_all = "camelCase")]
    BrowserSilent { url: String, after_secs: u32 },
    /// The first connection reached Keyward's listener: the browser is there (it connects just before,
    /// or with, the redirect).
    BrowserConnected,
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
        self.login_as(name, timeout, false, progress, cancel).await
    }

    /// [`Keyward::login`], where `replace_user` lets a sign-in as another account than the profile's last
    /// one replace its tokens. Without it, such a sign-in is refused and nothing is stored: anyone who saw
    /// the sign-in address (it is on the browser's command line) could have finished it as themselves.
    pub async fn login_as(
        &self,
        name: &str,
        timeout: Duration,
        replace_user: bool,
        progress: impl Fn(LoginProgress),
        cancel: impl Future<Output = ()>,
    ) -> Result<TokenMeta> {
        let result = self.login_inner(name, timeout, replace_user, progress, cancel).await;
        let (outcome, detail) = match &result {
            Ok(meta) => (Outcome::Ok, meta.subject.as_ref().map(|s| format!("signed in as {s}"))),
            Err(e) if matches!(e.inner(), crate::Error::Flow(FlowError::Cancelled)) => (Outcome::Cancelled, None),
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
        replace_user: bool,
        progress: impl Fn(LoginProgress),
        cancel: impl Future<Output = ()>,
    ) -> Result<TokenMeta> {
        let config = self.config.load()?;
        let profile = config.profile(name)?.clone();
        let store_id = config.store_id;
        let Settings::Pkce(pkce) = &profile.settings else {
            return Err(FlowError::WrongStrategy {
                profile: name.into(),
                strategy: profile.strategy().id(),
                operation: "browser login",
            }
            .into());
        };
        let endpoints = discovery::resolve(&self.http, &profile).await?;
        let authorize = endpoints.authorize.clone().ok_or_else(|| {
            ConfigError::bad_field("authorizeUrl", "the provider names no authorization endpoint: set authorizeUrl")
        })?;

        let loopback = Loopback::bind(pkce.redirect_host.unwrap_or_default(), pkce.redirect_port.unwrap_or(0)).await?;
        let redirect = RedirectUrl::new(loopback.redirect_uri().to_string()).expect("a loopback URL is valid");
        let client = self
            .oauth_client(&store_id, name, &profile)?
            .set_auth_uri(AuthUrl::from_url(authorize))
            .set_token_uri(TokenUrl::from_url(endpoints.token.clone()))
            .set_redirect_uri(redirect);

        // S256 over 32 random bytes (RFC 7636 §4.1), a random state (CSRF).
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut auth = client.authorize_url(CsrfToken::new_random).set_pkce_challenge(challenge);
        for scope in pkce.scopes.iter().flat_map(|s| s.split_whitespace()) {
            auth = auth.add_scope(Scope::new(scope.to_string()));
        }
        if let Some(audience) = &pkce.audience {
            auth = auth.add_extra_param("audience", audience.clone());
        }
        if let Some(resource) = &pkce.resource {
            auth = auth.add_extra_param("resource", resource.clone());
        }
        for (k, v) in &pkce.authorize_params {
            auth = auth.add_extra_param(k.clone(), v.clone());
        }
        let (url, state) = auth.url();

        progress(LoginProgress::OpeningBrowser { url: url.to_string() });
        let started = match crate::context::off_runtime(|| super::browser::open(url.as_str(), self.browser.as_deref()))
        {
            Ok(()) => true,
            Err(reason) => {
                progress(LoginProgress::BrowserFailed { url: url.to_string(), reason });
                false
            }
        };
        progress(LoginProgress::WaitingForUser {
            redirect_uri: loopback.redirect_uri().to_string(),
            timeout_secs: timeout.as_secs() as u32,
        });

        // Whether the browser shows up: a started browser that has not connected within a few seconds is
        // said (a failed one was said already); the first connection is said too.
        let first_connection = loopback.first_connection();
        let watchdog = async {
            tokio::pin!(first_connection);
            let in_time = started && tokio::time::timeout(BROWSER_SILENT_AFTER, &mut first_connection).await.is_ok();
            if !in_time {
                if started {
                    progress(LoginProgress::BrowserSilent {
                        url: url.to_string(),
                        after_secs: BROWSER_SILENT_AFTER.as_secs() as u32,
                    });
                }
                first_connection.await;
            }
            progress(LoginProgress::BrowserConnected);
            std::future::pending::<std::convert::Infallible>().await
        };

        // What needs no answer from the browser is read while the person is in it, so that the callback is
        // answered sooner: what the exchange will carry (to scrub from the token endpoint's words), and
        // who signed in last (a different person is asked before their tokens replace these).
        let mut scrub = self.client_scrubber(&store_id, name, &profile)?;
        let previous = if replace_user { None } else { self.cached(&store_id, name)?.and_then(|t| t.meta.subject) };

        let callback: Callback = tokio::select! {
            cb = loopback.next_callback(state.secret()) => cb,
            never = watchdog => match never {},
            _ = tokio::time::sleep(timeout) => {
                return Err(FlowError::Timeout { profile: name.into(), seconds: timeout.as_secs() }.into())
            }
            _ = cancel => return Err(FlowError::Cancelled.into()),
        };
        // Keyward's own part of a sign-in (KEYWARD_LOG=debug says it; bench/run.sh measures it).
        let arrived = std::time::Instant::now();

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
        scrub.add(&crate::Secret::new(code.clone()));
        scrub.add(&crate::Secret::new(verifier.secret().clone()));
        let mut exchange = client.exchange_code(AuthorizationCode::new(code)).set_pkce_verifier(verifier);
        if let Some(resource) = &pkce.resource {
            exchange = exchange.add_extra_param("resource", resource.clone());
        }
        let asked = std::time::Instant::now();
        let answer = exchange.request_async(&crate::http::oauth_client(&self.http)).await;
        let token_endpoint = asked.elapsed();
        let stored = match answer {
            Ok(resp) => match other_user(name, &resp, previous) {
                Some(refused) => Err(refused.into()),
                None => self.store_tokens(&store_id, name, &resp).map(|t| t.meta),
            },
            Err(e) => Err(token_error(e, &scrub)),
        }
        .map_err(|e| plainly(e, name));
        match stored {
            Ok(meta) => {
                let ms = |d: Duration| d.as_secs_f64() * 1000.0;
                tracing::debug!(
                    profile = name,
                    callback_to_stored_ms = ms(arrived.elapsed()),
                    token_endpoint_ms = ms(token_endpoint),
                    "login: tokens stored"
                );
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

/// The refusal of a sign-in as another account than `previous`, the subject of the tokens it would replace
/// (none when the person asked to replace them); None when the accounts are the same or either is unknown.
fn other_user(name: &str, resp: &super::TokenResponse, previous: Option<String>) -> Option<FlowError> {
    let signed_in = resp.extra_fields().id_token.as_deref().and_then(crate::token::subject_of)?;
    previous.filter(|p| *p != signed_in).map(|previous| FlowError::OtherUser {
        profile: name.into(),
        previous,
        signed_in,
    })
}

/// What Keyward says when it ran out of file descriptors: the failure is neither the network's nor the
/// keychain's, and logging in again once descriptors are free fixes it.
const OUT_OF_DESCRIPTORS: &str = "Keyward has run out of file descriptors (too many open files), so it could not open a connection; close some programs or raise the open-file limit, then log in again";

/// A failure that came from running out of file descriptors, said plainly (with the part that failed,
/// and logging in again as the remedy); any other failure as it is.
fn plainly(e: crate::Error, profile: &str) -> crate::Error {
    use crate::http::HttpError;
    use crate::keychain::KeychainError;
    let exhausted = match e.inner() {
        crate::Error::Http(HttpError::Unreachable { reason, .. }) => says_out_of_descriptors(reason),
        crate::Error::Keychain(KeychainError::Unavailable { reason } | KeychainError::Failed { reason }) => {
            says_out_of_descriptors(reason)
        }
        _ => false,
    };
    if !exhausted {
        return e;
    }
    let reason = OUT_OF_DESCRIPTORS.to_string();
    let said: crate::Error = match e.inner() {
        crate::Error::Keychain(_) => KeychainError::Unavailable { reason }.into(),
        _ => HttpError::Unreachable { what: "the token endpoint".into(), reason }.into(),
    };
    said.with_remedy(crate::Remedy::LogIn { profile: profile.into() })
}

/// Whether an error's text is the OS saying it has no file descriptor left (its cause was turned into
/// text on the way), or, to be sure, whether the process cannot open one now.
fn says_out_of_descriptors(reason: &str) -> bool {
    let lower = reason.to_ascii_lowercase();
    lower.contains("too many open files")
        || lower.contains("os error 24")
        || std::net::UdpSocket::bind(("127.0.0.1", 0)).is_err_and(|e| super::loopback::out_of_descriptors(&e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::HttpError;
    use crate::keychain::KeychainError;

    #[test]
    fn running_out_of_descriptors_is_said_plainly() {
        let exchange: crate::Error =
            HttpError::Unreachable { what: "the token endpoint".into(), reason: "Too many open files".into() }.into();
        let said = plainly(exchange, "demo");
        assert!(said.to_string().contains("run out of file descriptors (too many open files)"), "{said}");
        assert_eq!(said.code(), crate::ErrorCode::Network);
        assert_eq!(said.remedy(), Some(crate::Remedy::LogIn { profile: "demo".into() }));

        let store: crate::Error =
            KeychainError::Unavailable { reason: "D-Bus error: Too many open files (os error 24)".into() }.into();
        let said = plainly(store, "demo");
        assert!(said.to_string().contains("run out of file descriptors"), "{said}");
        assert_eq!(said.code(), crate::ErrorCode::Keychain);
        assert_eq!(said.remedy(), Some(crate::Remedy::LogIn { profile: "demo".into() }), "not: start a keychain");

        let other: crate::Error =
            HttpError::Unreachable { what: "the token endpoint".into(), reason: "the connection was refused".into() }
                .into();
        assert_eq!(
            plainly(other, "demo").to_string(),
            "could not reach the token endpoint: the connection was refused"
        );
    }

    #[test]
    fn progress_steps_serialise_as_the_window_reads_them() {
        let silent = LoginProgress::BrowserSilent { url: "https://p/auth?x".into(), after_secs: 8 };
        assert_eq!(
            serde_json::to_value(silent).unwrap(),
            serde_json::json!({"step": "browserSilent", "url": "https://p/auth?x", "afterSecs": 8})
        );
        assert_eq!(
            serde_json::to_value(LoginProgress::BrowserConnected).unwrap(),
            serde_json::json!({"step": "browserConnected"})
        );
    }
}
