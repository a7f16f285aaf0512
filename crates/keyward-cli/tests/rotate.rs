//! Rotating an API key with zero downtime against the rig's API, which re-reads its keys file on every
//! request: a loop of authenticated requests (through `keyward call`, and as an app that reads its
//! `.env` file) runs for the whole rotation and sees no failure; after `retired` the old key gets 401.
//! Abort at every step restores a working old key; a refusing target is never replayed; the overlap and
//! the traffic check hold the retirement back; a crash at each step leaves a rotation `next` finishes.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use common::{Kw, Rig};

const OLD: &str = "rk_test_oldoldoldoldoldoldoldoldoldoldold00";

struct Setup {
    rig: Rig,
    kw: Kw,
    keys: PathBuf,
    env: PathBuf,
    _dir: tempfile::TempDir,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys.txt");
    std::fs::write(&keys, format!("# the API's keys\n{OLD} billing read:users\nrk_test_someoneelse0000000000000000000000000 other read:users\n")).unwrap();
    let env = dir.path().join("app.env");
    std::fs::write(&env, format!("APP_NAME='billing worker'\nBILLING_KEY={OLD}\nLOG_LEVEL=info\n")).unwrap();
    std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o640)).unwrap();
    let rig = Rig::start(&["--api-keys-file", keys.to_str().unwrap()]);
    let kw = Kw::new();
    kw.run_stdin(
        &["apikey", "set", "billing", "--stdin", "--placement", "header:X-API-Key", "--base-url", &rig.whoami()],
        OLD,
    )
    .ok();
    Setup { rig, kw, keys, env, _dir: dir }
}

fn start_args<'a>(s: &'a Setup, keys: &'a str, env: &'a str, whoami: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let _ = s;
    let mut a = vec![
        "rotate",
        "start",
        "billing",
        "--target",
        keys,
        "--line",
        "{key} {name} read:users",
        "--target",
        env,
        "--line",
        "BILLING_KEY={key}",
        "--verify-url",
        whoami,
        "--prefix",
        "rk_test_",
        "--yes",
    ];
    a.extend(extra);
    a
}

fn state(kw: &Kw) -> String {
    kw.run(&["rotate", "status", "billing", "--json"]).ok().json()["state"].as_str().unwrap().to_string()
}

/// What an app that reads its `.env` file sees: the last BILLING_KEY line (as node, python-dotenv and
/// shells read a repeated name).
fn env_key(env: &Path) -> String {
    std::fs::read_to_string(env)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("BILLING_KEY="))
        .next_back()
        .unwrap()
        .to_string()
}

fn whoami_with(rig: &Rig, key: &str) -> u16 {
    let out = Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", &format!("X-API-Key: {key}"), &rig.whoami()])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).parse().unwrap_or(0)
}

#[test]
fn an_api_key_rotation_with_a_request_loop_sees_no_failure() {
    let s = setup();
    let (keys, env, who) = (format!("file:{}", s.keys.display()), format!("file:{}", s.env.display()), s.rig.whoami());
    let stop = Arc::new(AtomicBool::new(false));
    let (ok, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let failures = Arc::new(std::sync::Mutex::new(Vec::new()));
    let loops: Vec<_> = (0..2)
        .map(|which| {
            let (stop, ok, failed, failures) = (stop.clone(), ok.clone(), failed.clone(), failures.clone());
            let cmd = s.kw.command(&["call", "billing", &who]);
            let envs: Vec<(String, String)> =
                cmd.get_envs().filter_map(|(k, v)| Some((k.to_str()?.into(), v?.to_str()?.into()))).collect();
            let (bin, env_path, api) = (cmd.get_program().to_owned(), s.env.clone(), who.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let good = if which == 0 {
                        let out = Command::new(&bin)
                            .args(["call", "billing", &api])
                            .envs(envs.iter().cloned())
                            .output()
                            .unwrap();
                        out.status.success() || {
                            failures
                                .lock()
                                .unwrap()
                                .push(String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("").to_string());
                            false
                        }
                    } else {
                        let key = env_key(&env_path);
                        let out = Command::new("curl")
                            .args([
                                "-s",
                                "-o",
                                "/dev/null",
                                "-w",
                                "%{http_code}",
                                "-H",
                                &format!("X-API-Key: {key}"),
                                &api,
                            ])
                            .output()
                            .unwrap();
                        String::from_utf8_lossy(&out.stdout) == "200" || {
                            failures
                                .lock()
                                .unwrap()
                                .push(format!("app: HTTP {}", String::from_utf8_lossy(&out.stdout)));
                            false
                        }
                    };
                    if good {
                        ok.fetch_add(1, Ordering::Relaxed)
                    } else {
                        failed.fetch_add(1, Ordering::Relaxed)
                    };
                }
            })
        })
        .collect();
    let pause = || std::thread::sleep(std::time::Duration::from_millis(400));
    pause();

    let run = s.kw.run(&start_args(&s, &keys, &env, &who, &[])).ok();
    assert!(run.stderr.contains("Created the new credential"), "{}", run.stderr);
    let status = s.kw.run(&["rotate", "status", "billing", "--json"]).ok().json();
    assert_eq!(status["state"], "created");
    assert_eq!(status["next"], "deploy");
    let new_fp = status["rotation"]["newFingerprint"].as_str().unwrap().to_string();
    assert!(status["plan"].to_string().contains("the old"), "{status}");
    pause();

    s.kw.run(&["rotate", "next", "billing", "--yes"]).ok();
    assert_eq!(state(&s.kw), "deployed");
    let keys_text = std::fs::read_to_string(&s.keys).unwrap();
    assert!(keys_text.contains(OLD), "both keys valid during the overlap");
    let new_key =
        keys_text.lines().find(|l| l.starts_with("rk_test_") && !l.contains(OLD) && l.contains("billing")).unwrap();
    let new_key = new_key.split_whitespace().next().unwrap().to_string();
    assert!(new_key.len() >= "rk_test_".len() + 43);
    assert_eq!(env_key(&s.env), new_key, "the app reads the new key (the last line)");
    assert_eq!(s.kw.keychain("billing", "apiKey").as_deref(), Some(OLD), "the profile still uses the old key");
    pause();

    s.kw.run(&["rotate", "next", "billing", "--yes"]).ok();
    assert_eq!(state(&s.kw), "verified");
    assert_eq!(s.kw.keychain("billing", "apiKey").as_deref(), Some(new_key.as_str()), "the profile switched");
    pause();

    let run = s.kw.run(&["rotate", "next", "billing", "--yes"]).ok();
    assert!(run.stderr.contains("Done: old credential"), "{}", run.stderr);
    pause();
    stop.store(true, Ordering::Relaxed);
    for l in loops {
        l.join().unwrap();
    }
    assert_eq!(
        failed.load(Ordering::Relaxed),
        0,
        "requests failed during the rotation: {:?}",
        failures.lock().unwrap()
    );
    assert!(ok.load(Ordering::Relaxed) >= 10, "the loops ran: {}", ok.load(Ordering::Relaxed));

    let status = s.kw.run(&["rotate", "status", "billing", "--json"]).ok().json();
    assert_eq!(status["state"], "retired");
    let evidence = status["rotation"]["evidence"].as_array().unwrap();
    assert!(evidence.iter().any(|e| e["what"] == "the old credential, after retiring" && e["ok"] == true), "{status}");
    assert_eq!(whoami_with(&s.rig, OLD), 401, "the old key is refused");
    assert_eq!(whoami_with(&s.rig, &new_key), 200);
    let keys_text = std::fs::read_to_string(&s.keys).unwrap();
    assert!(!keys_text.contains(OLD) && keys_text.contains("someoneelse") && keys_text.starts_with("# the API's keys"));
    let env_text = std::fs::read_to_string(&s.env).unwrap();
    assert_eq!(
        env_text,
        format!("APP_NAME='billing worker'\nBILLING_KEY={new_key}\nLOG_LEVEL=info\n"),
        "other lines kept"
    );
    assert_eq!(std::fs::metadata(&s.env).unwrap().permissions().mode() & 0o777, 0o640, "permissions kept");
    assert!(
        s.kw.keychain("billing", "rotationPrevious").is_none() && s.kw.keychain("billing", "rotationNext").is_none()
    );
    // Nothing more to do; the audit log has every step, fingerprints, no key.
    s.kw.run(&["rotate", "next", "billing", "--yes"]).fails(2, "is over (retired)");
    let audit = s.kw.run(&["audit", "--json"]).ok().stdout;
    assert!(audit.contains("\"rotation\"") && audit.contains(&new_fp), "{audit}");
    assert!(!audit.contains(OLD) && !audit.contains(&new_key), "no key in the audit log");
    let show = s.kw.run(&["rotate", "status", "billing"]).ok().stdout;
    assert!(!show.contains(&new_key) && !show.contains(OLD));
}

#[test]
fn abort_at_every_step_restores_the_old_key() {
    for steps in 0..3 {
        let s = setup();
        let (keys, env, who) =
            (format!("file:{}", s.keys.display()), format!("file:{}", s.env.display()), s.rig.whoami());
        let keys_before = std::fs::read_to_string(&s.keys).unwrap();
        let env_before = std::fs::read_to_string(&s.env).unwrap();
        s.kw.run(&start_args(&s, &keys, &env, &who, &[])).ok();
        for _ in 0..steps {
            s.kw.run(&["rotate", "next", "billing", "--yes"]).ok();
        }
        let run = s.kw.run(&["rotate", "abort", "billing", "--yes"]).ok();
        assert!(run.stderr.contains("Aborted:"), "{}", run.stderr);
        assert_eq!(state(&s.kw), "aborted", "after {steps} steps");
        assert_eq!(std::fs::read_to_string(&s.keys).unwrap(), keys_before, "keys file as before, after {steps} steps");
        assert_eq!(std::fs::read_to_string(&s.env).unwrap(), env_before, ".env as before, after {steps} steps");
        assert_eq!(s.kw.keychain("billing", "apiKey").as_deref(), Some(OLD), "the old key in use after {steps} steps");
        assert!(
            s.kw.keychain("billing", "rotationNext").is_none()
                && s.kw.keychain("billing", "rotationPrevious").is_none()
        );
        s.kw.run(&["call", "billing", &who]).ok();
        s.kw.run(&["rotate", "abort", "billing", "--yes"]).fails(2, "is over (aborted)");
    }
}

/// `rotate start billing` with the API's keys file and a command target `hook` (a `cmd:` spec).
fn start_with_hook(s: &Setup, hook: &str) {
    let keys = format!("file:{}", s.keys.display());
    let who = s.rig.whoami();
    let args = ["rotate", "start", "billing", "--target", &keys, "--line", "{key} {name} read:users"];
    s.kw.run(&[&args[..], &["--target", hook, "--verify-url", &who, "--yes"]].concat()).ok();
}

#[test]
fn a_refusing_target_is_not_replayed_and_abort_is_offered() {
    let s = setup();
    let who = s.rig.whoami();
    let calls = s.kw.home.path().join("calls");
    // A deploy hook that refuses to deploy (and has nothing to undo on abort).
    let refuse = format!(
        "cmd:[ \"$KEYWARD_ROTATION_STEP\" = deploy ] || exit 0; echo call >> {}; echo 'vault is sealed' >&2; exit 1",
        calls.display()
    );
    start_with_hook(&s, &refuse);
    let run = s.kw.run(&["rotate", "next", "billing", "--yes"]).fails(3, "refused");
    assert!(run.stderr.contains("vault is sealed") && run.stderr.contains("rotate abort billing"), "{}", run.stderr);
    s.kw.run(&["rotate", "next", "billing", "--yes"]).fails(3, "Nothing was replayed");
    assert_eq!(std::fs::read_to_string(&calls).unwrap().lines().count(), 1, "the refused step ran once");
    let status = s.kw.run(&["rotate", "status", "billing", "--json"]).ok().json();
    assert!(status["blocked"].as_str().unwrap().contains("refused at deploy"), "{status}");
    assert_eq!(s.kw.keychain("billing", "apiKey").as_deref(), Some(OLD), "the old key stays in use");
    s.kw.run(&["rotate", "abort", "billing", "--yes"]).ok();
    assert!(!std::fs::read_to_string(&s.keys).unwrap().lines().any(|l| l.contains("billing") && !l.contains(OLD)));
    s.kw.run(&["call", "billing", &who]).ok();
}

/// A target that refuses to retire: the old key may already be gone from the targets before it, so abort
/// is no longer offered (it would leave them with neither key); `next` retires again once the target is
/// fixed, and the key in use works throughout.
#[test]
fn a_refused_retire_is_finished_not_aborted() {
    let s = setup();
    let who = s.rig.whoami();
    let sealed = s.kw.home.path().join("sealed");
    std::fs::write(&sealed, "").unwrap();
    let refuse = format!(
        "cmd:[ \"$KEYWARD_ROTATION_STEP\" = retire ] || exit 0; [ -e {0} ] || exit 0; echo 'vault is sealed' >&2; exit 1",
        sealed.display()
    );
    start_with_hook(&s, &refuse);
    s.kw.run(&["rotate", "next", "billing", "--yes"]).ok();
    s.kw.run(&["rotate", "next", "billing", "--yes"]).ok();
    let run = s.kw.run(&["rotate", "next", "billing", "--yes"]).fails(3, "refused to retire the old credential");
    assert!(run.stderr.contains("vault is sealed"), "{}", run.stderr);
    assert!(
        run.stderr.contains("keyward rotate next billing") && !run.stderr.contains("rotate abort"),
        "{}",
        run.stderr
    );
    assert!(!std::fs::read_to_string(&s.keys).unwrap().contains(OLD), "the keys file was retired before the hook");
    let status = s.kw.run(&["rotate", "status", "billing", "--json"]).ok().json();
    assert_eq!(status["abortable"], false, "{status}");
    assert!(status["refused"].is_null() && status["blocked"].is_null(), "a retire may be tried again: {status}");
    s.kw.run(&["rotate", "abort", "billing", "--yes"]).fails(2, "can only be finished");
    s.kw.run(&["call", "billing", &who]).ok();
    std::fs::remove_file(&sealed).unwrap();
    s.kw.run(&["rotate", "next", "billing", "--yes"]).ok();
    assert_eq!(state(&s.kw), "retired");
    s.kw.run(&["call", "billing", &who]).ok();
}

#[test]
fn the_overlap_and_the_traffic_check_hold_the_retirement_back() {
    let s = setup();
    let (keys, env, who) = (format!("file:{}", s.keys.display()), format!("file:{}", s.env.display()), s.rig.whoami());
    s.kw.run(&start_args(&s, &keys, &env, &who, &["--overlap", "1h"])).ok();
    s.kw.run(&["rotate", "next", "billing", "--yes"]).ok();
    s.kw.run(&["rotate", "next", "billing", "--yes"]).ok();
    s.kw.run(&["rotate", "next", "billing", "--yes"]).fails(6, "may be retired at");
    assert_eq!(state(&s.kw), "verified");
    s.kw.run(&["rotate", "abort", "billing", "--yes"]).ok();

    // The traffic check: the user's command reports the old key's use by its fingerprint.
    let check = "test \"$KEYWARD_OLD_FINGERPRINT\" && echo 'used 3 times in the last hour'";
    s.kw.run(&start_args(&s, &keys, &env, &who, &["--check-old", check])).ok();
    s.kw.run(&["rotate", "next", "billing", "--yes"]).ok();
    s.kw.run(&["rotate", "next", "billing", "--yes"]).ok();
    let run = s.kw.run(&["rotate", "next", "billing", "--yes"]).fails(3, "still in use (used 3 times");
    assert!(run.stderr.contains("hint: "), "{}", run.stderr);
    assert!(std::fs::read_to_string(&s.keys).unwrap().contains(OLD), "nothing retired");
    s.kw.run(&["rotate", "next", "billing", "--yes", "--force"]).ok();
    assert_eq!(state(&s.kw), "retired");
}

#[test]
fn a_crash_at_each_step_leaves_a_rotation_next_finishes() {
    common::require_fail_points();
    for point in ["rotate:deploy", "rotate:verify-before-switch", "rotate:retire"] {
        let s = setup();
        let (keys, env, who) =
            (format!("file:{}", s.keys.display()), format!("file:{}", s.env.display()), s.rig.whoami());
        s.kw.run(&start_args(&s, &keys, &env, &who, &[])).ok();
        let mut crashed = false;
        for _ in 0..3 {
            let out =
                s.kw.command(&["rotate", "next", "billing", "--yes"]).env("KEYWARD_FAIL_AT", point).output().unwrap();
            if out.status.signal() == Some(6) {
                crashed = true;
                break;
            }
        }
        assert!(crashed, "reached {point}");
        // status tells the truth: the step was started, not done.
        let status = s.kw.run(&["rotate", "status", "billing", "--json"]).ok().json();
        let last = status["rotation"]["journal"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["phase"], "started", "{point}: {status}");
        s.kw.run(&["call", "billing", &who]).ok();
        while state(&s.kw) != "retired" {
            s.kw.run(&["rotate", "next", "billing", "--yes"]).ok();
        }
        let keys_text = std::fs::read_to_string(&s.keys).unwrap();
        assert_eq!(
            keys_text.lines().filter(|l| l.contains(" billing ")).count(),
            1,
            "{point}: one billing key, no duplicate: {keys_text}"
        );
        assert!(!keys_text.contains(OLD));
        s.kw.run(&["call", "billing", &who]).ok();
    }
}

#[test]
fn rotation_refuses_what_it_cannot_do() {
    let s = setup();
    s.kw.run(&["rotate", "status", "billing"]).fails(2, "no rotation under way");
    s.kw.run(&["rotate", "start", "billing", "--yes"]).fails(2, "verified by a request");
    s.kw.run(&["rotate", "start", "billing", "--target", "file:/tmp/x", "--verify-url", &s.rig.whoami(), "--yes"])
        .fails(2, "line template");
    s.kw.run(&["rotate", "start", "billing", "--verify-url", "https://elsewhere.example/", "--yes"])
        .fails(2, "elsewhere.example");
    s.kw.run(&["rotate", "start", "billing", "--verify-url", &s.rig.whoami()]).fails(2, "add --yes");
    s.kw.run(&["rotate", "start", "billing", "--verify-url", &s.rig.whoami(), "--yes"]).ok();
    s.kw.run(&["rotate", "start", "billing", "--verify-url", &s.rig.whoami(), "--yes"]).fails(2, "under way (created)");
}

/// Runs `keyward token NAME --fresh` (a new token with the current credential each time) until stopped;
/// returns the failures' last lines.
fn token_loop(kw: &Kw, name: &str) -> (Arc<AtomicBool>, std::thread::JoinHandle<(usize, Vec<String>)>) {
    let stop = Arc::new(AtomicBool::new(false));
    let cmd = kw.command(&["token", name, "--fresh"]);
    let envs: Vec<(String, String)> =
        cmd.get_envs().filter_map(|(k, v)| Some((k.to_str()?.into(), v?.to_str()?.into()))).collect();
    let (bin, name, flag) = (cmd.get_program().to_owned(), name.to_string(), stop.clone());
    let handle = std::thread::spawn(move || {
        let (mut ok, mut failures) = (0, Vec::new());
        while !flag.load(Ordering::Relaxed) {
            let out = Command::new(&bin).args(["token", &name, "--fresh"]).envs(envs.iter().cloned()).output().unwrap();
            if out.status.success() {
                ok += 1;
            } else {
                failures
                    .push(String::from_utf8_lossy(&out.stderr).lines().filter(|l| l.starts_with("keyward:")).collect());
            }
        }
        (ok, failures)
    });
    (stop, handle)
}

#[test]
fn a_client_secret_rotation_keeps_tokens_coming() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = dir.path().join("provider-secrets.txt");
    std::fs::write(&secrets, "kw-old-client-secret\n").unwrap();
    let rig = Rig::start(&["--rotating-secrets", secrets.to_str().unwrap()]);
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
            "cc-rotating",
            "--scope",
            "read:users",
            "--api-base-url",
            &rig.whoami(),
            "--client-secret-stdin",
        ],
        "kw-old-client-secret",
    )
    .ok();
    kw.run(&["token", "svc"]).ok();
    let (stop, tokens) = token_loop(&kw, "svc");
    // The provider's side, as a deploy hook: the new secret in on deploy, the old one (by fingerprint) out
    // on retire, the new one out on abort.
    let hook = format!(
        "cmd:f={f}; case $KEYWARD_ROTATION_STEP in deploy) cat >> $f; echo >> $f;; \
         retire) drop=$KEYWARD_OLD_FINGERPRINT;; abort) drop=$KEYWARD_NEW_FINGERPRINT;; esac; \
         [ -n \"$drop\" ] || exit 0; while read -r l; do [ -z \"$l\" ] && continue; \
         [ \"$(printf %s \"$l\" | sha256sum | cut -c1-8)\" = \"$drop\" ] || echo \"$l\"; done < $f > $f.new && mv $f.new $f",
        f = secrets.display()
    );
    kw.run_stdin(&["rotate", "start", "svc", "--target", &hook, "--new-secret-stdin", "--yes"], "kw-new-client-secret")
        .ok();
    kw.run(&["rotate", "next", "svc", "--yes"]).ok();
    assert_eq!(std::fs::read_to_string(&secrets).unwrap().lines().filter(|l| !l.is_empty()).count(), 2, "both valid");
    kw.run(&["rotate", "next", "svc", "--yes"]).ok();
    assert_eq!(kw.keychain("svc", "clientSecret").as_deref(), Some("kw-new-client-secret"), "the profile switched");
    let run = kw.run(&["rotate", "next", "svc", "--yes"]).ok();
    assert!(run.stderr.contains("removed and forgotten"), "{}", run.stderr);
    std::thread::sleep(std::time::Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    let (ok, failures) = tokens.join().unwrap();
    assert!(failures.is_empty(), "token requests failed during the rotation: {failures:?}");
    assert!(ok >= 5, "the loop ran: {ok}");
    assert_eq!(std::fs::read_to_string(&secrets).unwrap().trim(), "kw-new-client-secret", "the old secret is gone");
    assert!(kw.keychain("svc", "rotationPrevious").is_none(), "the old secret is forgotten here");
    let status = kw.run(&["rotate", "status", "svc", "--json"]).ok().json();
    let evidence = status["rotation"]["evidence"].as_array().unwrap();
    assert!(evidence.iter().any(|e| e["what"] == "the old credential, after retiring" && e["ok"] == true), "{status}");
    kw.run(&["call", "svc", &rig.whoami()]).ok();
    let audit = kw.run(&["audit", "--json"]).ok().stdout;
    assert!(!audit.contains("kw-new-client-secret") && !audit.contains("kw-old-client-secret"));
}

#[test]
fn a_key_pair_rotation_publishes_before_signing_and_retires_the_old_kid() {
    let kw = Kw::new();
    kw.run(&["key", "new", "k1", "--alg", "RS384", "--bits", "2048"]).ok();
    let jwks = kw.home.path().join("client-jwks.json");
    std::fs::write(&jwks, kw.run(&["key", "jwks", "k1"]).ok().stdout).unwrap();
    let rig = Rig::start(&["--client-jwks", jwks.to_str().unwrap()]);
    // A copy of the old key, to show afterwards that the provider no longer takes it.
    let pem = kw.home.path().join("k1.pem");
    std::fs::write(&pem, kw.run(&["key", "export", "k1", "--private"]).ok().stdout).unwrap();
    kw.run(&["key", "import", "k1copy", "--pem", pem.to_str().unwrap(), "--alg", "RS384"]).ok();
    for (name, key) in [("pk", "k1"), ("pk-old", "k1copy")] {
        kw.run(&[
            "profile",
            "add",
            name,
            "--strategy",
            "private-key-jwt",
            "--url",
            &rig.token_endpoint,
            "--client-id",
            "pkjwt-rs384",
            "--key",
            key,
            "--scope",
            "read:users",
            "--api-base-url",
            &rig.whoami(),
        ])
        .ok();
    }
    let old_kid = kw.run(&["key", "list", "--json"]).ok().json()[0]["kid"].as_str().unwrap().to_string();
    let (stop, tokens) = token_loop(&kw, "pk");
    let target = format!("jwks:{}", jwks.display());
    let status = kw.run(&["rotate", "start", "pk", "--target", &target, "--yes"]).ok();
    assert!(status.stderr.contains("Created the new credential"), "{}", status.stderr);
    let new_kid = kw.run(&["rotate", "status", "pk", "--json"]).ok().json()["rotation"]["newFingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    kw.run(&["rotate", "next", "pk", "--yes"]).ok();
    let kids = |p: &Path| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
        v["keys"].as_array().unwrap().iter().map(|k| k["kid"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(kids(&jwks), vec![old_kid.clone(), new_kid.clone()], "the new key is published before it signs");
    kw.run(&["rotate", "next", "pk", "--yes"]).ok();
    let show = kw.run(&["profile", "show", "pk", "--json"]).ok().json();
    assert_ne!(show["keyName"], "k1", "the profile signs with the new key");
    kw.run(&["rotate", "next", "pk", "--yes"]).ok();
    std::thread::sleep(std::time::Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    let (ok, failures) = tokens.join().unwrap();
    assert!(failures.is_empty(), "token requests failed during the rotation: {failures:?}");
    assert!(ok >= 5, "the loop ran: {ok}");
    assert_eq!(kids(&jwks), vec![new_kid], "the old kid is gone at retired");
    kw.run(&["token", "pk-old", "--fresh"]).fails(3, "invalid_client");
    kw.run(&["call", "pk", &rig.whoami()]).ok();
    let keys = kw.run(&["key", "list", "--json"]).ok().stdout;
    assert!(!keys.contains("\"k1\""), "the old key pair is forgotten: {keys}");
}

#[test]
fn abort_undoes_the_targets_in_reverse_order() {
    let s = setup();
    let log = s.kw.home.path().join("order.log");
    let hook = |n: &str| format!("cmd:echo \"$KEYWARD_ROTATION_STEP {n}\" >> {}", log.display());
    let (a, b) = (hook("server"), hook("app"));
    s.kw.run(&["rotate", "start", "billing", "--target", &a, "--target", &b, "--verify-url", &s.rig.whoami(), "--yes"])
        .ok();
    s.kw.run(&["rotate", "next", "billing", "--yes"]).ok();
    s.kw.run(&["rotate", "abort", "billing", "--yes"]).ok();
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "deploy server\ndeploy app\nabort app\nabort server\n");
    // The core refuses a file target without {key}, whoever asks (not only the CLI's parser).
    s.kw.run(&[
        "rotate",
        "start",
        "billing",
        "--target",
        "file:/tmp/x",
        "--line",
        "no placeholder",
        "--verify-url",
        &s.rig.whoami(),
        "--yes",
    ])
    .fails(2, "{key}");
}

#[test]
fn rotate_due_counts_from_the_key_or_the_last_rotation() {
    let s = setup();
    let due = s.kw.run(&["rotate", "due", "--json"]).ok().json();
    let billing = due.as_array().unwrap().iter().find(|d| d["profile"] == "billing").unwrap().clone();
    assert_eq!((billing["due"].as_bool(), billing["ageDays"].as_i64()), (Some(false), Some(0)), "{due}");
    // A period of 0 days: everything with a known age is due.
    let run = s.kw.run(&["rotate", "due", "--days", "0"]).ok();
    assert!(run.stdout.contains("DUE ") && run.stdout.contains("billing"), "{}", run.stdout);
    // A client secret Keyward never rotated has no known age: said, not guessed.
    s.kw.run_stdin(
        &[
            "profile",
            "add",
            "svc",
            "--strategy",
            "client-credentials",
            "--url",
            &s.rig.token_endpoint,
            "--client-id",
            "cc-basic",
            "--client-secret-stdin",
        ],
        "cc-basic-secret",
    )
    .ok();
    let due = s.kw.run(&["rotate", "due", "--json", "--days", "0"]).ok().json();
    let svc = due.as_array().unwrap().iter().find(|d| d["profile"] == "svc").unwrap().clone();
    assert_eq!(svc["due"], false);
    assert!(svc["reason"].as_str().unwrap().contains("age unknown"), "{svc}");
}
