"""The account area's forms: a new personal API token. They collect raw text; apikeys.services parses it
(core/parsing, OD-IN-01), so a name or a number of days is refused the same way here and in the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from offerdesk.apikeys.choices import TokenScope


class ApiTokenForm(forms.Form):
    """A new token: what it is for, whether it may write, and for how many days it is valid."""

    name = forms.CharField(
        label="Name",
        required=False,
        strip=False,
        help_text="What the token is for, e.g. “PSA nightly sync” (up to 80 characters).",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    scope = forms.ChoiceField(
        label="Scope",
        required=False,
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        help_text="Read only: GET requests only. Read and write: everything your role may do.",
    )
    days = forms.CharField(
        label="Valid for (days)",
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "days"
        ].help_text = f"1 to {settings.OFFERDESK_API_TOKEN_MAX_DAYS}; empty: {settings.OFFERDESK_API_TOKEN_DAYS}."
