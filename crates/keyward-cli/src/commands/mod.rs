//! What each `keyward` command does: parse its arguments into core calls, print the result.

use std::io::Read;
use std::time::Duration;

use keyward_core::api::ApiRequest;
use keyward_core::clock::rfc3339;
use keyward_core::config::ConfigError;
use keyward_core::oauth::grant::GrantToken;
use keyward_core::oauth::login::LoginProgress;
use keyward_core::profile;
use keyward_core::{Error, Keyward, Secret};

use crate::{ApikeyCmd, Command, SecretCmd};
use keyward_core::team::{TeamEnv, Wanted};

mod exec;
mod export;
mod inspect;
mod keys;
mod profile_cmd;
mod rotate;
mod team;

use profile_cmd as profile_commands;

type Result<T = ()> = std::result::Result<T, Error>;

pub async fn run(command: Command) -> Result {
    let mut cx = keyward_core::Context::from_env();
    let teams = TeamEnv::from_env()?;
    let names = team::needed(&command);
    let wanted = match &names {
        team::Needed::Nothing => Wanted::Nothing,
        team::Needed::All => Wanted::All,
        team::Needed::Names(n) => Wanted::Names(n),
    };
    for problem in keyward_core::team::attach(&mut cx, &teams, wanted).await? {
        eprintln!("keyward: warning: {problem}");
    }
    let kw = Keyward::on(cx);
    match command {
        Command::Team(cmd) => team::run(&kw, &teams, cmd).await,
        Command::Profile(cmd) => profile_commands::run(&kw, *cmd),
        Command::Key(cmd) => keys::run(&kw, cmd),
        Command::Apikey(ApikeyCmd::Set { name, stdin: _, placement, base_url }) => {
            let key = read_stdin_secret("--stdin")?;
            let view = kw.set_api_key(&name, key, placement.as_deref(), base_url.as_deref())?;
            let placement = view.settings.get("apiKeyPlacement").unwrap_or_else(|| "bearer".into());
            let fp = view.settings.get("apiKeyFingerprint").unwrap_or_else(|| "?".into());
            eprintln!("Stored the API key of {name} in the keychain (fingerprint {fp}, placement {placement}).");
            Ok(())
        }
        Command::Apikey(cmd) => keys::apikey(&kw, cmd),
        Command::Secret(SecretCmd::Reveal { name, field }) => {
            println!("{}", kw.reveal(&name, &field)?.expose());
            Ok(())
        }
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
        Command::Login { name, timeout, replace_user } => login(&kw, &name, timeout, replace_user).await,
        Command::Token { name, fresh, json, dry_run, assertion } => {
            if dry_run {
                let req = kw.dry_run(&name).await?;
                if json {
                    print_json(&req);
                } else {
                    print!("{req}");
                }
                return Ok(());
            }
            let t = match assertion {
                Some(source) => kw.exchange_assertion(&name, &read_input(&source)?).await?,
                None => kw.token(&name, fresh).await?,
            };
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
        Command::Revoke { name, access } => {
            let which = if access { GrantToken::Access } else { GrantToken::Refresh };
            kw.revoke_token(&name, which).await?;
            match which {
                GrantToken::Refresh => {
                    eprintln!("Revoked the refresh token of {name}: its grant is over, sign in again to use it.")
                }
                GrantToken::Access => {
                    eprintln!("Revoked the access token of {name}; the next one comes from the refresh token.")
                }
            }
            Ok(())
        }
        Command::Introspect { name, access, json } => {
            let which = if access { GrantToken::Access } else { GrantToken::Refresh };
            let answer = kw.introspect_token(&name, which).await?;
            if json {
                print_json(&answer);
            } else {
                println!("{}", if answer.active { "active" } else { "not active" });
                for f in &answer.fields {
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
            if !answer.active {
                use std::io::Write;
                let _ = std::io::stdout().flush();
                std::process::exit(3);
            }
            Ok(())
        }
        Command::Logout { name } => {
            let outcome = kw.logout(&name).await?;
            eprintln!("Logged out of {name}: {}.", outcome.describe());
            Ok(())
        }
        Command::Export { format, names, out, include_secrets, dialect, from_env, url } => {
            export::run(&kw, export::Args { format, names, out, include_secrets, dialect, from_env, url }).await
        }
        Command::Inspect {
            token,
            jwks,
            issuer,
            profile,
            audience,
            leeway,
            require_scope,
            saml,
            idp_cert,
            idp_metadata,
            json,
        } => {
            let a = inspect::Args { token, jwks, issuer, profile, audience, leeway, require_scope, json };
            inspect::run(&kw, a, inspect::SamlArgs { saml, idp_cert, idp_metadata }).await
        }
        Command::Rotate(cmd) => rotate::run(&kw, cmd).await,
        Command::Import(cmd) => export::import(&kw, cmd),
        Command::Exec { names, serve, command } => exec::run(&kw, &names, serve, &command).await,
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

/// The most a file given on the command line (a profile, an assertion, a PEM key) may hold.
const MAX_INPUT: u64 = 1 << 20;

/// A file's contents, or standard input's for `-`, refused whole when larger than [`MAX_INPUT`] (a cut
/// file would only fail later with a confusing parse error).
pub(crate) fn read_input(source: &str) -> Result<String> {
    let mut s = String::new();
    let res = if source == "-" {
        std::io::stdin().take(MAX_INPUT + 1).read_to_string(&mut s)
    } else {
        std::fs::File::open(source).and_then(|f| f.take(MAX_INPUT + 1).read_to_string(&mut s))
    };
    res.map_err(|e| ConfigError::bad_field(source, &format!("could not read it: {e}")))?;
    if s.len() as u64 > MAX_INPUT {
        return Err(ConfigError::bad_field(
            source,
            &format!("larger than {} KiB, which no profile, assertion or key is", MAX_INPUT >> 10),
        )
        .into());
    }
    Ok(s)
}

/// A secret from standard input, without its trailing newline.
pub(crate) fn read_stdin_secret(flag: &str) -> Result<Secret> {
    let mut s = String::new();
    std::io::stdin()
        .take(64 * 1024)
        .read_to_string(&mut s)
        .map_err(|e| ConfigError::bad_field(flag, &format!("could not read standard input: {e}")))?;
    let secret = Secret::new(s.trim_end_matches(['\r', '\n']));
    if secret.is_empty() {
        return Err(ConfigError::bad_field(flag, "standard input was empty").into());
    }
    Ok(secret)
}

async fn login(kw: &Keyward, name: &str, timeout: u64, replace_user: bool) -> Result {
    // Said the browser was silent: then its arrival is worth a line too.
    let silent = std::cell::Cell::new(false);
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
        LoginProgress::BrowserSilent { url, .. } => {
            silent.set(true);
            eprintln!(
                "Your browser has not connected yet. If it did not open, open this address yourself:\n\n  {url}\n"
            )
        }
        LoginProgress::BrowserConnected => {
            if silent.get() {
                eprintln!("Your browser has connected.")
            }
        }
        LoginProgress::ExchangingCode => eprintln!("Exchanging the code for tokens…"),
    };
    let meta = kw.login_as(name, Duration::from_secs(timeout), replace_user, progress, ctrl_c()).await?;
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

pub(crate) fn print_json<T: serde::Serialize>(v: &T) {
    println!("{}", serde_json::to_string_pretty(v).expect("serialises"));
}
