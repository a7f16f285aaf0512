//! The `keyward-app` binary: starts the desktop app.

// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    keyward_app::run()
}
