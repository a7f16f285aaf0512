//! Exports and imports: a profile's credential for Postman, newman, `.env` readers, curl and Bruno, saved
//! where the user picks in a native save dialog, and a Postman environment picked in a native open dialog
//! imported into profiles. The export's content (it holds tokens) is made and written here: the window
//! gets only its summary (names, never a value).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use keyward_core::export::{ExportError, ExportRequest, ImportOutcome, SavedExport};
use keyward_core::{AppError, Keyward};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::{DialogExt, FilePath};

use super::blocking;

type Core<'a> = State<'a, Arc<Keyward>>;

/// The most a Postman environment file may hold: the core refuses larger text too (its `MAX_IMPORT`), so
/// reading stops one byte past it instead of reading a file of any size into memory.
const MAX_IMPORT_FILE: usize = 1 << 20;

/// Make the export, ask where to save it (its file name suggested), write it there readable by the user
/// only; the path and the summary, or None when the user closes the dialog. A request the core refuses
/// (no base URL for curl, a value the dialect cannot quote) fails before the dialog opens.
#[tauri::command]
pub async fn export_profiles(
    request: ExportRequest,
    app: AppHandle,
    keyward: Core<'_>,
) -> Result<Option<SavedExport>, AppError> {
    let export = keyward.export(&request).await?;
    blocking(move || {
        let title = format!("Save the {}", request.format.describe());
        let picker = app.dialog().file().set_title(title).set_file_name(&export.summary.file_name);
        let Some(path) = picker.blocking_save_file() else { return Ok(None) };
        let path = local_path(path)?;
        export.write_to(&path)?;
        Ok(Some(SavedExport { path: path.display().to_string(), summary: export.summary }))
    })
    .await
}

/// Import a Postman environment from a JSON file the user picks; None when they close the picker.
#[tauri::command]
pub async fn import_postman_file(app: AppHandle, keyward: Core<'_>) -> Result<Option<ImportOutcome>, AppError> {
    let kw = Arc::clone(&keyward);
    blocking(move || {
        let picker = app
            .dialog()
            .file()
            .set_title("Import a Postman environment")
            .add_filter("Postman environment (JSON)", &["json"]);
        let Some(path) = picker.blocking_pick_file() else { return Ok(None) };
        let path = local_path(path)?;
        let text = read_capped(&path)?;
        kw.import_postman(&text, None).map(Some)
    })
    .await
}

/// A picked file as a path on this machine (a desktop dialog always gives one).
fn local_path(picked: FilePath) -> keyward_core::Result<PathBuf> {
    let shown = picked.to_string();
    picked.into_path().map_err(|_| {
        let not_a_file = std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a local file");
        keyward_core::config::ConfigError::Io { action: "open", path: shown.into(), source: not_a_file }.into()
    })
}

/// The file's text, refused when larger than `MAX_IMPORT_FILE` or not UTF-8.
fn read_capped(path: &Path) -> keyward_core::Result<String> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_IMPORT_FILE as u64 + 1).read_to_end(&mut bytes))
        .map_err(|source| keyward_core::config::ConfigError::Io { action: "read", path: path.into(), source })?;
    let what = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "the file".into());
    let refuse = |problem: String| keyward_core::Error::from(ExportError::NotPostman { what: what.clone(), problem });
    if bytes.len() > MAX_IMPORT_FILE {
        return Err(refuse(format!(
            "it is larger than {} MiB, more than any environment holds",
            MAX_IMPORT_FILE >> 20
        )));
    }
    String::from_utf8(bytes).map_err(|_| refuse("it is not UTF-8 text".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("keyward-app-import-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn reads_a_file_up_to_the_cap() {
        let text = format!("{{\"values\": [], \"pad\": \"{}\"}}", "x".repeat(MAX_IMPORT_FILE - 40));
        assert!(text.len() <= MAX_IMPORT_FILE);
        let path = temp_file("fits.json", text.as_bytes());
        assert_eq!(read_capped(&path).unwrap(), text);
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn refuses_a_larger_file_and_names_it() {
        let path = temp_file("big.json", &vec![b' '; MAX_IMPORT_FILE + 1]);
        let err = AppError::from(read_capped(&path).unwrap_err());
        assert_eq!(err.code, keyward_core::ErrorCode::BadInput);
        assert!(err.message.contains("big.json is not a Postman environment"), "{}", err.message);
        assert!(err.message.contains("larger than 1 MiB"), "{}", err.message);
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn refuses_a_file_that_is_not_text() {
        let path = temp_file("binary.json", &[0xff, 0xfe, 0x00]);
        let err = AppError::from(read_capped(&path).unwrap_err());
        assert!(err.message.contains("not UTF-8"), "{}", err.message);
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }
}
