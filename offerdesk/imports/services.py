"""Importing a file of customers, licences, usage, partners, nominations, deals or rates: all or nothing.

The file is read and every row checked before anything stays written; one refusal anywhere and the whole
import is rolled back, listing every problem by line and column. Rows are written by natural key, so importing
the same file again changes nothing. Each import is audited once, with the file's SHA-256 and its counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from offerdesk.accounts.access import access_require_role
from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.audit.services import audit_record, audited_refusals
from offerdesk.core import parsing

from . import staging
from .kinds import CUSTOMERS, EXCHANGE_RATES, KINDS, Counts, Kind, Row, duplicate
from .reading import ImportRefused, Problem, Table, read_table, refuse_file, sha256_of

BATCH = 2000
ENGINES = ("auto", "rows", "sql")
Progress = Callable[[int, int, int], None]  # (rows read, bytes read, bytes in all)


@dataclass
class ImportResult:
    """What an import did: its kind, file, digest, counts, and whether it was a dry run (nothing kept)."""

    kind: str
    file: str
    sha256: str
    dry_run: bool
    engine: str
    counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file,
            "sha256": self.sha256,
            "dry_run": self.dry_run,
            "engine": self.engine,
            **self.counts,
        }


def import_kind(name: Any) -> Kind:
    """The kind of import a name means, or a refusal listing the kinds."""
    return KINDS[parsing.parse_choice(name, field="kind", choices=KINDS)]


def problems_sorted(problems: list[Problem], layout: list[Any]) -> list[Problem]:
    """Problems in file order: by line, then by the column's place in the header."""
    order = {column.name: i for i, column in enumerate(layout) if column is not None}
    return sorted(problems, key=lambda p: (p.line, order.get(p.column, -1), p.message))


@audited_refusals("import.file")
@transaction.atomic
def import_file(
    *,
    actor: User | None,
    kind: str,
    path: str | Path,
    dry_run: bool = False,
    progress: Progress | None = None,
    engine: str = "auto",
) -> ImportResult:
    """Import one CSV or XLSX file of a kind, all or nothing; `dry_run` checks everything and keeps nothing.

    `engine` "sql" is the set-based path (PostgreSQL, customers: COPY into a staging table, checks and upsert in
    SQL); "rows" the batched path every database and kind has; "auto" picks the first where it applies."""
    access_require_role(actor, {Role.OPERATOR, Role.FINANCE}, action="import files")
    spec = import_kind(kind)
    if spec is not EXCHANGE_RATES:  # finance keeps the exchange rates (I-22) and imports them; the rest is operators'
        access_require_role(actor, {Role.OPERATOR}, action=f"import {spec.name}")
    engine = parsing.parse_choice(engine, field="engine", choices=ENGINES)
    dry_run = parsing.parse_bool(dry_run, field="dry run")
    if progress is not None and not callable(progress):
        raise parsing.refuse("progress", f"must be a function or None, not {parsing.shown(progress)}")
    if not isinstance(path, Path):
        path = parsing.parse_text(path, field="path", max_length=4096)
    set_based = spec is CUSTOMERS and connection.vendor == "postgresql"
    if engine == "sql" and not set_based:
        raise parsing.refuse("engine", "the set-based path imports customers into PostgreSQL only")
    path = Path(path)
    table = read_table(path, max_bytes=settings.OFFERDESK_IMPORT_MAX_BYTES)
    digest = sha256_of(path)
    layout, problems = spec.layout(table.header)
    if problems:
        raise ImportRefused(problems_sorted(problems, layout))
    used = "sql" if set_based and engine != "rows" else "rows"
    run = staging.import_customers if used == "sql" else _import_rows
    counts, problems = run(spec, table, layout, actor, progress)
    if problems:
        raise ImportRefused(problems_sorted(problems, layout), rows=counts.rows)
    if counts.rows == 0:
        raise refuse_file(f"{path.name} has a header but no rows")
    result = ImportResult(
        kind=spec.name, file=path.name, sha256=digest, dry_run=dry_run, engine=used, counts=counts.as_dict()
    )
    audit_record(actor=actor, action=f"import.{spec.name}", data=result.as_dict())
    if dry_run:
        transaction.set_rollback(True)
    return result


def _import_rows(
    spec: Kind, table: Table, layout: list[Any], actor: User | None, progress: Progress | None
) -> tuple[Counts, list[Problem]]:
    """The batched path: each row through its parsers, each batch checked against the stored rows and
    written; after the first problem nothing more is written, but every row is still checked."""
    counts = Counts()
    problems: list[Problem] = []
    seen: dict[tuple[Any, ...], int] = {}
    batch: list[Row] = []
    key_column = spec.key[0]

    def flush() -> None:
        if batch:
            spec.apply(batch, actor, counts, problems)
            batch.clear()
        if progress:
            progress(counts.rows, table.read_bytes(), table.size)

    for line, cells in table.rows:
        counts.rows += 1
        values, found = spec.parse(line, cells, layout)
        if found:
            problems.extend(found)
            continue
        key = spec.key_of(values)
        first = seen.setdefault(key, line)
        if first != line:
            problems.append(duplicate(line, key_column, first))
            continue
        batch.append((line, values))
        if len(batch) >= BATCH:
            flush()
    flush()
    return counts, problems
