//! The desktop shell: a window over `keyward-core`. It wires the core into Tauri's managed state and
//! registers the commands and plugins; what Keyward does lives in the core, what a command does is one
//! call into it.

mod clipboard;
mod commands;
mod refresh;

use std::sync::Arc;

use keyward_core::Keyward;
use tauri::Manager;

use commands::{export, inspect, keys, login, profiles, rotation, team, use_credential};

/// Start the app: logging, the core as managed state, the commands, the window from `tauri.conf.json`.
pub fn run() {
    if !has_display() {
        eprintln!(
            "Keyward is a desktop app and there is no display ($DISPLAY and $WAYLAND_DISPLAY are unset).\n\
             Run it on a desktop session, or under a virtual display: xvfb-run -a keyward-app"
        );
        std::process::exit(1);
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KEYWARD_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();

    let (keyward, teams) = open_with_teams();
    tauri::Builder::default()
        // First, so a second start hands over to the running window before anything else starts: two
        // windows would fight over one grant's rotating refresh tokens.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(Arc::new(keyward))
        .manage(Arc::new(teams))
        .manage(Arc::new(login::Logins::default()))
        .manage(Arc::new(refresh::Watchers::default()))
        // Signed-in profiles are kept fresh in the background while the window runs (issue 9).
        .setup(|app| {
            let kw = Arc::clone(&app.state::<Arc<Keyward>>());
            let watchers = Arc::clone(&app.state::<Arc<refresh::Watchers>>());
            refresh::start(Arc::clone(&kw), Arc::clone(&watchers));
            refresh::start_teams(kw, Arc::clone(&app.state::<Arc<keyward_core::team::TeamEnv>>()), watchers);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            profiles::list_profiles,
            profiles::show_profile,
            profiles::remove_profile,
            profiles::strategies,
            profiles::check_form,
            profiles::add_profile,
            profiles::edit_profile,
            profiles::test_profile,
            profiles::discover,
            profiles::audit_events,
            profiles::rotations_due,
            profiles::watch_credentials,
            login::login,
            login::cancel_login,
            login::copy_login_url,
            use_credential::get_token,
            use_credential::copy_access_token,
            use_credential::call_api,
            use_credential::dry_run,
            use_credential::exchange_assertion,
            use_credential::saml_sp_settings,
            use_credential::logout,
            use_credential::reveal_secret,
            keys::keys,
            keys::key_new,
            keys::key_import,
            keys::key_import_file,
            keys::jwks,
            keys::copy_jwks,
            keys::save_jwks,
            keys::key_cert,
            keys::copy_cert,
            keys::save_cert,
            keys::api_key_new,
            keys::copy_api_key,
            export::export_profiles,
            export::import_postman_file,
            inspect::inspect_token,
            inspect::inspect_profile,
            rotation::rotation_status,
            rotation::rotation_start,
            rotation::rotation_next,
            rotation::rotation_abort,
            rotation::rotation_abort_plan,
            rotation::rotation_pick_file,
            team::team_list,
            team::team_status,
            team::team_add,
            team::team_accept,
        ])
        .run(tauri::generate_context!())
        .expect("the Keyward window could not start");
}

/// On Linux and the BSDs GTK needs an X11 or Wayland display, and without one it panics at start-up: say so
/// instead. Other platforms always have one.
fn has_display() -> bool {
    if cfg!(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd", target_os = "netbsd")) {
        ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
    } else {
        true
    }
}

/// The core on the environment read once here, with the profiles of the teams connected here (read from
/// their OpenBao at start-up, as the CLI reads them per command) in a team store that a team connected
/// later adds its profiles to (`team_add`), and the teams' part of the environment (`KEYWARD_TEAM_*`). A
/// team that cannot be read is logged and left out: its profiles are missing from the list until it is
/// connected again or the window starts again, and the rest of Keyward works.
fn open_with_teams() -> (Keyward, keyward_core::team::TeamEnv) {
    let mut cx = keyward_core::Context::from_env();
    let env = match keyward_core::team::TeamEnv::from_env() {
        Ok(env) => env,
        Err(e) => {
            tracing::warn!("the KEYWARD_TEAM_* variables are not usable, so they are ignored: {e}");
            keyward_core::team::TeamEnv::default()
        }
    };
    keyward_core::team::ops::install(&mut cx, &env);
    let attached = tauri::async_runtime::block_on(keyward_core::team::ops::attach_more(&cx, &env));
    match attached {
        Ok(problems) => {
            for problem in problems {
                tracing::warn!("a team's profiles are not shown: {problem}");
            }
        }
        Err(e) => tracing::warn!("the teams' profiles are not shown: {e}"),
    }
    (Keyward::on(cx), env)
}
