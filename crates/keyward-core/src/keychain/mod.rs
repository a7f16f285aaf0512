//! The OS keychain, where every secret lives: one entry per secret, service `keyward`, account
//! `<store-id>/<profile>/<field>`. There is no plaintext fallback.

pub mod env;
pub mod overlay;

use std::sync::mpsc;
use std::time::Duration;

use crate::secret::Secret;

/// The service name of every Keyward keychain entry.
pub const SERVICE: &str = "keyward";

/// The secrets a profile can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretField {
    ClientSecret,
    RefreshToken,
    /// The access token with its expiry and scope (a JSON document, all of it kept secret).
    AccessToken,
    ApiKey,
    Password,
    /// A rotation's new credential (an API key or a client secret), until the profile switches to it.
    RotationNext,
    /// A rotation's old credential, after the profile switched and until it is retired (or restored).
    RotationPrevious,
}

impl SecretField {
    pub const ALL: &'static [SecretField] = &[
        SecretField::ClientSecret,
        SecretField::RefreshToken,
        SecretField::AccessToken,
        SecretField::ApiKey,
        SecretField::Password,
        SecretField::RotationNext,
        SecretField::RotationPrevious,
    ];

    /// The name used in keychain accounts, `has<Property>` flags and `keyward secret reveal`.
    pub fn name(self) -> &'static str {
        match self {
            SecretField::ClientSecret => "clientSecret",
            SecretField::RefreshToken => "refreshToken",
            SecretField::AccessToken => "accessToken",
            SecretField::ApiKey => "apiKey",
            SecretField::Password => "password",
            SecretField::RotationNext => "rotationNext",
            SecretField::RotationPrevious => "rotationPrevious",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|f| f.name() == name)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeychainError {
    /// No Secret Service / keychain to talk to (no D-Bus session, no daemon).
    #[error("the OS keychain is not available ({reason}); Keyward keeps secrets only there")]
    Unavailable { reason: String },
    /// The keychain's unlock prompt was not answered in time (or the keychain hung).
    #[error("the OS keychain did not answer within {seconds} s (is its unlock prompt waiting for you?)")]
    Locked { seconds: u64 },
    /// The keychain is locked and its unlock prompt was dismissed or could not be shown.
    #[error("the OS keychain is locked and was not unlocked ({reason})")]
    NotUnlocked { reason: String },
    /// Headless mode reads secrets from the environment and never writes them.
    #[error("secrets come from the environment here ({opt_in}=1), read-only: set {variable} instead, or unset {opt_in} to use the OS keychain", opt_in = env::OPT_IN)]
    ReadOnly { variable: String },
    /// The keychain answered with an error.
    #[error("the OS keychain refused: {reason}")]
    Failed { reason: String },
    /// A team profile's shared secret lives in the team's store, which refused or could not be reached.
    #[error(transparent)]
    Team(Box<crate::team::TeamError>),
}

impl KeychainError {
    pub fn remedy(&self) -> Option<crate::Remedy> {
        match self {
            KeychainError::Unavailable { .. } => Some(crate::Remedy::StartKeychain),
            KeychainError::Locked { .. } | KeychainError::NotUnlocked { .. } => Some(crate::Remedy::UnlockKeychain),
            KeychainError::ReadOnly { .. } | KeychainError::Failed { .. } => None,
            KeychainError::Team(e) => e.remedy(),
        }
    }
}

/// Where secrets are stored. The real one is [`OsKeychain`]; tests of the core may inject another to
/// provoke faults.
pub trait SecretStore: Send + Sync {
    fn get(&self, account: &str) -> Result<Option<Secret>, KeychainError>;
    fn set(&self, account: &str, value: &Secret) -> Result<(), KeychainError>;
    /// Deleting a missing entry is not an error.
    fn delete(&self, account: &str) -> Result<(), KeychainError>;
    /// Several entries at once, in the order asked (`profile list` reads a few for every profile). A store
    /// that can read them in fewer round trips than one `get` each says so here.
    fn get_many(&self, accounts: &[String]) -> Result<Vec<Option<Secret>>, KeychainError> {
        accounts.iter().map(|a| self.get(a)).collect()
    }
}

/// The OS keychain through the `keyring` crate: Secret Service on Linux, Keychain on macOS, Credential
/// Manager on Windows. Each call is bounded in time: a locked keychain may show its unlock prompt, but
/// Keyward never hangs on it.
pub struct OsKeychain {
    timeout: Duration,
}

impl OsKeychain {
    /// `KEYWARD_KEYCHAIN_TIMEOUT` (seconds) overrides the default of 60 s.
    pub fn new() -> Self {
        let secs = std::env::var("KEYWARD_KEYCHAIN_TIMEOUT").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
        OsKeychain { timeout: Duration::from_secs(secs) }
    }

    fn run<T: Send + 'static>(
        &self,
        account: &str,
        op: impl FnOnce(keyring::Entry) -> keyring::Result<T> + Send + 'static,
    ) -> Result<T, KeychainError> {
        let entry = keyring::Entry::new(SERVICE, account).map_err(map_err)?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(op(entry));
        });
        match rx.recv_timeout(self.timeout) {
            Ok(r) => r.map_err(map_err),
            Err(_) => Err(KeychainError::Locked { seconds: self.timeout.as_secs() }),
        }
    }
}

impl Default for OsKeychain {
    fn default() -> Self {
        Self::new()
    }
}

fn map_err(e: keyring::Error) -> KeychainError {
    match e {
        // A write into a locked collection comes back as a platform failure ("Cannot create an item in a
        // locked collection", e.g. after gnome-keyring restarted locked): the fix is unlocking, not starting.
        keyring::Error::NoStorageAccess(inner) | keyring::Error::PlatformFailure(inner) => {
            let reason = inner.to_string();
            let lower = reason.to_ascii_lowercase();
            if ["lock", "dismiss", "prompt"].iter().any(|w| lower.contains(w)) {
                KeychainError::NotUnlocked { reason }
            } else {
                KeychainError::Unavailable { reason }
            }
        }
        other => KeychainError::Failed { reason: other.to_string() },
    }
}

/// Whether a Secret Service call failed because the item it found was deleted before it was read: another
/// process (a rotation, a refresh) replaced the secret between the search and the read. Not an unavailable
/// keychain: asking again finds the new item.
fn vanished(e: &keyring::Error) -> bool {
    let reason = match e {
        keyring::Error::PlatformFailure(inner) | keyring::Error::NoStorageAccess(inner) => inner.to_string(),
        _ => return false,
    };
    ["No such interface", "No such object", "UnknownObject", "UnknownInterface"].iter().any(|w| reason.contains(w))
}

/// Run `op` again (up to three times in all) while the item it touched vanished under it.
fn retried<T>(entry: &keyring::Entry, op: impl Fn(&keyring::Entry) -> keyring::Result<T>) -> keyring::Result<T> {
    let mut result = op(entry);
    for _ in 0..2 {
        match &result {
            Err(e) if vanished(e) => result = op(entry),
            _ => break,
        }
    }
    result
}

impl SecretStore for OsKeychain {
    fn get(&self, account: &str) -> Result<Option<Secret>, KeychainError> {
        self.run(account, |e| {
            retried(&e, |e| match e.get_password() {
                Ok(v) => Ok(Some(Secret::new(v))),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(e) => Err(e),
            })
        })
    }

    fn set(&self, account: &str, value: &Secret) -> Result<(), KeychainError> {
        let value = value.clone();
        self.run(account, move |e| retried(&e, |e| e.set_password(value.expose())))
    }

    /// On Linux, one Secret Service connection and one search for all of Keyward's items, then a read of
    /// each wanted one found, where `get` opens a connection (and a session) per entry: `profile list` with
    /// 1,000 profiles went from ~5 s to well under one. Anything unusual (a locked item, two items for one
    /// entry, a D-Bus error) is left to `get`, whose errors say what to do.
    #[cfg(target_os = "linux")]
    fn get_many(&self, accounts: &[String]) -> Result<Vec<Option<Secret>>, KeychainError> {
        let wanted = accounts.to_vec();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(batch::read(&wanted));
        });
        let found = match rx.recv_timeout(self.timeout) {
            Ok(found) => found,
            Err(_) => return Err(KeychainError::Locked { seconds: self.timeout.as_secs() }),
        };
        match found {
            Some(found) => accounts
                .iter()
                .zip(found)
                .map(|(account, f)| match f {
                    batch::Found::Value(v) => Ok(Some(v)),
                    batch::Found::None => Ok(None),
                    batch::Found::AskOne => self.get(account),
                })
                .collect(),
            None => accounts.iter().map(|a| self.get(a)).collect(),
        }
    }

    fn delete(&self, account: &str) -> Result<(), KeychainError> {
        self.run(account, |e| {
            retried(&e, |e| match e.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(e) => Err(e),
            })
        })
    }
}

/// The keychain account of one secret of one profile.
pub fn account(store_id: &str, profile: &str, field: SecretField) -> String {
    format!("{store_id}/{profile}/{}", field.name())
}

/// The keychain account of a key pair's private key. `:` cannot appear in a profile name, so key entries
/// never collide with profile entries.
pub fn key_account(store_id: &str, key: &str) -> String {
    format!("{store_id}/key:{key}/privateKey")
}

/// The Secret Service read in one connection ([`OsKeychain::get_many`]).
#[cfg(target_os = "linux")]
mod batch {
    use std::collections::HashMap;

    use dbus_secret_service::{EncryptionType, SecretService};

    use super::SERVICE;
    use crate::secret::Secret;

    pub enum Found {
        Value(Secret),
        None,
        /// Not settled here: read it alone.
        AskOne,
    }

    /// Each account's entry, or None when the batch could not be read at all (then each is read alone).
    pub fn read(accounts: &[String]) -> Option<Vec<Found>> {
        let ss = SecretService::connect(EncryptionType::Plain).ok()?;
        let items = ss.search_items(HashMap::from([("service", SERVICE)])).ok()?;
        let mut by_account: HashMap<String, Vec<&dbus_secret_service::Item<'_>>> = HashMap::new();
        for item in &items.unlocked {
            let Ok(attrs) = item.get_attributes() else { continue };
            if let Some(user) = attrs.get("username") {
                by_account.entry(user.clone()).or_default().push(item);
            }
        }
        let locked: Vec<String> = items
            .locked
            .iter()
            .filter_map(|i| i.get_attributes().ok().and_then(|a| a.get("username").cloned()))
            .collect();
        Some(
            accounts
                .iter()
                .map(|account| match by_account.get(account).map(Vec::as_slice) {
                    _ if locked.contains(account) => Found::AskOne,
                    None | Some([]) => Found::None,
                    Some([item]) => match item.get_secret().ok().and_then(|b| String::from_utf8(b).ok()) {
                        Some(v) => Found::Value(Secret::new(v)),
                        None => Found::AskOne,
                    },
                    Some(_) => Found::AskOne,
                })
                .collect(),
        )
    }
}
