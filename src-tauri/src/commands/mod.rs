//! The Tauri commands the UI calls: each is one call into `keyward-core`, its errors as `{code, message}`.
//! Grouped by what the user is doing: profiles and their forms, logging in, using a credential, keys,
//! exporting and importing, rotating a credential.
//!
//! The core's async flows are awaited straight from async commands (the core keeps its keychain waits off
//! the runtime's workers); its synchronous calls (profiles, keys: D-Bus, maybe an unlock prompt) run on
//! Tauri's blocking pool. Every command here is listed once in `build.rs`'s COMMANDS: the handler in
//! `lib.rs`, the capability in `tauri.conf.json` and the UI's platform door are checked against it (see
//! `command_lists` below).

pub mod export;
pub mod inspect;
pub mod keys;
pub mod login;
pub mod profiles;
pub mod rotation;
pub mod team;
pub mod use_credential;

use keyward_core::{AppError, ErrorCode};

/// Run a blocking core call on the blocking pool and turn its error into the UI's shape.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> keyward_core::Result<T> + Send + 'static,
) -> Result<T, AppError> {
    match tauri::async_runtime::spawn_blocking(f).await {
        Ok(result) => result.map_err(AppError::from),
        Err(e) => {
            tracing::error!("a core call panicked or was cancelled: {e}");
            Err(AppError {
                code: ErrorCode::Internal,
                message: "Keyward hit an internal error; see its log.".into(),
                remedy: None,
            })
        }
    }
}

/// The command list is written once, in `build.rs`; the handler, the capability and the UI's platform door
/// must name exactly those commands, or a command is unreachable, ungranted or granted without a use.
#[cfg(test)]
mod command_lists {
    use std::collections::BTreeSet;

    const BUILD: &str = include_str!("../../build.rs");
    const LIB: &str = include_str!("../lib.rs");
    const CONF: &str = include_str!("../../../tauri.conf.json");
    const DOOR: &str = include_str!("../../../ui/src/platform/tauri.ts");

    /// Every `"…"` string between `start` and the next `end`.
    fn quoted(text: &str, start: &str, end: &str) -> BTreeSet<String> {
        let from = text.find(start).expect("the list is there") + start.len();
        let body = &text[from..from + text[from..].find(end).expect("the list ends")];
        body.split('"').skip(1).step_by(2).map(String::from).collect()
    }

    #[test]
    fn build_rs_the_handler_the_capability_and_the_ui_agree() {
        let declared = quoted(BUILD, "const COMMANDS: &[&str] = &[", "];");
        assert!(declared.len() > 20, "build.rs lists the commands: {declared:?}");
        let handled: BTreeSet<String> = {
            let from = LIB.find("generate_handler![").unwrap();
            let body = &LIB[from..from + LIB[from..].find("])").unwrap()];
            body.split([',', '['])
                .filter_map(|s| s.trim().rsplit("::").next())
                .filter(|s| !s.is_empty() && !s.contains('!'))
                .map(String::from)
                .collect()
        };
        let conf: serde_json::Value = serde_json::from_str(CONF).unwrap();
        let granted: BTreeSet<String> = conf["app"]["security"]["capabilities"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|c| c["permissions"].as_array().cloned().unwrap_or_default())
            .filter_map(|p| p.as_str().and_then(|p| p.strip_prefix("allow-")).map(|p| p.replace('-', "_")))
            .collect();
        let called: BTreeSet<String> = DOOR
            .match_indices("call(\"")
            .map(|(i, m)| DOOR[i + m.len()..].split('"').next().unwrap().to_string())
            .collect();
        assert_eq!(handled, declared, "lib.rs's generate_handler! and build.rs's COMMANDS");
        assert_eq!(granted, declared, "tauri.conf.json's capability and build.rs's COMMANDS");
        assert_eq!(called, declared, "ui/src/platform/tauri.ts and build.rs's COMMANDS");
    }
}
