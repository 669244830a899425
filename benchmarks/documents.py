"""Documents: generating, sealing, verifying and reading an upload, each beside its raw library baseline.

    python -m benchmarks.documents       # SQLite under var/bench/; DATABASE_URL for PostgreSQL; BENCH_RUNS (5)

Each line is the median of BENCH_RUNS runs, its ratio to the baseline run in the same process (ReportLab
drawing one page straight to a canvas; pyHanko signing the same PDF with the same key; pypdf parsing it
with no limits), and the peak memory Python allocated during one more run."""

from __future__ import annotations

import io
import os
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

BASE = Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "offerdesk.config.settings.dev")
    if "DATABASE_URL" not in os.environ:
        folder = BASE / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "documents.sqlite3"
        path.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)


def measure(func: Callable[[], Any]) -> tuple[float, int]:
    """The median seconds of RUNS calls, and the peak bytes Python allocated during one more (traced, so slower)."""
    func()  # warm: imports, font metrics, the certificate
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak


def report(label: str, ours: Callable[[], Any], baseline: Callable[[], Any]) -> None:
    ours_s, ours_peak = measure(ours)
    base_s, _ = measure(baseline)
    print(
        f"  {label:<44} {ours_s * 1000:8.1f} ms  baseline {base_s * 1000:7.1f} ms  "
        f"×{ours_s / base_s:5.1f}  peak {ours_peak / 1024 / 1024:6.1f} MB"
    )


def main() -> None:
    _setup()
    from django.db import transaction
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfgen import canvas

    from offerdesk.documents import reading, sealing
    from offerdesk.documents.services import document_verify
    from offerdesk.documents.tests.pdfs import text_pdf
    from tests.factories import cso_customer, cso_voucher, customer_user, make_cast, prepare_document, sign_document

    cast = make_cast()
    voucher = cso_voucher(cast, customer=cso_customer(cast.operator))
    carla = customer_user(voucher.customer, "carla")
    documents = []

    def prepare() -> None:
        with transaction.atomic():
            documents.append(prepare_document(actor=cast.pat, voucher=voucher, partner=cast.fabrikam))
            transaction.set_rollback(True)  # one live SOW per voucher: each run starts again

    def one_page() -> bytes:
        buffer = io.BytesIO()
        page = canvas.Canvas(buffer)
        page.drawString(72, 720, "Statement of Work")
        page.showPage()
        page.save()
        return buffer.getvalue()

    print(f"documents, median of {RUNS} runs")
    report("prepare (render, metadata, store, audit)", prepare, one_page)

    document = prepare_document(actor=cast.pat, voucher=voucher, partner=cast.fabrikam)
    sign_document(document, actor=cast.pat, party="partner")
    with document.file.open("rb") as handle:
        shown = handle.read()

    def last_signature() -> None:
        with transaction.atomic():
            sign_document(document, actor=carla, party="customer")
            transaction.set_rollback(True)

    report("last signature (page, seal, store)", last_signature, lambda: sealing.seal(shown, reason="baseline"))

    sign_document(document, actor=carla, party="customer")
    document.refresh_from_db()
    with document.sealed_file.open("rb") as handle:
        sealed = handle.read()
    report("verify a sealed document", lambda: document_verify(data=sealed), lambda: sealing.check_signatures(sealed))

    writer = PdfWriter()  # a 20-page text PDF, as a scan's text layer would be
    for _ in range(20):
        writer.append(PdfReader(io.BytesIO(text_pdf(*(f"line {n} of the scope" for n in range(40))))))
    out = io.BytesIO()
    writer.write(out)
    twenty_pages = out.getvalue()
    report(
        "read an upload with limits (20 pages)",
        lambda: reading.pdf_read(twenty_pages),
        lambda: [p.extract_text() for p in PdfReader(io.BytesIO(twenty_pages)).pages],
    )


if __name__ == "__main__":
    main()
