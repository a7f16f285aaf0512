//! A provider-issued API key: the stored key is the credential, sent as a bearer token, a header or a
//! query parameter (seeds 000 and 002).

use super::{Def, Obtains, Rides};
use crate::keychain::SecretField;
use crate::profile::fields::f;
use crate::profile::FieldType::*;
use crate::profile::{FieldInfo, Strategy};

const FIELDS: &[FieldInfo] = &[
    f("apiKey", Secret, true, "The API key the provider showed you once; stored in the OS keychain."),
    f("apiKeyPlacement", Placement, false, "Where the key goes: bearer (Authorization: Bearer, the default), header:X-API-Key, or query:api_key (any header or parameter name)."),
];

pub static DEF: Def = Def {
    id: Strategy::ApiKey,
    title: "API key",
    short: "API key",
    help: "A long-lived key from the provider's dashboard, sent as a bearer token, a header or a query parameter.",
    fields: FIELDS,
    secrets: &[SecretField::ApiKey],
    obtains: Obtains::Stored,
    rides: Rides::ApiKeyPlacement,
    can_obtain: |_, v| v.has_api_key,
    ..super::BASE
};
