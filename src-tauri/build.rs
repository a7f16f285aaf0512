//! Generates the Tauri context from the root `tauri.conf.json` and declares the app's own commands, so that
//! each gets an `allow-…` permission and only what a capability grants can be invoked (without this list,
//! every app command would be allowed).

const COMMANDS: &[&str] = &["list_profiles"];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed: see tauri.conf.json and the capabilities in it");
}
