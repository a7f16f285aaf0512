//! Key pairs for private_key_jwt: list, generate, import (pasted PEM or a file picked in a native dialog),
//! and the public JWKS to show, copy or save. Private keys never reach the window.

use std::io::Read;
use std::sync::Arc;

use keyward_core::keys::{KeyAlg, KeyView};
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
