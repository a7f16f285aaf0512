//! The app's background refresh (`schedule::Refresher`), one pass at a time on a context with a clock the
//! test moves, against the rig's seed 002 login (a refresh endpoint that rotates refresh tokens and counts
//! its calls): nothing before the planned time, exactly one refresh inside the margin and before expiry,
//! and a failure reported with its remedy and held back rather than retried in a loop.

mod support;

use std::sync::Mutex;

use keyward_core::keychain::SecretField;
use keyward_core::profile::{Profile, Strategy};
use keyward_core::schedule::{LiveState, RefreshEvent, Refresher, DEFAULT_MARGIN_SECS};
use keyward_core::{ErrorCode, Secret};
use support::{core, Rig};

const CANARY_PASSWORD: &str = "correct-horse-battery";

async fn refreshes_at_the_rig(rig: &Rig) -> u64 {
    let stats: serde_json::Value =
        reqwest::get(format!("{}/__rig/stats", rig.url("api"))).await.unwrap().json().await.unwrap();
    stats["auth"]["refresh"].as_u64().unwrap()
}

fn jwt_login(rig: &Rig) -> Profile {
    let mut p = Profile::new(Strategy::JwtLogin);
    for (k, v) in [
        ("url", rig.url("login_endpoint")),
        ("email", "alice@example.com".into()),
        ("refreshUrl", rig.url("refresh_endpoint")),
    ] {
        p.set(k, &v).unwrap();
    }
    p
}

/// Every event a pass reported, in order.
#[derive(Default)]
struct Heard(Mutex<Vec<RefreshEvent>>);

impl Heard {
    fn take(&self) -> Vec<RefreshEvent> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

#[tokio::test]
async fn a_signed_in_profile_is_refreshed_once_inside_its_margin_and_before_it_expires() {
    // Ten-minute tokens: the app's five-minute margin applies in full.
    let rig = Rig::start(&["--access-token-ttl", "600"]);
    let c = core();
    c.kw.add("jwt", jwt_login(&rig), vec![(SecretField::Password, Secret::new(CANARY_PASSWORD))]).unwrap();
    let first = c.kw.token("jwt", false).await.unwrap();
    let expires = first.meta.expires_at.expect("the rig says when its tokens expire");
    let refresher = Refresher::new(DEFAULT_MARGIN_SECS);
    let heard = Heard::default();
    let report = |e: RefreshEvent| heard.0.lock().unwrap().push(e);

    // Freshly signed in: nothing to do; the next pass is planned inside the margin.
    let next = refresher.pass(&c.kw, &report).await.unwrap();
    assert!(heard.take().is_empty(), "no refresh right after sign-in");
    assert_eq!(refreshes_at_the_rig(&rig).await, 0);
    assert!(next <= c.clock.0.load(std::sync::atomic::Ordering::SeqCst) + 60, "a pass looks again within a minute");
    let planned = refresher.plan(&c.kw.list().unwrap(), c.clock.0.load(std::sync::atomic::Ordering::SeqCst));
    let at = planned.iter().find(|p| p.name == "jwt").expect("the signed-in profile is planned").at;
    assert!(at >= expires - DEFAULT_MARGIN_SECS && at < expires - 30, "planned inside the margin: {at} vs {expires}");

    // Just before the planned time: still nothing.
    c.clock.advance(at - 1 - (expires - 600));
    refresher.pass(&c.kw, &report).await.unwrap();
    assert!(heard.take().is_empty());
    assert_eq!(refreshes_at_the_rig(&rig).await, 0, "not refreshed before its planned time");

    // At the planned time, still before expiry: refreshed once, by the refresh endpoint (not a new login).
    c.clock.advance(1);
    refresher.pass(&c.kw, &report).await.unwrap();
    assert_eq!(refreshes_at_the_rig(&rig).await, 1, "exactly one refresh request at the provider");
    let events = heard.take();
    assert!(
        matches!(
            &events[..],
            [
                RefreshEvent::CredentialChanged { state: LiveState::Refreshing, .. },
                RefreshEvent::CredentialChanged { state: LiveState::Fresh, profile: Some(_), .. },
            ]
        ),
        "refreshing, then fresh with the profile as it is now: {events:?}"
    );
    let RefreshEvent::CredentialChanged { profile: Some(view), .. } = &events[1] else { unreachable!() };
    let new_expiry = view.token.as_ref().and_then(|t| t.expires_at).unwrap();
    assert!(new_expiry > expires, "the new token lives longer than the old one");
    let now = c.kw.token("jwt", false).await.unwrap();
    assert_ne!(now.access_token, first.access_token, "the profile holds the new token");
    // The events carry no secret: they go to the window.
    let wire = serde_json::to_string(&events[1]).unwrap();
    assert!(!wire.contains(now.access_token.expose()) && !wire.contains(CANARY_PASSWORD), "{wire}");

    // The next pass has nothing to do: the new token is planned afresh, far from now.
    refresher.pass(&c.kw, &report).await.unwrap();
    assert!(heard.take().is_empty());
    assert_eq!(refreshes_at_the_rig(&rig).await, 1, "one refresh per token, not one per pass");
}

#[tokio::test]
async fn a_failed_refresh_is_reported_with_its_code_and_held_back() {
    let rig = Rig::start(&["--access-token-ttl", "600"]);
    let c = core();
    c.kw.add("jwt", jwt_login(&rig), vec![(SecretField::Password, Secret::new(CANARY_PASSWORD))]).unwrap();
    c.kw.token("jwt", false).await.unwrap();
    drop(rig); // the provider is gone
    let refresher = Refresher::new(DEFAULT_MARGIN_SECS);
    let heard = Heard::default();
    let report = |e: RefreshEvent| heard.0.lock().unwrap().push(e);
    refresher.pass(&c.kw, &report).await.unwrap(); // the app sees the fresh token
    assert!(heard.take().is_empty());
    c.clock.advance(600 - 35); // past every planned time, not yet expired

    refresher.pass(&c.kw, &report).await.unwrap();
    let events = heard.take();
    let Some(RefreshEvent::RefreshFailed { name, error }) = events.last() else { panic!("{events:?}") };
    assert_eq!(name, "jwt");
    assert_eq!(error.code, ErrorCode::Network, "{error:?}");
    assert!(!error.message.contains(CANARY_PASSWORD));

    // The next pass right away does not hammer the provider: the grant waits for its retry time.
    refresher.pass(&c.kw, &report).await.unwrap();
    assert!(heard.take().is_empty(), "a failed grant is held back, not retried in a loop");
    c.clock.advance(31);
    refresher.pass(&c.kw, &report).await.unwrap();
    assert!(matches!(heard.take().last(), Some(RefreshEvent::RefreshFailed { .. })), "tried again after the back-off");
}
