//! JWTs (JWS compact form): decoded for display, then checked. Signatures are verified by
//! jsonwebtoken's crypto with a key from a JWKS the user trusts, the algorithm pinned to that key's type.

use std::str::FromStr;

use base64::Engine;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::{Map, Value};

use super::{relative, Check, CheckStatus, Field, InspectError, InspectOptions, Inspection, KeySource, Verdict};
use crate::clock::rfc3339;
use crate::context::Context;
use crate::error::Result;
use crate::http::{read_capped, Cap, HttpError, MAX_TOKEN_RESPONSE};

/// The most a pasted token may hold.
pub const MAX_TOKEN: usize = 64 * 1024;

const TIME_CLAIMS: &[&str] = &["exp", "nbf", "iat", "auth_time"];

pub(super) fn check(name: &str, status: CheckStatus, reason: impl Into<String>) -> Check {
    Check { name: name.into(), status, reason: reason.into() }
}

fn b64_json(part: &str, what: &str) -> Result<Map<String, Value>> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|_| InspectError::NotAToken(format!("its {what} is not base64url")))?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(InspectError::NotAToken(format!("its {what} is not a JSON object")).into()),
    }
}

/// Keys from a JWKS, each parsed on its own: one key of a type Keyward cannot use does not make the
/// others unusable.
struct Jwks {
    /// Where they came from, for the reasons ("the JWKS at URL, fetched at T").
    origin: String,
    keys: Vec<Jwk>,
    /// Keys that could not be parsed (count), said in a note.
    unreadable: usize,
}

/// How many keys of a JWKS document Keyward can read, and how many it cannot (for the fuzz target).
pub fn count_jwks_keys(text: &[u8]) -> Result<(usize, usize)> {
    let j = parse_jwks("input", String::new(), text)?;
    Ok((j.keys.len(), j.unreadable))
}

/// A JWT's header and claims as the inspector shows them, without any check (for the fuzz target and
/// for display).
pub fn decode_for_display(token: &str, now: i64) -> Result<(Vec<Field>, Vec<Field>)> {
    let parts: Vec<&str> = token.trim().split('.').collect();
    if parts.len() != 3 {
        return Err(InspectError::NotAToken(format!("{} parts", parts.len())).into());
    }
    let header = b64_json(parts[0], "header")?;
    let claims = b64_json(parts[1], "payload")?;
    let mut checks = Vec::new();
    time_checks(&claims, now, 60, &mut checks);
    claim_checks(&claims, &InspectOptions::default(), &mut checks);
    Ok((fields(&header, now), fields(&claims, now)))
}

fn parse_jwks(source_name: &str, origin: String, text: &[u8]) -> Result<Jwks> {
    let bad = |problem: &str| InspectError::BadJwks { source_name: source_name.into(), problem: problem.into() };
    let v: Value = serde_json::from_slice(text).map_err(|_| bad("it is not JSON"))?;
    let keys = v.get("keys").and_then(Value::as_array).ok_or_else(|| bad("it has no \"keys\" list"))?;
    let parsed: Vec<Option<Jwk>> = keys.iter().map(|k| serde_json::from_value::<Jwk>(k.clone()).ok()).collect();
    let unreadable = parsed.iter().filter(|k| k.is_none()).count();
    Ok(Jwks { origin, keys: parsed.into_iter().flatten().collect(), unreadable })
}

async fn fetch_jwks(cx: &Context, url: &str) -> Result<Jwks> {
    let checked = crate::profile::check_endpoint_url("jwks", url)?;
    let what = format!("the JWKS at {url}");
    let resp = cx.http.get(checked).send().await.map_err(|e| HttpError::from_reqwest(what.clone(), e))?;
    if !resp.status().is_success() {
        return Err(
            InspectError::BadJwks { source_name: url.into(), problem: format!("HTTP {}", resp.status()) }.into()
        );
    }
    let (bytes, _) = read_capped(resp, Cap::Refuse(MAX_TOKEN_RESPONSE), &what).await?;
    parse_jwks(url, format!("the JWKS at {url}, fetched at {}", rfc3339(cx.clock.now())), &bytes)
}

/// Where a key source's JWKS is, when it is fetched (a document given inline is not).
async fn jwks_url(cx: &Context, source: &KeySource) -> Result<Option<String>> {
    Ok(match source {
        KeySource::JwksUrl(u) => Some(u.clone()),
        KeySource::JwksDocument { .. } => None,
        KeySource::Issuer(issuer) => {
            let meta = crate::oauth::discovery::fetch(&cx.http, issuer).await?;
            Some(meta.jwks_uri.ok_or_else(|| InspectError::NoJwksUri { issuer: issuer.clone() })?)
        }
    })
}

fn kid_of(k: &Jwk) -> Option<&str> {
    k.common.key_id.as_deref()
}

/// Why `key` cannot check a signature made with `alg`, if it cannot: the algorithm is pinned to the key's
/// type, never taken from the token alone.
fn mismatch(key: &Jwk, alg: Algorithm, alg_name: &str) -> Option<String> {
    let fits = match (&key.algorithm, alg) {
        (AlgorithmParameters::RSA(_), Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512)
        | (AlgorithmParameters::RSA(_), Algorithm::PS256 | Algorithm::PS384 | Algorithm::PS512) => true,
        (AlgorithmParameters::EllipticCurve(p), Algorithm::ES256) => p.curve == EllipticCurve::P256,
        (AlgorithmParameters::EllipticCurve(p), Algorithm::ES384) => p.curve == EllipticCurve::P384,
        (AlgorithmParameters::OctetKeyPair(p), Algorithm::EdDSA) => p.curve == EllipticCurve::Ed25519,
        _ => false,
    };
    if !fits {
        return Some(format!("the key is {}, which cannot make {alg_name} signatures", key_type(key)));
    }
    if let Some(declared) = key.common.key_algorithm {
        let declared = format!("{declared:?}");
        if !declared.eq_ignore_ascii_case(alg_name) {
            return Some(format!("the key is for {declared}, the token says {alg_name}"));
        }
    }
    None
}

fn key_type(key: &Jwk) -> String {
    match &key.algorithm {
        AlgorithmParameters::RSA(p) => format!("RSA-{}", rsa_bits(&p.n)),
        AlgorithmParameters::EllipticCurve(p) => format!("EC {:?}", p.curve),
        AlgorithmParameters::OctetKeyPair(p) => format!("OKP {:?}", p.curve),
        AlgorithmParameters::OctetKey(_) => "a symmetric (oct) key".into(),
        _ => "a key of a type Keyward does not know".into(),
    }
}

fn rsa_bits(n: &str) -> usize {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(n.trim_end_matches('=')).unwrap_or_default();
    let lead = bytes.iter().take_while(|b| **b == 0).count();
    let rest = &bytes[lead..];
    match rest.first() {
        Some(first) => (rest.len() - 1) * 8 + (8 - first.leading_zeros() as usize),
        None => 0,
    }
}

/// The signature check, and a warning about the key that made it, if any.
async fn check_signature(
    cx: &Context,
    parts: &[&str],
    header: &Map<String, Value>,
    opts: &InspectOptions,
    checks: &mut Vec<Check>,
) -> Result<bool> {
    let alg_name = header.get("alg").and_then(Value::as_str).unwrap_or("");
    if alg_name.eq_ignore_ascii_case("none") || alg_name.is_empty() {
        checks.push(check(
            "alg",
            CheckStatus::Fail,
            "alg \"none\": the token is unsigned, so anyone could have written it",
        ));
        checks.push(check("signature", CheckStatus::Fail, "there is no signature to verify"));
        return Ok(false);
    }
    let Ok(alg) = Algorithm::from_str(alg_name) else {
        checks.push(check("alg", CheckStatus::Fail, format!("alg {alg_name:?} is not a JWS algorithm Keyward knows")));
        return Ok(false);
    };
    if matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512) {
        checks.push(check(
            "alg",
            CheckStatus::Fail,
            format!(
                "{alg_name} is HMAC, a shared secret: checked against an issuer's public key it is the \
                 algorithm-confusion attack, so it is refused"
            ),
        ));
        checks.push(check("signature", CheckStatus::Fail, "an HMAC signature cannot be verified with a public key"));
        return Ok(false);
    }
    checks.push(check("alg", CheckStatus::Pass, format!("{alg_name}, pinned to the verifying key's type")));
    let Some(source) = &opts.keys else {
        checks.push(check(
            "signature",
            CheckStatus::Skipped,
            "not checked: no key to check it with (give a JWKS URL or file, an issuer, or a profile); nothing \
             below is proven",
        ));
        return Ok(false);
    };
    let url = jwks_url(cx, source).await?;
    let mut jwks = match (source, &url) {
        (KeySource::JwksDocument { name, text }, _) => {
            parse_jwks(name, format!("the JWKS in {name}"), text.as_bytes())?
        }
        (_, Some(u)) => fetch_jwks(cx, u).await?,
        (_, None) => unreachable!("a fetched source has a URL"),
    };
    let kid = header.get("kid").and_then(Value::as_str);
    let mut refetched = false;
    if let (Some(k), Some(u)) = (kid, &url) {
        if !jwks.keys.iter().any(|key| kid_of(key) == Some(k)) {
            // Possibly mid-rotation: a cache (ours or a CDN's) may have the old set.
            jwks = fetch_jwks(cx, u).await?;
            refetched = true;
        }
    }
    if jwks.unreadable > 0 {
        checks.push(check(
            "key",
            CheckStatus::Warn,
            format!(
                "{} key(s) in {} are of a type Keyward cannot read; the others were used",
                jwks.unreadable, jwks.origin
            ),
        ));
    }
    let candidates: Vec<&Jwk> = match kid {
        Some(k) => jwks.keys.iter().filter(|key| kid_of(key) == Some(k)).collect(),
        None => jwks.keys.iter().collect(),
    };
    if candidates.is_empty() {
        let known: Vec<&str> = jwks.keys.iter().map(|k| kid_of(k).unwrap_or("(no kid)")).collect();
        let reason = match kid {
            Some(k) => format!(
                "kid {k} is not in {} [{}]{}",
                jwks.origin,
                known.join(", "),
                if refetched {
                    ": refetched once, still missing (a key from another issuer, or one retired)"
                } else {
                    ""
                }
            ),
            None => format!("{} holds no key", jwks.origin),
        };
        checks.push(check("signature", CheckStatus::Fail, reason));
        return Ok(false);
    }
    let message = format!("{}.{}", parts[0], parts[1]);
    let mut why_not = Vec::new();
    for key in candidates {
        let name = kid_of(key).map(|k| format!("kid {k}")).unwrap_or_else(|| "a key without kid".into());
        if let Some(reason) = mismatch(key, alg, alg_name) {
            why_not.push(format!("{name}: {reason}"));
            continue;
        }
        let verified = DecodingKey::from_jwk(key)
            .and_then(|dk| jsonwebtoken::crypto::verify(parts[2], message.as_bytes(), &dk, alg))
            .unwrap_or(false);
        if verified {
            let again = if refetched { " (the kid was missing at first: refetched once, found)" } else { "" };
            checks.push(check(
                "signature",
                CheckStatus::Pass,
                format!("verified with {name} from {}{again}", jwks.origin),
            ));
            if let AlgorithmParameters::RSA(p) = &key.algorithm {
                let bits = rsa_bits(&p.n);
                if bits < 2048 {
                    checks.push(check(
                        "key",
                        CheckStatus::Warn,
                        format!("{name} is RSA-{bits}: below 2048 bits, too weak"),
                    ));
                }
            }
            return Ok(true);
        }
        why_not.push(format!("{name}: the signature does not match (the token was changed, or signed by another key)"));
    }
    checks.push(check("signature", CheckStatus::Fail, why_not.join("; ")));
    Ok(false)
}

fn time_of(claims: &Map<String, Value>, name: &str) -> Option<std::result::Result<i64, ()>> {
    claims.get(name).map(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)).ok_or(()))
}

pub(super) fn time_checks(claims: &Map<String, Value>, now: i64, leeway: i64, checks: &mut Vec<Check>) {
    let leeway_words = format!("{leeway} s leeway");
    match time_of(claims, "exp") {
        None => checks.push(check("exp", CheckStatus::Warn, "no exp: the token never expires")),
        Some(Err(())) => checks.push(check("exp", CheckStatus::Fail, "exp is not a number of seconds")),
        Some(Ok(exp)) if now > exp + leeway => checks.push(check(
            "exp",
            CheckStatus::Fail,
            format!("expired {} (at {}), beyond the {leeway_words}", relative(exp, now), rfc3339(exp)),
        )),
        Some(Ok(exp)) if now > exp => checks.push(check(
            "exp",
            CheckStatus::Warn,
            format!("passed {} (at {}), within the {leeway_words}", relative(exp, now), rfc3339(exp)),
        )),
        Some(Ok(exp)) => checks.push(check(
            "exp",
            CheckStatus::Pass,
            format!("expires {} (at {})", relative(exp, now), rfc3339(exp)),
        )),
    }
    match time_of(claims, "nbf") {
        None => {}
        Some(Err(())) => checks.push(check("nbf", CheckStatus::Fail, "nbf is not a number of seconds")),
        Some(Ok(nbf)) if nbf > now + leeway => checks.push(check(
            "nbf",
            CheckStatus::Fail,
            format!("not valid before {} ({}), beyond the {leeway_words}", rfc3339(nbf), relative(nbf, now)),
        )),
        Some(Ok(nbf)) => checks.push(check("nbf", CheckStatus::Pass, format!("valid since {}", rfc3339(nbf)))),
    }
    match time_of(claims, "iat") {
        None => {}
        Some(Err(())) => checks.push(check("iat", CheckStatus::Fail, "iat is not a number of seconds")),
        Some(Ok(iat)) if iat > now + leeway => checks.push(check(
            "iat",
            CheckStatus::Fail,
            format!(
                "issued in the future ({}, {}), beyond the {leeway_words}: check the clocks",
                rfc3339(iat),
                relative(iat, now)
            ),
        )),
        Some(Ok(iat)) => checks.push(check(
            "iat",
            CheckStatus::Pass,
            format!("issued {} (at {})", relative(iat, now).replace("just now", "just now,"), rfc3339(iat))
                .replace(", (at", " (at"),
        )),
    }
}

fn claim_checks(claims: &Map<String, Value>, opts: &InspectOptions, checks: &mut Vec<Check>) {
    let iss = claims.get("iss").and_then(Value::as_str);
    match (&opts.issuer, iss) {
        (None, _) => {
            checks.push(check("iss", CheckStatus::Skipped, "no issuer to compare with (give an issuer or a profile)"))
        }
        (Some(want), Some(got)) if want.trim_end_matches('/') == got.trim_end_matches('/') => {
            checks.push(check("iss", CheckStatus::Pass, format!("issued by {got}")))
        }
        (Some(want), got) => checks.push(check(
            "iss",
            CheckStatus::Fail,
            format!("expected {want}, got {}", got.map(String::from).unwrap_or_else(|| "no iss".into())),
        )),
    }
    let aud: Vec<String> = match claims.get("aud") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(|v| v.as_str().map(String::from)).collect(),
        _ => Vec::new(),
    };
    match &opts.audience {
        None => checks.push(check("aud", CheckStatus::Skipped, "no expected audience given")),
        Some(want) if aud.iter().any(|a| a == want) => {
            checks.push(check("aud", CheckStatus::Pass, format!("for {want}")))
        }
        Some(want) => {
            checks.push(check("aud", CheckStatus::Fail, format!("expected {want}, got [{}]", aud.join(", "))))
        }
    }
    scope_check(claims, opts, checks);
}

pub(super) fn scope_check(claims: &Map<String, Value>, opts: &InspectOptions, checks: &mut Vec<Check>) {
    if !opts.require_scopes.is_empty() {
        let granted: Vec<String> = match (claims.get("scope"), claims.get("scp")) {
            (Some(Value::String(s)), _) => s.split_whitespace().map(String::from).collect(),
            (_, Some(Value::Array(a))) => a.iter().filter_map(|v| v.as_str().map(String::from)).collect(),
            (_, Some(Value::String(s))) => s.split_whitespace().map(String::from).collect(),
            _ => Vec::new(),
        };
        let missing: Vec<&String> = opts.require_scopes.iter().filter(|s| !granted.contains(s)).collect();
        if missing.is_empty() {
            checks.push(check("scope", CheckStatus::Pass, format!("carries {}", opts.require_scopes.join(" "))));
        } else {
            let missing: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
            checks.push(check(
                "scope",
                CheckStatus::Warn,
                format!("lacks {} (it carries [{}])", missing.join(" "), granted.join(" ")),
            ));
        }
    }
}

fn fields(m: &Map<String, Value>, now: i64) -> Vec<Field> {
    m.iter()
        .map(|(k, v)| {
            let note = match (TIME_CLAIMS.contains(&k.as_str()), v.as_i64()) {
                (true, Some(t)) => Some(format!("{}, {}", rfc3339(t), relative(t, now))),
                _ => None,
            };
            Field { name: k.clone(), value: v.clone(), note }
        })
        .collect()
}

pub(super) async fn inspect(cx: &Context, token: &str, opts: &InspectOptions) -> Result<Inspection> {
    if token.len() > MAX_TOKEN {
        return Err(InspectError::TooLarge.into());
    }
    let token = token.strip_prefix("Bearer ").unwrap_or(token).trim();
    let parts: Vec<&str> = token.split('.').collect();
    match parts.len() {
        3 => {}
        5 => {
            return Err(InspectError::NotAToken(
                "it has five parts: an encrypted JWT (JWE), which only its recipient can read".into(),
            )
            .into())
        }
        n => {
            return Err(InspectError::NotAToken(format!(
                "a JWT is three base64url parts separated by dots, and this has {n}: an opaque token, which \
                 only its issuer can read (inspect it with a profile of that provider, which asks the provider: \
                 introspection)"
            ))
            .into())
        }
    }
    let header = b64_json(parts[0], "header")?;
    let claims = b64_json(parts[1], "payload")?;
    let now = cx.clock.now();
    let leeway = opts.leeway.unwrap_or(60) as i64;
    let mut checks = Vec::new();
    for k in ["jku", "x5u", "jwk", "x5c"] {
        if header.contains_key(k) {
            checks.push(check(
                "key",
                CheckStatus::Warn,
                format!("the token names its own key ({k}): self-asserted, so it is never used to verify it"),
            ));
        }
    }
    let verified = check_signature(cx, &parts, &header, opts, &mut checks).await?;
    time_checks(&claims, now, leeway, &mut checks);
    claim_checks(&claims, opts, &mut checks);
    let failed = checks.iter().find(|c| c.status == CheckStatus::Fail);
    let (verdict, summary) = match (failed, verified) {
        (Some(c), _) => (Verdict::Invalid, format!("Invalid: {} ({} check)", c.reason, c.name)),
        (None, true) => (Verdict::Valid, "Valid: the signature verified and every check passed".to_string()),
        (None, false) => {
            (Verdict::Unverified, "Not verified: the signature was not checked, so nothing in it is proven".to_string())
        }
    };
    Ok(Inspection {
        kind: "jwt".into(),
        verdict,
        summary,
        header: fields(&header, now),
        claims: fields(&claims, now),
        checks,
        expires_at: time_of(&claims, "exp").and_then(|r| r.ok()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsa_bits_counts_the_modulus() {
        let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
        assert_eq!(rsa_bits(&b64(&[0x80; 256])), 2048);
        assert_eq!(rsa_bits(&b64(&[0x00, 0x01, 0xff])), 9);
        assert_eq!(rsa_bits(&b64(&[0x7f; 128])), 1023);
    }
}
