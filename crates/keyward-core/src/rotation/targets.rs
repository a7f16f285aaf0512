//! Where a rotation puts a credential: a file with a line template (a `.env` line `NAME={key}`, a keys
//! file line `{key} {name} {scopes}`), a JWKS file the provider reads, a command that receives the new
//! credential on standard input. Every change is safe to make twice (a resumed step re-runs it), and a
//! file is rewritten atomically (temp file, fsync, rename in the same directory), keeping its other
//! lines and its permissions.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::secret::Secret;

/// A place the rotation deploys to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum Target {
    /// A text file; `line` is the template of the credential's line (`{key}`, `{name}`, `{scopes}`).
    File { path: String, line: String },
    /// A JWKS file (`{"keys": [...]}`) the provider reads: key pairs only.
    Jwks { path: String },
    /// A shell command, given the new credential on standard input when deploying.
    Cmd { command: String },
}

impl Target {
    /// `file:PATH` (with its `--line`), `jwks:PATH`, `cmd:COMMAND`.
    pub fn parse(spec: &str, line: Option<&str>) -> Result<Target, String> {
        match spec.split_once(':') {
            Some(("file", path)) if !path.is_empty() => match line {
                Some(l) if l.contains("{key}") => Ok(Target::File { path: path.into(), line: l.into() }),
                Some(_) => Err("the line template must hold {key}, where the credential goes".into()),
                None => Err(format!("say which line {path} holds: a line template such as 'API_KEY={{key}}'")),
            },
            Some(("jwks", path)) if !path.is_empty() => Ok(Target::Jwks { path: path.into() }),
            Some(("cmd", command)) if !command.trim().is_empty() => Ok(Target::Cmd { command: command.into() }),
            _ => Err(format!("{spec:?} is not a target: file:PATH, jwks:PATH or cmd:COMMAND")),
        }
    }

    /// How the target is named in plans, the journal and the audit log.
    pub fn describe(&self) -> String {
        match self {
            Target::File { path, .. } => format!("file {path}"),
            Target::Jwks { path } => format!("JWKS {path}"),
            Target::Cmd { command } => format!("command `{}`", crate::flow::truncate(command, 60)),
        }
    }
}

/// What a target is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Add the new credential beside the old (both valid: the overlap).
    Deploy,
    /// Remove the old credential.
    Retire,
    /// Remove the new credential (the rotation is undone).
    Abort,
}

impl Change {
    fn id(self) -> &'static str {
        match self {
            Change::Deploy => "deploy",
            Change::Retire => "retire",
            Change::Abort => "abort",
        }
    }
}

/// The credentials a change works with. For key pairs, `new`/`old` are the public JWKs (as JSON text)
/// and the kids are set; for secrets, the values.
pub struct Material<'a> {
    pub profile: &'a str,
    pub scopes: &'a str,
    pub new: &'a Secret,
    pub old: Option<&'a Secret>,
    pub new_kid: Option<&'a str>,
    pub old_kid: Option<&'a str>,
    pub new_fingerprint: &'a str,
    pub old_fingerprint: &'a str,
}

/// Apply `change` to `target`. `Err` is the target's refusal, in words (never a credential).
pub fn apply(target: &Target, change: Change, m: &Material) -> Result<String, String> {
    match target {
        Target::File { path, line } => file(Path::new(path), line, change, m),
        Target::Jwks { path } => jwks(Path::new(path), change, m),
        Target::Cmd { command } => cmd(command, change, m),
    }
}

fn render(template: &str, key: &str, m: &Material) -> String {
    template.replace("{key}", key).replace("{name}", m.profile).replace("{scopes}", m.scopes)
}

fn read_lines(path: &Path) -> Result<(Vec<String>, bool), String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok((text.lines().map(String::from).collect(), text.ends_with('\n') || text.is_empty())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((Vec::new(), true)),
        Err(e) => Err(format!("could not read {}: {e}", path.display())),
    }
}

/// Rewrite `path` with `text` atomically, keeping its permissions (0600 for a new file).
pub fn write_atomic(path: &Path, text: &str) -> Result<(), String> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mode = std::fs::metadata(path).ok().map(|m| {
        use std::os::unix::fs::PermissionsExt;
        m.permissions().mode()
    });
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.keyward-rotate-{}", std::process::id()));
    let result = (|| {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, mode.unwrap_or(0o600) & 0o7777);
        let mut f = opts.open(&tmp)?;
        if let Some(mode) = mode {
            use std::os::unix::fs::PermissionsExt;
            f.set_permissions(std::fs::Permissions::from_mode(mode & 0o7777))?;
        }
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        // The rename is durable once the directory is.
        std::fs::File::open(&dir).and_then(|d| d.sync_all())
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("could not write {}: {e}", path.display())
    })
}

fn file(path: &Path, template: &str, change: Change, m: &Material) -> Result<String, String> {
    let (mut lines, trailing_newline) = read_lines(path)?;
    let holds = |line: &str, key: &Secret| !key.is_empty() && line.contains(key.expose());
    let before = lines.len();
    match change {
        Change::Deploy => {
            if lines.iter().any(|l| holds(l, m.new)) {
                return Ok(format!("{} already holds the new credential", path.display()));
            }
            // After the old line, so that readers that take the last of two equal names take the new one.
            let new_line = render(template, m.new.expose(), m);
            match m.old.and_then(|old| lines.iter().rposition(|l| holds(l, old))) {
                Some(i) => lines.insert(i + 1, new_line),
                None => lines.push(new_line),
            }
        }
        Change::Retire => {
            if let Some(old) = m.old {
                lines.retain(|l| !holds(l, old));
            }
        }
        Change::Abort => lines.retain(|l| !holds(l, m.new)),
    }
    if lines.len() == before && change != Change::Deploy {
        return Ok(format!("{} holds no line to remove", path.display()));
    }
    let mut text = lines.join("\n");
    if trailing_newline && !text.is_empty() {
        text.push('\n');
    }
    write_atomic(path, &text)?;
    Ok(match change {
        Change::Deploy => format!("added the new credential's line to {}", path.display()),
        Change::Retire => format!("removed the old credential's line from {}", path.display()),
        Change::Abort => format!("removed the new credential's line from {}", path.display()),
    })
}

fn jwks(path: &Path, change: Change, m: &Material) -> Result<String, String> {
    let mut doc: serde_json::Value = match std::fs::read_to_string(path) {
        Ok(t) => serde_json::from_str(&t).map_err(|e| format!("{} is not a JWKS ({e})", path.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => serde_json::json!({ "keys": [] }),
        Err(e) => return Err(format!("could not read {}: {e}", path.display())),
    };
    let keys = doc
        .get_mut("keys")
        .and_then(|k| k.as_array_mut())
        .ok_or_else(|| format!("{} has no \"keys\" list", path.display()))?;
    let kid_of = |k: &serde_json::Value| k.get("kid").and_then(|v| v.as_str()).map(String::from);
    let words = match change {
        Change::Deploy => {
            let kid = m.new_kid.ok_or("a JWKS target is for key pairs")?;
            if keys.iter().any(|k| kid_of(k).as_deref() == Some(kid)) {
                return Ok(format!("{} already publishes kid {kid}", path.display()));
            }
            let jwk: serde_json::Value = serde_json::from_str(m.new.expose()).map_err(|e| e.to_string())?;
            keys.push(jwk);
            format!("published kid {kid} in {}", path.display())
        }
        Change::Retire | Change::Abort => {
            let kid = if change == Change::Retire { m.old_kid } else { m.new_kid };
            let Some(kid) = kid else { return Ok("no kid to remove".into()) };
            let before = keys.len();
            keys.retain(|k| kid_of(k).as_deref() != Some(kid));
            if keys.len() == before {
                return Ok(format!("{} does not publish kid {kid}", path.display()));
            }
            format!("removed kid {kid} from {}", path.display())
        }
    };
    let text = serde_json::to_string_pretty(&doc).expect("json") + "\n";
    write_atomic(path, &text)?;
    Ok(words)
}

fn cmd(command: &str, change: Change, m: &Material) -> Result<String, String> {
    let mut c = Command::new("sh");
    c.args(["-c", command])
        .env("KEYWARD_ROTATION_STEP", change.id())
        .env("KEYWARD_PROFILE", m.profile)
        .env("KEYWARD_NEW_FINGERPRINT", m.new_fingerprint)
        .env("KEYWARD_OLD_FINGERPRINT", m.old_fingerprint)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    crate::oauth::browser::without_secrets(&mut c);
    let mut child = c.spawn().map_err(|e| format!("could not start it with sh: {e}"))?;
    let mut stdin = child.stdin.take().expect("piped");
    if change == Change::Deploy {
        let _ = stdin.write_all(m.new.expose().as_bytes());
    }
    drop(stdin);
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if out.status.success() {
        return Ok(format!("`{}` accepted the {} step", crate::flow::truncate(command, 60), change.id()));
    }
    // What the command said, scrubbed of both credentials, as its reason.
    let mut scrub = crate::scrub::Scrubber::of([m.new]);
    if let Some(old) = m.old {
        scrub.add(old);
    }
    let said = scrub.server_text(String::from_utf8_lossy(&out.stderr).trim());
    // The caller names the target (`command …`); say only how it refused, and what it said.
    Err(format!(
        "it failed at the {} step ({}){}",
        change.id(),
        out.status,
        if said.is_empty() { String::new() } else { format!(": {said}") }
    ))
}
