#!/usr/bin/env python3
"""Keyward test rig: a SAML 2.0 IdP that signs assertions (signxml: XML-DSig RSA-SHA256, exclusive C14N).

  tests/.venv/bin/python tests/rig/saml_idp.py cert [--key KEYDIR] [--days N]
      creates the IdP key and self-signed certificate in KEYDIR if missing (valid for N days from now, default
      3650; negative: expired N days ago); prints the certificate's path
  tests/.venv/bin/python tests/rig/saml_idp.py assertion --audience AUD [--issuer IDP] [--subject EMAIL]
      [--recipient URL] [--not-before-offset S] [--lifetime S] [--unsigned]
      [--as-response signed-assertion|signed-response|unsigned] [--tamper] [--xsw] [--id ID] [--key KEYDIR] [--base64url]
      [--attribute NAME=VALUE]... [--wrap second-assertion|duplicate-id|moved]
      prints one <saml:Assertion> (or a <samlp:Response> wrapping it), compact XML, then a newline
  tests/.venv/bin/python tests/rig/saml_idp.py batch
      reads one JSON array of `assertion` arguments per stdin line, prints each assertion base64url-encoded on one line

KEYDIR (default $TMPDIR/keyward-rig-saml-idp) holds idp-key.pem and idp-cert.pem. See tests/rig/README.md.
"""

import argparse
import base64
import copy
import datetime as dt
import fcntl
import os
import secrets
import sys
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import XMLSigner, methods
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod

SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
DS = "http://www.w3.org/2000/09/xmldsig#"
EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
DEFAULT_ISSUER = "https://idp.keyward.test/metadata"
DEFAULT_KEYDIR = os.path.join(tempfile.gettempdir(), "keyward-rig-saml-idp")


def ensure_keys(keydir, days=3650):
    """Returns (key_pem, cert_pem, cert_path), creating an RSA-2048 key and a self-signed cert if missing
    (valid until now + `days`, which may be negative for an expired one)."""
    key_path = os.path.join(keydir, "idp-key.pem")
    cert_path = os.path.join(keydir, "idp-cert.pem")
    os.makedirs(keydir, exist_ok=True)
    # Tests may share a KEYDIR and run at once: create the pair under a lock, each file via temp + rename.
    with open(os.path.join(keydir, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (os.path.exists(key_path) and os.path.exists(cert_path)):
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Keyward rig IdP")])
            now = dt.datetime.now(dt.timezone.utc)
            cert = (
                x509.CertificateBuilder()
                .subject_name(name)
                .issuer_name(name)
                .public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(min(now, now + dt.timedelta(days=days)) - dt.timedelta(days=1))
                .not_valid_after(now + dt.timedelta(days=days))
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .sign(key, hashes.SHA256())
            )
            key_pem = key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            for path, data, mode in ((key_path, key_pem, 0o600),
                                     (cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)):
                tmp = f"{path}.{os.getpid()}.tmp"
                with open(tmp, "wb") as f:
                    f.write(data)
                os.chmod(tmp, mode)
                os.replace(tmp, path)
    with open(key_path, "rb") as f:
        key_pem = f.read()
    with open(cert_path, "rb") as f:
        cert_pem = f.read()
    return key_pem, cert_pem, cert_path


def instant(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def q(ns, tag):
    return f"{{{ns}}}{tag}"


def build_assertion(args, now):
    not_before = now + dt.timedelta(seconds=args.not_before_offset)
    not_on_or_after = not_before + dt.timedelta(seconds=args.lifetime)
    assertion_id = args.id or "_" + secrets.token_hex(16)
    a = etree.Element(q(SAML, "Assertion"), nsmap={"saml": SAML})
    a.set("ID", assertion_id)
    a.set("Version", "2.0")
    a.set("IssueInstant", instant(now))
    etree.SubElement(a, q(SAML, "Issuer")).text = args.issuer
    subject = etree.SubElement(a, q(SAML, "Subject"))
    name_id = etree.SubElement(subject, q(SAML, "NameID"))
    name_id.set("Format", EMAIL_FORMAT)
    name_id.text = args.subject
    confirmation = etree.SubElement(subject, q(SAML, "SubjectConfirmation"))
    confirmation.set("Method", BEARER)
    data = etree.SubElement(confirmation, q(SAML, "SubjectConfirmationData"))
    data.set("NotOnOrAfter", instant(not_on_or_after))
    if args.recipient:
        data.set("Recipient", args.recipient)
    conditions = etree.SubElement(a, q(SAML, "Conditions"))
    conditions.set("NotBefore", instant(not_before))
    conditions.set("NotOnOrAfter", instant(not_on_or_after))
    restriction = etree.SubElement(conditions, q(SAML, "AudienceRestriction"))
    etree.SubElement(restriction, q(SAML, "Audience")).text = args.audience
    authn = etree.SubElement(a, q(SAML, "AuthnStatement"))
    authn.set("AuthnInstant", instant(now))
    authn.set("SessionIndex", "_" + secrets.token_hex(8))
    context = etree.SubElement(authn, q(SAML, "AuthnContext"))
    etree.SubElement(context, q(SAML, "AuthnContextClassRef")).text = (
        "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
    )
    if args.attribute:
        statement = etree.SubElement(a, q(SAML, "AttributeStatement"))
        by_name = {}
        for pair in args.attribute:
            name, _, value = pair.partition("=")
            if name not in by_name:
                by_name[name] = etree.SubElement(statement, q(SAML, "Attribute"))
                by_name[name].set("Name", name)
                by_name[name].set("NameFormat", "urn:oasis:names:tc:SAML:2.0:attrname-format:basic")
            etree.SubElement(by_name[name], q(SAML, "AttributeValue")).text = value
    return a


def sign(element, key_pem, cert_pem):
    """Enveloped signature over the element (Reference URI #ID), placed right after its saml:Issuer."""
    placeholder = etree.Element(q(DS, "Signature"), nsmap={"ds": DS})
    placeholder.set("Id", "placeholder")
    element.insert(1, placeholder)  # after Issuer, as the SAML schema wants
    signer = XMLSigner(
        method=methods.enveloped,
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    signed = signer.sign(
        element, key=key_pem, cert=cert_pem.decode(), reference_uri="#" + element.get("ID"), id_attribute="ID"
    )
    # Re-parse the serialised form: what the verifier sees is bytes, not this tree.
    return etree.fromstring(etree.tostring(signed))


def tamper(assertion):
    name_id = assertion.find(f"{{{SAML}}}Subject/{{{SAML}}}NameID")
    name_id.text = "mallory@example.com"


def signature_wrapping(signed):
    """XML signature wrapping (XSW): a forged Assertion (another ID, NameID mallory@example.com) carries the
    genuine signature, and the genuine Assertion it covers hides inside that signature's ds:Object. The
    signature still verifies, but it covers the hidden Assertion, not the one a naive reader looks at."""
    signature = signed.find(f"{{{DS}}}Signature")
    genuine = copy.deepcopy(signed)
    genuine.remove(genuine.find(f"{{{DS}}}Signature"))
    forged = copy.deepcopy(signed)
    forged.remove(forged.find(f"{{{DS}}}Signature"))
    forged.set("ID", "_" + secrets.token_hex(16))
    tamper(forged)
    wrapper = copy.deepcopy(signature)
    obj = etree.SubElement(wrapper, q(DS, "Object"))
    obj.append(genuine)
    forged.insert(1, wrapper)
    return etree.fromstring(etree.tostring(forged))


def wrapped(response, kind):
    """Signature wrapping inside a Response whose Assertion is signed. `second-assertion`: a forged, unsigned
    Assertion (another ID, NameID mallory@example.com) before the genuine one; `duplicate-id`: the same, with
    the genuine Assertion's ID; `moved`: the forged Assertion takes the genuine one's place, and the genuine,
    still signed, moves inside it (after its Issuer's siblings)."""
    genuine = response.find(f"{{{SAML}}}Assertion")
    forged = copy.deepcopy(genuine)
    forged.remove(forged.find(f"{{{DS}}}Signature"))
    tamper(forged)
    if kind == "second-assertion":
        forged.set("ID", "_" + secrets.token_hex(16))
        genuine.addprevious(forged)
    elif kind == "duplicate-id":
        genuine.addprevious(forged)
    else:  # moved
        forged.set("ID", "_" + secrets.token_hex(16))
        genuine.addprevious(forged)
        forged.append(genuine)
    return etree.fromstring(etree.tostring(response))


def wrap_in_response(assertion, args, now):
    r = etree.Element(q(SAMLP, "Response"), nsmap={"samlp": SAMLP, "saml": SAML})
    r.set("ID", "_" + secrets.token_hex(16))
    r.set("Version", "2.0")
    r.set("IssueInstant", instant(now))
    if args.recipient:
        r.set("Destination", args.recipient)
    etree.SubElement(r, q(SAML, "Issuer")).text = args.issuer
    status = etree.SubElement(r, q(SAMLP, "Status"))
    etree.SubElement(status, q(SAMLP, "StatusCode")).set("Value", "urn:oasis:names:tc:SAML:2.0:status:Success")
    r.append(assertion)
    return r


def cmd_assertion(args):
    key_pem, cert_pem, _ = ensure_keys(args.key)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    assertion = build_assertion(args, now)
    mode = args.as_response
    if args.wrap:
        out = wrapped(wrap_in_response(sign(assertion, key_pem, cert_pem), args, now), args.wrap)
    elif mode is None:
        out = assertion if args.unsigned else sign(assertion, key_pem, cert_pem)
        if args.tamper:
            tamper(out)
        if args.xsw:
            out = signature_wrapping(out)
    elif mode == "signed-assertion":
        signed = sign(assertion, key_pem, cert_pem)
        if args.tamper:
            tamper(signed)
        out = wrap_in_response(signed, args, now)
    elif mode == "signed-response":
        out = sign(wrap_in_response(assertion, args, now), key_pem, cert_pem)
        if args.tamper:
            tamper(out.find(f"{{{SAML}}}Assertion"))
    else:  # unsigned
        out = wrap_in_response(assertion, args, now)
        if args.tamper:
            tamper(assertion)
    xml = etree.tostring(out)
    if args.base64url:
        sys.stdout.write(base64.urlsafe_b64encode(xml).decode().rstrip("=") + "\n")
    else:
        sys.stdout.write(xml.decode() + "\n")


def cmd_cert(args):
    _, _, cert_path = ensure_keys(args.key, args.days)
    print(os.path.abspath(cert_path))


def main():
    parser = argparse.ArgumentParser(description="Keyward rig SAML IdP: signs assertions")
    sub = parser.add_subparsers(dest="command", required=True)

    c = sub.add_parser("cert", help="create the IdP key + certificate if missing, print the certificate path")
    c.add_argument("--key", default=DEFAULT_KEYDIR, metavar="KEYDIR")
    c.add_argument("--days", type=int, default=3650, metavar="N",
                   help="a new certificate is valid for N days from now (negative: expired); default 3650")
    c.set_defaults(func=cmd_cert)

    a = sub.add_parser("assertion", help="print a SAML 2.0 Assertion (or Response)")
    a.add_argument("--audience", required=True, help="Audience (the SP entity ID)")
    a.add_argument("--issuer", default=DEFAULT_ISSUER, help=f"IdP entity ID (default {DEFAULT_ISSUER})")
    a.add_argument("--subject", default="alice@example.com", help="NameID (emailAddress format)")
    a.add_argument("--recipient", default=None, help="SubjectConfirmationData Recipient (omitted if not given)")
    a.add_argument("--not-before-offset", type=int, default=0, metavar="S", help="NotBefore = now + S")
    a.add_argument("--lifetime", type=int, default=300, metavar="S", help="NotOnOrAfter = NotBefore + S")
    a.add_argument("--unsigned", action="store_true", help="do not sign the (bare) Assertion")
    a.add_argument("--as-response", choices=["signed-assertion", "signed-response", "unsigned"],
                   help="wrap the Assertion in a samlp:Response, signing the Assertion, the Response, or nothing")
    a.add_argument("--tamper", action="store_true", help="change the NameID after signing")
    a.add_argument("--xsw", action="store_true",
                   help="signature wrapping attack: a forged Assertion carrying the genuine signature, "
                   "the genuine Assertion hidden in ds:Object")
    a.add_argument("--id", default=None, help="the Assertion ID (default: random)")
    a.add_argument("--attribute", action="append", default=[], metavar="NAME=VALUE",
                   help="an AttributeStatement attribute value (repeatable; a name given twice has two values)")
    a.add_argument("--wrap", choices=["second-assertion", "duplicate-id", "moved"],
                   help="signature wrapping in a Response whose Assertion is signed: a forged unsigned Assertion "
                   "beside it, the same with the genuine ID, or the genuine moved inside the forged one")
    a.add_argument("--key", default=DEFAULT_KEYDIR, metavar="KEYDIR")
    a.add_argument("--base64url", action="store_true", help="print base64url (no padding) instead of XML")
    a.set_defaults(func=cmd_assertion)

    b = sub.add_parser("batch", help="read one JSON array of `assertion` arguments per stdin line, "
                       "print each one base64url-encoded on its own line (one process for many assertions)")
    b.set_defaults(func=None)

    args = parser.parse_args()
    if args.command == "batch":
        import json

        for line in sys.stdin:
            if line.strip():
                one = parser.parse_args(["assertion", *json.loads(line)])
                one.base64url = True  # the XML itself has line breaks (in X509Certificate)
                one.func(one)
                sys.stdout.flush()
        return
    args.func(args)


if __name__ == "__main__":
    main()
