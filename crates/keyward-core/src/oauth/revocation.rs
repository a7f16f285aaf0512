//! Calls that hand a token back to the provider as the client: revocation (RFC 7009) and introspection
//! (RFC 7662), authenticated like a token request.

use super::FlowError;
use crate::app::Keyward;
use crate::error::Result;
use crate::http::{location, read_capped, Cap, HttpError, MAX_TOKEN_RESPONSE};
use crate::keychain::SecretField;
use crate::profile::Profile;
use crate::secret::Secret;

impl Keyward {
    /// RFC 7009 revocation of a refresh token. Sent by hand rather than through `oauth2`, which refuses
    /// non-https revocation URLs even on loopback (local development, the test rig); the request is a
    /// plain form POST authenticated like a token request.
    pub(crate) async fn revoke(
        &self,
        store_id: &str,
        name: &str,
        profile: &Profile,
        url: url::Url,
        token: &Secret,
    ) -> Result<()> {
        let call = EndpointCall { url, token, hint: "refresh_token", what: "the revocation endpoint" };
        self.token_endpoint_call(store_id, name, profile, call).await.map(|_| ())
    }

    /// A POST of `token` with its type hint to a revocation (RFC 7009) or introspection (RFC 7662)
    /// endpoint, authenticated as the client: HTTP Basic with the client secret when the profile has
    /// one, else `client_id` in the form (a public client). The answer's body on success.
    pub(crate) async fn token_endpoint_call(
        &self,
        store_id: &str,
        name: &str,
        profile: &Profile,
        call: EndpointCall<'_>,
    ) -> Result<Vec<u8>> {
        let EndpointCall { url, token, hint, what } = call;
        let client_id = profile.settings.client_id().unwrap_or_default().to_string();
        let mut form = vec![("token", token.expose().to_string())];
        if !hint.is_empty() {
            form.push(("token_type_hint", hint.to_string()));
        }
        let mut request = self.http.post(url);
        match self.secret(store_id, name, SecretField::ClientSecret)? {
            Some(secret) => request = request.basic_auth(form_encode(&client_id), Some(form_encode(secret.expose()))),
            None => form.push(("client_id", client_id)),
        }
        let resp = request.form(&form).send().await.map_err(|e| HttpError::from_reqwest(what, e))?;
        if resp.status().is_success() {
            let (bytes, _) = read_capped(resp, Cap::Refuse(MAX_TOKEN_RESPONSE), what).await?;
            return Ok(bytes);
        }
        let status = resp.status().as_u16();
        if resp.status().is_redirection() {
            let location = location(resp.headers());
            return Err(HttpError::Redirected { what: what.into(), status, location }.into());
        }
        let (bytes, _) = read_capped(resp, Cap::Refuse(MAX_TOKEN_RESPONSE), what).await?;
        let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        let mut scrub = self.client_scrubber(store_id, name, profile)?;
        scrub.add(token);
        let field = |k: &str| body.get(k).and_then(|v| v.as_str()).map(|s| scrub.server_text(s));
        Err(FlowError::TokenEndpoint {
            error: field("error").unwrap_or_else(|| format!("HTTP {status}")),
            description: field("error_description"),
        }
        .into())
    }
}

/// A token sent to a revocation or introspection endpoint, with its type hint, and the endpoint's name
/// for messages.
pub(crate) struct EndpointCall<'a> {
    pub url: url::Url,
    pub token: &'a Secret,
    pub hint: &'a str,
    pub what: &'a str,
}

/// RFC 6749 §2.3.1: client credentials in HTTP Basic are form-encoded first.
fn form_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
