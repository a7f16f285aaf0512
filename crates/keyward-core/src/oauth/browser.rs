//! Opening the user's browser: `$BROWSER` when set (a `:`-separated list, `%s` standing for the URL, as
//! the BROWSER convention has it), else the platform's opener through the `open` crate.

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
        _ => open::that_detached(url).map_err(|e| format!("could not start the system browser: {e}")),
    }
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
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    // Reap it when it exits, so it never lingers as a zombie; it may outlive us, which is fine.
    std::thread::spawn(move || child.wait());
    Ok(())
}
