//! What each `keyward` command does: parse its arguments into core calls, print the result.

use std::io::Read;
use std::time::Duration;

use keyward_core::api::ApiRequest;
use keyward_core::clock::rfc3339;
use keyward_core::config::ConfigError;
use keyward_core::keychain::SecretField;
use keyward_core::oauth::login::LoginProgress;
use keyward_core::profile::{self, Profile, Strategy};
use keyward_core::{Error, Keyward, ProfileView, Secret};

use crate::{Command, FieldArgs, ProfileCmd};

type Result<T = ()> = std::result::Result<T, Error>;

pub async fn run(command: Command) -> Result {
    let kw = Keyward::open_default();
    match command {
        Command::Profile(cmd) => profile_cmd(&kw, cmd),
        Command::Strategies { json } => {
            let all = profile::strategies();
            if json {
                print_json(&all);
            } else {
                for s in all {
                    println!("{}  {}\n  {}", s.id.id(), s.title, s.help);
                    for f in s.fields {
                        println!("    {}{}  {}", f.name, if f.required { " (required)" } else { "" }, f.help);
                    }
                }
            }
            Ok(())
        }
        Command::Login { name, timeout } => login(&kw, &name, timeout).await,
        Command::Token { name, fresh, json } => {
            let t = kw.token(&name, fresh).await?;
            if json {
                let mut v = serde_json::to_value(&t.meta).expect("serialises");
                v["accessToken"] = t.access_token.expose().into();
                print_json(&v);
            } else {
                println!("{}", t.access_token.expose());
            }
            Ok(())
        }
        Command::Call { name, url, method, data, headers, include } => {
            let headers = headers
                .iter()
                .map(|h| {
                    h.split_once(':')
                        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                        .ok_or_else(|| ConfigError::bad_field("--header", "\"Name: value\"").into())
                })
                .collect::<Result<Vec<_>>>()?;
            let resp = kw.call(&name, &ApiRequest { method, url, headers, body: data }).await?;
            if include {
                println!("HTTP {}", resp.status);
                for (k, v) in &resp.headers {
                    println!("{k}: {v}");
                }
                println!();
            }
            print!("{}", resp.body);
            if !resp.body.ends_with('\n') && !resp.body.is_empty() {
                println!();
            }
            match resp.problem(&name) {
                Some(p) => Err(p.into()),
                None => Ok(()),
            }
        }
        Command::Logout { name } => {
            let outcome = kw.logout(&name).await?;
            eprintln!("Logged out of {name}: {}.", outcome.describe());
            Ok(())
        }
        Command::Audit { json } => {
            let events = kw.audit_events()?;
            if json {
                print_json(&events);
            } else if events.is_empty() {
                eprintln!("The audit log is empty.");
            } else {
                for e in events {
                    let action = serde_json::to_value(e.action).expect("serialises");
                    let outcome = serde_json::to_value(e.outcome).expect("serialises");
                    println!(
                        "{}  {:<16} {:<20} {:<7} {}",
                        e.at,
                        action.as_str().unwrap_or_default(),
                        e.profile,
                        outcome.as_str().unwrap_or_default(),
                        e.detail.unwrap_or_default()
                    );
                }
            }
            Ok(())
        }
    }
}

fn profile_cmd(kw: &Keyward, cmd: ProfileCmd) -> Result {
    match cmd {
        ProfileCmd::Add { name, fields } => {
            let strategy = Strategy::parse(fields.strategy.as_deref().unwrap_or("pkce"))?;
            let mut profile = Profile::new(strategy);
            for (k, v) in field_sets(&fields)? {
                profile.set(&k, &v)?;
            }
            let view = kw.add(&name, profile, secrets_from(&fields)?)?;
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
                for p in all {
                    let state = match &p.token {
                        Some(t) => {
                            format!("signed in{}", t.subject.as_ref().map(|s| format!(" as {s}")).unwrap_or_default())
                        }
                        None if p.has_refresh_token => "signed in".into(),
                        None => "not signed in".into(),
                    };
                    println!("{:<24} {:<10} {}", p.name, p.settings.strategy.id(), state);
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
    if !f.client_secret_stdin {
        return Ok(Vec::new());
    }
    let mut s = String::new();
    std::io::stdin()
        .take(64 * 1024)
        .read_to_string(&mut s)
        .map_err(|e| ConfigError::bad_field("--client-secret-stdin", &format!("could not read standard input: {e}")))?;
    let secret = Secret::new(s.trim_end_matches(['\r', '\n']));
    if secret.is_empty() {
        return Err(ConfigError::bad_field("--client-secret-stdin", "standard input was empty").into());
    }
    Ok(vec![(SecretField::ClientSecret, secret)])
}

async fn login(kw: &Keyward, name: &str, timeout: u64) -> Result {
    let progress = |p: LoginProgress| match p {
        LoginProgress::OpeningBrowser { url } => {
            eprintln!("Opening your browser to log in to {name}. If it does not open, visit:\n\n  {url}\n")
        }
        LoginProgress::BrowserFailed { reason, .. } => {
            eprintln!("Could not open a browser ({reason}): open the URL above yourself.")
        }
        LoginProgress::WaitingForUser { timeout_secs, .. } => {
            eprintln!("Waiting for you to log in (up to {timeout_secs} s; Ctrl-C cancels)…")
        }
        LoginProgress::ExchangingCode => eprintln!("Exchanging the code for tokens…"),
    };
    let meta = kw.login(name, Duration::from_secs(timeout), progress, ctrl_c()).await?;
    let who = meta.subject.map(|s| format!(" as {s}")).unwrap_or_default();
    let until = meta.expires_at.map(|e| format!("; access token valid until {}", rfc3339(e))).unwrap_or_default();
    eprintln!("Logged in to {name}{who}{until}.");
    Ok(())
}

/// Completes on Ctrl-C. On Unix the handler is registered now, not when the future is first polled, so a
/// Ctrl-C while the login is still starting is not lost; if no handler can be registered it never completes.
fn ctrl_c() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let mut signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok();
    async move {
        #[cfg(unix)]
        if let Some(s) = signal.as_mut() {
            s.recv().await;
            return;
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_ok() {
            return;
        }
        std::future::pending::<()>().await
    }
}

fn print_profile(v: &ProfileView) {
    let settings = serde_json::to_value(&v.settings).expect("serialises");
    println!("{}", v.name);
    if let Some(map) = settings.as_object() {
        for (k, val) in map {
            let shown = match val {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            println!("  {k:<16} {shown}");
        }
    }
    println!("  {:<16} {}", "clientSecret", if v.has_client_secret { "stored in keychain" } else { "-" });
    println!("  {:<16} {}", "refreshToken", if v.has_refresh_token { "stored in keychain" } else { "-" });
    match &v.token {
        Some(t) => {
            let exp = t.expires_at.map(rfc3339).unwrap_or_else(|| "unknown".into());
            println!("  {:<16} stored in keychain, expires {exp}", "accessToken");
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

fn print_json<T: serde::Serialize>(v: &T) {
    println!("{}", serde_json::to_string_pretty(v).expect("serialises"));
}
