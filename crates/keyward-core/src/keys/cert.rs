//! Self-signed X.509 certificates for a key pair, for the places that take a certificate instead of a JWK:
//! an IdP's client certificate credential, a SAML SP's signing certificate, an mTLS client. rcgen builds and
//! signs it (its ring backend, which signs with the key as stored: RSA PKCS#1 v1.5, ECDSA, Ed25519).

use rcgen::{
    CertificateParams, DistinguishedName, DnType, DnValue, ExtendedKeyUsagePurpose, KeyPair, KeyUsagePurpose,
    SerialNumber, SignatureAlgorithm,
};

use super::material::{KeyAlg, KeyError, KeyType, PrivateKey};
use crate::config::ConfigError;

/// The longest validity a certificate gets, in days (100 years).
pub const MAX_DAYS: u32 = 36_500;

/// One attribute of a subject DN, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rdn {
    /// `CN`, `O`, `OU`, `C`, `ST` or `L`.
    pub attr: &'static str,
    pub value: String,
}

/// The attributes a subject takes: short name, rcgen's type, and RFC 5280's upper bound on the length.
const ATTRS: &[(&str, &[&str], u32)] = &[
    ("CN", &["CN", "COMMONNAME"], 64),
    ("O", &["O", "ORGANIZATIONNAME"], 64),
    ("OU", &["OU", "ORGANIZATIONALUNITNAME"], 64),
    ("C", &["C", "COUNTRYNAME"], 2),
    ("ST", &["ST", "S", "STATEORPROVINCENAME"], 128),
    ("L", &["L", "LOCALITYNAME"], 128),
];

fn bad_subject(problem: &str) -> ConfigError {
    ConfigError::bad_field("subject", problem)
}

/// A subject DN as people write it: `CN=keyward-client,O=Example` (RFC 4514 order and `\,` escapes) or
/// OpenSSL's `/CN=keyward-client/O=Example`. Each attribute once; a CN is required.
pub fn parse_subject(dn: &str) -> Result<Vec<Rdn>, ConfigError> {
    let dn = dn.trim();
    if dn.len() > 1024 {
        return Err(bad_subject("longer than 1 KiB"));
    }
    let (sep, body) = match dn.strip_prefix('/') {
        Some(rest) => ('/', rest),
        None => (',', dn),
    };
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => current.extend(chars.next()),
            c if c == sep => parts.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    parts.push(current);
    let mut out: Vec<Rdn> = Vec::new();
    for part in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let Some((attr, value)) = part.split_once('=') else {
            return Err(bad_subject(&format!("{part:?} is not ATTRIBUTE=VALUE; e.g. CN=keyward-client,O=Example")));
        };
        let upper = attr.trim().to_ascii_uppercase();
        let Some(&(short, _, max)) = ATTRS.iter().find(|(_, names, _)| names.contains(&upper.as_str())) else {
            return Err(bad_subject(&format!(
                "{:?} is not an attribute Keyward sets; use CN, O, OU, C, ST or L",
                attr.trim()
            )));
        };
        let value = value.trim();
        if value.is_empty() {
            return Err(bad_subject(&format!("{short} has no value")));
        }
        if short == "C" && !(value.len() == 2 && value.chars().all(|c| c.is_ascii_uppercase())) {
            return Err(bad_subject("C is a two-letter country code in capitals, e.g. C=DE"));
        }
        if value.chars().count() > max as usize {
            return Err(bad_subject(&format!("{short} is longer than {max} characters")));
        }
        if value.chars().any(char::is_control) {
            return Err(bad_subject(&format!("{short} holds a control character")));
        }
        if out.iter().any(|r| r.attr == short) {
            return Err(bad_subject(&format!("{short} is given twice; each attribute once")));
        }
        out.push(Rdn { attr: short, value: value.to_string() });
    }
    if !out.iter().any(|r| r.attr == "CN") {
        return Err(bad_subject("give a CN (common name), e.g. CN=keyward-client,O=Example"));
    }
    Ok(out)
}

/// The subject as RFC 4514 text, in the order given.
pub fn subject_text(rdns: &[Rdn]) -> String {
    rdns.iter()
        .map(|r| format!("{}={}", r.attr, r.value.replace('\\', "\\\\").replace(',', "\\,")))
        .collect::<Vec<_>>()
        .join(",")
}

fn dn_of(rdns: &[Rdn]) -> Result<DistinguishedName, ConfigError> {
    let mut dn = DistinguishedName::new();
    for r in rdns {
        let kind = match r.attr {
            "CN" => DnType::CommonName,
            "O" => DnType::OrganizationName,
            "OU" => DnType::OrganizationalUnitName,
            "C" => DnType::CountryName,
            "ST" => DnType::StateOrProvinceName,
            _ => DnType::LocalityName,
        };
        // RFC 5280: countryName is a PrintableString; the rest UTF8String.
        let value = if r.attr == "C" {
            DnValue::PrintableString(r.value.as_str().try_into().map_err(|_| bad_subject("C: letters only"))?)
        } else {
            DnValue::Utf8String(r.value.clone())
        };
        dn.push(kind, value);
    }
    Ok(dn)
}

/// The signature a certificate for a key of `alg` carries: the JWS algorithm's hash for RSA (PKCS#1 v1.5,
/// which every verifier takes, also for PS* keys), ECDSA on the key's curve, or Ed25519.
fn signature_alg(alg: KeyAlg) -> &'static SignatureAlgorithm {
    match alg {
        KeyAlg::RS256 | KeyAlg::PS256 => &rcgen::PKCS_RSA_SHA256,
        KeyAlg::RS384 | KeyAlg::PS384 => &rcgen::PKCS_RSA_SHA384,
        KeyAlg::RS512 | KeyAlg::PS512 => &rcgen::PKCS_RSA_SHA512,
        KeyAlg::ES256 => &rcgen::PKCS_ECDSA_P256_SHA256,
        KeyAlg::ES384 => &rcgen::PKCS_ECDSA_P384_SHA384,
        KeyAlg::EdDSA => &rcgen::PKCS_ED25519,
    }
}

/// A self-signed certificate issued now.
pub struct Issued {
    pub pem: String,
    /// Serial number, hex.
    pub serial: String,
    pub not_before: i64,
    pub not_after: i64,
}

/// A self-signed certificate (PEM) for `key` signing with `alg`: subject = issuer = `subject`, valid from
/// `now` for `days` days, a random 128-bit serial, key usage digitalSignature and extended key usage
/// clientAuth (what an mTLS client and an IdP's certificate credential need).
pub fn self_signed(key: &PrivateKey, alg: KeyAlg, subject: &[Rdn], days: u32, now: i64) -> crate::Result<Issued> {
    use rand::TryRngCore;
    if days == 0 || days > MAX_DAYS {
        return Err(ConfigError::bad_field("days", &format!("from 1 to {MAX_DAYS} days")).into());
    }
    if alg.key_type() != key.key_type {
        return Err(KeyError::Sign("the key's type does not match its algorithm".into()).into());
    }
    let signing =
        KeyPair::from_pkcs8_pem_and_sign_algo(key.pkcs8_pem.expose(), signature_alg(alg)).map_err(|e| {
            match (key.key_type, e) {
                (KeyType::Rsa, e) => KeyError::Sign(format!("the RSA key cannot sign a certificate ({e})")),
                (_, e) => KeyError::Sign(e.to_string()),
            }
        })?;
    let mut serial = [0u8; 16];
    rand::rngs::OsRng.try_fill_bytes(&mut serial).map_err(|e| KeyError::Sign(e.to_string()))?;
    // Positive and a full 16 bytes: the top bit clear, the next one set.
    serial[0] = (serial[0] & 0x7f) | 0x40;
    let not_before = time::OffsetDateTime::from_unix_timestamp(now).map_err(|e| KeyError::Sign(e.to_string()))?;
    let not_after = not_before + time::Duration::days(days.into());
    let mut params = CertificateParams::default();
    params.distinguished_name = dn_of(subject)?;
    params.not_before = not_before;
    params.not_after = not_after;
    params.serial_number = Some(SerialNumber::from_slice(&serial));
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let cert = params.self_signed(&signing).map_err(|e| KeyError::Sign(e.to_string()))?;
    Ok(Issued {
        pem: cert.pem(),
        serial: serial.iter().map(|b| format!("{b:02x}")).collect(),
        not_before: not_before.unix_timestamp(),
        not_after: not_after.unix_timestamp(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_in_both_spellings_and_their_mistakes() {
        let rdns = parse_subject("CN=keyward-client, O=Example\\, Inc.,C=DE").unwrap();
        assert_eq!(subject_text(&rdns), "CN=keyward-client,O=Example\\, Inc.,C=DE");
        assert_eq!(parse_subject("/CN=a/OU=b").unwrap()[1], Rdn { attr: "OU", value: "b".into() });
        let err = |dn: &str| parse_subject(dn).unwrap_err().to_string();
        assert!(err("O=Example").contains("give a CN"));
        assert!(err("CN=a,XX=b").contains("use CN, O, OU, C, ST or L"));
        assert!(err("CN=a,CN=b").contains("given twice"));
        assert!(err("CN=a,C=Germany").contains("two-letter"));
        assert!(err("CN").contains("not ATTRIBUTE=VALUE"));
        assert!(err(&format!("CN={}", "x".repeat(65))).contains("longer than 64"));
    }

    #[test]
    fn every_key_type_signs_its_certificate() {
        for alg in [KeyAlg::ES256, KeyAlg::ES384, KeyAlg::EdDSA, KeyAlg::PS256] {
            let key = super::super::material::generate(alg, 2048).unwrap();
            let subject = parse_subject("CN=t").unwrap();
            let cert = self_signed(&key, alg, &subject, 30, 1_700_000_000).unwrap();
            assert!(cert.pem.starts_with("-----BEGIN CERTIFICATE-----"), "{alg:?}");
            assert_eq!(cert.not_after - cert.not_before, 30 * 86_400);
            assert_eq!(cert.serial.len(), 32);
        }
        let key = super::super::material::generate(KeyAlg::ES256, 0).unwrap();
        assert!(self_signed(&key, KeyAlg::ES256, &parse_subject("CN=t").unwrap(), 0, 0).is_err());
    }
}
