//! A SAML 2.0 assertion from the IdP exchanged for an access token (RFC 7522); the exchange itself is
//! `machine::saml`.

use super::{Def, Obtains};
use crate::app::CredentialStatus;
use crate::keychain::SecretField;
use crate::profile::fields::f;
use crate::profile::FieldType::*;
use crate::profile::{FieldInfo, Strategy};

const FIELDS: &[FieldInfo] = &[
    f("url", Url, true, "The token endpoint that takes SAML 2.0 bearer assertions (RFC 7522)."),
    f("clientId", Text, false, "A client ID, if the token endpoint wants one."),
    f("clientSecret", Secret, false, "A client secret, if the token endpoint authenticates clients (sent with HTTP Basic)."),
    f("scopes", Scopes, false, "Scopes to request."),
    f("spEntityId", Text, false, "The SP entity ID to give your IdP admin (the assertion's Audience), e.g. https://auth.redcore.com/saml/metadata."),
    f("acsUrl", Url, false, "The Assertion Consumer Service URL to give your IdP admin, e.g. https://auth.redcore.com/saml/acs."),
    f("nameIdFormat", Text, false, "The NameID format to ask of the IdP; default urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress."),
];

/// The SAML bearer exchange's settings, and the SP settings to hand the IdP admin (see [`FIELDS`]).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, rename = "SamlBearerSettings", optional_fields = nullable)]
pub struct Settings {
    pub url: Option<String>,
    pub client_id: Option<String>,
    pub scopes: Option<String>,
    pub sp_entity_id: Option<String>,
    pub acs_url: Option<String>,
    pub name_id_format: Option<String>,
}

pub static DEF: Def = Def {
    id: Strategy::SamlBearer,
    title: "SAML 2.0 bearer assertion",
    short: "SAML bearer",
    help: "Exchanges a signed assertion from your IdP (Okta, Entra ID, Google Workspace) for an access token.",
    fields: FIELDS,
    secrets: &[SecretField::ClientSecret],
    obtains: Obtains::Assertion,
    can_obtain: |_, _| false,
    needs: CredentialStatus::AssertionRequired,
    ..super::BASE
};
