//! Machine strategies without a server: what `--dry-run` shows for each seed 004 knob (DESIGN.md's
//! client-authentication table), API keys, reveal, and headless use with no D-Bus at all.

mod common;

use common::Kw;

fn custom(kw: &Kw, name: &str, sets: &[&str]) -> String {
    let mut args = vec![
        "profile",
        "add",
        name,
        "--strategy",
        "custom-oauth",
        "--url",
        "https://auth.example.com/token",
        "--client-id",
        "cid",
        "--client-secret-stdin",
    ];
    for s in sets {
        args.extend(["--set", s]);
    }
    kw.run_stdin(&args, "kw-canary-custom").ok();
    let shown = kw.run(&["token", name, "--dry-run"]).ok().stdout;
    assert!(!shown.contains("kw-canary-custom"), "dry-run masks the secret: {shown}");
    shown
}

#[test]
fn each_seed_004_knob_changes_the_request_as_documented() {
    let kw = Kw::new();
    let default = custom(&kw, "std", &[]);
    assert!(default.starts_with("POST https://auth.example.com/token\n"), "{default}");
    assert!(default.contains("Authorization: Basic ***"), "default: HTTP Basic");
    assert!(default.contains("\n\ngrant_type=client_credentials\n"), "and no credentials in the body: {default}");

    let no_basic = custom(&kw, "nb", &["noBasic=true"]);
    assert!(!no_basic.contains("Authorization"), "{no_basic}");
    assert!(no_basic.contains("grant_type=client_credentials&client_id=cid&client_secret=***"), "{no_basic}");

    let bnf = custom(
        &kw,
        "bnf",
        &["basicNoForm=true", "scopes=read:users", "customFieldName=tenant", "customFieldValue=acme"],
    );
    assert!(
        bnf.contains("Authorization: Basic ***") && bnf.contains("\n\ngrant_type=client_credentials\n"),
        "only the grant type: {bnf}"
    );

    let both = custom(&kw, "both", &["clientAuth=both"]);
    assert!(both.contains("Authorization: Basic ***") && both.contains("client_id=cid&client_secret=***"), "{both}");

    let json = custom(
        &kw,
        "json",
        &[
            "contentType=application/json",
            "grantTypeName=grantType",
            "clientIdName=clientId",
            "clientSecretName=clientSecret",
            "noBasic=true",
            "audience=https://api.example.com",
            "resource=https://api.example.com/r",
            "scopes=a b",
            "customFieldName=tenant",
            "customFieldValue=acme",
            "grantType=client_credentials",
        ],
    );
    assert!(json.contains("Content-Type: application/json"), "{json}");
    let body: serde_json::Value = serde_json::from_str(json.lines().last().unwrap()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"grantType": "client_credentials", "clientId": "cid", "clientSecret": "***", "scope": "a b", "audience": "https://api.example.com", "resource": "https://api.example.com/r", "tenant": "acme"})
    );

    let mut args =
        vec!["profile", "add", "bad", "--strategy", "custom-oauth", "--url", "https://a.example/t", "--client-id", "c"];
    args.extend(["--set", "noBasic=true", "--set", "basicNoForm=true"]);
    kw.run(&args).fails(2, "choose one");
}

#[test]
fn a_seed_004_json_file_makes_a_profile_with_its_secret_in_the_keychain() {
    let kw = Kw::new();
    let file = kw.home.path().join("cred.json");
    std::fs::write(&file, r#"{"grantType":"client_credentials","url":"https://auth.example.com/token","clientId":"abc","clientSecret":"kw-canary-file","noBasic":"true","defaultExpirationSeconds":"3600","contentType":"application/json","hasClientSecret":true}"#).unwrap();
    kw.run(&["profile", "add", "fromfile", "--from", file.to_str().unwrap()]).ok();
    let show = kw.run(&["profile", "show", "fromfile", "--json"]).ok().json();
    assert_eq!(show["strategy"], "custom-oauth");
    assert_eq!(show["noBasic"], true, "\"true\" as a string is accepted");
    assert_eq!(show["defaultExpirationSeconds"], 3600);
    assert_eq!(show["hasClientSecret"], true);
    assert!(!kw.read("config.json").contains("kw-canary-file"));
    assert_eq!(kw.keychain("fromfile", "clientSecret").as_deref(), Some("kw-canary-file"));
    std::fs::write(&file, r#"{"url": 3"#).unwrap();
    kw.run(&["profile", "add", "broken", "--from", file.to_str().unwrap()]).fails(2, "not JSON");
    std::fs::write(&file, r#"{"url":"https://a.example/t","clientId":"x","noBasic":"perhaps"}"#).unwrap();
    kw.run(&["profile", "add", "broken", "--from", file.to_str().unwrap()]).fails(2, "noBasic: true or false");
}

#[test]
fn client_credentials_and_private_key_jwt_requests() {
    let kw = Kw::new();
    kw.run_stdin(
        &[
            "profile",
            "add",
            "post",
            "--strategy",
            "client-credentials",
            "--url",
            "https://a.example/token",
            "--client-id",
            "cid",
            "--auth",
            "client-secret-post",
            "--scope",
            "read:users",
            "--client-secret-stdin",
        ],
        "s3cret-canary",
    )
    .ok();
    let post = kw.run(&["token", "post", "--dry-run"]).ok().stdout;
    assert!(
        post.contains("grant_type=client_credentials&client_id=cid&client_secret=***&scope=read%3Ausers"),
        "{post}"
    );
    kw.run(&[
        "profile",
        "add",
        "nosecret",
        "--strategy",
        "client-credentials",
        "--url",
        "https://a.example/token",
        "--client-id",
        "cid",
    ])
    .ok();
    kw.run(&["token", "nosecret"]).fails(2, "clientSecret is not set up for profile nosecret");
    assert_eq!(kw.run(&["profile", "show", "nosecret", "--json"]).ok().json()["status"], "incomplete");
    assert_eq!(kw.run(&["profile", "show", "post", "--json"]).ok().json()["status"], "renewable");

    kw.run(&["key", "new", "k", "--alg", "ES384"]).ok();
    kw.run(&[
        "profile",
        "add",
        "pk",
        "--strategy",
        "private-key-jwt",
        "--url",
        "https://a.example/token",
        "--client-id",
        "cid",
        "--key",
        "k",
    ])
    .ok();
    let pk = kw.run(&["token", "pk", "--dry-run", "--json"]).ok().json();
    let body = pk["body"].as_str().unwrap();
    assert!(
        body.contains("client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"),
        "{body}"
    );
    assert!(body.contains("client_assertion=***"), "{body}");
    kw.run(&[
        "profile",
        "add",
        "nokey",
        "--strategy",
        "private-key-jwt",
        "--url",
        "https://a.example/token",
        "--client-id",
        "c",
        "--key",
        "missing",
    ])
    .ok();
    kw.run(&["token", "nokey"]).fails(2, "no key pair named \"missing\"");
}

#[test]
fn api_keys_are_stored_placed_and_revealed_only_on_request() {
    let kw = Kw::new();
    kw.run_stdin(&["apikey", "set", "svc", "--stdin", "--placement", "header:X-API-Key"], "sk_live_canary123\n").ok();
    let show = kw.run(&["profile", "show", "svc", "--json"]).ok();
    assert_eq!(show.json()["strategy"], "api-key");
    assert_eq!(show.json()["apiKeyPlacement"], "header:X-API-Key");
    assert_eq!(show.json()["hasApiKey"], true);
    assert_eq!(show.json()["status"], "ready");
    assert!(!show.stdout.contains("sk_live_canary123"));
    assert_eq!(kw.run(&["token", "svc"]).ok().stdout.trim(), "sk_live_canary123");
    // Setting it again keeps the other settings.
    kw.run_stdin(&["apikey", "set", "svc", "--stdin"], "sk_live_second").ok();
    assert_eq!(kw.run(&["profile", "show", "svc", "--json"]).ok().json()["apiKeyPlacement"], "header:X-API-Key");
    assert_eq!(kw.run(&["secret", "reveal", "svc", "apiKey"]).ok().stdout.trim(), "sk_live_second");
    let audit = kw.read("audit.jsonl");
    assert!(audit.contains("apiKey revealed") && !audit.contains("sk_live"), "{audit}");
    kw.run_stdin(&["apikey", "set", "svc", "--stdin", "--placement", "cookie"], "x").fails(2, "bearer, header:NAME");
    kw.run(&["secret", "reveal", "svc", "colour"]).fails(2, "not a secret field");
    kw.run(&["secret", "reveal", "svc", "password"]).fails(2, "has no password stored");
}

#[test]
fn headless_secrets_from_the_environment_only_by_opt_in_and_with_no_dbus() {
    // No D-Bus session at all: no bus address, no display to autolaunch one.
    let kw = Kw::new().without("DBUS_SESSION_BUS_ADDRESS").without("DISPLAY").without("WAYLAND_DISPLAY");
    // A profile without secrets needs no keychain to be added; using it without the opt-in is exit 5.
    kw.run(&["profile", "add", "ci", "--strategy", "api-key", "--set", "apiKeyPlacement=query:api_key"]).ok();
    kw.run(&["token", "ci"]).fails(5, "keychain is not available");
    let kw = kw.with("KEYWARD_SECRETS_FROM_ENV", "1");
    kw.run(&["token", "ci"]).fails(2, "apiKey is not set up for profile ci");
    let kw = kw.with("KEYWARD_SECRET_CI_API_KEY", "sk_env_canary");
    assert_eq!(kw.run(&["token", "ci"]).ok().stdout.trim(), "sk_env_canary");
    kw.run_stdin(&["apikey", "set", "ci", "--stdin"], "other")
        .fails(5, "read-only: set KEYWARD_SECRET_CI_API_KEY instead");
    assert!(!kw.read("config.json").contains("sk_env_canary"), "nothing written to disk");
}

#[test]
fn oversized_input_is_refused_with_its_cap_named() {
    let kw = Kw::new();
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.json");
    std::fs::write(
        &huge,
        format!("{{\"url\": \"https://a.example/token\", \"clientId\": \"{}\"}}", "c".repeat(3 << 20)),
    )
    .unwrap();
    kw.run(&["profile", "add", "huge", "--from", huge.to_str().unwrap()]).fails(2, "larger than 1024 KiB");
    let long = dir.path().join("long.json");
    std::fs::write(&long, format!("{{\"url\": \"https://a.example/token\", \"clientId\": \"{}\"}}", "c".repeat(5000)))
        .unwrap();
    kw.run(&["profile", "add", "long", "--from", long.to_str().unwrap()]).fails(2, "clientId: longer than 4 KiB");
    assert!(
        !kw.home.path().join("config.json").exists() || !kw.read("config.json").contains("ccccc"),
        "nothing stored"
    );
}
