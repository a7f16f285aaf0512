//! Headless use (CI, SSH, containers without a Secret Service), by explicit opt-in only
//! (`KEYWARD_SECRETS_FROM_ENV=1`): a profile's secrets come from environment variables, read-only, and
//! what Keyward would store (tokens it obtains) lives in this process's memory. Nothing touches the disk.
//!
//! `KEYWARD_SECRET_<PROFILE>_<FIELD>`: the profile name upper-cased with `-` and `.` as `_`, the field in
//! SCREAMING_SNAKE (`KEYWARD_SECRET_BILLING_API_CLIENT_SECRET`). A key pair's private key (PEM):
//! `KEYWARD_KEY_<NAME>_PRIVATE_KEY`.

use std::collections::HashMap;
use std::sync::Mutex;

use super::{KeychainError, SecretStore};
use crate::secret::Secret;

/// The opt-in variable.
pub const OPT_IN: &str = "KEYWARD_SECRETS_FROM_ENV";

#[derive(Default)]
pub struct EnvSecrets {
    /// What this process stored (tokens); `None` marks a deletion that hides the variable.
    memory: Mutex<HashMap<String, Option<Secret>>>,
}

impl EnvSecrets {
    pub fn new() -> Self {
        Self::default()
    }
}

/// The variable that holds an account's secret.
pub fn variable(account: &str) -> Option<String> {
    let mut parts = account.splitn(3, '/');
    let (_store, owner, field) = (parts.next()?, parts.next()?, parts.next()?);
    let upper = |s: &str| {
        s.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect::<String>()
    };
    let snake = |s: &str| {
        let mut out = String::new();
        for c in s.chars() {
            if c.is_ascii_uppercase() {
                out.push('_');
            }
            out.push(c.to_ascii_uppercase());
        }
        out
    };
    Some(match owner.strip_prefix("key:") {
        Some(key) => format!("KEYWARD_KEY_{}_{}", upper(key), snake(field)),
        None => format!("KEYWARD_SECRET_{}_{}", upper(owner), snake(field)),
    })
}

impl SecretStore for EnvSecrets {
    fn get(&self, account: &str) -> Result<Option<Secret>, KeychainError> {
        if let Some(v) = self.memory.lock().expect("not poisoned").get(account) {
            return Ok(v.clone());
        }
        Ok(variable(account).and_then(|v| std::env::var(v).ok()).filter(|v| !v.is_empty()).map(Secret::new))
    }

    fn set(&self, account: &str, value: &Secret) -> Result<(), KeychainError> {
        let var = variable(account).unwrap_or_default();
        // Configured secrets are read-only here; only obtained tokens may be kept (in memory).
        if !(account.ends_with("/accessToken") || account.ends_with("/refreshToken")) {
            return Err(KeychainError::ReadOnly { variable: var });
        }
        self.memory.lock().expect("not poisoned").insert(account.to_string(), Some(value.clone()));
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<(), KeychainError> {
        self.memory.lock().expect("not poisoned").insert(account.to_string(), None);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_names() {
        assert_eq!(variable("ab12/billing-api/clientSecret").unwrap(), "KEYWARD_SECRET_BILLING_API_CLIENT_SECRET");
        assert_eq!(variable("ab12/x.y/apiKey").unwrap(), "KEYWARD_SECRET_X_Y_API_KEY");
        assert_eq!(variable("ab12/key:signer/privateKey").unwrap(), "KEYWARD_KEY_SIGNER_PRIVATE_KEY");
    }
}
