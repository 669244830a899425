"""The audit trail's filter form. It collects raw text; the selector parses it (core/parsing, OD-IN-01), so a bad
date is refused the same way as on the command line."""

from __future__ import annotations

from django import forms

from offerdesk.audit.selectors import OUTCOMES


def _text(label: str, **attrs: str) -> forms.CharField:
    return forms.CharField(label=label, required=False, strip=False, widget=forms.TextInput(attrs=attrs))


def _day(label: str) -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}))


class AuditFilterForm(forms.Form):
    """Narrow the trail: who, what, on which object, with what outcome, on which program days."""

    actor = _text("Actor", type="search", placeholder="omar")
    action = _text("Action", placeholder="parameter.set", title="Exactly, or a family ending with a dot: parameter.")
    object_type = _text("Object type", placeholder="catalogue.parameteroverride")
    object_id = _text("Object id", size="8")
    outcome = forms.CharField(
        label="Outcome",
        required=False,
        widget=forms.Select(choices=[("", "Any"), *((o, o.capitalize()) for o in OUTCOMES)]),
    )
    since = _day("From")
    until = _day("To")

    # The GET parameter each field is, and the selector's keyword it feeds.
    SEARCH = {
        "actor": "actor",
        "action": "action",
        "object_type": "object_type",
        "object_id": "object_id",
        "outcome": "outcome",
        "since": "since",
        "until": "until",
    }
