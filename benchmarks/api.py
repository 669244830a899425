"""The REST API under load (issue 9, point 8): a voucher's page (GET /api/v1/vouchers/{code}) and a 50-row voucher
list (GET /api/v1/vouchers/?limit=50), each as an operator's real token, against `offerdesk serve` (gunicorn, its
default processes and threads) on loopback, 16 connections at once for BENCH_API_SECONDS (10) each; the
throughput of each as a ratio to a hello-world view on the same server in the same run (targets ≥ 0.30 and
≥ 0.10), with the p50 and p95 latency. The load generator is a small asyncio client (httpx) in this process.

The server runs with benchmarks.api_settings (the development settings, DEBUG off, the hello view added by
benchmarks.api_urls): nothing of the benchmark is in the product. DATABASE_CONN_MAX_AGE is passed on as set
(unset: Django's default, a connection per request, as `offerdesk serve` runs unless a deployment sets it)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

import httpx
from django.db import connection

from offerdesk.core import dates

from . import data
from .harness import BASE, Bench

CONNECTIONS = 16
SECONDS = float(os.environ.get("BENCH_API_SECONDS", "10"))
WARM_UP = 2.0  # seconds of the same load before each measured one: every worker process and connection warm
ROUNDS = 5
# A connection per request (Django's default, what `offerdesk serve` runs unless DATABASE_CONN_MAX_AGE is set), and
# each worker thread keeping its connection for a minute.
CONN_MAX_AGES = [int(v) for v in os.environ.get("BENCH_API_CONN_MAX_AGES", "0,60").split(",")]
ROWS_AT_MOST = 100_000  # vouchers in the table (BENCH_N, at most this): a page reads 50 of them
TARGETS = {"voucher detail": 0.30, "voucher list (50 rows)": 0.10}
CODE = "API-"


@dataclass(frozen=True)
class Load:
    """What one target answered in its measured seconds."""

    requests: int
    failures: int
    seconds: float
    latencies: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: int) -> float:
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1] * 1000


async def _hammer(url: str, headers: dict[str, str], seconds: float) -> Load:
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    latencies: list[float] = []
    failures = 0
    async with httpx.AsyncClient(limits=limits, timeout=30, headers=headers) as client:
        ends = time.perf_counter() + seconds

        async def connection() -> None:
            nonlocal failures
            while time.perf_counter() < ends:
                start = time.perf_counter()
                answer = await client.get(url)
                await answer.aread()
                if answer.status_code == 200:
                    latencies.append(time.perf_counter() - start)
                else:
                    failures += 1

        started = time.perf_counter()
        await asyncio.gather(*(connection() for _ in range(CONNECTIONS)))
        elapsed = time.perf_counter() - started
    return Load(requests=len(latencies), failures=failures, seconds=elapsed, latencies=latencies)


def measure_interleaved(targets: dict[str, tuple[str, dict[str, str]]]) -> dict[str, Load]:
    """CONNECTIONS clients asking for each target back to back: WARM_UP seconds each unmeasured, then SECONDS
    each measured in ROUNDS slices taken in turn, so that a machine busier in one second than the next weighs on
    every target alike (the ratios are what is compared)."""
    for url, headers in targets.values():
        asyncio.run(_hammer(url, headers, WARM_UP))
    slices: dict[str, list[Load]] = {label: [] for label in targets}
    for _ in range(ROUNDS):
        for label, (url, headers) in targets.items():
            slices[label].append(asyncio.run(_hammer(url, headers, SECONDS / ROUNDS)))
    return {
        label: Load(
            requests=sum(part.requests for part in parts),
            failures=sum(part.failures for part in parts),
            seconds=sum(part.seconds for part in parts),
            latencies=[latency for part in parts for latency in part.latencies],
        )
        for label, parts in slices.items()
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(port: int, conn_max_age: int) -> subprocess.Popen[bytes]:
    """`offerdesk serve` on loopback with the benchmark's settings, answering once it is up."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.api_settings",
        "PYTHONPATH": str(BASE),
        "DATABASE_CONN_MAX_AGE": str(conn_max_age),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "offerdesk.manage", "serve", "--bind", f"127.0.0.1:{port}"],
        cwd=BASE,
        env=env,
        stdout=subprocess.DEVNULL,  # gunicorn's access log, a line per request (written for every target alike)
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"offerdesk serve exited with {server.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/bench/hello", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError("offerdesk serve did not answer within 60 s")


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Stop the server and its workers (their own process group) gracefully, then for good."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def _world(bench: Bench) -> tuple[str, str, int]:
    """An operator's read token, the code of a voucher in the middle of the table, and how many vouchers."""
    from offerdesk.accounts.choices import Role
    from offerdesk.accounts.models import User
    from offerdesk.apikeys.services import api_token_create
    from offerdesk.catalogue.selectors import offer_get
    from offerdesk.partners.services import partner_create
    from offerdesk.vouchers.models import Voucher

    operator, _ = User.objects.get_or_create(username="bench-operator", defaults={"role": Role.OPERATOR})
    rows = min(bench.n, ROWS_AT_MOST)
    mine = Voucher.objects.filter(code__startswith=CODE)
    if mine.count() != rows:  # else built by an earlier run (BENCH_REUSE)
        assert not mine.exists(), "API vouchers from another BENCH_N: drop the database"
        with dates.clock_at(dates.local_moment(dt.date(2023, 9, 1))):
            partner = partner_create(actor=operator, name="Bench API Partner")
            data.customers(rows, prefix="API-")
            data.vouchers(
                prefix="API-",
                offer_id=offer_get(name_or_code="M365 Deployment Offer").pk,
                partner_id=partner.pk,
                issue=dt.date(2023, 9, 1),
                expiry=dt.date(2024, 9, 1),
                code=CODE,
            )
            # Issued over a year, so expiring over a year: a list page ordered by expiry reads its first days.
            spread = (
                "issue_date + 30 + CAST(id %% 365 AS integer)"
                if connection.vendor == "postgresql"
                else "date(issue_date, '+' || (30 + id %% 365) || ' days')"
            )
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE vouchers_voucher SET expiry_date = {spread} WHERE code LIKE %s", [f"{CODE}%"])
    middle = mine.order_by("id").values_list("code", flat=True)[rows // 2]
    secret = api_token_create(actor=operator, name="benchmark", scope="read").secret
    return secret, middle, Voucher.objects.count()


def run(bench: Bench) -> None:
    secret, code, vouchers = _world(bench)
    auth = {"Authorization": f"Bearer {secret}"}
    print(
        f"  {vouchers:,} vouchers; offerdesk serve (gunicorn) on loopback, {CONNECTIONS} connections, {SECONDS:.0f} s "
        f"per target in {ROUNDS} turns after {WARM_UP:.0f} s warm-up; the client shares the machine",
        flush=True,
    )
    for conn_max_age in CONN_MAX_AGES:
        port = _free_port()
        server = _serve(port, conn_max_age)
        base = f"http://127.0.0.1:{port}"
        try:
            for path, expected in ((f"/api/v1/vouchers/{code}", "code"), ("/api/v1/vouchers/?limit=50", "items")):
                answer = httpx.get(base + path, headers=auth, timeout=30)
                assert answer.status_code == 200 and expected in answer.json(), (path, answer.status_code, answer.text)
            assert len(httpx.get(base + "/api/v1/vouchers/?limit=50", headers=auth).json()["items"]) == 50
            before = os.getloadavg()[0]
            results = measure_interleaved(
                {
                    "hello world": (f"{base}/bench/hello", {}),
                    "voucher detail": (f"{base}/api/v1/vouchers/{code}", auth),
                    "voucher list (50 rows)": (f"{base}/api/v1/vouchers/?limit=50", auth),
                }
            )
        finally:
            _stop(server)
        print(f"  DATABASE_CONN_MAX_AGE={conn_max_age} (load average {before:.2f} → {os.getloadavg()[0]:.2f})")
        _report(results)


def _report(results: dict[str, Load]) -> None:
    hello = results["hello world"].throughput
    for label, measured in results.items():
        line = (
            f"    {label:<24} {measured.throughput:8,.0f} req/s  p50 {measured.percentile(50):6.1f} ms  "
            f"p95 {measured.percentile(95):6.1f} ms"
        )
        if label in TARGETS:
            ratio = measured.throughput / hello
            verdict = "meets" if ratio >= TARGETS[label] else "BELOW"
            line += f"  ratio {ratio:4.2f} (target ≥ {TARGETS[label]:.2f}: {verdict})"
        if measured.failures:
            line += f"  {measured.failures} answers not 200"
        print(line, flush=True)
