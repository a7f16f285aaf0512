//! SAML 2.0 bearer assertions (RFC 7522): take what the IdP issued (an Assertion, or the SAMLResponse it
//! posts, as XML or base64), find the signed Assertion, and exchange it for an access token.
//!
//! Keyward does not verify the IdP's signature here (the token endpoint does, and will say why it
//! refuses); it only makes sure it sends one signed Assertion. XML is parsed by roxmltree, which refuses
//! DTDs, so no entity expansion and no external entities.

use base64::Engine;

use super::request::{Basic, ResponseNames, TokenRequest};
use crate::app::Keyward;
use crate::config::ConfigError;
use crate::error::Result;
use crate::flow::FlowError;
use crate::keychain::SecretField;
use crate::profile::{check_endpoint_url, StrategySettings};
use crate::secret::Secret;
use crate::token::StoredToken;

const SAML_ASSERTION_NS: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const SAML_PROTOCOL_NS: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
const GRANT: &str = "urn:ietf:params:oauth:grant-type:saml2-bearer";
const MAX_INPUT: usize = 1 << 20;
/// The default NameID format asked of the IdP.
pub const EMAIL_NAME_ID: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";

#[derive(Debug, thiserror::Error)]
pub enum SamlError {
    #[error("the assertion is not XML Keyward can read ({0}); give the Assertion or SAMLResponse XML, or its base64")]
    NotXml(String),
    #[error("no SAML 2.0 Assertion in it (the root is {0}); give the Assertion or the SAMLResponse that carries it")]
    NoAssertion(String),
    #[error("the SAMLResponse carries an encrypted assertion; Keyward cannot decrypt it: ask your IdP admin to send it unencrypted to this SP, or decrypt it first")]
    Encrypted,
    #[error("the SAMLResponse is signed but its Assertion is not: RFC 7522 token endpoints need a signed Assertion. Ask your IdP admin to sign the assertion (\"Sign Assertion\", not only \"Sign Response\")")]
    OnlyResponseSigned,
    #[error("the Assertion is not signed; a token endpoint refuses unsigned assertions. Ask your IdP admin to sign the assertion")]
    Unsigned,
    #[error("it holds {0} Assertions; RFC 7522 takes exactly one")]
    Several(usize),
}

/// The one signed Assertion in `input` (XML or base64 of XML), as the exact XML text the IdP signed, with
/// the namespaces it inherited from an enclosing Response declared on it.
pub fn extract_assertion(input: &str) -> Result<String, SamlError> {
    let input = input.trim();
    let xml = if input.starts_with('<') {
        input.to_string()
    } else {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&compact)
            .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(compact.trim_end_matches('=')))
            .map_err(|_| SamlError::NotXml("neither XML nor base64".into()))?;
        String::from_utf8(bytes).map_err(|_| SamlError::NotXml("base64 of something that is not text".into()))?
    };
    if xml.len() > MAX_INPUT {
        return Err(SamlError::NotXml("larger than 1 MiB".into()));
    }
    let doc = roxmltree::Document::parse(&xml).map_err(|e| SamlError::NotXml(e.to_string()))?;
    let root = doc.root_element();
    let is =
        |n: &roxmltree::Node, ns: &str, name: &str| n.tag_name().namespace() == Some(ns) && n.tag_name().name() == name;
    let signed = |n: &roxmltree::Node| n.children().any(|c| is(&c, DSIG_NS, "Signature"));

    let assertion = if is(&root, SAML_ASSERTION_NS, "Assertion") {
        root
    } else if is(&root, SAML_PROTOCOL_NS, "Response") {
        let found: Vec<_> = root.children().filter(|c| is(c, SAML_ASSERTION_NS, "Assertion")).collect();
        match found.len() {
            0 if root.children().any(|c| is(&c, SAML_ASSERTION_NS, "EncryptedAssertion")) => {
                return Err(SamlError::Encrypted)
            }
            0 => return Err(SamlError::NoAssertion("a Response without an Assertion".into())),
            1 => {
                if !signed(&found[0]) && signed(&root) {
                    return Err(SamlError::OnlyResponseSigned);
                }
                found[0]
            }
            n => return Err(SamlError::Several(n)),
        }
    } else {
        return Err(SamlError::NoAssertion(root.tag_name().name().to_string()));
    };
    if !signed(&assertion) {
        return Err(SamlError::Unsigned);
    }

    // The Assertion's own bytes, plus declarations of the namespaces it uses from its ancestors (exclusive
    // canonicalisation renders them the same wherever they are declared, so the signature still holds).
    let text = &xml[assertion.range()];
    let mut inherited = String::new();
    if let Some(parent) = assertion.parent_element() {
        for ns in parent.namespaces() {
            let (decl, used) = match ns.name() {
                Some(prefix) => (format!("xmlns:{prefix}="), text.contains(&format!("{prefix}:"))),
                None => ("xmlns=".to_string(), true),
            };
            let start_tag = &text[..text.find('>').unwrap_or(text.len())];
            if used && !start_tag.contains(&decl) {
                inherited.push_str(&format!(" {decl}\"{}\"", ns.uri()));
            }
        }
    }
    let name_end = text.find(|c: char| c.is_whitespace() || c == '>' || c == '/').unwrap_or(text.len());
    Ok(format!("{}{}{}", &text[..name_end], inherited, &text[name_end..]))
}

/// The SP settings to hand the IdP admin (seed 000's table), from a saml-bearer profile.
pub fn sp_settings(p: &crate::profile::Profile) -> Vec<(&'static str, String)> {
    let p = crate::strategies::saml_bearer::Settings::of(&p.settings).cloned().unwrap_or_default();
    let unset = || "(ask the API provider; set spEntityId / acsUrl)".to_string();
    vec![
        ("SP entity ID", p.sp_entity_id.clone().unwrap_or_else(unset)),
        ("ACS URL", p.acs_url.clone().unwrap_or_else(unset)),
        ("NameID format", p.name_id_format.clone().unwrap_or_else(|| EMAIL_NAME_ID.to_string())),
        ("Signature algorithm", "RSA-SHA256 (sign the Assertion)".to_string()),
    ]
}

impl Keyward {
    /// Exchange an IdP-issued assertion for an access token and store it (RFC 7522 §2.1).
    pub async fn exchange_assertion(&self, name: &str, input: &str) -> Result<StoredToken> {
        let config = self.config.load()?;
        let profile = config.profile(name)?.clone();
        let store_id = config.store_id;
        let Some(saml) = crate::strategies::saml_bearer::Settings::of(&profile.settings) else {
            return Err(FlowError::WrongStrategy {
                profile: name.into(),
                strategy: profile.strategy().id(),
                operation: "SAML assertion exchange",
            }
            .into());
        };
        let assertion = extract_assertion(input).map_err(|e| ConfigError::bad_field("assertion", &e.to_string()))?;
        let url = check_endpoint_url("url", saml.url.as_deref().unwrap_or_default())?;
        let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(assertion.as_bytes());
        let mut req = TokenRequest::form(url).field("grant_type", GRANT).secret("assertion", Secret::new(encoded));
        if let Some(scope) = &saml.scopes {
            req = req.field("scope", scope.clone());
        }
        let client_id = saml.client_id.clone();
        match (self.secret(&store_id, name, SecretField::ClientSecret)?, client_id) {
            (Some(secret), Some(id)) => req.basic = Some(Basic { user: id, password: secret, form_encode: true }),
            (_, Some(id)) => req = req.field("client_id", id),
            _ => {}
        }
        let resp = req.send(&self.http, "the token endpoint").await?;
        let data = resp.token(&ResponseNames::default(), self.clock.now(), "the token endpoint")?;
        self.store_token_data(&store_id, name, data, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIGNED: &str = r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="a1"><saml:Issuer>idp</saml:Issuer><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/></saml:Assertion>"#;

    #[test]
    fn takes_an_assertion_as_xml_or_base64() {
        assert_eq!(extract_assertion(SIGNED).unwrap(), SIGNED);
        let b64 = base64::engine::general_purpose::STANDARD.encode(SIGNED);
        assert_eq!(extract_assertion(&b64).unwrap(), SIGNED);
    }

    #[test]
    fn extracts_the_signed_assertion_from_a_response_with_its_namespaces() {
        let resp = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><saml:Issuer>idp</saml:Issuer><saml:Assertion ID="a1"><saml:Issuer>idp</saml:Issuer><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/></saml:Assertion></samlp:Response>"#;
        let a = extract_assertion(resp).unwrap();
        assert!(a.starts_with(r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="a1">"#), "{a}");
        roxmltree::Document::parse(&a).expect("well-formed on its own");
    }

    #[test]
    fn explains_what_it_cannot_use() {
        let only_response = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/><saml:Assertion ID="a1"/></samlp:Response>"#;
        assert!(matches!(extract_assertion(only_response), Err(SamlError::OnlyResponseSigned)));
        let unsigned = r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="a1"/>"#;
        assert!(matches!(extract_assertion(unsigned), Err(SamlError::Unsigned)));
        assert!(matches!(extract_assertion("<html/>"), Err(SamlError::NoAssertion(_))));
        assert!(matches!(extract_assertion("%%%"), Err(SamlError::NotXml(_))));
    }

    #[test]
    fn refuses_dtds_and_entities() {
        let xxe = r#"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">&x;</saml:Assertion>"#;
        assert!(matches!(extract_assertion(xxe), Err(SamlError::NotXml(_))));
        let bomb = r#"<!DOCTYPE a [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><a>&b;</a>"#;
        assert!(matches!(extract_assertion(bomb), Err(SamlError::NotXml(_))));
    }
}
