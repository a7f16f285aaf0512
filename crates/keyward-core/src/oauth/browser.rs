//! Opening the user's browser: `$BROWSER` when set (a `:`-separated list, `%s` standing for the URL, as
//! the BROWSER convention has it), else the platform's opener through the `open` crate. The browser never
//! inherits Keyward's secrets: every `KEYWARD_SECRET_*` / `KEYWARD_KEY_*` variable is removed from its
//! environment.

use std::process::{Command, Stdio};

/// Start the browser on `url` without waiting for it to exit. Err says why it could not be started; the
/// caller then shows the URL for the user to open by hand.
pub fn open(url: &str) -> Result<(), String> {
    match std::env::var("BROWSER") {
        Ok(list) if !list.trim().is_empty() => {
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

/// Start `command` detached from our standard streams and reap it when it exits (it may outlive us).
fn start(command: &mut Command) -> Result<(), String> {
    let mut child = without_secrets(command)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
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
