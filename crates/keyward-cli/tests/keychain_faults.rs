//! The keychain failing in the middle of the work, and the disk filling up under the config: the Secret
//! Service killed between two steps and while a token request is in flight, its D-Bus session gone, a
//! locked keychain when a secret is to be written. Each is exit 5 with the fix, and nothing is written
//! anywhere else: no secret in the config, the audit log or any file under KEYWARD_HOME. A full disk
//! during a config write is a clear error, and the old config file is left as it was.
//!
//! Each keychain test runs in its own D-Bus session with its own gnome-keyring (tests/keychain-session.sh)
//! and kills only that session's daemon, found by asking that bus who owns the name (never by name).
//! tests/keychain.rs covers no Secret Service at all and a locked keychain on reading.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::{repo_root, Kw};

const SECRET: &str = "kw-canary-client-secret-5c1e";
const TOKEN: &str = "kw-canary-access-token-77d0";

/// Every file under `dir` (recursively) that holds `needle`.
fn files_holding(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else if std::fs::read(&path).unwrap_or_default().windows(needle.len()).any(|w| w == needle.as_bytes()) {
                found.push(path);
            }
        }
    }
    found
}

/// What a script run in a private keychain session printed.
struct Session {
    stdout: String,
    stderr: String,
}

impl Session {
    /// The exit code the script reported for step `step` (`echo "step=$?"`).
    fn exit(&self, step: &str) -> Option<i32> {
        let prefix = format!("{step}=");
        self.stdout.lines().find_map(|l| l.strip_prefix(&prefix)).and_then(|c| c.trim().parse().ok())
    }
}

/// Run `script` (bash) in a fresh keychain session without a display (an unlock prompt cannot show), with
/// `$K` the keyward binary, `$KEYWARD_HOME` the given home, and shell functions to kill this session's
/// Secret Service daemon (`kill_keychain`) or its D-Bus daemon (`kill_bus`), each by the PID the bus names.
fn in_session(home: &Path, script: &str) -> Session {
    let pid_of = |name: &str| {
        format!(
            "dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
             org.freedesktop.DBus.GetConnectionUnixProcessID string:{name} | awk '/uint32/ {{print $2}}'"
        )
    };
    let body = format!(
        "export KEYWARD_HOME={home} KEYWARD_LOG=trace K={bin}; \
         kill_keychain() {{ p=$({secrets}); [ -n \"$p\" ] && kill \"$p\" && while kill -0 \"$p\" 2>/dev/null; do sleep 0.05; done; }}; \
         kill_bus() {{ p=$({bus}); [ -n \"$p\" ] && kill \"$p\"; sleep 0.2; }}; \
         {script}",
        home = home.display(),
        bin = env!("CARGO_BIN_EXE_keyward"),
        secrets = pid_of("org.freedesktop.secrets"),
        bus = pid_of("org.freedesktop.DBus"),
    );
    let out = Command::new(repo_root().join("tests/keychain-session.sh"))
        .args(["bash", "-c", &body])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        // These tests kill the daemon on purpose: it must stay dead.
        .env("KEYWARD_KEYCHAIN_RESTART", "0")
        .output()
        .unwrap();
    Session {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A token endpoint that answers one request with TOKEN, but only once `go` exists: the test kills the
/// keychain while Keyward waits for the answer. It writes `asked` when the request has arrived.
fn held_token_endpoint(dir: &Path) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/token", listener.local_addr().unwrap());
    let (asked, go) = (dir.join("asked"), dir.join("go"));
    std::thread::spawn(move || {
        let Ok((mut conn, _)) = listener.accept() else { return };
        let mut reader = BufReader::new(conn.try_clone().unwrap());
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        let _ = reader.read_exact(&mut body);
        std::fs::write(&asked, "").unwrap();
        for _ in 0..300 {
            if go.exists() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let json = format!(r#"{{"access_token":"{TOKEN}","token_type":"Bearer","expires_in":3600}}"#);
        let _ = write!(
            conn,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{json}",
            json.len()
        );
    });
    url
}

fn add_machine_profile(url: &str) -> String {
    format!(
        "echo -n {SECRET} | $K profile add svc --strategy client-credentials --url {url} --client-id svc \
         --scope read:users --client-secret-stdin >/dev/null; echo \"add=$?\"; cp $KEYWARD_HOME/config.json $KEYWARD_HOME/../before.json; "
    )
}

/// Nothing of `secrets` under the home, and the config as it was before the failed step.
#[track_caller]
fn nothing_written(dir: &Path, home: &Path, secrets: &[&str]) {
    for s in secrets {
        let leaked = files_holding(home, s);
        assert!(leaked.is_empty(), "{s} written to {leaked:?}");
    }
    let before = std::fs::read_to_string(dir.join("before.json")).unwrap();
    let after = std::fs::read_to_string(home.join("config.json")).unwrap();
    assert_eq!(after, before, "the config is as it was before the step that failed");
}

#[test]
fn the_secret_service_killed_between_two_steps_is_exit_5_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let script = add_machine_profile("http://127.0.0.1:9/token")
        + "kill_keychain; \
           echo -n kw-canary-second-secret | $K profile add second --issuer https://id.example.com --client-id a \
             --client-secret-stdin; echo \"add2=$?\"; \
           $K profile show svc; echo \"show=$?\"";
    let s = in_session(&home, &script);
    assert_eq!(s.exit("add"), Some(0), "the first step works: {}", s.stderr);
    // After its daemon died, the Secret Service comes back (D-Bus activation) with the keychain locked,
    // and without a display no unlock prompt can show: the fix is to unlock it.
    for step in ["add2", "show"] {
        assert_eq!(s.exit(step), Some(5), "{step}: exit 5\nstdout: {}\nstderr: {}", s.stdout, s.stderr);
    }
    assert!(s.stderr.contains("the OS keychain is locked"), "says what is wrong: {}", s.stderr);
    assert!(s.stderr.contains("hint: unlock your keychain"), "names the fix: {}", s.stderr);
    nothing_written(dir.path(), &home, &[SECRET, "kw-canary-second-secret"]);
}

#[test]
fn the_secret_service_killed_while_a_token_is_on_its_way_stores_it_nowhere_else() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let url = held_token_endpoint(dir.path());
    let script = add_machine_profile(&url)
        + &format!(
            "$K token svc --fresh >{out} & t=$!; \
             while [ ! -e {d}/asked ]; do sleep 0.05; done; kill_keychain; touch {d}/go; \
             wait $t; echo \"token=$?\"",
            out = dir.path().join("token.out").display(),
            d = dir.path().display()
        );
    let s = in_session(&home, &script);
    assert_eq!(s.exit("add"), Some(0), "{}", s.stderr);
    assert!(dir.path().join("asked").exists(), "the token request was made: {}", s.stderr);
    assert_eq!(s.exit("token"), Some(5), "exit 5\nstdout: {}\nstderr: {}", s.stdout, s.stderr);
    assert!(s.stderr.contains("hint: unlock your keychain"), "names the fix: {}", s.stderr);
    let printed = std::fs::read_to_string(dir.path().join("token.out")).unwrap();
    assert!(printed.is_empty(), "a token that could not be kept is not handed out: {printed:?}");
    assert!(!s.stderr.contains(TOKEN) && !s.stderr.contains(SECRET), "no secret in the message or the trace log");
    nothing_written(dir.path(), &home, &[SECRET, TOKEN]);
}

#[test]
fn the_keychains_d_bus_session_gone_mid_run_is_exit_5_and_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let script = add_machine_profile("http://127.0.0.1:9/token")
        + "kill_bus; \
           echo -n kw-canary-second-secret | $K profile add second --issuer https://id.example.com --client-id a \
             --client-secret-stdin; echo \"add2=$?\"; \
           $K token svc; echo \"token=$?\"";
    let s = in_session(&home, &script);
    assert_eq!(s.exit("add"), Some(0), "{}", s.stderr);
    for step in ["add2", "token"] {
        assert_eq!(s.exit(step), Some(5), "{step}: exit 5\nstdout: {}\nstderr: {}", s.stdout, s.stderr);
    }
    assert!(s.stderr.contains("the OS keychain is not available"), "says what is wrong: {}", s.stderr);
    assert!(s.stderr.contains("start your keychain"), "names the fix: {}", s.stderr);
    nothing_written(dir.path(), &home, &[SECRET, "kw-canary-second-secret"]);
}

#[test]
fn a_locked_keychain_refuses_a_new_secret_and_writes_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let lock = "dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
                org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null";
    let script = add_machine_profile("http://127.0.0.1:9/token")
        + lock
        + "; echo -n kw-canary-second-secret | $K profile add second --issuer https://id.example.com --client-id a \
             --client-secret-stdin; echo \"add2=$?\"; \
           echo -n kw-canary-third-secret | $K profile edit svc --client-secret-stdin; echo \"edit=$?\"";
    let s = in_session(&home, &script);
    assert_eq!(s.exit("add"), Some(0), "{}", s.stderr);
    for step in ["add2", "edit"] {
        assert_eq!(s.exit(step), Some(5), "{step}: exit 5\nstdout: {}\nstderr: {}", s.stdout, s.stderr);
    }
    assert!(s.stderr.contains("the OS keychain is locked"), "{}", s.stderr);
    assert!(s.stderr.contains("hint: unlock your keychain"), "names the fix: {}", s.stderr);
    nothing_written(dir.path(), &home, &[SECRET, "kw-canary-second-secret", "kw-canary-third-secret"]);
}

/// A tmpfs of `kib` KiB mounted on a new directory, unmounted on drop (the tests run as root; where
/// mounting is not allowed the test says so and fails rather than pretending).
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn new(kib: u32) -> SmallDisk {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k,mode=700"), "kw-disk-full-test"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "this test mounts a small tmpfs (root needed): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        SmallDisk { dir }
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

#[test]
fn a_full_disk_during_a_config_write_leaves_the_old_file_intact() {
    let disk = SmallDisk::new(256);
    let kw = Kw::new().with("KEYWARD_HOME", disk.dir.path().to_str().unwrap());
    let config = || std::fs::read_to_string(disk.dir.path().join("config.json")).unwrap();
    kw.run(&["profile", "add", "demo", "--issuer", "https://id.example.com", "--client-id", "a"]).ok();
    let before = config();
    assert!(before.contains("\"demo\""), "{before}");
    // Fill the disk, leaving less room than the next config needs.
    let filler = disk.dir.path().join("filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    let chunk = vec![0u8; 4096];
    while f.write_all(&chunk).is_ok() {}
    drop(f);
    let long = "x".repeat(3000);
    let run = kw.run(&["profile", "edit", "demo", "--set", &format!("authorizeParams.note={long}")]);
    let run = run.fails(1, "No space left on device");
    assert!(run.stderr.contains("could not write"), "says what failed: {}", run.stderr);
    assert_eq!(config(), before, "the old config is intact, byte for byte");
    let left: Vec<_> = std::fs::read_dir(disk.dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "no half-written temp file left behind: {left:?}");
    // With room again, the same change is made, and the profile is whole.
    std::fs::remove_file(&filler).unwrap();
    kw.run(&["profile", "edit", "demo", "--set", &format!("authorizeParams.note={long}")]).ok();
    let show = kw.run(&["profile", "show", "demo", "--json"]).ok().json();
    assert_eq!(show["authorizeParams"]["note"].as_str().map(str::len), Some(long.len()));
}
