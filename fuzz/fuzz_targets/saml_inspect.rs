//! The SAML inspector's parse and verify entry (`inspect::saml::inspect`): whatever is pasted, never a
//! panic, never an entity expanded, never a hang. Each input goes in as it is, and once more spliced into
//! a genuine signed SAMLResponse (made by tests/rig/saml_idp.py, trusted with its certificate below), so
//! that mutations reach the verifier and the wrapping checks, not only the XML parser.
#![no_main]

use std::sync::OnceLock;

use keyward_core::inspect::saml::{self, IdpCertificate};
use keyward_core::inspect::InspectOptions;

/// The rig IdP's certificate (public; its key is not kept).
const CERT: &str = r#"-----BEGIN CERTIFICATE-----
MIIC1TCCAb2gAwIBAgIUMYcGpvBSJQRdiqRuonoOog2VKH0wDQYJKoZIhvcNAQEL
BQAwGjEYMBYGA1UEAwwPS2V5d2FyZCByaWcgSWRQMB4XDTI2MTIwMTA0NTI1MloX
DTM2MTEyOTA0NTI1MlowGjEYMBYGA1UEAwwPS2V5d2FyZCByaWcgSWRQMIIBIjAN
BgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA5Q6/4nVgrp6TzXY9nT/wjPKegudx
YbLFliAsdLRPF0+dJeAU8hCW8213XgJC1qTdfBb7muWDS0K/hUaYE9t8vQ03X7e9
YM1a/8bMuNYWkt/gI/GHRy0oqYP88Ffm+VVHjaDFA7rrVCyN4ZunLEQjQtaLXqTW
QxWcahiMNjgP+2Ywh7eOwBBGA8flW9PJEr5fintt4s7SiwWpYVohc1YZCQnqD8Eh
74NQclpV7aQY60rPKvKjwWz7GzQaB0bKH2HIfsF/6mSgJe/NGDVImpfpgZMVCTJ+
0r3g7P0aQ/ZeZjCjmh2UYa2el+k2nwgXgz0pSRmXi26vZ7DU7aqcojw7ZwIDAQAB
oxMwETAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4IBAQCyW3mORBlY
d7qCJ08+pSU4wdpadTmAqjVauSR9YZtnEZIlTWo3v1Tzr3tSaljoyFNLWFDsOiW/
6WalhxFoH1uHd3S1RlGZE7+SfZONreXt0mE7y0Gx0W+8iH7DlYFSiVYweo76hFxp
PlImHvkY9fhTuuK/RNMHRx+7nHOYNzI63wd6/8dDc54MT/3mDe6NTbfF2X+F4zcu
mOG/xnPtQRR+pQKoyZIo2ZKO/7J2uUcH2d2/RKf+TMNdAoBf4Tv1nCxJqED67HP1
XhMCcMSKf/jYdsnI/7pbjx31S4ZRSw+WeqhdhuqwyzsWgKZjBA1kbTK5ak2l0FI9
HpSGTcBtWEZ8
-----END CERTIFICATE-----"#;

/// A SAMLResponse whose Assertion that certificate signed (RSA-SHA256, exclusive C14N).
const SIGNED: &str = r##"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_5ebeb482a8987f3a62984fb1974ac8b5" Version="2.0" IssueInstant="2026-12-02T04:52:52Z" Destination="https://sp.keyward.test/acs"><saml:Issuer>https://idp.keyward.test/metadata</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion ID="_c040ab0fd74633636d217562ece97efa" Version="2.0" IssueInstant="2026-12-02T04:52:52Z"><saml:Issuer>https://idp.keyward.test/metadata</saml:Issuer><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#_c040ab0fd74633636d217562ece97efa"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>IADTDAtew6aecj080bYbQ3PPOFk+6yMJHM0/rDIYM/c=</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>L0MZWTN6Oeer7AOcwy0WKFpmHMiSB8k7hy/1IbHC4UvVa7PGNlFBnRjUSl9Gb5++q7OuAAdlncUzrkJDjneBP/Bdz1vNTkDJ+iBYIsBphLn+PxmKxUy484stUfYKLbd83/y17BSl7B1gyYA1kr2zC9zGJVeUUlqnb5Rr6a6zJnA/F0ipzCrYQEqWNV6jFfPRZ3+gRDDDD14pbaYDvHW4PmnGTwURHEsmtl99HxPCGJMrZ3zs5069qBLMt5OSHnxYrJXiijsXZNEBFEoYH9FY+xiBZL4lZx1Y1IfnEWD2pyacIe55py6DV4c5DexFEUBxx5yG0QfhtSD18E1Z3KCStw==</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>MIIC1TCCAb2gAwIBAgIUMYcGpvBSJQRdiqRuonoOog2VKH0wDQYJKoZIhvcNAQEL
BQAwGjEYMBYGA1UEAwwPS2V5d2FyZCByaWcgSWRQMB4XDTI2MTIwMTA0NTI1MloX
DTM2MTEyOTA0NTI1MlowGjEYMBYGA1UEAwwPS2V5d2FyZCByaWcgSWRQMIIBIjAN
BgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA5Q6/4nVgrp6TzXY9nT/wjPKegudx
YbLFliAsdLRPF0+dJeAU8hCW8213XgJC1qTdfBb7muWDS0K/hUaYE9t8vQ03X7e9
YM1a/8bMuNYWkt/gI/GHRy0oqYP88Ffm+VVHjaDFA7rrVCyN4ZunLEQjQtaLXqTW
QxWcahiMNjgP+2Ywh7eOwBBGA8flW9PJEr5fintt4s7SiwWpYVohc1YZCQnqD8Eh
74NQclpV7aQY60rPKvKjwWz7GzQaB0bKH2HIfsF/6mSgJe/NGDVImpfpgZMVCTJ+
0r3g7P0aQ/ZeZjCjmh2UYa2el+k2nwgXgz0pSRmXi26vZ7DU7aqcojw7ZwIDAQAB
oxMwETAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4IBAQCyW3mORBlY
d7qCJ08+pSU4wdpadTmAqjVauSR9YZtnEZIlTWo3v1Tzr3tSaljoyFNLWFDsOiW/
6WalhxFoH1uHd3S1RlGZE7+SfZONreXt0mE7y0Gx0W+8iH7DlYFSiVYweo76hFxp
PlImHvkY9fhTuuK/RNMHRx+7nHOYNzI63wd6/8dDc54MT/3mDe6NTbfF2X+F4zcu
mOG/xnPtQRR+pQKoyZIo2ZKO/7J2uUcH2d2/RKf+TMNdAoBf4Tv1nCxJqED67HP1
XhMCcMSKf/jYdsnI/7pbjx31S4ZRSw+WeqhdhuqwyzsWgKZjBA1kbTK5ak2l0FI9
HpSGTcBtWEZ8
</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">alice@example.com</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="2026-12-02T04:57:52Z" Recipient="https://sp.keyward.test/acs"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="2026-12-02T04:52:52Z" NotOnOrAfter="2026-12-02T04:57:52Z"><saml:AudienceRestriction><saml:Audience>https://sp.keyward.test/metadata</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="2026-12-02T04:52:52Z" SessionIndex="_7436445881770613"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement><saml:Attribute Name="mail" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic"><saml:AttributeValue>alice@example.com</saml:AttributeValue></saml:Attribute><saml:Attribute Name="role" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic"><saml:AttributeValue>admin</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>"##;

/// A minute after the sample was issued: inside its validity.
const NOW: i64 = 1796187232;

fn trust() -> &'static [IdpCertificate] {
    static TRUST: OnceLock<Vec<IdpCertificate>> = OnceLock::new();
    TRUST.get_or_init(|| saml::certificates_from_pem("the fuzz certificate", CERT).expect("the sample certificate"))
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let opts = InspectOptions {
        audience: Some("https://sp.keyward.test/metadata".into()),
        issuer: Some("https://idp.keyward.test/metadata".into()),
        ..Default::default()
    };
    let _ = saml::inspect(text, trust(), &opts, NOW);
    // The first bytes choose where in the sample the rest goes and how much of the sample it replaces.
    let (Some(a), Some(b)) = (data.first(), data.get(1)) else {
        return;
    };
    let rest = text.get(2..).unwrap_or("");
    let at = (usize::from(*a) << 8 | usize::from(*b)) % SIGNED.len();
    let cut = (at + usize::from(*a % 32)).min(SIGNED.len());
    let spliced = format!("{}{rest}{}", &SIGNED[..at], &SIGNED[cut..]);
    let _ = saml::inspect(&spliced, trust(), &opts, NOW);
});
