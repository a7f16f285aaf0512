//! Hello world in a Tauri v2 window: one heading and one button, nothing else (the bench's counterpart).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tauri::Builder::default().run(tauri::generate_context!()).expect("the hello window opens");
}
