"""The staff pages' forms."""

from __future__ import annotations

from typing import Any

from django import forms

from offerdesk.portal.forms.partner import MAX_UPLOAD_BYTES


class VerifyForm(forms.Form):
    """A PDF to verify: is it an intact OfferDesk document?"""

    file = forms.FileField(
        label="PDF to verify", help_text="A SOW or POE as OfferDesk sealed it, or any PDF; at most 20 MB."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = "application/pdf"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The file has {upload.size:,} bytes; at most 20 MB (20,971,520 bytes).")
        return upload


class DashboardForm(forms.Form):
    """The day the dashboards' months and weeks end on (empty: today); the parsing layer checks it."""

    on = forms.CharField(
        label="Figures up to", required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Empty: today."
    )
