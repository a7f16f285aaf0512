//! Profiles as the app's forms send them: the strategy, its fields as text, its secrets. Validation here
//! is the same as `--set`'s, field by field, so a form can show each problem under its input as the user
//! types.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::app::{Keyward, ProfileView};
use crate::config::ConfigError;
use crate::error::Result;
use crate::keychain::SecretField;
use crate::oauth::discovery;
use crate::profile::{check_name, fields_of, FieldType, Profile, Strategy};
use crate::secret::Secret;

/// A profile form: non-secret fields and secrets, all as text. Empty strings mean "not set".
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProfileForm {
    pub name: String,
    pub strategy: Strategy,
    pub fields: BTreeMap<String, String>,
    /// `clientSecret`, `password`, `apiKey`: stored straight into the keychain, never returned.
    pub secrets: BTreeMap<String, String>,
}

/// One problem with one field of a form.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// What discovery says of an issuer, to fill a form ("Add from issuer").
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DiscoveryView {
    pub issuer: String,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub revocation_endpoint: Option<String>,
    pub scopes_supported: Vec<String>,
}

const REQUIRED: &str = "required for this strategy";

fn problem(field: &str, e: ConfigError) -> FieldProblem {
    let message = match e {
        ConfigError::BadField { problem, .. } => problem,
        other => other.to_string(),
    };
    FieldProblem { field: field.to_string(), message }
}

/// Build a profile from a form, collecting every field's problem (empty when the form is good).
/// `editing` skips the name checks; `has_secret` says which secrets are already stored.
pub fn build(
    form: &ProfileForm,
    editing: bool,
    has_secret: impl Fn(SecretField) -> bool,
) -> (Profile, Vec<FieldProblem>) {
    let mut problems = Vec::new();
    if !editing {
        if form.name.is_empty() {
            problems.push(FieldProblem { field: "name".into(), message: REQUIRED.into() });
        } else if let Err(e) = check_name(&form.name) {
            problems.push(problem("name", e));
        }
    }
    let mut profile = Profile::new(form.strategy);
    for (k, v) in &form.fields {
        if let Err(e) = profile.set(k, v) {
            problems.push(problem(k, e));
        }
    }
    // Every required field left empty, each under its own input (validate() below reports one at a time).
    for f in fields_of(form.strategy).iter().filter(|f| f.required) {
        let missing = if f.kind == FieldType::Secret {
            let given = form.secrets.get(f.name).is_some_and(|s| !s.is_empty());
            !given && !SecretField::parse(f.name).is_some_and(&has_secret)
        } else {
            form.fields.get(f.name).is_none_or(|v| v.trim().is_empty())
        };
        if missing {
            problems.push(FieldProblem { field: f.name.into(), message: REQUIRED.into() });
        }
    }
    if problems.is_empty() {
        if let Err(e) = profile.validate() {
            let field = match &e {
                ConfigError::BadField { field, .. } => field.clone(),
                _ => String::new(),
            };
            problems.push(problem(&field, e));
        }
    }
    (profile, problems)
}

pub(crate) fn secrets_of(form: &ProfileForm) -> Result<Vec<(SecretField, Secret)>> {
    form.secrets
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| match SecretField::parse(k) {
            Some(f @ (SecretField::ClientSecret | SecretField::Password | SecretField::ApiKey)) => {
                Ok((f, Secret::new(v.clone())))
            }
            _ => Err(ConfigError::bad_field(k, "not a secret a form can set").into()),
        })
        .collect()
}

impl Keyward {
    /// The problems of a form as the user types: none means it can be saved.
    pub fn check_form(&self, form: &ProfileForm, editing: bool) -> Vec<FieldProblem> {
        let mut problems = build(form, editing, |_| editing).1;
        if !editing && self.config.load().is_ok_and(|c| c.profiles.contains_key(&form.name)) {
            problems.push(FieldProblem {
                field: "name".into(),
                message: format!("a profile named {:?} already exists", form.name),
            });
        }
        problems
    }

    /// Add a profile from a form; its secrets go straight to the keychain.
    pub fn add_form(&self, form: &ProfileForm) -> Result<ProfileView> {
        let (profile, problems) = build(form, false, |_| false);
        if let Some(p) = problems.into_iter().next() {
            return Err(ConfigError::BadField { field: p.field, problem: p.message }.into());
        }
        self.add(&form.name, profile, secrets_of(form)?)
    }

    /// Replace a profile's settings with a form's; secrets left empty are kept.
    pub fn edit_form(&self, form: &ProfileForm) -> Result<ProfileView> {
        let current = self.show(&form.name)?;
        let has = |f: SecretField| match f {
            SecretField::ClientSecret => current.has_client_secret,
            SecretField::Password => current.has_password,
            SecretField::ApiKey => current.has_api_key,
            _ => false,
        };
        let (profile, problems) = build(form, true, has);
        if let Some(p) = problems.into_iter().next() {
            return Err(ConfigError::BadField { field: p.field, problem: p.message }.into());
        }
        let mut sets: Vec<(String, String)> = vec![("strategy".into(), profile.strategy().id().into())];
        // Every field the strategy has: set from the form, or cleared when the form left it out.
        for f in fields_of(profile.strategy()).iter().filter(|f| !matches!(f.kind, FieldType::Secret | FieldType::Map))
        {
            sets.push((f.name.into(), form.fields.get(f.name).cloned().unwrap_or_default()));
        }
        // Extra authorize parameters by name; an empty value removes one.
        let params = form.fields.iter().filter(|(k, _)| k.starts_with("authorizeParams."));
        sets.extend(params.map(|(k, v)| (k.clone(), v.clone())));
        self.edit(&form.name, &sets, secrets_of(form)?)
    }

    /// Read an issuer's discovery document, for "Add from issuer".
    pub async fn discover(&self, issuer: &str) -> Result<DiscoveryView> {
        let m = discovery::fetch(&self.http, issuer).await?;
        Ok(DiscoveryView {
            issuer: m.issuer,
            authorization_endpoint: m.authorization_endpoint,
            token_endpoint: m.token_endpoint,
            revocation_endpoint: m.revocation_endpoint,
            scopes_supported: m.scopes_supported.unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Settings;

    fn form(strategy: Strategy, fields: &[(&str, &str)], secrets: &[(&str, &str)]) -> ProfileForm {
        ProfileForm {
            name: "p".into(),
            strategy,
            fields: fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            secrets: secrets.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        }
    }

    #[test]
    fn every_field_problem_is_reported_under_its_field() {
        let f = form(Strategy::ClientCredentials, &[("url", "http://example.com/token"), ("clientAuth", "magic")], &[]);
        let (_, problems) = build(&f, false, |_| false);
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["clientAuth", "url", "clientId", "clientSecret"], "{problems:?}");
        assert!(problems[1].message.contains("use https"));
        let ok = form(
            Strategy::ClientCredentials,
            &[("url", "https://a.example/t"), ("clientId", "c")],
            &[("clientSecret", "s")],
        );
        assert!(build(&ok, false, |_| false).1.is_empty());
        let bad_name = ProfileForm { name: "a b".into(), ..ok.clone() };
        assert_eq!(build(&bad_name, false, |_| false).1[0].field, "name");
        let empty = ProfileForm { name: String::new(), strategy: Strategy::ClientCredentials, ..Default::default() };
        let all: Vec<(String, String)> =
            build(&empty, false, |_| false).1.into_iter().map(|p| (p.field, p.message)).collect();
        let required = |f: &str| (f.to_string(), REQUIRED.to_string());
        assert_eq!(
            all,
            [required("name"), required("url"), required("clientId"), required("clientSecret")],
            "an empty form names every required field at once, the name as simply required"
        );
    }

    /// Secrets in memory: these tests are about the config, not the keychain.
    #[derive(Default)]
    struct Memory(std::sync::Mutex<std::collections::HashMap<String, Secret>>);

    impl crate::keychain::SecretStore for Memory {
        fn get(&self, account: &str) -> Result<Option<Secret>, crate::keychain::KeychainError> {
            Ok(self.0.lock().unwrap().get(account).cloned())
        }
        fn set(&self, account: &str, value: &Secret) -> Result<(), crate::keychain::KeychainError> {
            self.0.lock().unwrap().insert(account.into(), value.clone());
            Ok(())
        }
        fn delete(&self, account: &str) -> Result<(), crate::keychain::KeychainError> {
            self.0.lock().unwrap().remove(account);
            Ok(())
        }
    }

    #[test]
    fn editing_sets_and_removes_extra_authorize_parameters() {
        let dir = std::env::temp_dir().join(format!("kw-form-test-{}-{}", std::process::id(), rand::random::<u32>()));
        let kw = Keyward::new(crate::config::Home::new(&dir), std::sync::Arc::new(Memory::default()));
        let fields = |extra: &[(&str, &str)]| {
            let mut f = vec![("issuer", "https://id.example.com"), ("clientId", "app")];
            f.extend_from_slice(extra);
            form(Strategy::Pkce, &f, &[])
        };
        kw.add_form(&fields(&[("authorizeParams.prompt", "consent"), ("authorizeParams.login_hint", "a@b")])).unwrap();
        let edited =
            kw.edit_form(&fields(&[("authorizeParams.prompt", "login"), ("authorizeParams.login_hint", "")])).unwrap();
        let Settings::Pkce(pkce) = &edited.settings.settings else { panic!("a pkce profile") };
        let params: Vec<_> = pkce.authorize_params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(params, [("prompt", "login")], "the app's form edits the parameters as `--set` does");
        std::fs::remove_dir_all(&dir).ok();
    }
}
