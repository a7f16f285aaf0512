//! Whatever a token endpoint answers, read with any field names.
#![no_main]
use keyward_core::machine::request::{read_token, ResponseNames};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (names, body) = data.split_at(data.len().min(4));
    let pick = |b: Option<&u8>, options: &'static [&'static str]| options[*b.unwrap_or(&0) as usize % options.len()];
    let names = ResponseNames {
        access_token: pick(names.first(), &["access_token", "accessToken", "token"]),
        expires: pick(names.get(1), &["expires_in", "expires", "exp"]),
        refresh_token: pick(names.get(2), &["refresh_token", "refreshToken"]),
        default_expiration: names.get(3).map(|b| *b as u64 * 1000),
    };
    let _ = read_token(200, body, &names, 1_700_000_000);
    let _ = read_token(400, body, &names, 1_700_000_000);
});
