//! Generates the Tauri context from the root `tauri.conf.json` and declares the app's own commands, so that
//! each gets an `allow-…` permission and only what a capability grants can be invoked (without this list,
//! every app command would be allowed).

const COMMANDS: &[&str] = &[
    "list_profiles",
    "show_profile",
    "remove_profile",
    "strategies",
    "check_form",
    "add_profile",
    "edit_profile",
    "test_profile",
    "discover",
    "audit_events",
    "login",
    "cancel_login",
    "copy_login_url",
    "get_token",
    "copy_access_token",
    "call_api",
    "dry_run",
    "exchange_assertion",
    "saml_sp_settings",
    "logout",
    "reveal_secret",
    "keys",
    "key_new",
    "key_import",
    "key_import_file",
    "jwks",
    "copy_jwks",
    "save_jwks",
    "export_profiles",
    "import_postman_file",
    "inspect_token",
    "inspect_profile",
    "rotation_status",
    "rotation_start",
    "rotation_next",
    "rotation_abort",
    "rotation_abort_plan",
    "rotation_pick_file",
    "rotations_due",
    "watch_credentials",
    "key_cert",
    "copy_cert",
    "save_cert",
    "api_key_new",
    "copy_api_key",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed: see tauri.conf.json and the capabilities in it");
}
