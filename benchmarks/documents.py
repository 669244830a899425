"""Documents: generating, sealing, verifying and reading an upload, each beside the raw library call it rests on.

`python -m benchmarks documents`. Each line is the median of BENCH_RUNS runs and the peak memory (as every part
prints); the baseline is not SQL here but the library doing the bare work in the same process: ReportLab drawing
one page straight to a canvas, pyHanko signing the same PDF with the same key, pyHanko checking the same seal,
pypdf extracting the same pages' text with no limits."""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable
from typing import Any

from .harness import Bench, PeakMemory


def _median(work: Callable[[], Any], runs: int) -> tuple[float, int]:
    work()  # warm: imports, font metrics, the certificate on first use
    times, peak = [], 0
    for _ in range(runs):
        with PeakMemory() as memory:
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
        peak = max(peak, memory.peak)
    return statistics.median(times), peak


def compare(label: str, work: Callable[[], Any], *, library: Callable[[], Any], runs: int) -> None:
    """Print the medians of `work` and of the bare `library` call, their ratio and the peak memory."""
    median, peak = _median(work, runs)
    raw, raw_peak = _median(library, runs)
    print(
        f"  {label:<46} median {median * 1000:8.1f} ms  peak {peak / 2**20:7,.0f} MiB\n"
        f"  {'  raw library baseline':<46} median {raw * 1000:8.1f} ms  ratio {median / raw:5.2f}x  "
        f"peak {raw_peak / 2**20:,.0f} MiB",
        flush=True,
    )


def run(bench: Bench) -> None:
    from django.db import transaction
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfgen import canvas

    from offerdesk.documents import reading, sealing
    from offerdesk.documents.services import document_verify
    from offerdesk.documents.tests.pdfs import text_pdf
    from tests.factories import cso_customer, cso_voucher, customer_user, make_cast, prepare_document, sign_document

    cast = make_cast()
    voucher = cso_voucher(cast, customer=cso_customer(cast.operator, tpid="BENCH-D"))
    carla = customer_user(voucher.customer, "bench-carla")

    def prepare() -> None:
        with transaction.atomic():  # one live SOW per voucher: each run is rolled back
            prepare_document(actor=cast.pat, voucher=voucher, partner=cast.fabrikam)
            transaction.set_rollback(True)

    def one_page() -> bytes:
        buffer = io.BytesIO()
        page = canvas.Canvas(buffer)
        page.drawString(72, 720, "Statement of Work")
        page.showPage()
        page.save()
        return buffer.getvalue()

    compare("prepare a SOW (render, metadata, store, audit)", prepare, library=one_page, runs=bench.runs)

    document = prepare_document(actor=cast.pat, voucher=voucher, partner=cast.fabrikam)
    sign_document(document, actor=cast.pat, party="partner")
    with document.file.open("rb") as handle:
        shown = handle.read()

    def last_signature() -> None:
        with transaction.atomic():
            sign_document(document, actor=carla, party="customer")
            transaction.set_rollback(True)

    compare(
        "last signature (signature page, seal, store)",
        last_signature,
        library=lambda: sealing.seal(shown, reason="baseline"),
        runs=bench.runs,
    )

    sign_document(document, actor=carla, party="customer")
    document.refresh_from_db()
    with document.sealed_file.open("rb") as handle:
        sealed = handle.read()
    compare(
        "verify a sealed document",
        lambda: document_verify(data=sealed),
        library=lambda: sealing.check_signatures(sealed),
        runs=bench.runs,
    )

    writer = PdfWriter()  # a 20-page text PDF, as a scan's text layer would be
    for _ in range(20):
        writer.append(PdfReader(io.BytesIO(text_pdf(*(f"line {n} of the scope" for n in range(40))))))
    out = io.BytesIO()
    writer.write(out)
    upload = out.getvalue()
    compare(
        "read a 20-page upload within the limits",
        lambda: reading.pdf_read(upload),
        library=lambda: [p.extract_text() for p in PdfReader(io.BytesIO(upload)).pages],
        runs=bench.runs,
    )
