use super::*;

#[test]
fn set_coerces_and_rejects() {
    let mut p = Profile::new(Strategy::Pkce);
    p.set("scopes", "  openid   read:users ").unwrap();
    assert_eq!(p.scopes.as_deref(), Some("openid read:users"));
    p.set("redirectPort", "8765").unwrap();
    assert_eq!(p.redirect_port, Some(8765));
    assert!(p.set("redirectPort", "http").is_err());
    p.set("authorizeParams.prompt", "consent").unwrap();
    assert_eq!(p.authorize_params["prompt"], "consent");
    p.set("authorizeParams.prompt", "").unwrap();
    assert!(p.authorize_params.is_empty());
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
    assert_eq!(p.no_basic, Some(true));
    p.set("noBasic", "FALSE").unwrap();
    assert_eq!(p.no_basic, Some(false));
    assert!(p.set("noBasic", "maybe").is_err());
    p.set("defaultExpirationSeconds", "3600").unwrap();
    assert_eq!(p.default_expiration_seconds, Some(3600));
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
