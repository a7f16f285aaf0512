//! The JWT inspector's decoding (header, claims, the time and claim checks) and the JWKS parser: whatever
//! is pasted or fetched, never a panic.
#![no_main]
use keyward_core::inspect::{count_jwks_keys, decode_for_display};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = decode_for_display(text, 1_800_000_000);
    }
    let _ = count_jwks_keys(data);
});
