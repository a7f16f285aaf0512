//! The keychain when it is not there or locked: exit 5, a message that names the fix, never a hang and
//! never a plaintext fallback. Each test makes its own Secret Service session (tests/keychain-session.sh)
//! so that locking it disturbs no other test.

mod common;

use std::process::Command;
use std::time::Instant;

use common::{repo_root, Kw};

#[test]
fn no_secret_service_is_exit_5_with_the_fix_and_nothing_written() {
    let kw = Kw::new().with("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    let run = kw.run_stdin(
        &["profile", "add", "p", "--issuer", "https://id.example.com", "--client-id", "a", "--client-secret-stdin"],
        "kw-canary-nobus",
    );
    let run = run.fails(5, "the OS keychain is not available");
    assert!(run.stderr.contains("start your keychain"), "names the fix: {}", run.stderr);
    let config = kw.read("config.json");
    assert!(!config.contains("kw-canary-nobus"), "no plaintext fallback");
    assert!(!config.contains("\"p\""), "no half-made profile: {config}");
}

/// Run `script` (bash) in a fresh, private keychain session whose login collection gets locked first.
fn in_locked_keychain(display: bool, script: &str) -> std::process::Output {
    let session = repo_root().join("tests/keychain-session.sh");
    let lock = "dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
                org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null";
    let body = format!(
        "set -e; export KEYWARD_HOME=$(mktemp -d); K={bin}; \
         echo kw-secret | $K profile add p --issuer https://id.example.com --client-id a --client-secret-stdin >/dev/null 2>&1; \
         {lock}; set +e; {script}",
        bin = env!("CARGO_BIN_EXE_keyward")
    );
    let mut cmd = if display {
        let mut c = Command::new("xvfb-run");
        c.args(["-a", session.to_str().unwrap()]);
        c
    } else {
        let mut c = Command::new(&session);
        c.env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY");
        c
    };
    cmd.args(["bash", "-c", &body]).output().unwrap()
}

#[test]
fn a_locked_keychain_whose_prompt_cannot_show_is_exit_5() {
    let out = in_locked_keychain(false, "$K profile show p; echo \"exit=$?\"");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("exit=5"), "stdout: {stdout}\nstderr: {stderr}");
    assert!(stderr.contains("the OS keychain is locked and was not unlocked"), "{stderr}");
}

#[test]
fn an_unanswered_unlock_prompt_is_bounded_in_time() {
    // Under a display the unlock prompt opens and waits for a person who never comes.
    let start = Instant::now();
    let out = in_locked_keychain(true, "KEYWARD_KEYCHAIN_TIMEOUT=2 $K profile show p; echo \"exit=$?\"");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("exit=5"), "stdout: {stdout}\nstderr: {stderr}");
    assert!(stderr.contains("did not answer within 2 s"), "{stderr}");
    assert!(start.elapsed().as_secs() < 30, "bounded: {:?}", start.elapsed());
}
