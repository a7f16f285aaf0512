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
