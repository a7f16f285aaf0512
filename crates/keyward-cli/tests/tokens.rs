//! Keeping tokens fresh: refresh before expiry with rotation, one refresh per grant across processes,
//! `invalid_grant` means "log in again", and an API's TOKEN_EXPIRED gets one refresh.

mod common;

use std::time::Duration;

use common::{Kw, Rig};

fn logged_in(ttl: &str) -> (Rig, Kw) {
    let rig = Rig::start(&["--access-token-ttl", ttl]);
    let kw = Kw::new();
    kw.add_demo(&rig, "demo", "openid offline_access read:users");
    kw.run(&["login", "demo"]).ok();
    (rig, kw)
}

#[test]
fn a_token_near_expiry_is_refreshed_and_the_rotated_refresh_token_kept() {
    // 6 s lifetime: the refresh margin is min(60 s, 3 s) = 3 s.
    let (rig, kw) = logged_in("6");
    let first = kw.run(&["token", "demo"]).ok().stdout;
    let rt1 = kw.keychain("demo", "refreshToken").unwrap();
    assert_eq!(rig.refreshes(), 0, "a fresh token comes from the cache");
    assert_eq!(kw.run(&["token", "demo"]).ok().stdout, first, "still cached");

    std::thread::sleep(Duration::from_millis(3500));
    let second = kw.run(&["token", "demo"]).ok().stdout;
    assert_ne!(second, first, "refreshed within the margin");
    assert_eq!(rig.refreshes(), 1);
    let rt2 = kw.keychain("demo", "refreshToken").unwrap();
    assert_ne!(rt2, rt1, "the rotated refresh token is persisted");
    assert_eq!(rig.raw_refresh(&rt1)["error"], "invalid_grant", "the provider rotated it");
}

#[test]
fn parallel_processes_on_an_expired_token_share_one_refresh() {
    let (rig, kw) = logged_in("6");
    std::thread::sleep(Duration::from_millis(3500));
    let children: Vec<_> = (0..50)
        .map(|_| {
            kw.command(&["token", "demo"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<_> = children.into_iter().map(|c| c.wait_with_output().unwrap()).collect();
    for o in &outputs {
        assert!(o.status.success(), "every process gets a token: {}", String::from_utf8_lossy(&o.stderr));
    }
    let first = &outputs[0].stdout;
    assert!(outputs.iter().all(|o| &o.stdout == first), "all print the same, refreshed token");
    assert_eq!(rig.refreshes(), 1, "one refresh for the grant, not one per process (reuse would revoke the grant)");
    kw.run(&["call", "demo", &format!("{}/v1/whoami", rig.api)]).ok();
}

#[test]
fn fresh_ignores_the_cache() {
    let (rig, kw) = logged_in("3600");
    let a = kw.run(&["token", "demo"]).ok().stdout;
    let b = kw.run(&["token", "demo", "--fresh"]).ok().stdout;
    assert_ne!(a, b);
    assert_eq!(rig.refreshes(), 1);
    let json = kw.run(&["token", "demo", "--json"]).ok().json();
    assert_eq!(json["accessToken"].as_str().unwrap(), b.trim());
    assert_eq!(json["scope"], "read:users");
}

#[test]
fn a_reused_refresh_token_means_log_in_again_without_retrying() {
    let (rig, kw) = logged_in("3600");
    let rt1 = kw.keychain("demo", "refreshToken").unwrap();
    kw.run(&["token", "demo", "--fresh"]).ok();
    assert_ne!(kw.keychain("demo", "refreshToken").unwrap(), rt1);
    // A stale copy of the grant comes back (a restored backup, a second machine): the provider sees reuse.
    kw.set_keychain("demo", "refreshToken", &rt1);
    kw.run(&["token", "demo", "--fresh"]).fails(3, "sign in again: `keyward login demo`");
    assert_eq!(rig.refreshes(), 2, "exactly one attempt: no retry loop");
    let show = kw.run(&["profile", "show", "demo", "--json"]).ok().json();
    assert_eq!(show["hasRefreshToken"], false, "the dead grant is forgotten");
    let audit = kw.run(&["audit", "--json"]).ok().json();
    assert!(
        audit.as_array().unwrap().iter().any(|e| e["action"] == "token-refused"
            && e["outcome"] == "failed"
            && e["detail"] == "the provider no longer accepts this sign-in (invalid_grant)"),
        "a refused refresh is audited by name, in Keyward's words: {audit}"
    );
    kw.run(&["token", "demo"]).fails(6, "not signed in yet");
}

#[test]
fn an_api_that_says_token_expired_gets_one_refresh_and_a_retry() {
    let (rig, kw) = logged_in("2");
    // Keyward's cache believes the token is good for an hour; the API knows better.
    let mut doc: serde_json::Value = serde_json::from_str(&kw.keychain("demo", "accessToken").unwrap()).unwrap();
    doc["expiresAt"] = (doc["issuedAt"].as_i64().unwrap() + 3600).into();
    kw.set_keychain("demo", "accessToken", &doc.to_string());
    std::thread::sleep(Duration::from_millis(2500));
    let call = kw.run(&["call", "demo", &format!("{}/v1/whoami", rig.api)]).ok();
    assert!(call.stdout.contains("alice"));
    assert_eq!(rig.refreshes(), 1);
}

#[test]
fn tokens_never_appear_in_logs_config_audit_or_show() {
    let rig = Rig::start(&["--access-token-ttl", "3600"]);
    let kw = Kw::new().with("KEYWARD_LOG", "trace");
    kw.add_demo(&rig, "demo", "openid offline_access read:users");
    let mut seen = String::new();
    let keep = |seen: &mut String, r: common::Run| seen.push_str(&(r.stdout + &r.stderr));
    keep(&mut seen, kw.run(&["login", "demo"]).ok());
    let access = kw.run(&["token", "demo"]).ok().stdout.trim().to_string(); // the one place it is printed
    let token_log = kw.run(&["token", "demo", "--fresh"]).ok();
    seen.push_str(&token_log.stderr);
    let (refresh, access2) = (kw.keychain("demo", "refreshToken").unwrap(), token_log.stdout.trim().to_string());
    keep(&mut seen, kw.run(&["call", "demo", &format!("{}/v1/whoami", rig.api)]).ok());
    keep(&mut seen, kw.run(&["profile", "show", "demo", "--json"]).ok());
    keep(&mut seen, kw.run(&["profile", "show", "demo"]).ok());
    keep(&mut seen, kw.run(&["profile", "list", "--json"]).ok());
    keep(&mut seen, kw.run(&["audit"]).ok());
    seen.push_str(&kw.read("config.json"));
    seen.push_str(&kw.read("audit.jsonl"));
    assert!(seen.contains("TRACE") || seen.contains("DEBUG"), "the logs were on");
    for (what, secret) in [("access token", &access), ("refreshed access token", &access2), ("refresh token", &refresh)]
    {
        assert!(secret.len() > 20);
        assert!(!seen.contains(secret.as_str()), "the {what} leaked into logs, config, audit or show");
    }
    keep(&mut seen, kw.run(&["logout", "demo"]).ok());
}
