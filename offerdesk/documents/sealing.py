"""OfferDesk's document certificate, the PAdES seal (pyHanko) and its verification.

The certificate comes from the settings (`OFFERDESK_DOCUMENT_CERT_FILE`, `…_KEY_FILE`, `…_KEY_PASSWORD`) or,
when none is configured, from a self-signed one created on first use under the var dir."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from asn1crypto import cms as asn1_cms
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from . import generation

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
SEAL_FIELD = "OfferDeskSeal"
DEFAULT_CERT_NAME = "document-seal.pem"
CERT_YEARS = 10


@dataclass(frozen=True)
class Credentials:
    """The document certificate and its key, as pyHanko takes them."""

    certificate: asn1_x509.Certificate
    key: asn1_keys.PrivateKeyInfo

    @property
    def fingerprint(self) -> str:
        return self.certificate.sha256.hex()

    @property
    def subject(self) -> str:
        return str(self.certificate.subject.human_friendly)


def self_signed_pem(*, name: str, key: PrivateKey, days: int, organization: str = "OfferDesk") -> bytes:
    """A self-signed signing certificate for `key` under the common name `name`, and the key, in one PEM."""
    subject = x509.Name(
        [x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization), x509.NameAttribute(NameOID.COMMON_NAME, name)]
    )
    now = dt.datetime.now(dt.UTC)
    usage = dict.fromkeys(
        ("key_encipherment", "data_encipherment", "key_agreement", "crl_sign", "encipher_only", "decipher_only"),
        False,
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=True, content_commitment=True, key_cert_sign=True, **usage), critical=True
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem + cert.public_bytes(serialization.Encoding.PEM)


def credentials_from_pem(cert_pem: bytes, key_pem: bytes, password: str = "") -> Credentials:
    """Credentials read from PEM: the certificate, and its private key (decrypted with `password`, if any)."""
    cert = x509.load_pem_x509_certificate(cert_pem)
    key = serialization.load_pem_private_key(key_pem, password=password.encode() or None)
    key_der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return Credentials(
        certificate=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        key=asn1_keys.PrivateKeyInfo.load(key_der),
    )


def _create_once(path: Path) -> None:
    """Write a new certificate at `path` unless one is there; two processes racing end with the same one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, prefix=".seal-") as handle:
        key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
        handle.write(self_signed_pem(name="OfferDesk document seal (self-signed)", key=key, days=365 * CERT_YEARS))
    os.chmod(handle.name, 0o600)
    try:
        os.link(handle.name, path)  # atomic, and fails if another process got there first
    except FileExistsError:
        pass
    finally:
        os.unlink(handle.name)


@lru_cache(maxsize=4)
def _load(cert_file: str, key_file: str, password: str) -> Credentials:
    return credentials_from_pem(Path(cert_file).read_bytes(), Path(key_file).read_bytes(), password)


def document_credentials() -> Credentials:
    """The configured document certificate, or the self-signed one under the var dir (created on first use)."""
    cert_file = settings.OFFERDESK_DOCUMENT_CERT_FILE
    key_file = settings.OFFERDESK_DOCUMENT_KEY_FILE
    if not cert_file:
        default = Path(settings.VAR_DIR) / DEFAULT_CERT_NAME
        if not default.exists():
            _create_once(default)
        cert_file = key_file = str(default)
    return _load(str(cert_file), str(key_file or cert_file), settings.OFFERDESK_DOCUMENT_KEY_PASSWORD)


def seal(data: bytes, *, reason: str, credentials: Credentials | None = None, field: str = SEAL_FIELD) -> bytes:
    """The PDF with a PAdES signature over the whole file, under the document certificate (or those given)."""
    creds = credentials or document_credentials()
    signer = signers.SimpleSigner(
        signing_cert=creds.certificate,
        signing_key=creds.key,
        cert_registry=SimpleCertificateStore.from_certs([creds.certificate]),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        name="OfferDesk",
    )
    return signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), meta, signer=signer).getvalue()


# ------------------------------------------------------------------------------------------ verifying


@dataclass(frozen=True)
class SignatureCheck:
    """One digital signature found in a PDF and what its verification said."""

    field: str
    signer: str
    intact: bool
    valid: bool
    trusted: bool
    covers_whole_file: bool
    offerdesk_seal: bool
    summary: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Verification:
    """Whether a file is an intact OfferDesk document; for which voucher and template; signed by whom."""

    intact: bool
    reason: str
    sha256: str
    voucher_code: str = ""
    template_id: str = ""
    template_version: str = ""
    kind: str = ""
    document_key: str = ""
    sealed_by: str = ""
    signers: tuple[dict[str, str], ...] = ()
    signatures: tuple[SignatureCheck, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["signers"] = list(self.signers)
        data["signatures"] = [s.as_dict() for s in self.signatures]
        return data


def _padding_is_clean(sig: Any) -> bool:
    """The signature's /Contents is the CMS blob and zeros: a byte changed in the padding is a change too,
    which the CMS parser alone would not see."""
    raw = bytes(sig.sig_object["/Contents"])
    der = asn1_cms.ContentInfo.load(raw, strict=False).dump()
    return raw.startswith(der) and not raw[len(der) :].strip(b"\x00")


def _certificates_are(sig: Any, allowed: set[bytes]) -> bool:
    """Every certificate embedded in the signature is one of `allowed`, byte for byte (pyHanko finds the signer
    among the trust roots by issuer and serial number, so an altered embedded copy would go unnoticed)."""
    embedded = sig.signed_data["certificates"]
    return all(choice.chosen.sha256 in allowed for choice in embedded)


def document_certificates() -> tuple[asn1_x509.Certificate, ...]:
    """The certificates a seal may be made with: today's, then the retired ones still trusted for what they
    sealed (OFFERDESK_DOCUMENT_RETIRED_CERT_FILES, after a rotation)."""
    retired = tuple(_load_certificate(str(path)) for path in settings.OFFERDESK_DOCUMENT_RETIRED_CERT_FILES)
    return (document_credentials().certificate, *retired)


@lru_cache(maxsize=16)
def _load_certificate(cert_file: str) -> asn1_x509.Certificate:
    cert = x509.load_pem_x509_certificate(Path(cert_file).read_bytes())
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def check_signatures(data: bytes) -> tuple[SignatureCheck, ...]:
    """Every digital signature in the PDF, verified against OfferDesk's certificates (today's and the retired
    ones) as the only trust roots (no network: a partner's own certificate shows as valid but not trusted)."""
    roots = document_certificates()
    ours_by_hash = {cert.sha256 for cert in roots}
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    checks = []
    for sig in reader.embedded_signatures:
        context = ValidationContext(trust_roots=list(roots), allow_fetching=False)
        try:
            status = validate_pdf_signature(sig, context)
            clean = _padding_is_clean(sig)
        except Exception as error:
            checks.append(
                SignatureCheck(sig.field_name, "", False, False, False, False, False, f"cannot be checked: {error}")
            )
            continue
        whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        ours = sig.field_name == SEAL_FIELD and status.signing_cert.sha256 in ours_by_hash
        if ours:  # the seal carries our certificate itself: a byte changed there is a change (the CMS's
            clean = clean and _certificates_are(sig, ours_by_hash)  # certificates are outside what it signs)
        checks.append(
            SignatureCheck(
                field=sig.field_name,
                signer=str(status.signing_cert.subject.human_friendly),
                intact=bool(status.intact and clean),
                valid=bool(status.valid),
                trusted=bool(status.trusted),
                covers_whole_file=whole,
                offerdesk_seal=ours,
                summary=status.summary(),
            )
        )
    return tuple(checks)


def verify_bytes(data: bytes, *, info: dict[str, str]) -> Verification:
    """Whether `data` (already known to be a readable PDF, with its document information `info`) is an intact
    OfferDesk document: sealed under its certificate, nothing changed or added after the seal."""
    digest = hashlib.sha256(data).hexdigest()
    found: dict[str, Any] = {
        "voucher_code": info.get(generation.META_VOUCHER, ""),
        "template_id": info.get(generation.META_TEMPLATE_ID, ""),
        "template_version": info.get(generation.META_TEMPLATE_VERSION, ""),
        "kind": info.get(generation.META_KIND, ""),
        "document_key": info.get(generation.META_DOCUMENT, ""),
    }
    try:
        checks = check_signatures(data)
    except Exception as error:
        return Verification(False, f"the file cannot be read as a signed PDF: {error}", digest, **found)
    seals = [c for c in checks if c.field == SEAL_FIELD]
    if not seals:
        return Verification(False, "the file carries no OfferDesk seal", digest, signatures=checks, **found)
    seal_check = seals[-1]
    problems = []
    if not seal_check.offerdesk_seal:
        problems.append("the seal is not made with OfferDesk's document certificate")
    if not (seal_check.intact and seal_check.valid):
        problems.append("the file was changed after it was sealed")
    elif not seal_check.covers_whole_file:
        problems.append("something was added to the file after it was sealed")
    if not seal_check.trusted:
        problems.append("the seal's certificate is not OfferDesk's trusted document certificate")
    try:
        signers_ = tuple(json.loads(info.get(generation.META_SIGNERS, "[]")))
    except ValueError:
        signers_ = ()
        problems.append("the signature list cannot be read")
    reason = "; ".join(dict.fromkeys(problems)) or "intact: sealed by OfferDesk and unchanged since"
    return Verification(
        intact=not problems,
        reason=reason,
        sha256=digest,
        sealed_by=seal_check.signer,
        signers=signers_,
        signatures=checks,
        **found,
    )
