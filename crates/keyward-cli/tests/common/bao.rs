//! OpenBao for the team tests: a dev server per test (`bao server -dev`), policies and tokens made with
//! the root token through curl, the rig with `cc-rotating` accepting the canary client secrets, and a
//! person (a `keyward` with its own home, traced at `KEYWARD_LOG=trace`) whose every command is checked
//! for canaries.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;

use super::{repo_root, Kw, Rig, Run};

/// The client secrets the rig's `cc-rotating` client accepts (canaries: they must never be printed).
pub const SECRET_1: &str = "kw-canary-team-client-secret-one";
pub const SECRET_2: &str = "kw-canary-team-client-secret-two";
pub const SECRET_3: &str = "kw-canary-team-client-secret-three";

/// One OpenBao dev server on a free loopback port, root token `ROOT`, stopped on drop.
pub struct Bao {
    child: Option<Child>,
    pub addr: String,
    dir: tempfile::TempDir,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Bao {
    pub fn start() -> Bao {
        let port = free_port();
        let dev = ["server", "-dev", "-dev-root-token-id=ROOT", &format!("-dev-listen-address=127.0.0.1:{port}")];
        let bao = Bao::spawn(&dev, tempfile::tempdir().unwrap(), port);
        bao.wait_for_health(&[200]);
        bao
    }

    /// `bao ARGS` listening on `port`, its log (and, for a dev server, its ~/.vault-token) in `dir`.
    fn spawn(args: &[&str], dir: tempfile::TempDir, port: u16) -> Bao {
        let bin = repo_root().join("tests/.venv/bin/bao");
        assert!(bin.exists(), "{} is missing: run `bash scripts/deps.sh`", bin.display());
        let log = std::fs::File::create(dir.path().join("bao.log")).unwrap();
        let child = Command::new(bin)
            .args(args)
            // The dev server keeps its root token in ~/.vault-token: a home of its own, not the user's.
            .env("HOME", dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("bao runs");
        Bao { child: Some(child), addr: format!("http://127.0.0.1:{port}"), dir }
    }

    /// Wait until `sys/health` answers one of `codes` (200 active, 429 standby, 501 not initialised, 503
    /// sealed).
    pub fn wait_for_health(&self, codes: &[u16]) {
        let start = Instant::now();
        while !codes.contains(&self.health()) {
            assert!(start.elapsed() < Duration::from_secs(30), "bao at {} is not {codes:?}: {}", self.addr, self.log());
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("bao.log")).unwrap_or_default()
    }

    pub fn health(&self) -> u16 {
        let out = Command::new("curl")
            .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2"])
            .arg(format!("{}/v1/sys/health", self.addr))
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or(0)
    }

    /// A request with the root token: (status, body).
    pub fn api(&self, method: &str, path: &str, body: Option<serde_json::Value>) -> (u16, serde_json::Value) {
        self.api_as("ROOT", method, path, body)
    }

    /// A request with `token`: (status, body).
    pub fn api_as(
        &self,
        token: &str,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut c = Command::new("curl");
        c.args([
            "-s",
            "--max-time",
            "20",
            "-X",
            method,
            "-H",
            &format!("X-Vault-Token: {token}"),
            "-w",
            "\n%{http_code}",
        ])
        .arg(format!("{}/v1/{path}", self.addr));
        if let Some(b) = body {
            c.args(["-H", "Content-Type: application/json", "-d", &b.to_string()]);
        }
        let out = c.output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let (body, status) = text.rsplit_once('\n').unwrap_or(("", &text));
        (status.trim().parse().unwrap_or(0), serde_json::from_str(body).unwrap_or(serde_json::Value::Null))
    }

    #[track_caller]
    pub fn ok(&self, method: &str, path: &str, body: Option<serde_json::Value>) -> serde_json::Value {
        let (status, v) = self.api(method, path, body);
        assert!((200..300).contains(&status), "{method} {path}: {status} {v}");
        v
    }

    /// A policy for team `team`'s path: `write` adds create and update to read and list, and the destroy
    /// of old versions (a retired secret), as the README's rotator policy does.
    pub fn policy(&self, name: &str, team: &str, write: bool) {
        self.policy_of(name, team, write, write);
    }

    /// A policy as [`Bao::policy`], with or without `destroy` of old versions.
    pub fn policy_of(&self, name: &str, team: &str, write: bool, destroy: bool) {
        let data = if write { r#"["create", "read", "update"]"# } else { r#"["read"]"# };
        let mut hcl = format!(
            "path \"secret/data/keyward/{team}/*\" {{ capabilities = {data} }}\n\
             path \"secret/metadata/keyward/{team}/*\" {{ capabilities = [\"read\", \"list\"] }}\n\
             path \"secret/metadata/keyward/{team}\" {{ capabilities = [\"list\"] }}\n"
        );
        if destroy {
            hcl += &format!("path \"secret/destroy/keyward/{team}/*\" {{ capabilities = [\"update\"] }}\n");
        }
        self.ok("PUT", &format!("sys/policies/acl/{name}"), Some(serde_json::json!({ "policy": hcl })));
    }

    /// A token with this id (a canary), these policies and display name `token-<who>`.
    pub fn token(&self, id: &str, policy: &str, who: &str) -> String {
        let v = self.ok(
            "POST",
            "auth/token/create",
            Some(serde_json::json!({ "id": id, "policies": [policy], "display_name": who })),
        );
        assert_eq!(v["auth"]["client_token"], id);
        id.to_string()
    }

    pub fn revoke(&self, token: &str) {
        self.ok("POST", "auth/token/revoke", Some(serde_json::json!({ "token": token })));
    }

    /// Every version of a KV entry, as OpenBao holds it (`secret/data/<path>?version=N`): (version, data),
    /// the data null for a destroyed version.
    pub fn versions(&self, path: &str) -> Vec<(u64, serde_json::Value)> {
        let meta = self.ok("GET", &format!("secret/metadata/{path}"), None);
        let mut out: Vec<(u64, serde_json::Value)> = meta["data"]["versions"]
            .as_object()
            .unwrap()
            .keys()
            .map(|k| {
                let n: u64 = k.parse().unwrap();
                let (status, v) = self.api("GET", &format!("secret/data/{path}?version={n}"), None);
                assert!(
                    status == 200 || v["data"]["metadata"]["destroyed"] == true,
                    "version {n} of {path}: {status} {v}"
                );
                (n, v["data"]["data"].clone())
            })
            .collect();
        out.sort_by_key(|v| v.0);
        out
    }

    pub fn current(&self, path: &str) -> (u64, serde_json::Value) {
        let v = self.ok("GET", &format!("secret/data/{path}"), None);
        (v["data"]["metadata"]["version"].as_u64().unwrap(), v["data"]["data"].clone())
    }

    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Three OpenBao servers with integrated (Raft) storage on loopback ports, as a team runs it for
/// availability: node 0 initialised (one unseal key) and unsealed, the others joined to it and unsealed,
/// all three voters; KV v2 at `secret/` and a root token `ROOT`, as the dev server has. A node's `Bao`
/// talks to that node: a standby forwards to the leader.
pub struct Cluster {
    pub nodes: Vec<Bao>,
}

impl Cluster {
    pub fn start() -> Cluster {
        let mut nodes = Vec::new();
        for i in 0..3 {
            let (api, cluster) = (free_port(), free_port());
            let dir = tempfile::tempdir().unwrap();
            let hcl = format!(
                "storage \"raft\" {{\n  path = \"{data}\"\n  node_id = \"node{i}\"\n}}\n\
                 listener \"tcp\" {{\n  address = \"127.0.0.1:{api}\"\n  cluster_address = \"127.0.0.1:{cluster}\"\n  tls_disable = true\n}}\n\
                 api_addr = \"http://127.0.0.1:{api}\"\ncluster_addr = \"http://127.0.0.1:{cluster}\"\ndisable_mlock = true\n",
                data = dir.path().display()
            );
            let config = dir.path().join("bao.hcl");
            std::fs::write(&config, hcl).unwrap();
            nodes.push(Bao::spawn(&["server", &format!("-config={}", config.display())], dir, api));
        }
        for n in &nodes {
            n.wait_for_health(&[501]);
        }
        let init = nodes[0].api_as(
            "",
            "PUT",
            "sys/init",
            Some(serde_json::json!({ "secret_shares": 1, "secret_threshold": 1 })),
        );
        assert_eq!(init.0, 200, "init: {}", init.1);
        let (key, root) = (
            init.1["keys_base64"][0].as_str().unwrap().to_string(),
            init.1["root_token"].as_str().unwrap().to_string(),
        );
        let unseal = |n: &Bao| {
            let (status, v) = n.api_as("", "PUT", "sys/unseal", Some(serde_json::json!({ "key": key })));
            assert_eq!(status, 200, "unseal {}: {v}", n.addr);
        };
        unseal(&nodes[0]);
        nodes[0].wait_for_health(&[200]);
        // Followers count as voters once autopilot has seen them healthy for this long (10 s by default).
        nodes[0].ok_as(
            &root,
            "POST",
            "sys/storage/raft/autopilot/configuration",
            serde_json::json!({ "server_stabilization_time": "2s" }),
        );
        for n in &nodes[1..] {
            let joined = n.api_as(
                "",
                "PUT",
                "sys/storage/raft/join",
                Some(serde_json::json!({ "leader_api_addr": nodes[0].addr })),
            );
            assert_eq!(joined.0, 200, "join {}: {}", n.addr, joined.1);
            unseal(n);
            n.wait_for_health(&[429]);
        }
        nodes[0].ok_as(
            &root,
            "POST",
            "auth/token/create",
            serde_json::json!({ "id": "ROOT", "policies": ["root"], "no_parent": true }),
        );
        nodes[0].ok(
            "POST",
            "sys/mounts/secret",
            Some(serde_json::json!({ "type": "kv", "options": { "version": "2" } })),
        );
        let cluster = Cluster { nodes };
        let start = Instant::now();
        while cluster.voters() < 3 {
            assert!(start.elapsed() < Duration::from_secs(60), "the followers never became voters");
            std::thread::sleep(Duration::from_millis(200));
        }
        cluster
    }

    /// How many nodes vote, as the leader's Raft configuration says.
    fn voters(&self) -> usize {
        let (_, v) = self.nodes[self.leader()].api("GET", "sys/storage/raft/configuration", None);
        v["data"]["config"]["servers"].as_array().map_or(0, |s| s.iter().filter(|s| s["voter"] == true).count())
    }

    /// The node that leads now (asked of any node that answers).
    pub fn leader(&self) -> usize {
        for n in self.nodes.iter().filter(|n| n.child.is_some()) {
            let (status, v) = n.api("GET", "sys/leader", None);
            if status == 200 {
                if let Some(i) =
                    self.nodes.iter().position(|m| v["leader_address"] == m.addr.as_str() && m.child.is_some())
                {
                    return i;
                }
            }
        }
        panic!("no node of the cluster leads");
    }
}

impl Bao {
    #[track_caller]
    fn ok_as(&self, token: &str, method: &str, path: &str, body: serde_json::Value) -> serde_json::Value {
        let (status, v) = self.api_as(token, method, path, Some(body));
        assert!((200..300).contains(&status), "{method} {path}: {status} {v}");
        v
    }
}

impl Drop for Bao {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The rig, with `cc-rotating` accepting the three canary secrets.
pub fn rig() -> (Rig, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let secrets = dir.path().join("provider-secrets.txt");
    std::fs::write(&secrets, format!("{SECRET_1}\n{SECRET_2}\n{SECRET_3}\n")).unwrap();
    (Rig::start(&["--rotating-secrets", secrets.to_str().unwrap()]), dir)
}

/// What the rig's API says of an access token (it verifies it): `client_id`, `via`…; panics if refused.
pub fn rig_accepts(rig: &Rig, token: &str) -> serde_json::Value {
    let out = Command::new("curl")
        .args(["-s", "-w", "\n%{http_code}", "-H", &format!("Authorization: Bearer {}", token.trim())])
        .arg(rig.whoami())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, status) = text.rsplit_once('\n').unwrap();
    assert_eq!(status, "200", "the rig refused the token: {body}");
    serde_json::from_str(body).unwrap()
}

/// A person (or CI): a `keyward` with its own home and keychain store id, tracing at its most verbose,
/// whose every command is checked: no canary secret in stderr ever, nor in stdout unless the command
/// is one that prints what the user asked for (`token`, `secret reveal`).
pub struct Person<'a> {
    pub kw: Kw,
    pub never: &'a std::cell::RefCell<Vec<String>>,
}

impl<'a> Person<'a> {
    pub fn new(never: &'a std::cell::RefCell<Vec<String>>) -> Person<'a> {
        // A second's refresh period, so that a shared rotation's minimum overlap (two of them) is short.
        Person { kw: Kw::new().with("KEYWARD_LOG", "trace").with("KEYWARD_TEAM_REFRESH", "1"), never }
    }

    pub fn check(&self, args: &[&str], run: &Run) {
        let first = args.first().copied().unwrap_or_default();
        for canary in self.never.borrow().iter() {
            // `token` and `export` print the credential a request carries (an access token, an API key),
            // never a client secret nor an OpenBao token; `secret reveal` prints what it was asked for.
            let minting = canary.starts_with("kw-canary-team-client-secret") || canary.starts_with("kw-canary-bao-");
            let prints_secret =
                (matches!(first, "token" | "export") && !minting && !args.contains(&"--dry-run")) || first == "secret";
            // As is, and as an HTTP trace would carry it: base64 alone and in a Basic credential.
            let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
            for form in [canary.clone(), b64(canary), b64(&format!("cc-rotating:{canary}"))] {
                assert!(!run.stderr.contains(&form), "`keyward {}` wrote a secret to stderr", args.join(" "));
                if !prints_secret {
                    assert!(!run.stdout.contains(&form), "`keyward {}` printed a secret", args.join(" "));
                }
            }
        }
        assert!(!run.stderr.contains("panicked"), "`keyward {}` panicked: {}", args.join(" "), run.stderr);
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let run = self.kw.run(args);
        self.check(args, &run);
        run
    }

    pub fn run_stdin(&self, args: &[&str], input: &str) -> Run {
        let run = self.kw.run_stdin(args, input);
        self.check(args, &run);
        run
    }

    /// `keyward token NAME`, checked to be a token the rig takes for `cc-rotating`; it joins the canaries.
    pub fn token(&self, rig: &Rig, name: &str) -> String {
        let token = self.run(&["token", name]).ok().stdout.trim().to_string();
        assert_eq!(rig_accepts(rig, &token)["client_id"], "cc-rotating");
        self.never.borrow_mut().push(token.clone());
        token
    }

    pub fn add_profile(&self, rig: &Rig, name: &str, secret: &str) {
        self.adding_profile(rig, name, secret).ok();
    }

    /// `profile add` of a client-credentials profile on the rig, for a test that expects it to fail.
    pub fn adding_profile(&self, rig: &Rig, name: &str, secret: &str) -> Run {
        self.run_stdin(
            &[
                "profile",
                "add",
                name,
                "--strategy",
                "client-credentials",
                "--url",
                &rig.token_endpoint,
                "--client-id",
                "cc-rotating",
                "--scope",
                "read:users",
                "--client-secret-stdin",
            ],
            secret,
        )
    }

    pub fn connect(&self, bao: &Bao, team: &str, token: &str) -> Run {
        self.run_stdin(&["team", "add", team, "--addr", &bao.addr, "--token-stdin"], token)
    }

    pub fn config(&self) -> serde_json::Value {
        serde_json::from_str(&self.kw.read("config.json")).unwrap()
    }
}

/// Every file under `dir`, with its bytes.
pub fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if e.file_type().unwrap().is_dir() {
            out.extend(files(&p));
        } else {
            out.push((p.display().to_string(), std::fs::read(&p).unwrap_or_default()));
        }
    }
    out
}

pub fn holds(bytes: &[u8], needle: &str) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Person A adds `svc` (client secret SECRET_1), gets a token, connects team `team` and shares it.
pub fn alice_shares<'a>(
    never: &'a std::cell::RefCell<Vec<String>>,
    rig: &Rig,
    bao: &Bao,
    team: &str,
) -> (Person<'a>, String) {
    bao.policy("member", team, true);
    let token = bao.token("kw-canary-bao-token-alice-0001", "member", "alice");
    never.borrow_mut().push(token.clone());
    let alice = Person::new(never);
    alice.add_profile(rig, "svc", SECRET_1);
    alice.token(rig, "svc");
    let run = alice.connect(bao, team, &token).ok();
    assert!(run.stderr.contains(&format!("Connected team {team}")), "{}", run.stderr);
    let run = alice.run(&["team", "share", "svc", "--team", team]).ok();
    assert!(
        run.stderr.contains(&format!("Shared svc with team {team} (version 1; moved clientSecret)")),
        "{}",
        run.stderr
    );
    (alice, token)
}

/// B's `profile edit svc --client-secret-stdin`, started and stopped once it has read the team's entry
/// (it then waits for its standard input).
pub struct Pending {
    pub child: Child,
    pub stderr: std::sync::mpsc::Receiver<String>,
}

impl Pending {
    pub fn start(p: &Person, args: &[&str]) -> Pending {
        let mut child =
            p.kw.command(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let pending = Pending { child, stderr: rx };
        let start = Instant::now();
        loop {
            let left = Duration::from_secs(30).saturating_sub(start.elapsed());
            let line = pending.stderr.recv_timeout(left).expect("the command says it read the team's entry");
            if line.contains("read the team's profile") {
                return pending;
            }
        }
    }

    pub fn finish(mut self, input: &str) -> Run {
        self.child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        let out = self.child.wait_with_output().unwrap();
        let stderr: Vec<String> = self.stderr.iter().collect();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: stderr.join("\n"),
        }
    }
}
