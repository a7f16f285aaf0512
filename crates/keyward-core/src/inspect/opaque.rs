//! An opaque token (not a JWT: only its issuer can read it), inspected by asking its issuer: RFC 7662
//! introspection at the provider of a profile, authenticated as that profile's client. The provider's
//! answer is the verdict's ground: "active" from the issuer itself stands where a signature would for a
//! JWT. The answer's fields are shown as the claims; `exp`, `nbf`, `iat` and the scopes are checked as a
//! JWT's are.

use serde_json::{Map, Value};

use super::jwt::{check, scope_check, time_checks};
use super::{CheckStatus, InspectOptions, Inspection, Verdict};
use crate::oauth::grant::Introspection;

/// Whether `text` has the shape of no token Keyward can read itself (no JWT, JWE or SAML).
pub(super) fn is_opaque(text: &str) -> bool {
    let text = text.strip_prefix("Bearer ").unwrap_or(text).trim();
    !text.is_empty()
        && !matches!(text.split('.').count(), 3 | 5)
        && !super::saml::looks_like_saml(text)
        && text.bytes().all(|b| b.is_ascii_graphic())
}

/// The inspection of an opaque token from what the introspection endpoint at `url` said.
pub(super) fn inspection(found: Introspection, url: &url::Url, opts: &InspectOptions, now: i64) -> Inspection {
    let leeway = opts.leeway.unwrap_or(60) as i64;
    let claims: Map<String, Value> = found.fields.iter().map(|f| (f.name.clone(), f.value.clone())).collect();
    let mut checks = Vec::new();
    let endpoint = url.as_str();
    if found.active {
        let client =
            claims.get("client_id").and_then(Value::as_str).map(|c| format!(", issued to {c}")).unwrap_or_default();
        checks.push(check(
            "active",
            CheckStatus::Pass,
            format!("the issuer's introspection endpoint {endpoint} says it is active{client}"),
        ));
        time_checks(&claims, now, leeway, &mut checks);
        if let (Some(want), Some(Value::String(got))) = (&opts.issuer, claims.get("iss")) {
            let same = want.trim_end_matches('/') == got.trim_end_matches('/');
            let status = if same { CheckStatus::Pass } else { CheckStatus::Fail };
            let reason = if same { format!("issued by {got}") } else { format!("expected {want}, got {got}") };
            checks.push(check("iss", status, reason));
        }
        scope_check(&claims, opts, &mut checks);
    } else {
        checks.push(check(
            "active",
            CheckStatus::Fail,
            format!(
                "the issuer's introspection endpoint {endpoint} says it is not active: expired, revoked, or not a \
                 token of this provider (or of this client)"
            ),
        ));
    }
    let failed = checks.iter().find(|c| c.status == CheckStatus::Fail);
    let (verdict, summary) = match failed {
        Some(c) => (Verdict::Invalid, format!("Invalid: {} ({} check)", c.reason, c.name)),
        None => (
            Verdict::Valid,
            "Valid: its issuer says the token is active (introspection), and every check passed".into(),
        ),
    };
    let expires_at = claims.get("exp").and_then(Value::as_i64);
    Inspection { kind: "opaque".into(), verdict, summary, header: Vec::new(), claims: found.fields, checks, expires_at }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::Field;

    fn answer(active: bool, fields: &[(&str, Value)]) -> Introspection {
        let fields = fields.iter().map(|(n, v)| Field { name: n.to_string(), value: v.clone(), note: None }).collect();
        Introspection { active, fields }
    }

    #[test]
    fn shapes() {
        assert!(is_opaque("Ka3bZ9-qQx_0ymT2"));
        assert!(!is_opaque("a.b.c") && !is_opaque("a.b.c.d.e") && !is_opaque("") && !is_opaque("has space"));
        assert!(!is_opaque("<saml:Assertion/>"));
    }

    #[test]
    fn active_inactive_expired_and_scopes() {
        let url = url::Url::parse("https://idp.example.com/token/introspection").unwrap();
        let now = 1_000_000;
        let opts = InspectOptions { require_scopes: vec!["write:users".into()], ..Default::default() };
        let live = answer(true, &[("exp", now.into()), ("scope", "read:users".into()), ("client_id", "app".into())]);
        let i = inspection(live, &url, &InspectOptions::default(), now - 600);
        assert_eq!(i.verdict, Verdict::Valid, "{i:?}");
        assert!(i.checks[0].reason.contains("issued to app") && i.checks[0].reason.contains(url.as_str()));
        assert_eq!(i.expires_at, Some(now));

        let live = answer(true, &[("exp", (now + 600).into()), ("scope", "read:users".into())]);
        let i = inspection(live, &url, &opts, now);
        assert_eq!(i.verdict, Verdict::Valid, "a missing scope is a warning");
        assert!(i
            .checks
            .iter()
            .any(|c| c.name == "scope" && c.status == CheckStatus::Warn && c.reason.contains("write:users")));

        let stale = answer(true, &[("exp", (now - 3600).into())]);
        let i = inspection(stale, &url, &InspectOptions::default(), now);
        assert_eq!(i.verdict, Verdict::Invalid);
        assert!(i.summary.contains("exp check"), "{}", i.summary);

        let i = inspection(answer(false, &[]), &url, &InspectOptions::default(), now);
        assert_eq!(i.verdict, Verdict::Invalid);
        assert!(i.summary.contains("not active"), "{}", i.summary);
    }
}
