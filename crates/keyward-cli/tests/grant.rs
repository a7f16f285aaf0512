//! A signed-in grant's tokens on request: introspection (RFC 7662) and revocation (RFC 7009) against
//! the real provider, which introspects and revokes refresh tokens and refuses both for JWT access
//! tokens (as RFC 7009 §2.2.1 allows: unsupported_token_type).

mod common;

use common::{Kw, Rig};

#[test]
fn introspect_then_revoke_the_refresh_token() {
    let rig = Rig::start(&[]);
    let kw = Kw::new();
    kw.add_demo(&rig, "demo", "openid offline_access read:users");
    kw.run(&["login", "demo"]).ok();
    let rt = kw.keychain("demo", "refreshToken").unwrap();

    let run = kw.run(&["introspect", "demo", "--json"]).ok();
    let v = run.json();
    assert_eq!(v["active"], true, "{v}");
    let field =
        |v: &serde_json::Value, k: &str| v["fields"].as_array().unwrap().iter().find(|f| f["name"] == k).cloned();
    assert_eq!(field(&v, "client_id").unwrap()["value"], "native-app");
    assert!(field(&v, "exp").unwrap()["note"].as_str().unwrap().contains("in "), "exp as a date and distance: {v}");
    assert!(!run.stdout.contains(&rt), "the token itself is never shown");

    // The provider refuses JWT access tokens at both endpoints: said, and nothing forgotten.
    kw.run(&["revoke", "demo", "--access"]).fails(3, "unsupported_token_type");
    assert!(kw.keychain("demo", "accessToken").is_some(), "a refused revocation forgets nothing");

    let run = kw.run(&["revoke", "demo"]).ok();
    assert!(run.stderr.contains("Revoked the refresh token of demo"), "{}", run.stderr);
    assert_eq!(rig.raw_refresh(&rt)["error"], "invalid_grant", "revoked at the provider");
    assert!(kw.keychain("demo", "refreshToken").is_none() && kw.keychain("demo", "accessToken").is_none());
    kw.run(&["introspect", "demo"]).fails(6, "is not signed in yet");
    kw.run(&["revoke", "demo"]).fails(6, "is not signed in yet");
    let audit = kw.run(&["audit", "--json"]).ok().stdout;
    assert!(audit.contains("\"token-revoked\"") && audit.contains("refresh token revoked at the provider"), "{audit}");
    assert!(!audit.contains(&rt));
}

#[test]
fn a_provider_without_the_endpoints_is_told_plainly() {
    let rig = Rig::start(&[]);
    let kw = Kw::new();
    kw.run_stdin(
        &[
            "profile",
            "add",
            "svc",
            "--strategy",
            "client-credentials",
            "--url",
            &rig.token_endpoint,
            "--client-id",
            "cc-basic",
            "--scope",
            "read:users",
            "--client-secret-stdin",
        ],
        "cc-basic-secret",
    )
    .ok();
    kw.run(&["token", "svc"]).ok();
    kw.run(&["introspect", "svc", "--access"]).fails(2, "introspection needs the provider's discovery document");
    kw.run(&["revoke", "svc", "--access"]).fails(2, "names no revocation endpoint");
}
