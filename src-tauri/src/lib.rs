//! The desktop shell: a window over `keyward-core`. It wires the core into Tauri's managed state and
//! registers the commands; what Keyward does lives in the core, what a command does is one call into it.

mod commands;

use std::sync::Arc;

use keyward_core::Keyward;

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

    tauri::Builder::default()
        .manage(Arc::new(Keyward::open_default()))
        .invoke_handler(tauri::generate_handler![commands::list_profiles])
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
