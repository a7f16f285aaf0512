//! Credentials without a browser: client credentials (client_secret_basic / _post), private_key_jwt,
//! seed 004's custom token endpoints, SAML bearer assertions, API keys, and seed 002's email + password
//! logins (JWT or session cookie).
//!
//! Each strategy (in `strategies/`) builds a [`request::TokenRequest`] first, so that `--dry-run` shows
//! exactly what would be sent; this module sends it and reads the answer.
//! They are written by hand rather than through `oauth2`: seed 004's dialects (other field names, JSON
//! bodies, Basic with an empty form) are outside its model, and one builder serves them all.

pub mod request;
pub mod saml;

use request::{DryRun, ResponseNames, TokenData, TokenRequest};

use crate::app::Keyward;
use crate::error::Result;
use crate::flow::FlowError;
use crate::keychain::SecretField;
use crate::profile::{Profile, StrategySettings};
use crate::secret::Secret;
use crate::strategies::{def, Cx, Rides};
use crate::token::{StoredToken, TokenMeta};
use crate::Remedy;

impl Keyward {
    /// A new access token for a machine profile (a refresh where the strategy has one, falling back to a
    /// new grant: the profile holds what it takes).
    pub(crate) async fn obtain(&self, store_id: &str, name: &str, profile: &Profile) -> Result<TokenData> {
        self.obtain_inner(store_id, name, profile).await.map_err(|e| refusal_remedy(e, name, profile))
    }

    async fn obtain_inner(&self, store_id: &str, name: &str, profile: &Profile) -> Result<TokenData> {
        let d = def(profile.strategy());
        let cx = Cx { cx: self.context(), store_id, name };
        // Only strategies that refresh read a refresh token (a keychain round trip each).
        let refresh = match d.refresh {
            Some(_) => self.secret(store_id, name, SecretField::RefreshToken)?,
            None => None,
        };
        if let (Some(rt), Some(build)) = (refresh, d.refresh) {
            if let Some(req) = build(&cx, profile, rt)? {
                let resp = req.send(&self.http, "the refresh endpoint").await?;
                match resp.token(&names(profile), self.clock.now(), "the refresh endpoint") {
                    Ok(t) => return Ok(t),
                    Err(e) => {
                        tracing::info!(profile = name, "refresh refused ({e}); getting a new token instead");
                        self.delete_secret(store_id, name, SecretField::RefreshToken)?;
                    }
                }
            }
        }
        let req = token_request(&cx, profile)?;
        let resp = req.send(&self.http, "the token endpoint").await?;
        if d.rides == Rides::Cookie {
            if !(200..300).contains(&resp.status) {
                return Err(resp.error().into());
            }
            return session_from(&resp, self.clock.now());
        }
        resp.token(&names(profile), self.clock.now(), "the token endpoint")
    }

    /// The token request a profile would send now, secrets masked.
    pub async fn dry_run(&self, name: &str) -> Result<DryRun> {
        let config = self.config.load()?;
        let profile = config.profile(name)?;
        let cx = Cx { cx: self.context(), store_id: &config.store_id, name };
        Ok(token_request(&cx, profile)?.dry_run())
    }

    /// An API key is its own token: no expiry, nothing to refresh.
    pub(crate) fn api_key_token(&self, store_id: &str, name: &str) -> Result<StoredToken> {
        let key = Cx { cx: self.context(), store_id, name }.required_secret(SecretField::ApiKey)?;
        Ok(StoredToken {
            access_token: key,
            meta: TokenMeta {
                expires_at: None,
                issued_at: 0,
                scope: None,
                subject: None,
                token_type: "api-key".into(),
                refresh_expires_at: None,
            },
        })
    }
}

/// The strategy's token request, or why it has none to send.
fn token_request(cx: &Cx, p: &Profile) -> Result<TokenRequest> {
    match def(p.strategy()).request {
        Some(build) => build(cx, p),
        None => Err(FlowError::WrongStrategy {
            profile: cx.name.into(),
            strategy: p.strategy().id(),
            operation: "token request to show",
        }
        .into()),
    }
}

/// The names a token response is read with (seed 004's knobs, else the standard ones).
fn names(p: &Profile) -> ResponseNames<'_> {
    let Some(p) = crate::strategies::custom_oauth::Settings::of(&p.settings) else { return ResponseNames::default() };
    ResponseNames {
        access_token: p.access_token_name.as_deref().unwrap_or("access_token"),
        expires: p.expires_field_name.as_deref().unwrap_or("expires_in"),
        refresh_token: p.refresh_token_name.as_deref().unwrap_or("refresh_token"),
        default_expiration: p.default_expiration_seconds,
    }
}

/// The fix for a token endpoint's refusal that names a setting of the profile: `invalid_client` means the
/// secret the strategy keeps (or, with none, the signing key), `invalid_scope` the scopes.
fn refusal_remedy(e: crate::Error, name: &str, profile: &Profile) -> crate::Error {
    let crate::Error::Flow(FlowError::TokenEndpoint { error, .. }) = &e else { return e };
    let secrets = def(profile.strategy()).secrets;
    let kept = secrets.first().map(|f| f.name()).unwrap_or("keyName");
    let field = match error.as_str() {
        "invalid_client" | "unauthorized_client" => kept,
        "invalid_grant" if secrets.contains(&SecretField::Password) => "password",
        "invalid_scope" => "scopes",
        _ => return e,
    };
    e.with_remedy(Remedy::EditField { profile: name.into(), field: field.into() })
}

/// A session login's answer: its cookies, as one `Cookie` header value, and the soonest `Max-Age`.
fn session_from(resp: &request::RawResponse, now: i64) -> Result<TokenData> {
    let mut pairs = Vec::new();
    let mut max_age: Option<i64> = None;
    for c in &resp.set_cookies {
        let mut parts = c.split(';');
        if let Some(pair) = parts.next().filter(|p| p.contains('=')) {
            pairs.push(pair.trim().to_string());
        }
        for attr in parts {
            if let Some(v) = attr.trim().strip_prefix("Max-Age=").and_then(|v| v.parse::<i64>().ok()) {
                max_age = Some(max_age.map_or(v, |m| m.min(v)));
            }
        }
    }
    if pairs.is_empty() {
        return Err(crate::http::HttpError::BadResponse {
            what: "the login endpoint".into(),
            reason: "it set no session cookie".into(),
        }
        .into());
    }
    Ok(TokenData {
        access_token: Secret::new(pairs.join("; ")),
        issued_at: now,
        refresh_token: None,
        expires_at: max_age.map(|a| now + a),
        scope: None,
        token_type: "session-cookie".into(),
        subject: None,
        refresh_expires_at: None,
    })
}
