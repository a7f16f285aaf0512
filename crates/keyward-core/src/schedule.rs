//! Background refresh: when the running app refreshes each signed-in profile, and one pass that does it.
//!
//! [`plan`] turns tokens and their expiries into one refresh time per grant, spread over the refresh margin
//! with a deterministic per-grant jitter, so 1,000 tokens that expire in the same minute are refreshed over
//! minutes, never in one burst. [`Refresher::pass`] refreshes what is due through the core's single-flight
//! refresh ([`Keyward::token`]: the same cross-process grant lock as the CLI) and reports each change to a
//! callback; the desktop shell runs passes in a loop and turns the reports into window events. Nothing here
//! knows about windows.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::Serialize;
use ts_rs::TS;

use crate::app::{Keyward, ProfileView};
use crate::error::{AppError, Result};

/// How long before expiry the app starts refreshing a token (capped at half the token's lifetime).
pub const DEFAULT_MARGIN_SECS: i64 = 300;
/// The part of the margin kept free of planned refreshes, as a fraction: a refresh planned at the end of
/// the spread still has this share of the margin left before the token expires (for a slow provider).
const HEADROOM: f64 = 0.2;
/// A token found already inside its margin (the app started late, the laptop woke up) is refreshed within
/// this share of the margin from now, spread the same way.
const CATCH_UP: f64 = 0.25;
/// After a failed refresh (the network, a provider error), the next attempt waits this long, doubling up
/// to [`MAX_BACKOFF_SECS`]: a failing grant is never retried in a loop.
const FIRST_BACKOFF_SECS: i64 = 30;
const MAX_BACKOFF_SECS: i64 = 900;
/// A pass with nothing planned looks again after this long (a profile signed in from the CLI meanwhile).
pub const RESCAN_SECS: i64 = 60;

/// A token the app keeps fresh: its profile, its grant (the unit of single flight) and its lifetime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expiring {
    pub name: String,
    /// Profiles sharing a grant are refreshed once for all of them.
    pub grant: String,
    pub issued_at: i64,
    pub expires_at: i64,
    /// When the planner first saw this token: a token first seen inside its margin is refreshed within
    /// `CATCH_UP` of the margin from then (not from each pass's now, which would put it off for ever).
    pub first_seen: i64,
}

/// When to refresh one grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub name: String,
    pub grant: String,
    /// Unix seconds.
    pub at: i64,
    /// The expiry of the token this refresh replaces: a pass that finds another token skips the refresh.
    pub expires_at: i64,
}

/// One refresh time per grant, earliest first. Each token is refreshed within its margin (`margin_secs`,
/// at most half its lifetime), at a point of the margin's first `1 - HEADROOM` fixed by its grant's name:
/// the same grant always gets the same point, and many grants spread evenly over the margin. A token
/// first seen inside its margin is refreshed soon after, spread over the next `CATCH_UP` of the margin.
/// A planned time before now means: due.
pub fn plan(tokens: &[Expiring], margin_secs: i64) -> Vec<Planned> {
    let mut by_grant: HashMap<&str, Planned> = HashMap::new();
    for t in tokens {
        let lead = margin_secs.min((t.expires_at - t.issued_at).max(0) / 2).max(1);
        let start = t.expires_at - lead;
        let spread = ((lead as f64) * (1.0 - HEADROOM)).max(1.0);
        let jitter = jitter(&t.grant);
        let mut at = start + (jitter * spread) as i64;
        if at < t.first_seen {
            at = t.first_seen + (jitter * (lead as f64) * CATCH_UP) as i64;
        }
        let planned = Planned { name: t.name.clone(), grant: t.grant.clone(), at, expires_at: t.expires_at };
        by_grant
            .entry(t.grant.as_str())
            .and_modify(|p| {
                if planned.at < p.at {
                    *p = planned.clone();
                }
            })
            .or_insert(planned);
    }
    let mut out: Vec<Planned> = by_grant.into_values().collect();
    out.sort_by(|a, b| (a.at, &a.grant).cmp(&(b.at, &b.grant)));
    out
}

/// A grant's fixed point in [0, 1): FNV-1a of its name (stable across runs and builds, unlike std's
/// hasher), so a restart plans the same times.
fn jitter(grant: &str) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in grant.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    // FNV alone spreads names that differ in their last characters poorly: finish with MurmurHash3's
    // 64-bit mixer, which makes every output bit depend on every input bit.
    let mut h = h ^ (h >> 33);
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// What the background refresh says about a profile: the window shows it without reloading.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum RefreshEvent {
    /// The profile's credential changed: a refresh began (`refreshing`), or ended with a new token
    /// (`fresh`, with the profile as it is now).
    #[serde(rename_all = "camelCase")]
    CredentialChanged {
        name: String,
        state: LiveState,
        #[ts(optional)]
        #[serde(skip_serializing_if = "Option::is_none")]
        profile: Option<Box<ProfileView>>,
    },
    /// A refresh failed; `error` carries the remedy (log in again, …).
    #[serde(rename_all = "camelCase")]
    RefreshFailed { name: String, error: AppError },
}

/// Where a background refresh of a profile stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum LiveState {
    Refreshing,
    Fresh,
}

/// The background refresh's memory between passes: which grants failed, and when to try them again.
pub struct Refresher {
    margin_secs: i64,
    failed: Mutex<HashMap<String, Backoff>>,
    /// When each token (grant, expiry) was first seen, for the catch-up of tokens found late.
    seen: Mutex<HashMap<(String, i64), i64>>,
}

#[derive(Clone, Copy)]
struct Backoff {
    /// The expiry of the token whose refresh failed: a new token (a login, the CLI's refresh) forgets it.
    expires_at: i64,
    retry_at: i64,
    wait: i64,
}

impl Refresher {
    pub fn new(margin_secs: i64) -> Self {
        Refresher { margin_secs, failed: Mutex::new(HashMap::new()), seen: Mutex::new(HashMap::new()) }
    }

    /// The tokens to keep fresh: every profile with a refresh token and an access token that expires,
    /// seen at `now`.
    pub fn expiring(views: &[ProfileView], now: i64) -> Vec<Expiring> {
        views
            .iter()
            .filter(|v| v.has_refresh_token)
            .filter_map(|v| {
                let t = v.token.as_ref()?;
                Some(Expiring {
                    name: v.name.clone(),
                    // One grant per profile: the grant lock is named by the profile (`grant-NAME`).
                    grant: v.name.clone(),
                    issued_at: t.issued_at,
                    expires_at: t.expires_at?,
                    first_seen: now,
                })
            })
            .collect()
    }

    /// The plan for these profiles at `now`, with failed grants held back until their retry time.
    pub fn plan(&self, views: &[ProfileView], now: i64) -> Vec<Planned> {
        let mut tokens = Self::expiring(views, now);
        {
            let mut seen = self.seen.lock().expect("the refresher's lock is never poisoned");
            seen.retain(|(grant, exp), _| tokens.iter().any(|t| &t.grant == grant && t.expires_at == *exp));
            for t in &mut tokens {
                t.first_seen = *seen.entry((t.grant.clone(), t.expires_at)).or_insert(now);
            }
        }
        let failed = self.failed.lock().expect("the refresher's lock is never poisoned");
        let mut out = plan(&tokens, self.margin_secs);
        for p in &mut out {
            if let Some(b) = failed.get(&p.grant).filter(|b| b.expires_at == p.expires_at) {
                p.at = p.at.max(b.retry_at);
            }
        }
        out.sort_by(|a, b| (a.at, &a.grant).cmp(&(b.at, &b.grant)));
        out
    }

    /// One pass: refresh every grant due now, reporting each to `report`; the time the next pass should
    /// run (the next planned refresh, or a rescan).
    pub async fn pass(&self, kw: &Keyward, report: &(dyn Fn(RefreshEvent) + Send + Sync)) -> Result<i64> {
        let now = kw.clock.now();
        let views = kw.list()?;
        let planned = self.plan(&views, now);
        for p in planned.iter().take_while(|p| p.at <= now) {
            // Someone else (the CLI, a copy in the window) may have refreshed since the list was read.
            let current = kw.show(&p.name).ok().and_then(|v| v.token).and_then(|t| t.expires_at);
            if current != Some(p.expires_at) {
                continue;
            }
            report(RefreshEvent::CredentialChanged {
                name: p.name.clone(),
                state: LiveState::Refreshing,
                profile: None,
            });
            // `fresh`: the token is inside the app's margin but not yet stale by the core's shorter one;
            // under the grant lock a token issued by another process meanwhile is taken instead.
            match kw.token(&p.name, true).await {
                Ok(_) => {
                    self.failed.lock().expect("not poisoned").remove(&p.grant);
                    let profile = kw.show(&p.name).ok().map(Box::new);
                    report(RefreshEvent::CredentialChanged { name: p.name.clone(), state: LiveState::Fresh, profile });
                }
                Err(e) => {
                    tracing::warn!(profile = %p.name, "background refresh failed: {}", e.audit_text());
                    let mut failed = self.failed.lock().expect("not poisoned");
                    let wait = failed
                        .get(&p.grant)
                        .filter(|b| b.expires_at == p.expires_at)
                        .map_or(FIRST_BACKOFF_SECS, |b| (b.wait * 2).min(MAX_BACKOFF_SECS));
                    let now = kw.clock.now();
                    failed.insert(p.grant.clone(), Backoff { expires_at: p.expires_at, retry_at: now + wait, wait });
                    drop(failed);
                    report(RefreshEvent::RefreshFailed { name: p.name.clone(), error: e.into() });
                }
            }
        }
        let now = kw.clock.now();
        let views = kw.list()?;
        let next = self.plan(&views, now).first().map(|p| p.at).unwrap_or(now + RESCAN_SECS);
        Ok(next.clamp(now, now + RESCAN_SECS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(name: &str, grant: &str, issued_at: i64, expires_at: i64) -> Expiring {
        Expiring { name: name.into(), grant: grant.into(), issued_at, expires_at, first_seen: NOW }
    }

    const NOW: i64 = 1_000_000;

    #[test]
    fn a_thousand_tokens_expiring_in_one_minute_are_spread_over_the_margin() {
        let now = NOW;
        // One-hour tokens (seed 000), all expiring within the same minute, an hour from now.
        let tokens: Vec<Expiring> = (0..1000)
            .map(|i| {
                let exp = now + 3600 + (i % 60);
                token(&format!("profile-{i}"), &format!("profile-{i}"), exp - 3600, exp)
            })
            .collect();
        let planned = plan(&tokens, DEFAULT_MARGIN_SECS);
        assert_eq!(planned.len(), 1000, "one refresh per grant");
        for (p, t) in planned.iter().map(|p| (p, tokens.iter().find(|t| t.name == p.name).unwrap())) {
            assert!(p.at >= t.expires_at - DEFAULT_MARGIN_SECS, "never earlier than the margin: {p:?}");
            assert!(p.at < t.expires_at - 30, "always with time to spare before expiry: {p:?}");
        }
        let first = planned.first().unwrap().at;
        let last = planned.last().unwrap().at;
        // The refreshes span (nearly) the whole margin rather than the minute the tokens expire in.
        assert!(last - first >= (DEFAULT_MARGIN_SECS as f64 * 0.75) as i64, "span {}", last - first);
        // No burst: no second sees more than a handful of the 1,000 refreshes (an even spread over
        // ~300 s is ~3.3 a second).
        let mut per_second: HashMap<i64, usize> = HashMap::new();
        for p in &planned {
            *per_second.entry(p.at).or_default() += 1;
        }
        let worst = per_second.values().max().copied().unwrap();
        assert!(worst <= 15, "at most 15 refreshes in any second, saw {worst}");
        assert!(planned.windows(2).all(|w| w[0].at <= w[1].at), "earliest first");
    }

    #[test]
    fn the_plan_is_deterministic_and_one_refresh_per_grant() {
        let now = NOW;
        let tokens = vec![
            token("a", "shared", now, now + 3600),
            token("b", "shared", now, now + 3000),
            token("c", "own", now, now + 3600),
        ];
        let planned = plan(&tokens, DEFAULT_MARGIN_SECS);
        assert_eq!(planned.len(), 2, "two grants, two refreshes: {planned:?}");
        let shared: Vec<_> = planned.iter().filter(|p| p.grant == "shared").collect();
        assert_eq!(shared.len(), 1, "no two refreshes for one grant");
        assert_eq!(shared[0].name, "b", "the grant's earliest expiry decides");
        assert_eq!(plan(&tokens, DEFAULT_MARGIN_SECS), planned, "the same input plans the same times");
    }

    #[test]
    fn a_short_token_uses_half_its_life_and_a_late_start_catches_up_soon() {
        let now = NOW;
        // A 2-minute token: the margin is capped at half its lifetime (60 s).
        let short = plan(&[token("s", "s", now, now + 120)], DEFAULT_MARGIN_SECS);
        assert!(short[0].at >= now + 60 && short[0].at < now + 120, "{short:?}");
        // A token already inside its margin (the app started late): refreshed soon, not in the past.
        let late = plan(&[token("l", "l", now - 3500, now + 100)], DEFAULT_MARGIN_SECS);
        assert!(late[0].at >= now && late[0].at <= now + 75, "{late:?}");
        // Expired already: the same, refreshed from now on.
        let gone = plan(&[token("g", "g", now - 4000, now - 400)], DEFAULT_MARGIN_SECS);
        assert!(gone[0].at >= now && gone[0].at <= now + 75, "{gone:?}");
    }

    #[test]
    fn a_late_token_stays_due_once_its_catch_up_time_has_passed() {
        // Seen late at NOW, planned a little after; a pass after that time finds it due, not put off.
        let refresher = Refresher::new(DEFAULT_MARGIN_SECS);
        let t = token("l", "l", NOW - 3500, NOW + 100);
        let first = plan(std::slice::from_ref(&t), DEFAULT_MARGIN_SECS)[0].at;
        let later = Expiring { first_seen: NOW, ..t };
        assert_eq!(plan(&[later], DEFAULT_MARGIN_SECS)[0].at, first, "the plan does not move with the clock");
        assert!(refresher.seen.lock().unwrap().is_empty());
    }

    #[test]
    fn jitter_stays_in_its_range_and_differs_between_grants() {
        let values: Vec<f64> = (0..200).map(|i| jitter(&format!("g{i}"))).collect();
        assert!(values.iter().all(|v| (0.0..1.0).contains(v)));
        let low = values.iter().filter(|v| **v < 0.5).count();
        assert!((60..=140).contains(&low), "roughly half below 0.5: {low}");
    }
}
