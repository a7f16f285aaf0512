//! Credentials where people use them: a Postman environment or collection, a `.env` file, a curl
//! command, a Bruno environment; and a Postman environment imported back into profiles.
//!
//! One secret policy for every format: the request-level credential (access token, API key, session
//! cookie) is the point of an export and goes in; the long-lived secrets that mint new ones (client
//! secret, refresh token, password, private key) stay out unless the user asks, and are then marked as
//! secrets where the format can. Every export is in the audit log (format, profiles, policy; never a
//! value).

pub mod dotenv;
mod import;
mod postman;
mod text;

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use dotenv::Dialect;
pub use import::{plan_postman, ImportOutcome, ImportedProfile, PostmanPlan};

use crate::audit::{AuditAction, Outcome};
use crate::clock::rfc3339;
use crate::config::ConfigError;
use crate::error::{ErrorCode, Result};
use crate::handout::{Handout, Placement};
use crate::keychain::SecretField;
use crate::remedy::Remedy;
use crate::secret::Secret;

/// What an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum ExportFormat {
    /// A Postman environment (v2.1 export format), which newman also reads.
    Postman,
    /// A Postman collection: each profile's auth for the Postman app, and a pre-request script that
    /// fetches client-credentials tokens where newman would not.
    Collection,
    /// A `.env` file in a chosen dialect.
    Dotenv,
    /// A ready curl command per profile.
    Curl,
    /// A Bruno environment (`.bru`).
    Bruno,
}

impl ExportFormat {
    pub const ALL: &'static [ExportFormat] = &[
        ExportFormat::Postman,
        ExportFormat::Collection,
        ExportFormat::Dotenv,
        ExportFormat::Curl,
        ExportFormat::Bruno,
    ];

    pub fn id(self) -> &'static str {
        match self {
            ExportFormat::Postman => "postman",
            ExportFormat::Collection => "collection",
            ExportFormat::Dotenv => "dotenv",
            ExportFormat::Curl => "curl",
            ExportFormat::Bruno => "bruno",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|f| f.id() == s)
            .ok_or_else(|| ConfigError::bad_field("format", "one of postman, collection, dotenv, curl, bruno").into())
    }

    /// What the format is, in words, for the audit log and messages.
    pub fn describe(self) -> &'static str {
        match self {
            ExportFormat::Postman => "Postman environment",
            ExportFormat::Collection => "Postman collection",
            ExportFormat::Dotenv => ".env file",
            ExportFormat::Curl => "curl command",
            ExportFormat::Bruno => "Bruno environment",
        }
    }
}

/// An export to make.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExportRequest {
    pub format: ExportFormat,
    pub profiles: Vec<String>,
    /// Also write the long-lived secrets (client secret, refresh token, password, private key).
    #[serde(default)]
    pub include_secrets: bool,
    /// `.env` only: who reads the file.
    #[serde(default)]
    #[ts(optional)]
    pub dialect: Option<Dialect>,
    /// curl only: read the credential from the environment `keyward exec` sets instead of writing it.
    #[serde(default)]
    pub from_env: bool,
    /// curl only: the URL to call (default: the profile's API base URL).
    #[serde(default)]
    #[ts(optional)]
    pub url: Option<String>,
}

impl ExportRequest {
    pub fn new(format: ExportFormat, profiles: Vec<String>) -> Self {
        ExportRequest { format, profiles, include_secrets: false, dialect: None, from_env: false, url: None }
    }
}

/// What an export holds, none of it secret: for the CLI's closing line and the window's notice.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExportSummary {
    pub format: ExportFormat,
    pub profiles: Vec<String>,
    /// A file name to offer in a save dialog.
    pub file_name: String,
    /// The variables written (names only).
    pub variables: Vec<String>,
    /// The long-lived secrets that exist and were left out (names only).
    pub secrets_left_out: Vec<String>,
    /// The long-lived secrets that were written, marked as secrets where the format can.
    pub secrets_included: Vec<String>,
    /// The earliest expiry of an exported credential (Unix seconds), when one expires.
    #[ts(type = "number | null")]
    pub expires_at: Option<i64>,
    /// Things to know: a secret the format cannot hold, a profile without a base URL.
    pub notes: Vec<String>,
}

/// An export written to a file the user chose (the window's save dialog).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SavedExport {
    pub path: String,
    pub summary: ExportSummary,
}

/// An export: its summary and its text, which holds credentials.
pub struct Export {
    pub summary: ExportSummary,
    pub content: Secret,
}

impl Export {
    /// Write the export to `path`, readable by the user only (0600), atomically: a temp file in the same
    /// directory, flushed, then renamed over the target. An existing file is replaced, not appended to.
    pub fn write_to(&self, path: &Path) -> Result<()> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        let io = |action: &'static str, source| ConfigError::Io { action, path: path.to_path_buf(), source };
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "export".into());
        let tmp = dir.join(format!(".{file_name}.keyward-{}", std::process::id()));
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut f = opts.open(&tmp).map_err(|e| io("write", e))?;
        let written = f.write_all(self.content.expose().as_bytes()).and_then(|()| f.sync_all());
        if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, path)) {
            let _ = std::fs::remove_file(&tmp);
            return Err(io("write", e).into());
        }
        Ok(())
    }
}

/// Why an export cannot be made as asked.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("name at least one profile to export")]
    NoProfiles,
    #[error("{profile} is named twice")]
    Twice { profile: String },
    #[error("the {field} of {profile} cannot be written for {dialect} ({reason}); choose the dialect of the tool that reads the file: {try_instead}")]
    Unquotable {
        profile: String,
        field: String,
        dialect: &'static str,
        reason: &'static str,
        try_instead: &'static str,
    },
    #[error("the {field} of {profile} holds a line break, which a {format} cannot hold")]
    Multiline { profile: String, field: String, format: &'static str },
    #[error("which URL should the curl command for {profile} call? The profile has no API base URL")]
    NoUrl { profile: String },
    #[error("{what} is not a Postman environment: {problem}")]
    NotPostman { what: String, problem: String },
    #[error("the Postman environment holds no credential Keyward can use (looked for {looked_for})")]
    NothingToImport { looked_for: String },
}

impl ExportError {
    pub fn code(&self) -> ErrorCode {
        ErrorCode::BadInput
    }

    pub fn remedy(&self) -> Option<Remedy> {
        match self {
            ExportError::NoUrl { profile } => {
                Some(Remedy::EditField { profile: profile.clone(), field: "apiBaseUrl".into() })
            }
            _ => None,
        }
    }
}

/// One variable of an export, before a format names and writes it.
pub(crate) struct Var {
    /// The profile it belongs to.
    pub profile: String,
    /// The canonical name (`accessToken`), before any per-profile prefix.
    pub key: &'static str,
    pub value: Secret,
    /// A credential or a secret: marked as such where the format can.
    pub secret: bool,
}

/// A profile's part of an export: its handout and the variables it yields.
pub(crate) struct Item {
    pub handout: Handout,
    pub vars: Vec<Var>,
    /// The token endpoint, when the profile has one (explicit or discovered).
    pub token_url: Option<String>,
    /// With several profiles, variable names carry this prefix (`billing_accessToken`).
    pub prefix: Option<String>,
}

impl Item {
    pub fn name(&self) -> &str {
        &self.handout.profile
    }

    /// A variable's name as written: `accessToken`, or `billing_accessToken` when several profiles share
    /// the file.
    pub fn var_name(&self, key: &str) -> String {
        match &self.prefix {
            Some(p) => format!("{p}_{key}"),
            None => key.to_string(),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Var> {
        self.vars.iter().find(|v| v.key == key)
    }
}

/// The long-lived secrets of a strategy, under the names exports use.
const LONG_LIVED: &[(SecretField, &str)] = &[
    (SecretField::ClientSecret, "clientSecret"),
    (SecretField::RefreshToken, "refreshToken"),
    (SecretField::Password, "password"),
];

/// A prefix for variable names made from a profile name: Postman, Bruno and `.env` names all take
/// letters, digits and `_`.
fn prefix_of(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

impl crate::Keyward {
    /// Make an export. Each profile's credential is made valid first (fetched or refreshed as
    /// `keyward token` would), so what is written works now.
    pub async fn export(&self, req: &ExportRequest) -> Result<Export> {
        let result = self.export_inner(req).await;
        for name in &req.profiles {
            let detail = match &result {
                Ok(e) => {
                    let s = &e.summary;
                    let policy = if !s.secrets_included.is_empty() {
                        format!("secrets included: {}", s.secrets_included.join(", "))
                    } else if !s.secrets_left_out.is_empty() {
                        format!("secrets left out: {}", s.secrets_left_out.join(", "))
                    } else {
                        "no long-lived secrets".into()
                    };
                    Some(format!("{}, {policy}", req.format.describe()))
                }
                Err(e) => Some(format!("{}: {}", req.format.describe(), e.audit_text())),
            };
            let outcome = if result.is_ok() { Outcome::Ok } else { Outcome::Failed };
            self.record(AuditAction::Exported, name, outcome, detail);
        }
        result
    }

    async fn export_inner(&self, req: &ExportRequest) -> Result<Export> {
        if req.profiles.is_empty() {
            return Err(ExportError::NoProfiles.into());
        }
        for (i, name) in req.profiles.iter().enumerate() {
            if req.profiles[..i].contains(name) {
                return Err(ExportError::Twice { profile: name.clone() }.into());
            }
        }
        let several = req.profiles.len() > 1;
        let store_id = self.config.load()?.store_id;
        let mut items = Vec::new();
        let mut left_out = Vec::new();
        let mut included = Vec::new();
        for name in &req.profiles {
            let handout = self.handout(name).await?;
            let item_prefix = several.then(|| prefix_of(name));
            let mut item = Item { vars: Vec::new(), token_url: None, prefix: item_prefix, handout };
            self.collect(&store_id, &mut item, req.include_secrets, &mut left_out, &mut included).await?;
            items.push(item);
        }
        let mut notes = Vec::new();
        let content = match req.format {
            ExportFormat::Postman => postman::environment(&items, self.clock.now()),
            ExportFormat::Collection => postman::collection(&items, &mut notes),
            ExportFormat::Dotenv => text::dotenv(&items, req.dialect.unwrap_or_default(), self.clock.now())?,
            ExportFormat::Curl => text::curl(&items, req.url.as_deref(), req.from_env)?,
            ExportFormat::Bruno => text::bruno(&items, &mut notes)?,
        };
        if req.format == ExportFormat::Bruno {
            // Bruno's files never hold secret values: the names are listed for the user to fill in.
            included.clear();
        }
        if req.format == ExportFormat::Curl && req.include_secrets {
            notes.push("a curl command needs only the request-level credential: no long-lived secret is in it".into());
        }
        let variables = match req.format {
            ExportFormat::Curl => Vec::new(),
            _ => items.iter().flat_map(|i| i.vars.iter().map(|v| i.var_name(v.key))).collect(),
        };
        let file_name = file_name(req.format, &req.profiles, req.dialect);
        let expires_at = items.iter().filter_map(|i| i.handout.expires_at).min();
        if let Some(exp) = expires_at {
            notes.push(format!("the exported credential expires at {}", rfc3339(exp)));
        }
        Ok(Export {
            summary: ExportSummary {
                format: req.format,
                profiles: req.profiles.clone(),
                file_name,
                variables,
                secrets_left_out: left_out,
                secrets_included: included,
                expires_at,
                notes,
            },
            content: Secret::new(content),
        })
    }

    /// The variables of one profile: its settings, its request-level credential, and (when asked) its
    /// long-lived secrets.
    async fn collect(
        &self,
        store_id: &str,
        item: &mut Item,
        include_secrets: bool,
        left_out: &mut Vec<String>,
        included: &mut Vec<String>,
    ) -> Result<()> {
        let h = &item.handout;
        let p = &h.settings;
        let name = h.profile.clone();
        let mut vars = Vec::new();
        let plain = |key: &'static str, value: &str| Var {
            profile: name.clone(),
            key,
            value: Secret::new(value),
            secret: false,
        };
        if let Some(base) = &p.api.api_base_url {
            vars.push(plain("baseUrl", base));
        }
        match (&h.placement, h.is_api_key()) {
            (Placement::Cookie, _) => {
                vars.push(Var { profile: name.clone(), key: "sessionCookie", value: h.value.clone(), secret: true })
            }
            (placement, true) => {
                vars.push(Var { profile: name.clone(), key: "apiKey", value: h.value.clone(), secret: true });
                let placement = match placement {
                    Placement::Header(n) => format!("header:{n}"),
                    Placement::Query(n) => format!("query:{n}"),
                    _ => "bearer".into(),
                };
                vars.push(plain("apiKeyPlacement", &placement));
            }
            (_, false) => {
                vars.push(Var { profile: name.clone(), key: "accessToken", value: h.value.clone(), secret: true });
                vars.push(plain("tokenType", &h.token_type));
                if let Some(exp) = h.expires_at {
                    vars.push(plain("accessTokenExpiresAt", &rfc3339(exp)));
                }
            }
        }
        if let Some(id) = p.settings.client_id() {
            vars.push(plain("clientId", id));
        }
        let token_url = match (p.settings.url(), p.settings.issuer()) {
            (Some(u), _) => Some(u.to_string()),
            (None, Some(_)) => crate::oauth::discovery::resolve(&self.http, p).await.ok().map(|e| e.token.to_string()),
            _ => None,
        };
        if let Some(u) = &token_url {
            vars.push(plain("tokenUrl", u));
        }
        if let Some(s) = h.scope.as_deref().filter(|s| !s.is_empty()) {
            vars.push(plain("scope", s));
        }
        if let Some(auth) = p.get("clientAuth") {
            vars.push(plain("clientAuth", &auth));
        }
        for (field, key) in LONG_LIVED {
            let Some(value) = self.secret(store_id, &h.profile, *field)? else { continue };
            let shown = item.var_name(key);
            if include_secrets {
                included.push(shown);
                vars.push(Var { profile: name.clone(), key, value, secret: true });
            } else {
                left_out.push(shown);
            }
        }
        if let Some(key_name) = p.settings.key_name() {
            let shown = item.var_name("privateKey");
            if include_secrets {
                let (_, key) = self.private_key(key_name)?;
                included.push(shown);
                vars.push(Var { profile: name.clone(), key: "privateKey", value: key.pkcs8_pem.clone(), secret: true });
            } else {
                left_out.push(shown);
            }
        }
        item.token_url = token_url;
        item.vars = vars;
        Ok(())
    }
}

/// A file name to offer: `demo.postman_environment.json` (Postman's own naming), `demo.env`…
fn file_name(format: ExportFormat, profiles: &[String], dialect: Option<Dialect>) -> String {
    let base = match profiles {
        [one] => one.clone(),
        _ => "keyward".into(),
    };
    match format {
        ExportFormat::Postman => format!("{base}.postman_environment.json"),
        ExportFormat::Collection => format!("{base}.postman_collection.json"),
        ExportFormat::Dotenv => match dialect {
            Some(Dialect::Compose) | None | Some(Dialect::Portable) => format!("{base}.env"),
            Some(d) => format!("{base}.{}.env", d.id()),
        },
        ExportFormat::Curl => format!("{base}.curl.sh"),
        ExportFormat::Bruno => format!("{base}.bru"),
    }
}

/// A random UUID v4 for Postman's ids.
pub(crate) fn uuid_v4() -> String {
    let mut b: [u8; 16] = rand::random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_v4() {
        let u = uuid_v4();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!("89ab".contains(&u[19..20]));
        assert_ne!(u, uuid_v4());
    }

    #[test]
    fn file_names_follow_each_tool() {
        assert_eq!(file_name(ExportFormat::Postman, &["demo".into()], None), "demo.postman_environment.json");
        assert_eq!(file_name(ExportFormat::Dotenv, &["a".into(), "b".into()], Some(Dialect::Node)), "keyward.node.env");
    }
}
