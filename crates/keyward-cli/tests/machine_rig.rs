//! Every machine strategy against its real counterpart in the rig: the OpenID provider's confidential
//! clients (each enforcing its registered method), private_key_jwt with keys Keyward generated, seed 004's
//! custom endpoint dialects, API keys, seed 002's logins, and a SAML token endpoint that verifies
//! XML-DSig. Positive and negative cases; the server's reason is shown as is.

mod common;

use std::process::Command;

use common::{repo_root, Kw, Rig};

fn whoami(kw: &Kw, rig: &Rig, profile: &str) -> serde_json::Value {
    let out = kw.run(&["call", profile, &rig.whoami()]).ok();
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

#[test]
fn client_secret_basic_and_post_each_as_registered() {
    let rig = Rig::start(&[]);
    let kw = Kw::new();
    let add = |name: &str, client: &str, auth: &str, secret: &str| {
        kw.run_stdin(
            &[
                "profile",
                "add",
                name,
                "--strategy",
                "client-credentials",
                "--url",
                &rig.token_endpoint,
                "--client-id",
                client,
                "--auth",
                auth,
                "--scope",
                "read:users",
                "--client-secret-stdin",
            ],
            secret,
        )
        .ok();
    };
    add("basic", "cc-basic", "client-secret-basic", "cc-basic-secret");
    add("post", "cc-post", "client-secret-post", "cc-post-secret");
    assert_eq!(whoami(&kw, &rig, "basic")["client_id"], "cc-basic");
    assert_eq!(whoami(&kw, &rig, "post")["client_id"], "cc-post");
    assert_eq!(kw.run(&["token", "basic"]).ok().stdout, kw.run(&["token", "basic"]).ok().stdout, "cached while fresh");

    add("wrong-method", "cc-basic", "client-secret-post", "cc-basic-secret");
    let run = kw.run(&["token", "wrong-method"]).fails(3, "the token endpoint refused: invalid_client");
    assert!(run.stderr.contains("client authentication failed"), "the server's reason is shown: {}", run.stderr);
    add("wrong-secret", "cc-post", "client-secret-post", "kw-canary-wrong");
    let run = kw.run(&["token", "wrong-secret"]).fails(3, "invalid_client");
    assert!(!run.stderr.contains("kw-canary-wrong"));
    assert!(
        run.stderr
            .contains("hint: store the right client secret: `keyward profile edit wrong-secret --client-secret-stdin`"),
        "a refused secret's remedy names the fix: {}",
        run.stderr
    );
    add("no-scope", "cc-basic", "client-secret-basic", "cc-basic-secret");
    kw.run(&["profile", "edit", "no-scope", "--set", "scopes="]).ok();
    let run = kw.run(&["call", "no-scope", &rig.whoami()]).fails(3, "lacks the scope read:users");
    assert!(run.stderr.contains("hint: add the scope: `keyward profile edit no-scope --set scopes="), "{}", run.stderr);
}

#[test]
fn private_key_jwt_with_rs384_and_es384_keys_keyward_generated() {
    let kw = Kw::new();
    kw.run(&["key", "new", "rsa", "--alg", "RS384", "--bits", "2048"]).ok();
    kw.run(&["key", "new", "ec", "--alg", "ES384"]).ok();
    kw.run(&["key", "new", "stranger", "--alg", "ES384"]).ok();
    let jwks = kw.home.path().join("jwks.json");
    std::fs::write(&jwks, kw.run(&["key", "jwks", "rsa", "ec"]).ok().stdout).unwrap();
    let rig = Rig::start(&["--client-jwks", jwks.to_str().unwrap()]);
    for (name, client, key) in
        [("rs", "pkjwt-rs384", "rsa"), ("es", "pkjwt-es384", "ec"), ("unknown-kid", "pkjwt-es384", "stranger")]
    {
        kw.run(&[
            "profile",
            "add",
            name,
            "--strategy",
            "private-key-jwt",
            "--url",
            &rig.token_endpoint,
            "--client-id",
            client,
            "--key",
            key,
            "--scope",
            "read:users",
        ])
        .ok();
    }
    assert_eq!(whoami(&kw, &rig, "rs")["client_id"], "pkjwt-rs384");
    assert_eq!(whoami(&kw, &rig, "es")["client_id"], "pkjwt-es384");
    // A new assertion (fresh jti) for every token request: two in a row both succeed.
    kw.run(&["token", "es", "--fresh"]).ok();
    kw.run(&["token", "es", "--fresh"]).ok();
    kw.run(&["token", "unknown-kid"]).fails(3, "invalid_client");
    kw.run(&[
        "profile",
        "add",
        "wrong-alg",
        "--strategy",
        "private-key-jwt",
        "--url",
        &rig.token_endpoint,
        "--client-id",
        "pkjwt-rs384",
        "--key",
        "ec",
    ])
    .ok();
    kw.run(&["token", "wrong-alg"]).fails(3, "invalid_client");
    kw.run(&["profile", "edit", "rs", "--set", &format!("assertionAudience={}", rig.issuer)]).ok();
    kw.run(&["token", "rs", "--fresh"]).fails(3, "invalid_client");
}

/// A custom-oauth profile `name` for one dialect of the rig's endpoint.
fn custom_profile(kw: &Kw, rig: &Rig, name: &str, dialect: &str, sets: &[&str]) {
    let url = rig.url("custom_token_endpoint").replace("{dialect}", dialect);
    let mut args = vec!["profile", "add", name, "--strategy", "custom-oauth", "--url", &url];
    args.extend(["--client-id", "custom-client", "--client-secret-stdin"]);
    for s in sets {
        args.extend(["--set", s]);
    }
    kw.run_stdin(&args, "custom-secret").ok();
}

fn dialect(kw: &Kw, rig: &Rig, dialect: &str, sets: &[&str]) {
    custom_profile(kw, rig, dialect, dialect, sets)
}

#[test]
fn every_custom_dialect_is_spoken_and_deviations_are_named() {
    let rig = Rig::start(&[]);
    let kw = Kw::new();
    let cases: &[(&str, &[&str])] = &[
        ("standard", &[]),
        ("json", &["contentType=application/json"]),
        (
            "camel",
            &[
                "grantTypeName=grantType",
                "clientIdName=clientId",
                "clientSecretName=clientSecret",
                "refreshTokenName=refreshToken",
                "refreshGrantType=refresh",
                "noBasic=true",
            ],
        ),
        ("basic-no-form", &["basicNoForm=true", "scopes=read:users"]),
        ("no-basic", &["noBasic=true"]),
        ("both", &["clientAuth=both"]),
        ("custom-field", &["customFieldName=tenant", "customFieldValue=acme"]),
        ("audience", &["audience=https://api.example.com"]),
        ("resource", &["resource=https://api.example.com"]),
        ("scopes", &["scopes=read:users"]),
        ("access-token-name", &["accessTokenName=accessToken", "expiresFieldName=expires"]),
        ("no-expiry", &["defaultExpirationSeconds=600"]),
        ("epoch-expiry", &[]),
    ];
    for (d, sets) in cases {
        dialect(&kw, &rig, d, sets);
        let who = whoami(&kw, &rig, d);
        assert_eq!(who["via"], format!("custom:{d}"), "{d}: {who}");
    }
    let show = |d: &str| kw.run(&["profile", "show", d, "--json"]).ok().json()["token"].clone();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let no_expiry = show("no-expiry");
    assert_eq!(
        no_expiry["expiresAt"].as_i64().unwrap() - no_expiry["issuedAt"].as_i64().unwrap(),
        600,
        "defaultExpirationSeconds"
    );
    let epoch = show("epoch-expiry")["expiresAt"].as_i64().unwrap();
    assert!((epoch - now - 3600).abs() < 60, "an absolute expiry is read as such: {epoch} vs now {now}");
    let named = show("access-token-name")["expiresAt"].as_i64().unwrap();
    assert!((named - now - 3600).abs() < 60, "expiresFieldName=expires is read");

    // camel issues a refresh token: --fresh uses the refresh grant with the camelCase names.
    assert!(kw.keychain("camel", "refreshToken").is_some());
    let rt1 = kw.keychain("camel", "refreshToken").unwrap();
    kw.run(&["token", "camel", "--fresh"]).ok();
    assert_ne!(kw.keychain("camel", "refreshToken").unwrap(), rt1, "rotated through the custom refresh grant");

    // A profile that speaks the standard dialect to an endpoint that wants another: the server's words.
    custom_profile(&kw, &rig, "mismatch", "json", &[]);
    let run = kw.run(&["token", "mismatch"]).fails(3, "invalid_request");
    assert!(run.stderr.contains("json dialect: expected"), "{}", run.stderr);
    let dry = kw.run(&["token", "mismatch", "--dry-run"]).ok().stdout;
    assert!(dry.contains("Content-Type: application/x-www-form-urlencoded") && !dry.contains("custom-secret"), "{dry}");
    custom_profile(&kw, &rig, "unnamed", "access-token-name", &[]);
    kw.run(&["token", "unnamed"]).fails(3, "set accessTokenName to the field that carries the token");
}

#[test]
fn api_keys_in_every_placement_and_never_in_an_error() {
    let keys = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(keys.path(), "sk_live_full billing read:users,write:users\nsk_live_narrow reports write:users\n")
        .unwrap();
    let rig = Rig::start(&["--api-keys-file", keys.path().to_str().unwrap()]);
    let kw = Kw::new().with("KEYWARD_LOG", "trace");
    for (name, placement, via) in [
        ("h", "header:X-API-Key", "api_key:header"),
        ("q", "query:api_key", "api_key:query"),
        ("b", "bearer", "api_key:bearer"),
    ] {
        kw.run_stdin(
            &["apikey", "set", name, "--stdin", "--placement", placement, "--base-url", &rig.api],
            "sk_live_full",
        )
        .ok();
        let who = whoami(&kw, &rig, name);
        assert_eq!((who["sub"].as_str(), who["via"].as_str()), (Some("apikey:billing"), Some(via)));
    }
    let key = |name: &str, secret: &str| {
        kw.run_stdin(
            &["apikey", "set", name, "--stdin", "--placement", "query:api_key", "--base-url", &rig.api],
            secret,
        )
        .ok()
    };
    key("narrow", "sk_live_narrow");
    let run = kw.run(&["call", "narrow", &rig.whoami()]).fails(3, "lacks the scope read:users");
    assert!(!run.stderr.contains("sk_live_narrow"), "a query-placed key stays out of errors and logs");
    key("revoked", "sk_live_gone");
    let run = kw.run(&["call", "revoked", &rig.whoami()]).fails(3, "INVALID_TOKEN");
    assert!(!run.stderr.contains("sk_live_gone") && !run.stdout.contains("sk_live_gone"));
    // Unreachable API with the key in the query: the network error must not print the URL.
    let run = kw.run(&["call", "revoked", "http://127.0.0.1:9/v1/whoami"]).fails(4, "could not reach the API");
    assert!(!run.stderr.contains("sk_live_gone"), "{}", run.stderr);
}

#[test]
fn jwt_login_refreshes_and_session_logs_in_and_out() {
    let rig = Rig::start(&["--access-token-ttl", "6"]);
    let kw = Kw::new();
    kw.run_stdin(
        &[
            "profile",
            "add",
            "jwt",
            "--strategy",
            "jwt-login",
            "--url",
            &rig.url("login_endpoint"),
            "--email",
            "alice@example.com",
            "--set",
            &format!("refreshUrl={}", rig.url("refresh_endpoint")),
            "--password-stdin",
        ],
        "correct-horse-battery",
    )
    .ok();
    assert_eq!(whoami(&kw, &rig, "jwt")["via"], "login");
    let rt1 = kw.keychain("jwt", "refreshToken").unwrap();
    // Seed 000's 30-day sliding refresh token: its expiry is kept and shown.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let first =
        kw.run(&["token", "jwt", "--json"]).ok().json()["refreshExpiresAt"].as_i64().expect("refresh expiry kept");
    assert!((first - (now + 30 * 86_400)).abs() < 60, "30 days from now: {first}");
    std::thread::sleep(std::time::Duration::from_millis(3500));
    kw.run(&["token", "jwt"]).ok();
    assert_ne!(kw.keychain("jwt", "refreshToken").unwrap(), rt1, "refreshed at the refresh endpoint, rotated");
    let second = kw.run(&["token", "jwt", "--json"]).ok().json()["refreshExpiresAt"].as_i64().unwrap();
    assert!(second >= first + 3, "sliding: each refresh starts the 30 days again ({first} -> {second})");
    let show = kw.run(&["profile", "show", "jwt"]).ok().stdout;
    assert!(show.contains("refresh token valid until"), "{show}");

    kw.run_stdin(
        &[
            "profile",
            "add",
            "badpw",
            "--strategy",
            "jwt-login",
            "--url",
            &rig.url("login_endpoint"),
            "--email",
            "alice@example.com",
            "--password-stdin",
        ],
        "kw-canary-pw",
    )
    .ok();
    let run = kw.run(&["token", "badpw"]).fails(3, "INVALID_CREDENTIALS");
    assert!(!run.stderr.contains("kw-canary-pw"));

    kw.run_stdin(
        &[
            "profile",
            "add",
            "web",
            "--strategy",
            "session",
            "--url",
            &rig.url("session_login_endpoint"),
            "--email",
            "alice@example.com",
            "--set",
            &format!("logoutUrl={}", rig.url("session_logout_endpoint")),
            "--password-stdin",
        ],
        "correct-horse-battery",
    )
    .ok();
    let who = whoami(&kw, &rig, "web");
    assert_eq!((who["sub"].as_str(), who["via"].as_str()), (Some("alice@example.com"), Some("session")));
    let cookie = kw.run(&["token", "web"]).ok().stdout.trim().to_string();
    assert!(cookie.starts_with("session="), "{cookie}");
    let logout = kw.run(&["logout", "web"]).ok();
    assert!(logout.stderr.contains("session ended at the server"), "{}", logout.stderr);
    let after = Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", &format!("Cookie: {cookie}"), &rig.whoami()])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&after.stdout), "401", "the server ended the session");
    assert_eq!(whoami(&kw, &rig, "web")["via"], "session", "the next call logs in again with the stored password");
}

fn saml(args: &[&str]) -> String {
    let out = Command::new(repo_root().join("tests/.venv/bin/python"))
        .arg(repo_root().join("tests/rig/saml_idp.py"))
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "saml_idp.py {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn saml_bearer_assertions_exchanged_and_refused_for_the_right_reasons() {
    let keydir = tempfile::tempdir().unwrap();
    let key = keydir.path().to_str().unwrap();
    let cert = saml(&["cert", "--key", key]).trim().to_string();
    let rig = Rig::start(&["--saml-idp-cert", &cert]);
    let (aud, acs) = (rig.url("saml_sp_entity_id"), rig.url("saml_token_endpoint"));
    let kw = Kw::new();
    kw.run(&[
        "profile",
        "add",
        "sso",
        "--strategy",
        "saml-bearer",
        "--url",
        &acs,
        "--set",
        &format!("spEntityId={aud}"),
        "--set",
        &format!("acsUrl={acs}"),
    ])
    .ok();
    let show = kw.run(&["profile", "show", "sso"]).ok().stdout;
    assert!(
        show.contains(&aud) && show.contains("NameID format") && show.contains("RSA-SHA256"),
        "SP settings for the IdP admin: {show}"
    );
    let run = kw.run(&["token", "sso"]).fails(6, "needs a fresh SAML assertion from your IdP");
    assert!(run.stderr.contains("`keyward token sso --assertion FILE`"), "the CLI words the remedy: {}", run.stderr);

    let file = kw.home.path().join("assertion.xml");
    let exchange = |xml: &str| {
        std::fs::write(&file, xml).unwrap();
        kw.run(&["token", "sso", "--assertion", file.to_str().unwrap()])
    };
    let good = saml(&["assertion", "--audience", &aud, "--recipient", &acs, "--key", key]);
    exchange(&good).ok();
    let who = whoami(&kw, &rig, "sso");
    assert_eq!((who["sub"].as_str(), who["via"].as_str()), (Some("alice@example.com"), Some("saml")));
    exchange(&good).fails(3, "already used");

    // What the IdP posts: a SAMLResponse with a signed Assertion, pasted as base64 on standard input.
    let response = saml(&[
        "assertion",
        "--audience",
        &aud,
        "--recipient",
        &acs,
        "--key",
        key,
        "--as-response",
        "signed-assertion",
    ]);
    let b64 = base64_std(&response);
    let run = kw.run_stdin(&["token", "sso", "--assertion", "-"], &b64);
    run.ok();

    exchange(&saml(&["assertion", "--audience", &aud, "--key", key, "--lifetime", "1", "--not-before-offset", "-120"]))
        .fails(3, "expired");
    exchange(&saml(&["assertion", "--audience", "https://someone-else.example/sp", "--key", key]))
        .fails(3, "invalid_grant");
    exchange(&saml(&["assertion", "--audience", &aud, "--key", key, "--tamper"])).fails(3, "invalid_grant");
    exchange(&saml(&["assertion", "--audience", &aud, "--key", key, "--unsigned"]))
        .fails(2, "the Assertion is not signed");
    exchange(&saml(&["assertion", "--audience", &aud, "--key", key, "--as-response", "signed-response"]))
        .fails(2, "Sign Assertion");
    exchange("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>").fails(2, "not XML Keyward can read");
}

fn base64_std(s: &str) -> String {
    use std::io::Write;
    let mut out = Command::new("base64")
        .arg("-w0")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    out.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    String::from_utf8(out.wait_with_output().unwrap().stdout).unwrap()
}
