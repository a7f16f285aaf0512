//! Profiles: add, edit, list, show, remove, and bad input refused with a clear message and nothing lost.

mod common;

use common::Kw;

const ISSUER: &str = "https://id.example.com";

#[test]
fn add_edit_show_list_remove() {
    let kw = Kw::new();
    kw.run(&[
        "profile",
        "add",
        "api",
        "--strategy",
        "pkce",
        "--issuer",
        ISSUER,
        "--client-id",
        "app",
        "--scope",
        "openid  read:users",
    ])
    .ok();
    let v = kw.run(&["profile", "show", "api", "--json"]).ok().json();
    assert_eq!(v["strategy"], "pkce");
    assert_eq!(v["scopes"], "openid read:users");
    assert_eq!(v["hasClientSecret"], false);
    assert_eq!(v["hasRefreshToken"], false);
    assert_eq!(v["status"], "signInRequired", "a PKCE profile nobody logged in to yet");

    kw.run(&["profile", "edit", "api", "--set", "redirectPort=8765", "--set", "authorizeParams.prompt=consent"]).ok();
    let v = kw.run(&["profile", "show", "api", "--json"]).ok().json();
    assert_eq!(v["redirectPort"], 8765);
    assert_eq!(v["authorizeParams"]["prompt"], "consent");
    assert_eq!(v["clientId"], "app", "edit keeps the other fields");
    // An edit that sends every field, as the window's form does, is audited by what it changed.
    kw.run(&["profile", "edit", "api", "--set", "clientId=app", "--set", "redirectPort=8766"]).ok();
    kw.run(&["profile", "edit", "api", "--set", "clientId=app"]).ok();
    let audit = kw.run(&["audit", "--json"]).ok().json();
    let changes: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "profile-changed")
        .map(|e| e["detail"].as_str().unwrap())
        .collect();
    assert_eq!(changes, ["changed redirectPort, authorizeParams.prompt", "changed redirectPort"], "{audit}");

    kw.run(&["profile", "add", "other", "--issuer", ISSUER, "--client-id", "x"]).ok();
    let list = kw.run(&["profile", "list", "--json"]).ok().json();
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["api", "other"]);
    assert!(kw.run(&["profile", "list"]).ok().stdout.contains("not signed in"));

    kw.run(&["profile", "remove", "api"]).ok();
    kw.run(&["profile", "show", "api"]).fails(2, "no profile named \"api\"");
    let config: serde_json::Value = serde_json::from_str(&kw.read("config.json")).unwrap();
    assert_eq!(config["version"], 1, "the config file is versioned");
    assert!(config["profiles"].get("api").is_none());
}

#[test]
fn bad_input_is_refused_and_loses_nothing() {
    let kw = Kw::new();
    kw.run(&["profile", "add", "ok", "--issuer", ISSUER, "--client-id", "app"]).ok();
    let before = kw.read("config.json");

    kw.run(&["profile", "add", "ok", "--issuer", ISSUER, "--client-id", "app"]).fails(2, "already exists");
    kw.run(&["profile", "add", "bad name", "--issuer", ISSUER, "--client-id", "a"])
        .fails(2, "not a valid profile name");
    kw.run(&["profile", "add", "x", "--strategy", "magic", "--issuer", ISSUER])
        .fails(2, "unknown strategy \"magic\"; known: pkce, client-credentials, private-key-jwt");
    kw.run(&["profile", "add", "x", "--issuer", "http://id.example.com", "--client-id", "a"]).fails(2, "use https");
    kw.run(&["profile", "add", "x", "--issuer", "not a url", "--client-id", "a"]).fails(2, "issuer: not a URL");
    kw.run(&["profile", "add", "x", "--issuer", ISSUER]).fails(2, "clientId: required");
    kw.run(&["profile", "add", "x", "--client-id", "a"]).fails(2, "set the issuer (for discovery)");
    kw.run(&["profile", "edit", "ok", "--set", "colour=blue"])
        .fails(2, "unknown field \"colour\"; this strategy has: issuer, clientId");
    kw.run(&["profile", "edit", "ok", "--set", "redirectPort=http"]).fails(2, "redirectPort: a port number");
    kw.run(&["profile", "edit", "ok", "--set", "clientSecret=hunter2"])
        .fails(2, "secrets never go on the command line");
    kw.run(&["profile", "edit", "ok", "--set", "noequals"]).fails(2, "FIELD=VALUE");
    kw.run(&["profile", "edit", "missing", "--set", "scopes=a"]).fails(2, "no profile named \"missing\"");
    kw.run(&["login", "missing"]).fails(2, "no profile named \"missing\"");
    assert_eq!(kw.read("config.json"), before, "refused input changes nothing");

    std::fs::write(kw.home.path().join("config.json"), "{ broken").unwrap();
    kw.run(&["profile", "list"]).fails(2, "is not valid");
    assert_eq!(kw.read("config.json"), "{ broken", "a broken config is never overwritten");
}

#[test]
fn strategies_describe_their_fields() {
    let kw = Kw::new();
    let s = kw.run(&["strategies", "--json"]).ok().json();
    let pkce = &s.as_array().unwrap()[0];
    assert_eq!(pkce["id"], "pkce");
    let client_id = pkce["fields"].as_array().unwrap().iter().find(|f| f["name"] == "clientId").unwrap();
    assert_eq!(client_id["required"], true);
    assert!(!client_id["help"].as_str().unwrap().is_empty());
    assert!(kw.run(&["strategies"]).ok().stdout.contains("redirectPort"));
}

#[test]
fn a_client_secret_goes_to_the_keychain_and_nowhere_else() {
    let kw = Kw::new().with("KEYWARD_LOG", "trace");
    let canary = format!("kw-canary-{}", std::process::id());
    let add = kw.run_stdin(
        &["profile", "add", "conf", "--issuer", ISSUER, "--client-id", "app", "--client-secret-stdin"],
        &format!("{canary}\n"),
    );
    let add = add.ok();
    assert_eq!(kw.keychain("conf", "clientSecret").as_deref(), Some(canary.as_str()), "stored without the newline");
    assert!(
        kw.secret_tool_accounts().iter().any(|a| a.ends_with("/conf/clientSecret")),
        "libsecret sees it in the Secret Service"
    );
    let show = kw.run(&["profile", "show", "conf", "--json"]).ok();
    assert_eq!(show.json()["hasClientSecret"], true);
    let edit = kw.run(&["profile", "edit", "conf", "--set", "scopes=openid"]).ok();
    assert_eq!(kw.keychain("conf", "clientSecret").as_deref(), Some(canary.as_str()), "edit keeps the secret");
    for (place, text) in [
        ("add output", add.stdout + &add.stderr),
        ("show output", show.stdout + &show.stderr),
        ("edit output", edit.stdout + &edit.stderr),
        ("config file", kw.read("config.json")),
        ("audit log", kw.read("audit.jsonl")),
    ] {
        assert!(!text.contains(&canary), "the client secret leaked into the {place}");
    }
    kw.run(&["profile", "remove", "conf"]).ok();
    assert!(kw.secret_tool_accounts().is_empty(), "remove deletes the keychain entries");
    kw.run_stdin(&["profile", "add", "empty", "--issuer", ISSUER, "--client-id", "a", "--client-secret-stdin"], "")
        .fails(2, "standard input was empty");
}
