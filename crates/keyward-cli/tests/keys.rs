//! `keyward key`: generate and import key pairs, private keys in the keychain, public JWK/JWKS/PEM out.

mod common;

use std::process::Command;

use common::{Kw, Rig};

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

/// `openssl ARGS` on `input` (a file), its standard output; fails the test if openssl does.
#[track_caller]
fn openssl_out(args: &[&str], input: &std::path::Path) -> String {
    let out = Command::new("openssl").args(args).arg("-in").arg(input).output().unwrap();
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The hex bytes openssl prints after `label` in `-text` output (`pub:`, `Modulus:`), as bytes.
fn hex_block(text: &str, label: &str) -> Vec<u8> {
    let lines = text.lines().skip_while(|l| l.trim() != label).skip(1);
    let mut hex = String::new();
    for l in lines {
        let l = l.trim();
        if !l.chars().all(|c| c.is_ascii_hexdigit() || c == ':') || l.is_empty() {
            break;
        }
        hex.push_str(&l.replace(':', ""));
    }
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

fn b64url(s: &serde_json::Value) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s.as_str().unwrap()).unwrap()
}

#[test]
fn every_algorithm_generates_a_key_whose_jwk_is_the_public_key_openssl_reads() {
    let kw = Kw::new();
    let cases: &[(&str, &str, &str)] = &[
        ("RS256", "2048", "Public-Key: (2048 bit)"),
        ("RS384", "3072", "Public-Key: (3072 bit)"),
        ("PS256", "2048", "Public-Key: (2048 bit)"),
        ("PS256", "3072", "Public-Key: (3072 bit)"),
        ("ES256", "0", "ASN1 OID: prime256v1"),
        ("ES384", "0", "ASN1 OID: secp384r1"),
        ("EdDSA", "0", "ED25519 Public-Key:"),
    ];
    for (i, (alg, bits, says)) in cases.iter().enumerate() {
        let name = format!("k{i}");
        let mut args = vec!["key", "new", name.as_str(), "--alg", alg];
        if *bits != "0" {
            args.extend(["--bits", bits]);
        }
        let jwk: serde_json::Value = serde_json::from_str(&kw.run(&args).ok().stdout).unwrap();
        assert_eq!(jwk["alg"], *alg);
        assert!(jwk.get("d").is_none(), "no private member in the public JWK");
        assert_eq!(jwk["kid"].as_str().unwrap().len(), 43, "an RFC 7638 thumbprint");
        let pem = kw.home.path().join(format!("{name}.pub.pem"));
        std::fs::write(&pem, kw.run(&["key", "export", &name]).ok().stdout).unwrap();
        let text = openssl_out(&["pkey", "-pubin", "-text", "-noout"], &pem);
        assert!(text.contains(says), "{alg} {bits}: {text}");
        // The JWK holds the very public key openssl reads from the PEM.
        match *alg {
            "EdDSA" => {
                assert_eq!((jwk["kty"].as_str(), jwk["crv"].as_str()), (Some("OKP"), Some("Ed25519")));
                assert_eq!(b64url(&jwk["x"]), hex_block(&text, "pub:"));
            }
            "ES256" | "ES384" => {
                let point = hex_block(&text, "pub:");
                let half = (point.len() - 1) / 2;
                assert_eq!(point[0], 4, "uncompressed point");
                assert_eq!(b64url(&jwk["x"]), point[1..1 + half]);
                assert_eq!(b64url(&jwk["y"]), point[1 + half..]);
            }
            _ => {
                let modulus = hex_block(&text, "Modulus:");
                let modulus = modulus.strip_prefix(&[0u8][..]).unwrap_or(&modulus);
                assert_eq!(b64url(&jwk["n"]), modulus);
                assert_eq!(jwk["e"], "AQAB");
            }
        }
    }
    assert!(!kw.read("config.json").contains("PRIVATE KEY"));
    let accounts = kw.secret_tool_accounts();
    assert!(accounts.iter().any(|a| a.ends_with("/key:k6/privateKey")), "the Ed25519 key is in the Secret Service");
}

#[test]
fn ed25519_keys_from_openssl_import_and_sign_private_key_jwt_the_provider_accepts() {
    let kw = Kw::new();
    let dir = kw.home.path();
    openssl(&["genpkey", "-algorithm", "ed25519"], &dir.join("ed.pem"));
    let jwk: serde_json::Value = serde_json::from_str(
        &kw.run(&["key", "import", "theirs", "--pem", dir.join("ed.pem").to_str().unwrap()]).ok().stdout,
    )
    .unwrap();
    assert_eq!(
        (jwk["alg"].as_str(), jwk["kty"].as_str(), jwk["crv"].as_str()),
        (Some("EdDSA"), Some("OKP"), Some("Ed25519"))
    );
    let ours = kw.run(&["key", "export", "theirs"]).ok().stdout;
    let theirs = Command::new("openssl").args(["pkey", "-pubout", "-in"]).arg(dir.join("ed.pem")).output().unwrap();
    assert_eq!(ours.trim(), String::from_utf8_lossy(&theirs.stdout).trim(), "the public key openssl derives");
    // The exported private key is one openssl reads back as the same key.
    let private = dir.join("back.pem");
    std::fs::write(&private, kw.run(&["key", "export", "theirs", "--private"]).ok().stdout).unwrap();
    assert_eq!(openssl_out(&["pkey", "-pubout"], &private).trim(), ours.trim());
    kw.run(&["key", "import", "x", "--pem", dir.join("ed.pem").to_str().unwrap(), "--alg", "ES256"])
        .fails(2, "ES256 signs with P-256 keys, but this is an Ed25519 key");

    kw.run(&["key", "new", "ed", "--alg", "EdDSA"]).ok();
    let jwks = dir.join("jwks.json");
    std::fs::write(&jwks, kw.run(&["key", "jwks", "ed", "theirs"]).ok().stdout).unwrap();
    let rig = Rig::start(&["--client-jwks", jwks.to_str().unwrap()]);
    for (name, key) in [("generated", "ed"), ("imported", "theirs")] {
        let url = rig.token_endpoint.as_str();
        let add = ["profile", "add", name, "--strategy", "private-key-jwt", "--url", url, "--client-id", "pkjwt-eddsa"];
        kw.run(&[&add[..], &["--key", key, "--scope", "read:users"]].concat()).ok();
        let who = kw.run(&["call", name, &rig.whoami()]).ok();
        let who: serde_json::Value = serde_json::from_str(&who.stdout).unwrap();
        assert_eq!(who["client_id"], "pkjwt-eddsa", "{who}");
    }
    // The provider takes EdDSA only from a key it knows: an Ed25519 key outside its JWKS is refused.
    kw.run(&["key", "new", "stranger", "--alg", "EdDSA"]).ok();
    kw.run(&["profile", "edit", "generated", "--set", "keyName=stranger"]).ok();
    kw.run(&["token", "generated", "--fresh"]).fails(3, "invalid_client");
}

#[test]
fn bad_pem_input_gets_a_clear_error_per_case() {
    let kw = Kw::new();
    let dir = kw.home.path();
    let import = |name: &str, file: &str| kw.run(&["key", "import", name, "--pem", dir.join(file).to_str().unwrap()]);
    openssl(&["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], &dir.join("good.pem"));
    let good = std::fs::read_to_string(dir.join("good.pem")).unwrap();

    std::fs::write(dir.join("garbage.pem"), "\u{1}\u{2}not a key at all\n").unwrap();
    import("a", "garbage.pem").fails(2, "no private key Keyward can read (no BEGIN … PRIVATE KEY block)");

    let public = Command::new("openssl").args(["pkey", "-pubout", "-in"]).arg(dir.join("good.pem")).output().unwrap();
    std::fs::write(dir.join("public.pem"), &public.stdout).unwrap();
    import("b", "public.pem").fails(2, "this is a public key (BEGIN PUBLIC KEY), and signing needs the private key");
    openssl(&["genrsa", "-traditional", "2048"], &dir.join("rsa.pem"));
    let rsa_public =
        Command::new("openssl").args(["rsa", "-RSAPublicKey_out", "-in"]).arg(dir.join("rsa.pem")).output().unwrap();
    std::fs::write(dir.join("rsa-public.pem"), &rsa_public.stdout).unwrap();
    import("b2", "rsa-public.pem").fails(2, "this is a public key (BEGIN RSA PUBLIC KEY)");

    openssl(&["genpkey", "-algorithm", "ed25519", "-aes-256-cbc", "-pass", "pass:secret"], &dir.join("encrypted.pem"));
    import("c", "encrypted.pem").fails(2, "the key is encrypted; decrypt it first");
    let traditional = Command::new("openssl")
        .args(["rsa", "-traditional", "-aes256", "-passout", "pass:secret", "-in"])
        .arg(dir.join("rsa.pem"))
        .output()
        .unwrap();
    std::fs::write(dir.join("encrypted-pkcs1.pem"), &traditional.stdout).unwrap();
    import("c2", "encrypted-pkcs1.pem").fails(2, "the key is encrypted");

    let status = Command::new("openssl")
        .args(["req", "-x509", "-new", "-subj", "/CN=someone", "-days", "1", "-key"])
        .arg(dir.join("good.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .status()
        .unwrap();
    assert!(status.success());
    import("d", "cert.pem").fails(2, "this is a certificate, which holds only a public key");
    // A certificate and its key in one file: the key is what is read.
    let both = std::fs::read_to_string(dir.join("cert.pem")).unwrap() + &good;
    std::fs::write(dir.join("both.pem"), both).unwrap();
    import("both", "both.pem").ok();

    std::fs::write(dir.join("cut.pem"), &good[..good.len() * 2 / 3]).unwrap();
    import("e", "cut.pem").fails(2, "the PEM is cut short (the PRIVATE KEY block has no END line)");
    let lines: Vec<&str> = good.lines().collect();
    std::fs::write(dir.join("holed.pem"), format!("{}\n{}\n{}\n", lines[0], lines[1], lines[lines.len() - 1])).unwrap();
    import("e2", "holed.pem").fails(2, "the PEM is cut short (the PRIVATE KEY block holds");

    openssl(&["genpkey", "-algorithm", "ed448"], &dir.join("ed448.pem"));
    import("f", "ed448.pem")
        .fails(2, "this is an Ed448 key, which Keyward cannot sign with: it takes RSA (2048 to 8192 bits), P-256, P-384 and Ed25519 keys");
    openssl(&["genrsa", "1024"], &dir.join("rsa1024.pem"));
    import("f2", "rsa1024.pem").fails(2, "this RSA key has 1024 bits; Keyward takes RSA keys of 2048 to 8192 bits");
    openssl(&["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"], &dir.join("p521.pem"));
    import("g", "p521.pem").fails(2, "this is a P-521 key");
    std::fs::write(dir.join("broken.pem"), "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n").unwrap();
    import("h", "broken.pem").fails(2, "the PRIVATE KEY block is not valid base64 PEM");
    assert_eq!(kw.run(&["key", "list", "--json"]).ok().json().as_array().unwrap().len(), 1, "only the good one");
}

#[test]
fn self_signed_certificates_for_every_key_type_that_openssl_verifies() {
    let kw = Kw::new();
    let dir = kw.home.path();
    let cases = [
        ("rsa", "RS256", Some("2048")),
        ("ps", "PS384", Some("3072")),
        ("p256", "ES256", None),
        ("p384", "ES384", None),
        ("ed", "EdDSA", None),
    ];
    for (name, alg, bits) in cases {
        let mut args = vec!["key", "new", name, "--alg", alg];
        if let Some(b) = bits {
            args.extend(["--bits", b]);
        }
        kw.run(&args).ok();
        let cert = dir.join(format!("{name}.crt"));
        let run = kw.run(&[
            "key",
            "cert",
            name,
            "--subject",
            "CN=keyward-client,O=Example",
            "--days",
            "30",
            "--out",
            cert.to_str().unwrap(),
        ]);
        let run = run.ok();
        assert!(run.stdout.is_empty() && run.stderr.contains("Wrote a self-signed certificate"), "{}", run.stderr);
        let info = openssl_out(&["x509", "-noout", "-subject", "-issuer", "-dates"], &cert);
        assert!(
            info.contains("subject=CN = keyward-client, O = Example")
                || info.contains("subject=CN=keyward-client, O=Example"),
            "{info}"
        );
        assert!(
            info.contains("issuer=CN = keyward-client, O = Example")
                || info.contains("issuer=CN=keyward-client, O=Example"),
            "self-signed: {info}"
        );
        // Valid now, and for 30 days (29 days from now it still is, 31 days from now it is not).
        let checkend = |secs: u64| {
            Command::new("openssl")
                .args(["x509", "-noout", "-checkend", &secs.to_string(), "-in"])
                .arg(&cert)
                .status()
                .unwrap()
                .success()
        };
        assert!(checkend(29 * 86_400) && !checkend(31 * 86_400), "{info}");
        let public = openssl_out(&["x509", "-noout", "-pubkey"], &cert);
        assert_eq!(
            public.trim(),
            kw.run(&["key", "export", name]).ok().stdout.trim(),
            "{name}: the key pair's public key"
        );
        // The signature verifies with the certificate's own key.
        let verify = Command::new("openssl")
            .args(["verify", "-CAfile"])
            .arg(&cert)
            .arg("-x509_strict")
            .arg(&cert)
            .output()
            .unwrap();
        assert!(verify.status.success(), "{name}: {}", String::from_utf8_lossy(&verify.stdout));
        let text = openssl_out(&["x509", "-noout", "-text"], &cert);
        assert!(text.contains("TLS Web Client Authentication") && text.contains("Digital Signature"), "{text}");
    }
    // To standard output without --out; the default validity is a year.
    let out = kw.run(&["key", "cert", "ed", "--subject", "/CN=a/OU=b"]).ok();
    assert!(out.stdout.starts_with("-----BEGIN CERTIFICATE-----"), "{}", out.stdout);
    let cert = dir.join("stdout.crt");
    std::fs::write(&cert, &out.stdout).unwrap();
    let info = openssl_out(&["x509", "-noout", "-subject"], &cert);
    assert!(info.contains("CN = a, OU = b") || info.contains("CN=a, OU=b"), "{info}");
    let serial = openssl_out(&["x509", "-noout", "-serial"], &cert);
    std::fs::write(&cert, kw.run(&["key", "cert", "ed", "--subject", "/CN=a/OU=b"]).ok().stdout).unwrap();
    assert_ne!(openssl_out(&["x509", "-noout", "-serial"], &cert), serial, "a new serial each time");
    kw.run(&["key", "cert", "ed", "--subject", "O=Example"]).fails(2, "give a CN");
    kw.run(&["key", "cert", "ed", "--subject", "CN=a,Email=x@y"]).fails(2, "use CN, O, OU, C, ST or L");
    kw.run(&["key", "cert", "ed", "--subject", "CN=a", "--days", "0"]).fails(2, "from 1 to 36500 days");
    kw.run(&["key", "cert", "nope", "--subject", "CN=a"]).fails(2, "no key pair named \"nope\"");
    let audit = kw.read("audit.jsonl");
    assert!(audit.contains("self-signed certificate for CN=keyward-client,O=Example"), "{audit}");
}
