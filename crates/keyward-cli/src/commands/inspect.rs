//! `keyward inspect [TOKEN|-] [--jwks URL|FILE] [--issuer URL] [--profile NAME] ...`: what a token says,
//! and a verdict kept apart from it. SAML assertions too (`--saml`, `--idp-cert FILE`, `--idp-metadata
//! FILE|URL`, or XML / base64 of XML on the input). Exit 0 only when verified and valid.

use keyward_core::inspect::{
    CheckStatus, Field, InspectOptions, Inspection, KeySource, MetadataSource, NamedText, Verdict,
};
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

/// The SAML side: force SAML, the IdP certificates (PEM files) and the IdP metadata (file or URL).
pub struct SamlArgs {
    pub saml: bool,
    pub idp_cert: Vec<String>,
    pub idp_metadata: Option<String>,
}

fn is_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://")
}

pub async fn run(kw: &Keyward, a: Args, s: SamlArgs) -> Result {
    let keys = match (&a.jwks, &a.issuer) {
        (Some(j), _) if is_url(j) => Some(KeySource::JwksUrl(j.clone())),
        (Some(file), _) => Some(KeySource::JwksDocument { name: file.clone(), text: read_input(file)? }),
        (None, Some(issuer)) => Some(KeySource::Issuer(issuer.clone())),
        (None, None) => None,
    };
    let mut idp_certs = Vec::new();
    for file in &s.idp_cert {
        idp_certs.push(NamedText { name: file.clone(), text: read_input(file)? });
    }
    let idp_metadata = match &s.idp_metadata {
        Some(m) if is_url(m) => Some(MetadataSource::Url(m.clone())),
        Some(file) => Some(MetadataSource::Document(NamedText { name: file.clone(), text: read_input(file)? })),
        None => None,
    };
    let opts = InspectOptions {
        profile: None,
        keys,
        issuer: a.issuer.clone(),
        audience: a.audience.clone(),
        leeway: Some(a.leeway),
        require_scopes: a.require_scope.clone(),
        saml: s.saml,
        idp_certs,
        idp_metadata,
    };
    let given = match a.token.as_deref() {
        None if a.profile.is_some() => None,
        Some(t) if t != "-" => Some(Secret::new(t)),
        _ => Some(Secret::new(read_input("-")?)),
    };
    let inspection = match (&given, &a.profile) {
        // With a profile: its issuer and audience, and an opaque token asked about at its provider.
        (given, Some(name)) => kw.inspect_with_profile(name, given.as_ref(), &opts).await?,
        (Some(text), None) => kw.inspect(text, &opts).await?,
        (None, None) => unreachable!("no profile means the token is read"),
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
    let width = i.checks.iter().map(|c| c.name.len()).max().unwrap_or(0).clamp(9, 24);
    for c in &i.checks {
        let mark = match c.status {
            CheckStatus::Pass => "PASS",
            CheckStatus::Fail => "FAIL",
            CheckStatus::Skipped => "SKIP",
            CheckStatus::Warn => "WARN",
        };
        println!("  {mark}  {:<width$} {}", c.name, c.reason);
    }
    let titles = if i.kind == "saml" {
        ["Response, assertion and signatures", "Subject, conditions and attributes"]
    } else {
        ["Header", "Claims"]
    };
    for (title, fields) in titles.into_iter().zip([&i.header, &i.claims]) {
        println!("\n{title}");
        print_fields(fields);
    }
}

fn print_fields(fields: &[Field]) {
    let width = fields.iter().map(|f| f.name.len()).max().unwrap_or(0).clamp(12, 28);
    for f in fields {
        let value = match &f.value {
            serde_json::Value::String(s) => s.clone(),
            // SAML attribute values and audiences: a list of strings, shown as one.
            serde_json::Value::Array(a) if a.iter().all(|v| v.is_string()) => {
                a.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
            v => v.to_string(),
        };
        match &f.note {
            Some(n) => println!("  {:<width$} {value}  ({n})", f.name),
            None => println!("  {:<width$} {value}", f.name),
        }
    }
}
