//! A JWKS the user gives the inspector (`keyward inspect --jwks FILE`, the window's Inspector): parsed,
//! its keys matched to the token's kid and alg and turned into verification keys, the signature checked.
//! Two real tokens (RS256 and ES384, from the jwt_inspect seeds) against whatever JWKS bytes; never a
//! panic. No network: a JWKS document is never fetched.
#![no_main]
use std::sync::{Arc, OnceLock};

use keyward_core::inspect::{InspectOptions, KeySource};
use keyward_core::keychain::{KeychainError, SecretStore};
use keyward_core::{Keyward, Secret};

const TOKENS: [&str; 2] =
    [include_str!("../seeds/jwt_inspect/valid"), include_str!("../seeds/jwt_inspect/es384")];

/// The inspector never reads a secret for a JWKS document; a store that holds nothing.
struct NoSecrets;

impl SecretStore for NoSecrets {
    fn get(&self, _: &str) -> Result<Option<Secret>, KeychainError> {
        Ok(None)
    }
    fn set(&self, _: &str, _: &Secret) -> Result<(), KeychainError> {
        Ok(())
    }
    fn delete(&self, _: &str) -> Result<(), KeychainError> {
        Ok(())
    }
}

fn app() -> &'static (Keyward, tokio::runtime::Runtime) {
    static APP: OnceLock<(Keyward, tokio::runtime::Runtime)> = OnceLock::new();
    APP.get_or_init(|| {
        let home = std::env::temp_dir().join(format!("kw-fuzz-jwks-{}", std::process::id()));
        let kw = Keyward::new(keyward_core::config::Home::new(home), Arc::new(NoSecrets));
        (kw, tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap())
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (kw, rt) = app();
    for token in TOKENS {
        let opts = InspectOptions {
            keys: Some(KeySource::JwksDocument { name: "fuzz.json".into(), text: text.into() }),
            ..InspectOptions::default()
        };
        let _ = rt.block_on(kw.inspect(&Secret::new(token.trim()), &opts));
    }
});
