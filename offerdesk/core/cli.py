"""The shape every `offerdesk` command shares: `--help`, exit status 0 done / 1 refused / 2 usage, `--json` where a
script would want it, and progress on long work (on stderr, so stdout stays the result)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any, TextIO, TypeVar, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from .errors import DomainError

T = TypeVar("T")

DONE, REFUSED, USAGE = 0, 1, 2


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, set | frozenset | tuple):
            return sorted(o, key=str) if not isinstance(o, tuple) else list(o)
        try:
            return super().default(o)
        except TypeError:
            return str(o)  # a value object (a rule's parameter, a money amount): its own text


def json_line(data: Any) -> str:
    """One JSON document on one line: dates, decimals and UUIDs as Django writes them."""
    return json.dumps(data, cls=_Encoder, ensure_ascii=False)


class Progress:
    """Counts done work and, at most every `every` seconds, shows `label: n/total (rate/s)` on stderr."""

    def __init__(self, *, label: str, total: int | None, stream: TextIO, enabled: bool, every: float = 0.5) -> None:
        self.label, self.total, self.stream, self.enabled, self.every = label, total, stream, enabled, every
        self.done = 0
        self.started = self._shown = time.monotonic()
        self._tty = stream.isatty() if hasattr(stream, "isatty") else False

    @property
    def rate(self) -> float:
        """Units per second since the start."""
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def line(self) -> str:
        """The current state as one line."""
        of = f"/{self.total:,}" if self.total is not None else ""
        share = f" {100 * self.done / self.total:.0f}%" if self.total else ""
        return f"{self.label}: {self.done:,}{of}{share} ({self.rate:,.0f}/s)"

    def advance(self, n: int = 1) -> None:
        """Count `n` more done; redraw when it is time."""
        self.done += n
        now = time.monotonic()
        if self.enabled and now - self._shown >= self.every:
            self._shown = now
            self._write()

    def close(self) -> None:
        """Show the final count."""
        if self.enabled:
            self._write(final=True)

    def _write(self, *, final: bool = False) -> None:
        if self._tty:
            self.stream.write("\r" + self.line() + ("\n" if final else ""))
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()


class Refused(Exception):
    """A refusal (exit status 1, `CommandError: message` on stderr) that still has a result for --json to print
    (an unhealthy report, an import's problems)."""

    def __init__(self, message: str, *, result: Any) -> None:
        super().__init__(message)
        self.message = message
        self.result = result


class OfferDeskCommand(BaseCommand):
    """Base of every OfferDesk command. Subclasses implement `run(**options)` and return what `--json` prints
    (or None); `say()` writes the human text, which `--json` silences. A DomainError is a refusal: one line naming
    the field and the rule on stderr (and `{"ok": false, …}` on stdout with `--json`), exit status 1. Usage errors
    are argparse's: exit status 2."""

    supports_json = False  # set True to offer --json

    def add_arguments(self, parser: CommandParser) -> None:
        if self.supports_json:
            parser.add_argument("--json", action="store_true", help="Print the result as JSON (one document).")
        self.add_options(parser)

    def add_options(self, parser: CommandParser) -> None:
        """The command's own arguments."""

    def run(self, **options: Any) -> Any:
        raise NotImplementedError

    @property
    def as_json(self) -> bool:
        return bool(getattr(self, "_as_json", False))

    def handle(self, *args: Any, **options: Any) -> None:
        self._as_json = bool(options.get("json"))
        self._verbosity = int(options.get("verbosity", 1))
        try:
            result = self.run(**options)
        except DomainError as error:
            if self.as_json:
                self.stdout.write(json_line({"ok": False, "error": error.message, "rules": list(error.rules)}))
            raise CommandError(error.message, returncode=REFUSED) from error
        except Refused as refused:
            if self.as_json:
                self.stdout.write(json_line(refused.result))
            raise CommandError(refused.message, returncode=REFUSED) from refused
        except CommandError as error:
            if self.as_json:
                self.stdout.write(json_line({"ok": False, "error": str(error), "rules": []}))
            raise
        if self.as_json and result is not None:
            self.stdout.write(json_line(result))

    def say(self, text: str = "", style: Any = None) -> None:
        """Human output (stdout); silent under --json or verbosity 0."""
        if self.as_json or getattr(self, "_verbosity", 1) == 0:
            return
        self.stdout.write(style(text) if style else text)

    def progress(self, *, label: str, total: int | None = None) -> Progress:
        """A progress counter on stderr (quiet with verbosity 0)."""
        stream = cast(TextIO, self.stderr._out)  # the raw stream: a redraw ends with "\r", not a newline
        return Progress(label=label, total=total, stream=stream, enabled=getattr(self, "_verbosity", 1) > 0)

    def tracked(self, items: Iterable[T], *, label: str, total: int | None = None) -> Iterator[T]:
        """Iterate `items`, showing progress as they go."""
        bar = self.progress(label=label, total=total)
        for item in items:
            yield item
            bar.advance()
        bar.close()


def command_user(username: str) -> Any:
    """The user a command's `--user` names (kept on the audit trail): read as any name is (OD-IN-01), and an
    unknown one refused by the option, exit status 1."""
    from django.contrib.auth import get_user_model  # the accounts app sits above core: named by setting

    from . import parsing

    username = parsing.parse_text(username, field="--user", max_length=150, name=True)
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise parsing.refuse("--user", f"no user {parsing.shown(username)}")
    return user


def refuse_usage(message: str) -> CommandError:
    """A usage error raised after parsing (two options that exclude each other, …): exit status 2."""
    return CommandError(message, returncode=USAGE)


def main_argv(argv: list[str], known: Iterable[str]) -> list[str]:
    """`offerdesk export-audit` is the command `export_audit`: a module's underscore may be written as a hyphen."""
    if len(argv) > 1 and "-" in argv[1] and not argv[1].startswith("-"):
        candidate = argv[1].replace("-", "_")
        if candidate in known:
            return [argv[0], candidate, *argv[2:]]
    return argv


def unknown_command_exit(argv: list[str], known: Iterable[str], stream: TextIO = sys.stderr) -> int | None:
    """An unknown subcommand is a usage error (2), not a refusal: Django alone would exit 1."""
    if len(argv) > 1 and not argv[1].startswith("-") and argv[1] not in known and argv[1] != "help":
        stream.write(f"Unknown command: {argv[1]!r}. Type '{argv[0]} help' for the list.\n")
        return USAGE
    return None
