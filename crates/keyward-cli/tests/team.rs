//! Teams against a real OpenBao (`bao server -dev`, one per test) and the test rig: a profile shared by
//! one person and used by another, CI with only environment variables and no keychain, two writers of
//! the same shared secret, a member who may only read, an OpenBao that is unreachable, sealed, or that
//! no longer takes the token. Every command runs with `KEYWARD_LOG=trace`, and no output may hold a
//! canary secret the user did not ask to see.

mod common;

use common::bao::{alice_shares, files, holds, rig, Bao, Pending, Person, SECRET_1, SECRET_2, SECRET_3};

#[test]
fn a_profile_shared_by_one_person_is_used_by_another_and_the_kv_holds_no_personal_secret() {
    let never = std::cell::RefCell::new(vec![SECRET_1.to_string(), SECRET_2.to_string(), SECRET_3.to_string()]);
    let (rig, _d) = rig();
    let bao = Bao::start();
    let (alice, alice_bao) = alice_shares(&never, &rig, &bao, "T");

    // The profile left A's machine (config and keychain); A's own token is still hers and it still works.
    assert!(alice.config()["profiles"].get("svc").is_none(), "the shared profile is no longer in A's config");
    assert_eq!(alice.kw.keychain("svc", "clientSecret"), None, "the client secret left A's keychain");
    assert!(alice.kw.keychain("svc", "accessToken").is_some(), "A's own access token stays in her keychain");
    alice.token(&rig, "svc");
    assert!(alice.run(&["profile", "list"]).ok().stdout.contains("team:T"));

    // B: another home, another keychain store id, their own OpenBao token.
    let bob_bao = bao.token("kw-canary-bao-token-bob-0002", "member", "bob");
    never.borrow_mut().push(bob_bao.clone());
    let bob = Person::new(&never);
    let run = bob.connect(&bao, "T", &bob_bao).ok();
    assert!(run.stderr.contains("It shares 1 profile(s)"), "{}", run.stderr);
    assert_ne!(bob.kw.store_id(), alice.kw.store_id(), "two keychain namespaces");
    let list = bob.run(&["profile", "list"]).ok().stdout;
    let line = list.lines().find(|l| l.starts_with("svc ")).unwrap_or_else(|| panic!("svc is not listed: {list}"));
    assert!(line.contains("team:T"), "the profile is marked as the team's: {line}");
    let show = bob.run(&["profile", "show", "svc", "--json"]).ok().json();
    assert_eq!(show["hasClientSecret"], true, "{show}");
    assert_eq!(show["team"], "T", "{show}");
    let bob_token = bob.token(&rig, "svc");
    let traced = bob.run(&["token", "svc"]).ok().stderr;
    assert!(traced.contains("TRACE"), "the runs are traced at the most verbose level, and still hold no secret");
    assert!(bob.kw.keychain("svc", "accessToken").is_some(), "B's access token is in B's keychain");
    assert_eq!(bob.kw.keychain("svc", "clientSecret"), None, "the shared secret is not copied to B's keychain");
    assert!(bob.config()["profiles"].get("svc").is_none(), "the team's profile is not written to B's config");
    assert_eq!(
        bob.config()["trustedHosts"]["T"]["svc"],
        serde_json::json!(["127.0.0.1"]),
        "only where it may send credentials, as B accepted it"
    );

    // What the KV holds, every version, read with the root token: the settings and the shared secret;
    // never anyone's OpenBao token nor an access or refresh token.
    let versions = bao.versions("keyward/T/svc");
    assert_eq!(versions.len(), 1, "sharing and using wrote one version: {versions:?}");
    let data = &versions[0].1;
    assert_eq!(data["clientSecret"], SECRET_1);
    assert_eq!(data["profile"]["clientId"], "cc-rotating");
    assert_eq!(data["changedBy"], "token-alice");
    let text = data.to_string();
    for (what, canary) in
        [("B's OpenBao token", &bob_bao), ("A's OpenBao token", &alice_bao), ("B's access token", &bob_token)]
    {
        assert!(!text.contains(canary.as_str()), "{what} is in the team's KV");
    }
    for token in never.borrow().iter().filter(|t| t.starts_with("ey")) {
        assert!(!text.contains(token.as_str()), "an access token is in the team's KV");
    }
    assert!(data.get("accessToken").is_none() && data.get("refreshToken").is_none(), "{data}");

    // Commands that show the profile, or what a request would send, hold no secret (checked on each run).
    let dry = bob.run(&["token", "svc", "--dry-run"]).ok().stdout;
    assert!(dry.contains("cc-rotating"), "{dry}");
    bob.run(&["profile", "show", "svc"]).ok();
    bob.run(&["team", "status", "--json"]).ok();
    bob.run(&["team", "list", "--json"]).ok();
    bob.run(&["export", "dotenv", "svc"]).ok();
    bob.run(&["audit"]).ok();
    // The one way to print the shared secret is to ask for it.
    assert_eq!(bob.run(&["secret", "reveal", "svc", "clientSecret"]).ok().stdout.trim(), SECRET_1);
    // `team status` names the version and who wrote it.
    let status = bob.run(&["team", "status", "T"]).ok().stdout;
    assert!(status.contains("version 1") && status.contains("by token-alice"), "{status}");

    // A profile of B's own by the team profile's name would hide it: refused, naming the team.
    bob.adding_profile(&rig, "svc", SECRET_2).fails(2, "is a profile that team T shares: pick another name");
    assert_eq!(bob.run(&["profile", "show", "svc", "--json"]).ok().json()["team"], "T", "still the team's");
    assert!(bob.config()["profiles"].get("svc").is_none(), "nothing of it written");

    // B disconnects: their OpenBao token and their own tokens for the team's profiles leave the
    // keychain, so a profile B adds later under that name starts afresh; the team keeps the profile.
    let run = bob.run(&["team", "remove", "T"]).ok();
    assert!(run.stderr.contains("your own tokens for its 1 profile(s)"), "{}", run.stderr);
    assert_eq!(bob.kw.secret_tool_accounts(), Vec::<String>::new(), "nothing of the team left in B's keychain");
    assert!(!bob.kw.read("config.json").contains("svc"), "nor in B's config: what B accepted for it went too");
    assert!(!bob.run(&["profile", "list"]).ok().stdout.contains("svc"));
    bob.add_profile(&rig, "svc", SECRET_2);
    assert_ne!(bob.token(&rig, "svc"), bob_token, "a new profile does not inherit the team profile's token");
    assert_eq!(bao.current("keyward/T/svc").0, 1, "the team's profile stays");
    alice.token(&rig, "svc");
}

#[test]
fn ci_with_only_environment_variables_and_no_keychain_gets_a_token_and_writes_no_secret() {
    let never = std::cell::RefCell::new(vec![SECRET_1.to_string()]);
    let (rig, _d) = rig();
    let bao = Bao::start();
    // CI's defaults: team `ci`, path keyward/ci.
    let _ = alice_shares(&never, &rig, &bao, "ci");
    bao.policy("ci-reader", "ci", false);
    let ci_token = bao.token("kw-canary-bao-token-ci-0003", "ci-reader", "ci");
    never.borrow_mut().push(ci_token.clone());

    let mut ci = Person::new(&never);
    ci.kw = ci
        .kw
        .without("DBUS_SESSION_BUS_ADDRESS")
        .without("DISPLAY")
        .without("WAYLAND_DISPLAY")
        .with("KEYWARD_TEAM_ADDR", &bao.addr)
        .with("KEYWARD_TEAM_TOKEN", &ci_token);
    let first = ci.token(&rig, "svc");
    let second = ci.token(&rig, "svc");
    assert_ne!(first, second, "nothing was cached between runs (no keychain, nothing on disk)");
    let list = ci.run(&["team", "list"]).ok().stdout;
    assert!(list.contains("ci") && list.contains("environment"), "{list}");

    for (path, bytes) in files(ci.kw.home.path()) {
        for canary in never.borrow().iter() {
            assert!(!holds(&bytes, canary), "{path} holds a secret");
        }
    }
}

#[test]
fn a_stale_write_is_refused_as_someone_elses_change_and_loses_nothing() {
    let never = std::cell::RefCell::new(vec![SECRET_1.to_string(), SECRET_2.to_string(), SECRET_3.to_string()]);
    let (rig, _d) = rig();
    let bao = Bao::start();
    let (alice, _) = alice_shares(&never, &rig, &bao, "T");
    let bob_bao = bao.token("kw-canary-bao-token-bob-0002", "member", "bob");
    never.borrow_mut().push(bob_bao.clone());
    let bob = Person::new(&never);
    bob.connect(&bao, "T", &bob_bao).ok();

    let edit = ["profile", "edit", "svc", "--client-secret-stdin"];
    // B reads version 1 and waits for the new secret; meanwhile A writes version 2.
    let pending = Pending::start(&bob, &edit);
    alice.run_stdin(&edit, SECRET_2).ok();
    assert_eq!(bao.current("keyward/T/svc").0, 2);
    let run = pending.finish(SECRET_3);
    bob.check(&edit, &run);
    let run = run.fails(3, "someone else changed svc in team T since you read it");
    assert!(
        run.stderr.contains("you had version 1; it is at version 2 now, written by token-alice"),
        "the versions and the writer are named: {}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);

    // A's change is what the team has; B's did not land.
    let (version, data) = bao.current("keyward/T/svc");
    assert_eq!((version, data["clientSecret"].as_str()), (2, Some(SECRET_2)), "A's secret is kept");
    assert_eq!(bob.run(&["secret", "reveal", "svc", "clientSecret"]).ok().stdout.trim(), SECRET_2);
    bob.run(&["token", "svc", "--fresh"]).ok();

    // Tried again on top of it, B's change goes in as version 3.
    bob.run_stdin(&edit, SECRET_3).ok();
    let (version, data) = bao.current("keyward/T/svc");
    assert_eq!(
        (version, data["clientSecret"].as_str(), data["changedBy"].as_str()),
        (3, Some(SECRET_3), Some("token-bob"))
    );
    // Sharing again under the same name never overwrites the team's profile.
    alice.add_profile(&rig, "svc2", SECRET_1);
    let carol_bao = bao.token("kw-canary-bao-token-carol-0004", "member", "carol");
    never.borrow_mut().push(carol_bao.clone());
    let carol = Person::new(&never);
    carol.add_profile(&rig, "svc", SECRET_1);
    carol.connect(&bao, "T", &carol_bao).ok();
    carol
        .run(&["team", "share", "svc", "--team", "T"])
        .fails(3, "team T already shares a profile named svc (version 3)");
    assert_eq!(bao.current("keyward/T/svc").0, 3, "nothing written");
    assert_eq!(carol.kw.keychain("svc", "clientSecret").as_deref(), Some(SECRET_1), "Carol's own profile is kept");
}

#[test]
fn a_member_who_may_only_read_gets_tokens_and_a_refused_write_says_ask_for_write_access() {
    let never = std::cell::RefCell::new(vec![SECRET_1.to_string(), SECRET_2.to_string()]);
    let (rig, _d) = rig();
    let bao = Bao::start();
    let _ = alice_shares(&never, &rig, &bao, "T");
    bao.policy("reader", "T", false);
    let reader_bao = bao.token("kw-canary-bao-token-reader-0005", "reader", "reader");
    never.borrow_mut().push(reader_bao.clone());
    let reader = Person::new(&never);
    reader.connect(&bao, "T", &reader_bao).ok();
    reader.token(&rig, "svc");

    let edit = ["profile", "edit", "svc", "--client-secret-stdin"];
    let run = reader.run_stdin(&edit, SECRET_2).fails(3, "does not let your token write");
    assert!(run.stderr.contains("ask whoever runs it for that capability"), "{}", run.stderr);
    assert!(!run.stderr.contains("not found") && !run.stderr.contains("no such"), "{}", run.stderr);
    assert_eq!(bao.current("keyward/T/svc"), (1, bao.versions("keyward/T/svc")[0].1.clone()), "nothing written");

    // Sharing is a write too: refused, and the profile stays where it was, with its secret.
    reader.add_profile(&rig, "mine", SECRET_2);
    let run = reader.run(&["team", "share", "mine", "--team", "T"]).fails(3, "does not let your token write");
    assert!(run.stderr.contains("ask whoever runs it"), "{}", run.stderr);
    assert!(reader.config()["profiles"].get("mine").is_some(), "the profile stays on this machine");
    assert_eq!(reader.kw.keychain("mine", "clientSecret").as_deref(), Some(SECRET_2));
}

#[test]
fn an_unreachable_a_sealed_openbao_and_a_revoked_token_each_say_what_to_do() {
    let never = std::cell::RefCell::new(vec![SECRET_1.to_string()]);
    let (rig, _d) = rig();
    let mut bao = Bao::start();
    let _ = alice_shares(&never, &rig, &bao, "T");
    let bob_bao = bao.token("kw-canary-bao-token-bob-0002", "member", "bob");
    never.borrow_mut().push(bob_bao.clone());
    let bob = Person::new(&never);
    bob.connect(&bao, "T", &bob_bao).ok();
    bob.token(&rig, "svc");

    // A revoked token: invalid, and the remedy is to store a new one.
    bao.revoke(&bob_bao);
    for _ in 0..2 {
        let run = bob.run(&["token", "svc"]).fails(3, "does not accept your OpenBao token");
        assert!(
            run.stderr.contains("hint: store a new OpenBao token for the team:")
                && run.stderr.contains(&"keyward team add T --addr URL --token-stdin".to_string()),
            "the remedy is named: {}",
            run.stderr
        );
    }
    bob.run(&["team", "status", "T"]).fails(3, "does not accept your OpenBao token");
    // A bad token is refused at connection time too, and nothing is kept.
    let carol = Person::new(&never);
    never.borrow_mut().push("kw-canary-bao-token-never-valid".into());
    carol.connect(&bao, "T", "kw-canary-bao-token-never-valid").fails(3, "does not accept your OpenBao token");
    assert!(carol.kw.read("config.json").is_empty() || carol.config()["teams"].get("T").is_none());

    // No token for the team in the keychain at all (a keychain reset): waiting on the user, who is told
    // how to connect again.
    keyring::Entry::new("keyward", &format!("{}/team:T/openbaoToken", bob.kw.store_id()))
        .unwrap()
        .delete_credential()
        .unwrap();
    let run = bob.run(&["token", "svc"]).fails(6, "there is no OpenBao token for team T in the keychain");
    assert!(run.stderr.contains("hint: store a new OpenBao token for the team:"), "{}", run.stderr);

    // Sealed: it answers, but nothing until an operator unseals it.
    let bob2_bao = bao.token("kw-canary-bao-token-bob-0006", "member", "bob");
    never.borrow_mut().push(bob2_bao.clone());
    bob.connect(&bao, "T", &bob2_bao).ok();
    bob.token(&rig, "svc");
    bao.ok("POST", "sys/seal", None);
    for _ in 0..2 {
        let run = bob.run(&["token", "svc"]).fails(4, &format!("team T's OpenBao at {} is sealed", bao.addr));
        assert!(run.stderr.contains("ask whoever runs it"), "{}", run.stderr);
    }

    // Gone: unreachable, with its address.
    let addr = bao.addr.clone();
    bao.kill();
    for _ in 0..2 {
        let run = bob.run(&["token", "svc"]).fails(4, &format!("could not reach team T's OpenBao at {addr}"));
        assert!(run.stderr.contains("nothing answers at that address"), "{}", run.stderr);
    }
    bob.run(&["team", "status"]).fails(4, &format!("could not reach team T's OpenBao at {addr}"));
    // Listing profiles still works: the team's are missing, with a warning that says why.
    let run = bob.run(&["profile", "list"]).ok();
    assert!(run.stderr.contains(&format!("warning: could not reach team T's OpenBao at {addr}")), "{}", run.stderr);
    // Disconnecting still works, and says what it could not clean up.
    let run = bob.run(&["team", "remove", "T"]).ok();
    assert!(run.stderr.contains("warning: could not list team T's profiles"), "{}", run.stderr);
    assert!(run.stderr.contains("your own tokens for them may stay in the keychain"), "{}", run.stderr);
    assert!(bob.config()["teams"].get("T").is_none());
}

#[test]
fn a_change_to_a_shared_profile_goes_to_the_team_never_only_to_one_machine() {
    let never = std::cell::RefCell::new(vec![SECRET_1.to_string()]);
    let (rig, _d) = rig();
    let bao = Bao::start();
    let (alice, _) = alice_shares(&never, &rig, &bao, "T");
    let bob_bao = bao.token("kw-canary-bao-token-bob-0002", "member", "bob");
    never.borrow_mut().push(bob_bao.clone());
    let bob = Person::new(&never);
    bob.connect(&bao, "T", &bob_bao).ok();

    // A setting: a new version of the team's entry, which the others see.
    bob.run(&["profile", "edit", "svc", "--set", "audience=https://api.keyward.test"]).ok();
    let (version, data) = bao.current("keyward/T/svc");
    assert_eq!((version, data["profile"]["audience"].as_str()), (2, Some("https://api.keyward.test")), "{data}");
    assert_eq!(data["clientSecret"], SECRET_1, "the shared secret is kept");
    assert_eq!(data["changedBy"], "token-bob");
    assert_eq!(alice.run(&["profile", "show", "svc", "--json"]).ok().json()["audience"], "https://api.keyward.test");
    let config = bob.kw.read("config.json");
    assert!(
        bob.config()["profiles"].get("svc").is_none() && !config.contains("api.keyward.test"),
        "and nothing of it in B's config file: {config}"
    );

    // An API key profile: the key and its fingerprint travel together.
    let key_1 = "kw-canary-team-api-key-one";
    let key_2 = "kw-canary-team-api-key-two";
    never.borrow_mut().extend([key_1.to_string(), key_2.to_string()]);
    alice.run_stdin(&["apikey", "set", "keys", "--stdin", "--placement", "header:X-API-Key"], key_1).ok();
    let fp_1 = alice.run(&["profile", "show", "keys", "--json"]).ok().json()["apiKeyFingerprint"].clone();
    alice.run(&["team", "share", "keys", "--team", "T"]).ok();
    bob.run_stdin(&["apikey", "set", "keys", "--stdin"], key_2).ok();
    assert!(bob.config()["profiles"].get("keys").is_none(), "no local copy shadows the team's profile");
    assert_eq!(bob.kw.keychain("keys", "apiKey"), None, "the key is not in B's keychain");
    let (_, data) = bao.current("keyward/T/keys");
    assert_eq!(data["apiKey"], key_2);
    let fp_2 = alice.run(&["profile", "show", "keys", "--json"]).ok().json()["apiKeyFingerprint"].clone();
    assert_ne!(fp_1, fp_2, "the fingerprint the team sees is the new key's");
    assert_eq!(data["profile"]["apiKeyFingerprint"], fp_2);
    assert_eq!(alice.run(&["token", "keys"]).ok().stdout.trim(), key_2);
    let list = bob.run(&["apikey", "list"]).ok().stdout;
    assert!(list.contains("keys"), "the team's API keys are listed: {list}");
}

#[test]
fn a_deleted_name_can_be_shared_again_and_an_entry_that_is_no_profile_is_named() {
    let never = std::cell::RefCell::new(vec![SECRET_1.to_string(), SECRET_2.to_string()]);
    let (rig, _d) = rig();
    let bao = Bao::start();
    let (alice, _) = alice_shares(&never, &rig, &bao, "T");

    // Someone deletes the team's svc (its latest version; the history stays): it is gone for everyone,
    // and sharing a profile under that name again writes on top of the history.
    bao.ok("DELETE", "secret/data/keyward/T/svc", None);
    alice.run(&["token", "svc"]).fails(2, "no profile named \"svc\"");
    alice.add_profile(&rig, "svc", SECRET_2);
    let run = alice.run(&["team", "share", "svc", "--team", "T"]).ok();
    assert!(run.stderr.contains("Shared svc with team T (version 2; moved clientSecret)"), "{}", run.stderr);
    assert_eq!(bao.current("keyward/T/svc").1["clientSecret"], SECRET_2);
    alice.token(&rig, "svc");
    // A name the team holds is never overwritten by sharing.
    alice.add_profile(&rig, "other", SECRET_1);
    bao.ok(
        "POST",
        "secret/data/keyward/T/other",
        Some(serde_json::json!({ "data": { "profile": { "strategy": "api-key" } } })),
    );
    alice
        .run(&["team", "share", "other", "--team", "T"])
        .fails(3, "team T already shares a profile named other (version 1)");

    // An entry that names one of the reader's own key pairs is refused, not used to sign.
    alice.run(&["key", "new", "mine", "--alg", "ES384"]).ok();
    let entry = serde_json::json!({ "data": { "profile": {
        "strategy": "private-key-jwt", "url": rig.token_endpoint, "clientId": "pkjwt-es384", "keyName": "mine"
    } } });
    bao.ok("POST", "secret/data/keyward/T/signer", Some(entry));
    alice.run(&["token", "signer"]).fails(3, "team T's entry signer is not a profile this Keyward can read");
    let run = alice.run(&["profile", "list"]).ok();
    assert!(run.stderr.contains("signs with a key pair (keyName)"), "{}", run.stderr);
    assert!(run.stdout.contains("svc"), "the readable ones are listed: {}", run.stdout);
}

#[test]
fn a_version_that_sends_credentials_to_a_new_host_is_used_only_once_the_member_accepts_it() {
    let never = std::cell::RefCell::new(vec![SECRET_1.to_string()]);
    let (rig, _d) = rig();
    let bao = Bao::start();
    let (alice, _) = alice_shares(&never, &rig, &bao, "T");
    let bob_bao = bao.token("kw-canary-bao-token-bob-0002", "member", "bob");
    never.borrow_mut().push(bob_bao.clone());
    let bob = Person::new(&never);
    bob.connect(&bao, "T", &bob_bao).ok();

    // The first version B reads is accepted as it is, and remembered (trust on first use).
    bob.token(&rig, "svc");
    assert_eq!(bob.config()["trustedHosts"]["T"]["svc"], serde_json::json!(["127.0.0.1"]));
    assert_eq!(alice.config()["trustedHosts"]["T"]["svc"], serde_json::json!(["127.0.0.1"]), "the sharer's own");

    // A points the profile's API somewhere new: her own change, so her Keyward trusts it; B's does not
    // use that version, for a token or anything else, until B accepts it.
    alice.run(&["profile", "edit", "svc", "--set", "apiBaseUrl=https://api.partner.example"]).ok();
    alice.run(&["profile", "show", "svc", "--json"]).ok();
    let refused = bob.run(&["token", "svc"]).fails(3, "team T changed where svc sends its credentials (version 2, written by token-alice): now also to .partner.example, which you have not accepted");
    assert!(refused.stderr.contains("keyward team accept svc --team T"), "{}", refused.stderr);
    let list = bob.run(&["profile", "list"]).ok();
    assert!(!list.stdout.contains("svc"), "the version not accepted is not listed: {}", list.stdout);
    assert!(list.stderr.contains("changed where svc sends its credentials"), "and the list says why: {}", list.stderr);
    let run = bob.run(&["team", "accept", "svc", "--team", "T"]).ok();
    assert!(
        run.stderr.contains("Accepted: team T's svc may send its credentials to .partner.example, 127.0.0.1"),
        "{}",
        run.stderr
    );
    bob.token(&rig, "svc");

    // Someone who may write to the team's store (here the root token, as a stolen writer's token would)
    // points the token endpoint at a collector: neither A nor B sends the shared secret there.
    let (_, mut data) = bao.current("keyward/T/svc");
    data["profile"]["url"] = serde_json::json!("https://collector.evil.test/token");
    data["changedBy"] = serde_json::json!("token-mallory");
    bao.ok("POST", "secret/data/keyward/T/svc", Some(serde_json::json!({ "data": data })));
    for who in [&alice, &bob] {
        let refused = who
            .run(&["token", "svc", "--fresh"])
            .fails(3, "(version 3, written by token-mallory): now also to .evil.test");
        assert!(!refused.stderr.contains("collector.evil.test/token\" "), "{}", refused.stderr);
        who.run(&["token", "svc"]).fails(3, "which you have not accepted");
    }
    let audit = bob.kw.read("audit.jsonl");
    assert!(audit.contains("accepted where team T's version 2 sends credentials"), "{audit}");
}
