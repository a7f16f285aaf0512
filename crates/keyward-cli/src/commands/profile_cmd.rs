//! `keyward profile …`: add (from flags or a seed 004 JSON file), edit, list, show, remove.

use keyward_core::clock::rfc3339;
use keyward_core::config::ConfigError;
use keyward_core::keychain::SecretField;
use keyward_core::profile::{Profile, Strategy};
use keyward_core::{Keyward, ProfileView, Secret};

use super::{print_json, read_input, read_stdin_secret, Result};
use crate::{FieldArgs, ProfileCmd};

type FieldSets = Vec<(String, String)>;
type Secrets = Vec<(SecretField, Secret)>;

pub fn run(kw: &Keyward, cmd: ProfileCmd) -> Result {
    match cmd {
        ProfileCmd::Add { name, fields } => {
            let (from_sets, mut secrets) = match &fields.from {
                Some(file) => from_file(file)?,
                None => (Vec::new(), Vec::new()),
            };
            // A seed 004 file describes a custom token endpoint unless it names its strategy.
            let default = if fields.from.is_some() { "custom-oauth" } else { "pkce" };
            let named = from_sets.iter().find(|(k, _)| k == "strategy").map(|(_, v)| v.clone());
            let strategy = Strategy::parse(fields.strategy.clone().or(named).as_deref().unwrap_or(default))?;
            let mut profile = Profile::new(strategy);
            for (k, v) in from_sets.into_iter().filter(|(k, _)| k != "strategy").chain(field_sets(&fields)?) {
                profile.set(&k, &v)?;
            }
            secrets.extend(secrets_from(&fields)?);
            let view = kw.add(&name, profile, secrets)?;
            if fields.json {
                print_json(&view);
            } else {
                eprintln!("Added profile {name}.");
                print_profile(&view);
            }
            Ok(())
        }
        ProfileCmd::Edit { name, fields } => {
            let mut sets = field_sets(&fields)?;
            if let Some(s) = &fields.strategy {
                sets.insert(0, ("strategy".into(), s.clone()));
            }
            let secrets = secrets_from(&fields)?;
            if sets.is_empty() && secrets.is_empty() {
                return Err(ConfigError::bad_field(
                    "edit",
                    "nothing to change: give --set FIELD=VALUE (or --client-id, --scope, …)",
                )
                .into());
            }
            let view = kw.edit(&name, &sets, secrets)?;
            if fields.json {
                print_json(&view);
            } else {
                eprintln!("Changed profile {name}.");
                print_profile(&view);
            }
            Ok(())
        }
        ProfileCmd::List { json } => {
            let all = kw.list()?;
            if json {
                print_json(&all);
            } else if all.is_empty() {
                eprintln!(
                    "No profiles yet. Add one: keyward profile add NAME --strategy pkce --issuer URL --client-id ID"
                );
            } else {
                // Issue 8's reminder: a credential older than its rotation period is marked in the list.
                let due: std::collections::BTreeMap<String, i64> = kw
                    .rotations_due(None)?
                    .into_iter()
                    .filter(|d| d.due)
                    .map(|d| (d.profile, d.age_days.unwrap_or_default()))
                    .collect();
                for p in all {
                    let state = match &p.token {
                        Some(t) => {
                            format!("signed in{}", t.subject.as_ref().map(|s| format!(" as {s}")).unwrap_or_default())
                        }
                        None if p.has_refresh_token => "signed in".into(),
                        None => "not signed in".into(),
                    };
                    let state = match due.get(&p.name) {
                        Some(days) => format!("{state}  ROTATE DUE ({days} days old: keyward rotate start {})", p.name),
                        None => state,
                    };
                    let team = p.team.as_ref().map(|t| format!("  team:{t}")).unwrap_or_default();
                    println!("{:<24} {:<10} {}{team}", p.name, p.settings.strategy().id(), state);
                }
            }
            Ok(())
        }
        ProfileCmd::Show { name, json } => {
            let view = kw.show(&name)?;
            if json {
                print_json(&view);
            } else {
                print_profile(&view);
            }
            Ok(())
        }
        ProfileCmd::Remove { name } => {
            kw.remove(&name)?;
            eprintln!("Removed profile {name} and its keychain entries.");
            Ok(())
        }
    }
}

/// The field assignments given as flags and as `--set`, in that order.
fn field_sets(f: &FieldArgs) -> Result<Vec<(String, String)>> {
    let mut sets = Vec::new();
    for (name, value) in [
        ("issuer", &f.issuer),
        ("url", &f.url),
        ("authorizeUrl", &f.authorize_url),
        ("clientId", &f.client_id),
        ("scopes", &f.scope),
        ("resource", &f.resource),
        ("audience", &f.audience),
        ("clientAuth", &f.auth),
        ("keyName", &f.key),
        ("email", &f.email),
        ("apiBaseUrl", &f.api_base_url),
    ] {
        if let Some(v) = value {
            sets.push((name.to_string(), v.clone()));
        }
    }
    for s in &f.set {
        let (k, v) = s
            .split_once('=')
            .ok_or_else(|| ConfigError::bad_field("--set", "FIELD=VALUE, e.g. --set redirectPort=8765"))?;
        if matches!(k, "clientSecret" | "refreshToken" | "accessToken") {
            return Err(ConfigError::bad_field(
                k,
                "secrets never go on the command line (shell history, ps): use --client-secret-stdin",
            )
            .into());
        }
        sets.push((k.to_string(), v.to_string()));
    }
    Ok(sets)
}

fn secrets_from(f: &FieldArgs) -> Result<Vec<(SecretField, Secret)>> {
    Ok(match (f.client_secret_stdin, f.password_stdin) {
        (true, _) => vec![(SecretField::ClientSecret, read_stdin_secret("--client-secret-stdin")?)],
        (_, true) => vec![(SecretField::Password, read_stdin_secret("--password-stdin")?)],
        _ => Vec::new(),
    })
}

/// A profile from JSON in seed 004's shape (the object itself, or an API answer's `payload`): every value
/// as its text form; `clientSecret`, `password` and `apiKey` to the keychain.
fn from_file(file: &str) -> Result<(FieldSets, Secrets)> {
    let text = read_input(file)?;
    let doc: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| ConfigError::bad_field(file, &format!("not JSON: {e}")))?;
    let obj = doc
        .get("payload")
        .unwrap_or(&doc)
        .as_object()
        .ok_or_else(|| ConfigError::bad_field(file, "expected a JSON object"))?;
    let (mut sets, mut secrets) = (Vec::new(), Vec::new());
    for (k, v) in obj {
        if let (serde_json::Value::Object(map), "authorizeParams") = (v, k.as_str()) {
            for (pk, pv) in map {
                sets.push((
                    format!("authorizeParams.{pk}"),
                    pv.as_str().map(String::from).unwrap_or_else(|| pv.to_string()),
                ));
            }
            continue;
        }
        let text = match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => continue,
            other => other.to_string(),
        };
        match SecretField::parse(k) {
            Some(f @ (SecretField::ClientSecret | SecretField::Password | SecretField::ApiKey)) => {
                secrets.push((f, Secret::new(text)))
            }
            Some(_) => return Err(ConfigError::bad_field(k, "tokens are obtained by Keyward, not imported").into()),
            // An API answer's has<Property> flags and ids say nothing to store.
            None if k.starts_with("has") || k == "id" => {}
            None => sets.push((k.clone(), text)),
        }
    }
    Ok((sets, secrets))
}

pub(crate) fn print_profile(v: &ProfileView) {
    let settings = serde_json::to_value(&v.settings).expect("serialises");
    println!("{}", v.name);
    if let Some(team) = &v.team {
        println!("  {:<16} team:{team} (settings and shared secrets in the team's OpenBao)", "shared by");
    }
    if let Some(map) = settings.as_object() {
        for (k, val) in map {
            let shown = match val {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            println!("  {k:<16} {shown}");
        }
    }
    let place = if v.team.is_some() { "in the team's OpenBao" } else { "stored in keychain" };
    let stored = |has: bool| if has { place } else { "-" };
    let secrets = v.settings.secret_fields();
    for (field, has) in [
        (SecretField::ClientSecret, v.has_client_secret),
        (SecretField::ApiKey, v.has_api_key),
        (SecretField::Password, v.has_password),
    ] {
        if secrets.contains(&field) {
            println!("  {:<16} {}", field.name(), stored(has));
        }
    }
    if v.settings.strategy() == Strategy::SamlBearer {
        println!("  For your IdP admin:");
        for (label, value) in keyward_core::machine::saml::sp_settings(&v.settings) {
            println!("    {label:<20} {value}");
        }
    }
    if !matches!(v.settings.strategy(), Strategy::ApiKey) {
        println!("  {:<16} {}", "refreshToken", stored(v.has_refresh_token));
    }
    match &v.token {
        Some(t) => {
            let exp = t.expires_at.map(rfc3339).unwrap_or_else(|| "unknown".into());
            println!("  {:<16} stored in keychain, expires {exp}", "accessToken");
            if let Some(at) = t.refresh_expires_at {
                println!("  {:<16} refresh token valid until {} (then sign in again)", "signIn", rfc3339(at));
            }
            if let Some(s) = &t.subject {
                println!("  {:<16} {s}", "subject");
            }
            if let Some(s) = &t.scope {
                println!("  {:<16} {s}", "grantedScope");
            }
        }
        None => println!("  {:<16} -", "accessToken"),
    }
}
