//! Rotating the client secret of a team's profile (issue 12) against a real OpenBao (`bao server -dev`)
//! and the rig, whose `cc-rotating` client takes every secret listed in a file (re-read on each request;
//! the rotation's deploy hook adds the new one there, retire removes the old one): a member's fresh
//! tokens never fail while a rotator rotates, and follow the switch, which is a new version of the
//! team's entry; two rotators at once, of whom only one switches (check-and-set against the version
//! the rotation started from) and no version is lost; a member who may only read is refused before
//! anything changes. Every command runs with `KEYWARD_LOG=trace` and no output holds a canary.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::bao::{alice_shares, files, holds, rig, Bao, Cluster, Person, SECRET_1, SECRET_2, SECRET_3};
use common::{Kw, Rig, Run};

const KV: &str = "keyward/T/svc";

/// The rig, with `cc-rotating` taking only SECRET_1 for now, and the file of the secrets it takes.
fn provider() -> (Rig, tempfile::TempDir, PathBuf) {
    let (rig, dir) = rig();
    let secrets = dir.path().join("provider-secrets.txt");
    std::fs::write(&secrets, format!("{SECRET_1}\n")).unwrap();
    (rig, dir, secrets)
}

/// The secrets the provider takes now.
fn taken(secrets: &Path) -> Vec<String> {
    std::fs::read_to_string(secrets)
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// The provider's side as a deploy hook (as in rotate.rs): the new secret in on deploy, the old one (by
/// fingerprint) out on retire, the new one out on abort.
fn hook(secrets: &Path) -> String {
    format!(
        "cmd:f={f}; case $KEYWARD_ROTATION_STEP in deploy) cat >> $f; echo >> $f;; \
         retire) drop=$KEYWARD_OLD_FINGERPRINT;; abort) drop=$KEYWARD_NEW_FINGERPRINT;; esac; \
         [ -n \"$drop\" ] || exit 0; while read -r l; do [ -z \"$l\" ] && continue; \
         [ \"$(printf %s \"$l\" | sha256sum | cut -c1-8)\" = \"$drop\" ] || echo \"$l\"; done < $f > $f.new && mv $f.new $f",
        f = secrets.display()
    )
}

/// A person with a token of this policy, connected to team T.
fn member<'a>(never: &'a std::cell::RefCell<Vec<String>>, bao: &Bao, id: &str, policy: &str, who: &str) -> Person<'a> {
    let token = bao.token(id, policy, who);
    never.borrow_mut().push(token.clone());
    let p = Person::new(never);
    p.connect(bao, "T", &token).ok();
    p
}

/// Wait until the shared rotation of `name` may retire: its members' minimum overlap after the switch.
fn until_retire(who: &Person, name: &str) {
    let status = who.run(&["rotate", "status", name, "--json"]).ok().json();
    let at = status["retireAfter"].as_i64().unwrap_or_else(|| panic!("a shared rotation has a retire time: {status}"));
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    if at >= now {
        std::thread::sleep(std::time::Duration::from_secs((at - now + 1) as u64));
    }
}

/// `keyward ARGS` as another thread runs it (a `Person` stays on the test's thread).
fn detached(kw: &Kw, args: &[&str]) -> Command {
    let c = kw.command(args);
    let mut out = Command::new(c.get_program());
    out.args(c.get_args());
    for (k, v) in c.get_envs() {
        match v {
            Some(v) => out.env(k, v),
            None => out.env_remove(k),
        };
    }
    out.stdin(std::process::Stdio::null());
    out
}

fn run_of(out: std::process::Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Text without its terminal colours (the trace's field names and values are coloured apart).
fn plain(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A member's `keyward token svc --fresh`, again and again on a thread of its own, until stopped.
struct Loop {
    stop: Arc<AtomicBool>,
    done: Arc<AtomicUsize>,
    runs: Arc<Mutex<Vec<Run>>>,
    handle: std::thread::JoinHandle<()>,
}

impl Loop {
    fn start(kw: &Kw) -> Loop {
        let (stop, done, runs) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)), Arc::default());
        let mut cmd = detached(kw, &["token", "svc", "--fresh"]);
        let (s, d, r): (_, _, Arc<Mutex<Vec<Run>>>) = (stop.clone(), done.clone(), Arc::clone(&runs));
        let handle = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                let run = run_of(cmd.output().unwrap());
                r.lock().unwrap().push(run);
                d.fetch_add(1, Ordering::SeqCst);
            }
        });
        Loop { stop, done, runs, handle }
    }

    /// Wait until `n` more runs have finished: the last of them started after this call.
    fn wait(&self, n: usize) {
        let until = self.done.load(Ordering::SeqCst) + n;
        let start = Instant::now();
        while self.done.load(Ordering::SeqCst) < until {
            assert!(start.elapsed() < Duration::from_secs(60), "the member's token loop is stuck");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn finish(self, who: &Person) -> Vec<Run> {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.join().unwrap();
        let runs = std::mem::take(&mut *self.runs.lock().unwrap());
        for run in &runs {
            who.check(&["token", "svc", "--fresh"], run);
        }
        runs
    }
}

#[test]
fn a_member_gets_fresh_tokens_all_through_a_rotators_rotation_and_then_uses_the_new_secret() {
    let never = std::cell::RefCell::new(vec![SECRET_1.to_string(), SECRET_2.to_string(), SECRET_3.to_string()]);
    let (rig, _d, secrets) = provider();
    let bao = Bao::start();
    let (alice, _) = alice_shares(&never, &rig, &bao, "T");
    bao.policy("reader", "T", false);
    let bob = member(&never, &bao, "kw-canary-bao-token-bob-0002", "reader", "bob");
    bob.token(&rig, "svc");
    let tokens = Loop::start(&bob.kw);
    tokens.wait(2);

    // Start: the new secret waits in the rotator's own keychain; the team's entry is untouched.
    let hook = hook(&secrets);
    let run = alice.run_stdin(&["rotate", "start", "svc", "--target", &hook, "--new-secret-stdin", "--yes"], SECRET_2);
    let run = run.ok();
    assert!(run.stderr.contains("Created the new credential"), "{}", run.stderr);
    assert_eq!(alice.kw.keychain("svc", "rotationNext").as_deref(), Some(SECRET_2));
    assert_eq!(bao.current(KV).0, 1);
    assert_eq!(alice.run(&["rotate", "status", "svc", "--json"]).ok().json()["rotation"]["teamVersion"], 1);

    // Deploy: the provider takes both; the team still uses the old one.
    alice.run(&["rotate", "next", "svc", "--yes"]).ok();
    assert_eq!(taken(&secrets), [SECRET_1, SECRET_2], "both valid during the overlap");
    assert_eq!(bao.current(KV).1["clientSecret"], SECRET_1);
    tokens.wait(2);

    // Verify: the switch is a new version of the team's entry, written by the rotator.
    let run = alice.run(&["rotate", "next", "svc", "--yes"]).ok();
    assert!(run.stderr.contains("written to team T as version 2, from version 1"), "{}", run.stderr);
    // Retiring at once is refused: a member's running window may still hold version 1 for two of its
    // refresh periods (here 1 s each).
    let early = alice.run(&["rotate", "next", "svc", "--yes"]).fails(6, "T's members may still use it until then");
    assert!(early.stderr.contains("reads the team's profiles again every 1 s"), "{}", early.stderr);
    assert_eq!(taken(&secrets), [SECRET_1, SECRET_2], "nothing retired");
    let status = alice.run(&["rotate", "status", "svc", "--json"]).ok().json();
    assert_eq!(status["retireAfter"].as_i64(), status["rotation"]["verifiedAt"].as_i64().map(|v| v + 2), "{status}");
    assert!(
        status["blocked"].as_str().is_some_and(|b| b.contains("T's members may use the old secret until")),
        "{status}"
    );
    let (version, data) = bao.current(KV);
    assert_eq!((version, data["clientSecret"].as_str()), (2, Some(SECRET_2)), "{data}");
    assert_eq!(data["changedBy"], "token-alice");
    assert_eq!(data["profile"]["clientId"], "cc-rotating", "the settings are kept");
    let history = bao.versions(KV);
    assert_eq!(history.iter().map(|v| v.0).collect::<Vec<_>>(), [1, 2], "{history:?}");
    assert_eq!(history[0].1["clientSecret"], SECRET_1);
    assert_eq!(alice.kw.keychain("svc", "rotationPrevious").as_deref(), Some(SECRET_1), "kept by the rotator");
    assert_eq!(alice.kw.keychain("svc", "rotationNext"), None);
    assert_eq!(alice.kw.keychain("svc", "clientSecret"), None, "the shared secret is the team's, not A's");
    // The member's next fresh token is obtained with the new secret, read from version 2.
    tokens.wait(2);
    let run = bob.run(&["token", "svc", "--fresh"]).ok();
    assert!(
        plain(&run.stderr).lines().any(|l| l.contains("read the team's profile") && l.ends_with("version=2")),
        "B read version 2: {}",
        run.stderr
    );
    assert_eq!(bob.run(&["secret", "reveal", "svc", "clientSecret"]).ok().stdout.trim(), SECRET_2);
    // The rotation is the rotator's: its journal and in-between secrets are on A's machine only.
    bob.run(&["rotate", "status", "svc"]).fails(2, "svc has no rotation under way");
    assert_eq!(bob.kw.keychain("svc", "rotationPrevious"), None);

    // Retire: the provider drops the old one; the team's entry holds only the new.
    until_retire(&alice, "svc");
    let run = alice.run(&["rotate", "next", "svc", "--yes"]).ok();
    assert!(run.stderr.contains("removed and forgotten"), "{}", run.stderr);
    assert_eq!(taken(&secrets), [SECRET_2], "the old secret is gone at the provider");
    let (version, data) = bao.current(KV);
    assert_eq!(version, 2, "retiring writes nothing more to the team");
    assert!(!data.to_string().contains(SECRET_1), "the old secret is gone from the current version: {data}");
    assert!(run.stderr.contains("destroyed version(s) 1 of team T's entry, which held it"), "{}", run.stderr);
    let history = bao.versions(KV);
    assert!(
        history[0].1.is_null() && history[1].1["clientSecret"] == SECRET_2,
        "nor is it in the history: {history:?}"
    );
    assert_eq!(data["clientSecret"], SECRET_2);
    assert_eq!(alice.kw.keychain("svc", "rotationPrevious"), None, "the old secret is forgotten by the rotator");
    tokens.wait(3);

    let runs = tokens.finish(&bob);
    let failures: Vec<&str> = runs.iter().filter(|r| r.code != 0).map(|r| r.stderr.as_str()).collect();
    assert!(failures.is_empty(), "B's fresh tokens failed during the rotation: {failures:?}");
    assert!(runs.len() >= 10, "the loop ran: {}", runs.len());
    for run in &runs {
        never.borrow_mut().push(run.stdout.trim().to_string());
    }
    // Only the new secret works now, and both get tokens with it.
    bob.token(&rig, "svc");
    alice.run(&["token", "svc", "--fresh"]).ok();
    let status = alice.run(&["rotate", "status", "svc", "--json"]).ok().json();
    assert_eq!(status["state"], "retired");
    let evidence = status["rotation"]["evidence"].as_array().unwrap();
    assert!(evidence.iter().any(|e| e["what"] == "the old credential, after retiring" && e["ok"] == true), "{status}");
    for who in [&alice, &bob] {
        for (path, bytes) in files(who.kw.home.path()) {
            for canary in [SECRET_1, SECRET_2] {
                assert!(!holds(&bytes, canary), "{path} holds a client secret");
            }
        }
    }
}

#[test]
fn of_two_rotators_at_once_one_switches_the_other_is_refused_and_no_version_is_lost() {
    let never = std::cell::RefCell::new(vec![SECRET_1.to_string(), SECRET_2.to_string(), SECRET_3.to_string()]);
    let (rig, _d, secrets) = provider();
    let bao = Bao::start();
    let (alice, _) = alice_shares(&never, &rig, &bao, "T");
    // Rotators who may write but not destroy old versions: retiring still works, and says where the old is.
    bao.policy_of("member", "T", true, false);
    let carol = member(&never, &bao, "kw-canary-bao-token-carol-0004", "member", "carol");
    carol.token(&rig, "svc");
    let hook = hook(&secrets);
    let start = ["rotate", "start", "svc", "--target", &hook, "--new-secret-stdin", "--yes"];
    alice.run_stdin(&start, SECRET_2).ok();
    carol.run_stdin(&start, SECRET_3).ok();
    alice.run(&["rotate", "next", "svc", "--yes"]).ok();
    carol.run(&["rotate", "next", "svc", "--yes"]).ok();
    assert_eq!(taken(&secrets), [SECRET_1, SECRET_2, SECRET_3]);

    // Both switch at once.
    let next = ["rotate", "next", "svc", "--yes"];
    let both: Vec<_> = [&alice, &carol]
        .iter()
        .map(|p| {
            let mut c = detached(&p.kw, &next);
            std::thread::spawn(move || run_of(c.output().unwrap()))
        })
        .collect();
    let runs: Vec<Run> = both.into_iter().map(|h| h.join().unwrap()).collect();
    alice.check(&next, &runs[0]);
    carol.check(&next, &runs[1]);
    let winners: Vec<usize> = (0..2).filter(|i| runs[*i].code == 0).collect();
    assert_eq!(winners.len(), 1, "exactly one switches: {:?}", runs.iter().map(|r| &r.stderr).collect::<Vec<_>>());
    let (w, l) = (winners[0], 1 - winners[0]);
    let (winner, loser) = if w == 0 { (&alice, &carol) } else { (&carol, &alice) };
    let (won_secret, lost_secret) = if w == 0 { (SECRET_2, SECRET_3) } else { (SECRET_3, SECRET_2) };
    let winner_name = if w == 0 { "token-alice" } else { "token-carol" };
    let lost = &runs[l];
    assert_eq!(lost.code, 3, "{}", lost.stderr);
    assert!(lost.stderr.contains("someone else changed svc in team T since this rotation started"), "{}", lost.stderr);
    assert!(
        lost.stderr.contains(&format!("it started from version 1; it is at version 2 now, written by {winner_name}")),
        "{}",
        lost.stderr
    );
    assert!(lost.stderr.contains("nothing was written to the team"), "{}", lost.stderr);
    assert!(lost.stderr.contains("keyward rotate abort svc"), "the way on is named: {}", lost.stderr);

    // Every write is in the history: the share, and the one switch.
    let history = bao.versions(KV);
    assert_eq!(history.iter().map(|v| v.0).collect::<Vec<_>>(), [1, 2], "{history:?}");
    assert_eq!(history[0].1["clientSecret"], SECRET_1);
    assert_eq!(history[1].1["clientSecret"], won_secret);
    assert_eq!(history[1].1["changedBy"], winner_name);
    let meta = bao.ok("GET", &format!("secret/metadata/{KV}"), None);
    assert_eq!(meta["data"]["current_version"], 2);
    // Trying again is refused again (the switch is against version 1, never over theirs).
    let again = loser.run(&next).fails(3, "someone else changed svc in team T since this rotation started");
    assert!(!again.stderr.contains("written to team"), "{}", again.stderr);
    assert_eq!(bao.current(KV).0, 2);
    let status = loser.run(&["rotate", "status", "svc", "--json"]).ok().json();
    let last = status["rotation"]["journal"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["step"].as_str(), last["phase"].as_str()), (Some("verify"), Some("failed")), "{status}");

    // The loser aborts: its secret leaves the provider, and the team's entry keeps the winner's.
    loser.run(&["rotate", "abort", "svc", "--yes"]).ok();
    assert_eq!(bao.current(KV), (2, history[1].1.clone()), "abort writes nothing over the winner's switch");
    assert_eq!(taken(&secrets), [SECRET_1, won_secret]);
    for f in ["rotationNext", "rotationPrevious"] {
        assert_eq!(loser.kw.keychain("svc", f), None, "{f}");
    }
    // The winner finishes; both get tokens with the one secret left.
    until_retire(winner, "svc");
    let retired = winner.run(&["rotate", "next", "svc", "--yes"]).ok();
    assert_eq!(taken(&secrets), [won_secret]);
    assert!(
        retired.stderr.contains("team T's history still holds it in an older version of the entry, not destroyed")
            && retired.stderr.contains("does not let your token destroy old versions of secret/destroy/keyward/T/svc"),
        "{}",
        retired.stderr
    );
    let history = bao.versions(KV);
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].1["clientSecret"], SECRET_1, "kept, as the journal says");
    for p in [&alice, &carol] {
        p.run(&["token", "svc", "--fresh"]).ok();
    }
    assert!(!bao.current(KV).1.to_string().contains(lost_secret));
}

#[test]
fn a_member_who_may_only_read_is_refused_before_a_rotation_changes_anything() {
    let never = std::cell::RefCell::new(vec![SECRET_1.to_string(), SECRET_2.to_string()]);
    let (rig, _d, secrets) = provider();
    let bao = Bao::start();
    let _ = alice_shares(&never, &rig, &bao, "T");
    bao.policy("reader", "T", false);
    let reader = member(&never, &bao, "kw-canary-bao-token-reader-0005", "reader", "reader");
    reader.token(&rig, "svc");
    let before_kv = bao.versions(KV);
    let before_config = reader.kw.read("config.json");

    let hook = hook(&secrets);
    let run = reader
        .run_stdin(&["rotate", "start", "svc", "--target", &hook, "--new-secret-stdin", "--yes"], SECRET_2)
        .fails(3, "team T's OpenBao policy does not let your token write secret/data/keyward/T/svc");
    assert!(
        run.stderr.contains("ask whoever runs it for that capability (members read, rotators write)"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("Created the new credential"), "{}", run.stderr);

    // Nothing changed: not the team's entry, not the provider, not the member's machine.
    assert_eq!(bao.versions(KV), before_kv, "nothing written to the team");
    assert_eq!(taken(&secrets), [SECRET_1], "no target was touched");
    assert_eq!(reader.kw.read("config.json"), before_config, "no rotation journaled on the member's machine");
    for f in ["rotationNext", "rotationPrevious", "clientSecret"] {
        assert_eq!(reader.kw.keychain("svc", f), None, "{f}");
    }
    reader.run(&["rotate", "status", "svc"]).fails(2, "svc has no rotation under way");
    reader.run(&["rotate", "next", "svc", "--yes"]).fails(2, "svc has no rotation under way");
    reader.token(&rig, "svc");
}

#[test]
fn a_teammates_change_of_the_settings_during_a_rotation_is_kept_and_ci_cannot_rotate() {
    let never = std::cell::RefCell::new(vec![SECRET_1.to_string(), SECRET_2.to_string()]);
    let (rig, _d, secrets) = provider();
    let bao = Bao::start();
    let (alice, alice_bao) = alice_shares(&never, &rig, &bao, "T");
    let carol = member(&never, &bao, "kw-canary-bao-token-carol-0004", "member", "carol");
    let hook = hook(&secrets);
    alice.run_stdin(&["rotate", "start", "svc", "--target", &hook, "--new-secret-stdin", "--yes"], SECRET_2).ok();
    alice.run(&["rotate", "next", "svc", "--yes"]).ok();
    // Meanwhile Carol changes a setting: version 2, the secret still the old one.
    carol.run(&["profile", "edit", "svc", "--set", "audience=https://api.keyward.test"]).ok();
    assert_eq!(bao.current(KV).0, 2);

    // The switch goes on top of Carol's version (check-and-set against it), and keeps her change.
    let run = alice.run(&["rotate", "next", "svc", "--yes"]).ok();
    assert!(
        run.stderr
            .contains("written to team T as version 3, on top of version 2: a change of its settings by token-carol"),
        "{}",
        run.stderr
    );
    let (version, data) = bao.current(KV);
    assert_eq!((version, data["clientSecret"].as_str()), (3, Some(SECRET_2)), "{data}");
    assert_eq!(data["profile"]["audience"], "https://api.keyward.test", "Carol's change is kept");
    assert_eq!(bao.versions(KV).len(), 3);
    until_retire(&alice, "svc");
    alice.run(&["rotate", "next", "svc", "--yes"]).ok();
    assert_eq!(taken(&secrets), [SECRET_2]);
    carol.run(&["token", "svc", "--fresh"]).ok();

    // CI (the OpenBao token in the environment, no keychain) cannot keep a rotation between commands:
    // refused at start, before anything changes.
    let mut ci = Person::new(&never);
    ci.kw = ci
        .kw
        .without("DBUS_SESSION_BUS_ADDRESS")
        .without("DISPLAY")
        .without("WAYLAND_DISPLAY")
        .with("KEYWARD_TEAM_ADDR", &bao.addr)
        .with("KEYWARD_TEAM", "T")
        .with("KEYWARD_TEAM_TOKEN", &alice_bao);
    ci.run_stdin(&["rotate", "start", "svc", "--target", &hook, "--new-secret-stdin", "--yes"], SECRET_1)
        .fails(2, "rotate it from a machine with a keychain");
    assert_eq!(bao.current(KV).0, 3);
    assert_eq!(taken(&secrets), [SECRET_2]);
}

#[test]
fn a_rotation_goes_on_when_the_leader_of_a_three_node_cluster_is_killed() {
    let never = std::cell::RefCell::new(vec![SECRET_1.to_string(), SECRET_2.to_string(), SECRET_3.to_string()]);
    let (rig, _d, secrets) = provider();
    let mut cluster = Cluster::start();
    let leader = cluster.leader();
    // Keyward talks to a standby, which forwards to the leader; that node stays up.
    let via = (leader + 1) % 3;
    let (alice, _) = alice_shares(&never, &rig, &cluster.nodes[via], "T");
    let bob = member(&never, &cluster.nodes[via], "kw-canary-bao-token-bob-0005", "member", "bob");
    bob.token(&rig, "svc");
    let hook = hook(&secrets);
    alice.run_stdin(&["rotate", "start", "svc", "--target", &hook, "--new-secret-stdin", "--yes"], SECRET_2).ok();
    alice.run(&["rotate", "next", "svc", "--yes"]).ok();
    assert_eq!(taken(&secrets), [SECRET_1, SECRET_2], "deployed: both valid");

    // The leader dies (kill -9) before verify writes the switch to the team's entry.
    cluster.nodes[leader].kill();
    let start = Instant::now();
    let mut refused = Vec::new();
    let verified = loop {
        let run = alice.run(&["rotate", "next", "svc", "--yes"]);
        if run.code == 0 {
            break run;
        }
        // While the others elect a new leader: a clear error naming the team's OpenBao, nothing half-done.
        assert!(
            plain(&run.stderr).contains(&format!(
                "keyward: team T's OpenBao at {} is a standby node and pointed the request to the active node",
                cluster.nodes[via].addr
            )) && run.stderr.contains("nothing was sent or written")
                && run.stderr.contains("try again in a few seconds"),
            "{}",
            run.stderr
        );
        let status = alice.run(&["rotate", "status", "svc", "--json"]).ok().json();
        assert_eq!(status["state"], "deployed", "not verified before the switch is written: {status}");
        refused.push(run.stderr);
        assert!(start.elapsed() < Duration::from_secs(90), "no new leader took the switch: {refused:?}");
        std::thread::sleep(Duration::from_secs(1));
    };
    assert!(verified.stderr.contains("written to team T as version 2, from version 1"), "{}", verified.stderr);
    let new_leader = cluster.leader();
    assert_ne!(new_leader, leader, "another node leads");
    let said: std::collections::BTreeSet<String> = refused
        .iter()
        .map(|e| plain(e).lines().filter(|l| l.starts_with("keyward: ")).collect::<Vec<_>>().join(" "))
        .collect();
    eprintln!("the switch was refused {} time(s) while node {new_leader} took over: {said:?}", refused.len());

    // No write lost: the share and the switch, on the new leader; the member follows, the old secret retires.
    let history = cluster.nodes[new_leader].versions(KV);
    assert_eq!(history.iter().map(|v| v.0).collect::<Vec<_>>(), [1, 2], "{history:?}");
    assert_eq!(history[1].1["clientSecret"], SECRET_2);
    assert_eq!(bob.run(&["secret", "reveal", "svc", "clientSecret"]).ok().stdout.trim(), SECRET_2);
    until_retire(&alice, "svc");
    alice.run(&["rotate", "next", "svc", "--yes"]).ok();
    assert_eq!(taken(&secrets), [SECRET_2]);
    bob.run(&["token", "svc", "--fresh"]).ok();
    assert_eq!(alice.run(&["rotate", "status", "svc", "--json"]).ok().json()["state"], "retired");
}
