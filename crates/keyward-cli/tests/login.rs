//! `keyward login` against the real OpenID provider, with headless Chromium as the person at the
//! keyboard: the happy path and every way a login can go wrong.

mod common;

use common::{repo_root, Kw, Rig};

#[test]
fn login_then_token_call_show_and_logout() {
    let rig = Rig::start(&[]);
    let kw = Kw::new();
    kw.add_demo(&rig, "demo", "openid offline_access read:users");

    let login = kw.run(&["login", "demo"]).ok();
    assert!(login.stderr.contains("Logged in to demo as alice"), "{}", login.stderr);
    let page = kw.browser_page();
    assert!(
        page["text"].as_str().unwrap().contains("You can close this tab"),
        "the browser tab says it is done: {page}"
    );

    // The tokens are in the real Secret Service, as libsecret itself sees them.
    let accounts = kw.secret_tool_accounts();
    let store = kw.store_id();
    assert!(accounts.contains(&format!("{store}/demo/refreshToken")), "{accounts:?}");
    assert!(accounts.contains(&format!("{store}/demo/accessToken")), "{accounts:?}");

    let token = kw.run(&["token", "demo"]).ok().stdout.trim().to_string();
    assert_eq!(token.split('.').count(), 3, "a JWT access token: {token}");
    let call = kw.run(&["call", "demo", &format!("{}/v1/whoami", rig.api)]).ok();
    let who: serde_json::Value = serde_json::from_str(&call.stdout).unwrap();
    assert_eq!(who["sub"], "alice");
    assert_eq!(who["scope"], "read:users");

    let show = kw.run(&["profile", "show", "demo", "--json"]).ok();
    let v = show.json();
    assert_eq!(v["hasRefreshToken"], true);
    assert_eq!(v["hasAccessToken"], true);
    assert_eq!(v["token"]["subject"], "alice");
    assert_eq!(v["status"], "ready");
    assert!(!show.stdout.contains(&token), "show never prints the token");

    let refresh = kw.keychain("demo", "refreshToken").unwrap();
    let logout = kw.run(&["logout", "demo"]).ok();
    assert!(logout.stderr.contains("refresh token revoked at the provider"), "{}", logout.stderr);
    assert_eq!(rig.stats()["revocations"], 1);
    assert_eq!(
        rig.raw_refresh(&refresh)["error"],
        "invalid_grant",
        "the provider no longer honours the revoked refresh token"
    );
    assert!(kw.secret_tool_accounts().iter().all(|a| !a.ends_with("Token")), "logout forgets the tokens");
    let run = kw.run(&["token", "demo"]).fails(6, "profile demo is not signed in yet");
    assert!(
        run.stderr.contains("hint: sign in again: `keyward login demo`"),
        "the CLI words the remedy: {}",
        run.stderr
    );

    let audit = kw.run(&["audit", "--json"]).ok().json();
    let actions: Vec<(String, String)> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap().into(), e["outcome"].as_str().unwrap().into()))
        .collect();
    for expected in [("login", "ok"), ("logout", "ok")] {
        assert!(actions.contains(&(expected.0.into(), expected.1.into())), "{actions:?}");
    }
}

#[test]
fn declined_consent_says_so_and_stores_nothing() {
    let rig = Rig::start(&[]);
    let kw = Kw::new().with("KEYWARD_RIG_BROWSER", "decline");
    kw.add_demo(&rig, "demo", "openid offline_access read:users");
    kw.run(&["login", "demo"]).fails(3, "you declined consent");
    let page = kw.browser_page();
    assert!(page["text"].as_str().unwrap().contains("you declined consent"), "the tab says it too: {page}");
    assert!(kw.secret_tool_accounts().is_empty(), "nothing stored");
    let audit = kw.run(&["audit", "--json"]).ok().json();
    assert!(audit.as_array().unwrap().iter().any(|e| e["action"] == "login" && e["outcome"] == "failed"));
}

#[test]
fn stray_requests_idle_sockets_and_a_wrong_state_do_not_disturb_the_login() {
    let rig = Rig::start(&[]);
    let kw = Kw::new();
    let noise = kw.home.path().join("noise.json");
    let kw = kw
        .with("BROWSER", repo_root().join("crates/keyward-cli/tests/support/noisy-browser.py").to_str().unwrap())
        .with("REAL_BROWSER", repo_root().join("tests/rig/browser.mjs").to_str().unwrap())
        .with("NOISE_OUT", noise.to_str().unwrap());
    kw.add_demo(&rig, "demo", "openid offline_access read:users");
    kw.run(&["login", "demo"]).ok();
    let answers: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(noise).unwrap()).unwrap();
    assert_eq!(answers["favicon"]["status"], 404);
    assert_eq!(answers["wrong_state"]["status"], 400);
    assert!(answers["wrong_state"]["body"].as_str().unwrap().contains("state parameter does not match"));
    assert_eq!(kw.run(&["profile", "show", "demo", "--json"]).ok().json()["hasRefreshToken"], true);
}

#[test]
fn the_browser_never_inherits_keywards_secret_variables() {
    let rig = Rig::start(&[]);
    let kw = Kw::new();
    // A browser that writes down the environment it was given, then opens nothing.
    let dump = kw.home.path().join("browser-env.txt");
    let script = kw.home.path().join("env-browser.sh");
    std::fs::write(&script, format!("#!/bin/sh\nenv > '{}'\n", dump.display())).unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let kw = kw
        .with("BROWSER", &script.display().to_string())
        .with("KEYWARD_SECRET_DEMO_CLIENT_SECRET", "kw-canary-env-secret")
        .with("KEYWARD_KEY_SIGNER_PRIVATE_KEY", "kw-canary-env-key");
    kw.add_demo(&rig, "demo", "openid");
    kw.run(&["login", "demo", "--timeout", "3"]).fails(6, "no login arrived within 3 s");
    let env = std::fs::read_to_string(&dump).expect("the browser ran");
    assert!(env.contains("KEYWARD_HOME="), "the rest of the environment is passed on: {env}");
    assert!(!env.contains("kw-canary-env"), "no KEYWARD_SECRET_* / KEYWARD_KEY_* reaches the browser: {env}");
}

#[test]
fn nobody_logs_in_so_the_login_times_out() {
    let rig = Rig::start(&[]);
    let kw = Kw::new().with("BROWSER", "true"); // a browser that opens nothing
    kw.add_demo(&rig, "demo", "openid");
    let start = std::time::Instant::now();
    let run = kw.run(&["login", "demo", "--timeout", "2"]).fails(6, "no login arrived within 2 s");
    assert!(start.elapsed().as_secs() < 20);
    assert!(run.stderr.contains("/auth?"), "the URL is shown for opening by hand: {}", run.stderr);
}

#[test]
fn a_response_without_the_advertised_iss_is_refused() {
    let rig = Rig::start(&["--drop-iss"]);
    let kw = Kw::new();
    kw.add_demo(&rig, "demo", "openid offline_access read:users");
    kw.run(&["login", "demo"]).fails(3, "carries no `iss`");
    assert!(kw.secret_tool_accounts().is_empty(), "nothing stored");
}

#[test]
fn a_provider_without_discovery_works_with_explicit_endpoints() {
    let rig = Rig::start(&[]);
    let kw = Kw::new();
    kw.run(&[
        "profile",
        "add",
        "manual",
        "--strategy",
        "pkce",
        "--client-id",
        "native-app",
        "--authorize-url",
        &format!("{}/auth", rig.issuer),
        "--url",
        &rig.token_endpoint,
        "--scope",
        "openid offline_access read:users",
        "--set",
        "redirectHost=localhost",
    ])
    .ok();
    kw.run(&["login", "manual"]).ok();
    let page = kw.browser_page();
    assert!(page["url"].as_str().unwrap().starts_with("http://localhost:"), "the redirect used localhost: {page}");
    kw.run(&["call", "manual", &format!("{}/v1/whoami", rig.api)]).ok();
}

#[test]
fn a_token_without_the_needed_scope_says_which_to_add() {
    let rig = Rig::start(&[]);
    let kw = Kw::new();
    kw.add_demo(&rig, "narrow", "openid offline_access");
    kw.run(&["login", "narrow"]).ok();
    kw.run(&["call", "narrow", &format!("{}/v1/whoami", rig.api)]).fails(3, "lacks the scope read:users");
}

#[test]
fn ctrl_c_cancels_the_login_and_frees_the_port() {
    let rig = Rig::start(&[]);
    let kw = Kw::new().with("BROWSER", "true");
    // A fixed port, as for a provider that registered one, plus extra authorize parameters.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    kw.add_demo(&rig, "demo", "openid");
    kw.run(&[
        "profile",
        "edit",
        "demo",
        "--set",
        &format!("redirectPort={port}"),
        "--set",
        "authorizeParams.login_hint=bob",
    ])
    .ok();
    let child = kw.command(&["login", "demo"]).stderr(std::process::Stdio::piped()).spawn().unwrap();
    let start = std::time::Instant::now();
    // A connect to a port in the ephemeral range with nobody listening can connect to itself (TCP
    // simultaneous open): only a connection to another socket counts.
    let listening =
        || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok_and(|s| s.local_addr().ok() != s.peer_addr().ok());
    while !listening() {
        assert!(start.elapsed().as_secs() < 10, "the listener never came up on the fixed port");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    assert!(stderr.contains("login cancelled"), "{stderr}");
    assert!(stderr.contains(&format!("redirect_uri=http%3A%2F%2F127.0.0.1%3A{port}%2Fcallback")), "{stderr}");
    assert!(stderr.contains("login_hint=bob"), "extra authorize parameters are sent: {stderr}");
    assert!(std::net::TcpListener::bind(("127.0.0.1", port)).is_ok(), "the listener is closed: the port is free again");
    // The audit log says the person cancelled it; it was no failure.
    let audit = kw.run(&["audit", "--json"]).ok().json();
    let login = audit.as_array().unwrap().iter().rev().find(|e| e["action"] == "login").expect("the login is audited");
    assert_eq!(login["outcome"], "cancelled", "{audit}");
}

#[test]
fn a_browser_that_cannot_be_started_is_said_at_once() {
    let rig = Rig::start(&[]);
    let kw = Kw::new().with("BROWSER", "/nonexistent/keyward-test-browser");
    kw.add_demo(&rig, "demo", "openid");
    let run = kw.run(&["login", "demo", "--timeout", "2"]).fails(6, "no login arrived within 2 s");
    assert!(run.stderr.contains("Could not open a browser"), "the failed launch is said: {}", run.stderr);
    assert!(run.stderr.contains("/nonexistent/keyward-test-browser"), "with what failed: {}", run.stderr);
    assert!(run.stderr.contains("/auth?"), "the URL is shown for opening by hand: {}", run.stderr);
    // A launcher that starts but fails at once (xdg-open with no browser to hand to): its exit status.
    let kw = kw.with("BROWSER", "false");
    let run = kw.run(&["login", "demo", "--timeout", "2"]).fails(6, "no login arrived within 2 s");
    assert!(run.stderr.contains("Could not open a browser") && run.stderr.contains("exited at once"), "{}", run.stderr);
}

#[test]
fn a_browser_that_opens_nothing_is_noticed_and_the_login_still_times_out() {
    let rig = Rig::start(&[]);
    let kw = Kw::new().with("BROWSER", "true"); // starts fine, opens nothing, never connects
    kw.add_demo(&rig, "demo", "openid");
    let start = std::time::Instant::now();
    let run = kw.run(&["login", "demo", "--timeout", "10"]).fails(6, "no login arrived within 10 s");
    let elapsed = start.elapsed();
    assert!(elapsed.as_secs() >= 8 && elapsed.as_secs() < 25, "{elapsed:?}");
    let said = "Your browser has not connected yet. If it did not open, open this address yourself:";
    let at = run.stderr.find(said).unwrap_or_else(|| panic!("the silent browser is noticed: {}", run.stderr));
    assert!(run.stderr[at..].contains("/auth?"), "followed by the address: {}", run.stderr);
    assert!(!run.stderr.contains("Could not open a browser"), "the launch itself worked: {}", run.stderr);
    assert!(!run.stderr.contains("Your browser has connected"), "{}", run.stderr);
}

/// What `pid` has used of the CPU so far, in clock ticks (user + system).
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = stat.rsplit_once(')').unwrap().1.split_whitespace().collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[test]
fn a_flood_of_idle_connections_neither_spins_nor_spends_the_descriptors_the_login_needs() {
    let rig = Rig::start(&[]);
    let kw = Kw::new();
    let home = kw.home.path().to_path_buf();
    let (url_file, go) = (home.join("url.txt"), home.join("go"));
    // A browser that waits for the flood before it signs in, with the descriptors a browser needs.
    let script = home.join("held-browser.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf %s \"$1\" > '{url}'\nn=0\nwhile [ ! -e '{go}' ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n+1)); done\n\
             ulimit -Sn $(ulimit -Hn)\nexec '{real}' \"$1\"\n",
            url = url_file.display(),
            go = go.display(),
            real = repo_root().join("tests/rig/browser.mjs").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let kw = kw.with("BROWSER", &script.display().to_string());
    kw.add_demo(&rig, "demo", "openid offline_access read:users");

    // Keyward with a small descriptor table (48), so that the flood meets its end as 1,100 connections
    // met the usual 1,024.
    let stderr = std::fs::File::create(home.join("login.err")).unwrap();
    let mut command = std::process::Command::new("sh");
    command
        .args(["-c", "ulimit -Sn 48; exec \"$0\" \"$@\"", env!("CARGO_BIN_EXE_keyward"), "login", "demo"])
        .args(["--timeout", "90"])
        .envs(kw.env.iter().map(|(k, v)| (k, v)))
        .stdin(std::process::Stdio::null())
        .stderr(stderr);
    let mut child = command.spawn().unwrap();
    let start = std::time::Instant::now();
    let url = loop {
        if let Ok(u) = std::fs::read_to_string(&url_file) {
            if !u.is_empty() {
                break url::Url::parse(&u).unwrap();
            }
        }
        assert!(start.elapsed().as_secs() < 20, "the browser was never started");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let redirect = url.query_pairs().find(|(k, _)| k == "redirect_uri").unwrap().1.into_owned();
    let port = url::Url::parse(&redirect).unwrap().port().unwrap();

    let log = || std::fs::read_to_string(home.join("login.err")).unwrap_or_default();
    let idle: Vec<std::net::TcpStream> = (0..600)
        .map(|i| {
            std::net::TcpStream::connect(("127.0.0.1", port))
                .unwrap_or_else(|e| panic!("connection {i} to the listener: {e}; Keyward said: {}", log()))
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let before = cpu_ticks(child.id());
    std::thread::sleep(std::time::Duration::from_secs(2));
    let used = cpu_ticks(child.id()) - before;
    assert!(used < 60, "the listener spins: {used} ticks of CPU in 2 s with idle connections only");

    std::fs::write(&go, "").unwrap();
    let status = child.wait().unwrap();
    drop(idle);
    let said = log();
    assert_eq!(status.code(), Some(0), "the login completes through the flood: {said}");
    assert!(said.contains("Logged in to demo as alice"), "{said}");
    assert!(
        said.contains("Keyward has run out of file descriptors (too many open files)"),
        "said once, plainly: {said}"
    );
    assert_eq!(said.matches("has run out of file descriptors").count(), 1, "not once per failed accept: {said}");
    assert_eq!(kw.run(&["profile", "show", "demo", "--json"]).ok().json()["hasRefreshToken"], true);
}

#[test]
fn a_sign_in_as_another_account_does_not_replace_the_tokens_unasked() {
    let rig = Rig::start(&[]);
    let kw = Kw::new();
    kw.add_demo(&rig, "demo", "openid offline_access read:users");
    kw.run(&["login", "demo"]).ok();
    let alice = kw.keychain("demo", "refreshToken").expect("alice's refresh token");
    // Someone else finishes the next sign-in (the address was on the browser's command line).
    // Its tab writes to its own file: alice's stand-in may still be writing hers.
    let bob_tab = kw.home.path().join("browser-out-bob.json");
    let bob = kw.with("KEYWARD_RIG_LOGIN", "bob").with("KEYWARD_RIG_BROWSER_OUT", &bob_tab.display().to_string());
    let run = bob
        .run(&["login", "demo"])
        .fails(3, "the sign-in came back as bob, but profile demo holds the tokens of alice");
    assert!(run.stderr.contains("hint: if bob is the account you mean"), "{}", run.stderr);
    assert!(run.stderr.contains("`keyward login demo --replace-user`"), "{}", run.stderr);
    assert_eq!(bob.keychain("demo", "refreshToken").as_deref(), Some(alice.as_str()), "alice's tokens are kept");
    let show = bob.run(&["profile", "show", "demo", "--json"]).ok().json();
    assert_eq!(show["token"]["subject"], "alice");
    let page = (0..150)
        .find_map(|_| {
            let page =
                std::fs::read_to_string(&bob_tab).ok().and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
            page.or_else(|| {
                std::thread::sleep(std::time::Duration::from_millis(100));
                None
            })
        })
        .expect("bob's tab wrote its page");
    assert!(page["text"].as_str().unwrap_or_default().contains("came back as bob"), "the tab says so too: {page}");
    // Asked for, it replaces them.
    bob.run(&["login", "demo", "--replace-user"]).ok();
    assert_eq!(bob.run(&["profile", "show", "demo", "--json"]).ok().json()["token"]["subject"], "bob");
}
