//! `keyward key`: generate and import key pairs, private keys in the keychain, public JWK/JWKS/PEM out.

mod common;

use std::process::Command;

use common::Kw;

fn openssl(args: &[&str], out: &std::path::Path) {
    let status = Command::new("openssl").arg(args[0]).arg("-out").arg(out).args(&args[1..]).status().unwrap();
    assert!(status.success(), "openssl {args:?}");
}

#[test]
fn generated_keys_have_thumbprint_kids_and_private_parts_only_in_the_keychain() {
    let kw = Kw::new();
    let rs = kw.run(&["key", "new", "signer", "--alg", "RS384", "--bits", "2048"]).ok();
    let jwk: serde_json::Value = serde_json::from_str(&rs.stdout).unwrap();
    assert_eq!(jwk["kty"], "RSA");
    assert_eq!(jwk["alg"], "RS384");
    assert_eq!(jwk["use"], "sig");
    assert_eq!(jwk["kid"].as_str().unwrap().len(), 43, "a base64url SHA-256 thumbprint");
    assert!(jwk.get("d").is_none(), "no private member in the public JWK");
    let es = kw.run(&["key", "new", "ec", "--alg", "ES384", "--kid", "my-kid"]).ok();
    let ec: serde_json::Value = serde_json::from_str(&es.stdout).unwrap();
    assert_eq!((ec["crv"].as_str(), ec["kid"].as_str()), (Some("P-384"), Some("my-kid")));

    let jwks = kw.run(&["key", "jwks", "signer", "ec"]).ok().json();
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 2);
    let list = kw.run(&["key", "list", "--json"]).ok().json();
    assert_eq!(list.as_array().unwrap().len(), 2);

    let public = kw.run(&["key", "export", "ec", "--format", "pem"]).ok().stdout;
    assert!(public.starts_with("-----BEGIN PUBLIC KEY-----"));
    let config = kw.read("config.json");
    assert!(!config.contains("PRIVATE KEY"), "the config holds public parts only");
    assert!(
        kw.secret_tool_accounts().iter().any(|a| a.ends_with("/key:ec/privateKey")),
        "the private key is in the Secret Service"
    );
    let private = kw.run(&["key", "export", "ec", "--private"]).ok().stdout;
    assert!(private.starts_with("-----BEGIN PRIVATE KEY-----"));
    assert!(kw.run(&["audit", "--json"]).ok().stdout.contains("private key exported"), "the reveal is audited");

    kw.run(&["key", "new", "ec", "--alg", "ES384"]).fails(2, "already exists");
    kw.run(&["key", "new", "x", "--alg", "HS256"]).fails(2, "\"HS256\" is not supported");
    kw.run(&["key", "new", "x", "--alg", "RS256", "--bits", "1024"]).fails(2, "2048, 3072 or 4096");
    kw.run(&["key", "jwks", "nope"]).fails(2, "no key pair named \"nope\"");
}

#[test]
fn bring_your_own_key_in_any_common_pem_form() {
    let kw = Kw::new();
    let dir = kw.home.path();
    openssl(&["genrsa", "-traditional", "2048"], &dir.join("pkcs1.pem"));
    openssl(&["ecparam", "-genkey", "-name", "secp384r1", "-noout"], &dir.join("sec1.pem"));
    openssl(&["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], &dir.join("pkcs8.pem"));
    assert!(std::fs::read_to_string(dir.join("pkcs1.pem")).unwrap().contains("BEGIN RSA PRIVATE KEY"));
    assert!(std::fs::read_to_string(dir.join("sec1.pem")).unwrap().contains("BEGIN EC PRIVATE KEY"));

    let rsa: serde_json::Value = serde_json::from_str(
        &kw.run(&["key", "import", "a", "--pem", dir.join("pkcs1.pem").to_str().unwrap()]).ok().stdout,
    )
    .unwrap();
    assert_eq!(rsa["alg"], "RS384", "RSA defaults to RS384");
    let ec: serde_json::Value = serde_json::from_str(
        &kw.run(&["key", "import", "b", "--pem", dir.join("sec1.pem").to_str().unwrap()]).ok().stdout,
    )
    .unwrap();
    assert_eq!(ec["alg"], "ES384");
    let p256: serde_json::Value = serde_json::from_str(
        &kw.run(&["key", "import", "c", "--pem", dir.join("pkcs8.pem").to_str().unwrap()]).ok().stdout,
    )
    .unwrap();
    assert_eq!(p256["alg"], "ES256");

    // The public key Keyward derived is the one openssl derives.
    let ours = kw.run(&["key", "export", "a"]).ok().stdout;
    let theirs = Command::new("openssl").args(["pkey", "-pubout", "-in"]).arg(dir.join("pkcs1.pem")).output().unwrap();
    assert_eq!(ours.trim(), String::from_utf8_lossy(&theirs.stdout).trim());

    kw.run(&["key", "import", "d", "--pem", dir.join("sec1.pem").to_str().unwrap(), "--alg", "RS384"])
        .fails(2, "RS384 signs with RSA keys, but this is a P-384 key");
    openssl(
        &["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-aes256", "-pass", "pass:x"],
        &dir.join("enc.pem"),
    );
    kw.run(&["key", "import", "e", "--pem", dir.join("enc.pem").to_str().unwrap()])
        .fails(2, "the key is encrypted; decrypt it first");
    std::fs::write(dir.join("junk.pem"), "hello").unwrap();
    kw.run(&["key", "import", "f", "--pem", dir.join("junk.pem").to_str().unwrap()])
        .fails(2, "no private key Keyward can read");
    kw.run(&["key", "import", "g", "--pem", "/nonexistent.pem"]).fails(2, "could not read it");
}
