#!/usr/bin/env python3
"""Keyward test rig: validates SAML 2.0 bearer assertions (RFC 7522) for provider.mjs's /saml/token.

provider.mjs starts it when given --saml-idp-cert and talks JSON lines over stdin/stdout:
  -> {"id": 1, "assertion": "<base64url>"}
  <- {"id": 1, "ok": true, "sub": "alice@example.com", "assertion_id": "_…", "issuer": "…"}
  <- {"id": 1, "ok": false, "error_description": "…what is wrong…"}
The first line it prints is {"ready": true}. It exits when its stdin closes.

  python saml_sp.py --idp-cert PEM --idp-issuer ID --sp-entity-id ID --token-endpoint URL [--skew S]

Checks, in order: base64url encoding (RFC 7522 §2.1: no padding, no line breaks), size, XML without DTDs or
entities (lxml: resolve_entities=False, no_network=True, load_dtd=False), root is saml:Assertion, XML-DSig
signature (signxml: RSA-SHA256 + SHA-256 digests, the ds:Signature a direct child of the Assertion, verified
with the configured IdP certificate only, and the signed element must be the Assertion itself — everything
after that is read from the signed element only), Issuer, Conditions NotBefore/NotOnOrAfter, Audience,
bearer SubjectConfirmation (NotOnOrAfter, Recipient when present), NameID, one-time use of the Assertion ID.
"""

import argparse
import base64
import binascii
import datetime as dt
import json
import re
import sys

from cryptography import x509
from lxml import etree
from signxml import SignatureConfiguration, XMLVerifier
from signxml.algorithms import DigestAlgorithm, SignatureMethod
from signxml.exceptions import InvalidCertificate, InvalidDigest, InvalidInput, InvalidSignature, SignXMLException

SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
DS = "http://www.w3.org/2000/09/xmldsig#"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
MAX_BYTES = 256 * 1024
NS = {"saml": SAML, "ds": DS}


class Refused(Exception):
    pass


def parse_instant(value, what):
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)", value or "")
    if not m:
        raise Refused(f"{what}: not an xs:dateTime in UTC ({value!r})")
    text = m.group(1) + (m.group(2) or "") + ("+00:00" if m.group(3) == "Z" else m.group(3))
    return dt.datetime.fromisoformat(text)


def local(tag):
    return etree.QName(tag).localname if isinstance(tag, str) else str(tag)


def prefixed(el):
    ns = etree.QName(el).namespace
    name = etree.QName(el).localname
    return {SAML: "saml:", SAMLP: "samlp:", DS: "ds:"}.get(ns, f"{{{ns}}}" if ns else "") + name


class Validator:
    def __init__(self, cert_pem, idp_issuer, sp_entity_id, token_endpoint, skew):
        self.cert = x509.load_pem_x509_certificate(cert_pem)
        self.idp_issuer = idp_issuer
        self.sp_entity_id = sp_entity_id
        self.token_endpoint = token_endpoint
        self.skew = skew
        self.used_ids = {}  # Assertion ID -> its NotOnOrAfter
        self.parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
        )

    def decode(self, value):
        if not value:
            raise Refused("assertion parameter is empty")
        if len(value) > MAX_BYTES * 4 // 3 + 4:
            raise Refused(f"assertion is larger than {MAX_BYTES} bytes")
        if re.search(r"\s", value):
            raise Refused("assertion is line-wrapped or has whitespace; RFC 7522 §2.1 wants base64url without line breaks")
        if "=" in value:
            raise Refused("assertion has base64 padding '='; RFC 7522 §2.1 wants base64url without padding")
        if re.search(r"[+/]", value):
            raise Refused("assertion is standard base64 ('+' or '/'); RFC 7522 §2.1 wants base64url ('-' and '_')")
        if not re.fullmatch(r"[A-Za-z0-9_-]+", value):
            raise Refused("assertion is not base64url")
        try:
            return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        except (binascii.Error, ValueError) as e:
            raise Refused(f"assertion is not base64url ({e})")

    def parse(self, xml):
        if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
            raise Refused("assertion XML has a DTD (<!DOCTYPE/<!ENTITY); DTDs and entities are refused")
        try:
            root = etree.fromstring(xml, parser=self.parser)
        except etree.XMLSyntaxError as e:
            raise Refused(f"assertion is not well-formed XML ({e})")
        docinfo = root.getroottree().docinfo
        if docinfo.internalDTD is not None or docinfo.externalDTD is not None or docinfo.doctype:
            raise Refused("assertion XML has a DTD; DTDs and entities are refused")
        for _ in root.iter(etree.Entity):
            raise Refused("assertion XML has entity references; entities are refused")
        return root

    def validate(self, value, now=None):
        now = now or dt.datetime.now(dt.timezone.utc)
        xml = self.decode(value)
        root = self.parse(xml)

        if root.tag == f"{{{SAMLP}}}Response":
            signed = "the Response is signed" if root.find("ds:Signature", NS) is not None else "nothing is signed"
            inner = root.find("saml:Assertion", NS)
            inner_signed = inner is not None and inner.find("ds:Signature", NS) is not None
            raise Refused(
                "assertion holds a samlp:Response, not a saml:Assertion; RFC 7522 wants the Assertion itself "
                + ("(its Assertion is signed: send that element)" if inner_signed
                   else f"({signed}; the token endpoint needs an Assertion signed by the IdP)")
            )
        if root.tag != f"{{{SAML}}}Assertion":
            raise Refused(f"root element is {prefixed(root)}, expected saml:Assertion")
        assertion_id = root.get("ID")
        if not assertion_id:
            raise Refused("saml:Assertion has no ID attribute")

        # Signature: a ds:Signature directly inside the Assertion, verified with the IdP certificate only.
        if root.find("ds:Signature", NS) is None:
            anywhere = root.find(".//ds:Signature", NS) is not None
            raise Refused(
                "assertion is not signed (no ds:Signature in the saml:Assertion"
                + ("; a signature elsewhere in it does not count" if anywhere else "")
                + "); the token endpoint needs an Assertion signed by the IdP"
            )
        config = SignatureConfiguration(
            location="./",
            expect_references=1,
            signature_methods=frozenset({SignatureMethod.RSA_SHA256}),
            digest_algorithms=frozenset({DigestAlgorithm.SHA256}),
        )
        try:
            result = XMLVerifier().verify(xml, x509_cert=self.cert, id_attribute="ID", expect_config=config)
        except InvalidDigest as e:
            raise Refused(f"signature does not verify: digest mismatch, the Assertion was changed after it was signed ({e})")
        except InvalidCertificate as e:
            raise Refused(f"signature does not verify: IdP certificate problem ({e})")
        except InvalidSignature as e:
            raise Refused(f"signature does not verify with the IdP certificate, signed by another key? ({e})")
        except (InvalidInput, SignXMLException, ValueError) as e:
            raise Refused(f"signature does not verify ({e})")
        signed = result.signed_xml
        if signed is None or signed.tag != f"{{{SAML}}}Assertion" or signed.get("ID") != assertion_id:
            what = "nothing" if signed is None else f"{prefixed(signed)} ID={signed.get('ID')!r}"
            raise Refused(f"the signature covers {what}, not the saml:Assertion ID={assertion_id!r}")

        # From here on, read only what was signed.
        issuer = signed.findtext("saml:Issuer", namespaces=NS)
        if issuer is None:
            raise Refused("assertion has no saml:Issuer")
        if issuer.strip() != self.idp_issuer:
            raise Refused(f"Issuer: expected {self.idp_issuer}, got {issuer.strip()}")

        expiries = []
        conditions = signed.find("saml:Conditions", NS)
        if conditions is not None:
            if conditions.get("NotBefore"):
                nb = parse_instant(conditions.get("NotBefore"), "Conditions NotBefore")
                ahead = (nb - now).total_seconds()
                if ahead > self.skew:
                    raise Refused(
                        f"assertion is not yet valid: Conditions NotBefore {conditions.get('NotBefore')} "
                        f"is {int(ahead)} s in the future (allowed clock skew {self.skew} s)"
                    )
            if conditions.get("NotOnOrAfter"):
                expiries.append(("Conditions NotOnOrAfter", conditions.get("NotOnOrAfter")))
            audiences = [a.text.strip() for a in conditions.findall("saml:AudienceRestriction/saml:Audience", NS)
                         if a.text]
        else:
            audiences = []
        if not audiences:
            raise Refused(f"assertion has no AudienceRestriction/Audience; expected {self.sp_entity_id} (the SP entity ID)")
        if self.sp_entity_id not in audiences:
            raise Refused(f"Audience: expected {self.sp_entity_id} (the SP entity ID), got {', '.join(audiences)}")

        subject = signed.find("saml:Subject", NS)
        name_id = subject.findtext("saml:NameID", namespaces=NS) if subject is not None else None
        if not name_id or not name_id.strip():
            raise Refused("assertion has no saml:Subject/saml:NameID")
        bearers = [sc for sc in subject.findall("saml:SubjectConfirmation", NS) if sc.get("Method") == BEARER]
        if not bearers:
            raise Refused(f"assertion has no SubjectConfirmation with Method {BEARER} (RFC 7522 §3)")
        data = bearers[0].find("saml:SubjectConfirmationData", NS)
        if data is not None:
            if data.get("NotOnOrAfter"):
                expiries.append(("SubjectConfirmationData NotOnOrAfter", data.get("NotOnOrAfter")))
            recipient = data.get("Recipient")
            if recipient is not None and recipient != self.token_endpoint:
                raise Refused(f"Recipient: expected {self.token_endpoint} (the token endpoint), got {recipient}")
        if not expiries:
            raise Refused("assertion has no NotOnOrAfter (RFC 7522 §3 wants an expiry in Conditions or SubjectConfirmationData)")
        latest_expiry = None
        for what, value in expiries:
            t = parse_instant(value, what)
            past = (now - t).total_seconds()
            if past >= self.skew:
                raise Refused(f"assertion expired: {what} {value} was {int(past)} s ago (allowed clock skew {self.skew} s)")
            latest_expiry = t if latest_expiry is None else max(latest_expiry, t)

        # One-time use.
        for used, until in list(self.used_ids.items()):
            if (now - until).total_seconds() > self.skew:
                del self.used_ids[used]
        if assertion_id in self.used_ids:
            raise Refused(f"assertion ID {assertion_id} was already used; an assertion is good for one token request")
        self.used_ids[assertion_id] = latest_expiry
        return {"sub": name_id.strip(), "assertion_id": assertion_id, "issuer": issuer.strip()}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--idp-cert", required=True)
    p.add_argument("--idp-issuer", required=True)
    p.add_argument("--sp-entity-id", required=True)
    p.add_argument("--token-endpoint", required=True)
    p.add_argument("--skew", type=int, default=30)
    args = p.parse_args()
    with open(args.idp_cert, "rb") as f:
        cert_pem = f.read()
    v = Validator(cert_pem, args.idp_issuer, args.sp_entity_id, args.token_endpoint, args.skew)
    out = sys.stdout
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        req_id = None
        try:
            req = json.loads(line)
            req_id = req.get("id")
            answer = {"id": req_id, "ok": True, **v.validate(req.get("assertion") or "")}
        except Refused as e:
            answer = {"id": req_id, "ok": False, "error_description": str(e)}
        except Exception as e:  # a bug in the rig, not the assertion: say so
            answer = {"id": req_id, "ok": False, "error_description": f"rig SAML validator failed: {type(e).__name__}: {e}"}
        out.write(json.dumps(answer) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
