//! The strategies, one module each, and the registry: the one place Keyward dispatches on a profile's
//! strategy. A strategy module owns what is particular to it: its fields and their help (what
//! `keyward strategies` and the window's form show), the checks of fields that go together, the secrets it
//! keeps, how its credential stands (status), how it gets a credential (the token request it builds, or
//! another way), and how that credential rides on an API request.
//!
//! Adding a strategy: a variant of [`Strategy`], a module here with its `DEF`, and one line in
//! [`REGISTRY`] (README, "Adding a strategy").

pub mod api_key;
pub mod client_credentials;
pub mod custom_oauth;
pub mod jwt_login;
pub mod pkce;
pub mod private_key_jwt;
pub mod saml_bearer;
pub mod session;

use crate::app::{CredentialStatus, ProfileView};
use crate::config::ConfigError;
use crate::context::Context;
use crate::error::Result;
use crate::flow::FlowError;
use crate::keychain::SecretField;
use crate::machine::request::TokenRequest;
use crate::profile::{FieldInfo, Profile, Strategy};

/// Why a strategy's function finds its own settings in the profile it is given.
pub(crate) const DISPATCHED: &str = "the registry calls a strategy's functions only with profiles of that strategy";
use crate::rotation::RotationKind;
use crate::secret::Secret;
use crate::Remedy;

/// How a strategy gets a new credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Obtains {
    /// A person signs in in the browser; the refresh token renews it (pkce).
    SignIn,
    /// Keyward sends the strategy's token request on its own ([`Def::request`]).
    Request,
    /// A SAML assertion from the IdP is exchanged for it (saml-bearer).
    Assertion,
    /// The stored secret is the credential itself (api-key).
    Stored,
}

/// How the credential rides on an API request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rides {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// Where the profile's `apiKeyPlacement` says.
    ApiKeyPlacement,
    /// As the `Cookie` header (a session).
    Cookie,
}

/// How logging out ends a credential beyond forgetting it here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ends {
    /// Revoke the refresh token at the provider (RFC 7009), where it has a revocation endpoint.
    Revoke,
    /// End the session at the server's logout endpoint, with the cookie.
    SessionEndpoint,
    /// Nothing to end at a server: the stored token is forgotten.
    Forget,
}

/// A token request being built: the context and the profile it is for.
pub struct Cx<'a> {
    pub cx: &'a Context,
    pub store_id: &'a str,
    pub name: &'a str,
}

impl Cx<'_> {
    pub fn secret(&self, field: SecretField) -> Result<Option<Secret>> {
        self.cx.secret(self.store_id, self.name, field)
    }

    /// A secret the request cannot go without; its absence says which field to set.
    pub fn required_secret(&self, field: SecretField) -> Result<Secret> {
        self.secret(field)?.ok_or_else(|| {
            FlowError::Missing {
                profile: self.name.into(),
                what: field.name(),
                remedy: Remedy::EditField { profile: self.name.into(), field: field.name().into() },
            }
            .into()
        })
    }
}

/// Builds a strategy's token request.
pub type RequestFn = fn(&Cx, &Profile) -> Result<TokenRequest>;
/// Builds a strategy's refresh request from the stored refresh token, when the strategy refreshes.
pub type RefreshFn = fn(&Cx, &Profile, Secret) -> Result<Option<TokenRequest>>;

/// What a strategy is and does, as its module declares it.
pub struct Def {
    pub id: Strategy,
    pub title: &'static str,
    /// A short label for lists and badges.
    pub short: &'static str,
    pub help: &'static str,
    /// A person signs in in the browser.
    pub sign_in: bool,
    /// Its own fields; every strategy also has the API fields (`fields_of` adds them).
    pub fields: &'static [FieldInfo],
    /// The secrets it keeps, in the order forms show them.
    pub secrets: &'static [SecretField],
    pub obtains: Obtains,
    pub rides: Rides,
    /// What logging out ends.
    pub ends: Ends,
    /// Checks of fields that go together, beyond each field's own.
    pub check: fn(&Profile) -> Result<(), ConfigError>,
    /// Whether Keyward can get a new credential on its own now (a refresh token, a stored secret…).
    pub can_obtain: fn(&Profile, &ProfileView) -> bool,
    /// Where it stands when it has no valid credential and cannot get one on its own.
    pub needs: CredentialStatus,
    /// The token request ([`Obtains::Request`]).
    pub request: Option<RequestFn>,
    pub refresh: Option<RefreshFn>,
    /// A 401 from the API means the credential lapsed early: get a new one and retry once.
    pub retry_on_401: bool,
    /// What a rotation of it rotates, if it can be rotated (then it also has the `rotationPeriodDays` field).
    pub rotates: Option<RotationKind>,
}

/// What a strategy is unless its module says otherwise: a machine credential obtained by a token request
/// it builds, sent as a bearer token, nothing to end at a server. Each module's `DEF` sets its own parts and
/// takes the rest from here (`..BASE`).
pub(crate) const BASE: Def = Def {
    id: Strategy::ClientCredentials,
    title: "",
    short: "",
    help: "",
    sign_in: false,
    fields: &[],
    secrets: &[],
    obtains: Obtains::Request,
    rides: Rides::Bearer,
    ends: Ends::Forget,
    check: no_check,
    can_obtain: |_, _| false,
    needs: CredentialStatus::Incomplete,
    request: None,
    refresh: None,
    retry_on_401: false,
    rotates: None,
};

/// Every strategy, in the order lists show them.
pub static REGISTRY: &[&Def] = &[
    &pkce::DEF,
    &client_credentials::DEF,
    &private_key_jwt::DEF,
    &custom_oauth::DEF,
    &saml_bearer::DEF,
    &api_key::DEF,
    &jwt_login::DEF,
    &session::DEF,
];

/// The definition of `strategy`.
pub fn def(strategy: Strategy) -> &'static Def {
    REGISTRY.iter().find(|d| d.id == strategy).expect("every strategy is in the registry")
}

/// Where a profile's credential stands, by the core's clock.
pub fn status(profile: &Profile, view: &ProfileView, fresh_token: bool) -> CredentialStatus {
    let d = def(profile.strategy());
    let ready = match d.obtains {
        Obtains::Stored => view.has_api_key,
        _ => fresh_token,
    };
    if ready {
        CredentialStatus::Ready
    } else if (d.can_obtain)(profile, view) {
        CredentialStatus::Renewable
    } else {
        d.needs
    }
}

/// The scope, audience and resource fields a standard token request carries.
pub(crate) fn with_extras(mut r: TokenRequest, p: &Profile) -> TokenRequest {
    let (audience, resource) = p.settings.audience_and_resource();
    for (k, v) in [("scope", p.settings.scopes()), ("audience", audience), ("resource", resource)] {
        if let Some(v) = v {
            r = r.field(k, v.to_string());
        }
    }
    r
}

/// No fields that go together.
fn no_check(_: &Profile) -> Result<(), ConfigError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_has_every_strategy_once_in_order() {
        let ids: Vec<Strategy> = REGISTRY.iter().map(|d| d.id).collect();
        assert_eq!(ids, Strategy::ALL, "one line per strategy, in the order of Strategy::ALL");
        for d in REGISTRY {
            assert!(!d.title.is_empty() && !d.help.is_empty() && !d.fields.is_empty(), "{:?} describes itself", d.id);
            assert_eq!(
                d.request.is_some(),
                d.obtains == Obtains::Request,
                "{:?}: a request iff it obtains by one",
                d.id
            );
        }
    }
}

/// The strategies as JSON, next to the TypeScript bindings (`TS_RS_EXPORT_DIR`), for the UI's fake platform
/// and its tests: one source for the strategies and their fields, regenerated by `cargo test` and checked
/// for drift by `./test` like the bindings.
#[cfg(test)]
mod export {
    #[test]
    fn export_strategies_json() {
        let Some(dir) = std::env::var_os("TS_RS_EXPORT_DIR") else { return };
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let path = root.join(dir).join("strategies.json");
        let mut json = serde_json::to_string_pretty(&crate::profile::strategies()).expect("strategies serialise");
        json.push('\n');
        if std::fs::read_to_string(&path).ok().as_deref() != Some(json.as_str()) {
            std::fs::write(&path, json).expect("the bindings directory is writable");
        }
    }
}
