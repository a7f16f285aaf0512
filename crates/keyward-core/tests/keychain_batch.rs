//! `OsKeychain::get_many` against the real Secret Service (the private gnome-keyring that
//! tests/keychain-session.sh starts): the same answers as one `get` per entry, in the order asked, in one
//! connection: values, missing entries, and an entry with a second item that another tool stored (left to
//! `get`, which reads the one keyring made).

use keyward_core::keychain::{OsKeychain, SecretStore, SERVICE};
use keyward_core::Secret;

fn secret_tool(args: &[&str], input: &str) {
    use std::io::Write;
    let mut child = std::process::Command::new("secret-tool")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("secret-tool (libsecret-tools) runs");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success(), "secret-tool {args:?}");
}

#[test]
fn many_entries_read_at_once_are_what_one_read_each_gives() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "run under tests/keychain-session.sh (a private Secret Service)"
    );
    let store = OsKeychain::new();
    let id = format!("batch{}", std::process::id());
    let acc = |n: &str| format!("{id}/{n}/clientSecret");
    for i in 0..20 {
        store.set(&acc(&format!("p{i}")), &Secret::new(format!("kw-canary-batch-{i}"))).unwrap();
    }
    // Two items for one entry (another tool stored a second one with one more attribute).
    store.set(&acc("twice"), &Secret::new("kw-canary-batch-first")).unwrap();
    secret_tool(
        &["store", "--label=other", "service", SERVICE, "username", &acc("twice"), "extra", "1"],
        "kw-canary-batch-second",
    );

    let mut accounts: Vec<String> = (0..20).rev().map(|i| acc(&format!("p{i}"))).collect();
    accounts.insert(5, acc("missing"));
    accounts.push(acc("twice"));
    let many = store.get_many(&accounts);
    let one_each: Vec<_> = accounts.iter().map(|a| store.get(a)).collect();

    // Every plain entry: the value, in the order asked; a missing one: none.
    let many = match many {
        Ok(v) => v,
        // The ambiguous entry makes the batch fail exactly as its own `get` does.
        Err(e) => {
            let alone = one_each.last().unwrap().as_ref().expect_err("two items for one entry are refused");
            assert_eq!(e.to_string(), alone.to_string());
            accounts.pop();
            store.get_many(&accounts).expect("without it, the batch reads")
        }
    };
    for (i, (account, value)) in accounts.iter().zip(&many).enumerate() {
        let alone = one_each[i].as_ref().ok().cloned().flatten();
        assert_eq!(value.as_ref().map(Secret::expose), alone.as_ref().map(Secret::expose), "{account}");
    }
    assert_eq!(many[0].as_ref().map(Secret::expose), Some("kw-canary-batch-19"));
    assert!(many[5].is_none(), "a missing entry is none");
    assert_eq!(many.last().unwrap().as_ref().map(Secret::expose), Some("kw-canary-batch-first"), "as `get` reads it");
    assert_eq!(many.iter().filter(|v| v.is_some()).count(), 21);
    for i in 0..20 {
        store.delete(&acc(&format!("p{i}"))).unwrap();
    }
    let _ = std::process::Command::new("secret-tool").args(["clear", "username", &acc("twice")]).status();
}
