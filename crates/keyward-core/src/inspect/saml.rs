//! SAML 2.0 assertions: a bare `saml:Assertion` or the `samlp:Response` an IdP posts, as XML or base64,
//! decoded for display and then checked. Signatures are verified by bergshamra (XML-DSig with its own
//! canonicalisation) against the IdP certificates the user trusts, never a key the document carries.
//!
//! What a signature covers is checked, not assumed: each signature must sit where SAML puts it (a child
//! of the Response or of the Assertion), reference that element by its ID, and the verifier must say it
//! resolved that very element (by its position in the text). A document with a second Assertion, an
//! Assertion inside another, a signature elsewhere or a duplicate ID is refused as signature wrapping.
//! XML is read by roxmltree with DTDs refused; a DOCTYPE is refused before anything parses it.

use std::collections::HashMap;

use base64::Engine;
use bergshamra_dsig::{DsigContext, VerifyResult};
use roxmltree::{Document, Node, NodeType};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{relative, Check, CheckStatus, Field, InspectError, InspectOptions, Inspection, Verdict};
use crate::clock::rfc3339;
use crate::context::Context;
use crate::error::Result;
use crate::http::{read_capped, Cap, HttpError, MAX_TOKEN_RESPONSE};

/// The most a pasted assertion, SAMLResponse or IdP metadata document may hold (and its XML, decoded).
pub const MAX_SAML: usize = 1 << 20;
/// A certificate this close to its end is a warning.
const CERT_WARN_DAYS: i64 = 30;

const ASSERTION_NS: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const PROTOCOL_NS: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const METADATA_NS: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
/// The only transforms a SAML signature may use (SAML core 2.0, 5.4.3 and 5.4.4): anything else (XPath,
/// XSLT, base64) is refused before the verifier runs it.
const SAML_TRANSFORMS: &[&str] = &[
    "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
    "http://www.w3.org/2001/10/xml-exc-c14n#",
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
    "http://www.w3.org/2006/12/xml-c14n11",
    "http://www.w3.org/2006/12/xml-c14n11#WithComments",
];
/// The attributes the verifier takes as IDs (bergshamra's list): a value on two of them is a duplicate.
const ID_ATTRS: &[&str] = &["ID", "Id", "id", "AssertionID"];

fn check(name: &str, status: CheckStatus, reason: impl Into<String>) -> Check {
    Check { name: name.into(), status, reason: reason.into() }
}

fn field(name: &str, value: impl Into<Value>, note: Option<String>) -> Field {
    Field { name: name.into(), value: value.into(), note }
}

fn not_saml(why: impl Into<String>) -> InspectError {
    InspectError::NotSaml(why.into())
}

/// A certificate an IdP signs with, from a PEM file or from IdP metadata.
#[derive(Debug, Clone)]
pub struct IdpCertificate {
    /// Where it came from, for the reasons: a file name, "the metadata at URL".
    pub origin: String,
    /// Its subject, as RFC 4514 writes it (`CN=idp.example.com`).
    pub subject: String,
    /// SHA-256 of the certificate (DER), upper-case hex pairs joined by colons, as IdP admin pages show it.
    pub fingerprint: String,
    /// Unix seconds.
    pub not_before: i64,
    /// Unix seconds.
    pub not_after: i64,
    der: Vec<u8>,
}

impl IdpCertificate {
    fn from_der(origin: &str, der: Vec<u8>) -> std::result::Result<Self, String> {
        use x509_cert::der::Decode;
        let cert = x509_cert::Certificate::from_der(&der).map_err(|e| format!("not an X.509 certificate ({e})"))?;
        let validity = &cert.tbs_certificate.validity;
        let secs = |t: x509_cert::time::Time| i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
        // Checked here, so that the verifier's own reading of it cannot fail later.
        bergshamra_keys::loader::load_x509_cert_der(&der)
            .map_err(|e| format!("its public key is of a kind Keyward cannot verify with ({e})"))?;
        let digest = Sha256::digest(&der);
        Ok(IdpCertificate {
            origin: origin.into(),
            subject: cert.tbs_certificate.subject.to_string(),
            fingerprint: digest.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":"),
            not_before: secs(validity.not_before),
            not_after: secs(validity.not_after),
            der,
        })
    }

    /// "CN=idp.example.com (idp.pem)": how reasons name it.
    pub fn label(&self) -> String {
        let subject = if self.subject.is_empty() { "a certificate without subject" } else { &self.subject };
        format!("{subject} ({})", self.origin)
    }

    fn short_fingerprint(&self) -> &str {
        self.fingerprint.get(..23).unwrap_or(&self.fingerprint)
    }
}

/// Every certificate in a PEM text (one or several `CERTIFICATE` blocks).
pub fn certificates_from_pem(origin: &str, text: &str) -> std::result::Result<Vec<IdpCertificate>, InspectError> {
    let bad = |problem: String| InspectError::BadCertificate { source_name: origin.into(), problem };
    if text.len() > MAX_SAML {
        return Err(bad(format!("larger than {} KiB", MAX_SAML >> 10)));
    }
    if !text.contains("-----BEGIN CERTIFICATE-----") {
        let what = if text.contains("PRIVATE KEY-----") {
            "it holds a private key, not a certificate: give the IdP's certificate (its public half)"
        } else {
            "it holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
        };
        return Err(bad(what.into()));
    }
    let chain = x509_cert::Certificate::load_pem_chain(text.as_bytes())
        .map_err(|e| bad(format!("its PEM certificate cannot be read ({e})")))?;
    chain
        .iter()
        .map(|c| {
            use x509_cert::der::Encode;
            let der = c.to_der().map_err(|e| bad(format!("its certificate cannot be read ({e})")))?;
            IdpCertificate::from_der(origin, der).map_err(bad)
        })
        .collect()
}

/// What an IdP's metadata says about signing: its entity ID and its signing certificates.
#[derive(Debug, Clone)]
pub struct IdpMetadata {
    pub entity_id: Option<String>,
    pub certificates: Vec<IdpCertificate>,
}

/// The signing certificates of the IdP in a metadata document (an `md:EntityDescriptor`, or an
/// `md:EntitiesDescriptor` holding it: the one whose entityID is `entity_id` when several are IdPs).
pub fn metadata(origin: &str, xml: &str, entity_id: Option<&str>) -> std::result::Result<IdpMetadata, InspectError> {
    let bad = |problem: String| InspectError::BadMetadata { source_name: origin.into(), problem };
    if xml.len() > MAX_SAML {
        return Err(bad(format!("larger than {} KiB", MAX_SAML >> 10)));
    }
    if has_doctype(xml) {
        return Err(bad("it declares a DTD (<!DOCTYPE>), which metadata never needs: refused unread".into()));
    }
    let doc = Document::parse(xml.trim_start_matches('\u{feff}'))
        .map_err(|e| bad(format!("it is not well-formed XML ({e})")))?;
    let idps: Vec<Node> = doc
        .descendants()
        .filter(|n| is(n, METADATA_NS, "EntityDescriptor"))
        .filter(|n| n.children().any(|c| is(&c, METADATA_NS, "IDPSSODescriptor")))
        .collect();
    let chosen = match (idps.len(), entity_id) {
        (0, _) => return Err(bad("it describes no IdP (no md:EntityDescriptor with an md:IDPSSODescriptor)".into())),
        (1, _) => idps[0],
        (_, Some(want)) => *idps
            .iter()
            .find(|n| n.attribute("entityID") == Some(want))
            .ok_or_else(|| bad(format!("none of its {} IdPs has the entityID {want}", idps.len())))?,
        (n, None) => {
            return Err(bad(format!("it describes {n} IdPs; name the one meant by its entity ID (the issuer)")))
        }
    };
    let mut certificates = Vec::new();
    for sso in chosen.children().filter(|c| is(c, METADATA_NS, "IDPSSODescriptor")) {
        for kd in sso.children().filter(|c| is(c, METADATA_NS, "KeyDescriptor")) {
            if kd.attribute("use").is_some_and(|u| u != "signing") {
                continue; // an encryption key signs nothing
            }
            for x in kd.descendants().filter(|n| is(n, DSIG_NS, "X509Certificate")) {
                let b64: String = text_of(x).chars().filter(|c| !c.is_whitespace()).collect();
                let der = base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .map_err(|_| bad("an X509Certificate in it is not base64".into()))?;
                certificates.push(IdpCertificate::from_der(origin, der).map_err(&bad)?);
            }
        }
    }
    if certificates.is_empty() {
        return Err(bad("its IdP lists no signing certificate (KeyDescriptor use=\"signing\")".into()));
    }
    Ok(IdpMetadata { entity_id: chosen.attribute("entityID").map(String::from), certificates })
}

/// IdP metadata at a URL, read with a size cap.
pub(super) async fn fetch_metadata(cx: &Context, url: &str) -> Result<String> {
    let checked = crate::profile::check_endpoint_url("idp-metadata", url)?;
    let what = format!("the IdP metadata at {url}");
    let resp = cx.http.get(checked).send().await.map_err(|e| HttpError::from_reqwest(what.clone(), e))?;
    if !resp.status().is_success() {
        return Err(
            InspectError::BadMetadata { source_name: url.into(), problem: format!("HTTP {}", resp.status()) }.into()
        );
    }
    let (bytes, _) = read_capped(resp, Cap::Refuse(MAX_TOKEN_RESPONSE), &what).await?;
    String::from_utf8(bytes.to_vec())
        .map_err(|_| InspectError::BadMetadata { source_name: url.into(), problem: "it is not text".into() }.into())
}

fn is(n: &Node, ns: &str, name: &str) -> bool {
    n.is_element() && n.tag_name().namespace() == Some(ns) && n.tag_name().name() == name
}

/// All the text inside `n`, comments left out (as exclusive C14N without comments, which the signature
/// covers, leaves them out: reading only the first text node is the comment-truncation attack).
fn text_of(n: Node) -> String {
    n.descendants().filter(|d| d.is_text()).filter_map(|d| d.text()).collect()
}

fn child<'a, 'i>(n: Node<'a, 'i>, ns: &str, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| is(c, ns, name))
}

fn has_doctype(xml: &str) -> bool {
    xml.as_bytes().windows(9).any(|w| w.eq_ignore_ascii_case(b"<!DOCTYPE"))
}

/// The text of a SAML input: XML as it is, or base64 (standard or url-safe, with or without padding and
/// line breaks, or form-encoded as posted: `SAMLResponse=...`).
fn decode(input: &str) -> std::result::Result<String, InspectError> {
    if input.len() > MAX_SAML {
        return Err(InspectError::SamlTooLarge);
    }
    let input = input.trim().trim_start_matches('\u{feff}');
    if input.starts_with('<') {
        return Ok(input.to_string());
    }
    let mut value = input.strip_prefix("SAMLResponse=").unwrap_or(input).to_string();
    if value.contains('%') {
        value = url::form_urlencoded::parse(format!("v={value}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
    }
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&compact)
        .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(compact.trim_end_matches('=')))
        .map_err(|_| not_saml("it is neither XML nor base64"))?;
    let text = String::from_utf8(bytes).map_err(|_| not_saml("it is base64 of something that is not text"))?;
    let text = text.trim().trim_start_matches('\u{feff}');
    if !text.starts_with('<') {
        return Err(not_saml("it is base64 of something that is not XML"));
    }
    if text.len() > MAX_SAML {
        return Err(InspectError::SamlTooLarge);
    }
    Ok(text.to_string())
}

/// Whether `input` looks like SAML rather than a JWT: XML, or base64 (no dots) of XML.
pub fn looks_like_saml(input: &str) -> bool {
    let t = input.trim().trim_start_matches('\u{feff}');
    if t.starts_with('<') || t.starts_with("SAMLResponse=") {
        return true;
    }
    !t.contains('.') && t.len() <= MAX_SAML && decode(t).is_ok()
}

/// "saml:Assertion", "samlp:Response/saml:Assertion[2]": where an element is, for the reasons.
fn path(n: Node) -> String {
    let mut parts: Vec<String> = n
        .ancestors()
        .filter(|a| a.is_element())
        .map(|a| {
            let prefix = match a.tag_name().namespace() {
                Some(ASSERTION_NS) => "saml:",
                Some(PROTOCOL_NS) => "samlp:",
                Some(DSIG_NS) => "ds:",
                Some(METADATA_NS) => "md:",
                _ => "",
            };
            let name = a.tag_name().name();
            let same: Vec<Node> = a
                .parent()
                .map(|p| p.children().filter(|s| s.is_element() && s.tag_name() == a.tag_name()).collect())
                .unwrap_or_default();
            match same.iter().position(|s| *s == a) {
                Some(i) if same.len() > 1 => format!("{prefix}{name}[{}]", i + 1),
                _ => format!("{prefix}{name}"),
            }
        })
        .collect();
    parts.reverse();
    parts.join("/")
}

/// A date from an xs:dateTime attribute.
fn instant(s: &str) -> Option<i64> {
    time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

fn time_field(name: &str, value: Option<&str>, now: i64) -> Option<Field> {
    let v = value?;
    let note = match instant(v) {
        Some(t) if rfc3339(t) == v.trim() => relative(t, now),
        Some(t) => format!("{}, {}", rfc3339(t), relative(t, now)),
        None => "not an xs:dateTime".into(),
    };
    Some(field(name, v, Some(note)))
}

/// What the verifier said about one `ds:Signature`.
enum Outcome {
    /// It verified: the references it checked (their URI and where the element they resolved to starts in
    /// the text), and the index of the trusted certificate that verified it.
    Valid {
        references: Vec<(String, Option<usize>)>,
        cert: Option<usize>,
    },
    Invalid(String),
}

/// Every `ds:Signature` of the document through bergshamra, with only the trusted certificates as keys
/// (`DsigContext::new`: no key from the document's KeyInfo, references only to the signature's own
/// ancestors or siblings, every reference digest checked locally). One outcome per signature, in
/// document order, as `signatures` lists them.
fn run_verifier(xml: &str, signatures: &[Node], trust: &[IdpCertificate]) -> std::result::Result<Vec<Outcome>, String> {
    let mut keys = bergshamra_keys::KeysManager::new();
    for (i, c) in trust.iter().enumerate() {
        let key = bergshamra_keys::loader::load_x509_cert_der(&c.der).map_err(|e| e.to_string())?;
        keys.add_key(key.with_name(i.to_string()));
    }
    let ctx = DsigContext::new(keys);
    let doc = uppsala::parse(xml).map_err(|e| format!("the verifier cannot read the XML ({e})"))?;
    let results = bergshamra_dsig::verify::verify_all_document_with_source(&ctx, &doc, Some(xml))
        .map_err(|e| format!("the verifier refused the document ({e})"))?;
    if results.len() != signatures.len() {
        return Err(format!(
            "the verifier found {} signatures where the reader found {}: refused, as the two would not agree on \
             what is signed",
            results.len(),
            signatures.len()
        ));
    }
    Ok(results
        .into_iter()
        .zip(signatures)
        .map(|(r, node)| match r {
            VerifyResult::Valid { signature_node, references, key_info } => {
                if doc.node_range(signature_node).map(|r| r.start) != Some(node.range().start) {
                    return Outcome::Invalid(
                        "the verifier checked another signature than the one at this place".into(),
                    );
                }
                let references = references
                    .iter()
                    .map(|r| (r.uri.clone(), r.resolved_node.and_then(|n| doc.node_range(n)).map(|r| r.start)))
                    .collect();
                Outcome::Valid { references, cert: key_info.key_name.and_then(|n| n.parse().ok()) }
            }
            VerifyResult::Invalid { reason } => Outcome::Invalid(reason),
        })
        .collect())
}

/// Whitespace-only text with a line break between elements: the XML was indented after signing?
fn indented(n: Node) -> bool {
    n.descendants().any(|d| d.is_text() && d.text().is_some_and(|t| t.contains('\n') && t.trim().is_empty()))
}

/// The verifier's reason for refusing a signature, in words a person can act on.
fn explain(reason: &str, signed: Node, trust: &[IdpCertificate]) -> String {
    let lower = reason.to_ascii_lowercase();
    if lower.contains("reference digest failed") || lower.contains("digest mismatch") {
        let mut why = "the signed content was changed after signing (its digest does not match)".to_string();
        if indented(signed) {
            why.push_str(
                ": it is indented, as if pretty-printed after signing, and whitespace is part of what was \
                 signed; give the XML exactly as the IdP sent it",
            );
        } else {
            why.push_str(": a value in it was edited");
        }
        return why;
    }
    if lower.contains("xsw") || lower.contains("strict mode") {
        return "the element it references is not where it was signed (moved: signature wrapping)".into();
    }
    if lower.contains("signature value verification failed") {
        let names: Vec<String> = trust.iter().map(IdpCertificate::label).collect();
        return format!(
            "the signature does not match {} [{}]: signed by another key (a new IdP certificate? add it to the \
             trust set), or its SignedInfo was edited",
            if trust.len() == 1 { "the trusted certificate" } else { "any trusted certificate" },
            names.join("; ")
        );
    }
    if lower.contains("compatible with signaturemethod") || lower.contains("unsupported algorithm") {
        return format!("no trusted certificate can check it: {reason}");
    }
    format!("the verifier refused it: {reason}")
}

/// An XML-DSig algorithm URI as people name it: `rsa-sha256` → RSA-SHA256, exc-c14n → exclusive C14N.
fn algorithm_name(uri: &str) -> String {
    let last = uri.trim_end_matches(['#', '/']).rsplit(['#', '/']).next().unwrap_or(uri);
    match last {
        "xml-exc-c14n" => "exclusive C14N".into(),
        "WithComments" if uri.contains("exc-c14n") => "exclusive C14N with comments".into(),
        "REC-xml-c14n-20010315" => "C14N 1.0".into(),
        "xml-c14n11" => "C14N 1.1".into(),
        "sha1" | "sha224" | "sha256" | "sha384" | "sha512" => format!("SHA-{}", &last[3..]),
        other => other.to_ascii_uppercase(),
    }
}

/// One `ds:Signature` for display: "RSA-SHA256, digest SHA-256, exclusive C14N", and what it references.
fn signature_facts(sig: Node) -> (String, String) {
    let info = child(sig, DSIG_NS, "SignedInfo");
    let algo = |name: &str| {
        info.and_then(|i| i.descendants().find(|n| is(n, DSIG_NS, name)))
            .and_then(|n| n.attribute("Algorithm"))
            .map(algorithm_name)
            .unwrap_or_else(|| "?".into())
    };
    let refs: Vec<String> = info
        .map(|i| {
            i.children()
                .filter(|c| is(c, DSIG_NS, "Reference"))
                .map(|r| format!("{:?}", r.attribute("URI").unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    let algorithms =
        format!("{}, digest {}, {}", algo("SignatureMethod"), algo("DigestMethod"), algo("CanonicalizationMethod"));
    (algorithms, if refs.is_empty() { "nothing".to_string() } else { refs.join(", ") })
}

struct Signed {
    status: CheckStatus,
    reason: String,
    /// The trusted certificate that verified it.
    cert: Option<usize>,
}

/// The check of the signature of `element` (the Response or the Assertion): it verified, it is `element`'s
/// own child, and what it verified is `element` itself, referenced by its ID.
fn judge(role: &str, element: Node, sig: Option<Node>, outcome: Option<&Outcome>, trust: &[IdpCertificate]) -> Signed {
    let id = element.attribute("ID").unwrap_or("");
    let Some(sig) = sig else {
        return Signed { status: CheckStatus::Fail, reason: format!("the {role} is not signed"), cert: None };
    };
    let Some(outcome) = outcome else {
        return Signed {
            status: CheckStatus::Skipped,
            reason: "not checked: no IdP certificate or metadata to check it with; nothing in it is proven".into(),
            cert: None,
        };
    };
    let fail = |reason: String| Signed { status: CheckStatus::Fail, reason, cert: None };
    match outcome {
        Outcome::Invalid(reason) => fail(explain(reason, element, trust)),
        Outcome::Valid { references, cert } => {
            let (facts, _) = signature_facts(sig);
            if references.len() != 1 {
                return fail(format!(
                    "it verified but has {} references; a SAML signature covers exactly its {role}, by ID",
                    references.len()
                ));
            }
            let (uri, start) = &references[0];
            if uri != &format!("#{id}") {
                return fail(format!(
                    "it verified, but it covers {:?}, not this {role} (ID {id}): signature wrapping",
                    uri
                ));
            }
            if *start != Some(element.range().start) {
                return fail(format!(
                    "it verified, but its reference {uri} resolved to another element than this {role}: signature \
                     wrapping"
                ));
            }
            let by = cert.and_then(|i| trust.get(i)).map(IdpCertificate::label).unwrap_or_else(|| "?".into());
            Signed {
                status: CheckStatus::Pass,
                reason: format!("verified with {by}: it covers the {role} {id} ({facts})"),
                cert: *cert,
            }
        }
    }
}

/// Why the verifier must not run on this document's signatures, if it must not: a reference to anything
/// but an element of the document by ID (a relative URI would be read as a local file), or a transform
/// SAML does not allow.
fn unfollowed(doc: &Document) -> Option<String> {
    for r in doc.descendants().filter(|n| is(n, DSIG_NS, "Reference")) {
        match r.attribute("URI") {
            Some(uri) if uri.len() > 1 && uri.starts_with('#') => {}
            uri => {
                return Some(format!(
                    "a signature references {:?}: SAML signs an element of the document by its #ID, and Keyward \
                     follows nothing else",
                    uri.unwrap_or("(no URI)")
                ))
            }
        }
    }
    for t in doc.descendants().filter(|n| is(n, DSIG_NS, "Transform")) {
        let algorithm = t.attribute("Algorithm").unwrap_or("");
        if !SAML_TRANSFORMS.contains(&algorithm) {
            return Some(format!("a signature uses the transform {algorithm:?}, which SAML does not allow: not run"));
        }
    }
    None
}

/// The structure a signature can be trusted in: one Assertion, unique IDs, signatures only where SAML
/// puts them. Each problem is a way of signature wrapping.
fn wrapping(doc: &Document, response: Option<Node>, assertion: Option<Node>) -> (Vec<String>, bool) {
    let mut problems = Vec::new();
    let mut duplicate = false;
    let mut seen: HashMap<&str, Node> = HashMap::new();
    for n in doc.descendants().filter(|n| n.is_element()) {
        let ids = ID_ATTRS.iter().filter_map(|a| n.attribute(*a)).chain(n.attribute((XML_NS, "id")));
        for v in ids {
            if let Some(prev) = seen.insert(v, n) {
                duplicate = true;
                problems.push(format!(
                    "duplicate ID {v} (on {} and {}): which element a signature covers is ambiguous",
                    path(prev),
                    path(n)
                ));
            }
        }
    }
    let assertions: Vec<Node> = doc.descendants().filter(|n| is(n, ASSERTION_NS, "Assertion")).collect();
    if assertions.len() > 1 {
        let each: Vec<String> = assertions
            .iter()
            .map(|a| {
                let signed = if child(*a, DSIG_NS, "Signature").is_some() { "signed" } else { "unsigned" };
                format!("{} ({signed}, ID {})", path(*a), a.attribute("ID").unwrap_or("none"))
            })
            .collect();
        problems.push(format!(
            "{} Assertions in one document [{}]: one is read while the signature may cover another",
            assertions.len(),
            each.join("; ")
        ));
    }
    for sig in doc.descendants().filter(|n| is(n, DSIG_NS, "Signature")) {
        let parent = sig.parent_element();
        if parent != response && parent != assertion {
            problems.push(format!("a signature at {}, where SAML puts none", path(sig)));
        }
    }
    (problems, duplicate)
}

/// NotBefore / NotOnOrAfter against the clock, with the leeway. `names` are the checks' names, `what`
/// starts their reasons ("" for the Conditions, "bearer confirmation: " for SubjectConfirmationData).
fn time_checks(
    names: [&str; 2],
    what: &str,
    not_before: Option<&str>,
    not_on_or_after: Option<&str>,
    (now, leeway): (i64, i64),
    checks: &mut Vec<Check>,
) {
    let words = format!("{leeway} s leeway");
    let mut push = |name: &str, status, reason: String| checks.push(check(name, status, format!("{what}{reason}")));
    if let Some(nb) = not_before {
        match instant(nb) {
            None => push(names[0], CheckStatus::Fail, format!("NotBefore {nb:?} is not a time")),
            Some(t) if t > now + leeway => push(
                names[0],
                CheckStatus::Fail,
                format!("not valid before {} ({}), beyond the {words}", rfc3339(t), relative(t, now)),
            ),
            Some(t) => push(names[0], CheckStatus::Pass, format!("valid since {}", rfc3339(t))),
        }
    }
    if let Some(na) = not_on_or_after {
        match instant(na) {
            None => push(names[1], CheckStatus::Fail, format!("NotOnOrAfter {na:?} is not a time")),
            Some(t) if now >= t + leeway => push(
                names[1],
                CheckStatus::Fail,
                format!("expired {} (at {}), beyond the {words}", relative(t, now), rfc3339(t)),
            ),
            Some(t) if now >= t => push(
                names[1],
                CheckStatus::Warn,
                format!("passed {} (at {}), within the {words}", relative(t, now), rfc3339(t)),
            ),
            Some(t) => push(names[1], CheckStatus::Pass, format!("expires {} (at {})", relative(t, now), rfc3339(t))),
        }
    }
}

fn certificate_checks(trust: &[IdpCertificate], signer: Option<usize>, now: i64, checks: &mut Vec<Check>) {
    for (i, c) in trust.iter().enumerate() {
        let used = signer == Some(i);
        let role = match (used, signer) {
            (true, _) => " signed it;",
            (false, Some(_)) => " is in the trust set, not the signer;",
            (false, None) => ":",
        };
        let days = (c.not_after - now).div_euclid(86_400);
        let end = format!("{} (at {})", relative(c.not_after, now), rfc3339(c.not_after));
        let (status, reason) = if now > c.not_after {
            let fix = if used { "the IdP must sign with a new certificate" } else { "drop it from the trust set" };
            (if used { CheckStatus::Fail } else { CheckStatus::Warn }, format!("expired {end}: {fix}"))
        } else if now < c.not_before {
            (
                if used { CheckStatus::Fail } else { CheckStatus::Warn },
                format!("not valid before {} ({})", rfc3339(c.not_before), relative(c.not_before, now)),
            )
        } else if days < CERT_WARN_DAYS {
            (CheckStatus::Warn, format!("expires {end}: get the IdP's next certificate and trust both"))
        } else {
            (CheckStatus::Pass, format!("valid until {} ({})", rfc3339(c.not_after), relative(c.not_after, now)))
        };
        checks.push(check("certificate", status, format!("{}{role} {reason}", c.label())));
    }
}

/// Inspect a SAML assertion or SAMLResponse (XML or base64) against the trusted IdP certificates `trust`,
/// `opts.issuer` (the IdP's entity ID), `opts.audience` (the SP's entity ID) and `opts.leeway`, at `now`
/// (Unix seconds). An error only for input that is no SAML Keyward can read; everything else is a check.
pub fn inspect(
    input: &str,
    trust: &[IdpCertificate],
    opts: &InspectOptions,
    now: i64,
) -> std::result::Result<Inspection, InspectError> {
    let xml = decode(input)?;
    if has_doctype(&xml) {
        return Err(InspectError::Dtd);
    }
    let doc = Document::parse(&xml).map_err(|e| not_saml(format!("it is not well-formed XML ({e})")))?;
    let root = doc.root_element();
    let (response, assertion) = if is(&root, ASSERTION_NS, "Assertion") {
        (None, Some(root))
    } else if is(&root, PROTOCOL_NS, "Response") {
        let first = child(root, ASSERTION_NS, "Assertion");
        if first.is_none() && child(root, ASSERTION_NS, "EncryptedAssertion").is_some() {
            return Err(InspectError::EncryptedAssertion);
        }
        (Some(root), first)
    } else if is(&root, ASSERTION_NS, "EncryptedAssertion") {
        return Err(InspectError::EncryptedAssertion);
    } else {
        let name = root.tag_name();
        return Err(not_saml(format!(
            "its root element is {}{}, not a SAML 2.0 Assertion or Response",
            name.name(),
            name.namespace().map(|n| format!(" in {n}")).unwrap_or_default()
        )));
    };
    let leeway = opts.leeway.unwrap_or(60) as i64;
    let mut checks = Vec::new();
    let mut header = Vec::new();
    let mut claims = Vec::new();

    // Structure first: what a signature proves depends on it.
    let (problems, duplicate) = wrapping(&doc, response, assertion);
    if problems.is_empty() {
        checks.push(check(
            "wrapping",
            CheckStatus::Pass,
            "one Assertion, every ID unique, signatures only where SAML puts them",
        ));
    } else {
        checks.push(check("wrapping", CheckStatus::Fail, format!("signature wrapping: {}", problems.join("; "))));
    }

    // The signatures, each through the verifier, each judged on what it covers.
    let signatures: Vec<Node> = doc.descendants().filter(|n| is(n, DSIG_NS, "Signature")).collect();
    let response_sig = response.and_then(|r| child(r, DSIG_NS, "Signature"));
    let assertion_sig = assertion.and_then(|a| child(a, DSIG_NS, "Signature"));
    let outcomes: Option<std::result::Result<Vec<Outcome>, String>> = if trust.is_empty() || signatures.is_empty() {
        None
    } else if duplicate {
        Some(Err("not trusted: the document has a duplicate ID, so what it covers is ambiguous".into()))
    } else if let Some(why) = unfollowed(&doc) {
        Some(Err(why))
    } else {
        Some(run_verifier(&xml, &signatures, trust))
    };
    let outcome_of = |sig: Option<Node>| -> Option<std::result::Result<&Outcome, String>> {
        let sig = sig?;
        match &outcomes {
            None => None,
            Some(Err(e)) => Some(Err(e.clone())),
            Some(Ok(list)) => signatures.iter().position(|s| *s == sig).map(|i| Ok(&list[i])),
        }
    };
    let judge_one = |role: &str, element: Node, sig: Option<Node>| -> Signed {
        match outcome_of(sig) {
            Some(Err(e)) => Signed { status: CheckStatus::Fail, reason: e, cert: None },
            Some(Ok(Outcome::Invalid(raw))) if !problems.is_empty() => Signed {
                status: CheckStatus::Fail,
                reason: format!("refused in a signature-wrapped document (see wrapping); the verifier said: {raw}"),
                cert: None,
            },
            Some(Ok(o)) => {
                let judged = judge(role, element, sig, Some(o), trust);
                if judged.status == CheckStatus::Pass && !problems.is_empty() {
                    // Nothing in a wrapped document counts as verified, whatever a signature covers.
                    return Signed {
                        status: CheckStatus::Fail,
                        reason: "it verified, but in a signature-wrapped document (see wrapping) nothing counts as \
                                 verified"
                            .into(),
                        cert: None,
                    };
                }
                judged
            }
            None => judge(role, element, sig, None, trust),
        }
    };
    let response_signed = response.map(|r| judge_one("Response", r, response_sig));
    let assertion_signed = assertion.map(|a| judge_one("Assertion", a, assertion_sig));
    let response_ok = response_signed.as_ref().is_some_and(|s| s.status == CheckStatus::Pass);
    let assertion_ok = assertion_signed.as_ref().is_some_and(|s| s.status == CheckStatus::Pass);
    if let Some(s) = &response_signed {
        let (status, reason) = match (response_sig, assertion_sig) {
            (None, Some(_)) => (
                CheckStatus::Skipped,
                "the Response is not signed: its own fields (Destination, InResponseTo, Status) are not proven; the \
                 Assertion carries its own signature"
                    .to_string(),
            ),
            (None, None) => (
                CheckStatus::Fail,
                "neither the Response nor its Assertion is signed: anyone could have written it".to_string(),
            ),
            _ => (s.status, s.reason.clone()),
        };
        checks.push(check("response-signature", status, reason));
    }
    if let Some(s) = &assertion_signed {
        let (status, reason) = match (assertion_sig, response_sig) {
            (None, Some(_)) if response_ok => (
                CheckStatus::Skipped,
                "the Assertion has no signature of its own; the Response's verified signature covers it (an RFC \
                 7522 token endpoint would want the Assertion signed)"
                    .to_string(),
            ),
            (None, Some(_)) => (
                CheckStatus::Fail,
                "the Assertion has no signature of its own, and the Response's signature did not verify".to_string(),
            ),
            (None, None) if response.is_some() => (CheckStatus::Fail, "the Assertion is not signed".to_string()),
            (None, None) => {
                (CheckStatus::Fail, "the Assertion is not signed: anyone could have written it".to_string())
            }
            _ => (s.status, s.reason.clone()),
        };
        checks.push(check("assertion-signature", status, reason));
    } else {
        checks.push(check("assertion", CheckStatus::Fail, "the Response carries no Assertion"));
    }
    for sig in [response_sig, assertion_sig].into_iter().flatten() {
        let (facts, _) = signature_facts(sig);
        if facts.contains("SHA1") || facts.contains("SHA-1") {
            checks.push(check(
                "algorithm",
                CheckStatus::Warn,
                format!("{facts}: SHA-1 collisions are practical; ask the IdP to sign with RSA-SHA256"),
            ));
        }
    }
    let covered = assertion.is_some() && problems.is_empty() && (assertion_ok || response_ok);
    let signer = [&assertion_signed, &response_signed]
        .into_iter()
        .flatten()
        .find(|s| s.status == CheckStatus::Pass)
        .and_then(|s| s.cert);
    certificate_checks(trust, signer, now, &mut checks);

    // The Response's own facts.
    if let Some(r) = response {
        let unsigned = if response_ok { None } else { Some("not covered by a verified signature".to_string()) };
        let add = |header: &mut Vec<Field>, name: &str, v: Option<&str>| {
            if let Some(v) = v {
                header.push(field(name, v, unsigned.clone()));
            }
        };
        add(&mut header, "Response ID", r.attribute("ID"));
        add(&mut header, "Destination", r.attribute("Destination"));
        add(&mut header, "InResponseTo", r.attribute("InResponseTo"));
        if let Some(mut f) = time_field("Response IssueInstant", r.attribute("IssueInstant"), now) {
            if let (Some(n), Some(u)) = (&mut f.note, &unsigned) {
                n.push_str("; ");
                n.push_str(u);
            }
            header.push(f);
        }
        let issuer = child(r, ASSERTION_NS, "Issuer").map(text_of);
        add(&mut header, "Response Issuer", issuer.as_deref());
        let status = child(r, PROTOCOL_NS, "Status");
        let code = status.and_then(|s| child(s, PROTOCOL_NS, "StatusCode"));
        let value = code.and_then(|c| c.attribute("Value"));
        let second = code.and_then(|c| child(c, PROTOCOL_NS, "StatusCode")).and_then(|c| c.attribute("Value"));
        let message = status.and_then(|s| child(s, PROTOCOL_NS, "StatusMessage")).map(text_of);
        add(&mut header, "Status", value);
        match value {
            Some(SUCCESS) => checks.push(check("Status", CheckStatus::Pass, "Success")),
            other => {
                let mut reason = format!("the IdP answered {}", other.unwrap_or("no status"));
                if let Some(s) = second {
                    reason.push_str(&format!(" ({s})"));
                }
                if let Some(m) = message {
                    reason.push_str(&format!(": {m}"));
                }
                checks.push(check("Status", CheckStatus::Fail, reason));
            }
        }
        if let (Some(ri), Some(a)) = (&issuer, assertion) {
            let ai = child(a, ASSERTION_NS, "Issuer").map(text_of);
            if ai.as_deref().is_some_and(|ai| ai.trim() != ri.trim()) {
                checks.push(check(
                    "Issuer",
                    CheckStatus::Fail,
                    format!("the Response is from {ri} but its Assertion from {}", ai.unwrap_or_default()),
                ));
            }
        }
        if let Some(sig) = response_sig {
            let note = match &response_signed {
                Some(s) if s.status == CheckStatus::Pass => "verified",
                Some(s) if s.status == CheckStatus::Skipped => "not checked",
                _ => "not verified",
            };
            let (algorithms, refs) = signature_facts(sig);
            header.push(field("Response signature", format!("{algorithms}, over {refs}"), Some(note.into())));
        }
    }

    let mut expires_at = None;
    if let Some(a) = assertion {
        header.push(field("Assertion ID", a.attribute("ID").unwrap_or(""), None));
        if let Some(f) = time_field("IssueInstant", a.attribute("IssueInstant"), now) {
            header.push(f);
        }
        let issuer = child(a, ASSERTION_NS, "Issuer").map(text_of).map(|s| s.trim().to_string());
        header.push(field("Issuer", issuer.clone().unwrap_or_default(), None));
        if let Some(sig) = assertion_sig {
            let note = match &assertion_signed {
                Some(s) if s.status == CheckStatus::Pass => "verified",
                Some(s) if s.status == CheckStatus::Skipped => "not checked",
                _ => "not verified",
            };
            let (algorithms, refs) = signature_facts(sig);
            header.push(field("Assertion signature", format!("{algorithms}, over {refs}"), Some(note.into())));
        }
        match (&opts.issuer, &issuer) {
            (None, _) => checks.push(check(
                "Issuer",
                CheckStatus::Skipped,
                "no IdP entity ID to compare with (give the issuer, or the IdP's metadata)",
            )),
            (Some(want), Some(got)) if want.trim_end_matches('/') == got.trim_end_matches('/') => {
                checks.push(check("Issuer", CheckStatus::Pass, format!("issued by {got}")))
            }
            (Some(want), got) => checks.push(check(
                "Issuer",
                CheckStatus::Fail,
                format!("expected {want}, got {}", got.clone().unwrap_or_else(|| "no Issuer".into())),
            )),
        }

        // Subject.
        let subject = child(a, ASSERTION_NS, "Subject");
        if let Some(name_id) = subject.and_then(|s| child(s, ASSERTION_NS, "NameID")) {
            let mut note = Vec::new();
            for q in ["NameQualifier", "SPNameQualifier"] {
                if let Some(v) = name_id.attribute(q) {
                    note.push(format!("{q} {v}"));
                }
            }
            if name_id.descendants().any(|d| d.node_type() == NodeType::Comment) {
                checks.push(check(
                    "NameID",
                    CheckStatus::Warn,
                    "the NameID holds an XML comment, which the signature does not cover: shown with it left out \
                     (a reader that stops at the comment sees another name)",
                ));
            }
            claims.push(field("NameID", text_of(name_id).trim(), (!note.is_empty()).then(|| note.join(", "))));
            claims.push(field(
                "NameID Format",
                name_id.attribute("Format").unwrap_or("urn:oasis:names:tc:SAML:1.0:nameid-format:unspecified"),
                name_id.attribute("Format").is_none().then(|| "not given: unspecified".to_string()),
            ));
        } else if subject.is_some_and(|s| child(s, ASSERTION_NS, "EncryptedID").is_some()) {
            claims.push(field("NameID", "(encrypted)", Some("an EncryptedID only the SP can read".into())));
        }
        let mut confirmation_ends = None;
        for sc in subject.into_iter().flat_map(|s| s.children().filter(|c| is(c, ASSERTION_NS, "SubjectConfirmation")))
        {
            claims.push(field("SubjectConfirmation", sc.attribute("Method").unwrap_or(""), None));
            if let Some(data) = child(sc, ASSERTION_NS, "SubjectConfirmationData") {
                if let Some(r) = data.attribute("Recipient") {
                    claims.push(field("Recipient", r, None));
                }
                claims.extend(time_field("Confirmation NotOnOrAfter", data.attribute("NotOnOrAfter"), now));
                time_checks(
                    ["SubjectConfirmation"; 2],
                    "bearer confirmation: ",
                    data.attribute("NotBefore"),
                    data.attribute("NotOnOrAfter"),
                    (now, leeway),
                    &mut checks,
                );
                confirmation_ends = confirmation_ends.or(data.attribute("NotOnOrAfter").and_then(instant));
            }
        }

        // Conditions.
        let conditions = child(a, ASSERTION_NS, "Conditions");
        let nb = conditions.and_then(|c| c.attribute("NotBefore"));
        let na = conditions.and_then(|c| c.attribute("NotOnOrAfter"));
        claims.extend(time_field("NotBefore", nb, now));
        claims.extend(time_field("NotOnOrAfter", na, now));
        time_checks(["NotBefore", "NotOnOrAfter"], "", nb, na, (now, leeway), &mut checks);
        if na.is_none() {
            checks.push(check(
                "NotOnOrAfter",
                CheckStatus::Warn,
                "no Conditions NotOnOrAfter: the assertion never expires",
            ));
        }
        expires_at = na.and_then(instant).or(confirmation_ends);
        let restrictions: Vec<Vec<String>> = conditions
            .into_iter()
            .flat_map(|c| c.children().filter(|r| is(r, ASSERTION_NS, "AudienceRestriction")))
            .map(|r| {
                r.children()
                    .filter(|x| is(x, ASSERTION_NS, "Audience"))
                    .map(|x| text_of(x).trim().to_string())
                    .collect()
            })
            .collect();
        let all: Vec<String> = restrictions.iter().flatten().cloned().collect();
        if !restrictions.is_empty() {
            claims.push(field("Audience", json!(all), None));
        }
        match &opts.audience {
            None => checks.push(check("Audience", CheckStatus::Skipped, "no expected audience given")),
            Some(want) if restrictions.is_empty() => checks.push(check(
                "Audience",
                CheckStatus::Fail,
                format!("expected {want}; the assertion names no audience, so any relying party would take it"),
            )),
            // Each AudienceRestriction must name the audience (SAML core 2.5.1.4).
            Some(want) if restrictions.iter().all(|r| r.contains(want)) => {
                checks.push(check("Audience", CheckStatus::Pass, format!("for {want}")))
            }
            Some(want) => {
                checks.push(check("Audience", CheckStatus::Fail, format!("expected {want}, got [{}]", all.join(", "))))
            }
        }

        // The authentication, then the attributes.
        for st in a.children().filter(|c| is(c, ASSERTION_NS, "AuthnStatement")) {
            claims.extend(time_field("AuthnInstant", st.attribute("AuthnInstant"), now));
            if let Some(s) = st.attribute("SessionIndex") {
                claims.push(field("SessionIndex", s, None));
            }
            claims.extend(time_field("SessionNotOnOrAfter", st.attribute("SessionNotOnOrAfter"), now));
            if let Some(c) = st.descendants().find(|n| is(n, ASSERTION_NS, "AuthnContextClassRef")) {
                claims.push(field("AuthnContextClassRef", text_of(c).trim(), None));
            }
        }
        for attr in a
            .children()
            .filter(|c| is(c, ASSERTION_NS, "AttributeStatement"))
            .flat_map(|s| s.children().filter(|c| is(c, ASSERTION_NS, "Attribute")))
        {
            let values: Vec<Value> = attr
                .children()
                .filter(|c| is(c, ASSERTION_NS, "AttributeValue"))
                .map(|v| {
                    let nil = v.attribute(("http://www.w3.org/2001/XMLSchema-instance", "nil"));
                    if matches!(nil, Some("true" | "1")) {
                        Value::Null
                    } else {
                        Value::String(text_of(v))
                    }
                })
                .collect();
            let note = attr.attribute("FriendlyName").map(|f| format!("FriendlyName {f}"));
            claims.push(field(&format!("attribute:{}", attr.attribute("Name").unwrap_or("")), values, note));
        }
        if a.descendants().any(|n| is(&n, ASSERTION_NS, "EncryptedAttribute")) {
            claims.push(field("EncryptedAttribute", "(encrypted)", Some("only the SP can read it".into())));
        }
    }
    for c in trust {
        header.push(field(
            "IdP certificate",
            c.subject.clone(),
            Some(format!(
                "valid until {} ({}), SHA-256 {}…, from {}",
                rfc3339(c.not_after),
                relative(c.not_after, now),
                c.short_fingerprint(),
                c.origin
            )),
        ));
    }

    let failed = checks.iter().find(|c| c.status == CheckStatus::Fail);
    let (verdict, summary) = match (failed, covered) {
        (Some(c), _) => (Verdict::Invalid, format!("Invalid: {}: {}", c.name, c.reason)),
        (None, true) => {
            let whose = if assertion_ok { "the Assertion's" } else { "the Response's" };
            let rest = if response.is_some() && !response_ok {
                " (the Response around it is not signed, so only the Assertion is proven)"
            } else {
                ""
            };
            (Verdict::Valid, format!("Valid: {whose} signature verified and every check passed{rest}"))
        }
        (None, false) => {
            (Verdict::Unverified, "Not verified: the signature was not checked, so nothing in it is proven".to_string())
        }
    };
    Ok(Inspection { kind: "saml".into(), verdict, summary, header, claims, checks, expires_at })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BARE: &str = r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="a1" Version="2.0" IssueInstant="2026-01-01T00:00:00Z"><saml:Issuer>https://idp.example</saml:Issuer><saml:Subject><saml:NameID>alice@example.com<!---->.evil.example</saml:NameID></saml:Subject><saml:Conditions NotBefore="2026-01-01T00:00:00Z" NotOnOrAfter="2026-01-01T00:05:00Z"><saml:AudienceRestriction><saml:Audience>sp</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AttributeStatement><saml:Attribute Name="role" FriendlyName="r"><saml:AttributeValue>a</saml:AttributeValue><saml:AttributeValue>b</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion>"#;

    fn at(s: &str) -> i64 {
        instant(s).unwrap()
    }

    fn opts() -> InspectOptions {
        InspectOptions { audience: Some("sp".into()), issuer: Some("https://idp.example".into()), ..Default::default() }
    }

    fn status<'a>(i: &'a Inspection, name: &str) -> &'a Check {
        i.checks.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no {name} check: {:?}", i.checks))
    }

    #[test]
    fn reads_xml_base64_and_a_posted_form_alike() {
        let b64 = base64::engine::general_purpose::STANDARD.encode(BARE);
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(BARE);
        let posted =
            format!("SAMLResponse={}", url::form_urlencoded::byte_serialize(b64.as_bytes()).collect::<String>());
        for input in [BARE.to_string(), b64.clone(), url, posted, format!("{}\n{}", &b64[..40], &b64[40..])] {
            assert!(looks_like_saml(&input), "{input}");
            let i = inspect(&input, &[], &opts(), at("2026-01-01T00:01:00Z")).unwrap();
            assert_eq!(i.kind, "saml");
            assert_eq!(i.verdict, Verdict::Invalid, "unsigned: {:?}", i.checks);
            assert_eq!(status(&i, "assertion-signature").status, CheckStatus::Fail);
        }
        assert!(!looks_like_saml("eyJhbGciOiJSUzI1NiJ9.e30.sig"));
    }

    #[test]
    fn shows_subject_conditions_and_attributes() {
        let i = inspect(BARE, &[], &opts(), at("2026-01-01T00:01:00Z")).unwrap();
        let get = |n: &str| i.claims.iter().find(|f| f.name == n).unwrap_or_else(|| panic!("no {n}"));
        assert_eq!(get("NameID").value, "alice@example.com.evil.example", "the whole text, the comment left out");
        assert_eq!(status(&i, "NameID").status, CheckStatus::Warn);
        assert_eq!(get("attribute:role").value, json!(["a", "b"]));
        assert_eq!(get("Audience").value, json!(["sp"]));
        assert_eq!(status(&i, "Audience").status, CheckStatus::Pass);
        assert_eq!(status(&i, "Issuer").status, CheckStatus::Pass);
        assert_eq!(status(&i, "NotOnOrAfter").status, CheckStatus::Pass);
        assert_eq!(i.expires_at, Some(at("2026-01-01T00:05:00Z")));
        // The clock and the leeway: 30 s after NotOnOrAfter is within 60 s, 2 min is not.
        let late = inspect(BARE, &[], &opts(), at("2026-01-01T00:05:30Z")).unwrap();
        assert_eq!(status(&late, "NotOnOrAfter").status, CheckStatus::Warn);
        let later = inspect(BARE, &[], &opts(), at("2026-01-01T00:07:00Z")).unwrap();
        assert_eq!(status(&later, "NotOnOrAfter").status, CheckStatus::Fail);
        let early = inspect(BARE, &[], &opts(), at("2025-12-31T23:58:00Z")).unwrap();
        assert_eq!(status(&early, "NotBefore").status, CheckStatus::Fail);
        let other = InspectOptions { audience: Some("other".into()), ..opts() };
        let i = inspect(BARE, &[], &other, at("2026-01-01T00:01:00Z")).unwrap();
        assert_eq!(status(&i, "Audience").reason, "expected other, got [sp]");
    }

    #[test]
    fn refuses_dtds_unread_and_what_is_not_saml() {
        let xxe = r#"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">&x;</saml:Assertion>"#;
        assert!(matches!(inspect(xxe, &[], &opts(), 0), Err(InspectError::Dtd)));
        let b64 = base64::engine::general_purpose::STANDARD.encode(xxe);
        assert!(matches!(inspect(&b64, &[], &opts(), 0), Err(InspectError::Dtd)));
        assert!(matches!(inspect("<html/>", &[], &opts(), 0), Err(InspectError::NotSaml(_))));
        assert!(matches!(inspect("<a>", &[], &opts(), 0), Err(InspectError::NotSaml(_))));
        assert!(matches!(inspect("%%%", &[], &opts(), 0), Err(InspectError::NotSaml(_))));
        let big = format!("<a>{}</a>", "x".repeat(MAX_SAML));
        assert!(matches!(inspect(&big, &[], &opts(), 0), Err(InspectError::SamlTooLarge)));
    }

    #[test]
    fn duplicate_ids_and_second_assertions_are_wrapping() {
        let two = format!(
            r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="r1">{}{}</samlp:Response>"#,
            BARE, BARE
        );
        let i = inspect(&two, &[], &opts(), at("2026-01-01T00:01:00Z")).unwrap();
        let w = status(&i, "wrapping");
        assert_eq!(w.status, CheckStatus::Fail);
        assert!(w.reason.contains("duplicate ID a1") && w.reason.contains("2 Assertions"), "{}", w.reason);
    }
}
