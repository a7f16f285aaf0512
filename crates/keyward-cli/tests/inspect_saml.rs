//! The SAML inspector against assertions it did not make: tests/rig/saml_idp.py signs them with signxml
//! (XML-DSig, RSA-SHA256, exclusive C14N), as an IdP would. A signed assertion verifies however it is
//! pasted; each wrong one (changed, unsigned, out of time, for another audience, by another key, wrapped)
//! is refused for its reason; only a verified, valid assertion exits 0.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};

use base64::Engine;
use common::{repo_root, Kw};

const AUD: &str = "https://sp.keyward.test/metadata";
const IDP: &str = "https://idp.keyward.test/metadata";

/// An IdP key pair and certificate of the rig, in a directory of its own.
struct Idp {
    dir: tempfile::TempDir,
    cert: String,
}

impl Idp {
    fn new(extra: &[&str]) -> Idp {
        let dir = tempfile::tempdir().unwrap();
        let mut args = vec!["cert", "--key", dir.path().to_str().unwrap()];
        args.extend(extra);
        let cert = python(&args, "").trim().to_string();
        Idp { dir, cert }
    }

    fn key(&self) -> &str {
        self.dir.path().to_str().unwrap()
    }

    /// The certificate's base64 body, as metadata carries it.
    fn cert_base64(&self) -> String {
        std::fs::read_to_string(&self.cert).unwrap().lines().filter(|l| !l.starts_with("-----")).collect()
    }

    /// Assertions signed by this IdP, one per argument list, from one saml_idp.py process; XML.
    fn assertions(&self, each: &[&[&str]]) -> Vec<String> {
        let input: String = each
            .iter()
            .map(|args| {
                let mut all = vec!["--audience", AUD, "--key", self.key()];
                all.extend(*args);
                serde_json::to_string(&all).unwrap() + "\n"
            })
            .collect();
        python(&["batch"], &input)
            .lines()
            .map(|l| {
                let xml = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(l.trim()).unwrap();
                String::from_utf8(xml).unwrap()
            })
            .collect()
    }

    fn assertion(&self, args: &[&str]) -> String {
        self.assertions(&[args]).remove(0)
    }
}

fn python(args: &[&str], stdin: &str) -> String {
    let mut child = Command::new(repo_root().join("tests/.venv/bin/python"))
        .arg(repo_root().join("tests/rig/saml_idp.py"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "saml_idp.py {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The XML re-indented, as an editor's or a website's formatter does (lxml, pretty_print).
fn pretty(xml: &str) -> String {
    let mut child = Command::new(repo_root().join("tests/.venv/bin/python"))
        .args([
            "-c",
            "import sys; from lxml import etree; \
             sys.stdout.write(etree.tostring(etree.fromstring(sys.stdin.buffer.read()), pretty_print=True).decode())",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(xml.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// `keyward inspect - --json ARGS` with `input` on standard input: the exit code, the answer, stderr.
fn inspect(kw: &Kw, input: &str, args: &[&str]) -> (i32, serde_json::Value, String) {
    let mut all = vec!["inspect", "-", "--json"];
    all.extend(args);
    let run = kw.run_stdin(&all, input);
    let v = if run.stdout.trim().is_empty() { serde_json::Value::Null } else { run.json() };
    (run.code, v, run.stderr)
}

#[track_caller]
fn check<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["checks"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("no {name} check: {v}"))
}

fn checks<'a>(v: &'a serde_json::Value, name: &str) -> Vec<&'a serde_json::Value> {
    v["checks"].as_array().unwrap().iter().filter(|c| c["name"] == name).collect()
}

#[track_caller]
fn row<'a>(v: &'a serde_json::Value, part: &str, name: &str) -> &'a serde_json::Value {
    v[part].as_array().unwrap().iter().find(|f| f["name"] == name).unwrap_or_else(|| panic!("no {part} {name}: {v}"))
}

/// Serves `body` as XML to every request on a loopback port, for a while; the URL.
fn serve(body: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/idp/metadata.xml", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(8) {
            let Ok(mut s) = stream else { continue };
            let mut reader = BufReader::new(s.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                line.clear();
            }
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: application/samlmetadata+xml\r\nContent-Length: {}\r\nConnection: \
                 close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

fn metadata(signing: &Idp, encryption: &Idp) -> String {
    format!(
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{IDP}"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.keyward.test/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>"#,
        signing.cert_base64(),
        encryption.cert_base64()
    )
}

#[test]
fn a_signed_assertion_verifies_however_it_is_pasted() {
    let idp = Idp::new(&[]);
    let kw = Kw::new();
    let attrs: &[&str] =
        &["--attribute", "mail=alice@example.com", "--attribute", "role=admin", "--attribute", "role=dev"];
    let [bare, in_response, response_signed] = <[String; 3]>::try_from(idp.assertions(&[
        attrs,
        &["--as-response", "signed-assertion", "--recipient", "https://sp.keyward.test/acs"],
        &["--as-response", "signed-response"],
    ]))
    .unwrap();
    let trusted = ["--idp-cert", &idp.cert, "--audience", AUD, "--issuer", IDP];

    // The bare Assertion: as XML, base64, base64url, each verified and read.
    let url_safe = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bare);
    for input in [bare.clone(), b64(&bare), url_safe] {
        let (code, v, err) = inspect(&kw, &input, &trusted);
        assert_eq!((code, v["verdict"].as_str()), (0, Some("valid")), "{v} {err}");
        assert_eq!(v["kind"], "saml");
        let sig = check(&v, "assertion-signature");
        assert_eq!(sig["status"], "pass", "{v}");
        let reason = sig["reason"].as_str().unwrap();
        assert!(
            reason.contains("verified with CN=Keyward rig IdP") && reason.contains("covers the Assertion _"),
            "{reason}"
        );
        for name in ["wrapping", "Issuer", "NotBefore", "NotOnOrAfter", "Audience", "certificate"] {
            assert_eq!(check(&v, name)["status"], "pass", "{name}: {v}");
        }
        assert_eq!(row(&v, "claims", "NameID")["value"], "alice@example.com");
        assert_eq!(
            row(&v, "claims", "NameID Format")["value"],
            "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
        );
        assert_eq!(row(&v, "claims", "Audience")["value"], serde_json::json!([AUD]));
        assert_eq!(row(&v, "claims", "attribute:role")["value"], serde_json::json!(["admin", "dev"]));
        assert_eq!(row(&v, "claims", "attribute:mail")["value"], serde_json::json!(["alice@example.com"]));
        assert!(row(&v, "claims", "AuthnInstant")["note"].as_str().unwrap().contains("just now"), "{v}");
        assert!(row(&v, "claims", "NotOnOrAfter")["note"].as_str().unwrap().contains("in 5 min"), "{v}");
        assert_eq!(row(&v, "header", "Issuer")["value"], IDP);
        assert!(row(&v, "header", "IdP certificate")["note"].as_str().unwrap().contains("valid until"), "{v}");
        assert!(v["expiresAt"].as_i64().is_some());
    }

    // Pasted as the IdP posts it: a SAMLResponse, base64. The Assertion is signed, the Response is not:
    // the Response's own fields are shown as not covered.
    let (code, v, err) = inspect(&kw, &b64(&in_response), &trusted);
    assert_eq!((code, v["verdict"].as_str()), (0, Some("valid")), "{v} {err}");
    assert_eq!(check(&v, "assertion-signature")["status"], "pass");
    let resp = check(&v, "response-signature");
    assert_eq!(resp["status"], "skipped", "{v}");
    assert!(resp["reason"].as_str().unwrap().contains("Response is not signed"), "{resp}");
    assert_eq!(check(&v, "Status")["status"], "pass");
    let dest = row(&v, "header", "Destination");
    assert_eq!(dest["value"], "https://sp.keyward.test/acs");
    assert_eq!(dest["note"], "not covered by a verified signature");
    assert!(v["summary"].as_str().unwrap().contains("only the Assertion is proven"), "{v}");

    // A signed Response, its Assertion unsigned: the Response's signature covers it.
    let (code, v, _) = inspect(&kw, &b64(&response_signed), &trusted);
    assert_eq!((code, v["verdict"].as_str()), (0, Some("valid")), "{v}");
    let resp = check(&v, "response-signature");
    assert_eq!(resp["status"], "pass", "{v}");
    assert!(resp["reason"].as_str().unwrap().contains("covers the Response _"), "{resp}");
    assert_eq!(check(&v, "assertion-signature")["status"], "skipped");
    assert!(row(&v, "header", "Response ID")["note"].is_null(), "covered: {v}");

    // The human form says the same.
    let run = kw.run_stdin(&["inspect", "-", "--idp-cert", &idp.cert, "--audience", AUD], &bare).ok();
    assert!(run.stdout.starts_with("Valid: the Assertion's signature verified"), "{}", run.stdout);
    assert!(run.stdout.contains("attribute:role") && run.stdout.contains("admin, dev"), "{}", run.stdout);

    // Decoding is not verifying: without a certificate, exit 3 and nothing proven.
    let (code, v, _) = inspect(&kw, &bare, &["--audience", AUD]);
    assert_eq!((code, v["verdict"].as_str()), (3, Some("unverified")), "{v}");
    assert_eq!(check(&v, "assertion-signature")["status"], "skipped");
    assert_eq!(check(&v, "Issuer")["status"], "skipped");
    // --saml for input that would be taken as SAML anyway changes nothing.
    let (code, _, _) = inspect(&kw, &bare, &["--saml", "--idp-cert", &idp.cert]);
    assert_eq!(code, 0);
}

#[test]
fn idp_metadata_gives_the_signing_certificate_and_the_issuer() {
    let idp = Idp::new(&[]);
    let other = Idp::new(&[]);
    let kw = Kw::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("idp-metadata.xml");
    std::fs::write(&file, metadata(&idp, &other)).unwrap();
    let file = file.to_str().unwrap();
    let url = serve(metadata(&idp, &other));
    let good = idp.assertion(&[]);
    for source in [file, url.as_str()] {
        let (code, v, err) = inspect(&kw, &good, &["--idp-metadata", source, "--audience", AUD]);
        assert_eq!((code, v["verdict"].as_str()), (0, Some("valid")), "{source}: {v} {err}");
        assert!(check(&v, "Issuer")["reason"].as_str().unwrap().contains(IDP), "the entityID is the issuer: {v}");
        let cert = check(&v, "certificate");
        assert!(cert["reason"].as_str().unwrap().contains("signed it"), "{v}");
    }
    // The metadata's encryption certificate signs nothing: an assertion signed with its key is refused.
    let (code, v, _) = inspect(&kw, &other.assertion(&[]), &["--idp-metadata", file, "--audience", AUD]);
    assert_eq!((code, check(&v, "assertion-signature")["status"].as_str()), (3, Some("fail")), "{v}");
    // An --issuer that is not the metadata's entity ID fails the Issuer check.
    let (code, v, _) = inspect(&kw, &good, &["--idp-metadata", file, "--issuer", "https://other.example"]);
    assert_eq!((code, check(&v, "Issuer")["status"].as_str()), (3, Some("fail")), "{v}");
}

#[test]
fn each_wrong_assertion_is_refused_for_its_reason() {
    let idp = Idp::new(&[]);
    let attacker = Idp::new(&[]);
    let kw = Kw::new();
    let cases: &[(&str, &[&str], &str, &str)] = &[
        ("tampered", &["--tamper"], "assertion-signature", "a value in it was edited"),
        ("unsigned", &["--unsigned"], "assertion-signature", "not signed"),
        ("expired", &["--not-before-offset", "-900", "--lifetime", "300"], "NotOnOrAfter", "expired 10 min ago"),
        ("not yet valid", &["--not-before-offset", "900"], "NotBefore", "not valid before"),
        (
            "wrong audience",
            &["--audience", "https://other.example/sp"],
            "Audience",
            "expected https://sp.keyward.test/metadata, got [https://other.example/sp]",
        ),
        (
            "wrong issuer",
            &["--issuer", "https://evil.example"],
            "Issuer",
            "expected https://idp.keyward.test/metadata, got https://evil.example",
        ),
        ("unsigned response", &["--as-response", "unsigned"], "response-signature", "neither the Response nor"),
        (
            "tampered response",
            &["--as-response", "signed-response", "--tamper"],
            "response-signature",
            "a value in it was edited",
        ),
        (
            "signature moved into ds:Object",
            &["--xsw"],
            "wrapping",
            "saml:Assertion/ds:Signature/ds:Object/saml:Assertion",
        ),
        ("a second, unsigned assertion", &["--wrap", "second-assertion"], "wrapping", "2 Assertions in one document"),
        ("a duplicate ID", &["--wrap", "duplicate-id"], "wrapping", "duplicate ID _"),
        (
            "the signed assertion moved inside a forged one",
            &["--wrap", "moved"],
            "wrapping",
            "samlp:Response/saml:Assertion/saml:Assertion (signed",
        ),
    ];
    let inputs = idp.assertions(&cases.iter().map(|c| c.1).collect::<Vec<_>>());
    let trusted = ["--idp-cert", &idp.cert, "--audience", AUD, "--issuer", IDP];
    for ((name, _, failing, says), input) in cases.iter().zip(&inputs) {
        let (code, v, err) = inspect(&kw, &b64(input), &trusted);
        assert_eq!((code, v["verdict"].as_str()), (3, Some("invalid")), "{name}: {v} {err}");
        let c = check(&v, failing);
        assert_eq!(c["status"], "fail", "{name}: {v}");
        assert!(c["reason"].as_str().unwrap().contains(says), "{name}: {} should say {says:?}", c["reason"]);
        assert!(v["summary"].as_str().unwrap().starts_with("Invalid"), "{name}: {v}");
        if *failing == "wrapping" {
            // The forged NameID is never reported as verified: nothing in a wrapped document passes.
            assert!(
                v["checks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|c| !(c["name"].as_str().unwrap().ends_with("signature") && c["status"] == "pass")),
                "{name}: {v}"
            );
        }
    }

    // Pretty-printed after signing: the whitespace is part of what was signed, and the reason says so.
    let (code, v, _) = inspect(&kw, &pretty(&idp.assertion(&[])), &trusted);
    assert_eq!(code, 3);
    let reason = check(&v, "assertion-signature")["reason"].as_str().unwrap().to_string();
    assert!(
        reason.contains("pretty-printed after signing") && reason.contains("exactly as the IdP sent it"),
        "{reason}"
    );

    // Another key: signed by an attacker whose own certificate rides in KeyInfo; only the trusted one counts.
    let forged = attacker.assertion(&[]);
    assert!(forged.contains("<ds:X509Certificate>"), "the attacker embeds a certificate");
    let (code, v, _) = inspect(&kw, &forged, &trusted);
    assert_eq!(code, 3);
    let reason = check(&v, "assertion-signature")["reason"].as_str().unwrap();
    assert!(reason.contains("does not match the trusted certificate"), "{reason}");

    // A reference to anything but an element by #ID (a relative URI would be a local file) and a transform
    // SAML does not allow (XPath) are refused before the verifier runs them.
    let good = idp.assertion(&[]);
    let outside = good.replacen("URI=\"#", "URI=\"notes.txt#", 1);
    let xpath = good.replacen(
        r#"<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#,
        r#"<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"/>"#,
        1,
    );
    assert!(outside != good && xpath != good);
    for (input, says) in [(outside, "Keyward follows nothing else"), (xpath, "which SAML does not allow")] {
        let (code, v, _) = inspect(&kw, &input, &trusted);
        assert_eq!(code, 3);
        let c = check(&v, "assertion-signature");
        assert!(c["status"] == "fail" && c["reason"].as_str().unwrap().contains(says), "{c}");
    }

    // The clock's leeway: 30 s past NotOnOrAfter is within the default 60 s, not within 10 s.
    let late = idp.assertion(&["--not-before-offset", "-330", "--lifetime", "300"]);
    let (code, v, _) = inspect(&kw, &late, &trusted);
    assert_eq!((code, check(&v, "NotOnOrAfter")["status"].as_str()), (0, Some("warn")), "{v}");
    let mut tight = trusted.to_vec();
    tight.extend(["--leeway", "10"]);
    let (code, v, _) = inspect(&kw, &late, &tight);
    assert_eq!((code, check(&v, "NotOnOrAfter")["status"].as_str()), (3, Some("fail")), "{v}");
}

#[test]
fn a_trust_set_of_two_certificates_verifies_either_for_a_rollover() {
    let old = Idp::new(&[]);
    let new = Idp::new(&[]);
    let kw = Kw::new();
    let both = ["--idp-cert", &old.cert, "--idp-cert", &new.cert, "--audience", AUD];
    for (signer, which) in [(&old, 0), (&new, 1)] {
        let (code, v, err) = inspect(&kw, &b64(&signer.assertion(&["--as-response", "signed-assertion"])), &both);
        assert_eq!((code, v["verdict"].as_str()), (0, Some("valid")), "{v} {err}");
        let certs = checks(&v, "certificate");
        assert_eq!(certs.len(), 2, "{v}");
        assert!(certs[which]["reason"].as_str().unwrap().contains("signed it"), "{v}");
        assert!(certs[1 - which]["reason"].as_str().unwrap().contains("not the signer"), "{v}");
    }
    // Before the rollover is trusted, the new IdP certificate's assertion is refused.
    let (code, v, _) = inspect(&kw, &new.assertion(&[]), &["--idp-cert", &old.cert]);
    assert_eq!((code, check(&v, "assertion-signature")["status"].as_str()), (3, Some("fail")), "{v}");
}

#[test]
fn the_idp_certificates_expiry_warns_in_its_last_30_days_and_fails_after() {
    let kw = Kw::new();
    let ending = Idp::new(&["--days", "10"]);
    let (code, v, _) = inspect(&kw, &ending.assertion(&[]), &["--idp-cert", &ending.cert, "--audience", AUD]);
    assert_eq!(code, 0, "a warning: {v}");
    let c = check(&v, "certificate");
    assert_eq!(c["status"], "warn", "{v}");
    assert!(c["reason"].as_str().unwrap().contains("expires in 10 days"), "{c}");
    let expired = Idp::new(&["--days", "-2"]);
    let (code, v, _) = inspect(&kw, &expired.assertion(&[]), &["--idp-cert", &expired.cert, "--audience", AUD]);
    assert_eq!((code, v["verdict"].as_str()), (3, Some("invalid")), "{v}");
    let c = check(&v, "certificate");
    assert_eq!(c["status"], "fail", "{v}");
    assert!(c["reason"].as_str().unwrap().contains("expired 2 days ago"), "{c}");
    assert_eq!(check(&v, "assertion-signature")["status"], "pass", "the signature itself holds: {v}");
}

#[test]
fn dtds_and_what_is_not_saml_are_refused_unread() {
    let idp = Idp::new(&[]);
    let kw = Kw::new();
    let xxe = r#"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="a">&x;</saml:Assertion>"#;
    for input in [xxe.to_string(), b64(xxe)] {
        kw.run_stdin(&["inspect", "-", "--idp-cert", &idp.cert], &input).fails(2, "declares a DTD");
    }
    let encrypted = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="r"><saml:EncryptedAssertion/></samlp:Response>"#;
    for (input, says) in [
        ("hello", "not a SAML assertion: it is neither XML nor base64"),
        ("<html><body/></html>", "its root element is html"),
        ("<saml:Assertion", "not well-formed XML"),
        ("PGh0bWwvPg==", "its root element is html"),
        ("aGVsbG8gd29ybGQ=", "base64 of something that is not XML"),
        (encrypted, "encrypted assertion"),
    ] {
        kw.run_stdin(&["inspect", "-", "--saml"], input).fails(2, says);
    }
    let big = format!("<a>{}</a>", "x".repeat(1024 * 1024));
    kw.run_stdin(&["inspect", "-", "--saml"], &big).fails(2, "larger than");
    let good = idp.assertion(&[]);
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.pem");
    std::fs::write(&key, std::fs::read_to_string(idp.dir.path().join("idp-key.pem")).unwrap()).unwrap();
    kw.run_stdin(&["inspect", "-", "--idp-cert", key.to_str().unwrap()], &good).fails(2, "holds a private key");
    kw.run_stdin(&["inspect", "-", "--idp-metadata", key.to_str().unwrap()], &good).fails(2, "not well-formed XML");
    kw.run_stdin(&["inspect", "-", "--idp-cert", "/nonexistent/idp.pem"], &good).fails(2, "could not read it");
    kw.run_stdin(&["inspect", "-", "--idp-cert", &idp.cert, "--jwks", "x.json"], &good).fails(2, "cannot be used with");
    // The JWT side is unchanged: garbage that is no SAML is no JWT either.
    kw.run_stdin(&["inspect", "-"], "hello").fails(2, "this is not a JWT");
}
