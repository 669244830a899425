"""Finance's forms (exchange rates, payment runs, reversals). They collect raw text; the services parse it
(core/parsing, OD-IN-01), so a rate or an amount is refused the same way in the portal, the admin and a file."""

from __future__ import annotations

from django import forms


def _text(label: str, *, required: bool = True, **attrs: str) -> forms.CharField:
    return forms.CharField(label=label, required=required, strip=False, widget=forms.TextInput(attrs=attrs))


def _date(label: str) -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}))


class RateForm(forms.Form):
    """A new exchange rate: units of a currency per USD from a date on (a correction is a new entry)."""

    currency = _text("Currency", maxlength="3", size="4", placeholder="INR")
    rate = _text("Rate (units per USD)", inputmode="decimal", placeholder="83.1234")
    effective_from = _date("Effective from")


class RateImportForm(forms.Form):
    """A CSV or XLSX file of rates: currency, rate, effective_from."""

    file = forms.FileField(label="Rates file (CSV or XLSX: currency, rate, effective_from)")


class RunCreateForm(forms.Form):
    """A payment run up to a date: every payment payable by then that no run holds."""

    up_to = _date("Payable up to")


class ItemFailedForm(forms.Form):
    reason = _text("Why it failed", maxlength="500")


class ReverseForm(forms.Form):
    """A correction of a paid payment: a new reversing entry, never more in total than was paid."""

    amount = _text("Amount to reverse (USD)", inputmode="decimal", placeholder="1,500.00")
    reason = _text("Reason", maxlength="500")
