//! Logging out: what ends a profile's credential at the server (its strategy's [`Ends`]: revoke the refresh
//! token, end the session at the logout endpoint, or nothing), then forgetting its tokens here whatever
//! the server said.

use serde::Serialize;
use ts_rs::TS;

use crate::app::Keyward;
use crate::audit::{AuditAction, Outcome};
use crate::error::Result;
use crate::keychain::SecretField;
use crate::oauth::discovery;
use crate::strategies::Ends;

impl Keyward {
    /// Forget the profile's tokens, revoking the refresh token (RFC 7009) first where the provider can.
    pub async fn logout(&self, name: &str) -> Result<LogoutOutcome> {
        let config = self.config.load()?;
        let profile = config.profile(name)?.clone();
        let store_id = config.store_id;
        let refresh = self.secret(&store_id, name, SecretField::RefreshToken)?;
        let had_tokens = refresh.is_some() || self.cached(&store_id, name)?.is_some();

        let cached = self.cached(&store_id, name)?;
        let ends = crate::strategies::def(profile.strategy()).ends;
        let revoke_result: Result<bool> = async {
            match ends {
                Ends::SessionEndpoint => {
                    let Some(req) = crate::strategies::session::logout_request(&profile, cached.as_ref())? else {
                        return Ok(false);
                    };
                    let resp = req.send(&self.http, "the logout endpoint").await?;
                    if !(200..300).contains(&resp.status) {
                        return Err(resp.error().into());
                    }
                    Ok(true)
                }
                Ends::Revoke => {
                    let Some(rt) = &refresh else { return Ok(false) };
                    let endpoints = discovery::resolve(&self.http, &profile).await?;
                    let Some(revocation) = endpoints.revocation.clone() else { return Ok(false) };
                    self.revoke(&store_id, name, &profile, revocation, rt).await?;
                    Ok(true)
                }
                Ends::Forget => Ok(false),
            }
        }
        .await;

        // Forget locally whatever the provider said: the user asked to be logged out.
        self.delete_secret(&store_id, name, SecretField::AccessToken)?;
        self.delete_secret(&store_id, name, SecretField::RefreshToken)?;
        let outcome = match revoke_result {
            Ok(true) if ends == Ends::SessionEndpoint => LogoutOutcome::SessionEnded,
            Ok(true) => LogoutOutcome::Revoked,
            Ok(false) if had_tokens => LogoutOutcome::ForgottenOnly,
            Ok(false) => LogoutOutcome::WasNotLoggedIn,
            Err(e) => {
                self.record(
                    AuditAction::Logout,
                    name,
                    Outcome::Failed,
                    Some(format!("tokens forgotten here, but revocation failed: {}", e.audit_text())),
                );
                return Err(e);
            }
        };
        self.record(AuditAction::Logout, name, Outcome::Ok, Some(outcome.describe().to_string()));
        Ok(outcome)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum LogoutOutcome {
    /// The provider revoked the refresh token, and the tokens are forgotten here.
    Revoked,
    /// The server's logout endpoint ended the session, and the cookie is forgotten here.
    SessionEnded,
    /// The provider has no revocation endpoint: the tokens are forgotten here only.
    ForgottenOnly,
    WasNotLoggedIn,
}

impl LogoutOutcome {
    pub fn describe(self) -> &'static str {
        match self {
            LogoutOutcome::Revoked => "refresh token revoked at the provider; tokens forgotten",
            LogoutOutcome::SessionEnded => "session ended at the server; cookie forgotten",
            LogoutOutcome::ForgottenOnly => "nothing to revoke at the provider: tokens forgotten here",
            LogoutOutcome::WasNotLoggedIn => "was not logged in",
        }
    }
}
