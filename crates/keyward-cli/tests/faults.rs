//! A token endpoint that fails in each way a real one does (down, too slow, an HTML error page, JSON
//! that is not, a 200 without access_token): a clear error with the right exit code, and the stored
//! credential untouched: the client secret still in the keychain, a cached token still there.

mod common;

use common::{Kw, Rig};

#[test]
fn each_fault_is_one_clear_error_and_the_stored_credential_is_kept() {
    let rig = Rig::start(&[]);
    let kw = Kw::new().with("KEYWARD_HTTP_TIMEOUT", "2");
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
    let token = kw.run(&["token", "svc"]).ok().stdout;
    let cached = kw.keychain("svc", "accessToken").unwrap();
    let fault = |path: &str| format!("{}/__rig/fault/{path}", rig.api);
    for (url, code, says) in [
        (fault("html"), 3, "it answered with a web page, not an OAuth error"),
        (fault("badjson"), 3, "the response is not JSON"),
        (fault("noaccess"), 3, "it has no \"access_token\" field"),
        (fault("slow/6"), 4, "did not answer within 2 s"),
        ("http://127.0.0.1:1/token".to_string(), 4, "the connection was refused"),
    ] {
        kw.run(&["profile", "edit", "svc", "--set", &format!("url={url}")]).ok();
        let started = std::time::Instant::now();
        let run = kw.run(&["token", "svc", "--fresh"]).fails(code, says);
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "{url}: bounded by the timeout");
        assert!(!run.stderr.contains("<html") && !run.stderr.contains("nginx"), "{url}: no page text: {}", run.stderr);
        if code == 4 {
            assert!(run.stderr.contains("hint: check the URL"), "{url}: {}", run.stderr);
        }
        assert!(run.stdout.is_empty(), "{url}: no token printed");
        assert_eq!(kw.keychain("svc", "clientSecret").as_deref(), Some("cc-basic-secret"), "{url}: secret kept");
        assert_eq!(kw.keychain("svc", "accessToken").as_deref(), Some(cached.as_str()), "{url}: cached token kept");
    }
    // Back to the real endpoint: the kept token is still served.
    kw.run(&["profile", "edit", "svc", "--set", &format!("url={}", rig.token_endpoint)]).ok();
    assert_eq!(kw.run(&["token", "svc"]).ok().stdout, token);
    let audit = kw.run(&["audit", "--json"]).ok().stdout;
    assert!(!audit.contains("nginx") && !audit.contains("<html"), "the audit log keeps Keyward's words");
}

#[test]
fn twenty_processes_editing_one_profile_lose_no_update() {
    let rig = Rig::start(&[]);
    let kw = Kw::new();
    kw.add_demo(&rig, "demo", "openid read:users");
    let children: Vec<_> = (0..20)
        .map(|i| {
            kw.command(&["profile", "edit", "demo", "--set", &format!("authorizeParams.p{i}=v{i}")])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let show = kw.run(&["profile", "show", "demo", "--json"]).ok().json();
    let params = show["authorizeParams"].as_object().unwrap();
    assert_eq!(params.len(), 20, "every concurrent edit kept: {params:?}");
}
