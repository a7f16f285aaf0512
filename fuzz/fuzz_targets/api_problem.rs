//! Whatever an API answers on 401/403: the advice must never panic.
#![no_main]
use keyward_core::api::ApiResponse;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (head, body) = data.split_at(data.len().min(2));
    let status = 400 + u16::from(*head.first().unwrap_or(&1)) % 200;
    let www = String::from_utf8_lossy(head).into_owned();
    let resp = ApiResponse {
        status,
        headers: vec![("WWW-Authenticate".into(), format!("Bearer {www}"))],
        body: String::from_utf8_lossy(body).into_owned(),
        truncated: false,
    };
    if let Some(p) = resp.problem("p") {
        let _ = p.to_string();
    }
});
