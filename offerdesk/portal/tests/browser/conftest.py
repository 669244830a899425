"""The browser harness: a live OfferDesk server, Debian's Chromium driven by Playwright, axe-core on every page.

Fixtures: `server` (the live server's base URL, in the test's own throwaway database), `page` (a Playwright
page whose every request must stay on that server), `smtp` (a real SMTP server on loopback that OfferDesk's
e-mail goes to). Helpers: `sign_in(page, user)` and `assert_accessible(page)`. A failing test leaves a
screenshot and the page's HTML under var/test-artifacts/. Tests here carry the `browser` marker.
"""

from __future__ import annotations

import email
import os
import re
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, Page, Playwright, Request, Route, expect, sync_playwright

from offerdesk.accounts.models import User

# What a page is given to reach the state a test expects: an action waits as long (`set_default_timeout`); on a
# loaded two-core CI machine a PDF generated and sealed behind a click can take longer than Playwright's 5 s.
WAIT_MS = 15_000
expect.set_options(timeout=WAIT_MS)

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_CHROMIUM = "apt-get install -y chromium"
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts"
PASSWORD = "browser-Passw0rd!"
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
_axe = Axe()
# Chromium's own PDF viewer loads its parts from inside the browser: nothing of it leaves the machine.
BROWSER_INTERNAL = ("chrome://", "chrome-extension://")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test, so that `page` knows at teardown whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def _orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    Set only while a module of browser tests runs (Playwright and Chromium start and stop with it), so that a
    subprocess another test starts (a deploy check) does not inherit it."""
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    yield
    if previous is None:
        del os.environ[ASYNC_UNSAFE]
    else:
        os.environ[ASYNC_UNSAFE] = previous


# ----------------------------------------------------------------------------------------------- chromium


# Module-scoped: started before the test's throwaway database is made (function scope), stopped after the last.
@pytest.fixture(scope="module")
def playwright(_orm_beside_playwright: None) -> Iterator[Playwright]:
    # Playwright's greenlets give the ORM's per-context connections a context of their own: close what the tests
    # before opened, and what these open, so that no session is left on the test database (PostgreSQL copies
    # it as a template for each throwaway database, which needs it alone).
    connections.close_all()
    with sync_playwright() as driver:
        yield driver
        connections.close_all()


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(f"Chromium is missing: run `{INSTALL_CHROMIUM}` (the browser tests never skip)", pytrace=False)
    chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


# ------------------------------------------------------------------------------------------------ server


@pytest.fixture
def server(transactional_db: None) -> Iterator[str]:
    """A live server on loopback for this test only, reading the test's throwaway database (tests/databases.py)."""
    thread = LiveServerThread("127.0.0.1", StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()


@dataclass
class OutsideRequests:
    """Every request the page tried to make to anywhere but the server (all refused)."""

    urls: list[str] = field(default_factory=list)


@pytest.fixture
def outside_requests() -> OutsideRequests:
    """The requests the page tried to send elsewhere than the server; any left at the end fails the test."""
    return OutsideRequests()


@pytest.fixture
def page(
    browser: Browser, server: str, outside_requests: OutsideRequests, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A fresh browser page at 1280 px; any request that leaves the server is refused and fails the test."""
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    outside = outside_requests

    def guard(route: Route, req: Request) -> None:
        if req.url == server or req.url.startswith(f"{server}/") or req.url.startswith(BROWSER_INTERNAL):
            route.continue_()
        else:
            outside.urls.append(req.url)
            route.abort()

    context.route("**/*", guard)
    tab = context.new_page()
    tab.set_default_timeout(WAIT_MS)
    yield tab
    failed = any(
        getattr(getattr(request.node, f"report_{phase}", None), "failed", False) for phase in ("setup", "call")
    )
    if failed:
        _save_artifacts(tab, request.node.nodeid)
    context.close()
    assert outside.urls == [], f"the page tried to load from outside the server: {outside.urls}"


def _save_artifacts(tab: Page, nodeid: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid)[-150:]
    try:
        tab.screenshot(path=str(ARTIFACTS / f"{stem}.png"), full_page=True)
        (ARTIFACTS / f"{stem}.html").write_text(tab.content(), encoding="utf-8")
    except Exception as error:  # a closed page cannot be saved; say so rather than hide the test's own failure
        (ARTIFACTS / f"{stem}.txt").write_text(f"could not save the page: {error}", encoding="utf-8")


# --------------------------------------------------------------------------------------------- helpers


def sign_in(page: Page, user: User, *, password: str = PASSWORD, login: str | None = None) -> None:
    """Sign in through the sign-in page (by username unless `login` says otherwise); the user gets `password`."""
    if not user.check_password(password):
        user.set_password(password)  # operators hand out passwords; the factories make users without one
        user.save(update_fields=["password"])
    page.goto("/accounts/login/")
    page.get_by_label("Username or e-mail").fill(login or user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def assert_accessible(page: Page) -> None:
    """axe-core finds no violation of impact serious or critical on the page as it is now."""
    results = _axe.run(page)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    report = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in blocking]
    assert report == [], f"axe on {page.url}: " + "; ".join(report)


# ------------------------------------------------------------------------------------------------ e-mail


class Inbox:
    """What a real SMTP server on loopback received, parsed."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd's handler hook
        with self._arrived:
            self.messages.append(email.message_from_bytes(envelope.content))
            self._arrived.notify_all()
        return "250 OK"

    def wait_for(self, to: str, timeout: float = 10) -> Message:
        """The first message to `to`, waiting for it to arrive."""

        def found() -> Message | None:
            return next((m for m in self.messages if to in str(m.get("To", ""))), None)

        with self._arrived:
            self._arrived.wait_for(lambda: found() is not None, timeout=timeout)
        message = found()
        assert message is not None, f"no e-mail to {to} arrived; got {[m.get('To') for m in self.messages]}"
        return message


def body_of(message: Message) -> str:
    """The plain-text body of a message."""
    part = next((p for p in message.walk() if p.get_content_type() == "text/plain"), message)
    payload = part.get_payload(decode=True)
    return payload.decode(part.get_content_charset() or "utf-8") if isinstance(payload, bytes) else str(payload)


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    """OfferDesk's e-mail goes through its SMTP backend to a real SMTP server on loopback."""
    inbox = Inbox()
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 10},
        }
    }
    yield inbox
    controller.stop()
