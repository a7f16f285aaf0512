use super::*;

fn pkce_of(p: &Profile) -> &pkce::Settings {
    StrategySettings::of(&p.settings).expect("a pkce profile")
}

fn custom_of(p: &Profile) -> &custom_oauth::Settings {
    StrategySettings::of(&p.settings).expect("a custom-oauth profile")
}

#[test]
fn set_coerces_and_rejects() {
    let mut p = Profile::new(Strategy::Pkce);
    p.set("scopes", "  openid   read:users ").unwrap();
    assert_eq!(pkce_of(&p).scopes.as_deref(), Some("openid read:users"));
    p.set("redirectPort", "8765").unwrap();
    assert_eq!(pkce_of(&p).redirect_port, Some(8765));
    assert!(p.set("redirectPort", "http").is_err());
    p.set("authorizeParams.prompt", "consent").unwrap();
    assert_eq!(pkce_of(&p).authorize_params["prompt"], "consent");
    p.set("authorizeParams.prompt", "").unwrap();
    assert!(pkce_of(&p).authorize_params.is_empty());
    let err = p.set("colour", "x").unwrap_err().to_string();
    assert!(err.contains("clientId"), "the error lists the fields that exist: {err}");
    assert!(p.set("clientSecret", "x").unwrap_err().to_string().contains("keychain"), "secrets take another door");
}

#[test]
fn endpoints_must_be_https_unless_loopback() {
    assert!(check_endpoint_url("issuer", "https://id.example.com").is_ok());
    assert!(check_endpoint_url("issuer", "http://127.0.0.1:8080").is_ok());
    assert!(check_endpoint_url("issuer", "http://localhost:8080").is_ok());
    assert!(check_endpoint_url("issuer", "http://id.example.com").is_err());
    assert!(check_endpoint_url("issuer", "ftp://id.example.com").is_err());
    assert!(check_endpoint_url("issuer", "not a url").is_err());
}

#[test]
fn names_are_safe_for_keychain_accounts() {
    assert!(check_name("demo-1.prod_eu").is_ok());
    for bad in ["", "a/b", "-x", "with space", &"x".repeat(65)] {
        assert!(check_name(bad).is_err(), "{bad:?} must be refused");
    }
}

#[test]
fn a_pkce_profile_needs_a_client_and_endpoints() {
    let mut p = Profile::new(Strategy::Pkce);
    assert!(p.validate().is_err());
    p.set("clientId", "native-app").unwrap();
    assert!(p.validate().is_err(), "no issuer nor explicit endpoints");
    p.set("authorizeUrl", "http://127.0.0.1:1/auth").unwrap();
    p.set("url", "http://127.0.0.1:1/token").unwrap();
    p.validate().unwrap();
}

#[test]
fn seed_004_knobs_take_their_string_forms() {
    let mut p = Profile::new(Strategy::CustomOauth);
    p.set("noBasic", "true").unwrap();
    assert_eq!(custom_of(&p).no_basic, Some(true));
    p.set("noBasic", "FALSE").unwrap();
    assert_eq!(custom_of(&p).no_basic, Some(false));
    assert!(p.set("noBasic", "maybe").is_err());
    p.set("defaultExpirationSeconds", "3600").unwrap();
    assert_eq!(custom_of(&p).default_expiration_seconds, Some(3600));
    assert!(p.set("defaultExpirationSeconds", "an hour").is_err());
    p.set("contentType", "application/json").unwrap();
    assert!(p.set("contentType", "text/xml").is_err());
    p.set("url", "https://auth.example.com/token").unwrap();
    p.set("clientId", "c").unwrap();
    p.validate().unwrap();
    p.set("noBasic", "true").unwrap();
    p.set("basicNoForm", "true").unwrap();
    assert!(p.validate().unwrap_err().to_string().contains("choose one"), "the table's forbidden row");
}

#[test]
fn api_key_placements() {
    let mut p = Profile::new(Strategy::ApiKey);
    for ok in ["bearer", "header:X-API-Key", "query:api_key"] {
        p.set("apiKeyPlacement", ok).unwrap();
    }
    assert_eq!(p.api_key_placement(), ApiKeyPlacement::Query("api_key".into()));
    for bad in ["cookie", "header:", "query:a b", "header:X:Y"] {
        assert!(p.set("apiKeyPlacement", bad).is_err(), "{bad}");
    }
}

#[test]
fn a_credential_goes_to_the_sites_of_its_urls_and_the_hosts_it_names() {
    let mut p = Profile::new(Strategy::ClientCredentials);
    p.set("url", "https://auth.example.com/oauth/token").unwrap();
    let allowed = |p: &Profile, host: &str| p.credential_hosts().iter().any(|r| r.matches(host));
    assert!(allowed(&p, "auth.example.com"));
    assert!(allowed(&p, "api.example.com"), "the same site");
    assert!(!allowed(&p, "example.com.evil.net") && !allowed(&p, "evil.net") && !allowed(&p, "notexample.com"));
    p.set("url", "https://auth.example.co.uk/token").unwrap();
    assert!(allowed(&p, "api.example.co.uk"));
    assert!(!allowed(&p, "other.co.uk"), "a public suffix is not a site");
    p.set("url", "http://127.0.0.1:4000/token").unwrap();
    assert!(allowed(&p, "127.0.0.1") && !allowed(&p, "127.0.0.2") && !allowed(&p, "localhost"));
    p.set("apiHosts", "api.partner.net, .cdn.example.org").unwrap();
    assert_eq!(p.api.api_hosts.as_deref(), Some("api.partner.net .cdn.example.org"));
    assert!(allowed(&p, "api.partner.net") && !allowed(&p, "www.partner.net"));
    assert!(allowed(&p, "eu.cdn.example.org") && allowed(&p, "cdn.example.org"));
    for bad in ["https://x.example", "x.example/path", "a b:c"] {
        assert!(p.set("apiHosts", bad).is_err(), "{bad}");
    }
}

#[test]
fn a_profile_holds_only_its_strategys_settings() {
    let read = |json: serde_json::Value| serde_json::from_value::<Profile>(json).map_err(|e| e.to_string());
    let p = read(serde_json::json!({"strategy": "client-credentials", "url": "https://a.example/token", "clientId": "c", "apiBaseUrl": "https://api.example"})).unwrap();
    assert!(matches!(&p.settings, Settings::ClientCredentials(s) if s.client_id.as_deref() == Some("c")));
    assert_eq!(p.api.api_base_url.as_deref(), Some("https://api.example"));
    let flat = serde_json::to_value(&p).unwrap();
    assert_eq!(flat["strategy"], "client-credentials", "written flat, as config files always held it");
    assert_eq!(read(flat).unwrap(), p, "and read back the same");

    let err = read(serde_json::json!({"strategy": "pkce", "clientId": "c", "keyName": "k"})).unwrap_err();
    assert!(err.contains("\"keyName\"") && err.contains("issuer"), "a field of another strategy is named: {err}");
    let err = read(serde_json::json!({"strategy": "pkce", "clientId": "c", "rotationPeriodDays": 30})).unwrap_err();
    assert!(err.contains("rotationPeriodDays"), "a login does not rotate: {err}");
    let err = read(serde_json::json!({"strategy": "client-credentials", "clientSecret": "canary-s3cret"})).unwrap_err();
    assert!(err.contains("clientSecret") && err.contains("keychain") && !err.contains("canary"), "{err}");
    let err = read(serde_json::json!({"strategy": "pkce", "redirectPort": "eighty"})).unwrap_err();
    assert!(err.starts_with("redirectPort:"), "a value of the wrong type names its field: {err}");
    let err = read(serde_json::json!({"clientId": "c"})).unwrap_err();
    assert!(err.contains("strategy"), "{err}");
    assert!(read(serde_json::json!({"strategy": "teleport"})).unwrap_err().contains("unknown strategy"));

    let mut p = Profile::new(Strategy::ClientCredentials);
    let err = p.set("authorizeParams.prompt", "login").unwrap_err().to_string();
    assert!(err.contains("authorizeParams"), "only a login has authorize parameters: {err}");
}
