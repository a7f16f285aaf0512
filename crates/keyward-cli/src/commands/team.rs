//! `keyward team …`: connect a team's OpenBao, share a profile with it, see where it stands, disconnect;
//! and which team profiles each command needs read at start-up.

use keyward_core::team::{self, TeamConfig, TeamEnv};
use keyward_core::Keyward;

use super::{print_json, read_stdin_secret, Result};
use crate::{ApikeyCmd, Command, ProfileCmd, RotateCmd, SecretCmd, TeamCmd};

/// The team profiles a command needs read from OpenBao before it runs.
pub enum Needed {
    Nothing,
    All,
    Names(Vec<String>),
}

pub fn needed(command: &Command) -> Needed {
    let one = |n: &String| Needed::Names(vec![n.clone()]);
    match command {
        Command::Profile(cmd) => match cmd.as_ref() {
            ProfileCmd::List { .. } => Needed::All,
            ProfileCmd::Show { name, .. } | ProfileCmd::Edit { name, .. } | ProfileCmd::Remove { name } => one(name),
            // A team profile of that name must be seen, or the new one would hide it.
            ProfileCmd::Add { name, .. } => one(name),
        },
        Command::Token { name, .. }
        | Command::Call { name, .. }
        | Command::Login { name, .. }
        | Command::Logout { name }
        | Command::Revoke { name, .. }
        | Command::Introspect { name, .. }
        | Command::Secret(SecretCmd::Reveal { name, .. }) => one(name),
        Command::Inspect { profile: Some(name), .. } => one(name),
        Command::Exec { names, .. } | Command::Export { names, .. } => Needed::Names(names.clone()),
        Command::Rotate(cmd) => match cmd {
            RotateCmd::Start { name, .. }
            | RotateCmd::Status { name, .. }
            | RotateCmd::Next { name, .. }
            | RotateCmd::Abort { name, .. } => one(name),
            RotateCmd::Due { .. } => Needed::All,
        },
        Command::Team(TeamCmd::Share { profile, .. }) => one(profile),
        // An API key for a team profile goes to the team; without reading it first, `apikey set` would
        // make a local profile of that name that hides the team's.
        Command::Apikey(ApikeyCmd::Set { name, .. } | ApikeyCmd::New { name, .. }) => one(name),
        Command::Apikey(ApikeyCmd::List { .. }) => Needed::All,
        _ => Needed::Nothing,
    }
}

pub async fn run(kw: &Keyward, env: &TeamEnv, cmd: TeamCmd) -> Result {
    let cx = kw.context();
    match cmd {
        TeamCmd::Add { team: name, addr, mount, path, token_stdin: _ } => {
            let cfg = TeamConfig::new(&name, &addr, Some(&mount), path.as_deref())?;
            let token = read_stdin_secret("--token-stdin")?;
            let status = team::ops::add(cx, &name, cfg, token).await?;
            eprintln!(
                "Connected team {name} ({} {}/{}) as {}; your OpenBao token is in the keychain. It shares {} profile(s).",
                status.config.addr,
                status.config.mount,
                status.config.path,
                status.token_name,
                status.profiles.len()
            );
            Ok(())
        }
        TeamCmd::Share { profile, team: name } => {
            let shared = team::ops::share(cx, env, &profile, &name).await?;
            let moved = if shared.secrets.is_empty() { "no secrets".to_string() } else { shared.secrets.join(", ") };
            eprintln!(
                "Shared {profile} with team {name} (version {}; moved {moved}). Your own tokens stay in your keychain.",
                shared.version
            );
            Ok(())
        }
        TeamCmd::List { json } => {
            let all = team::ops::list(cx, env)?;
            if json {
                print_json(&all);
            } else if all.is_empty() {
                eprintln!("No team connected. Connect one: keyward team add TEAM --addr URL --token-stdin");
            } else {
                for t in all {
                    println!(
                        "{:<16} {}  {}/{}  (token from the {})",
                        t.name, t.config.addr, t.config.mount, t.config.path, t.token_from
                    );
                }
            }
            Ok(())
        }
        TeamCmd::Status { team: name, json } => {
            let all = team::ops::status(cx, env, name.as_deref()).await?;
            if json {
                print_json(&all);
                return Ok(());
            }
            for t in all {
                let exp =
                    t.token_expires.as_deref().map(|e| format!("expires {e}")).unwrap_or("does not expire".into());
                println!("team {}  {}  {}/{}", t.name, t.config.addr, t.config.mount, t.config.path);
                println!("  token {} (policies {}), {exp}", t.token_name, t.token_policies.join(", "));
                if t.profiles.is_empty() {
                    println!("  no shared profiles yet");
                }
                for p in t.profiles {
                    let by = p.changed_by.as_deref().map(|b| format!(" by {b}")).unwrap_or_default();
                    println!(
                        "  {:<24} {:<18} version {} (changed {}{by}; versions kept {:?}; secrets {})",
                        p.name,
                        p.strategy.as_deref().unwrap_or("?"),
                        p.version,
                        p.changed_at,
                        p.versions,
                        if p.secrets.is_empty() { "-".to_string() } else { p.secrets.join(", ") }
                    );
                    if !p.not_accepted.is_empty() {
                        println!(
                            "    not in use: this version also sends credentials to {}, which you have not accepted (keyward team accept {} --team {})",
                            p.not_accepted.join(", "),
                            p.name,
                            t.name
                        );
                    }
                }
            }
            Ok(())
        }
        TeamCmd::Accept { profile, team: name } => {
            let hosts = team::ops::accept(cx, env, &name, &profile).await?;
            eprintln!(
                "Accepted: team {name}'s {profile} may send its credentials to {}; Keyward uses its current version again.",
                hosts.join(", ")
            );
            Ok(())
        }
        TeamCmd::Remove { team: name } => {
            let removed = team::ops::remove(cx, &name).await?;
            if let Some(e) = &removed.unlisted {
                eprintln!(
                    "keyward: warning: could not list team {name}'s profiles ({e}): your own tokens for them may stay in the keychain"
                );
            }
            eprintln!(
                "Disconnected team {name}: your OpenBao token left the keychain, and your own tokens for its {} profile(s); its profiles stay in its OpenBao.",
                removed.forgotten.len()
            );
            Ok(())
        }
    }
}
