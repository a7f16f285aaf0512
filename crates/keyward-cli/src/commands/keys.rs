//! `keyward key …`: key pairs for private_key_jwt.

use keyward_core::config::ConfigError;
use keyward_core::keys::{ExportFormat, KeyAlg};
use keyward_core::Keyward;

use super::{print_json, read_input, Result};
use crate::KeyCmd;

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
