//! Postman's formats: an environment (v2.1 export format, as Postman itself exports one, which newman
//! reads with `-e`) and a collection whose auth is set per profile.

use serde_json::{json, Value};

use super::{uuid_v4, Item};
use crate::handout::Placement;
use crate::profile::{ClientAuth, Strategy};

/// The version string Postman records as `_postman_exported_using`.
fn exported_using() -> String {
    format!("Keyward/{}", env!("CARGO_PKG_VERSION"))
}

fn title(items: &[Item]) -> String {
    format!("Keyward: {}", items.iter().map(|i| i.name()).collect::<Vec<_>>().join(", "))
}

/// RFC 3339 with milliseconds, as Postman writes `_postman_exported_at`.
fn postman_time(unix: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(unix).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    t.format(time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].000Z"))
        .unwrap_or_default()
}

/// A Postman environment: every variable of every profile, credentials and secrets as `type: "secret"`
/// (Postman masks them; newman reads them like any other).
pub(super) fn environment(items: &[Item], now: i64) -> String {
    let values: Vec<Value> = items
        .iter()
        .flat_map(|i| {
            i.vars.iter().map(move |v| {
                json!({
                    "key": i.var_name(v.key),
                    "value": v.value.expose(),
                    "type": if v.secret { "secret" } else { "default" },
                    "enabled": true,
                })
            })
        })
        .collect();
    let env = json!({
        "id": uuid_v4(),
        "name": title(items),
        "values": values,
        "_postman_variable_scope": "environment",
        "_postman_exported_at": postman_time(now),
        "_postman_exported_using": exported_using(),
    });
    serde_json::to_string_pretty(&env).expect("json")
}

fn kv(key: &str, value: impl Into<Value>) -> Value {
    json!({ "key": key, "value": value.into(), "type": "string" })
}

/// A profile's auth as the Postman app understands it. OAuth 2.0 blocks carry `{{accessToken}}`, which
/// Postman and newman send as is; the Postman app can also get a new token from the same block.
fn auth(i: &Item) -> Value {
    let var = |k: &str| format!("{{{{{}}}}}", i.var_name(k));
    let p = &i.handout.settings;
    let token_url = || i.token_url.clone().unwrap_or_default();
    let scope = || i.get("scope").map(|v| var(v.key)).unwrap_or_default();
    match (&i.handout.placement, p.strategy()) {
        (Placement::Cookie, _) => json!({ "type": "noauth" }),
        (Placement::Header(name), Strategy::ApiKey) => json!({ "type": "apikey", "apikey": [
            kv("key", name.as_str()), kv("value", var("apiKey")), kv("in", "header"),
        ]}),
        (Placement::Query(name), Strategy::ApiKey) => json!({ "type": "apikey", "apikey": [
            kv("key", name.as_str()), kv("value", var("apiKey")), kv("in", "query"),
        ]}),
        (_, Strategy::ApiKey) => json!({ "type": "bearer", "bearer": [kv("token", var("apiKey"))] }),
        (_, Strategy::Pkce) => {
            let authorize = p.get("authorizeUrl").unwrap_or_default();
            json!({ "type": "oauth2", "oauth2": [
                kv("grant_type", "authorization_code_with_pkce"),
                kv("authUrl", authorize),
                kv("accessTokenUrl", token_url()),
                kv("clientId", var("clientId")),
                kv("scope", scope()),
                kv("challengeAlgorithm", "S256"),
                kv("client_authentication", "body"),
                kv("useBrowser", true),
                kv("accessToken", var("accessToken")),
                kv("tokenType", var("tokenType")),
                kv("addTokenTo", "header"),
                kv("tokenName", format!("Keyward {}", i.name())),
            ]})
        }
        (_, Strategy::ClientCredentials) => {
            let body = p.client_auth() == ClientAuth::Post;
            json!({ "type": "oauth2", "oauth2": [
                kv("grant_type", "client_credentials"),
                kv("accessTokenUrl", token_url()),
                kv("clientId", var("clientId")),
                kv("clientSecret", var("clientSecret")),
                kv("scope", scope()),
                kv("client_authentication", if body { "body" } else { "header" }),
                kv("accessToken", var("accessToken")),
                kv("tokenType", var("tokenType")),
                kv("addTokenTo", "header"),
                kv("tokenName", format!("Keyward {}", i.name())),
            ]})
        }
        _ => json!({ "type": "bearer", "bearer": [kv("token", var("accessToken"))] }),
    }
}

/// The pre-request script of a client-credentials profile's folder. newman never fetches an OAuth 2.0
/// token from an auth block (only the Postman app does), so this fetches one with the environment's
/// client secret when the exported token is missing or about to expire, and keeps it in the
/// environment for the next requests.
fn token_script(i: &Item) -> Vec<String> {
    let n = |k: &str| serde_json::to_string(&i.var_name(k)).expect("json");
    let in_body = i.handout.settings.client_auth() == ClientAuth::Post;
    let script = format!(
        r#"// Keyward: newman never fetches OAuth 2.0 tokens from an auth block; this does, for client credentials.
const v = (k) => pm.environment.get(k) ?? pm.collectionVariables.get(k);
const names = {{ token: {token}, type: {ttype}, expires: {expires}, url: {url}, id: {id}, secret: {secret}, scope: {scope} }};
const expiresAt = Date.parse(v(names.expires) ?? '');
const fresh = v(names.token) && (Number.isNaN(expiresAt) || expiresAt - Date.now() > 60000);
if (!fresh && v(names.secret) && v(names.url) && v(names.id)) {{
  const form = [{{ key: 'grant_type', value: 'client_credentials' }}];
  if (v(names.scope)) form.push({{ key: 'scope', value: v(names.scope) }});
  const header = [{{ key: 'Accept', value: 'application/json' }}];
  if ({in_body}) {{
    form.push({{ key: 'client_id', value: v(names.id) }}, {{ key: 'client_secret', value: v(names.secret) }});
  }} else {{
    const enc = (s) => encodeURIComponent(s).replace(/%20/g, '+');
    const CryptoJS = require('crypto-js');
    const basic = CryptoJS.enc.Base64.stringify(CryptoJS.enc.Utf8.parse(enc(v(names.id)) + ':' + enc(v(names.secret))));
    header.push({{ key: 'Authorization', value: 'Basic ' + basic }});
  }}
  pm.sendRequest({{ url: v(names.url), method: 'POST', header, body: {{ mode: 'urlencoded', urlencoded: form }} }}, (err, res) => {{
    const body = err ? {{}} : (() => {{ try {{ return res.json(); }} catch (e) {{ return {{}}; }} }})();
    pm.test('Keyward: a token from the token endpoint', () => {{
      pm.expect(err, 'could not reach the token endpoint').to.equal(null);
      pm.expect(res.code, 'the token endpoint refused: ' + (body.error ?? res.status)).to.equal(200);
      pm.expect(body.access_token, 'the token endpoint sent no access_token').to.be.a('string');
    }});
    if (err || res.code !== 200 || typeof body.access_token !== 'string') return;
    pm.environment.set(names.token, body.access_token);
    pm.environment.set(names.type, body.token_type ?? 'Bearer');
    if (body.expires_in) pm.environment.set(names.expires, new Date(Date.now() + body.expires_in * 1000).toISOString());
  }});
}}"#,
        token = n("accessToken"),
        ttype = n("tokenType"),
        expires = n("accessTokenExpiresAt"),
        url = n("tokenUrl"),
        id = n("clientId"),
        secret = n("clientSecret"),
        scope = n("scope"),
        in_body = in_body,
    );
    script.lines().map(String::from).collect()
}

/// A Postman collection: one folder per profile with its auth and a request to its API base URL whose
/// test fails when the API refuses the credential; client-credentials folders fetch their own tokens in
/// newman. Its variables hold the non-secret settings, so that the collection alone opens in Postman.
pub(super) fn collection(items: &[Item], notes: &mut Vec<String>) -> String {
    let folders: Vec<Value> = items
        .iter()
        .map(|i| {
            let base = i.var_name("baseUrl");
            if i.get("baseUrl").is_none() {
                notes.push(format!(
                    "{} has no API base URL: set {base} in the environment before running its request",
                    i.name()
                ));
            }
            let mut folder = json!({
                "name": i.name(),
                "auth": auth(i),
                "item": [{
                    "name": format!("Check the {} credential", i.name()),
                    "request": {
                        "method": "GET",
                        "header": [],
                        "url": format!("{{{{{base}}}}}"),
                    },
                    "event": [{ "listen": "test", "script": { "type": "text/javascript", "exec": [
                        "pm.test('the API accepts the credential', () => {",
                        "  pm.expect(pm.response.code, pm.response.text()).to.be.below(400);",
                        "});",
                    ]}}],
                }],
            });
            if let Placement::Cookie = i.handout.placement {
                folder["item"][0]["request"]["header"] =
                    json!([{ "key": "Cookie", "value": format!("{{{{{}}}}}", i.var_name("sessionCookie")) }]);
            }
            if i.handout.settings.strategy() == Strategy::ClientCredentials {
                folder["event"] = json!([{ "listen": "prerequest", "script": {
                    "type": "text/javascript", "exec": token_script(i),
                }}]);
            }
            folder
        })
        .collect();
    let variables: Vec<Value> = items
        .iter()
        .flat_map(|i| {
            i.vars
                .iter()
                .filter(|v| !v.secret)
                .map(move |v| json!({ "key": i.var_name(v.key), "value": v.value.expose() }))
        })
        .collect();
    let c = json!({
        "info": {
            "_postman_id": uuid_v4(),
            "name": title(items),
            "description": "Exported by Keyward. Pair it with the Postman environment Keyward exports for the same profiles.",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "item": folders,
        "variable": variables,
    });
    serde_json::to_string_pretty(&c).expect("json")
}
