//! Hostile servers: a token endpoint and an API that echo the secret they were sent (raw, inside HTTP
//! Basic's base64, percent-encoded, form-encoded, JSON-escaped) at character 295 of a long error, where a
//! cut at 300 would leave its start behind; and bodies far too large. The user sees what happened, never any
//! form of the secret: not in the CLI's output, the trace-level log, the audit log nor the config.

mod common;

use base64::Engine;
use common::{Kw, Rig};

/// A secret whose encoded forms all differ from it: `"` and `\` are JSON-escaped, `+/&=` percent-encoded.
const CANARY: &str = "kw-echo-canary\"+/\\&=x9";
const FORMS: &[&str] = &["raw", "basic", "pct", "form", "json"];

/// Every form the canary may take, and their first 8 characters (what a cut before scrubbing would leave).
fn leaks(text: &str, secret: &str, basic_user: Option<&str>) -> Vec<String> {
    let b64 = |s: String| base64::engine::general_purpose::STANDARD.encode(s);
    let pct: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let json = serde_json::to_string(secret).unwrap();
    let mut forms = vec![secret.to_string(), pct.replace('+', "%20"), pct.clone(), json[1..json.len() - 1].to_string()];
    if let Some(user) = basic_user {
        forms.push(b64(format!("{user}:{secret}")));
        forms.push(b64(format!("{user}:{pct}")));
    }
    let mut found = Vec::new();
    for f in forms {
        let prefix: String = f.chars().take(10).collect();
        if text.contains(&prefix) {
            found.push(prefix);
        }
    }
    found
}

#[test]
fn a_token_endpoint_that_echoes_the_client_secret_never_shows_it() {
    let rig = Rig::start(&[]);
    let kw = Kw::new().with("KEYWARD_LOG", "trace");
    for auth in ["client-secret-basic", "client-secret-post"] {
        // A secret sent in the body has no Basic header to echo.
        for form in FORMS.iter().filter(|f| !(**f == "basic" && auth == "client-secret-post")) {
            let name = format!("echo-{form}-{auth}");
            let url = format!("{}/__rig/echo/token/{form}", rig.api);
            kw.run_stdin(
                &["profile", "add", &name, "--strategy", "client-credentials", "--url", &url]
                    .into_iter()
                    .chain(["--client-id", "echo-app", "--auth", auth, "--client-secret-stdin"])
                    .collect::<Vec<_>>(),
                CANARY,
            )
            .ok();
            let run = kw.run(&["token", &name]).fails(3, "the token endpoint refused: invalid_client");
            assert!(
                run.stderr.contains("the server quotes what it was sent"),
                "the server's words are shown: {}",
                run.stderr
            );
            let seen = format!("{}{}", run.stdout, run.stderr);
            assert_eq!(leaks(&seen, CANARY, Some("echo-app")), Vec::<String>::new(), "{form} via {auth}: {seen}");
            assert!(run.stderr.contains("***"), "the echo is masked, not dropped: {}", run.stderr);
        }
    }
    let audit = kw.read("audit.jsonl");
    assert!(audit.contains("token-refused"), "the refusal is audited by name: {audit}");
    assert!(!audit.contains("the server quotes"), "the audit log keeps Keyward's words, not the server's: {audit}");
    assert_eq!(leaks(&audit, CANARY, Some("echo-app")), Vec::<String>::new());
    assert_eq!(leaks(&kw.read("config.json"), CANARY, Some("echo-app")), Vec::<String>::new());
}

#[test]
fn an_api_that_echoes_the_credential_never_shows_it() {
    let rig = Rig::start(&[]);
    let kw = Kw::new().with("KEYWARD_LOG", "trace");
    kw.run_stdin(&["apikey", "set", "echo-key", "--stdin", "--base-url", &rig.api], CANARY).ok();
    for form in FORMS.iter().filter(|f| **f != "basic") {
        let run = kw.run(&["call", "echo-key", "-i", &format!("{}/__rig/echo/api/{form}", rig.api)]);
        assert_eq!(run.code, 3, "a 400 is a refusal: {}", run.stderr);
        assert!(run.stdout.contains("the server quotes what it was sent"), "the body is shown: {}", run.stdout);
        let seen = format!("{}{}", run.stdout, run.stderr);
        assert_eq!(leaks(&seen, CANARY, None), Vec::<String>::new(), "{form}: {seen}");
    }
    assert_eq!(leaks(&kw.read("audit.jsonl"), CANARY, None), Vec::<String>::new());
}

/// Peak memory of a `keyward` run, in KiB, by GNU time.
fn peak_kib(kw: &Kw, args: &[&str]) -> (common::Run, u64) {
    let cmd = kw.command(args);
    let program = cmd.get_program().to_owned();
    let mut timed = std::process::Command::new("/usr/bin/time");
    timed.arg("-f").arg("peak=%M").arg(program).args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => timed.env(k, v),
            None => timed.env_remove(k),
        };
    }
    let out = timed.stdin(std::process::Stdio::null()).output().expect("GNU time runs (deps.sh installs it)");
    let run = common::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    let peak = run.stderr.rsplit("peak=").next().and_then(|s| s.trim().parse().ok()).expect("time printed peak=");
    (run, peak)
}

#[test]
fn a_huge_token_response_is_refused_with_bounded_memory_and_the_credential_kept() {
    let rig = Rig::start(&[]);
    let kw = Kw::new();
    for (name, path) in [("streamed", "huge/200"), ("declared", "huge/200/declared")] {
        let url = format!("{}/__rig/{path}", rig.api);
        kw.run_stdin(
            &["profile", "add", name, "--strategy", "client-credentials", "--url", &url, "--client-id", "c"]
                .into_iter()
                .chain(["--client-secret-stdin"])
                .collect::<Vec<_>>(),
            "kw-huge-secret",
        )
        .ok();
        let (run, peak) = peak_kib(&kw, &["token", name]);
        assert_eq!(run.code, 3, "{}", run.stderr);
        assert!(run.stderr.contains("sent more than 1024 KiB; Keyward stopped reading"), "{}", run.stderr);
        assert!(peak < 64 * 1024, "a 200 MiB body must not be read into memory: peak {peak} KiB");
        assert_eq!(kw.keychain(name, "clientSecret").as_deref(), Some("kw-huge-secret"), "the credential is kept");
    }
    // An API body is cut at 4 MiB and the rest never read.
    kw.run_stdin(&["apikey", "set", "big", "--stdin", "--base-url", &rig.api], "kw-huge-key").ok();
    let (run, peak) = peak_kib(&kw, &["call", "big", &format!("{}/__rig/huge/200", rig.api)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.trim_end().len(), 4 << 20, "the first 4 MiB are shown");
    assert!(peak < 96 * 1024, "peak {peak} KiB");
}

#[test]
fn a_token_endpoint_redirect_is_not_followed_and_says_where_it_pointed() {
    let rig = Rig::start(&[]);
    let kw = Kw::new();
    let url = format!("{}/__rig/redirect", rig.api);
    let run = kw.run_stdin(
        &["profile", "add", "moved", "--strategy", "client-credentials", "--url", &url, "--client-id", "c"]
            .into_iter()
            .chain(["--client-secret-stdin"])
            .collect::<Vec<_>>(),
        "kw-moved-secret",
    );
    run.ok();
    let run = kw
        .run(&["token", "moved"])
        .fails(3, "answered 302 and points elsewhere (https://elsewhere.example/oauth/token)");
    assert!(run.stderr.contains("never follows a redirect"), "{}", run.stderr);
    assert!(!run.stderr.contains("kw-moved-secret"));
}

#[test]
fn a_header_with_a_line_break_is_bad_input() {
    let kw = Kw::new();
    kw.run_stdin(&["apikey", "set", "k", "--stdin", "--base-url", "http://127.0.0.1:9"], "kw-header-key").ok();
    kw.run(&["call", "k", "http://127.0.0.1:9/", "-H", "X-A: one\r\nX-B: two"])
        .fails(2, "holds a line break or another control character");
}

/// A one-request HTTP server on another loopback address, that tells what it received (if anything).
fn listener_on(ip: &str) -> (String, std::sync::mpsc::Receiver<String>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind((ip, 0)).unwrap();
    let url = format!("http://{}/v1/whoami", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let mut buf = [0u8; 8192];
            let n = conn.read(&mut buf).unwrap_or(0);
            let _ = conn.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}");
            if tx.send(String::from_utf8_lossy(&buf[..n]).into_owned()).is_err() {
                return;
            }
        }
    });
    (url, rx)
}

#[test]
fn a_credential_goes_only_to_the_hosts_of_its_profile() {
    let rig = Rig::start(&[]);
    let kw = Kw::new();
    kw.run_stdin(
        &["profile", "add", "m2m", "--strategy", "client-credentials", "--url", &rig.token_endpoint]
            .into_iter()
            .chain(["--client-id", "cc-basic", "--scope", "read:users", "--client-secret-stdin"])
            .collect::<Vec<_>>(),
        "cc-basic-secret",
    )
    .ok();
    // 127.0.0.2 is another host than the token endpoint's 127.0.0.1: nothing may be sent there.
    let (elsewhere, received) = listener_on("127.0.0.2");
    let run = kw.run(&["call", "m2m", &elsewhere]).fails(2, "sends its credential only to 127.0.0.1");
    assert!(run.stderr.contains("127.0.0.2 is not one of them, so nothing was sent"), "{}", run.stderr);
    assert!(run
        .stderr
        .contains("hint: if 127.0.0.2 is this profile's API, allow it: `keyward profile edit m2m --set apiHosts="));
    assert!(
        received.recv_timeout(std::time::Duration::from_millis(500)).is_err(),
        "no connection reached the other host"
    );
    assert_eq!(rig.stats()["token_requests"]["client_credentials"], 0, "not even a token was fetched for it");
    // The token endpoint's own site still works, and a host the user allows gets the credential.
    kw.run(&["call", "m2m", &rig.whoami()]).ok();
    kw.run(&["profile", "edit", "m2m", "--set", "apiHosts=127.0.0.2"]).ok();
    kw.run(&["call", "m2m", &elsewhere]).ok();
    let request = received.recv_timeout(std::time::Duration::from_secs(5)).expect("the allowed host got the request");
    assert!(request.to_ascii_lowercase().contains("authorization: bearer "), "{request}");
    kw.run(&["profile", "edit", "m2m", "--set", "apiHosts=https://x/"]).fails(2, "is not a host name");
}
