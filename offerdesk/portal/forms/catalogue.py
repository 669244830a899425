"""The catalogue's forms: an operator's override of a parameter from a date, and its withdrawal. They collect raw
text; the services parse it against the parameter's type and bounds (catalogue.params, OD-IN-01)."""

from __future__ import annotations

from typing import Any

from django import forms

EVERY_PROGRAM = "every"
THIS_PROGRAM = "this"


class ParameterSetForm(forms.Form):
    """A new value from a day on, for this program or for every program that has the parameter, and why."""

    value = forms.CharField(
        label="New value",
        required=False,
        strip=False,
        help_text="As the parameter takes it: a list with commas (30, 7), a share as 0.6 or 60%, a date YYYY-MM-DD.",
    )
    effective_from = forms.CharField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The first program day the value applies; empty: from the start.",
    )
    scope = forms.ChoiceField(label="For", required=False, choices=[(THIS_PROGRAM, "This program only")])
    reason = forms.CharField(label="Reason", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, program_name: str, shared_with: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(THIS_PROGRAM, f"{program_name} only")]
        if shared_with:
            choices.append((EVERY_PROGRAM, "Every program that has it (also " + ", ".join(shared_with) + ")"))
        self.fields["scope"].choices = choices  # type: ignore[attr-defined]


class WithdrawForm(forms.Form):
    """Take an override back: the parameter is again what it was without it. The reason is required."""

    reason = forms.CharField(
        label="Reason for withdrawing", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 2})
    )
