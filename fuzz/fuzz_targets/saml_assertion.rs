//! Whatever a user pastes as an assertion: never a panic, never an entity expanded.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = keyward_core::machine::saml::extract_assertion(text);
    }
});
