//! `keyward export postman|collection|dotenv|curl|bruno NAME...` and `keyward import postman FILE`.

use std::io::Write;

use keyward_core::export::{Dialect, ExportFormat, ExportRequest};
use keyward_core::Keyward;

use super::{read_input, Result};
use crate::ImportCmd;

pub struct Args {
    pub format: String,
    pub names: Vec<String>,
    pub out: Option<String>,
    pub include_secrets: bool,
    pub dialect: Option<String>,
    pub from_env: bool,
    pub url: Option<String>,
}

pub async fn run(kw: &Keyward, a: Args) -> Result {
    let format = ExportFormat::parse(&a.format)?;
    let bad = |flag: &str, what: &str| -> keyward_core::Error {
        keyward_core::config::ConfigError::bad_field(flag, &format!("only for {what} exports")).into()
    };
    if a.dialect.is_some() && format != ExportFormat::Dotenv {
        return Err(bad("--dialect", "dotenv"));
    }
    if (a.from_env || a.url.is_some()) && format != ExportFormat::Curl {
        return Err(bad(if a.from_env { "--from-env" } else { "--url" }, "curl"));
    }
    let req = ExportRequest {
        format,
        profiles: a.names,
        include_secrets: a.include_secrets,
        dialect: a.dialect.as_deref().and_then(Dialect::parse),
        from_env: a.from_env,
        url: a.url,
    };
    let export = kw.export(&req).await?;
    let s = &export.summary;
    match &a.out {
        Some(path) => {
            export.write_to(std::path::Path::new(path))?;
            eprintln!("Wrote the {} of {} to {path} (readable by you only).", format.describe(), s.profiles.join(", "));
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(export.content.expose().as_bytes());
            let _ = stdout.flush();
        }
    }
    if !s.secrets_left_out.is_empty() {
        eprintln!(
            "Left out the long-lived secrets {} (add --include-secrets to write them).",
            s.secrets_left_out.join(", ")
        );
    }
    if !s.secrets_included.is_empty() {
        eprintln!(
            "Included the long-lived secrets {}: whoever reads the file can mint new credentials.",
            s.secrets_included.join(", ")
        );
    }
    for note in &s.notes {
        eprintln!("Note: {note}.");
    }
    Ok(())
}

pub fn import(kw: &Keyward, cmd: ImportCmd) -> Result {
    let ImportCmd::Postman { file, name } = cmd;
    let text = read_input(&file)?;
    let outcome = kw.import_postman(&text, name.as_deref())?;
    for p in &outcome.profiles {
        let secrets = if p.secrets.is_empty() { "none".to_string() } else { p.secrets.join(", ") };
        eprintln!("Imported {} as a {} profile (in the keychain: {secrets}).", p.name, p.strategy.id());
    }
    if !outcome.ignored.is_empty() {
        eprintln!("Not used: {}.", outcome.ignored.join(", "));
    }
    for note in &outcome.notes {
        eprintln!("Note: {note}.");
    }
    Ok(())
}
