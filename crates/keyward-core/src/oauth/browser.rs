//! Opening the user's browser: `$BROWSER` when set (a `:`-separated list, `%s` standing for the URL, as
//! the BROWSER convention has it), else the platform's opener through the `open` crate. The browser never
//! inherits Keyward's secrets: every `KEYWARD_SECRET_*` / `KEYWARD_KEY_*` variable is removed from its
//! environment.

use std::process::{Command, Stdio};

/// Start the browser on `url` without waiting for it to exit. Err says why it could not be started; the
/// caller then shows the URL for the user to open by hand.
pub fn open(url: &str, browser: Option<&str>) -> Result<(), String> {
    match browser {
        Some(list) if !list.trim().is_empty() => {
            let mut last = String::from("$BROWSER is empty");
            for candidate in list.split(':').filter(|c| !c.trim().is_empty()) {
                match spawn(candidate, url) {
                    Ok(()) => return Ok(()),
                    Err(e) => last = format!("$BROWSER entry {candidate:?}: {e}"),
                }
            }
            Err(last)
        }
        _ => {
            let mut last = String::from("no opener for this platform");
            for mut command in open::commands(url) {
                match start(&mut command) {
                    Ok(()) => return Ok(()),
                    Err(e) => last = e,
                }
            }
            Err(format!("could not start the system browser: {last}"))
        }
    }
}

/// Whether an environment variable holds one of Keyward's secrets (headless use).
pub fn is_secret_variable(name: &str) -> bool {
    name.starts_with("KEYWARD_SECRET_") || name.starts_with("KEYWARD_KEY_") || name == "KEYWARD_TEAM_TOKEN"
}

/// Remove Keyward's secret variables from a child's environment.
pub fn without_secrets(command: &mut Command) -> &mut Command {
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(is_secret_variable) {
            command.env_remove(&name);
        }
    }
    command
}

/// How long a launcher is watched for a quick failure: `xdg-open` with no browser to hand to, or a
/// `$BROWSER` script that gives up, exits non-zero at once; a browser that opened goes on running or exits 0.
const LAUNCH_WATCH: std::time::Duration = std::time::Duration::from_millis(600);

/// Start `command` detached from our standard streams, say so if it fails at once (its exit status), and
/// reap it when it exits (it may outlive us).
fn start(command: &mut Command) -> Result<(), String> {
    let mut child = without_secrets(command)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let watched = std::time::Instant::now();
    while watched.elapsed() < LAUNCH_WATCH {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(format!("it exited at once with {status}")),
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(25)),
            Err(_) => break,
        }
    }
    std::thread::spawn(move || child.wait());
    Ok(())
}

fn spawn(candidate: &str, url: &str) -> Result<(), String> {
    let mut words: Vec<String> = candidate.split_whitespace().map(String::from).collect();
    if words.iter().any(|w| w.contains("%s")) {
        for w in &mut words {
            *w = w.replace("%s", url);
        }
    } else {
        words.push(url.to_string());
    }
    let (program, args) = words.split_first().ok_or("empty command")?;
    start(Command::new(program).args(args))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_launcher_that_fails_at_once_is_said_with_its_exit_status() {
        let err = start(Command::new("sh").args(["-c", "exit 3"])).unwrap_err();
        assert!(err.contains("exited at once") && err.contains('3'), "{err}");
        start(&mut Command::new("true")).expect("a launcher that exits 0 opened the browser");
        let started = std::time::Instant::now();
        start(Command::new("sleep").arg("5")).expect("a browser that goes on running has started");
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "the watch is short");
    }
}
