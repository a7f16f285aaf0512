//! A Postman environment file as `keyward import postman` and the window's Import… read it: parsed and
//! every profile planned (names, URLs, placements checked), whatever the bytes; never a panic. The pure
//! part of the import (nothing is written to a config or keychain).
#![no_main]
use keyward_core::export::plan_postman;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(plan) = plan_postman(text, None, 1_800_000_000) {
            assert!(!plan.names().is_empty(), "a plan makes at least one profile");
        }
        let _ = plan_postman(text, Some("imported"), 1_800_000_000);
    }
});
