"""The seller's and operator's forms (customers, nominations, deals, vouchers, partners). They collect raw text;
the selectors and services parse it (core/parsing, OD-IN-01), so a value is refused the same way everywhere."""

from __future__ import annotations

from typing import Any

from django import forms

from offerdesk.catalogue.models import Offer
from offerdesk.customers.choices import Sector, Segment
from offerdesk.partners.choices import FrpStatus
from offerdesk.partners.models import Partner
from offerdesk.vouchers.choices import NominationStatus, PolicyQuestion, VoucherStatus


def _any(choices: list[tuple[str, str]] | Any) -> list[tuple[str, str]]:
    return [("", "Any"), *((str(value), str(label)) for value, label in choices)]


def _text(label: str, *, required: bool = False, **attrs: str) -> forms.CharField:
    return forms.CharField(label=label, required=required, strip=False, widget=forms.TextInput(attrs=attrs))


def _select(label: str, choices: list[tuple[str, str]], *, required: bool = False) -> forms.CharField:
    """A list to pick from whose value the selector or service checks (so a forged value is refused there)."""
    return forms.CharField(label=label, required=required, widget=forms.Select(choices=choices))


class CustomerFilterForm(forms.Form):
    """Find customers: by TPID or name, sector, segment and country."""

    q = _text("TPID or name", type="search")
    sector = _select("Sector", _any(Sector.choices))
    segment = _select("Segment", _any(Segment.choices))
    country = _text("Country", maxlength="2", size="3", placeholder="US")


class EligibilityForm(forms.Form):
    """The day a voucher would be issued on (empty: today)."""

    on = forms.CharField(
        label="Issued on", required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Empty: today."
    )


def offer_choices() -> list[tuple[str, str]]:
    offers = Offer.objects.select_related("program").order_by("program__code", "code")
    return [(o.code, f"{o.name} ({o.program.name})") for o in offers]


class NominateForm(forms.Form):
    """Nominate the customer for an offer; a Customer Success Offer nomination maps one partner."""

    offer = _select("Offer", [], required=True)
    partner = _select("Partner (Customer Success Offer only)", [])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offer"].widget.choices = offer_choices()
        partners = Partner.objects.filter(frp_status=FrpStatus.APPROVED).order_by("name").values_list("pk", "name")
        self.fields["partner"].widget.choices = [("", "None (FY24 offers)"), *((str(pk), n) for pk, n in partners)]


class DealForm(forms.Form):
    """A deal the customer closed, as Microsoft records it (FY24's basis for the cap)."""

    value = _text("Deal value (USD)", required=True, inputmode="decimal")
    close_date = forms.CharField(label="Close date", widget=forms.DateInput(attrs={"type": "date"}))
    workloads = forms.MultipleChoiceField(label="Workloads", required=False, widget=forms.CheckboxSelectMultiple)
    migration = forms.MultipleChoiceField(label="Migrated from", required=False, widget=forms.CheckboxSelectMultiple)
    upsell_attested = forms.BooleanField(label="The seller attests an upsell (MWS-ELIG-03)", required=False)
    policy_questions = forms.MultipleChoiceField(
        label="Open policy questions (AMB-31)",
        required=False,
        choices=PolicyQuestion.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, workloads: list[str], sources: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workloads"].choices = [(w, w) for w in workloads]  # type: ignore[attr-defined]
        self.fields["migration"].choices = [(s, s) for s in sources]  # type: ignore[attr-defined]


class IssueForm(forms.Form):
    """Issue a FY24 voucher at a face value of at most the cap (MWS-CAP-09)."""

    offer = _select("Offer", [], required=True)
    face_value = _text("Face value (USD)", required=True, inputmode="decimal")
    policy_decision = forms.CharField(
        label="Policy decision (operators, for a deal with an open question)",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, offers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offer"].widget.choices = offers


class CancelForm(forms.Form):
    """Cancelling a voucher: the service requires the reason (and says so by field), after checking the role."""

    reason = forms.CharField(
        label="Reason for cancelling", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RemapForm(forms.Form):
    """Map a customer whose referral was declined or lapsed to another partner (AMB-14): a new nomination."""

    partner = _select("Another partner", [], required=True)

    def __init__(self, *args: Any, exclude: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partners = Partner.objects.filter(frp_status=FrpStatus.APPROVED).order_by("name")
        if exclude is not None:
            partners = partners.exclude(pk=exclude)
        self.fields["partner"].widget.choices = [("", "Choose…"), *((str(p.pk), p.name) for p in partners)]


class OfferFilterForm(forms.Form):
    """A list's filter with the catalogue's offers to pick from."""

    offer = _select("Offer", [])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offer"].widget.choices = _any(offer_choices())


class NominationFilterForm(OfferFilterForm):
    status = _select("Status", _any(NominationStatus.choices))
    field_order = ("status", "offer")


class VoucherFilterForm(OfferFilterForm):
    q = _text("Voucher ID, TPID or customer", type="search")
    status = _select("Status", _any(VoucherStatus.choices))
    field_order = ("q", "status", "offer")


class PartnerFilterForm(forms.Form):
    q = _text("Name", type="search")
    frp_status = _select("FRP status", _any(FrpStatus.choices))
