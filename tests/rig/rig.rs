//! The test rig started from Rust, for the core's and the CLI's integration tests alike (each includes
//! this file with `#[path]`): the OpenID provider and the protected API of `tests/rig/provider.mjs` on
//! 127.0.0.1 and free ports, stopped on drop. Its first stdout line is JSON naming every endpoint.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};

pub struct Rig {
    child: Child,
    _stdin: ChildStdin,
    pub issuer: String,
    pub api: String,
    pub token_endpoint: String,
    /// The whole JSON line the rig printed (endpoints of every counterpart).
    pub info: serde_json::Value,
}

impl Rig {
    /// Start the rig with `args` (provider.mjs's flags) and wait for its line of endpoints.
    pub fn start(args: &[&str]) -> Rig {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut child = Command::new("node")
            .arg(root.join("tests/rig/provider.mjs"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs the rig (npm ci --prefix tests installs it)");
        // The rig stops when its stdin closes: held here, closed on drop, so it never outlives the test.
        let stdin = child.stdin.take().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let info: serde_json::Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("rig said {line:?}: {e}"));
        let s = |k: &str| info[k].as_str().unwrap_or_default().to_string();
        Rig { issuer: s("issuer"), api: s("api"), token_endpoint: s("token_endpoint"), child, _stdin: stdin, info }
    }

    /// A URL from the rig's JSON line.
    pub fn url(&self, key: &str) -> String {
        self.info[key].as_str().unwrap_or_else(|| panic!("the rig names no {key}")).to_string()
    }
}

impl Drop for Rig {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
