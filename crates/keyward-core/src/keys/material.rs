//! Key material: generate and import private keys, their public JWK and RFC 7638 thumbprint, and JWS
//! signing. All of it in the RustCrypto crates that jsonwebtoken signs with.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use serde::{Deserialize, Serialize};
use sha2::Digest;
use ts_rs::TS;

use crate::secret::Secret;

/// The JWS algorithms Keyward signs with. The algorithm fixes the key type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum KeyAlg {
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    /// Ed25519 (RFC 8037).
    EdDSA,
}

impl KeyAlg {
    pub const ALL: &'static [KeyAlg] = &[
        KeyAlg::RS256,
        KeyAlg::RS384,
        KeyAlg::RS512,
        KeyAlg::PS256,
        KeyAlg::PS384,
        KeyAlg::PS512,
        KeyAlg::ES256,
        KeyAlg::ES384,
        KeyAlg::EdDSA,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|a| a.as_str().eq_ignore_ascii_case(s))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            KeyAlg::RS256 => "RS256",
            KeyAlg::RS384 => "RS384",
            KeyAlg::RS512 => "RS512",
            KeyAlg::PS256 => "PS256",
            KeyAlg::PS384 => "PS384",
            KeyAlg::PS512 => "PS512",
            KeyAlg::ES256 => "ES256",
            KeyAlg::ES384 => "ES384",
            KeyAlg::EdDSA => "EdDSA",
        }
    }

    pub fn key_type(self) -> KeyType {
        match self {
            KeyAlg::ES256 => KeyType::P256,
            KeyAlg::ES384 => KeyType::P384,
            KeyAlg::EdDSA => KeyType::Ed25519,
            _ => KeyType::Rsa,
        }
    }

    fn jwt(self) -> jsonwebtoken::Algorithm {
        use jsonwebtoken::Algorithm as A;
        match self {
            KeyAlg::RS256 => A::RS256,
            KeyAlg::RS384 => A::RS384,
            KeyAlg::RS512 => A::RS512,
            KeyAlg::PS256 => A::PS256,
            KeyAlg::PS384 => A::PS384,
            KeyAlg::PS512 => A::PS512,
            KeyAlg::ES256 => A::ES256,
            KeyAlg::ES384 => A::ES384,
            KeyAlg::EdDSA => A::EdDSA,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    Rsa,
    P256,
    P384,
    Ed25519,
}

/// What reads as a private key, and what does not (each case with its fix).
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the PEM file holds no private key Keyward can read ({0}); give an unencrypted PKCS#8 (BEGIN PRIVATE KEY), PKCS#1 (BEGIN RSA PRIVATE KEY) or SEC1 (BEGIN EC PRIVATE KEY) key")]
    Unreadable(String),
    #[error("the key is encrypted; decrypt it first, e.g. `openssl pkcs8 -in KEY.pem -out plain.pem`, import plain.pem and delete it")]
    Encrypted,
    #[error("this is a public key ({0}), and signing needs the private key: give the private key's PEM (BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY); the public half is derived from it")]
    PublicOnly(&'static str),
    #[error("this is a certificate, which holds only a public key: give the PEM of the private key it was made for (BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY)")]
    Certificate,
    #[error("the PEM is cut short ({0}); give the whole block, from its -----BEGIN line to its -----END line")]
    Truncated(String),
    #[error("this is an OpenSSH private key, which Keyward does not read; give it as PKCS#8 PEM (for an RSA or ECDSA key, `ssh-keygen -p -m PKCS8 -f COPY` rewrites a copy of the file so)")]
    OpenSsh,
    #[error("{alg} signs with {wanted} keys, but this is {got} key")]
    WrongType { alg: &'static str, wanted: &'static str, got: &'static str },
    #[error(
        "this is {0}, which Keyward cannot sign with: it takes RSA (2048 to 8192 bits), P-256, P-384 and Ed25519 keys"
    )]
    Unsupported(&'static str),
    #[error("this RSA key has {0} bits; Keyward takes RSA keys of 2048 to 8192 bits (smaller ones can be broken, and providers refuse them)")]
    RsaSize(usize),
    #[error("RSA keys must have 2048, 3072 or 4096 bits, not {0}")]
    BadBits(usize),
    #[error("could not sign: {0}")]
    Sign(String),
}

fn type_name(t: KeyType) -> &'static str {
    match t {
        KeyType::Rsa => "RSA",
        KeyType::P256 => "P-256",
        KeyType::P384 => "P-384",
        KeyType::Ed25519 => "Ed25519",
    }
}

/// A private key, as PKCS#8 PEM, and its type.
pub struct PrivateKey {
    pub pkcs8_pem: Secret,
    pub key_type: KeyType,
}

fn encode_failed(e: impl std::fmt::Display) -> KeyError {
    KeyError::Sign(e.to_string())
}

/// A new private key for `alg`, from the OS random number generator.
pub fn generate(alg: KeyAlg, rsa_bits: usize) -> Result<PrivateKey, KeyError> {
    let mut rng = rand_core::OsRng;
    let pem = match alg.key_type() {
        KeyType::Rsa => {
            if ![2048, 3072, 4096].contains(&rsa_bits) {
                return Err(KeyError::BadBits(rsa_bits));
            }
            let key = rsa_key(rsa_bits)?;
            key.to_pkcs8_pem(LineEnding::LF).map_err(encode_failed)?.to_string()
        }
        KeyType::P256 => {
            p256::SecretKey::random(&mut rng).to_pkcs8_pem(LineEnding::LF).map_err(encode_failed)?.to_string()
        }
        KeyType::P384 => {
            p384::SecretKey::random(&mut rng).to_pkcs8_pem(LineEnding::LF).map_err(encode_failed)?.to_string()
        }
        KeyType::Ed25519 => ed25519_pkcs8(&ed25519_dalek::SigningKey::generate(&mut rng))?,
    };
    Ok(PrivateKey { pkcs8_pem: Secret::new(pem), key_type: alg.key_type() })
}

/// A two-prime RSA key of `bits` bits with e = 65537, as `rsa::RsaPrivateKey::new` makes it (the same
/// prime search from the OS RNG, the top two bits of each prime set, d from the Euler totient), except
/// that p and q are searched for on two threads at once: each is an independent draw (neither thread
/// waits for or stops the other), so the key's distribution is the sequential one, in about half the
/// time on a machine with two cores. A pair that cannot make a key (p = q, a modulus a bit short, e not
/// invertible) is drawn again, both primes, as `new` does. Never a race between two whole searches:
/// taking whichever finishes first would favour primes found after a short search.
fn rsa_key(bits: usize) -> Result<rsa::RsaPrivateKey, KeyError> {
    use num_bigint_dig::RandPrime;
    let draw = || rand_core::OsRng.gen_prime(bits / 2);
    loop {
        let (p, q) = std::thread::scope(|s| {
            let other = s.spawn(draw);
            let p = draw();
            // A panic in the prime search (it has none but for bits < 2) is the caller's, as in `new`.
            (p, other.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
        });
        if p == q || (&p * &q).bits() != bits {
            continue;
        }
        match rsa::RsaPrivateKey::from_primes(vec![p, q], rsa::BigUint::from(65_537u32)) {
            Ok(key) => return Ok(key),
            // gcd(e, (p-1)(q-1)) ≠ 1: `new` draws again too.
            Err(rsa::Error::InvalidPrime) => continue,
            Err(e) => return Err(encode_failed(e)),
        }
    }
}

/// An Ed25519 key as PKCS#8 v1 PEM (RFC 8410: the seed only), the form OpenSSL writes and reads; the v2
/// form with the public key that ed25519-dalek writes by default is one OpenSSL 3 refuses.
fn ed25519_pkcs8(key: &ed25519_dalek::SigningKey) -> Result<String, KeyError> {
    let bytes = ed25519_dalek::ed25519::KeypairBytes { secret_key: key.to_bytes(), public_key: None };
    pem_text(bytes.to_pkcs8_pem(LineEnding::LF))
}

/// One `-----BEGIN LABEL-----` … `-----END LABEL-----` block of a PEM file.
struct Block<'a> {
    label: &'a str,
    text: &'a str,
}

/// The PEM blocks in `text`, in order. A BEGIN line without its END line is a truncated file.
fn blocks(text: &str) -> Result<Vec<Block<'_>>, KeyError> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = text[at..].find("-----BEGIN ").map(|i| at + i) {
        let label_start = i + "-----BEGIN ".len();
        let label = text[label_start..].find("-----").map(|j| &text[label_start..label_start + j]);
        let Some(label) = label
            .filter(|l| l.len() <= 64 && l.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == ' '))
        else {
            return Err(KeyError::Unreadable("a BEGIN line that names no PEM block".into()));
        };
        let end = format!("-----END {label}-----");
        let Some(j) = text[i..].find(&end) else {
            return Err(KeyError::Truncated(format!("the {label} block has no END line")));
        };
        out.push(Block { label, text: &text[i..i + j + end.len()] });
        at = i + j + end.len();
    }
    Ok(out)
}

/// A block's DER content; a DER structure that says it is longer than what the block holds is truncated.
fn der_of(block: &Block) -> Result<Vec<u8>, KeyError> {
    let (_, der) = rsa::pkcs8::der::pem::decode_vec(block.text.as_bytes())
        .map_err(|e| KeyError::Unreadable(format!("the {} block is not valid base64 PEM: {e}", block.label)))?;
    if let Some(declared) = der_length(&der) {
        if declared > der.len() {
            return Err(KeyError::Truncated(format!(
                "the {} block holds {} of the {declared} bytes its content declares",
                block.label,
                der.len()
            )));
        }
    }
    Ok(der)
}

/// The total length (header included) the outermost DER element declares, when it is readable.
fn der_length(der: &[u8]) -> Option<usize> {
    let first = *der.get(1)?;
    if first < 0x80 {
        return Some(2 + first as usize);
    }
    let n = (first & 0x7f) as usize;
    if n == 0 || n > 4 {
        return None;
    }
    let len = der.get(2..2 + n)?.iter().fold(0usize, |acc, b| (acc << 8) | *b as usize);
    Some(2 + n + len)
}

/// Read a private key from PEM: PKCS#8 (RSA, P-256, P-384, Ed25519), PKCS#1 (RSA) or SEC1 (EC),
/// normalised to PKCS#8. A file with more blocks (a certificate and its key) is read for its key. Public
/// keys, certificates, encrypted, truncated and OpenSSH keys are refused, each with what to give instead.
pub fn import(pem: &str) -> Result<PrivateKey, KeyError> {
    let blocks = blocks(pem)?;
    let Some(block) = blocks.iter().find(|b| b.label.ends_with("PRIVATE KEY")) else {
        let has = |l: &str| blocks.iter().any(|b| b.label == l);
        return Err(if has("CERTIFICATE") || has("TRUSTED CERTIFICATE") || has("X509 CERTIFICATE") {
            KeyError::Certificate
        } else if has("PUBLIC KEY") {
            KeyError::PublicOnly("BEGIN PUBLIC KEY")
        } else if has("RSA PUBLIC KEY") {
            KeyError::PublicOnly("BEGIN RSA PUBLIC KEY")
        } else if pem.contains("ssh-rsa ") || pem.contains("ssh-ed25519 ") || pem.contains("ecdsa-sha2-") {
            KeyError::PublicOnly("an OpenSSH public key")
        } else if let Some(b) = blocks.first() {
            KeyError::Unreadable(format!("a {} block", b.label))
        } else {
            KeyError::Unreadable("no BEGIN … PRIVATE KEY block".into())
        });
    };
    let unreadable = |e: &dyn std::fmt::Display| KeyError::Unreadable(e.to_string());
    match block.label {
        "ENCRYPTED PRIVATE KEY" => return Err(KeyError::Encrypted),
        _ if block.text.contains("Proc-Type: 4,ENCRYPTED") => return Err(KeyError::Encrypted),
        "OPENSSH PRIVATE KEY" => return Err(KeyError::OpenSsh),
        "DSA PRIVATE KEY" => return Err(KeyError::Unsupported("a DSA key")),
        _ => {}
    }
    let der = der_of(block)?;
    let (key_type, pkcs8) = match block.label {
        "RSA PRIVATE KEY" => {
            let k = rsa::RsaPrivateKey::from_pkcs1_der(&der).map_err(|e| unreadable(&e))?;
            (KeyType::Rsa, pem_text(k.to_pkcs8_pem(LineEnding::LF))?)
        }
        "EC PRIVATE KEY" => {
            if let Ok(k) = p256::SecretKey::from_sec1_der(&der) {
                (KeyType::P256, pem_text(k.to_pkcs8_pem(LineEnding::LF))?)
            } else if let Ok(k) = p384::SecretKey::from_sec1_der(&der) {
                (KeyType::P384, pem_text(k.to_pkcs8_pem(LineEnding::LF))?)
            } else {
                return Err(KeyError::Unsupported("an EC key on a curve other than P-256 and P-384 (P-521?)"));
            }
        }
        "PRIVATE KEY" => pkcs8_key(&der)?,
        other => return Err(KeyError::Unreadable(format!("a {other} block"))),
    };
    Ok(PrivateKey { pkcs8_pem: Secret::new(pkcs8), key_type })
}

fn pem_text<S: AsRef<str>, E: std::fmt::Display>(r: Result<S, E>) -> Result<String, KeyError> {
    r.map(|p| p.as_ref().to_string()).map_err(|e| KeyError::Unreadable(e.to_string()))
}

/// A PKCS#8 private key, by its algorithm OID (and, for EC, its curve).
fn pkcs8_key(der: &[u8]) -> Result<(KeyType, String), KeyError> {
    use rsa::pkcs8::der::Decode;
    let unreadable = |e: &dyn std::fmt::Display| KeyError::Unreadable(e.to_string());
    let info = rsa::pkcs8::PrivateKeyInfo::from_der(der).map_err(|e| unreadable(&e))?;
    Ok(match info.algorithm.oid.to_string().as_str() {
        "1.2.840.113549.1.1.1" => {
            let k = rsa::RsaPrivateKey::from_pkcs8_der(der).map_err(|e| unreadable(&e))?;
            (KeyType::Rsa, pem_text(k.to_pkcs8_pem(LineEnding::LF))?)
        }
        "1.2.840.10045.2.1" => match info.algorithm.parameters_oid().map(|o| o.to_string()).as_deref() {
            Ok("1.2.840.10045.3.1.7") => {
                let k = p256::SecretKey::from_pkcs8_der(der).map_err(|e| unreadable(&e))?;
                (KeyType::P256, pem_text(k.to_pkcs8_pem(LineEnding::LF))?)
            }
            Ok("1.3.132.0.34") => {
                let k = p384::SecretKey::from_pkcs8_der(der).map_err(|e| unreadable(&e))?;
                (KeyType::P384, pem_text(k.to_pkcs8_pem(LineEnding::LF))?)
            }
            Ok("1.3.132.0.35") => return Err(KeyError::Unsupported("a P-521 key")),
            _ => return Err(KeyError::Unsupported("an EC key on a curve other than P-256 and P-384")),
        },
        "1.3.101.112" => {
            let k = ed25519_dalek::SigningKey::from_pkcs8_der(der).map_err(|e| unreadable(&e))?;
            (KeyType::Ed25519, ed25519_pkcs8(&k)?)
        }
        "1.3.101.113" => return Err(KeyError::Unsupported("an Ed448 key")),
        "1.3.101.110" | "1.3.101.111" => {
            return Err(KeyError::Unsupported("an X25519 or X448 key (made for key agreement, not signing)"))
        }
        "1.2.840.10040.4.1" => return Err(KeyError::Unsupported("a DSA key")),
        "1.2.840.113549.1.1.10" => {
            return Err(KeyError::Unsupported(
                "an RSA-PSS-only key (give it as a plain RSA key; PS256 etc. sign with those)",
            ))
        }
        other => return Err(KeyError::Unreadable(format!("a PKCS#8 key of unknown algorithm {other}"))),
    })
}

/// An imported key's size is one Keyward signs with: RSA from 2048 to 8192 bits (keys stored before this
/// check are still read).
pub fn check_size(key: &PrivateKey) -> Result<(), KeyError> {
    if key.key_type == KeyType::Rsa {
        let k = rsa::RsaPrivateKey::from_pkcs8_pem(key.pkcs8_pem.expose())
            .map_err(|e| KeyError::Unreadable(e.to_string()))?;
        let bits = k.size() * 8;
        if !(2048..=8192).contains(&bits) {
            return Err(KeyError::RsaSize(bits));
        }
    }
    Ok(())
}

/// The algorithm an imported key signs with: `wanted` when it fits the key, else the default for the key
/// type (RS384, ES256 for P-256, ES384 for P-384, EdDSA for Ed25519).
pub fn alg_for(key: &PrivateKey, wanted: Option<KeyAlg>) -> Result<KeyAlg, KeyError> {
    match wanted {
        Some(alg) if alg.key_type() == key.key_type => Ok(alg),
        Some(alg) => Err(KeyError::WrongType {
            alg: alg.as_str(),
            wanted: type_name(alg.key_type()),
            got: match key.key_type {
                KeyType::Rsa => "an RSA",
                KeyType::P256 => "a P-256",
                KeyType::P384 => "a P-384",
                KeyType::Ed25519 => "an Ed25519",
            },
        }),
        None => Ok(match key.key_type {
            KeyType::Rsa => KeyAlg::RS384,
            KeyType::P256 => KeyAlg::ES256,
            KeyType::P384 => KeyAlg::ES384,
            KeyType::Ed25519 => KeyAlg::EdDSA,
        }),
    }
}

/// The public JWK's key members (no `kid`, `alg`, `use` yet): what RFC 7638 hashes.
pub fn public_members(key: &PrivateKey) -> serde_json::Value {
    let pem = key.pkcs8_pem.expose();
    match key.key_type {
        KeyType::Rsa => {
            let k = rsa::RsaPrivateKey::from_pkcs8_pem(pem).expect("stored keys are valid PKCS#8");
            serde_json::json!({"kty": "RSA", "n": B64.encode(k.n().to_bytes_be()), "e": B64.encode(k.e().to_bytes_be())})
        }
        KeyType::P256 => {
            let p = p256::SecretKey::from_pkcs8_pem(pem).expect("stored keys are valid PKCS#8").public_key();
            let point = p256::elliptic_curve::sec1::ToEncodedPoint::to_encoded_point(&p, false);
            serde_json::json!({"kty": "EC", "crv": "P-256", "x": B64.encode(point.x().unwrap()), "y": B64.encode(point.y().unwrap())})
        }
        KeyType::P384 => {
            let p = p384::SecretKey::from_pkcs8_pem(pem).expect("stored keys are valid PKCS#8").public_key();
            let point = p384::elliptic_curve::sec1::ToEncodedPoint::to_encoded_point(&p, false);
            serde_json::json!({"kty": "EC", "crv": "P-384", "x": B64.encode(point.x().unwrap()), "y": B64.encode(point.y().unwrap())})
        }
        KeyType::Ed25519 => {
            let k = ed25519_dalek::SigningKey::from_pkcs8_pem(pem).expect("stored keys are valid PKCS#8");
            // RFC 8037 §2: an OKP key, x the 32-byte public key.
            serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": B64.encode(k.verifying_key().as_bytes())})
        }
    }
}

/// RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order, no whitespace (for OKP
/// keys, `crv`, `kty`, `x` as RFC 8037 §2 says).
pub fn thumbprint(members: &serde_json::Value) -> String {
    let s = |k: &str| members[k].as_str().unwrap_or_default().to_string();
    let canonical = match members["kty"].as_str() {
        Some("RSA") => format!(r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#, s("e"), s("n")),
        Some("OKP") => format!(r#"{{"crv":"{}","kty":"OKP","x":"{}"}}"#, s("crv"), s("x")),
        _ => format!(r#"{{"crv":"{}","kty":"EC","x":"{}","y":"{}"}}"#, s("crv"), s("x"), s("y")),
    };
    B64.encode(sha2::Sha256::digest(canonical.as_bytes()))
}

/// The public key as SubjectPublicKeyInfo PEM.
pub fn public_pem(key: &PrivateKey) -> String {
    use rsa::pkcs8::EncodePublicKey;
    let pem = key.pkcs8_pem.expose();
    match key.key_type {
        KeyType::Rsa => {
            rsa::RsaPrivateKey::from_pkcs8_pem(pem).expect("valid").to_public_key().to_public_key_pem(LineEnding::LF)
        }
        KeyType::P256 => {
            p256::SecretKey::from_pkcs8_pem(pem).expect("valid").public_key().to_public_key_pem(LineEnding::LF)
        }
        KeyType::P384 => {
            p384::SecretKey::from_pkcs8_pem(pem).expect("valid").public_key().to_public_key_pem(LineEnding::LF)
        }
        KeyType::Ed25519 => ed25519_dalek::SigningKey::from_pkcs8_pem(pem)
            .expect("valid")
            .verifying_key()
            .to_public_key_pem(LineEnding::LF),
    }
    .expect("a public key encodes")
}

/// A compact JWS over `claims`, with `kid`, `typ: JWT` and optionally `jku` in the header.
pub fn sign(
    key: &PrivateKey,
    alg: KeyAlg,
    kid: &str,
    jku: Option<&str>,
    claims: &serde_json::Value,
) -> Result<Secret, KeyError> {
    let mut header = jsonwebtoken::Header::new(alg.jwt());
    header.kid = Some(kid.to_string());
    header.typ = Some("JWT".into());
    header.jku = jku.map(String::from);
    let pem = key.pkcs8_pem.expose().as_bytes();
    let encoding = match key.key_type {
        KeyType::Rsa => jsonwebtoken::EncodingKey::from_rsa_pem(pem),
        KeyType::P256 | KeyType::P384 => jsonwebtoken::EncodingKey::from_ec_pem(pem),
        KeyType::Ed25519 => jsonwebtoken::EncodingKey::from_ed_pem(pem),
    }
    .map_err(|e| KeyError::Sign(e.to_string()))?;
    jsonwebtoken::encode(&header, claims, &encoding).map(Secret::new).map_err(|e| KeyError::Sign(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_7638_example_thumbprint() {
        // RFC 7638 §3.1's example key and its thumbprint.
        let jwk = serde_json::json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
        });
        assert_eq!(thumbprint(&jwk), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    }

    #[test]
    fn generated_ec_keys_sign_verifiable_jwts() {
        let key = generate(KeyAlg::ES384, 0).unwrap();
        let jwk = public_members(&key);
        assert_eq!(jwk["crv"], "P-384");
        let token = sign(
            &key,
            KeyAlg::ES384,
            "k1",
            Some("https://example.com/jwks"),
            &serde_json::json!({"sub": "x", "exp": 4_000_000_000u64}),
        )
        .unwrap();
        let header = jsonwebtoken::decode_header(token.expose()).unwrap();
        assert_eq!(header.kid.as_deref(), Some("k1"));
        assert_eq!(header.typ.as_deref(), Some("JWT"));
        assert_eq!(header.jku.as_deref(), Some("https://example.com/jwks"));
        let decoding = jsonwebtoken::DecodingKey::from_ec_pem(public_pem(&key).as_bytes()).unwrap();
        let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES384);
        v.validate_aud = false;
        jsonwebtoken::decode::<serde_json::Value>(token.expose(), &decoding, &v).unwrap();
    }

    #[test]
    fn generated_rsa_keys_have_the_asked_size_two_distinct_primes_and_sign_verifiable_jwts() {
        use rsa::traits::PrivateKeyParts;
        let key = generate(KeyAlg::RS384, 2048).unwrap();
        let parsed = rsa::RsaPrivateKey::from_pkcs8_pem(key.pkcs8_pem.expose()).unwrap();
        parsed.validate().unwrap();
        assert_eq!(parsed.n().bits(), 2048);
        assert_eq!(parsed.e(), &rsa::BigUint::from(65_537u32));
        let primes = parsed.primes();
        assert_eq!(primes.len(), 2);
        assert_ne!(primes[0], primes[1]);
        assert!(primes.iter().all(|p| p.bits() == 1024), "each prime is half the modulus");
        assert_eq!(&primes[0] * &primes[1], *parsed.n());
        // Two keys never share a prime (each is its own draw).
        let other =
            rsa::RsaPrivateKey::from_pkcs8_pem(generate(KeyAlg::RS384, 2048).unwrap().pkcs8_pem.expose()).unwrap();
        assert!(other.primes().iter().all(|p| !primes.contains(p)));

        let token =
            sign(&key, KeyAlg::RS384, "r1", None, &serde_json::json!({"sub": "x", "exp": 4_000_000_000u64})).unwrap();
        let decoding = jsonwebtoken::DecodingKey::from_rsa_pem(public_pem(&key).as_bytes()).unwrap();
        let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS384);
        v.validate_aud = false;
        jsonwebtoken::decode::<serde_json::Value>(token.expose(), &decoding, &v).unwrap();
        assert!(matches!(generate(KeyAlg::RS384, 1024), Err(KeyError::BadBits(1024))));
    }

    #[test]
    fn rfc_8037_example_okp_thumbprint() {
        // RFC 8037 Appendix A.3: the thumbprint of the Ed25519 example key.
        let jwk =
            serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"});
        assert_eq!(thumbprint(&jwk), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    }

    #[test]
    fn ed25519_keys_sign_verifiable_eddsa_jwts() {
        let key = generate(KeyAlg::EdDSA, 0).unwrap();
        assert_eq!(key.key_type, KeyType::Ed25519);
        let jwk = public_members(&key);
        assert_eq!((jwk["kty"].as_str(), jwk["crv"].as_str()), (Some("OKP"), Some("Ed25519")));
        assert_eq!(B64.decode(jwk["x"].as_str().unwrap()).unwrap().len(), 32);
        let again = import(key.pkcs8_pem.expose()).unwrap();
        assert_eq!((again.key_type, alg_for(&again, None).unwrap()), (KeyType::Ed25519, KeyAlg::EdDSA));
        let token = sign(&key, KeyAlg::EdDSA, "k", None, &serde_json::json!({"exp": 4_000_000_000u64})).unwrap();
        assert_eq!(jsonwebtoken::decode_header(token.expose()).unwrap().alg, jsonwebtoken::Algorithm::EdDSA);
        let decoding = jsonwebtoken::DecodingKey::from_ed_pem(public_pem(&key).as_bytes()).unwrap();
        let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::EdDSA);
        v.validate_aud = false;
        jsonwebtoken::decode::<serde_json::Value>(token.expose(), &decoding, &v).unwrap();
    }

    #[test]
    fn bad_pem_says_what_it_is() {
        let key = generate(KeyAlg::ES256, 0).unwrap();
        let pem = key.pkcs8_pem.expose();
        let public = public_pem(&key);
        assert!(matches!(import(&public), Err(KeyError::PublicOnly(_))));
        let cut = &pem[..pem.len() / 2];
        assert!(matches!(import(cut), Err(KeyError::Truncated(_))), "no END line");
        // Lines lost from the middle, END line kept: the DER says it is longer than what is left.
        let lines: Vec<&str> = pem.lines().collect();
        let short = format!("{}\n{}\n{}\n", lines[0], lines[1], lines[lines.len() - 1]);
        assert!(matches!(import(&short), Err(KeyError::Truncated(_))), "{:?}", import(&short).err());
        let cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        assert!(matches!(import(cert), Err(KeyError::Certificate)));
        // A certificate followed by its key: the key is read.
        assert_eq!(import(&format!("{cert}{pem}")).unwrap().key_type, KeyType::P256);
        assert!(matches!(
            import("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA==\n-----END OPENSSH PRIVATE KEY-----\n"),
            Err(KeyError::OpenSsh)
        ));
        assert!(matches!(import("ssh-ed25519 AAAAC3Nza user@host"), Err(KeyError::PublicOnly(_))));
        assert!(matches!(import("garbage"), Err(KeyError::Unreadable(_))));
        // Windows line ends read as well.
        assert_eq!(import(&pem.replace('\n', "\r\n")).unwrap().key_type, KeyType::P256);
        let x509 = "-----BEGIN X509 CERTIFICATE-----\nMIIB\n-----END X509 CERTIFICATE-----\n";
        assert!(matches!(import(x509), Err(KeyError::Certificate)));
        for cut in 0..pem.len() {
            let _ = import(&pem[..cut]); // never a panic
        }
    }

    #[test]
    fn import_normalises_and_refuses_what_it_cannot_use() {
        let key = generate(KeyAlg::ES256, 0).unwrap();
        let again = import(key.pkcs8_pem.expose()).unwrap();
        assert_eq!(again.key_type, KeyType::P256);
        assert_eq!(alg_for(&again, None).unwrap(), KeyAlg::ES256);
        assert!(alg_for(&again, Some(KeyAlg::RS384))
            .unwrap_err()
            .to_string()
            .contains("RS384 signs with RSA keys, but this is a P-256 key"));
        assert!(matches!(
            import("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----"),
            Err(KeyError::Encrypted)
        ));
        assert!(import("hello").is_err());
        assert!(import("-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----").is_err());
    }
}
