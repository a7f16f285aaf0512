//! `keyward rotate start|status|next|abort NAME`: a credential's rotation, step by step, each step said
//! before it acts and asked for unless `--yes`.

use std::io::{BufRead, IsTerminal, Write};

use keyward_core::clock::rfc3339;
use keyward_core::config::ConfigError;
use keyward_core::rotation::{parse_duration, Phase, RotationPlan, RotationStatus, Target};
use keyward_core::Keyward;

use super::{print_json, read_stdin_secret, Result};
use crate::RotateCmd;

pub async fn run(kw: &Keyward, cmd: RotateCmd) -> Result {
    match cmd {
        RotateCmd::Start { name, targets, lines, verify_url, check_old, overlap, prefix, new_secret_stdin, yes } => {
            let mut lines = lines.into_iter();
            let targets = targets
                .iter()
                .map(|t| {
                    let line = if t.starts_with("file:") { lines.next() } else { None };
                    Target::parse(t, line.as_deref()).map_err(|e| ConfigError::bad_field("--target", &e).into())
                })
                .collect::<Result<Vec<_>>>()?;
            if lines.next().is_some() {
                return Err(ConfigError::bad_field(
                    "--line",
                    "each --line belongs to a file: target; there are more lines than files",
                )
                .into());
            }
            let overlap_secs = overlap
                .as_deref()
                .map(|o| {
                    parse_duration(o)
                        .ok_or_else(|| ConfigError::bad_field("--overlap", "a duration such as 30m, 12h or 7d"))
                })
                .transpose()?;
            let plan = RotationPlan { targets, verify_url, check_old, overlap_secs, prefix };
            let new_secret = if new_secret_stdin { Some(read_stdin_secret("--new-secret-stdin")?) } else { None };
            eprintln!("Start rotating the credential of {name}: create a new one (nothing is deployed yet).");
            for t in &plan.targets {
                eprintln!("- later deployed to {}", t.describe());
            }
            confirm(yes, !new_secret_stdin)?;
            let status = kw.rotation_start(&name, plan, new_secret).await?;
            eprintln!("Created the new credential {} for {name}.", status.rotation.new_fingerprint);
            print_next(&name, &status);
            Ok(())
        }
        RotateCmd::Status { name, json } => {
            let status = kw.rotation_status(&name)?;
            if json {
                print_json(&status);
            } else {
                print_status(&name, &status);
            }
            Ok(())
        }
        RotateCmd::Next { name, yes, force, json } => {
            let before = kw.rotation_status(&name)?;
            for line in &before.plan {
                eprintln!("{line}");
            }
            if let Some(b) = &before.blocked {
                eprintln!("Blocked: {b}.");
            }
            confirm(yes, true)?;
            let status = kw.rotation_next(&name, force).await?;
            if let Some(last) = status.rotation.journal.last() {
                eprintln!("Done: {}.", last.detail);
            }
            if json {
                print_json(&status);
            }
            print_next(&name, &status);
            Ok(())
        }
        RotateCmd::Due { json, days } => {
            let all = kw.rotations_due(days)?;
            if json {
                print_json(&all);
            } else if all.is_empty() {
                eprintln!("No profile holds a credential Keyward can rotate.");
            } else {
                for d in &all {
                    println!("{}  {:<20} {}", if d.due { "DUE " } else { "    " }, d.profile, d.reason);
                }
            }
            Ok(())
        }
        RotateCmd::Abort { name, yes } => {
            for line in kw.rotation_abort_plan(&name)? {
                eprintln!("{line}");
            }
            confirm(yes, true)?;
            let status = kw.rotation_abort(&name).await?;
            if let Some(last) = status.rotation.journal.last() {
                eprintln!("Aborted: {}.", last.detail);
            }
            Ok(())
        }
    }
}

/// Ask "Go on?" on the terminal, unless `--yes`. Without a terminal to ask on, refuse rather than act
/// unasked.
fn confirm(yes: bool, stdin_free: bool) -> Result {
    if yes {
        return Ok(());
    }
    if !stdin_free || !std::io::stdin().is_terminal() {
        return Err(ConfigError::bad_field(
            "--yes",
            "there is no terminal to ask on: add --yes to go on without asking",
        )
        .into());
    }
    eprint!("Go on? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    if matches!(answer.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err(ConfigError::bad_field("answer", "not confirmed: nothing was done").into())
    }
}

fn print_next(name: &str, s: &RotationStatus) {
    match (&s.next, &s.blocked) {
        (None, _) => eprintln!("The rotation of {name} is {}.", s.state.id()),
        (Some(_), Some(b)) => eprintln!("State: {}. Next step blocked: {b}.", s.state.id()),
        (Some(_), None) => eprintln!(
            "State: {}. {} (`keyward rotate next {name}`; `keyward rotate abort {name}` undoes it.)",
            s.state.id(),
            s.plan.first().cloned().unwrap_or_default()
        ),
    }
}

fn print_status(name: &str, s: &RotationStatus) {
    let r = &s.rotation;
    println!("Rotation of {name}: {}", s.state.id());
    println!("  old {}  →  new {}", r.old_fingerprint, r.new_fingerprint);
    println!("  started {}", rfc3339(r.started_at));
    for t in &r.targets {
        println!("  target: {}", t.describe());
    }
    if let Some(u) = &r.verify_url {
        println!("  verify: {u}");
    }
    if let Some(at) = s.retire_after {
        println!("  overlap until {}", rfc3339(at));
    }
    println!("Journal:");
    for e in &r.journal {
        let phase = match e.phase {
            Phase::Started => "started",
            Phase::Done => "done",
            Phase::Failed => "FAILED",
        };
        println!(
            "  {}  {:<7} {:<7} {}",
            e.at,
            serde_json::to_value(e.step).unwrap().as_str().unwrap_or(""),
            phase,
            e.detail
        );
    }
    if !r.evidence.is_empty() {
        println!("Evidence:");
        for e in &r.evidence {
            println!(
                "  {}  {}: {} → {} [{}]",
                e.at,
                e.what,
                e.asked,
                e.saw,
                if e.ok { "as expected" } else { "NOT as expected" }
            );
        }
    }
    if let Some(b) = &s.blocked {
        println!("Blocked: {b}");
    }
    for line in &s.plan {
        println!("{line}");
    }
}
