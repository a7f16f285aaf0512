//! `keyward apikey new|list`: API keys Keyward generates, printed once, kept in the keychain; afterwards
//! only their fingerprint, scopes, created and expiry are shown.

mod common;

use std::process::Command;

use common::{Kw, Rig};

/// First 8 hex of SHA-256, as `sha256sum` computes it.
fn sha256_8(value: &str) -> String {
    use std::io::Write;
    let mut child = Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(value.as_bytes()).unwrap();
    String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()[..8].to_string()
}

fn secret_tool_lookup(kw: &Kw, profile: &str) -> String {
    let account = format!("{}/{profile}/apiKey", kw.store_id());
    let out =
        Command::new("secret-tool").args(["lookup", "service", "keyward", "username", &account]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn time(s: &serde_json::Value) -> i64 {
    let out = Command::new("date").args(["-u", "-d", s.as_str().unwrap(), "+%s"]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

#[test]
fn a_generated_key_is_printed_once_works_and_only_its_metadata_is_shown_after() {
    let kw = Kw::new();
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys.txt");
    std::fs::write(&keys, "").unwrap();
    let rig = Rig::start(&["--api-keys-file", keys.to_str().unwrap()]);
    let run = kw
        .run(&[
            "apikey",
            "new",
            "billing",
            "--prefix",
            "rk_live_",
            "--scope",
            "read:users",
            "--scope",
            "write:users",
            "--placement",
            "header:X-API-Key",
            "--expires",
            "90d",
            "--base-url",
            &rig.whoami(),
        ])
        .ok();
    // The key alone on standard output; the person is told on standard error it is shown only now.
    let key = run.stdout.trim_end_matches('\n').to_string();
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    let random = key.strip_prefix("rk_live_").unwrap_or_else(|| panic!("prefixed: {key}"));
    assert!(random.len() >= 43, "at least 256 bits: {random}");
    assert!(random.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "base64url: {random}");
    assert!(run.stderr.contains("shown only now"), "{}", run.stderr);
    let fp = sha256_8(&key);
    assert!(run.stderr.contains(&fp), "the fingerprint is shown: {}", run.stderr);
    assert!(!run.stderr.contains(&key), "the key itself only on stdout");

    // It works: deployed to the API's keys file, the call with it succeeds.
    std::fs::write(&keys, format!("{key} billing read:users\n")).unwrap();
    let who: serde_json::Value =
        serde_json::from_str(&kw.run(&["call", "billing", &rig.whoami()]).ok().stdout).unwrap();
    assert_eq!((who["sub"].as_str(), who["via"].as_str()), (Some("apikey:billing"), Some("api_key:header")));

    // Afterwards: metadata only, in profile show, apikey list, the config and the audit log.
    let show = kw.run(&["profile", "show", "billing", "--json"]).ok();
    let v = show.json();
    assert_eq!(v["strategy"], "api-key");
    assert_eq!(v["hasApiKey"], true);
    assert_eq!(v["apiKeyFingerprint"], fp.as_str());
    assert_eq!(v["apiKeyScopes"], "read:users write:users");
    assert_eq!(v["apiKeyPlacement"], "header:X-API-Key");
    let created = time(&v["apiKeyCreated"]);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!((now - created).abs() < 60, "created now: {}", v["apiKeyCreated"]);
    assert_eq!(time(&v["apiKeyExpires"]) - created, 90 * 86_400);
    let human = kw.run(&["profile", "show", "billing"]).ok();
    assert!(human.stdout.contains(&fp), "{}", human.stdout);
    let list = kw.run(&["apikey", "list", "--json"]).ok();
    assert_eq!(
        list.json(),
        serde_json::json!([{
            "name": "billing", "fingerprint": fp, "scopes": ["read:users", "write:users"],
            "created": v["apiKeyCreated"], "expires": v["apiKeyExpires"], "placement": "header:X-API-Key",
        }])
    );
    let table = kw.run(&["apikey", "list"]).ok();
    assert!(table.stdout.contains(&fp) && table.stdout.contains("read:users write:users"), "{}", table.stdout);
    for (what, text) in [
        ("profile show --json", show.stdout),
        ("profile show", human.stdout),
        ("apikey list --json", list.stdout),
        ("apikey list", table.stdout + &table.stderr),
        ("config.json", kw.read("config.json")),
        ("audit.jsonl", kw.read("audit.jsonl")),
    ] {
        assert!(!text.contains(random), "{what} shows the key: {text}");
    }
    let audit = kw.read("audit.jsonl");
    assert!(audit.contains(&format!("API key generated (256 random bits), fingerprint {fp}")), "{audit}");
    // The keychain (the Secret Service itself) holds it.
    assert_eq!(secret_tool_lookup(&kw, "billing").trim(), key);

    // A second key differs; a profile holding a key is not overwritten unless asked.
    let other = kw.run(&["apikey", "new", "reports"]).ok().stdout.trim().to_string();
    assert_eq!(other.len(), 43, "no prefix: 43 base64url characters");
    assert_ne!(other, random);
    kw.run(&["apikey", "new", "billing"]).fails(2, &format!("already holds an API key ({fp})"));
    assert_eq!(secret_tool_lookup(&kw, "billing").trim(), key, "the old key is kept");
    let replaced = kw.run(&["apikey", "new", "billing", "--replace", "--prefix", "rk_live_"]).ok().stdout;
    let replaced = replaced.trim();
    assert_ne!(replaced, key);
    let v = kw.run(&["profile", "show", "billing", "--json"]).ok().json();
    assert_eq!(v["apiKeyFingerprint"], sha256_8(replaced).as_str());
    assert!(v.get("apiKeyScopes").is_none() && v.get("apiKeyExpires").is_none(), "the new key has none: {v}");
    assert_eq!(v["apiKeyPlacement"], "header:X-API-Key", "other settings kept");
    kw.run(&["call", "billing", &rig.whoami()]).fails(3, "INVALID_TOKEN");
}

#[test]
fn apikey_new_refuses_other_profiles_and_bad_input_and_set_records_metadata_too() {
    let kw = Kw::new();
    kw.run(&[
        "profile",
        "add",
        "cc",
        "--strategy",
        "client-credentials",
        "--url",
        "https://auth.example.com/token",
        "--client-id",
        "c",
    ])
    .ok();
    kw.run(&["apikey", "new", "cc"]).fails(2, "profile \"cc\" is a client-credentials profile");
    assert_eq!(kw.run(&["profile", "show", "cc", "--json"]).ok().json()["strategy"], "client-credentials");
    kw.run(&["apikey", "new", "k", "--prefix", "rk live"]).fails(2, "at most 32 letters, digits, '_' or '-'");
    kw.run(&["apikey", "new", "k", "--prefix", &"x".repeat(33)]).fails(2, "at most 32");
    kw.run(&["apikey", "new", "k", "--expires", "soon"]).fails(2, "\"soon\" is not a duration");
    kw.run(&["apikey", "new", "k", "--expires", "0d"]).fails(2, "longer than zero");
    kw.run(&["apikey", "new", "k", "--scope", "a\"b"]).fails(2, "is not a scope name");
    kw.run(&["apikey", "new", "k", "--placement", "cookie"]).fails(2, "bearer, header:NAME");
    assert!(kw.run(&["apikey", "list", "--json"]).ok().json().as_array().unwrap().is_empty(), "nothing made");

    kw.run(&["apikey", "new", "k", "--expires", "12h"]).ok();
    let v = kw.run(&["profile", "show", "k", "--json"]).ok().json();
    assert_eq!(time(&v["apiKeyExpires"]) - time(&v["apiKeyCreated"]), 12 * 3600);

    // A provider-issued key: its fingerprint and when it was stored are recorded as well.
    kw.run_stdin(&["apikey", "set", "issued", "--stdin"], "sk_test_provider_issued_canary\n").ok();
    let v = kw.run(&["profile", "show", "issued", "--json"]).ok().json();
    assert_eq!(v["apiKeyFingerprint"], sha256_8("sk_test_provider_issued_canary").as_str());
    assert!(v["apiKeyCreated"].is_string());
    let list = kw.run(&["apikey", "list", "--json"]).ok().json();
    assert_eq!(list.as_array().unwrap().len(), 2);
    // Setting the issue date by hand (for the rotation reminder) is checked.
    kw.run(&["profile", "edit", "issued", "--set", "apiKeyCreated=2025-01-31T09:00:00Z"]).ok();
    kw.run(&["profile", "edit", "issued", "--set", "apiKeyCreated=last week"])
        .fails(2, "apiKeyCreated: a time in RFC 3339");
    assert!(!kw.read("audit.jsonl").contains("canary"));
}
