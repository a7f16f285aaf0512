//! A config written by the version users have today (fixtures/config-v1-2026-12-01.json, written by the
//! CLI of 2026-12-01 with a profile of every strategy and a key pair) keeps loading, means the same, and
//! survives a write untouched; a value its field does not accept is refused with the file and field named.

mod support;

use std::sync::Arc;

use keyward_core::config::Home;
use keyward_core::profile::{Settings, Strategy};
use keyward_core::Keyward;
use support::Memory;

const FIXTURE: &str = include_str!("fixtures/config-v1-2026-12-01.json");

fn home_with(config: &str) -> (tempfile::TempDir, Keyward) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.json"), config).unwrap();
    let kw = Keyward::new(Home::new(dir.path()), Arc::new(Memory::default()));
    (dir, kw)
}

#[test]
fn todays_config_loads_with_every_strategy_and_key() {
    let (_dir, kw) = home_with(FIXTURE);
    let profiles = kw.list().unwrap();
    let strategies: Vec<(&str, Strategy)> = profiles.iter().map(|p| (p.name.as_str(), p.settings.strategy())).collect();
    assert_eq!(
        strategies,
        [
            ("app-login", Strategy::JwtLogin),
            ("billing", Strategy::ClientCredentials),
            ("github", Strategy::Pkce),
            ("legacy", Strategy::CustomOauth),
            ("portal", Strategy::Session),
            ("redox", Strategy::PrivateKeyJwt),
            ("sso", Strategy::SamlBearer),
            ("svc", Strategy::ApiKey),
        ]
    );
    let Settings::CustomOauth(legacy) = kw.profile("legacy").unwrap().settings else { panic!("custom-oauth") };
    assert_eq!(legacy.no_basic, Some(true), "seed 004's knobs keep their values");
    assert_eq!(legacy.default_expiration_seconds, Some(3600));
    assert_eq!(legacy.content_type.as_deref(), Some("application/json"));
    let Settings::Pkce(github) = kw.profile("github").unwrap().settings else { panic!("pkce") };
    assert_eq!((github.redirect_port, github.authorize_params["prompt"].as_str()), (Some(8765), "consent"));
    assert_eq!(kw.key("signer").unwrap().info.alg.as_str(), "ES384");
    assert_eq!(kw.profile("billing").unwrap().client_auth(), keyward_core::profile::ClientAuth::Post);
}

#[test]
fn a_write_leaves_the_other_profiles_as_they_were() {
    let (dir, kw) = home_with(FIXTURE);
    kw.edit("svc", &[("apiBaseUrl".into(), "https://api.example.com/v1".into())], Vec::new()).unwrap();
    let before: serde_json::Value = serde_json::from_str(FIXTURE).unwrap();
    let after: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("config.json")).unwrap()).unwrap();
    for (name, profile) in before["profiles"].as_object().unwrap() {
        if name != "svc" {
            assert_eq!(&after["profiles"][name], profile, "{name} is written back as it was read");
        }
    }
    assert_eq!(after["profiles"]["svc"]["apiBaseUrl"], "https://api.example.com/v1");
    assert_eq!(after["keys"], before["keys"]);
    assert_eq!(
        (after["version"].clone(), after["storeId"].clone()),
        (before["version"].clone(), before["storeId"].clone())
    );
}

#[test]
fn a_value_its_field_does_not_accept_is_refused_naming_the_file_and_field() {
    let bad = FIXTURE.replace("\"client-secret-post\"", "\"client-secret-jwt\"");
    let (dir, kw) = home_with(&bad);
    let err = kw.list().unwrap_err().to_string();
    assert!(err.contains(&dir.path().join("config.json").display().to_string()), "the file is named: {err}");
    assert!(err.contains("profile \"billing\", field clientAuth"), "the profile and field are named: {err}");
    assert!(err.contains("client-secret-basic"), "the accepted values are listed: {err}");
    let err = kw.edit("svc", &[("apiBaseUrl".into(), "https://x.example".into())], Vec::new()).unwrap_err();
    assert!(err.to_string().contains("not valid"), "nothing is written over a file Keyward cannot read: {err}");
    assert_eq!(std::fs::read_to_string(dir.path().join("config.json")).unwrap(), bad, "the file is untouched");
}
