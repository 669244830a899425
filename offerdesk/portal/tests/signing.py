"""What the partner portal's tests share: a PDF that is not the program's template, and the customer's signature."""

from __future__ import annotations

import asyncio
import contextvars
import io
from concurrent.futures import ThreadPoolExecutor

from django.db import connection
from reportlab.pdfgen import canvas

from offerdesk.accounts.models import User
from offerdesk.documents.models import Document
from offerdesk.documents.services import document_sign


def pdf_with_text(text: str) -> bytes:
    """A well-formed one-page PDF that carries no template ID and no voucher code."""
    out = io.BytesIO()
    sheet = canvas.Canvas(out)
    sheet.drawString(72, 720, text)
    sheet.save()
    return out.getvalue()


def customer_signs(document: Document, signer: User) -> None:
    """The customer's signature, through the documents service (as the customer portal's page signs). Sealing
    runs an event loop: under a browser test, whose Playwright runs one in this thread, it signs in a thread
    of its own (with the caller's domain clock and its own database connection)."""

    def sign() -> None:
        document.refresh_from_db()
        document_sign(
            actor=signer,
            document=document,
            party="customer",
            name="Carla Customer",
            title="CIO",
            ip="127.0.0.1",
            user_agent="test",
            shown_sha256=document.sha256,
        )

    try:
        asyncio.get_running_loop()
    except RuntimeError:  # no loop here: sign in this thread, inside the test's own transaction
        sign()
        return

    def sign_apart() -> None:
        try:
            sign()
        finally:
            connection.close()

    clock = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(clock.run, sign_apart).result()
