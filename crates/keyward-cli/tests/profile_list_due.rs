//! `keyward profile list` marks credentials older than their rotation period (issue 8's reminder, seed
//! 000: every 90 days), in words, with the command that starts the rotation; younger ones are not marked.

mod common;

use common::Kw;

#[test]
fn profile_list_marks_a_credential_past_its_rotation_period() {
    let kw = Kw::new();
    let now = std::process::Command::new("date").args(["-u", "+%Y-%m-%dT%H:%M:%SZ"]).output().unwrap();
    let now = String::from_utf8(now.stdout).unwrap().trim().to_string();
    for (name, created) in [("old-key", "2020-01-01T00:00:00Z"), ("new-key", now.as_str())] {
        kw.run(&["profile", "add", name, "--strategy", "api-key", "--set", &format!("apiKeyCreated={created}")]).ok();
    }
    let list = kw.run(&["profile", "list"]).ok().stdout;
    let line = |name: &str| list.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("{list}")).to_string();
    let old = line("old-key");
    assert!(old.contains("ROTATE DUE"), "a key from 2020 is past the 90-day period: {old}");
    assert!(old.contains("days old") && old.contains("keyward rotate start old-key"), "{old}");
    assert!(!line("new-key").contains("ROTATE DUE"), "a key made today is not due: {list}");
    // The JSON list is unchanged (scripts ask `keyward rotate due --json`).
    let json = kw.run(&["profile", "list", "--json"]).ok().stdout;
    assert!(!json.contains("ROTATE DUE"), "{json}");
}

/// Each profile may set its own period (`rotationPeriodDays`): a 10-day-old key is due under a 7-day
/// period and not under the default; `rotate due --days N` measures all against N; a period for a strategy
/// that cannot rotate, or that is not a whole number, is refused naming the field.
#[test]
fn a_profile_sets_its_own_rotation_period() {
    let kw = Kw::new();
    let ten_days_ago =
        std::process::Command::new("date").args(["-u", "-d", "10 days ago", "+%Y-%m-%dT%H:%M:%SZ"]).output().unwrap();
    let made = String::from_utf8(ten_days_ago.stdout).unwrap().trim().to_string();
    for (name, extra) in [("weekly", Some("rotationPeriodDays=7")), ("default", None)] {
        let created = format!("apiKeyCreated={made}");
        let mut args = vec!["profile", "add", name, "--strategy", "api-key", "--set", &created];
        if let Some(e) = extra {
            args.extend(["--set", e]);
        }
        kw.run(&args).ok();
    }
    let list = kw.run(&["profile", "list"]).ok().stdout;
    let line = |name: &str| list.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("{list}")).to_string();
    assert!(line("weekly").contains("ROTATE DUE"), "10 days old, 7-day period: {list}");
    assert!(!line("default").contains("ROTATE DUE"), "10 days old, 90-day default: {list}");

    let due = kw.run(&["rotate", "due", "--json"]).ok().json();
    let of = |v: &serde_json::Value, name: &str| {
        v.as_array().unwrap().iter().find(|d| d["profile"] == name).cloned().unwrap()
    };
    assert_eq!((of(&due, "weekly")["periodDays"].as_u64(), of(&due, "weekly")["due"].as_bool()), (Some(7), Some(true)));
    assert_eq!(
        (of(&due, "default")["periodDays"].as_u64(), of(&due, "default")["due"].as_bool()),
        (Some(90), Some(false))
    );
    assert!(of(&due, "weekly")["reason"].as_str().unwrap().contains("past the 7-day rotation period"), "{due}");
    let all = kw.run(&["rotate", "due", "--json", "--days", "5"]).ok().json();
    assert!(all.as_array().unwrap().iter().all(|d| d["due"] == true && d["periodDays"] == 5), "{all}");

    kw.run(&["profile", "edit", "weekly", "--set", "rotationPeriodDays=soon"]).fails(2, "rotationPeriodDays");
    kw.run(&["profile", "add", "web", "--strategy", "pkce", "--set", "rotationPeriodDays=7"])
        .fails(2, "rotationPeriodDays");
    kw.run(&["profile", "edit", "weekly", "--set", "rotationPeriodDays="]).ok();
    let due = kw.run(&["rotate", "due", "--json"]).ok().json();
    assert_eq!(of(&due, "weekly")["periodDays"].as_u64(), Some(90), "an empty value goes back to the default");
}
