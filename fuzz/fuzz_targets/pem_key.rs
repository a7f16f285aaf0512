//! Whatever a user imports as a private key.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = keyward_core::keys::material::import(text);
    }
});
