"""The customer's forms: search the approved FRP list, sign or decline a document.

They carry the raw values only (no bounds of their own): the selectors and services parse them (core.parsing,
OD-IN-01), so a value is refused here exactly as everywhere else, and the refusal comes back by the field it
names (`portal.errors.refusals_on`)."""

from __future__ import annotations

from typing import Any

from django import forms


class PartnerSearchForm(forms.Form):
    """Find a partner on the approved FRP list by part of its name and by its country."""

    name = forms.CharField(
        label="Partner name", required=False, strip=False, widget=forms.TextInput(attrs={"type": "search"})
    )
    country = forms.CharField(label="Country", required=False, widget=forms.Select)

    def __init__(self, *args: Any, countries: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].widget.choices = [("", "Any country"), *countries]


class PartnerChoiceForm(forms.Form):
    """The partner chosen from the list, by its id; a refusal of the choice shows at the top of the page."""

    partner = forms.CharField(required=False, widget=forms.HiddenInput)


class SignForm(forms.Form):
    """The customer's signature: the signer's typed full name and title, over the document the page showed."""

    name = forms.CharField(
        label="Full name", required=False, strip=False, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    title = forms.CharField(
        label="Title",
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    # The SHA-256 of the bytes the page showed: a document that changed since is not signed (its name names no
    # visible field, so that refusal shows at the top).
    shown = forms.CharField(required=False, widget=forms.HiddenInput)


class DeclineForm(forms.Form):
    """Why the customer will not sign."""

    reason = forms.CharField(label="Reason", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 3}))
