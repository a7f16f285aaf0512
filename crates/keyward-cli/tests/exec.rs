//! `keyward exec`: a command run with profiles' credentials in its environment, and `--serve`'s loopback
//! token endpoint, against the real test rig (OpenID provider, client-credentials clients, API keys) and
//! the real Secret Service. The commands are real programs (`sh`, `curl`); nothing is mocked.
// Signals and kill(2): Unix only, like the signal passing they test.
#![cfg(unix)]

mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{Kw, Rig};

/// A client-credentials profile for the rig's `cc-basic` client.
fn add_cc(kw: &Kw, rig: &Rig, name: &str) {
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
            "cc-basic",
            "--scope",
            "read:users",
            "--client-secret-stdin",
        ],
        "cc-basic-secret",
    )
    .ok();
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// The `Exec` lines of the audit log.
fn exec_lines(kw: &Kw) -> Vec<serde_json::Value> {
    let audit = kw.run(&["audit", "--json"]).ok().json();
    audit.as_array().unwrap().iter().filter(|e| e["action"] == "exec").cloned().collect()
}

#[test]
fn a_child_sees_the_token_and_the_api_key_and_calls_the_api_with_them() {
    let keys = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(keys.path(), "sk_exec_full billing read:users\n").unwrap();
    let rig = Rig::start(&["--api-keys-file", keys.path().to_str().unwrap()]);
    let kw = Kw::new();
    add_cc(&kw, &rig, "billing.api");
    kw.run_stdin(
        &["apikey", "set", "keys", "--stdin", "--placement", "header:X-API-Key", "--base-url", &rig.api],
        "sk_exec_full",
    )
    .ok();
    let out = tempfile::tempdir().unwrap();
    let script = format!(
        r#"curl -sf -H "Authorization: $KEYWARD_BILLING_API_AUTHORIZATION" {whoami} > "$OUT/token.json" || exit 20
           curl -sf -H "X-API-Key: $KEYWARD_KEYS_API_KEY" {whoami} > "$OUT/key.json" || exit 21
           [ "$KEYWARD_BILLING_API_AUTHORIZATION" = "Bearer $KEYWARD_BILLING_API_ACCESS_TOKEN" ] || exit 22
           [ -z "${{KEYWARD_KEYS_AUTHORIZATION+set}}${{KEYWARD_KEYS_ACCESS_TOKEN+set}}" ] || exit 23
           [ -z "${{KEYWARD_TOKEN_URL+set}}" ] || exit 24
           echo child-ran"#,
        whoami = rig.whoami()
    );
    let kw = kw.with("OUT", out.path().to_str().unwrap());
    let run = kw.run(&["exec", "billing.api", "keys", "--", "sh", "-c", &script]).ok();
    assert_eq!(run.stdout.trim(), "child-ran", "the child's output is Keyward's: {}", run.stderr);
    assert_eq!(json(&read(out.path(), "token.json"))["client_id"], "cc-basic");
    let key = json(&read(out.path(), "key.json"));
    assert_eq!((key["sub"].as_str(), key["via"].as_str()), (Some("apikey:billing"), Some("api_key:header")));
}

#[test]
fn serve_hands_out_a_fresh_token_after_the_first_expired_and_only_with_the_secret() {
    // Tokens live 6 s and are stale 3 s before they expire (min(60 s, half the lifetime)).
    let rig = Rig::start(&["--access-token-ttl", "6"]);
    let kw = Kw::new();
    add_cc(&kw, &rig, "svc");
    let out = tempfile::tempdir().unwrap();
    let script = format!(
        r#"get() {{ n=$1; shift; curl -s -o "$OUT/$n.body" -w '%{{http_code}}' "$@" > "$OUT/$n.status"; }}
           printf %s "$KEYWARD_SVC_ACCESS_TOKEN" > "$OUT/env.token"
           printf %s "$KEYWARD_TOKEN_URL" > "$OUT/url"
           curl -sf -H "Authorization: Bearer $KEYWARD_TOKEN_SECRET" "$KEYWARD_TOKEN_URL" > "$OUT/first.json" || exit 30
           sleep 3.5
           curl -sf -H "Authorization: Bearer $KEYWARD_TOKEN_SECRET" "$KEYWARD_SVC_TOKEN_URL" > "$OUT/second.json" || exit 31
           tok=$(sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p' "$OUT/second.json")
           curl -sf -H "Authorization: Bearer $tok" {whoami} > "$OUT/whoami.json" || exit 32
           get none "$KEYWARD_TOKEN_URL"
           get wrong -H "Authorization: Bearer not-the-secret" "$KEYWARD_TOKEN_URL"
           get basic -u "x:$KEYWARD_TOKEN_SECRET" "$KEYWARD_TOKEN_URL"
           get other -H "Authorization: Bearer $KEYWARD_TOKEN_SECRET" "$KEYWARD_TOKEN_URL/elsewhere"
           get post -X POST -H "Authorization: Bearer $KEYWARD_TOKEN_SECRET" "$KEYWARD_TOKEN_URL"
           exit 0"#,
        whoami = rig.whoami()
    );
    let kw = kw.with("OUT", out.path().to_str().unwrap());
    let before = rig.stats()["client_credentials"]["cc-basic"].as_u64().unwrap_or(0);
    kw.run(&["exec", "svc", "--serve", "--", "sh", "-c", &script]).ok();

    let url = read(out.path(), "url");
    assert!(url.starts_with("http://127.0.0.1:") && url.ends_with("/token"), "{url}");
    let env_token = read(out.path(), "env.token");
    let first = json(&read(out.path(), "first.json"));
    let second = json(&read(out.path(), "second.json"));
    assert_eq!(first["profile"], "svc");
    assert_eq!(first["tokenType"], "Bearer");
    assert!(first["expiresAt"].as_i64().is_some(), "{first}");
    assert_eq!(first["accessToken"].as_str(), Some(env_token.as_str()), "fresh: the cached token");
    let fresh = second["accessToken"].as_str().unwrap();
    assert_ne!(fresh, env_token, "after it went stale: a new token");
    assert!(second["expiresAt"].as_i64() > first["expiresAt"].as_i64());
    assert_eq!(json(&read(out.path(), "whoami.json"))["client_id"], "cc-basic", "the new token works at the API");
    let after = rig.stats()["client_credentials"]["cc-basic"].as_u64().unwrap();
    assert_eq!(after - before, 2, "one token request to start with, one when it went stale");

    for refused in ["none", "wrong", "basic"] {
        assert_eq!(read(out.path(), &format!("{refused}.status")), "401", "{refused}");
        let body = read(out.path(), &format!("{refused}.body"));
        assert!(!body.contains("accessToken") && !body.contains(&env_token) && !body.contains(fresh), "{body}");
    }
    assert_eq!(read(out.path(), "other.status"), "404");
    assert_eq!(read(out.path(), "post.status"), "405");

    // The endpoint closed with the command.
    let port = url.trim_start_matches("http://127.0.0.1:").trim_end_matches("/token");
    assert!(std::net::TcpListener::bind(format!("127.0.0.1:{port}")).is_ok(), "the endpoint is closed");

    // The audit log: the token handed out at the start and the one served after the refresh, by
    // fingerprint only.
    let lines = exec_lines(&kw);
    assert_eq!(lines.len(), 2, "{lines:?}");
    let audit = kw.read("audit.jsonl");
    assert!(!audit.contains(&env_token) && !audit.contains(fresh), "no token in the audit log");
    assert!(lines[0]["detail"].as_str().unwrap().contains("handed to sh in its environment"), "{lines:?}");
    assert!(lines[1]["detail"].as_str().unwrap().contains("served to sh on its token endpoint"), "{lines:?}");
    assert_ne!(lines[0]["detail"], lines[1]["detail"]);
}

#[test]
fn the_exit_code_and_signals_pass_through_and_a_missing_command_is_named() {
    let rig = Rig::start(&[]);
    let kw = Kw::new();
    add_cc(&kw, &rig, "svc");
    assert_eq!(kw.run(&["exec", "svc", "--", "sh", "-c", "exit 7"]).code, 7);
    assert_eq!(kw.run(&["exec", "svc", "--serve", "--", "sh", "-c", "exit 0"]).code, 0);
    assert_eq!(kw.run(&["exec", "svc", "--", "sh", "-c", "kill -KILL $$"]).code, 128 + 9, "killed by signal 9");

    let run = kw.run(&["exec", "svc", "--", "kw-no-such-program", "--flag"]);
    let run = run.fails(2, "could not start \"kw-no-such-program\": no program by that name is on the PATH");
    assert!(!run.stderr.contains("--flag"));
    kw.run(&["exec", "svc", "--", "/nonexistent/kw-prog"]).fails(2, "there is no such file");

    // SIGTERM and SIGHUP sent to Keyward reach the child, which says so and exits its own way; with no
    // trap, the signal ends it and Keyward says so as a shell would (128 + N).
    let dir = tempfile::tempdir().unwrap();
    for (signal, name, serve) in
        [(libc::SIGTERM, "TERM", false), (libc::SIGHUP, "HUP", true), (libc::SIGINT, "INT", false)]
    {
        let marker = dir.path().join(format!("{name}.marker"));
        let ready = dir.path().join(format!("{name}.ready"));
        let script = format!(
            r#"trap 'echo got-{name} > "{marker}"; exit 42' {name}; echo $$ > "{ready}"; while :; do sleep 0.05; done"#,
            marker = marker.display(),
            ready = ready.display()
        );
        let mut args = vec!["exec", "svc"];
        if serve {
            args.push("--serve");
        }
        args.extend(["--", "sh", "-c", &script]);
        let code = signalled(&kw, &args, &ready, signal);
        assert_eq!(code, 42, "{name}: the child's trap decided the exit code");
        assert_eq!(std::fs::read_to_string(&marker).unwrap().trim(), format!("got-{name}"));
    }
    let ready = dir.path().join("plain.ready");
    let script = format!(r#"echo $$ > "{}"; exec sleep 30"#, ready.display());
    let code = signalled(&kw, &["exec", "svc", "--", "sh", "-c", &script], &ready, libc::SIGTERM);
    assert_eq!(code, 128 + libc::SIGTERM, "the child ended by SIGTERM");
}

/// Start `keyward ARGS`, wait until the child wrote its pid to `ready`, send `signal` to Keyward alone,
/// and return Keyward's exit code.
fn signalled(kw: &Kw, args: &[&str], ready: &Path, signal: i32) -> i32 {
    let keyward = kw.command(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let mut run = Running { keyward, child: None };
    let start = Instant::now();
    while run.child.is_none() {
        assert!(start.elapsed() < Duration::from_secs(20), "the child never started");
        assert!(run.keyward.try_wait().unwrap().is_none(), "keyward exited before its child was ready");
        std::thread::sleep(Duration::from_millis(20));
        run.child = std::fs::read_to_string(ready).ok().and_then(|pid| pid.trim().parse().ok());
    }
    // SAFETY: kill(2) on the pid of a child we have not reaped.
    assert_eq!(unsafe { libc::kill(run.keyward.id() as i32, signal) }, 0);
    let start = Instant::now();
    loop {
        if let Some(status) = run.keyward.try_wait().unwrap() {
            return status.code().expect("keyward exits on its own, it is not killed by the signal");
        }
        assert!(start.elapsed() < Duration::from_secs(20), "keyward did not exit after the child");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Keyward and its child, both killed if a test fails while they run.
struct Running {
    keyward: std::process::Child,
    child: Option<i32>,
}

impl Drop for Running {
    fn drop(&mut self) {
        // Only while Keyward runs: until it has reaped its child, that pid is the child's.
        if matches!(self.keyward.try_wait(), Ok(None)) {
            if let Some(pid) = self.child {
                // SAFETY: kill(2) takes plain integers and touches no memory of ours.
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
            let _ = self.keyward.kill();
            let _ = self.keyward.wait();
        }
    }
}

#[test]
fn keywards_secrets_stay_out_of_the_child_and_the_token_out_of_keywards_output() {
    const CANARY: &str = "kw-canary-exec-5e1f";
    let rig = Rig::start(&[]);
    let kw = Kw::new().with("KEYWARD_LOG", "trace");
    add_cc(&kw, &rig, "svc");
    // Headless: this profile's client secret comes from Keyward's environment only, by opt-in.
    kw.run(&[
        "profile",
        "add",
        "headless",
        "--strategy",
        "client-credentials",
        "--url",
        &rig.token_endpoint,
        "--client-id",
        "cc-post",
        "--auth",
        "client-secret-post",
        "--scope",
        "read:users",
    ])
    .ok();
    let out = tempfile::tempdir().unwrap();
    let kw = kw
        .with("OUT", out.path().to_str().unwrap())
        .with("KEYWARD_SECRET_OTHER_PASSWORD", CANARY)
        .with("KEYWARD_KEY_SIGNER_PRIVATE_KEY", CANARY)
        .with("KEYWARD_TEAM_TOKEN", CANARY);
    let script = format!(
        r#"env > "$OUT/env.txt"
           printf %s "$KEYWARD_SVC_ACCESS_TOKEN" > "$OUT/token"
           printf %s "$KEYWARD_SVC_ACCESS_TOKEN" | sha256sum | cut -c1-8 > "$OUT/fingerprint"
           if [ -n "${{KEYWARD_HEADLESS_AUTHORIZATION-}}" ]; then
               curl -sf -H "Authorization: $KEYWARD_HEADLESS_AUTHORIZATION" {} > "$OUT/headless.json" || exit 40
           fi"#,
        rig.whoami()
    );
    // With the keychain: `svc`. Then the same run headless, with `headless`'s secret from the
    // environment.
    let run = kw.run(&["exec", "svc", "--serve", "--", "sh", "-c", &script]).ok();
    let env = read(out.path(), "env.txt");
    let token = read(out.path(), "token");
    assert!(token.len() > 20 && env.contains("KEYWARD_SVC_ACCESS_TOKEN="));
    assert!(!env.contains(CANARY), "Keyward's secret variables do not reach the child:\n{env}");
    for var in ["KEYWARD_SECRET_OTHER_PASSWORD", "KEYWARD_KEY_SIGNER_PRIVATE_KEY", "KEYWARD_TEAM_TOKEN"] {
        assert!(!env.contains(var), "{var} reached the child");
    }
    assert!(env.contains(&format!("OUT={}", out.path().display())), "the rest of the environment is inherited");
    for (what, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        assert!(!text.contains(&token), "the token is in keyward's {what}");
        assert!(!text.contains(CANARY), "a canary is in keyward's {what}");
    }
    let fingerprint = read(out.path(), "fingerprint").trim().to_string();
    let lines = exec_lines(&kw);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["profile"], "svc");
    assert_eq!(lines[0]["outcome"], "ok");
    let detail = lines[0]["detail"].as_str().unwrap();
    assert!(detail.contains(&format!("credential {fingerprint} ")), "{detail}");
    assert!(detail.contains("handed to sh") && !detail.contains("printf"), "the program, not its arguments: {detail}");
    let audit = kw.read("audit.jsonl");
    assert!(!audit.contains(&token) && !audit.contains(CANARY));

    let kw = kw.with("KEYWARD_SECRETS_FROM_ENV", "1").with("KEYWARD_SECRET_HEADLESS_CLIENT_SECRET", "cc-post-secret");
    let run = kw.run(&["exec", "headless", "--", "sh", "-c", &script]).ok();
    assert_eq!(json(&read(out.path(), "headless.json"))["client_id"], "cc-post");
    let env = read(out.path(), "env.txt");
    assert!(!env.contains("cc-post-secret") && !env.contains("KEYWARD_SECRET_"), "the headless secret stays:\n{env}");
    assert!(!run.stderr.contains("cc-post-secret") && !run.stdout.contains("cc-post-secret"));
}

#[test]
fn a_profile_not_logged_in_or_unknown_or_sharing_variables_fails_before_the_child_runs() {
    let rig = Rig::start(&[]);
    let kw = Kw::new();
    kw.add_demo(&rig, "demo", "openid offline_access read:users");
    add_cc(&kw, &rig, "svc");
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("ran");
    let touch = format!(r#": > "{}""#, marker.display());
    let run = kw.run(&["exec", "svc", "demo", "--", "sh", "-c", &touch]).fails(6, "not signed in");
    assert!(run.stderr.contains("hint: sign in again: `keyward login demo`"), "{}", run.stderr);
    kw.run(&["exec", "demo", "--serve", "--", "sh", "-c", &touch]).fails(6, "not signed in");
    kw.run(&["exec", "nobody", "--", "sh", "-c", &touch]).fails(2, "no profile named \"nobody\"");

    add_cc(&kw, &rig, "svc.a");
    add_cc(&kw, &rig, "svc-a");
    let run = kw.run(&["exec", "svc.a", "svc-a", "--", "sh", "-c", &touch]);
    run.fails(2, "profiles \"svc.a\" and \"svc-a\" would both set the variables KEYWARD_SVC_A_*");
    assert!(!marker.exists(), "the child never ran");
    assert!(exec_lines(&kw).is_empty(), "nothing was handed out");
    // The same profile twice is one profile.
    kw.run(&["exec", "svc", "svc", "--", "sh", "-c", &touch]).ok();
    assert!(marker.exists());
}

/// The README's example: newman never fetches an OAuth token itself, and its scripts cannot read the
/// process environment, so the child's shell hands it the token, on its command line or (out of `ps`'s
/// sight) as an environment on standard input.
#[test]
fn newman_runs_a_collection_with_the_token_exec_hands_it() {
    let rig = Rig::start(&[]);
    let kw = Kw::new();
    add_cc(&kw, &rig, "demo");
    let dir = tempfile::tempdir().unwrap();
    let collection = dir.path().join("collection.json");
    let c = serde_json::json!({
        "info": { "name": "whoami", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
        "auth": { "type": "bearer", "bearer": [{ "key": "token", "value": "{{accessToken}}", "type": "string" }] },
        "item": [{
            "name": "whoami",
            "request": { "method": "GET", "url": rig.whoami() },
            "event": [{ "listen": "test", "script": { "type": "text/javascript", "exec": [
                "pm.test('signed in as cc-basic', () => {",
                "  pm.response.to.have.status(200);",
                "  pm.expect(pm.response.json().client_id).to.equal('cc-basic');",
                "});"
            ] } }]
        }]
    });
    std::fs::write(&collection, c.to_string()).unwrap();
    let newman = common::repo_root().join("tests/node_modules/.bin/newman");
    let kw = kw.with("NEWMAN", newman.to_str().unwrap()).with("COLLECTION", collection.to_str().unwrap());
    let on_the_command_line =
        r#"$NEWMAN run "$COLLECTION" --color off --env-var "accessToken=$KEYWARD_DEMO_ACCESS_TOKEN""#;
    let on_stdin = r#"printf '{"values":[{"key":"accessToken","value":"%s"}]}' "$KEYWARD_DEMO_ACCESS_TOKEN" |
        $NEWMAN run "$COLLECTION" --color off -e /dev/stdin"#;
    for script in [on_the_command_line, on_stdin] {
        let run = kw.run(&["exec", "demo", "--", "sh", "-c", script]).ok();
        assert!(
            run.stdout.contains("signed in as cc-basic") && !run.stdout.contains("AssertionError"),
            "{}",
            run.stdout
        );
    }
    let run = kw.run(&["exec", "demo", "--", "sh", "-c", r#"$NEWMAN run "$COLLECTION" --color off"#]);
    assert_eq!(run.code, 1, "without the token the collection fails: {}", run.stdout);
}
