//! `keyward key …`: key pairs for private_key_jwt (and their certificates); `keyward apikey new|list`:
//! API keys Keyward generates.

use std::io::{IsTerminal, Write};

use keyward_core::config::ConfigError;
use keyward_core::keys::api_key::{ApiKeyView, NewApiKey};
use keyward_core::keys::{ExportFormat, KeyAlg};
use keyward_core::Keyward;

use super::{print_json, read_input, Result};
use crate::{ApikeyCmd, KeyCmd};

fn alg(s: &str) -> Result<KeyAlg> {
    KeyAlg::parse(s).ok_or_else(|| {
        let known: Vec<&str> = KeyAlg::ALL.iter().map(|a| a.as_str()).collect();
        ConfigError::bad_field("--alg", &format!("{s:?} is not supported; one of {}", known.join(", "))).into()
    })
}

pub fn run(kw: &Keyward, cmd: KeyCmd) -> Result {
    match cmd {
        KeyCmd::New { name, alg: a, bits, kid } => {
            let view = kw.key_new(&name, alg(&a)?, bits, kid.as_deref())?;
            eprintln!(
                "Generated {} key {name} (kid {}); the private key is in the keychain. Its public JWK:",
                a, view.info.kid
            );
            print_json(&view.info.public_jwk);
        }
        KeyCmd::Import { name, pem, alg: a, kid } => {
            let text = read_input(&pem)?;
            let a = a.as_deref().map(alg).transpose()?;
            let view = kw.key_import(&name, &text, a, kid.as_deref())?;
            eprintln!(
                "Imported key {name} ({}, kid {}); the private key is in the keychain. Its public JWK:",
                view.info.alg.as_str(),
                view.info.kid
            );
            print_json(&view.info.public_jwk);
        }
        KeyCmd::List { json } => {
            let keys = kw.keys()?;
            if json {
                print_json(&keys);
            } else if keys.is_empty() {
                eprintln!("No keys yet. Generate one: keyward key new NAME --alg RS384");
            } else {
                for k in keys {
                    println!("{:<20} {:<6} {}  {}", k.name, k.info.alg.as_str(), k.info.kid, k.info.created_at);
                }
            }
        }
        KeyCmd::Jwks { names } => print_json(&kw.jwks(&names)?),
        KeyCmd::Cert { name, subject, days, out } => {
            let cert = kw.key_cert(&name, &subject, days)?;
            match out {
                Some(path) => {
                    std::fs::write(&path, &cert.pem).map_err(|e| ConfigError::Io {
                        action: "write",
                        path: path.clone().into(),
                        source: e,
                    })?;
                    eprintln!(
                        "Wrote a self-signed certificate for {name} to {path}: {}, valid {} to {}, serial {}.",
                        cert.subject, cert.not_before, cert.not_after, cert.serial
                    );
                }
                None => {
                    print!("{}", cert.pem);
                    eprintln!(
                        "Self-signed certificate for {name}: {}, valid {} to {}, serial {}.",
                        cert.subject, cert.not_before, cert.not_after, cert.serial
                    );
                }
            }
        }
        KeyCmd::Export { name, format, private } => {
            let format = if format == "jwk" { ExportFormat::Jwk } else { ExportFormat::Pem };
            let out = kw.export_key(&name, format, private)?;
            print!("{}", out.expose());
            if !out.expose().ends_with('\n') {
                println!();
            }
        }
    }
    Ok(())
}

/// `keyward apikey new|list` (`set` is in `commands/mod.rs`).
pub fn apikey(kw: &Keyward, cmd: ApikeyCmd) -> Result {
    match cmd {
        ApikeyCmd::New { name, prefix, scopes, placement, expires, base_url, replace } => {
            let expires_in = expires
                .map(|d| {
                    keyward_core::rotation::parse_duration(&d).ok_or_else(|| {
                        ConfigError::bad_field("--expires", &format!("{d:?} is not a duration; e.g. 90d, 12h or 30m"))
                    })
                })
                .transpose()?;
            let opts = NewApiKey { prefix, scopes, placement, expires_in, api_base_url: base_url, replace };
            let (key, view) = kw.new_api_key(&name, &opts).map_err(|e| match e.to_string() {
                // Name the flags the core's words stand for.
                m if m.contains("already holds an API key") => ConfigError::bad_field(
                    "apiKey",
                    &format!(
                        "{}\nhint: `keyward apikey new {name} --replace`, or `keyward rotate start {name} …`",
                        m.trim_start_matches("apiKey: ")
                    ),
                )
                .into(),
                _ => e,
            })?;
            // The key, once, on standard output; everything for people on standard error.
            let mut stdout = std::io::stdout().lock();
            let _ = writeln!(stdout, "{}", key.expose());
            let _ = stdout.flush();
            drop(key);
            eprintln!(
                "{}The API key of {name} is shown only now: copy it where it goes. Keyward keeps it in the keychain and shows only its fingerprint from now on.",
                if std::io::stdout().is_terminal() { "" } else { "Wrote the key to standard output. " }
            );
            eprintln!("{}", describe(&view));
        }
        ApikeyCmd::List { json } => {
            let keys = kw.api_keys()?;
            if json {
                print_json(&keys);
            } else if keys.is_empty() {
                eprintln!("No API keys yet. Generate one: keyward apikey new NAME [--prefix rk_live_] [--scope S]");
            } else {
                println!("{:<20} {:<9} {:<21} {:<21} {:<16} SCOPES", "NAME", "KEY", "CREATED", "EXPIRES", "PLACEMENT");
                for k in keys {
                    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
                    println!(
                        "{:<20} {:<9} {:<21} {:<21} {:<16} {}",
                        k.name,
                        dash(&k.fingerprint),
                        dash(&k.created),
                        dash(&k.expires),
                        k.placement,
                        if k.scopes.is_empty() { "-".into() } else { k.scopes.join(" ") }
                    );
                }
            }
        }
        ApikeyCmd::Set { .. } => unreachable!("apikey set is handled in commands/mod.rs"),
    }
    Ok(())
}

fn describe(k: &ApiKeyView) -> String {
    let mut out = format!(
        "  fingerprint {}\n  profile     {}\n  created     {}\n  placement   {}",
        k.fingerprint.as_deref().unwrap_or("-"),
        k.name,
        k.created.as_deref().unwrap_or("-"),
        k.placement
    );
    if !k.scopes.is_empty() {
        out.push_str(&format!("\n  scopes      {}", k.scopes.join(" ")));
    }
    out.push_str(&format!("\n  expires     {}", k.expires.as_deref().unwrap_or("never")));
    out
}
