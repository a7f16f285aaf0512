//! The token inspector against tokens it did not make: the test OpenID provider's (verified through
//! discovery), and tokens signed by node's crypto (tests/rig/tokens.mjs), each wrong in one way. Each is
//! refused for the right reason; only a verified, valid token exits 0.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::{repo_root, Kw, Rig};

struct Tokens {
    dir: tempfile::TempDir,
    v: serde_json::Value,
}

impl Tokens {
    fn make() -> Tokens {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new("node").arg(repo_root().join("tests/rig/tokens.mjs")).arg(dir.path()).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        Tokens { v: serde_json::from_slice(&out.stdout).unwrap(), dir }
    }

    fn token(&self, name: &str) -> String {
        self.v["tokens"][name].as_str().unwrap_or_else(|| panic!("no token {name}")).to_string()
    }

    fn jwks(&self, file: &str) -> String {
        self.dir.path().join(file).display().to_string()
    }
}

/// `keyward inspect - --json` with the token on standard input; the exit code and the parsed answer.
fn inspect(kw: &Kw, token: &str, args: &[&str]) -> (i32, serde_json::Value, String) {
    let mut all = vec!["inspect", "-", "--json"];
    all.extend(args);
    let run = kw.run_stdin(&all, token);
    let v = if run.stdout.trim().is_empty() { serde_json::Value::Null } else { run.json() };
    (run.code, v, run.stderr)
}

fn check<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["checks"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("no {name} check: {v}"))
}

#[test]
fn each_wrong_token_is_refused_for_its_reason() {
    let t = Tokens::make();
    let kw = Kw::new();
    let jwks = t.jwks("jwks.json");
    let iss = t.v["issuer"].as_str().unwrap().to_string();
    let aud = t.v["audience"].as_str().unwrap().to_string();
    let trusted = ["--jwks", &jwks, "--issuer", &iss, "--audience", &aud];

    // The JWKS also holds a symmetric key and one of an unknown type: the others still verify.
    for good in ["valid", "es384"] {
        let (code, v, _) = inspect(&kw, &t.token(good), &trusted);
        assert_eq!((code, v["verdict"].as_str()), (0, Some("valid")), "{good}: {v}");
        assert!(check(&v, "signature")["reason"].as_str().unwrap().contains("verified with kid test-"), "{v}");
    }
    // Each wrong token: exit 3, the failing check, and words a person can act on.
    for (name, failing, says) in [
        ("tampered", "signature", "does not match"),
        ("wrong_key", "signature", "does not match"),
        ("expired", "exp", "expired 60 min ago"),
        ("not_yet_valid", "nbf", "not valid before"),
        ("issued_in_future", "iat", "issued in the future"),
        ("wrong_audience", "aud", "expected api://keyward-test, got [api://other, api://another]"),
        ("wrong_issuer", "iss", "expected https://issuer.keyward.test, got https://evil.example"),
        ("unknown_kid", "signature", "kid nobody is not in the JWKS in"),
        ("hs256_with_public_key", "alg", "algorithm-confusion"),
        ("alg_none", "alg", "unsigned"),
        ("wrong_alg_for_key", "signature", "the key is for RS256, the token says RS384"),
    ] {
        let (code, v, _) = inspect(&kw, &t.token(name), &trusted);
        assert_eq!((code, v["verdict"].as_str()), (3, Some("invalid")), "{name}: {v}");
        let c = check(&v, failing);
        assert_eq!(c["status"], "fail", "{name}: {v}");
        assert!(c["reason"].as_str().unwrap().contains(says), "{name}: {} should say {says:?}", c["reason"]);
        assert!(v["summary"].as_str().unwrap().starts_with("Invalid"), "{v}");
    }
    // A token that names its own key is never verified by it.
    let (code, v, _) = inspect(&kw, &t.token("self_asserted_jku"), &[]);
    assert_eq!((code, v["verdict"].as_str()), (3, Some("unverified")), "{v}");
    assert!(check(&v, "key")["reason"].as_str().unwrap().contains("self-asserted"), "{v}");
    assert_eq!(check(&v, "signature")["status"], "skipped");
    // Decoding is not verifying: without a key the answer says so, and exit 3.
    let (code, v, _) = inspect(&kw, &t.token("valid"), &[]);
    assert_eq!((code, v["verdict"].as_str()), (3, Some("unverified")), "{v}");
    assert!(v["claims"].as_array().unwrap().iter().any(|c| c["name"] == "sub" && c["value"] == "alice"));
    let exp = v["claims"].as_array().unwrap().iter().find(|c| c["name"] == "exp").unwrap();
    assert!(exp["note"].as_str().unwrap().ends_with("in 10 min"), "times are dates and distances: {exp}");
    // Leeway: 30 s past exp is within the default 60 s, not within 10 s.
    let (code, v, _) = inspect(&kw, &t.token("expired_within_leeway"), &trusted);
    assert_eq!((code, check(&v, "exp")["status"].as_str()), (0, Some("warn")), "{v}");
    let mut tight = trusted.to_vec();
    tight.extend(["--leeway", "10"]);
    let (code, _, _) = inspect(&kw, &t.token("expired_within_leeway"), &tight);
    assert_eq!(code, 3);
    // Warnings do not fail: a weak key, a missing scope, no exp.
    let weak = t.jwks("jwks-weak.json");
    let (code, v, _) = inspect(&kw, &t.token("weak_key"), &["--jwks", &weak]);
    assert_eq!(code, 0, "a weak key is a warning: {v}");
    assert!(check(&v, "key")["reason"].as_str().unwrap().contains("RSA-1024"), "{v}");
    let mut scoped = trusted.to_vec();
    scoped.extend(["--require-scope", "write:users"]);
    let (code, v, _) = inspect(&kw, &t.token("valid"), &scoped);
    assert_eq!((code, check(&v, "scope")["status"].as_str()), (0, Some("warn")), "{v}");
    let (_, v, _) = inspect(&kw, &t.token("no_exp"), &trusted);
    assert!(check(&v, "exp")["reason"].as_str().unwrap().contains("never expires"));
}

#[test]
fn garbage_is_not_a_token() {
    let kw = Kw::new();
    for (input, says) in [
        ("hello", "this is not a JWT"),
        ("a.b.c", "not base64url"),
        ("e30.e30.e30.e30.e30", "encrypted JWT"),
        ("eyJhbGciOiJub25lIn0.WzFd.", "not a JSON object"),
    ] {
        let run = kw.run_stdin(&["inspect", "-"], input);
        assert_eq!(run.code, 2, "{input}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{input}: {}", run.stderr);
    }
    let big = "a".repeat(70 * 1024);
    kw.run_stdin(&["inspect", "-"], &big).fails(2, "larger than");
    kw.run(&["inspect", "x.y.z", "--jwks", "/nonexistent/jwks.json"]).fails(2, "could not read it");
}

#[test]
fn a_key_rotated_at_the_provider_is_found_by_refetching_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Command::new("node")
        .arg(repo_root().join("tests/rig/tokens.mjs"))
        .args([dir.path().to_str().unwrap(), "--serve"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let tokens: serde_json::Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    let url: serde_json::Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    let kw = Kw::new();
    let token = tokens["tokens"]["rotated"].as_str().unwrap();
    let (code, v, _) = inspect(&kw, token, &["--jwks", url["jwks_url"].as_str().unwrap()]);
    assert_eq!(code, 0, "verified; iss and aud skipped, as not asked for: {v}");
    let sig = check(&v, "signature");
    assert_eq!(sig["status"], "pass", "{v}");
    assert!(sig["reason"].as_str().unwrap().contains("refetched once, found"), "{v}");
    drop(server.stdin.take());
    let _ = server.kill();
    let _ = server.wait();
}

#[test]
fn tokens_from_the_test_provider_verify_through_discovery_and_by_profile() {
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
            "--resource",
            &rig.api,
            "--client-secret-stdin",
        ],
        "cc-basic-secret",
    )
    .ok();
    let token = kw.run(&["token", "svc"]).ok().stdout.trim().to_string();
    let (code, v, stderr) = inspect(&kw, &token, &["--issuer", &rig.issuer, "--audience", &rig.api]);
    assert_eq!((code, v["verdict"].as_str()), (0, Some("valid")), "{v}");
    assert!(check(&v, "signature")["reason"].as_str().unwrap().contains(&format!("{}/jwks", rig.issuer)), "{v}");
    assert!(!stderr.contains(&token), "the token is not in the log");
    // The profile's current token, checked against the issuer and the profile's resource (its audience).
    let run = kw.run(&["inspect", "--profile", "svc", "--issuer", &rig.issuer]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.starts_with("Valid:") && run.stdout.contains("PASS  aud"), "{}", run.stdout);
    assert!(!run.stdout.contains(&token) && !run.stderr.contains(&token), "the token is not printed");
    // Another issuer's keys: the kid is not there.
    let (code, v, _) = inspect(&kw, &token, &["--jwks", &format!("{}/.well-known/jwks.json", rig.api)]);
    assert_eq!(code, 3);
    assert!(check(&v, "signature")["reason"].as_str().unwrap().contains("refetched once, still missing"), "{v}");
}

/// An opaque token (the provider's refresh tokens are) is read by nobody but its issuer: with a profile of
/// that provider, `inspect` asks it (RFC 7662 introspection, as the profile's client): active is valid;
/// revoked, or a made-up token, is not; without a profile it says what an opaque token is and what to give.
#[test]
fn an_opaque_token_is_asked_about_at_the_profiles_provider() {
    let rig = Rig::start(&[]);
    let kw = Kw::new();
    kw.add_demo(&rig, "demo", "openid offline_access read:users");
    kw.run(&["login", "demo"]).ok();
    let rt = kw.keychain("demo", "refreshToken").unwrap();
    assert_eq!(rt.split('.').count(), 1, "the provider's refresh tokens are opaque");

    let (code, v, stderr) = inspect(&kw, &rt, &["--profile", "demo", "--require-scope", "write:users"]);
    assert_eq!((code, v["kind"].as_str(), v["verdict"].as_str()), (0, Some("opaque"), Some("valid")), "{v}\n{stderr}");
    let active = check(&v, "active");
    assert_eq!(active["status"], "pass");
    assert!(
        active["reason"].as_str().unwrap().contains("introspection")
            && active["reason"].as_str().unwrap().contains("native-app"),
        "{v}"
    );
    assert_eq!(check(&v, "exp")["status"], "pass", "{v}");
    assert_eq!(check(&v, "scope")["status"], "warn", "write:users was not granted: {v}");
    assert!(v["expiresAt"].as_i64().is_some(), "{v}");
    let out = v.to_string();
    assert!(!out.contains(&rt) && !stderr.contains(&rt), "the token is never echoed");

    // Human output, the token as an argument: the verdict and the check list.
    let run = kw.run(&["inspect", &rt, "--profile", "demo"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("Valid: its issuer says the token is active") && run.stdout.contains("PASS  active"),
        "{}",
        run.stdout
    );

    // Made up, then revoked: the provider says not active, exit 3, in red words.
    let (code, v, _) = inspect(&kw, "Zm9vYmFyYmF6cXV4cXV1eA", &["--profile", "demo"]);
    assert_eq!((code, v["verdict"].as_str()), (3, Some("invalid")), "{v}");
    assert!(check(&v, "active")["reason"].as_str().unwrap().contains("not active"), "{v}");
    kw.run(&["revoke", "demo"]).ok();
    let (code, v, _) = inspect(&kw, &rt, &["--profile", "demo"]);
    assert_eq!((code, check(&v, "active")["status"].as_str()), (3, Some("fail")), "a revoked token: {v}");

    // Without a profile there is no one to ask: bad input, saying what it is and what would read it.
    let run = kw.run_stdin(&["inspect", "-"], &rt);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("opaque token") && run.stderr.contains("introspection"), "{}", run.stderr);
    assert!(!run.stderr.contains(&rt));
}
