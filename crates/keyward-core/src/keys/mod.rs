//! Key pairs for private_key_jwt: generate or import (RSA, P-256, P-384, Ed25519), private key in the
//! keychain, public JWK (kid = RFC 7638 thumbprint unless named), algorithm and creation time in the
//! config; JWKS, PEM and self-signed certificates out. Generated API keys are in [`api_key`].

pub mod api_key;
pub mod cert;
pub mod material;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use material::{KeyAlg, KeyError, PrivateKey};

use crate::app::Keyward;
use crate::audit::{AuditAction, Outcome};
use crate::clock::rfc3339;
use crate::config::ConfigError;
use crate::context::Context;
use crate::error::{ErrorCode, Result};
use crate::keychain::key_account;
use crate::profile::check_name;
use crate::secret::Secret;

/// What the config keeps of a key pair: nothing secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct KeyInfo {
    pub alg: KeyAlg,
    pub kid: String,
    /// The public JWK, with `kid`, `alg` and `use`.
    #[ts(type = "Record<string, string>")]
    pub public_jwk: serde_json::Value,
    pub created_at: String,
}

/// A key as lists show it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct KeyView {
    pub name: String,
    #[serde(flatten)]
    #[ts(flatten)]
    pub info: KeyInfo,
}

impl KeyError {
    pub fn code(&self) -> ErrorCode {
        match self {
            KeyError::Sign(_) => ErrorCode::Internal,
            _ => ErrorCode::BadInput,
        }
    }
}

/// A self-signed certificate for a key pair, as `key_cert` made it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CertView {
    /// The key pair's name.
    pub name: String,
    /// Subject and issuer, RFC 4514 (`CN=keyward-client,O=Example`).
    pub subject: String,
    /// Serial number, hex.
    pub serial: String,
    /// Validity, RFC 3339.
    pub not_before: String,
    pub not_after: String,
    /// The certificate, PEM (public: no secret in it).
    pub pem: String,
}

/// What `key export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Pem,
    Jwk,
}

const MAX_PEM: usize = 64 * 1024;

impl Keyward {
    /// Generate a key pair for `alg` (RSA: `rsa_bits`), private key into the keychain.
    pub fn key_new(&self, name: &str, alg: KeyAlg, rsa_bits: usize, kid: Option<&str>) -> Result<KeyView> {
        self.check_new_key(name)?;
        let key = material::generate(alg, rsa_bits)?;
        self.store_key(name, key, alg, kid, "generated")
    }

    /// Bring your own private key (PEM: PKCS#8, PKCS#1 or SEC1). `alg` defaults by key type.
    pub fn key_import(&self, name: &str, pem: &str, alg: Option<KeyAlg>, kid: Option<&str>) -> Result<KeyView> {
        self.check_new_key(name)?;
        if pem.len() > MAX_PEM {
            return Err(KeyError::Unreadable("larger than 64 KiB".into()).into());
        }
        let key = material::import(pem)?;
        material::check_size(&key)?;
        let alg = material::alg_for(&key, alg)?;
        self.store_key(name, key, alg, kid, "imported")
    }

    fn check_new_key(&self, name: &str) -> Result<()> {
        check_name(name)?;
        if self.config.load()?.keys.contains_key(name) {
            return Err(ConfigError::bad_field("name", &format!("a key named {name:?} already exists")).into());
        }
        Ok(())
    }

    fn store_key(&self, name: &str, key: PrivateKey, alg: KeyAlg, kid: Option<&str>, how: &str) -> Result<KeyView> {
        let mut jwk = material::public_members(&key);
        let kid = kid.map(String::from).unwrap_or_else(|| material::thumbprint(&jwk));
        jwk["kid"] = kid.clone().into();
        jwk["alg"] = alg.as_str().into();
        jwk["use"] = "sig".into();
        let info = KeyInfo { alg, kid, public_jwk: jwk, created_at: rfc3339(self.clock.now()) };
        let store_id = self.config.update(|c| Ok(c.store_id.clone()))?;
        // The private key first: a key the config names must be in the keychain.
        self.secrets.set(&key_account(&store_id, name), &key.pkcs8_pem)?;
        self.config.update(|c| {
            c.keys.insert(name.to_string(), info.clone());
            Ok(())
        })?;
        self.record(
            AuditAction::KeyCreated,
            name,
            Outcome::Ok,
            Some(format!("{how} {} key, kid {}", alg.as_str(), info.kid)),
        );
        Ok(KeyView { name: name.to_string(), info })
    }

    /// A self-signed X.509 certificate for the key pair `name` (subject such as
    /// `CN=keyward-client,O=Example`, valid `days` days from now), for IdPs and mTLS. Not kept: the key
    /// pair can always make another.
    pub fn key_cert(&self, name: &str, subject: &str, days: u32) -> Result<CertView> {
        let rdns = cert::parse_subject(subject)?;
        let (view, key) = self.private_key(name)?;
        let issued = cert::self_signed(&key, view.info.alg, &rdns, days, self.clock.now())?;
        let subject = cert::subject_text(&rdns);
        let out = CertView {
            name: name.to_string(),
            subject: subject.clone(),
            serial: issued.serial,
            not_before: rfc3339(issued.not_before),
            not_after: rfc3339(issued.not_after),
            pem: issued.pem,
        };
        self.record(
            AuditAction::KeyCreated,
            name,
            Outcome::Ok,
            Some(format!(
                "self-signed certificate for {subject}, serial {}, valid until {}",
                out.serial, out.not_after
            )),
        );
        Ok(out)
    }

    pub fn keys(&self) -> Result<Vec<KeyView>> {
        Ok(self.config.load()?.keys.into_iter().map(|(name, info)| KeyView { name, info }).collect())
    }

    /// The public JWKS of the named keys, to upload to a provider or host at a jku URL.
    pub fn jwks(&self, names: &[String]) -> Result<serde_json::Value> {
        let keys = names.iter().map(|n| self.key(n).map(|k| k.info.public_jwk)).collect::<Result<Vec<_>>>()?;
        Ok(serde_json::json!({ "keys": keys }))
    }

    /// A key as PEM or JWK. With `private`, the private key itself: an explicit, audited reveal.
    pub fn export_key(&self, name: &str, format: ExportFormat, private: bool) -> Result<Secret> {
        let (view, key) = self.private_key(name)?;
        let out = match (format, private) {
            (ExportFormat::Pem, false) => Secret::new(material::public_pem(&key)),
            (ExportFormat::Jwk, false) => {
                Secret::new(serde_json::to_string_pretty(&view.info.public_jwk).expect("json"))
            }
            (ExportFormat::Pem, true) => key.pkcs8_pem.clone(),
            (ExportFormat::Jwk, true) => {
                return Err(ConfigError::bad_field("--format", "private keys are exported as PEM (PKCS#8) only").into())
            }
        };
        if private {
            self.record(AuditAction::Reveal, name, Outcome::Ok, Some("private key exported as PEM".into()));
        }
        Ok(out)
    }
}

impl Context {
    pub fn key(&self, name: &str) -> Result<KeyView> {
        let info =
            self.config.load()?.keys.get(name).cloned().ok_or_else(|| ConfigError::NoSuchKey(name.to_string()))?;
        Ok(KeyView { name: name.to_string(), info })
    }

    /// The private key, for signing (never for display: see `export_key`).
    pub(crate) fn private_key(&self, name: &str) -> Result<(KeyView, PrivateKey)> {
        let view = self.key(name)?;
        let store_id = self.config.load()?.store_id;
        let pem =
            crate::context::off_runtime(|| self.secrets.get(&key_account(&store_id, name)))?.ok_or_else(|| {
                ConfigError::bad_field(
                    "key",
                    &format!("the private key of {name:?} is missing from the keychain; import or generate it again"),
                )
            })?;
        let key = material::import(pem.expose())?;
        Ok((view, key))
    }
}
