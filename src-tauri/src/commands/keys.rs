//! Key pairs for private_key_jwt: list, generate, import (pasted PEM or a file picked in a native dialog),
//! the public JWKS to show, copy or save, and a self-signed certificate to show, copy or save. Private keys
//! never reach the window. API keys Keyward generates: made here, shown once, copied from Rust.

use std::io::Read;
use std::sync::Arc;

use keyward_core::keys::api_key::{ApiKeyView, NewApiKey};
use keyward_core::keys::{CertView, KeyAlg, KeyView};
use keyward_core::{AppError, Keyward};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use super::blocking;

type Core<'a> = State<'a, Arc<Keyward>>;

/// RSA key size when the form leaves it out (DESIGN.md: 3072).
const DEFAULT_RSA_BITS: usize = 3072;
/// A PEM file bigger than this is not a private key (the core refuses over 64 KiB too).
const MAX_PEM_FILE: u64 = 1 << 20;

#[tauri::command]
pub async fn keys(keyward: Core<'_>) -> Result<Vec<KeyView>, AppError> {
    let kw = Arc::clone(&keyward);
    blocking(move || kw.keys()).await
}

/// Generate a key pair for `alg`; the private key goes to the keychain.
#[tauri::command]
pub async fn key_new(
    name: String,
    alg: KeyAlg,
    bits: Option<usize>,
    kid: Option<String>,
    keyward: Core<'_>,
) -> Result<KeyView, AppError> {
    let kw = Arc::clone(&keyward);
    blocking(move || kw.key_new(&name, alg, bits.unwrap_or(DEFAULT_RSA_BITS), kid.as_deref())).await
}

/// Import a pasted private key (PEM: PKCS#8, PKCS#1 or SEC1).
#[tauri::command]
pub async fn key_import(
    name: String,
    pem: String,
    alg: Option<KeyAlg>,
    kid: Option<String>,
    keyward: Core<'_>,
) -> Result<KeyView, AppError> {
    let kw = Arc::clone(&keyward);
    blocking(move || kw.key_import(&name, &pem, alg, kid.as_deref())).await
}

/// Import a private key from a PEM file the user picks; None when they close the picker.
#[tauri::command]
pub async fn key_import_file(
    name: String,
    alg: Option<KeyAlg>,
    kid: Option<String>,
    app: AppHandle,
    keyward: Core<'_>,
) -> Result<Option<KeyView>, AppError> {
    let kw = Arc::clone(&keyward);
    blocking(move || {
        let picked = app.dialog().file().set_title("Import a private key (PEM)").add_filter("PEM", &["pem", "key"]);
        let Some(path) = picked.blocking_pick_file() else { return Ok(None) };
        let pem = read_small(&path.to_string())?;
        kw.key_import(&name, &pem, alg, kid.as_deref()).map(Some)
    })
    .await
}

/// The public JWKS of the named keys, to show.
#[tauri::command]
pub async fn jwks(names: Vec<String>, keyward: Core<'_>) -> Result<serde_json::Value, AppError> {
    let kw = Arc::clone(&keyward);
    blocking(move || kw.jwks(&names)).await
}

/// Copy the public JWKS of the named keys to the clipboard (public, so it stays there).
#[tauri::command]
pub async fn copy_jwks(names: Vec<String>, app: AppHandle, keyward: Core<'_>) -> Result<(), AppError> {
    let kw = Arc::clone(&keyward);
    let jwks = blocking(move || kw.jwks(&names)).await?;
    crate::clipboard::copy_text(&app, pretty(&jwks))
}

/// Save the public JWKS of the named keys to a file the user picks; the path, or None when they close it.
#[tauri::command]
pub async fn save_jwks(names: Vec<String>, app: AppHandle, keyward: Core<'_>) -> Result<Option<String>, AppError> {
    let kw = Arc::clone(&keyward);
    blocking(move || {
        let jwks = kw.jwks(&names)?;
        let picker = app.dialog().file().set_title("Save the JWKS").set_file_name("jwks.json");
        let Some(path) = picker.blocking_save_file() else { return Ok(None) };
        let path = path.to_string();
        std::fs::write(&path, pretty(&jwks) + "\n").map_err(|e| io_error("write", &path, e))?;
        Ok(Some(path))
    })
    .await
}

/// A self-signed certificate for key pair `name` (subject such as `CN=client,O=Example`, valid `days`).
#[tauri::command]
pub async fn key_cert(name: String, subject: String, days: u32, keyward: Core<'_>) -> Result<CertView, AppError> {
    let kw = Arc::clone(&keyward);
    blocking(move || kw.key_cert(&name, &subject, days)).await
}

/// Copy a certificate's PEM (public, so it stays on the clipboard).
#[tauri::command]
pub fn copy_cert(pem: String, app: AppHandle) -> Result<(), AppError> {
    crate::clipboard::copy_text(&app, pem)
}

/// Save a certificate's PEM to a file the user picks; the path, or None when they close the dialog.
#[tauri::command]
pub async fn save_cert(name: String, pem: String, app: AppHandle) -> Result<Option<String>, AppError> {
    blocking(move || {
        let picker = app.dialog().file().set_title("Save the certificate").set_file_name(format!("{name}.crt.pem"));
        let Some(path) = picker.blocking_save_file() else { return Ok(None) };
        let path = path.to_string();
        std::fs::write(&path, &pem).map_err(|e| io_error("write", &path, e))?;
        Ok(Some(path))
    })
    .await
}

/// A new API key for profile `name` and what describes it.
///
/// The key itself crosses into the webview here, this once: the user asked for a new key and must see it
/// to hand it to the API's owner (issue 8: "printed once; the window: a reveal-once dialog"). Nothing
/// keeps it in the window after the dialog closes; afterwards only the view (fingerprint, scopes, created,
/// expiry) is shown, and Copy goes through Rust (`copy_api_key`).
#[tauri::command]
pub async fn api_key_new(name: String, opts: NewApiKey, keyward: Core<'_>) -> Result<(String, ApiKeyView), AppError> {
    let kw = Arc::clone(&keyward);
    blocking(move || kw.new_api_key(&name, &opts).map(|(key, view)| (key.expose().to_string(), view))).await
}

/// Copy profile `name`'s API key from the keychain (audited as a reveal), cleared after 60 s.
#[tauri::command]
pub async fn copy_api_key(name: String, app: AppHandle, keyward: Core<'_>) -> Result<(), AppError> {
    let kw = Arc::clone(&keyward);
    let key = blocking(move || kw.reveal(&name, "apiKey")).await?;
    crate::clipboard::copy_secret(&app, key)
}

fn pretty(jwks: &serde_json::Value) -> String {
    serde_json::to_string_pretty(jwks).expect("a JSON value serialises")
}

/// A key file, refused when larger than any PEM key.
fn read_small(path: &str) -> keyward_core::Result<String> {
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_PEM_FILE).read_to_string(&mut text))
        .map_err(|e| io_error("read", path, e))?;
    Ok(text)
}

fn io_error(action: &'static str, path: &str, source: std::io::Error) -> keyward_core::Error {
    keyward_core::config::ConfigError::Io { action, path: path.into(), source }.into()
}
