//! `keyward inspect [TOKEN|-] [--jwks URL|FILE] [--issuer URL] [--profile NAME] ...`: what a token says,
//! and a verdict kept apart from it. Exit 0 only when verified and valid.

use keyward_core::inspect::{CheckStatus, InspectOptions, Inspection, KeySource, Verdict};
use keyward_core::{Keyward, Secret};

use super::{print_json, read_input, Result};

pub struct Args {
    pub token: Option<String>,
    pub jwks: Option<String>,
    pub issuer: Option<String>,
    pub profile: Option<String>,
    pub audience: Option<String>,
    pub leeway: u64,
    pub require_scope: Vec<String>,
    pub json: bool,
}

pub async fn run(kw: &Keyward, a: Args) -> Result {
    let keys = match (&a.jwks, &a.issuer) {
        (Some(j), _) if j.starts_with("http://") || j.starts_with("https://") => Some(KeySource::JwksUrl(j.clone())),
        (Some(file), _) => Some(KeySource::JwksDocument { name: file.clone(), text: read_input(file)? }),
        (None, Some(issuer)) => Some(KeySource::Issuer(issuer.clone())),
        (None, None) => None,
    };
    let opts = InspectOptions {
        keys,
        issuer: a.issuer.clone(),
        audience: a.audience.clone(),
        leeway: Some(a.leeway),
        require_scopes: a.require_scope.clone(),
    };
    let inspection = match (&a.token, &a.profile) {
        (None, Some(name)) => kw.inspect_profile(name, &opts).await?,
        (token, _) => {
            let text = match token.as_deref() {
                Some(t) if t != "-" => Secret::new(t),
                _ => Secret::new(read_input("-")?),
            };
            kw.inspect(&text, &opts).await?
        }
    };
    if a.json {
        print_json(&inspection);
    } else {
        print_human(&inspection);
    }
    if inspection.verdict == Verdict::Valid {
        Ok(())
    } else {
        // Not verified and valid is the inspector's answer, not an error of Keyward's: exit 3, as the
        // CLI contract says, after what it found.
        use std::io::Write;
        let _ = std::io::stdout().flush();
        std::process::exit(3)
    }
}

fn print_human(i: &Inspection) {
    println!("{}\n", i.summary);
    for c in &i.checks {
        let mark = match c.status {
            CheckStatus::Pass => "PASS",
            CheckStatus::Fail => "FAIL",
            CheckStatus::Skipped => "SKIP",
            CheckStatus::Warn => "WARN",
        };
        println!("  {mark}  {:<9} {}", c.name, c.reason);
    }
    for (title, fields) in [("Header", &i.header), ("Claims", &i.claims)] {
        println!("\n{title}");
        for f in fields {
            let value = match &f.value {
                serde_json::Value::String(s) => s.clone(),
                v => v.to_string(),
            };
            match &f.note {
                Some(n) => println!("  {:<12} {value}  ({n})", f.name),
                None => println!("  {:<12} {value}", f.name),
            }
        }
    }
}
