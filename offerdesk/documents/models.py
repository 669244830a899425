"""SOW and POE documents: generated from the program template and signed in OfferDesk, or uploaded."""

from __future__ import annotations

import secrets
from typing import Any, cast

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.db import models
from django.db.models import Q
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

from offerdesk.core.fields import money_field
from offerdesk.core.models import TimeStampedModel
from offerdesk.redemptions.choices import RequestKind, SignatureParty

from .choices import LIVE_DOCUMENT_STATUSES, DocumentOrigin, DocumentStatus, SignatureMethod


def new_document_key() -> str:
    """An unguessable key for a document's links: 24 URL-safe characters (144 bits)."""
    return secrets.token_urlsafe(18)


class _DocumentStorage(LazyObject):
    """`storages["documents"]`, looked up again after the setting changes. A FileField calls its storage callable
    once, when the model is defined: without this, files went wherever the storage pointed at import time (var/,
    under tests that give each test a folder of its own)."""

    _wrapped: Any  # the storage, or `empty` until the first use

    def _setup(self) -> None:
        self._wrapped = storages["documents"]


DOCUMENT_STORAGE = _DocumentStorage()


@receiver(setting_changed)
def _storages_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "STORAGES":
        DOCUMENT_STORAGE._wrapped = empty


def document_storage() -> Storage:
    """The storage documents live in (`STORAGES["documents"]`: the file system, or S3 by configuration)."""
    return cast(Storage, DOCUMENT_STORAGE)


def document_file_name(instance: Any, filename: str) -> str:
    """A random name: nothing about the voucher or the customer shows in the storage's listing."""
    return f"documents/{secrets.token_hex(16)}.pdf"


class Document(TimeStampedModel):
    """A SOW or POE of a voucher: the PDF the signers saw (or the file uploaded), and once both parties
    signed in OfferDesk, the sealed PDF with its signature page."""

    key = models.CharField(max_length=32, unique=True, default=new_document_key, editable=False)
    voucher = models.ForeignKey("vouchers.Voucher", on_delete=models.PROTECT, related_name="documents")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=3, choices=RequestKind.choices)
    origin = models.CharField(max_length=10, choices=DocumentOrigin.choices, default=DocumentOrigin.GENERATED)
    status = models.CharField(max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.AWAITING_PARTNER)
    template_id = models.CharField(max_length=40)
    template_version = models.CharField(max_length=20, blank=True)
    value = money_field(null=True, blank=True, help_text="The SOW value S (USD).")
    users_deployed = models.PositiveIntegerField(null=True, blank=True)
    workload_users = models.JSONField(default=dict, blank=True)
    file = models.FileField(storage=document_storage, upload_to=document_file_name, max_length=200)
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the file as shown to the signers.")
    sealed_file = models.FileField(storage=document_storage, upload_to=document_file_name, max_length=200, blank=True)
    sealed_sha256 = models.CharField(max_length=64, blank=True)
    sealed_at = models.DateTimeField(null=True, blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    request = models.OneToOneField(
        "redemptions.RedemptionRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="document"
    )
    declined_reason = models.TextField(blank=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    declined_at = models.DateTimeField(null=True, blank=True)
    # An upload's digital signatures as OfferDesk verified them, for the reviewer (one entry per signature).
    signature_check = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ("created_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("voucher", "kind"),
                condition=Q(status__in=[*LIVE_DOCUMENT_STATUSES]),
                name="one_live_document_per_kind",
            ),
            models.CheckConstraint(
                name="sealed_document_has_its_hash",
                condition=~Q(status=DocumentStatus.SEALED) | ~Q(sealed_sha256=""),
            ),
            models.CheckConstraint(
                name="document_value_non_negative", condition=Q(value__isnull=True) | Q(value__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.template_id} for {self.voucher_id} ({self.status})"

    @property
    def is_sealed(self) -> bool:
        """Signed by both parties in OfferDesk and sealed: the sealed file is the document."""
        return bool(self.sealed_sha256)


class DocumentSignature(models.Model):
    """One party's signature on a document: who, in what title, when, from where, over which bytes."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="signatures")
    party = models.CharField(max_length=10, choices=SignatureParty.choices)
    method = models.CharField(max_length=10, choices=SignatureMethod.choices, default=SignatureMethod.PORTAL)
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True)
    # The OfferDesk user who signed (none for a signature declared on an upload): OD-SOD-01 keeps them from deciding.
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    shown_sha256 = models.CharField(max_length=64, help_text="SHA-256 of the exact bytes the signer was shown.")

    class Meta:
        ordering = ("document_id", "signed_at", "id")
        constraints = [models.UniqueConstraint(fields=("document", "party"), name="one_document_signature_per_party")]

    def __str__(self) -> str:
        return f"{self.party}: {self.name}"
