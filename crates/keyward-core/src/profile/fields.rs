//! The catalogue of profile fields per strategy: name, type, whether required, and help for people.
//! `keyward strategies`, `--set`, validation and the app's forms all read it.

use serde::Serialize;
use ts_rs::TS;

use super::{ApiKeyPlacement, Strategy};
use crate::config::ConfigError;

/// The kind of value a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum FieldType {
    Text,
    Url,
    Port,
    Number,
    Bool,
    Scopes,
    Choice,
    /// `header:NAME`, `query:NAME` or `bearer`.
    Placement,
    Map,
    /// Host names, space-separated (`.example.com` for a domain and its subdomains).
    Hosts,
    /// Stored in the keychain; never part of the profile's settings.
    Secret,
}

/// One field of a strategy, described for people.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FieldInfo {
    pub name: &'static str,
    #[serde(rename = "type")]
    pub kind: FieldType,
    pub required: bool,
    pub help: &'static str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub choices: &'static [&'static str],
}

impl FieldInfo {
    /// The JSON value of this field from its text form.
    pub(super) fn parse(&self, value: &str) -> Result<serde_json::Value, ConfigError> {
        let bad = |what: &str| ConfigError::bad_field(self.name, what);
        check_length(self.name, value)?;
        Ok(match self.kind {
            FieldType::Port => {
                serde_json::json!(value
                    .parse::<u16>()
                    .map_err(|_| bad("a port number from 0 to 65535 (0 = any free port)"))?)
            }
            FieldType::Number => {
                serde_json::json!(value.parse::<u64>().map_err(|_| bad("a whole number"))?)
            }
            FieldType::Bool => serde_json::json!(match value.to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" | "on" => true,
                "false" | "no" | "0" | "off" => false,
                _ => return Err(bad("true or false")),
            }),
            FieldType::Choice => {
                let v = if self.name == "redirectHost" && value == "::1" { "[::1]" } else { value };
                if !self.choices.contains(&v) {
                    return Err(bad(&format!("one of {}", self.choices.join(", "))));
                }
                serde_json::json!(v)
            }
            FieldType::Placement => {
                ApiKeyPlacement::parse(value).ok_or_else(|| {
                    bad("bearer, header:NAME (e.g. header:X-API-Key) or query:NAME (e.g. query:api_key)")
                })?;
                serde_json::json!(value)
            }
            FieldType::Scopes => serde_json::json!(value.split_whitespace().collect::<Vec<_>>().join(" ")),
            FieldType::Hosts => {
                let hosts = value.split([' ', ',']).filter(|h| !h.is_empty()).collect::<Vec<_>>().join(" ");
                super::check_hosts(self.name, &hosts)?;
                serde_json::json!(hosts)
            }
            FieldType::Url => {
                super::check_endpoint_url(self.name, value)?;
                serde_json::json!(value)
            }
            FieldType::Text | FieldType::Map | FieldType::Secret => serde_json::json!(value),
        })
    }
}

/// The longest value a profile field takes: URLs, names and scopes are far shorter, and the config file
/// must stay small enough to read on every command.
pub const MAX_FIELD: usize = 4096;

pub(super) fn check_length(field: &str, value: &str) -> Result<(), ConfigError> {
    if value.len() > MAX_FIELD {
        return Err(ConfigError::bad_field(
            field,
            &format!("longer than {} KiB; no setting is that long", MAX_FIELD / 1024),
        ));
    }
    Ok(())
}

/// A strategy, described for people.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StrategyInfo {
    pub id: Strategy,
    pub title: &'static str,
    /// A short label for lists and badges.
    pub short: &'static str,
    pub help: &'static str,
    /// A person signs in in the browser (the others obtain credentials on their own).
    pub sign_in: bool,
    pub fields: &'static [FieldInfo],
}

/// A field of a strategy (for the strategy modules' field lists).
pub const fn f(name: &'static str, kind: FieldType, required: bool, help: &'static str) -> FieldInfo {
    FieldInfo { name, kind, required, help, choices: &[] }
}

/// A field with a fixed set of values.
pub const fn choice(name: &'static str, choices: &'static [&'static str], help: &'static str) -> FieldInfo {
    FieldInfo { name, kind: FieldType::Choice, required: false, help, choices }
}

use FieldType::*;

/// The fields every strategy has: where its API is, and where its credential may go.
const API: &[FieldInfo] = &[
    f("apiBaseUrl", Url, false, "The API's base URL, e.g. https://api.example.com/v1: Try a request starts from it, and its site may receive the credential."),
    f("apiHosts", Hosts, false, "More hosts that may receive this credential, besides the sites of this profile's URLs, e.g. api.example.net, or .example.net with its subdomains."),
];

/// Each strategy's own fields (from its module in `strategies/`) followed by the [`API`] fields, built once.
/// The field of a strategy whose credential can be rotated: how old it may get before it is due.
const ROTATION: &[FieldInfo] = &[f(
    "rotationPeriodDays",
    Number,
    false,
    "Days after which the credential is due for rotation (marked in the list and by rotate due); empty = 90, seed 000's period.",
)];

static FIELDS: std::sync::LazyLock<Vec<Vec<FieldInfo>>> = std::sync::LazyLock::new(|| {
    Strategy::ALL
        .iter()
        .map(|&s| {
            let d = crate::strategies::def(s);
            let rotation = if d.rotates.is_some() { ROTATION } else { &[] };
            d.fields.iter().chain(API).chain(rotation).cloned().collect()
        })
        .collect()
});

/// A strategy's fields, in the order forms show them.
pub fn fields_of(strategy: Strategy) -> &'static [FieldInfo] {
    let i = Strategy::ALL.iter().position(|&s| s == strategy).expect("every strategy is in ALL");
    &FIELDS[i]
}

/// Every supported strategy with its fields, as `keyward strategies` and the window's form show them.
pub fn strategies() -> Vec<StrategyInfo> {
    crate::strategies::REGISTRY
        .iter()
        .map(|d| StrategyInfo {
            id: d.id,
            title: d.title,
            short: d.short,
            help: d.help,
            sign_in: d.sign_in,
            fields: fields_of(d.id),
        })
        .collect()
}
