//! What the core's integration tests share: an in-memory secret store (these tests are about flows, not
//! the keychain: the CLI tests use the real Secret Service), a clock they can move, and the test rig
//! (tests/rig/provider.mjs: the OpenID provider and the API) on free ports.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use keyward_core::clock::Clock;
use keyward_core::config::Home;
use keyward_core::keychain::{KeychainError, SecretStore};
use keyward_core::{Keyward, Secret};

/// Secrets in memory, shared with the test so it can look at what was stored, and count the reads (each
/// one a D-Bus round trip with the real keychain).
#[derive(Default)]
pub struct Memory(pub Mutex<HashMap<String, Secret>>, pub std::sync::atomic::AtomicUsize);

impl SecretStore for Memory {
    fn get(&self, account: &str) -> Result<Option<Secret>, KeychainError> {
        self.1.fetch_add(1, Ordering::SeqCst);
        Ok(self.0.lock().unwrap().get(account).cloned())
    }
    fn set(&self, account: &str, value: &Secret) -> Result<(), KeychainError> {
        self.0.lock().unwrap().insert(account.into(), value.clone());
        Ok(())
    }
    fn delete(&self, account: &str) -> Result<(), KeychainError> {
        self.0.lock().unwrap().remove(account);
        Ok(())
    }
}

/// A clock the test moves (Unix seconds), starting at the real time.
pub struct TestClock(pub AtomicI64);

impl TestClock {
    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// A Keyward on its own home, an in-memory store and a movable clock.
pub struct Core {
    pub kw: Keyward,
    pub secrets: Arc<Memory>,
    pub clock: Arc<TestClock>,
    pub home: tempfile::TempDir,
}

pub fn core() -> Core {
    let home = tempfile::tempdir().unwrap();
    let secrets = Arc::new(Memory::default());
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let clock = Arc::new(TestClock(AtomicI64::new(now)));
    let kw = Keyward::with_clock(Home::new(home.path()), secrets.clone(), clock.clone());
    Core { kw, secrets, clock, home }
}

/// The test rig: the one starter the CLI's tests use too.
#[path = "../../../../tests/rig/rig.rs"]
mod rig;
#[allow(unused_imports)] // not every test binary starts the rig
pub use rig::Rig;
