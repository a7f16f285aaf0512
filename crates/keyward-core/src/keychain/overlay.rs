//! A secret store over another, for a throw-away context: reads fall through to the one underneath, writes
//! and deletions stay in this process's memory. Trying a form's credential before it is saved runs on one,
//! so that the tokens it gets are never stored.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::{KeychainError, SecretStore};
use crate::secret::Secret;

pub struct Overlay {
    /// What was written here; `None` marks a deletion that hides the entry underneath.
    memory: Mutex<HashMap<String, Option<Secret>>>,
    base: Arc<dyn SecretStore>,
}

impl Overlay {
    pub fn over(base: Arc<dyn SecretStore>) -> Self {
        Overlay { memory: Mutex::default(), base }
    }

    fn memory(&self) -> std::sync::MutexGuard<'_, HashMap<String, Option<Secret>>> {
        self.memory.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl SecretStore for Overlay {
    fn get(&self, account: &str) -> Result<Option<Secret>, KeychainError> {
        if let Some(v) = self.memory().get(account) {
            return Ok(v.clone());
        }
        self.base.get(account)
    }

    fn set(&self, account: &str, value: &Secret) -> Result<(), KeychainError> {
        self.memory().insert(account.to_string(), Some(value.clone()));
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<(), KeychainError> {
        self.memory().insert(account.to_string(), None);
        Ok(())
    }
}
