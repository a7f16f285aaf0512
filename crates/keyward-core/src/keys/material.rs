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
        }
    }

    pub fn key_type(self) -> KeyType {
        match self {
            KeyAlg::ES256 => KeyType::P256,
            KeyAlg::ES384 => KeyType::P384,
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
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    Rsa,
    P256,
    P384,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the PEM file holds no private key Keyward can read ({0}); give an unencrypted PKCS#8 (BEGIN PRIVATE KEY), PKCS#1 (BEGIN RSA PRIVATE KEY) or SEC1 (BEGIN EC PRIVATE KEY) key")]
    Unreadable(String),
    #[error("the key is encrypted; decrypt it first, e.g. `openssl pkcs8 -in KEY.pem -out plain.pem`, import plain.pem and delete it")]
    Encrypted,
    #[error("{alg} signs with {wanted} keys, but this is a {got} key")]
    WrongType { alg: &'static str, wanted: &'static str, got: &'static str },
    #[error("this is {0}, which Keyward cannot sign with yet: it takes RSA (2048 to 4096 bits), P-256 and P-384 keys")]
    Unsupported(&'static str),
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
    }
}

/// A private key, as PKCS#8 PEM, and its type.
pub struct PrivateKey {
    pub pkcs8_pem: Secret,
    pub key_type: KeyType,
}

/// A new private key for `alg`.
pub fn generate(alg: KeyAlg, rsa_bits: usize) -> Result<PrivateKey, KeyError> {
    let mut rng = rand_core::OsRng;
    let pem = match alg.key_type() {
        KeyType::Rsa => {
            if ![2048, 3072, 4096].contains(&rsa_bits) {
                return Err(KeyError::BadBits(rsa_bits));
            }
            let key = rsa::RsaPrivateKey::new(&mut rng, rsa_bits).map_err(|e| KeyError::Sign(e.to_string()))?;
            key.to_pkcs8_pem(LineEnding::LF).map_err(|e| KeyError::Sign(e.to_string()))?.to_string()
        }
        KeyType::P256 => p256::SecretKey::random(&mut rng)
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| KeyError::Sign(e.to_string()))?
            .to_string(),
        KeyType::P384 => p384::SecretKey::random(&mut rng)
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| KeyError::Sign(e.to_string()))?
            .to_string(),
    };
    Ok(PrivateKey { pkcs8_pem: Secret::new(pem), key_type: alg.key_type() })
}

/// Read a private key from PEM: PKCS#8, PKCS#1 (RSA) or SEC1 (EC), normalised to PKCS#8.
pub fn import(pem: &str) -> Result<PrivateKey, KeyError> {
    if pem.contains("ENCRYPTED PRIVATE KEY") || pem.contains("Proc-Type: 4,ENCRYPTED") {
        return Err(KeyError::Encrypted);
    }
    let unreadable = |e: &dyn std::fmt::Display| KeyError::Unreadable(e.to_string());
    let (key_type, pkcs8) = if pem.contains("BEGIN RSA PRIVATE KEY") {
        let k = rsa::RsaPrivateKey::from_pkcs1_pem(pem).map_err(|e| unreadable(&e))?;
        (KeyType::Rsa, k.to_pkcs8_pem(LineEnding::LF).map_err(|e| unreadable(&e))?.to_string())
    } else if pem.contains("BEGIN EC PRIVATE KEY") {
        if let Ok(k) = p384::SecretKey::from_sec1_pem(pem) {
            (KeyType::P384, k.to_pkcs8_pem(LineEnding::LF).map_err(|e| unreadable(&e))?.to_string())
        } else {
            let k = p256::SecretKey::from_sec1_pem(pem)
                .map_err(|_| KeyError::Unsupported("an EC key on a curve other than P-256 and P-384 (P-521?)"))?;
            (KeyType::P256, k.to_pkcs8_pem(LineEnding::LF).map_err(|e| unreadable(&e))?.to_string())
        }
    } else if pem.contains("BEGIN PRIVATE KEY") {
        if let Ok(k) = rsa::RsaPrivateKey::from_pkcs8_pem(pem) {
            (KeyType::Rsa, k.to_pkcs8_pem(LineEnding::LF).map_err(|e| unreadable(&e))?.to_string())
        } else if let Ok(k) = p384::SecretKey::from_pkcs8_pem(pem) {
            (KeyType::P384, k.to_pkcs8_pem(LineEnding::LF).map_err(|e| unreadable(&e))?.to_string())
        } else {
            let k =
                p256::SecretKey::from_pkcs8_pem(pem).map_err(|e| unsupported_kind(pem).unwrap_or(unreadable(&e)))?;
            (KeyType::P256, k.to_pkcs8_pem(LineEnding::LF).map_err(|e| unreadable(&e))?.to_string())
        }
    } else {
        return Err(KeyError::Unreadable("no BEGIN … PRIVATE KEY block".into()));
    };
    Ok(PrivateKey { pkcs8_pem: Secret::new(pkcs8), key_type })
}

/// What kind of key a readable PKCS#8 document holds that Keyward cannot use, by its algorithm OID.
fn unsupported_kind(pem: &str) -> Option<KeyError> {
    use rsa::pkcs8::der::Decode;
    let (_, doc) = rsa::pkcs8::SecretDocument::from_pem(pem).ok()?;
    let info = rsa::pkcs8::PrivateKeyInfo::from_der(doc.as_bytes()).ok()?;
    Some(KeyError::Unsupported(match info.algorithm.oid.to_string().as_str() {
        "1.3.101.112" => "an Ed25519 key",
        "1.3.101.113" => "an Ed448 key",
        "1.2.840.10045.2.1" => "an EC key on a curve other than P-256 and P-384 (P-521?)",
        "1.2.840.10040.4.1" => "a DSA key",
        _ => return None,
    }))
}

/// The algorithm an imported key signs with: `wanted` when it fits the key, else the default for the key
/// type (RS384, ES256 for P-256, ES384 for P-384).
pub fn alg_for(key: &PrivateKey, wanted: Option<KeyAlg>) -> Result<KeyAlg, KeyError> {
    match wanted {
        Some(alg) if alg.key_type() == key.key_type => Ok(alg),
        Some(alg) => Err(KeyError::WrongType {
            alg: alg.as_str(),
            wanted: type_name(alg.key_type()),
            got: type_name(key.key_type),
        }),
        None => Ok(match key.key_type {
            KeyType::Rsa => KeyAlg::RS384,
            KeyType::P256 => KeyAlg::ES256,
            KeyType::P384 => KeyAlg::ES384,
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
    }
}

/// RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order, no whitespace.
pub fn thumbprint(members: &serde_json::Value) -> String {
    let s = |k: &str| members[k].as_str().unwrap_or_default().to_string();
    let canonical = match members["kty"].as_str() {
        Some("RSA") => format!(r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#, s("e"), s("n")),
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
