//! Trying a credential before it is saved ("Save and test" in the window): the form's token request is
//! sent from a throw-away context (a temporary home holding only this profile and the key pairs, the
//! form's secrets in memory over the real store), so a wrong client secret is found while the form is
//! still open, and nothing the trial gets is ever stored.

use std::sync::Arc;

use crate::app::Keyward;
use crate::audit::{AuditAction, Outcome};
use crate::config::{ConfigError, Home};
use crate::context::Context;
use crate::error::Result;
use crate::flow::FlowError;
use crate::form::{build, secrets_of, ProfileForm};
use crate::keychain::{account, overlay::Overlay, SecretField};
use crate::oauth::tokens::TokenMeta;
use crate::strategies::{def, Obtains};

/// A temporary home, removed when dropped.
struct TempHome(std::path::PathBuf);

/// A throw-away Keyward: a temporary home holding one profile (and the real key pairs), its secrets in
/// memory over the real store, its tokens none. What it obtains is never stored for real.
pub(crate) struct Scratch {
    pub kw: Keyward,
    _home: TempHome,
}

impl Drop for TempHome {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Keyward {
    /// A [`Scratch`] for profile `name` with these settings and these secrets over the stored ones.
    pub(crate) fn scratch(
        &self,
        name: &str,
        profile: crate::profile::Profile,
        secrets: &[(SecretField, crate::Secret)],
    ) -> Result<Scratch> {
        let real = self.config.load()?;
        let dir =
            std::env::temp_dir().join(format!("keyward-trial-{}-{:08x}", std::process::id(), rand::random::<u32>()));
        let guard = TempHome(dir.clone());
        let home = Home::new(&dir);
        let store = Overlay::over(Arc::clone(&self.secrets));
        // The scratch's own tokens must not be mistaken for the stored profile's.
        for field in [SecretField::AccessToken, SecretField::RefreshToken] {
            crate::keychain::SecretStore::delete(&store, &account(&real.store_id, name, field))?;
        }
        for (field, value) in secrets {
            crate::keychain::SecretStore::set(&store, &account(&real.store_id, name, *field), value)?;
        }
        let kw = Keyward::on(Context::new(home, Arc::new(store), Arc::clone(&self.clock)));
        kw.config.update(|c| {
            c.store_id = real.store_id.clone();
            c.keys = real.keys.clone();
            c.profiles.insert(name.to_string(), profile);
            Ok(())
        })?;
        Ok(Scratch { kw, _home: guard })
    }

    /// Get a token with the form's settings and secrets, storing nothing. When `editing`, secrets the
    /// form leaves empty are the stored ones.
    pub async fn test_form(&self, form: &ProfileForm, editing: bool) -> Result<TokenMeta> {
        let current = if editing { Some(self.show(&form.name)?) } else { None };
        let has = |f: SecretField| match (&current, f) {
            (Some(v), SecretField::ClientSecret) => v.has_client_secret,
            (Some(v), SecretField::Password) => v.has_password,
            (Some(v), SecretField::ApiKey) => v.has_api_key,
            _ => false,
        };
        let (profile, problems) = build(form, editing, has);
        if let Some(p) = problems.into_iter().next() {
            return Err(ConfigError::BadField { field: p.field, problem: p.message }.into());
        }
        if def(profile.strategy()).obtains != Obtains::Request {
            return Err(FlowError::WrongStrategy {
                profile: form.name.clone(),
                strategy: profile.strategy().id(),
                operation: "token request to try",
            }
            .into());
        }

        let secrets = secrets_of(form)?;
        let trial = self.scratch(&form.name, profile, &secrets)?;
        let result = trial.kw.token(&form.name, true).await.map(|t| t.meta);
        let (action, outcome, detail) = match &result {
            Ok(_) => (AuditAction::TokenIssued, Outcome::Ok, "tried before saving; nothing stored".to_string()),
            Err(e) => (AuditAction::TokenRefused, Outcome::Failed, format!("tried before saving: {}", e.audit_text())),
        };
        self.record(action, &form.name, outcome, Some(detail));
        result
    }
}
