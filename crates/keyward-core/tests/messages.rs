//! The core's messages state what happened and never name a CLI command: a window user must never be told
//! to "run `keyward login demo`". The fix travels as a `Remedy`, which each edge words (the CLI as the
//! command, the window as a button).

use std::path::Path;

const COMMANDS: &[&str] =
    &["login", "logout", "token", "profile", "key", "apikey", "secret", "call", "strategies", "audit", "rotate"];

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A text that names a command the way a person would type it: "keyward login", "`keyward token".
fn names_a_command(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let mut rest = lower.as_str();
    while let Some(i) = rest.find("keyward ") {
        let after = &rest[i + "keyward ".len()..];
        if let Some(cmd) = COMMANDS.iter().find(|c| after.starts_with(*c)) {
            return Some(format!("keyward {cmd}"));
        }
        rest = after;
    }
    None
}

#[test]
fn no_core_message_names_a_cli_command() {
    let mut files = Vec::new();
    sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        // Unit tests may say anything; the shipped code may not.
        let shipped = text.split("#[cfg(test)]").next().unwrap();
        for (n, line) in shipped.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue; // documentation for contributors, not a message
            }
            if let Some(cmd) = names_a_command(code) {
                found.push(format!("{}:{}: {cmd}: {}", file.display(), n + 1, code));
            }
        }
    }
    assert!(found.is_empty(), "core messages must carry a Remedy instead of naming a command:\n{}", found.join("\n"));
}

#[test]
fn the_check_itself_sees_a_command() {
    assert_eq!(names_a_command("run `keyward login demo` again").as_deref(), Some("keyward login"));
    assert_eq!(names_a_command("Keyward keeps secrets only there"), None);
    assert_eq!(names_a_command("keyward/0.1 user agent"), None);
}

#[test]
fn errors_carry_their_remedy_as_data() {
    use keyward_core::oauth::FlowError;
    use keyward_core::{AppError, Error, ErrorCode, Remedy};
    let declined: AppError = Error::from(FlowError::ConsentDeclined { profile: "demo".into() }).into();
    assert_eq!(declined.code, ErrorCode::ConsentDeclined);
    assert_eq!(declined.remedy, Some(Remedy::LogIn { profile: "demo".into() }));
    assert!(names_a_command(&declined.message).is_none(), "{}", declined.message);
    let json = serde_json::to_value(&declined).unwrap();
    assert_eq!(json["remedy"], serde_json::json!({"kind": "logIn", "profile": "demo"}), "the window switches on kind");
    let missing: AppError = Error::from(keyward_core::config::ConfigError::NoSuchProfile("nope".into())).into();
    assert_eq!(missing.remedy, Some(Remedy::ListProfiles));
}
