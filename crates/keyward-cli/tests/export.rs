//! Exports checked by the tools that read them: newman runs exported Postman environments and
//! collections against the rig's API; python-dotenv, `node --env-file` and bash read `.env` exports back;
//! sh runs the curl commands. Secrets stay out unless asked, and the audit log records every export
//! without a value.

mod common;

use std::path::Path;
use std::process::Command;

use common::{repo_root, Kw, Rig};

const CANARY_SECRET: &str = "cc-basic-secret";

fn newman(collection: &Path, env: &Path) -> (bool, String) {
    let out = Command::new(repo_root().join("tests/node_modules/.bin/newman"))
        .args([
            "run",
            collection.to_str().unwrap(),
            "-e",
            env.to_str().unwrap(),
            "--reporters",
            "cli",
            "--color",
            "off",
        ])
        .output()
        .expect("newman runs (npm ci --prefix tests installs it)");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
}

/// A collection of our own (not the exported one) that calls whoami with `{{accessToken}}` or `{{apiKey}}`
/// as the API wants it and checks the answer: what a Postman user writes against an environment.
fn own_collection(dir: &Path, auth: serde_json::Value, expect_sub: &str) -> std::path::PathBuf {
    let c = serde_json::json!({
        "info": { "name": "whoami", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
        "auth": auth,
        "item": [{
            "name": "whoami",
            "request": { "method": "GET", "url": "{{baseUrl}}" },
            "event": [{ "listen": "test", "script": { "exec": [
                "pm.test('200', () => pm.response.to.have.status(200));",
                format!("pm.test('sub', () => pm.expect(pm.response.json().sub).to.eql({expect_sub:?}));"),
            ]}}],
        }],
    });
    let path = dir.join("own.postman_collection.json");
    std::fs::write(&path, serde_json::to_string(&c).unwrap()).unwrap();
    path
}

fn add_client_credentials(kw: &Kw, rig: &Rig, name: &str) {
    add_client(kw, rig, name, "cc-basic", "client-secret-basic", CANARY_SECRET)
}

fn add_client(kw: &Kw, rig: &Rig, name: &str, client: &str, auth: &str, secret: &str) {
    kw.run_stdin(
        &[
            "profile",
            "add",
            name,
            "--strategy",
            "client-credentials",
            "--url",
            &rig.token_endpoint,
            "--client-id",
            client,
            "--auth",
            auth,
            "--scope",
            "read:users",
            "--api-base-url",
            &rig.whoami(),
            "--client-secret-stdin",
        ],
        secret,
    )
    .ok();
}

fn env_value(env: &serde_json::Value, key: &str) -> Option<serde_json::Value> {
    env["values"].as_array().unwrap().iter().find(|v| v["key"] == key).cloned()
}

#[test]
fn newman_runs_with_an_exported_environment_bearer_and_api_key() {
    let keys = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(keys.path(), "rk_test_exportkey0123456789abcdef billing read:users\n").unwrap();
    let rig = Rig::start(&["--api-keys-file", keys.path().to_str().unwrap()]);
    let kw = Kw::new();
    let dir = kw.home.path();
    add_client_credentials(&kw, &rig, "svc");

    // Bearer: the environment from a client-credentials profile, run by newman.
    let env_path = dir.join("svc.postman_environment.json");
    let run = kw.run(&["export", "postman", "svc", "--out", env_path.to_str().unwrap()]).ok();
    assert!(run.stderr.contains("Left out the long-lived secrets clientSecret"), "{}", run.stderr);
    let env: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&env_path).unwrap()).unwrap();
    assert_eq!(env["_postman_variable_scope"], "environment");
    assert!(env["_postman_exported_using"].as_str().unwrap().starts_with("Keyward/"));
    assert!(env["id"].as_str().unwrap().len() == 36);
    assert_eq!(env_value(&env, "accessToken").unwrap()["type"], "secret");
    assert_eq!(env_value(&env, "baseUrl").unwrap()["value"], rig.whoami());
    assert_eq!(env_value(&env, "tokenUrl").unwrap()["value"], rig.token_endpoint);
    assert_eq!(env_value(&env, "clientId").unwrap()["value"], "cc-basic");
    assert!(env_value(&env, "clientSecret").is_none(), "the client secret stays out unless asked");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&env_path).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let bearer = serde_json::json!({ "type": "bearer", "bearer": [{ "key": "token", "value": "{{accessToken}}" }] });
    let own = own_collection(dir, bearer, "cc-basic");
    let (ok, out) = newman(&own, &env_path);
    assert!(ok, "newman passes with the exported token:\n{out}");

    // A tampered token: newman fails, as it must.
    let mut tampered = env.clone();
    for v in tampered["values"].as_array_mut().unwrap() {
        if v["key"] == "accessToken" {
            let t = v["value"].as_str().unwrap();
            v["value"] = format!("{}AAAA", &t[..t.len() - 4]).into();
        }
    }
    let tampered_path = dir.join("tampered.json");
    std::fs::write(&tampered_path, tampered.to_string()).unwrap();
    let (ok, out) = newman(&own, &tampered_path);
    assert!(!ok, "newman fails with a tampered token:\n{out}");

    // API key, in its own header: the environment carries it and its placement.
    kw.run_stdin(
        &["apikey", "set", "billing", "--stdin", "--placement", "header:X-API-Key", "--base-url", &rig.whoami()],
        "rk_test_exportkey0123456789abcdef",
    )
    .ok();
    let key_env = dir.join("billing.postman_environment.json");
    kw.run(&["export", "postman", "billing", "--out", key_env.to_str().unwrap()]).ok();
    let env: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&key_env).unwrap()).unwrap();
    assert_eq!(env_value(&env, "apiKeyPlacement").unwrap()["value"], "header:X-API-Key");
    let apikey = serde_json::json!({ "type": "apikey", "apikey": [
        { "key": "key", "value": "X-API-Key" }, { "key": "value", "value": "{{apiKey}}" }, { "key": "in", "value": "header" },
    ]});
    let own = own_collection(dir, apikey, "apikey:billing");
    let (ok, out) = newman(&own, &key_env);
    assert!(ok, "newman passes with the exported API key:\n{out}");

    // Both profiles in one environment: names prefixed per profile.
    let run = kw.run(&["export", "postman", "svc", "billing"]).ok();
    let both: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(env_value(&both, "svc_accessToken").is_some() && env_value(&both, "billing_apiKey").is_some());
    assert_eq!(both["name"], "Keyward: svc, billing");

    // Every export is in the audit log, without a value.
    let audit = kw.run(&["audit", "--json"]).ok().stdout;
    assert!(audit.contains("\"exported\"") && audit.contains("Postman environment, secrets left out: clientSecret"));
    let token = env_value(&both, "svc_accessToken").unwrap()["value"].as_str().unwrap().to_string();
    for (what, text) in [("audit log", &audit), ("stderr", &run.stderr)] {
        assert!(!text.contains(&token), "the token is in the {what}");
        assert!(!text.contains("rk_test_exportkey"), "the API key is in the {what}");
        assert!(!text.contains(CANARY_SECRET), "the client secret is in the {what}");
    }
}

#[test]
fn the_exported_collection_fetches_its_own_token_in_newman() {
    let rig = Rig::start(&[]);
    let kw = Kw::new();
    let dir = kw.home.path();
    add_client_credentials(&kw, &rig, "svc");
    let coll = dir.join("svc.postman_collection.json");
    kw.run(&["export", "collection", "svc", "--out", coll.to_str().unwrap()]).ok();
    let c: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&coll).unwrap()).unwrap();
    let auth = &c["item"][0]["auth"];
    assert_eq!(auth["type"], "oauth2", "the Postman app gets the OAuth 2.0 block: {auth}");
    assert!(auth["oauth2"]
        .as_array()
        .unwrap()
        .iter()
        .any(|kv| kv["key"] == "grant_type" && kv["value"] == "client_credentials"));
    assert!(!std::fs::read_to_string(&coll).unwrap().contains(CANARY_SECRET), "no secret in the collection");

    let run = kw.run(&["export", "postman", "svc", "--include-secrets"]).ok();
    assert!(run.stderr.contains("Included the long-lived secrets clientSecret"), "{}", run.stderr);
    let mut env: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let secret = env_value(&env, "clientSecret").expect("asked for: included");
    assert_eq!((secret["value"].as_str(), secret["type"].as_str()), (Some(CANARY_SECRET), Some("secret")));
    // No exported token: the collection's pre-request script must fetch one itself.
    env["values"].as_array_mut().unwrap().retain(|v| v["key"] != "accessToken" && v["key"] != "accessTokenExpiresAt");
    let env_path = dir.join("env.json");
    std::fs::write(&env_path, env.to_string()).unwrap();
    let before = rig.stats()["client_credentials"]["cc-basic"].as_u64().unwrap_or(0);
    let (ok, out) = newman(&coll, &env_path);
    assert!(ok, "newman passes with the collection's own token:\n{out}");
    let after = rig.stats()["client_credentials"]["cc-basic"].as_u64().unwrap_or(0);
    assert_eq!(after, before + 1, "the pre-request script fetched exactly one token:\n{out}");

    // client_secret_post: the script sends the secret in the body (the rig refuses Basic for cc-post).
    add_client(&kw, &rig, "post", "cc-post", "client-secret-post", "cc-post-secret");
    let post_coll = dir.join("post.postman_collection.json");
    kw.run(&["export", "collection", "post", "--out", post_coll.to_str().unwrap()]).ok();
    let mut post_env: serde_json::Value =
        serde_json::from_str(&kw.run(&["export", "postman", "post", "--include-secrets"]).ok().stdout).unwrap();
    post_env["values"].as_array_mut().unwrap().retain(|v| v["key"] != "accessToken");
    let post_env_path = dir.join("post-env.json");
    std::fs::write(&post_env_path, post_env.to_string()).unwrap();
    let before = rig.stats()["client_credentials"]["cc-post"].as_u64().unwrap_or(0);
    let (ok, out) = newman(&post_coll, &post_env_path);
    assert!(ok, "newman passes with a client_secret_post token of its own:\n{out}");
    assert_eq!(rig.stats()["client_credentials"]["cc-post"].as_u64().unwrap_or(0), before + 1);

    // A wrong secret: the script's refusal fails the run with the server's error code.
    for v in env["values"].as_array_mut().unwrap() {
        if v["key"] == "clientSecret" {
            v["value"] = "kw-canary-wrong".into();
        }
    }
    std::fs::write(&env_path, env.to_string()).unwrap();
    let (ok, out) = newman(&coll, &env_path);
    assert!(!ok && out.contains("invalid_client"), "a refused secret fails the run and says why:\n{out}");
}

/// What each reader makes of `file`'s variable `name`.
fn read_back(reader: &str, file: &Path, name: &str) -> String {
    let out = match reader {
        "python" => Command::new(repo_root().join("tests/.venv/bin/python"))
            .args(["-c", "import sys; from dotenv import dotenv_values; sys.stdout.write(dotenv_values(sys.argv[1])[sys.argv[2]])"])
            .args([file.to_str().unwrap(), name])
            .output(),
        "node" => Command::new("node")
            .arg(format!("--env-file={}", file.display()))
            .args(["-e", &format!("process.stdout.write(process.env[{name:?}])")])
            .env_remove(name)
            .output(),
        "bash" => Command::new("bash")
            .args(["-c", "set -a; . \"$1\"; printf %s \"${!2}\"", "bash", file.to_str().unwrap(), name])
            .output(),
        _ => unreachable!(),
    }
    .unwrap();
    assert!(
        out.status.success(),
        "{reader} could not read {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn dotenv_exports_read_back_the_same_by_each_dialects_readers() {
    let kw = Kw::new();
    // API keys stand in for any awkward value: no network is needed to export them.
    let awkward = [
        ("spaces", "a key with spaces, # a hash, $HOME and \"double\" quotes\nand a second line"),
        ("quote", "it's ${HOME} and a back\\\\slash"),
        ("python", "it's \\ a \"q\" and $x"),
    ];
    for (name, value) in awkward {
        kw.run_stdin(&["apikey", "set", name, "--stdin"], value).ok();
    }
    let dir = kw.home.path();
    let export = |dialect: Option<&str>, names: &[&str]| {
        let mut args = vec!["export", "dotenv"];
        args.extend(names);
        if let Some(d) = dialect {
            args.extend(["--dialect", d]);
        }
        kw.run(&args)
    };
    // The default: what all of them read the same way.
    let run = export(None, &["spaces"]).ok();
    let file = dir.join("portable.env");
    std::fs::write(&file, &run.stdout).unwrap();
    for reader in ["python", "node", "bash"] {
        assert_eq!(read_back(reader, &file, "API_KEY"), awkward[0].1, "{reader} reads the portable file back");
    }
    // A value none of them read alike: the default says which dialects can, and writes nothing.
    let run = export(None, &["quote"]).fails(2, "choose the dialect of the tool that reads the file");
    assert!(run.stdout.is_empty() && !run.stderr.contains("HOME}"), "no value in the error: {}", run.stderr);
    // Each dialect, read by its reader.
    for (dialect, reader, name, value) in [
        ("shell", "bash", "quote", awkward[1].1),
        ("node", "node", "quote", awkward[1].1),
        ("python", "python", "python", awkward[2].1),
        ("shell", "bash", "spaces", awkward[0].1),
        ("node", "node", "spaces", awkward[0].1),
        ("python", "python", "spaces", awkward[0].1),
    ] {
        let run = export(Some(dialect), &[name]).ok();
        let file = dir.join(format!("{dialect}-{name}.env"));
        std::fs::write(&file, &run.stdout).unwrap();
        assert_eq!(read_back(reader, &file, "API_KEY"), value, "{reader} reads the {dialect} dialect back");
    }
    export(Some("python"), &["quote"]).fails(2, "python-dotenv expands");
    // Several profiles: prefixed names.
    let run = export(Some("shell"), &["spaces", "python"]).ok();
    assert!(run.stdout.contains("SPACES_API_KEY=") && run.stdout.contains("PYTHON_API_KEY="), "{}", run.stdout);
}

#[test]
fn curl_commands_call_the_api_with_the_credential_inline_or_from_the_environment() {
    let rig = Rig::start(&[]);
    let kw = Kw::new();
    add_client_credentials(&kw, &rig, "svc");
    let sh = |script: &str, env: &[(&str, &str)]| {
        let out = Command::new("sh").args(["-c", script]).envs(env.iter().copied()).output().unwrap();
        (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let inline = kw.run(&["export", "curl", "svc"]).ok().stdout;
    let (ok, body) = sh(&inline, &[]);
    assert!(ok && body.contains("\"client_id\":\"cc-basic\""), "the inline command works: {body}");

    let from_env = kw.run(&["export", "curl", "svc", "--from-env"]).ok().stdout;
    let token = kw.run(&["token", "svc"]).ok().stdout.trim().to_string();
    assert!(!from_env.contains(&token), "--from-env writes no credential: {from_env}");
    assert!(from_env.contains("$KEYWARD_SVC_AUTHORIZATION"), "{from_env}");
    let (ok, body) = sh(&from_env, &[("KEYWARD_SVC_AUTHORIZATION", &format!("Bearer {token}"))]);
    assert!(ok && body.contains("\"client_id\":\"cc-basic\""), "the command reads the variable: {body}");

    // The credential goes only where the profile is for.
    kw.run(&["export", "curl", "svc", "--url", "https://elsewhere.example/v1"]).fails(2, "elsewhere.example");
    // A profile without an API base URL: say which setting to fill.
    kw.run(&["profile", "edit", "svc", "--set", "apiBaseUrl="]).ok();
    kw.run(&["export", "curl", "svc"]).fails(2, "no API base URL").stderr.contains("apiBaseUrl");
}

#[test]
fn bruno_names_secrets_without_their_values() {
    let rig = Rig::start(&[]);
    let kw = Kw::new();
    add_client_credentials(&kw, &rig, "svc");
    let run = kw.run(&["export", "bruno", "svc", "--include-secrets"]).ok();
    assert!(run.stdout.starts_with("vars {\n"), "{}", run.stdout);
    assert!(run.stdout.contains(&format!("  baseUrl: {}\n", rig.whoami())));
    assert!(run.stdout.contains("vars:secret [\n  clientSecret\n]"), "{}", run.stdout);
    assert!(!run.stdout.contains(CANARY_SECRET), "Bruno files never hold secret values");
    assert!(run.stderr.contains("enter clientSecret in Bruno"), "{}", run.stderr);
}

#[test]
fn a_postman_environment_imports_back_to_the_same_settings() {
    let keys = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(keys.path(), "rk_test_importkey0123456789abcdef billing read:users\n").unwrap();
    let rig = Rig::start(&["--api-keys-file", keys.path().to_str().unwrap()]);
    let kw = Kw::new();
    kw.run_stdin(
        &["apikey", "set", "billing", "--stdin", "--placement", "query:api_key", "--base-url", &rig.whoami()],
        "rk_test_importkey0123456789abcdef",
    )
    .ok();
    add_client_credentials(&kw, &rig, "svc");
    let file = kw.home.path().join("both.json");
    kw.run(&["export", "postman", "billing", "svc", "--include-secrets", "--out", file.to_str().unwrap()]).ok();

    let other = Kw::new();
    let run = other.run(&["import", "postman", file.to_str().unwrap()]).ok();
    assert!(run.stderr.contains("Imported billing as a api-key profile"), "{}", run.stderr);
    assert!(run.stderr.contains("Imported svc as a client-credentials profile"), "{}", run.stderr);
    let settings = |kw: &Kw, name: &str| {
        let mut v = kw.run(&["profile", "show", name, "--json"]).ok().json();
        // apiKeyCreated is when the key was stored here: it differs by design.
        for k in ["name", "status", "token", "hasAccessToken", "hasRefreshToken", "apiKeyCreated"] {
            v.as_object_mut().unwrap().remove(k);
        }
        v
    };
    assert_eq!(settings(&other, "billing"), settings(&kw, "billing"), "the same API-key settings and secrets");
    assert_eq!(settings(&other, "svc"), settings(&kw, "svc"), "the same client-credentials settings and secrets");
    assert_eq!(other.keychain("billing", "apiKey").as_deref(), Some("rk_test_importkey0123456789abcdef"));
    assert_eq!(other.keychain("svc", "clientSecret").as_deref(), Some(CANARY_SECRET));
    let out = other.run(&["call", "billing", &rig.whoami()]).ok();
    assert!(out.stdout.contains("apikey:billing"), "the imported key works: {}", out.stdout);

    // Again: the names exist, nothing is written, and the error says so.
    other.run(&["import", "postman", file.to_str().unwrap()]).fails(2, "already exists");
    // Not a Postman environment.
    let junk = kw.home.path().join("junk.json");
    std::fs::write(&junk, "{\"hello\": 1}").unwrap();
    other.run(&["import", "postman", junk.to_str().unwrap()]).fails(2, "is not a Postman environment");
    std::fs::write(&junk, "{\"name\": \"x\", \"values\": [{\"key\": \"colour\", \"value\": \"blue\"}]}").unwrap();
    other.run(&["import", "postman", junk.to_str().unwrap()]).fails(2, "holds no credential Keyward can use");
    let audit = other.run(&["audit", "--json"]).ok().stdout;
    assert!(audit.contains("\"imported\"") && !audit.contains("rk_test_importkey") && !audit.contains(CANARY_SECRET));
}

#[test]
fn an_export_of_a_profile_without_a_credential_says_what_to_do() {
    let rig = Rig::start(&[]);
    let kw = Kw::new();
    kw.add_demo(&rig, "demo", "openid read:users");
    let run = kw.run(&["export", "postman", "demo"]).fails(6, "is not signed in yet");
    assert!(run.stderr.contains("hint: "), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    kw.run(&["export", "postman", "demo", "demo"]).fails(2, "named twice");
    kw.run(&["export", "dotenv", "demo", "--from-env"]).fails(2, "only for curl exports");
    let audit = kw.run(&["audit", "--json"]).ok().stdout;
    assert!(audit.contains("\"exported\"") && audit.contains("\"failed\""), "a failed export is recorded: {audit}");
}
