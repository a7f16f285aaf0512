//! The test rig from Rust: the OpenID provider and API (`tests/rig/provider.mjs`), the `$BROWSER`
//! stand-in (`tests/rig/browser.mjs`, headless Chromium), and the `keyward` binary run against a fresh
//! `KEYWARD_HOME` with the real Secret Service of the session (`tests/keychain-session.sh` provides one).
#![allow(dead_code)]

pub mod bao;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// Fail clearly, rather than skip, when there is no Secret Service: these tests are about the real one.
pub fn require_keychain() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "these tests need the Secret Service: run them through ./test, or `tests/keychain-session.sh cargo test`"
    );
}

/// The OpenID provider and protected API, on 127.0.0.1 and free ports, stopped on drop: the starter the
/// core's tests use too, with what the CLI's tests ask of it below.
#[path = "../../../../tests/rig/rig.rs"]
mod rig;
pub use rig::Rig;

impl Rig {
    /// How many token requests of each grant and revocations reached the provider.
    pub fn stats(&self) -> serde_json::Value {
        let out = Command::new("curl").args(["-sf", &format!("{}/__rig/stats", self.api)]).output().unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    }

    pub fn whoami(&self) -> String {
        format!("{}/v1/whoami", self.api)
    }

    pub fn refreshes(&self) -> u64 {
        self.stats()["token_requests"]["refresh_token"].as_u64().unwrap()
    }

    /// POST a refresh_token grant straight to the provider, as an attacker or a stale copy would.
    pub fn raw_refresh(&self, refresh_token: &str) -> serde_json::Value {
        let out = Command::new("curl")
            .args(["-s", "-X", "POST", &self.token_endpoint])
            .args(["--data-urlencode", "grant_type=refresh_token", "--data-urlencode", "client_id=native-app"])
            .args(["--data-urlencode", &format!("refresh_token={refresh_token}")])
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

/// A `keyward` with its own home: config, audit log and keychain entries private to one test.
pub struct Kw {
    pub home: tempfile::TempDir,
    pub env: Vec<(String, String)>,
    pub unset: Vec<String>,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(self.code, 0, "expected success\nstdout: {}\nstderr: {}", self.stdout, self.stderr);
        self
    }

    #[track_caller]
    pub fn fails(self, code: i32, says: &str) -> Run {
        assert_eq!(self.code, code, "expected exit {code}\nstdout: {}\nstderr: {}", self.stdout, self.stderr);
        assert!(self.stderr.contains(says), "expected the error to say {says:?}, it said: {}", self.stderr);
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

impl Kw {
    pub fn new() -> Kw {
        require_keychain();
        let home = tempfile::tempdir().unwrap();
        let browser = repo_root().join("tests/rig/browser.mjs");
        let env = vec![
            ("KEYWARD_HOME".into(), home.path().display().to_string()),
            ("BROWSER".into(), browser.display().to_string()),
            ("KEYWARD_RIG_BROWSER_OUT".into(), home.path().join("browser-out.json").display().to_string()),
            ("KEYWARD_RIG_BROWSER_LOG".into(), home.path().join("browser.log").display().to_string()),
            ("KEYWARD_LOG".into(), "debug".into()),
        ];
        Kw { home, env, unset: Vec::new() }
    }

    pub fn with(mut self, key: &str, value: &str) -> Kw {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
        self
    }

    /// Run without this variable at all (not even inherited).
    pub fn without(mut self, key: &str) -> Kw {
        self.env.retain(|(k, _)| k != key);
        self.unset.push(key.into());
        self
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_keyward"));
        c.args(args).envs(self.env.iter().map(|(k, v)| (k, v))).stdin(Stdio::null());
        for k in &self.unset {
            c.env_remove(k);
        }
        c
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.command(args).output().unwrap())
    }

    pub fn run_stdin(&self, args: &[&str], input: &str) -> Run {
        use std::io::Write;
        let mut child =
            self.command(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        Run::from(child.wait_with_output().unwrap())
    }

    /// `profile add NAME` for the rig's native client.
    pub fn add_demo(&self, rig: &Rig, name: &str, scopes: &str) {
        self.run(&[
            "profile",
            "add",
            name,
            "--strategy",
            "pkce",
            "--issuer",
            &rig.issuer,
            "--client-id",
            "native-app",
            "--scope",
            scopes,
        ])
        .ok();
    }

    /// What the browser stand-in's last page said (it writes it when that page has loaded, which may be
    /// just after `keyward login` returns).
    pub fn browser_page(&self) -> serde_json::Value {
        let path = self.home.path().join("browser-out.json");
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(15) {
            if let Ok(text) = std::fs::read_to_string(&path) {
                if let Ok(v) = serde_json::from_str(&text) {
                    return v;
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let log = std::fs::read_to_string(self.home.path().join("browser.log")).unwrap_or_default();
        panic!("the browser stand-in wrote no page; its log:\n{log}");
    }

    pub fn store_id(&self) -> String {
        let text = std::fs::read_to_string(self.home.path().join("config.json")).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["storeId"].as_str().unwrap().to_string()
    }

    /// A keychain entry of a profile, read with the keyring crate (the same code path as Keyward).
    pub fn keychain(&self, profile: &str, field: &str) -> Option<String> {
        let entry = keyring::Entry::new("keyward", &format!("{}/{profile}/{field}", self.store_id())).unwrap();
        match entry.get_password() {
            Ok(v) => Some(v),
            Err(keyring::Error::NoEntry) => None,
            Err(e) => panic!("keychain: {e}"),
        }
    }

    pub fn set_keychain(&self, profile: &str, field: &str, value: &str) {
        let entry = keyring::Entry::new("keyward", &format!("{}/{profile}/{field}", self.store_id())).unwrap();
        entry.set_password(value).unwrap();
    }

    /// The entries that `secret-tool` (libsecret, not the keyring crate) finds for this home.
    pub fn secret_tool_accounts(&self) -> Vec<String> {
        let out = Command::new("secret-tool").args(["search", "--all", "service", "keyward"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
        let prefix = format!("{}/", self.store_id());
        text.lines()
            .filter_map(|l| l.strip_prefix("attribute.username = "))
            .filter(|a| a.starts_with(&prefix))
            .map(String::from)
            .collect()
    }

    pub fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.home.path().join(file)).unwrap_or_default()
    }
}

/// The crash-safety tests need the `keyward` built for tests (with the fail-points feature). A plain
/// `cargo build` after `cargo test` replaces target/debug/keyward with one that has none: say so.
pub fn require_fail_points() {
    let bin = std::fs::read(env!("CARGO_BIN_EXE_keyward")).unwrap();
    let needle = b"fail point";
    assert!(
        bin.windows(needle.len()).any(|w| w == needle),
        "{} has no fail points: a `cargo build` replaced the test build; run `cargo test` again",
        env!("CARGO_BIN_EXE_keyward")
    );
}
