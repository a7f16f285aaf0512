//! Each machine flow run by the core itself, on a context built by the test (an in-memory secret store, a
//! clock the test moves), against its real counterpart in the rig: the OpenID provider's confidential
//! clients, a seed 004 dialect, seed 002's logins, an API key, and the rules that hold for all of them
//! (a credential only to its hosts, a missing scope named as a remedy).

mod support;

use keyward_core::api::ApiRequest;
use keyward_core::keychain::SecretField;
use keyward_core::profile::{Profile, Strategy};
use keyward_core::{ErrorCode, Remedy, Secret};
use support::{core, Rig};

fn profile(strategy: Strategy, fields: &[(&str, &str)]) -> Profile {
    let mut p = Profile::new(strategy);
    for (k, v) in fields {
        p.set(k, v).unwrap();
    }
    p
}

fn get(url: &str) -> ApiRequest {
    ApiRequest { method: "GET".into(), url: url.into(), headers: vec![], body: None }
}

#[test]
fn a_listing_reads_only_the_keychain_entries_each_strategy_can_have() {
    let c = core();
    let key = profile(Strategy::ApiKey, &[("apiBaseUrl", "https://api.example.com")]);
    c.kw.add("key", key, vec![(SecretField::ApiKey, Secret::new("kw-canary-api-key"))]).unwrap();
    let m2m = profile(Strategy::ClientCredentials, &[("url", "https://id.example.com/token"), ("clientId", "c")]);
    c.kw.add("m2m", m2m, vec![(SecretField::ClientSecret, Secret::new("kw-canary-secret"))]).unwrap();
    c.secrets.1.store(0, std::sync::atomic::Ordering::SeqCst);
    let views = c.kw.list().unwrap();
    assert_eq!(
        c.secrets.1.load(std::sync::atomic::Ordering::SeqCst),
        1 + 3,
        "the API key's profile: its key; client credentials: its secret, a refresh token and the access token"
    );
    assert!(views[0].has_api_key && !views[0].has_access_token && !views[0].has_client_secret);
    assert!(views[1].has_client_secret && !views[1].has_api_key && !views[1].has_password);
}

#[tokio::test]
async fn client_credentials_basic_and_post_cached_then_renewed_by_the_clock() {
    let rig = Rig::start(&["--access-token-ttl", "120"]);
    let c = core();
    let url = rig.url("token_endpoint");
    for (name, client, auth) in
        [("basic", "cc-basic", "client-secret-basic"), ("post", "cc-post", "client-secret-post")]
    {
        let p = profile(
            Strategy::ClientCredentials,
            &[("url", &url), ("clientId", client), ("clientAuth", auth), ("scopes", "read:users")],
        );
        c.kw.add(name, p, vec![(SecretField::ClientSecret, Secret::new(format!("{client}-secret")))]).unwrap();
        let first = c.kw.token(name, false).await.unwrap();
        assert_eq!(c.kw.token(name, false).await.unwrap().access_token, first.access_token, "cached while fresh");
        c.clock.advance(115); // inside the refresh margin of a 120 s token
        let renewed = c.kw.token(name, false).await.unwrap();
        assert_ne!(renewed.access_token, first.access_token, "renewed before it expires, by the injected clock");
        let who = c.kw.call(name, &get(&rig.url("whoami"))).await.unwrap();
        assert_eq!(who.status, 200, "{}", who.body);
        assert!(who.body.contains(client), "{}", who.body);
    }
    let events = c.kw.audit_events().unwrap();
    assert!(events.iter().filter(|e| e.action == keyward_core::audit::AuditAction::TokenIssued).count() >= 4);
}

#[tokio::test]
async fn a_wrong_client_secret_carries_the_remedy_to_edit_it() {
    let rig = Rig::start(&[]);
    let c = core();
    let p = profile(Strategy::ClientCredentials, &[("url", &rig.url("token_endpoint")), ("clientId", "cc-basic")]);
    c.kw.add("wrong", p, vec![(SecretField::ClientSecret, Secret::new("kw-not-the-secret"))]).unwrap();
    let err = c.kw.token("wrong", false).await.err().unwrap();
    assert_eq!(err.code(), ErrorCode::Refused);
    assert_eq!(err.remedy(), Some(Remedy::EditField { profile: "wrong".into(), field: "clientSecret".into() }));
    assert!(!err.to_string().contains("kw-not-the-secret"));
}

#[tokio::test]
async fn a_seed_004_dialect_and_its_dry_run() {
    let rig = Rig::start(&[]);
    let c = core();
    let url = rig.url("custom_token_endpoint").replace("{dialect}", "json");
    let p = profile(
        Strategy::CustomOauth,
        &[("url", &url), ("clientId", "custom-client"), ("contentType", "application/json")],
    );
    c.kw.add("json", p, vec![(SecretField::ClientSecret, Secret::new("custom-secret"))]).unwrap();
    let dry = c.kw.dry_run("json").await.unwrap();
    assert!(dry.headers.iter().any(|(k, v)| k == "Content-Type" && v == "application/json"));
    assert!(!dry.to_string().contains("custom-secret"), "the dry run masks the secret");
    let t = c.kw.token("json", true).await.unwrap();
    assert!(!t.access_token.expose().is_empty() && t.meta.expires_at.is_some());
}

#[tokio::test]
async fn jwt_login_and_a_session_log_in_with_the_stored_password() {
    let rig = Rig::start(&[]);
    let c = core();
    let login = profile(
        Strategy::JwtLogin,
        &[
            ("url", &rig.url("login_endpoint")),
            ("email", "alice@example.com"),
            ("refreshUrl", &rig.url("refresh_endpoint")),
        ],
    );
    c.kw.add("jwt", login, vec![(SecretField::Password, Secret::new("correct-horse-battery"))]).unwrap();
    assert_eq!(c.kw.call("jwt", &get(&rig.url("whoami"))).await.unwrap().status, 200);
    assert!(c.secrets.0.lock().unwrap().keys().any(|k| k.ends_with("/jwt/refreshToken")), "the refresh token is kept");
    let session = profile(
        Strategy::Session,
        &[
            ("url", &rig.url("session_login_endpoint")),
            ("email", "alice@example.com"),
            ("logoutUrl", &rig.url("session_logout_endpoint")),
        ],
    );
    c.kw.add("web", session, vec![(SecretField::Password, Secret::new("correct-horse-battery"))]).unwrap();
    let who = c.kw.call("web", &get(&rig.url("whoami"))).await.unwrap();
    assert!(who.body.contains("\"via\":\"session\""), "{}", who.body);
    assert_eq!(c.kw.logout("web").await.unwrap(), keyward_core::logout::LogoutOutcome::SessionEnded);
}

#[tokio::test]
async fn an_api_key_goes_only_to_its_api_and_a_missing_scope_is_a_remedy() {
    let keys = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(keys.path(), "sk_live_narrow reports write:users\n").unwrap();
    let rig = Rig::start(&["--api-keys-file", keys.path().to_str().unwrap()]);
    let c = core();
    let api = rig.url("api");
    let p = profile(Strategy::ApiKey, &[("apiKeyPlacement", "header:X-API-Key"), ("apiBaseUrl", &api)]);
    c.kw.add("narrow", p, vec![(SecretField::ApiKey, Secret::new("sk_live_narrow"))]).unwrap();
    let resp = c.kw.call("narrow", &get(&rig.url("whoami"))).await.unwrap();
    let problem = resp.problem("narrow").expect("a 403");
    assert_eq!(problem.remedy(), Some(Remedy::AddScope { profile: "narrow".into(), scope: Some("read:users".into()) }));
    let elsewhere = api.replace("127.0.0.1", "localhost");
    let err = c.kw.call("narrow", &get(&elsewhere)).await.err().unwrap();
    assert_eq!(err.remedy(), Some(Remedy::AllowHost { profile: "narrow".into(), host: "localhost".into() }));
}

#[tokio::test]
async fn a_form_is_tried_before_it_is_saved_and_the_trial_stores_nothing() {
    use keyward_core::form::ProfileForm;
    let rig = Rig::start(&[]);
    let c = core();
    let form = |secret: &str| ProfileForm {
        name: "m2m".into(),
        strategy: Strategy::ClientCredentials,
        fields: [("url".to_string(), rig.url("token_endpoint")), ("clientId".to_string(), "cc-basic".to_string())]
            .into(),
        secrets: [("clientSecret".to_string(), secret.to_string())].into(),
    };
    let err = c.kw.test_form(&form("kw-wrong-secret"), false).await.err().unwrap();
    assert_eq!(err.remedy(), Some(Remedy::EditField { profile: "m2m".into(), field: "clientSecret".into() }));
    let meta = c.kw.test_form(&form("cc-basic-secret"), false).await.unwrap();
    assert!(meta.expires_at.is_some());
    assert!(c.kw.list().unwrap().is_empty(), "no profile was saved");
    assert!(c.secrets.0.lock().unwrap().is_empty(), "no secret or token reached the store");
    // Editing: secrets left empty are the stored ones.
    c.kw.add_form(&form("cc-basic-secret")).unwrap();
    let mut edited = form("");
    edited.secrets.clear();
    c.kw.test_form(&edited, true).await.unwrap();
    assert!(!c.kw.show("m2m").unwrap().has_access_token, "the trial's token is not the profile's");
}
