//! Credentials without a browser: client credentials (client_secret_basic / _post), private_key_jwt,
//! seed 004's custom token endpoints, SAML bearer assertions, API keys, and seed 002's email + password
//! logins (JWT or session cookie).
//!
//! Each builds a [`request::TokenRequest`] first, so that `--dry-run` shows exactly what would be sent.
//! They are written by hand rather than through `oauth2`: seed 004's dialects (other field names, JSON
//! bodies, Basic with an empty form) are outside its model, and one builder serves them all.

pub mod request;
pub mod saml;

use base64::Engine;
use request::{Basic, DryRun, ResponseNames, TokenData, TokenRequest};

use crate::app::Keyward;
use crate::error::Result;
use crate::keychain::SecretField;
use crate::oauth::tokens::{StoredToken, TokenMeta};
use crate::oauth::FlowError;
use crate::profile::{check_endpoint_url, ClientAuth, Profile, Strategy};
use crate::secret::Secret;
use crate::Remedy;

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// A client assertion lives 4 minutes: under the 5 minutes providers allow, with room for clock skew.
const ASSERTION_LIFETIME: i64 = 240;

impl Keyward {
    /// A new access token for a machine profile (a refresh where the strategy has one, falling back to a
    /// new grant: the profile holds what it takes).
    pub(crate) async fn obtain(&self, store_id: &str, name: &str, profile: &Profile) -> Result<TokenData> {
        self.obtain_inner(store_id, name, profile).await.map_err(|e| refusal_remedy(e, name, profile))
    }

    async fn obtain_inner(&self, store_id: &str, name: &str, profile: &Profile) -> Result<TokenData> {
        let refresh = self.secret(store_id, name, SecretField::RefreshToken)?;
        if let Some(rt) = refresh {
            if let Some(req) = self.refresh_request(store_id, name, profile, rt)? {
                let resp = req.send(&self.http, "the refresh endpoint").await?;
                match resp.token(&self.names(profile), self.clock.now(), "the refresh endpoint") {
                    Ok(t) => return Ok(t),
                    Err(e) => {
                        tracing::info!(profile = name, "refresh refused ({e}); getting a new token instead");
                        self.delete_secret(store_id, name, SecretField::RefreshToken)?;
                    }
                }
            }
        }
        let req = self.token_request(store_id, name, profile)?;
        let resp = req.send(&self.http, "the token endpoint").await?;
        if profile.strategy == Strategy::Session {
            if !(200..300).contains(&resp.status) {
                return Err(resp.error().into());
            }
            return session_from(&resp, self.clock.now());
        }
        resp.token(&self.names(profile), self.clock.now(), "the token endpoint")
    }

    /// The token request a profile would send now, secrets masked.
    pub async fn dry_run(&self, name: &str) -> Result<DryRun> {
        let config = self.config.load()?;
        let profile = config.profile(name)?;
        Ok(self.token_request(&config.store_id, name, profile)?.dry_run())
    }

    fn names<'a>(&self, p: &'a Profile) -> ResponseNames<'a> {
        ResponseNames {
            access_token: p.access_token_name.as_deref().unwrap_or("access_token"),
            expires: p.expires_field_name.as_deref().unwrap_or("expires_in"),
            refresh_token: p.refresh_token_name.as_deref().unwrap_or("refresh_token"),
            default_expiration: p.default_expiration_seconds,
        }
    }

    fn required_secret(&self, store_id: &str, name: &str, field: SecretField) -> Result<Secret> {
        self.secret(store_id, name, field)?.ok_or_else(|| {
            FlowError::Missing {
                profile: name.into(),
                what: field.name(),
                remedy: Remedy::EditField { profile: name.into(), field: field.name().into() },
            }
            .into()
        })
    }

    /// The request for a new token.
    fn token_request(&self, store_id: &str, name: &str, p: &Profile) -> Result<TokenRequest> {
        let url = check_endpoint_url("url", p.url.as_deref().unwrap_or_default())?;
        let client_id = p.client_id.clone().unwrap_or_default();
        let extras = |mut r: TokenRequest| {
            for (k, v) in [("scope", &p.scopes), ("audience", &p.audience), ("resource", &p.resource)] {
                if let Some(v) = v {
                    r = r.field(k, v.clone());
                }
            }
            r
        };
        Ok(match p.strategy {
            Strategy::ClientCredentials => {
                let secret = self.required_secret(store_id, name, SecretField::ClientSecret)?;
                let mut r = TokenRequest::form(url).field("grant_type", "client_credentials");
                match p.client_auth() {
                    ClientAuth::Post => r = r.field("client_id", client_id).secret("client_secret", secret),
                    ClientAuth::Basic | ClientAuth::Both => {
                        r.basic = Some(Basic { user: client_id, password: secret, form_encode: true })
                    }
                }
                extras(r)
            }
            Strategy::PrivateKeyJwt => {
                let assertion = self.client_assertion(name, p, url.as_str())?;
                let r = TokenRequest::form(url)
                    .field("grant_type", "client_credentials")
                    .field("client_assertion_type", JWT_BEARER)
                    .secret("client_assertion", assertion);
                extras(r)
            }
            Strategy::CustomOauth => {
                let grant = p.grant_type.clone().unwrap_or_else(|| "client_credentials".into());
                self.custom_request(store_id, name, p, url, grant, None)?
            }
            Strategy::JwtLogin | Strategy::Session => {
                let password = self.required_secret(store_id, name, SecretField::Password)?;
                let mut r = TokenRequest::form(url)
                    .field("email", p.email.clone().unwrap_or_default())
                    .secret("password", password);
                r.json = true;
                r
            }
            Strategy::Pkce | Strategy::SamlBearer | Strategy::ApiKey => {
                return Err(FlowError::WrongStrategy {
                    profile: name.into(),
                    strategy: p.strategy.id(),
                    operation: "token request to show",
                }
                .into())
            }
        })
    }

    /// The refresh request, for strategies that refresh: custom-oauth with a `refreshGrantType`, jwt-login
    /// with a `refreshUrl`.
    fn refresh_request(&self, store_id: &str, name: &str, p: &Profile, rt: Secret) -> Result<Option<TokenRequest>> {
        match p.strategy {
            Strategy::CustomOauth => match &p.refresh_grant_type {
                Some(grant) => {
                    let url = check_endpoint_url("url", p.url.as_deref().unwrap_or_default())?;
                    Ok(Some(self.custom_request(store_id, name, p, url, grant.clone(), Some(rt))?))
                }
                None => Ok(None),
            },
            Strategy::JwtLogin => match &p.refresh_url {
                Some(u) => {
                    let mut r = TokenRequest::form(check_endpoint_url("refreshUrl", u)?).secret("refresh_token", rt);
                    r.json = true;
                    Ok(Some(r))
                }
                None => Ok(None),
            },
            _ => Ok(None),
        }
    }

    /// Seed 004's request: every knob changes it, client authentication per DESIGN.md's table.
    fn custom_request(
        &self,
        store_id: &str,
        name: &str,
        p: &Profile,
        url: url::Url,
        grant: String,
        refresh: Option<Secret>,
    ) -> Result<TokenRequest> {
        let n = |v: &Option<String>, d: &str| v.clone().unwrap_or_else(|| d.to_string());
        let client_id = p.client_id.clone().unwrap_or_default();
        let secret = self.secret(store_id, name, SecretField::ClientSecret)?;
        let (no_basic, basic_no_form) = (p.no_basic == Some(true), p.basic_no_form == Some(true));
        let mut r = TokenRequest::form(url).field(&n(&p.grant_type_name, "grant_type"), grant);
        r.json = p.content_type.as_deref() == Some("application/json");
        if let Some(rt) = refresh {
            r = r.secret(&n(&p.refresh_token_name, "refresh_token"), rt);
        }
        let basic = !no_basic && secret.is_some();
        let creds_in_body = no_basic || secret.is_none() || p.client_auth() == ClientAuth::Both;
        if basic {
            r.basic =
                Some(Basic { user: client_id.clone(), password: secret.clone().expect("checked"), form_encode: false });
        }
        if basic_no_form {
            return Ok(r); // Basic only; the body carries nothing but the grant (and a refresh token)
        }
        if creds_in_body {
            r = r.field(&n(&p.client_id_name, "client_id"), client_id);
            if let Some(s) = secret {
                r = r.secret(&n(&p.client_secret_name, "client_secret"), s);
            }
        }
        for (k, v) in [("scope", &p.scopes), ("audience", &p.audience), ("resource", &p.resource)] {
            if let Some(v) = v {
                r = r.field(k, v.clone());
            }
        }
        if let (Some(k), Some(v)) = (&p.custom_field_name, &p.custom_field_value) {
            r = r.field(k, v.clone());
        }
        Ok(r)
    }

    /// A private_key_jwt client assertion (RFC 7523 §3): iss = sub = client_id, aud = the token URL unless
    /// overridden, a fresh jti, 4 minutes of life.
    fn client_assertion(&self, name: &str, p: &Profile, token_url: &str) -> Result<Secret> {
        let key_name = p.key_name.as_deref().ok_or_else(|| FlowError::Missing {
            profile: name.into(),
            what: "keyName",
            remedy: Remedy::ChooseKey { profile: name.into() },
        })?;
        let (view, key) = self.private_key(key_name)?;
        let now = self.clock.now();
        let jti: [u8; 16] = rand::random();
        let client_id = p.client_id.clone().unwrap_or_default();
        let claims = serde_json::json!({
            "iss": client_id,
            "sub": client_id,
            "aud": p.assertion_audience.clone().unwrap_or_else(|| token_url.to_string()),
            "iat": now,
            "exp": now + ASSERTION_LIFETIME,
            "jti": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(jti),
        });
        Ok(crate::keys::material::sign(&key, view.info.alg, &view.info.kid, p.jku.as_deref(), &claims)?)
    }

    /// An API key is its own token: no expiry, nothing to refresh.
    pub(crate) fn api_key_token(&self, store_id: &str, name: &str) -> Result<StoredToken> {
        let key = self.required_secret(store_id, name, SecretField::ApiKey)?;
        Ok(StoredToken {
            access_token: key,
            meta: TokenMeta {
                expires_at: None,
                issued_at: 0,
                scope: None,
                subject: None,
                token_type: "api-key".into(),
            },
        })
    }
}

/// The fix for a token endpoint's refusal that names a setting of the profile: `invalid_client` means the
/// client secret (or, for a signed assertion, the key), `invalid_scope` the scopes.
fn refusal_remedy(e: crate::Error, name: &str, profile: &Profile) -> crate::Error {
    let crate::Error::Flow(FlowError::TokenEndpoint { error, .. }) = &e else { return e };
    let field = match (error.as_str(), profile.strategy) {
        ("invalid_client" | "unauthorized_client", Strategy::PrivateKeyJwt) => "keyName",
        ("invalid_client", Strategy::JwtLogin | Strategy::Session) => "password",
        ("invalid_client", _) => "clientSecret",
        ("invalid_grant", Strategy::JwtLogin | Strategy::Session) => "password",
        ("invalid_scope", _) => "scopes",
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
    })
}
