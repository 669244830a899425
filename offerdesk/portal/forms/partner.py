"""The partner portal's forms. They collect raw text; the services parse it (core/parsing, OD-IN-01), so a value
is accepted or refused the same way here, in the API and on the command line."""

from __future__ import annotations

from typing import Any

from django import forms

from offerdesk.catalogue.selectors import offer_spec
from offerdesk.redemptions.choices import RequestKind, RequestStatus, SignatureParty
from offerdesk.redemptions.services import SignatureInput
from offerdesk.vouchers.models import Voucher

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # the documents service refuses more; the form says so before reading it all
REDEEM_KINDS = [
    (RequestKind.SOW.value, "Initial (Statement of Work)"),
    (RequestKind.POE.value, "Final (Proof of Execution)"),
]
STATUS_FILTERS = [
    ("", "All"),
    (RequestStatus.RECEIVED.value, "Received"),
    (RequestStatus.NEEDS_INFO.value, "Needs information"),
    (RequestStatus.APPROVED.value, "Approved"),
    (RequestStatus.REJECTED.value, "Rejected"),
]


def _text(label: str, *, required: bool = True, help_text: str = "", **attrs: str) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, help_text=help_text, strip=False, widget=forms.TextInput(attrs=attrs)
    )


class DeclineReferralForm(forms.Form):
    """Declining a referral: the reason Microsoft's operators read before mapping the customer to another partner."""

    reason = forms.CharField(label="Reason for declining", strip=False, widget=forms.Textarea(attrs={"rows": 2}))


class StatusFilterForm(forms.Form):
    """The redemptions list's status filter: a list to pick from, the value checked by the selector (OD-IN-01)."""

    status = forms.CharField(label="Status", required=False, widget=forms.Select(choices=STATUS_FILTERS))


class RedeemStartForm(forms.Form):
    """Which voucher, and which step: the ID as the customer presents it, or one from the partner's list."""

    code = _text(
        "Voucher ID",
        required=False,
        help_text="As the customer presents it, e.g. ABCDE-FGHJK-LMNPQ-RSTUV.",
        autocomplete="off",
        spellcheck="false",
    )
    voucher = forms.ChoiceField(label="Or pick one of your vouchers", required=False)
    kind = forms.ChoiceField(label="Redemption type", choices=REDEEM_KINDS, widget=forms.RadioSelect)

    def __init__(self, *args: Any, vouchers: list[Voucher], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        picker = self.fields["voucher"]
        assert isinstance(picker, forms.ChoiceField)
        picker.choices = [("", "—")] + [(v.code, f"{v.code} · {v.customer.name} · {v.offer.name}") for v in vouchers]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code, picked = (data.get("code") or "").strip(), data.get("voucher") or ""
        if code and picked and code.upper() != picked:
            raise forms.ValidationError("Type a voucher ID or pick one from the list, not both.")
        if not code and not picked:
            self.add_error("code", "Type the voucher ID the customer gave you, or pick one from the list.")
        data["chosen"] = code or picked
        return data


def workload_field(index: int) -> str:
    return f"workload_{index}"


class FiguresForm(forms.Form):
    """What the chosen step asks, and only that: the SOW value; for a POE the users deployed, per workload
    where the offer counts workloads (CSO)."""

    def __init__(self, *args: Any, voucher: Voucher, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.voucher, self.kind = voucher, kind
        _, spec = offer_spec(offer=voucher.offer)
        self.workloads: list[str] = list(spec.workloads) if kind == RequestKind.POE else []
        if kind == RequestKind.SOW:
            self.fields["value"] = _text(
                "SOW value (USD)", help_text="The Statement of Work's total, e.g. 75000.00.", inputmode="decimal"
            )
        elif self.workloads:
            self.fields["users_deployed"] = _text(
                "Users deployed", help_text="Distinct users, once each whatever their workloads.", inputmode="numeric"
            )
            for index, workload in enumerate(self.workloads):
                self.fields[workload_field(index)] = _text(f"Users on {workload}", required=False, inputmode="numeric")

    def figures(self) -> dict[str, Any]:
        """The raw figures for the documents service (which parses them)."""
        data = self.cleaned_data
        figures: dict[str, Any] = {}
        if "value" in self.fields:
            figures["value"] = data.get("value", "")
        if "users_deployed" in self.fields:
            figures["users_deployed"] = data.get("users_deployed", "")
            per_workload = {
                workload: data.get(workload_field(index), "").strip() for index, workload in enumerate(self.workloads)
            }
            figures["workload_users"] = {w: n for w, n in per_workload.items() if n}
        return figures


class UploadForm(FiguresForm):
    """A SOW or POE signed outside OfferDesk: the PDF, who signed it for each party, and the step's figures."""

    def __init__(self, *args: Any, voucher: Voucher, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, voucher=voucher, kind=kind, **kwargs)
        self.fields["file"] = forms.FileField(
            label="Signed PDF", help_text="The program's template, signed by both parties; at most 20 MB."
        )
        self.fields["file"].widget.attrs["accept"] = "application/pdf"
        for party in SignatureParty.values:
            who = "the customer" if party == SignatureParty.CUSTOMER else "your company"
            self.fields[f"{party}_name"] = _text(f"Signed for {who} by (full name)")
            self.fields[f"{party}_title"] = _text(f"Their title ({party})", required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The file has {upload.size:,} bytes; at most 20 MB (20,971,520 bytes).")
        return upload

    def signers(self) -> list[SignatureInput]:
        data = self.cleaned_data
        return [
            SignatureInput(party=party, name=data.get(f"{party}_name", ""), role=data.get(f"{party}_title", ""))
            for party in SignatureParty.values
        ]


class SignForm(forms.Form):
    """The partner signs the document it was shown: typed full name and title, over the bytes it saw."""

    name = _text("Your full name", autocomplete="name")
    title = _text("Your title", autocomplete="organization-title")
    shown_sha256 = forms.CharField(widget=forms.HiddenInput, strip=True)


class WithdrawForm(forms.Form):
    """Withdrawing a prepared document before it is submitted."""

    reason = forms.CharField(label="Why withdraw it", strip=False, widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    """The partner answers a reviewer's question: text, and a file if it helps."""

    note = forms.CharField(label="Your answer", strip=False, widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(
        label="Attach a file (optional)", required=False, help_text="A PDF or image; at most 20 MB."
    )

    def clean_attachment(self) -> Any:
        upload = self.cleaned_data.get("attachment")
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The file has {upload.size:,} bytes; at most 20 MB (20,971,520 bytes).")
        return upload
