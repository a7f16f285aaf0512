//! Issue 8's crash promise for rotation, tested with real kills: `keyward rotate next` of an API-key
//! rotation (a file target, the API's keys file that the rig re-reads on every request, and a cmd target,
//! a deploy hook keeping one file per key in a little store) is SIGKILLed at random moments, seeded and
//! replayable (`KEYWARD_CRASH_SEED`), about 30 times. After every kill: `rotate status` reads and tells the
//! truth about what the targets and the profile hold, the keys file holds the old or the new line whole,
//! the store holds whole keys, and the API accepts the credential the profile uses. Then `next` finishes
//! the rotation or `abort` undoes it, and the end state is checked the same way.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Kw, Rig};

/// The other consumer's key: a line of the keys file that no rotation may touch.
const OTHER: &str = "rk_test_someoneelse0000000000000000000000000 other read:users";
const ROUNDS: usize = 30;

/// The first 8 hex digits of SHA-256, as Keyward names credentials (computed by coreutils, not by Keyward).
fn fp(value: &str) -> String {
    use std::io::Write;
    let mut c = Command::new("sha256sum").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    c.stdin.take().unwrap().write_all(value.as_bytes()).unwrap();
    String::from_utf8(c.wait_with_output().unwrap().stdout).unwrap()[..8].to_string()
}

/// A tiny deterministic generator (the seed is printed, so a failing run can be replayed).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

struct Setup {
    rig: Rig,
    kw: Kw,
    keys: PathBuf,
    store: PathBuf,
    _dir: tempfile::TempDir,
}

fn setup(first_key: &str) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys.txt");
    std::fs::write(&keys, format!("# the API's keys\n{first_key} billing read:users\n{OTHER}\n")).unwrap();
    let store = dir.path().join("store");
    std::fs::create_dir(&store).unwrap();
    std::fs::write(store.join(fp(first_key)), first_key).unwrap();
    let rig = Rig::start(&["--api-keys-file", keys.to_str().unwrap()]);
    let kw = Kw::new().with("KEYWARD_LOG", "info");
    kw.run_stdin(
        &["apikey", "set", "billing", "--stdin", "--placement", "header:X-API-Key", "--base-url", &rig.whoami()],
        first_key,
    )
    .ok();
    Setup { rig, kw, keys, store, _dir: dir }
}

/// The cmd target: a deploy hook that keeps each key in `STORE/<fingerprint>` (written to a temp file and
/// renamed, as a careful hook does), and removes the old one on retire, the new one on abort. It refuses
/// an empty standard input: a `keyward` killed after starting the hook but before writing the key leaves
/// the hook reading end-of-file (found by this test: an empty key was stored), and nobody would see it
/// refuse, as the resumed deploy runs it again with the key.
fn hook(store: &Path) -> String {
    let d = store.display();
    format!(
        "cmd:case \"$KEYWARD_ROTATION_STEP\" in \
         deploy) cat > {d}/.tmp.$$ && [ -s {d}/.tmp.$$ ] && mv {d}/.tmp.$$ {d}/$KEYWARD_NEW_FINGERPRINT \
         || {{ rm -f {d}/.tmp.$$; exit 1; }};; \
         retire) rm -f {d}/$KEYWARD_OLD_FINGERPRINT;; \
         abort) rm -f {d}/$KEYWARD_NEW_FINGERPRINT;; esac"
    )
}

fn start(s: &Setup) {
    let keys = format!("file:{}", s.keys.display());
    let store = hook(&s.store);
    let run =
        s.kw.run(&[
            "rotate",
            "start",
            "billing",
            "--target",
            &keys,
            "--line",
            "{key} {name} read:users",
            "--target",
            &store,
            "--verify-url",
            &s.rig.whoami(),
            "--prefix",
            "rk_test_",
            "--yes",
        ])
        .ok();
    assert!(run.stderr.contains("Created the new credential"), "{}", run.stderr);
}

/// A hook that outlived its killed `keyward` (a child is not killed with its parent) finishes first: the
/// checks are about what Keyward left, not a race with its last child. Found in /proc by the store's path.
fn wait_for_orphans(store: &Path) {
    let needle = store.display().to_string();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let running = std::fs::read_dir("/proc").unwrap().filter_map(|e| e.ok()).any(|e| {
            e.file_name().to_str().is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
                && std::fs::read(e.path().join("cmdline"))
                    .map(|c| String::from_utf8_lossy(&c).contains(&needle))
                    .unwrap_or(false)
        });
        if !running {
            return;
        }
        assert!(Instant::now() < deadline, "a deploy hook is still running after 10 s");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// What the world holds, read without Keyward: the billing lines' keys (each line must be whole), the
/// store's keys (each whole), and the key the profile uses.
struct World {
    file_keys: Vec<String>,
    store_fps: BTreeSet<String>,
    in_use: String,
}

fn world(s: &Setup, old: &str, new_fp: &str, ctx: &str) -> World {
    let text = std::fs::read_to_string(&s.keys).unwrap();
    assert!(text.ends_with('\n'), "{ctx}: the keys file ends mid-line: {text:?}");
    let mut file_keys = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line == OTHER {
            continue;
        }
        let key = line.strip_suffix(" billing read:users").unwrap_or_else(|| panic!("{ctx}: a torn line {line:?}"));
        assert!(
            key == old || fp(key) == new_fp,
            "{ctx}: the keys file holds a key that is neither the old nor the new one: {line:?}"
        );
        file_keys.push(key.to_string());
    }
    assert!(text.contains(OTHER), "{ctx}: the other consumer's key line was lost");
    let mut store_fps = BTreeSet::new();
    for e in std::fs::read_dir(&s.store).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue; // the hook's own temp file (it renames, so a reader never sees one as a key)
        }
        let value = std::fs::read_to_string(e.path()).unwrap();
        assert_eq!(fp(&value), name, "{ctx}: the store's file {name} holds a torn key");
        store_fps.insert(name);
    }
    let in_use = s.kw.keychain("billing", "apiKey").unwrap_or_else(|| panic!("{ctx}: the profile lost its API key"));
    World { file_keys, store_fps, in_use }
}

/// `rotate status` after a kill: readable, and what it says matches the world.
fn check_truth(s: &Setup, old: &str, ctx: &str) -> serde_json::Value {
    let status = s.kw.run(&["rotate", "status", "billing", "--json"]).ok().json();
    s.kw.run(&["rotate", "status", "billing"]).ok();
    let state = status["state"].as_str().unwrap().to_string();
    let new_fp = status["rotation"]["newFingerprint"].as_str().unwrap().to_string();
    let old_fp = fp(old);
    assert_eq!(status["rotation"]["oldFingerprint"], old_fp.as_str(), "{ctx}");
    let last = status["rotation"]["journal"].as_array().unwrap().last().unwrap().clone();
    let (last_step, phase) = (last["step"].as_str().unwrap(), last["phase"].as_str().unwrap());
    let ctx = format!("{ctx}, state {state}, last journal entry {last_step} {phase}");
    assert_ne!(phase, "failed", "{ctx}: a kill is not a refusal: {last}");
    let interrupted = |step: &str| last_step == step && phase == "started";
    if phase == "started" {
        assert_eq!(status["next"], last_step, "{ctx}: next finishes the interrupted step");
    }

    wait_for_orphans(&s.store);
    let w = world(s, old, &new_fp, &ctx);
    let has_new_line = w.file_keys.iter().any(|k| fp(k) == new_fp);
    let has_old_line = w.file_keys.iter().any(|k| k == old);
    match state.as_str() {
        "created" if !interrupted("deploy") => {
            assert!(!has_new_line && !w.store_fps.contains(&new_fp), "{ctx}: nothing deployed yet, says status")
        }
        "deployed" | "verified" | "retired" => {
            assert!(has_new_line && w.store_fps.contains(&new_fp), "{ctx}: every target holds the new key")
        }
        _ => {}
    }
    match state.as_str() {
        "created" | "deployed" if !interrupted("verify") => {
            assert_eq!(fp(&w.in_use), old_fp, "{ctx}: the profile still uses the old key, says status")
        }
        "verified" | "retired" => assert_eq!(fp(&w.in_use), new_fp, "{ctx}: the profile uses the new key"),
        _ => {}
    }
    if state == "retired" {
        assert!(!has_old_line && !w.store_fps.contains(&old_fp), "{ctx}: the old key is retired everywhere");
    } else if !interrupted("retire") {
        assert!(has_old_line && w.store_fps.contains(&old_fp), "{ctx}: the old key is still deployed");
    }
    // Whatever the step, the key in use is one the API takes.
    let call = s.kw.run(&["call", "billing", &s.rig.whoami()]);
    assert_eq!(call.code, 0, "{ctx}: the API refused the key in use: {}", call.stderr);
    status
}

/// `rotate next` run to the end (no kill): its time, and a check it succeeded.
fn next_ok(s: &Setup) -> Duration {
    let t = Instant::now();
    s.kw.run(&["rotate", "next", "billing", "--yes"]).ok();
    t.elapsed()
}

fn state(s: &Setup) -> String {
    s.kw.run(&["rotate", "status", "billing", "--json"]).ok().json()["state"].as_str().unwrap().to_string()
}

/// The end of a rotation, checked from outside: retired (only the new key anywhere, the old refused) or
/// aborted (the targets as before, the old key in use). Returns the key in use.
fn check_end(s: &Setup, old: &str, before: &str, ctx: &str) -> String {
    let status = s.kw.run(&["rotate", "status", "billing", "--json"]).ok().json();
    let new_fp = status["rotation"]["newFingerprint"].as_str().unwrap().to_string();
    let journal: Vec<String> = status["rotation"]["journal"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{} {}: {}", e["step"], e["phase"], e["detail"]))
        .collect();
    let ctx = &format!("{ctx} (journal: {journal:#?})");
    wait_for_orphans(&s.store);
    let w = world(s, old, &new_fp, ctx);
    match status["state"].as_str().unwrap() {
        "retired" => {
            assert_eq!(w.file_keys.len(), 1, "{ctx}: one billing line, no duplicate: {:?}", w.file_keys);
            assert_eq!(fp(&w.file_keys[0]), new_fp, "{ctx}");
            assert_eq!(w.store_fps, BTreeSet::from([new_fp.clone()]), "{ctx}: the store holds the new key only");
            assert_eq!(fp(&w.in_use), new_fp, "{ctx}");
            let code = Command::new("curl")
                .args([
                    "-s",
                    "-o",
                    "/dev/null",
                    "-w",
                    "%{http_code}",
                    "-H",
                    &format!("X-API-Key: {old}"),
                    &s.rig.whoami(),
                ])
                .output()
                .unwrap();
            assert_eq!(String::from_utf8_lossy(&code.stdout), "401", "{ctx}: the retired key is refused");
            assert!(s.kw.keychain("billing", "rotationPrevious").is_none(), "{ctx}: the old key is forgotten");
        }
        "aborted" => {
            assert_eq!(std::fs::read_to_string(&s.keys).unwrap(), before, "{ctx}: the keys file as before");
            assert_eq!(w.store_fps, BTreeSet::from([fp(old)]), "{ctx}: the store holds the old key only");
            assert_eq!(w.in_use, old, "{ctx}: the old key in use again");
            assert!(s.kw.keychain("billing", "rotationNext").is_none(), "{ctx}: the new key is forgotten");
        }
        other => panic!("{ctx}: the rotation ended {other}"),
    }
    s.kw.run(&["call", "billing", &s.rig.whoami()]).ok();
    w.in_use
}

#[test]
fn kill_9_during_rotate_next_never_loses_a_credential() {
    let seed = std::env::var("KEYWARD_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
    });
    eprintln!("rotate kill -9 test seed: KEYWARD_CRASH_SEED={seed}");
    let mut rng = Lcg(seed);
    let mut old = "rk_test_oldoldoldoldoldoldoldoldoldoldold00".to_string();
    let s = setup(&old);

    // A whole rotation first, uninterrupted: it works, and it says how long a step takes here, so that
    // the kills land anywhere inside one.
    let before = std::fs::read_to_string(&s.keys).unwrap();
    start(&s);
    let window = (0..3).map(|_| next_ok(&s)).max().unwrap();
    old = check_end(&s, &old, &before, "the uninterrupted rotation");
    let window_ms = (window.as_millis() as u64 * 5 / 4).max(50);
    eprintln!("a step takes up to {} ms here; kills land in 0..{window_ms} ms", window.as_millis());

    let (mut killed, mut finished_first, mut aborted, mut retired) = (0, 0, 0, 0);
    let mut steps_hit = BTreeSet::new();
    for round in 0..ROUNDS {
        let before = std::fs::read_to_string(&s.keys).unwrap();
        start(&s);
        // Abort this one after its first kill (a third of the rounds), or see it through.
        let abort_it = rng.below(3) == 0;
        let mut kills_here = 0;
        loop {
            let status = s.kw.run(&["rotate", "status", "billing", "--json"]).ok().json();
            if status["next"].is_null() {
                break;
            }
            let ctx = format!("round {round} (KEYWARD_CRASH_SEED={seed})");
            let step = status["next"].as_str().unwrap().to_string();
            let mut child =
                s.kw.command(&["rotate", "next", "billing", "--yes"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap();
            std::thread::sleep(Duration::from_millis(rng.below(window_ms)));
            let was_killed = child.try_wait().unwrap().is_none();
            if was_killed {
                child.kill().unwrap(); // SIGKILL
                killed += 1;
                kills_here += 1;
                steps_hit.insert(step.clone());
            }
            let exit = child.wait().unwrap();
            if !was_killed {
                assert!(exit.success(), "{ctx}: `rotate next` ({step}) failed on its own: {exit}");
                finished_first += 1;
            }
            let after = check_truth(
                &s,
                &old,
                &format!("{ctx}, after {} {step}", if was_killed { "killing" } else { "finishing" }),
            );
            // A kill that came after the last step's end (the process was exiting) leaves nothing to abort.
            if abort_it && kills_here > 0 && !after["next"].is_null() {
                let (step, phase) = status_last(&s);
                let abort = s.kw.run(&["rotate", "abort", "billing", "--yes"]);
                if step == "retire" {
                    // Retiring has begun: the old key may be gone from a target, so abort refuses and
                    // says to finish; the rotation goes on with `next`.
                    assert_ne!(abort.code, 0, "{ctx}: abort after a {phase} retire must refuse");
                    assert!(abort.stderr.contains("can only be finished"), "{ctx}: {}", abort.stderr);
                    continue;
                }
                assert_eq!(abort.code, 0, "{ctx}: abort after a {phase} {step}: {}", abort.stderr);
                break;
            }
        }
        match state(&s).as_str() {
            "aborted" => aborted += 1,
            "retired" => retired += 1,
            other => panic!("round {round}: ended {other}"),
        }
        old = check_end(&s, &old, &before, &format!("round {round} (KEYWARD_CRASH_SEED={seed}), at the end"));
    }
    eprintln!(
        "{killed} kills in {ROUNDS} rotations ({retired} retired, {aborted} aborted); steps hit: {steps_hit:?}; \
         {finished_first} steps finished before their kill"
    );
    assert!(killed >= ROUNDS / 2, "too few kills landed mid-step ({killed}, seed {seed})");
    assert!(retired > 0 && aborted > 0, "both endings were exercised (seed {seed})");
}

fn status_last(s: &Setup) -> (String, String) {
    let status = s.kw.run(&["rotate", "status", "billing", "--json"]).ok().json();
    let last = status["rotation"]["journal"].as_array().unwrap().last().unwrap().clone();
    (last["step"].as_str().unwrap().to_string(), last["phase"].as_str().unwrap().to_string())
}

/// A retire killed after the keys file lost the old line (the hook after it is still sleeping), then
/// `rotate abort`: abort removes the new line as well, so the keys file holds neither key and the API
/// refuses the key the profile is left with. The core now refuses abort once retire has begun, and `next`
/// finishes the retire.
#[test]
fn abort_after_an_interrupted_retire_keeps_a_working_key() {
    let old = "rk_test_oldoldoldoldoldoldoldoldoldoldold00";
    let s = setup(old);
    let keys = format!("file:{}", s.keys.display());
    let slow = format!("cmd:[ \"$KEYWARD_ROTATION_STEP\" != retire ] || sleep 3 # {}", s.store.display());
    s.kw.run(&[
        "rotate",
        "start",
        "billing",
        "--target",
        &keys,
        "--line",
        "{key} {name} read:users",
        "--target",
        &slow,
        "--verify-url",
        &s.rig.whoami(),
        "--yes",
    ])
    .ok();
    next_ok(&s);
    next_ok(&s);
    let mut child = s.kw.command(&["rotate", "next", "billing", "--yes"]).stderr(Stdio::null()).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::fs::read_to_string(&s.keys).unwrap().contains(old) {
        assert!(Instant::now() < deadline, "retire never removed the old line");
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    wait_for_orphans(&s.store);
    assert_eq!(status_last(&s), ("retire".into(), "started".into()));
    // Abort refuses, saying why and what to do; `next` finishes the retire and the key in use works.
    let abort = s.kw.run(&["rotate", "abort", "billing", "--yes"]);
    assert_ne!(abort.code, 0, "abort after an interrupted retire must refuse");
    assert!(abort.stderr.contains("can only be finished"), "{}", abort.stderr);
    assert!(abort.stderr.contains("keyward rotate next billing"), "the CLI words the remedy: {}", abort.stderr);
    let call = s.kw.run(&["call", "billing", &s.rig.whoami()]);
    assert_eq!(call.code, 0, "the key in use works while the retire waits: {}", call.stderr);
    s.kw.run(&["rotate", "next", "billing", "--yes"]).ok();
    assert_eq!(state(&s), "retired");
    let keys = std::fs::read_to_string(&s.keys).unwrap();
    let billing: Vec<&str> = keys.lines().filter(|l| l.contains(" billing ")).collect();
    assert!(!keys.contains(old) && billing.len() == 1, "only the new key is left for billing: {keys}");
    assert!(keys.contains("rk_test_someoneelse"), "the other lines are kept: {keys}");
    s.kw.run(&["call", "billing", &s.rig.whoami()]).ok();
}

/// A verify killed after the switch (the new key made the profile's, its waiting copy deleted) but
/// before it was journaled, then `rotate abort`: abort finds no new key to remove, so every target keeps
/// the new key, which Keyward has now forgotten, while its journal says "new credential … removed".
/// The kill lands at random in the verify step until it hits that window (a few milliseconds wide), up
/// to 60 tries. The core's abort now finds each credential by its fingerprint wherever the switch
/// left it.
#[test]
fn abort_after_a_verify_killed_mid_switch_removes_the_new_key() {
    let old = "rk_test_oldoldoldoldoldoldoldoldoldoldold00";
    let s = setup(old);
    let mut rng = Lcg(7);
    for attempt in 0..60 {
        let before = std::fs::read_to_string(&s.keys).unwrap();
        start(&s);
        next_ok(&s); // deploy
        let mut child = s.kw.command(&["rotate", "next", "billing", "--yes"]).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(20 + rng.below(200)));
        let _ = child.kill();
        child.wait().unwrap();
        let hit = status_last(&s) == ("verify".into(), "started".into())
            && s.kw.keychain("billing", "rotationNext").is_none();
        s.kw.run(&["rotate", "abort", "billing", "--yes"]).ok();
        if hit {
            assert_eq!(
                std::fs::read_to_string(&s.keys).unwrap(),
                before,
                "attempt {attempt}: abort said it removed the new key; the keys file still holds it"
            );
            return;
        }
        // Not in the window this time: back to where we were, and again.
        assert_eq!(std::fs::read_to_string(&s.keys).unwrap(), before, "attempt {attempt}");
    }
    panic!("no kill landed between the switch and its journal entry in 60 tries");
}
