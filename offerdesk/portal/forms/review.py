"""The review desk's forms. They collect raw text; the review services parse it (core/parsing, OD-IN-01)."""

from __future__ import annotations

from typing import Any

from django import forms

from offerdesk.catalogue.loader import get_catalogue
from offerdesk.redemptions.choices import RequestKind, RequestStatus
from offerdesk.reviews.choices import RejectReason


def _choice(label: str, choices: list[tuple[str, str]]) -> forms.CharField:
    """A list to pick from whose value the selector checks (a hand-made value is refused there, by field)."""
    return forms.CharField(label=label, required=False, widget=forms.Select(choices=choices))


class QueueFilterForm(forms.Form):
    """The queue's filters: program, kind and status (GET)."""

    program = _choice("Program", [])
    kind = _choice("Kind", [("", "All"), *((k.value, k.value) for k in RequestKind)])
    status = _choice(
        "Status",
        [
            ("", "All open"),
            (RequestStatus.RECEIVED.value, "Received"),
            (RequestStatus.NEEDS_INFO.value, "Needs information"),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programs = [(code, p.file.program.name) for code, p in sorted(get_catalogue().programs.items())]
        self.fields["program"].widget.choices = [("", "All"), *programs]  # type: ignore[attr-defined]


class ApproveForm(forms.Form):
    """Approving: a note for the history, if any."""

    reason = forms.CharField(
        label="Note (optional)", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(forms.Form):
    """Rejecting: one of the listed grounds, and the words the partner can act on ("other" needs them)."""

    reason_code = forms.ChoiceField(label="Ground", choices=[("", "— choose —"), *RejectReason.choices], required=True)
    reason = forms.CharField(
        label="What the partner should know",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Say what would make it pass; required for “Another reason”.",
    )


class AskForm(forms.Form):
    """Asking for information: the question the partner answers; the SLA clock pauses until it does."""

    question = forms.CharField(label="Question for the partner", strip=False, widget=forms.Textarea(attrs={"rows": 3}))


def workload_field(index: int) -> str:
    return f"workload_{index}"


class VerifyUsersForm(forms.Form):
    """The deployed users Microsoft verified on a POE; per workload where the offer counts workloads (CSO)."""

    users = forms.CharField(label="Verified users", strip=False, widget=forms.TextInput(attrs={"inputmode": "numeric"}))

    def __init__(self, *args: Any, workloads: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workloads = workloads
        for index, workload in enumerate(workloads):
            self.fields[workload_field(index)] = forms.CharField(
                label=f"Verified users on {workload}",
                required=False,
                strip=False,
                widget=forms.TextInput(attrs={"inputmode": "numeric"}),
            )

    def workload_users(self) -> dict[str, str]:
        """The per-workload figures given, raw, for the service to parse."""
        data = self.cleaned_data
        given = {w: (data.get(workload_field(i)) or "").strip() for i, w in enumerate(self.workloads)}
        return {w: n for w, n in given.items() if n}
