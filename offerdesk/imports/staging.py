"""The set-based path for a customers file on PostgreSQL: COPY into a staging table, checks in SQL, upsert.

The SQL checks are a prefilter, never a second rule book: a row passes them only when it is plainly what the
row parsers accept (printable text without invisible characters, digits, a listed choice …), and every other row
goes back through the same row parsers as the batched path (`Kind.parse`), which decide it and word its
problems; a row they accept is written back in its parsed form. So the set-based path refuses exactly what the
parsers refuse, and a test holds the two paths to the same problems for the same file."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db import connection

from offerdesk.catalogue.selectors import catalogue_skus
from offerdesk.core import dates, parsing
from offerdesk.customers.choices import Sector, Segment
from offerdesk.customers.models import CompanyGroup, Customer, SeatLicence, WorkloadUsage

from .kinds import USAGE_PREFIX, Column, Counts, Kind, duplicate, unknown, usage_workload
from .reading import Problem, Table, cell_text

if TYPE_CHECKING:
    from offerdesk.accounts.models import User

STAGE = "import_stage"
FIXES = "import_stage_fix"
# Every character that makes Python's strip() or the name checks of core/parsing differ from a plain reading:
# controls, every space but U+0020, zero-width and direction marks, line and paragraph separators.
_ODD = r"[\u0001-\u001f\u007f-\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]"
_WHOLE = r"^ *([0-9]{1,3}(,[0-9]{3})+|[0-9]+) *$"
_PLAIN_SHARE = r"^ *([0-9]{1,3}(\.[0-9]{1,10})?|\.[0-9]{1,10}) *$"
_PERCENT_SHARE = r"^ *([0-9]{1,3}(\.[0-9]{1,8})?|\.[0-9]{1,8}) *\u0025 *$"
_FLAG = r"^ *(true|false|yes|no|1|0)? *$"


def _trim(x: str) -> str:
    return f"btrim({x}, ' ')"


def _whole(x: str) -> str:
    """The whole number a cell holds: only evaluated where `_plain_whole` holds."""
    return f"CAST(replace({_trim(x)}, ',', '') AS bigint)"


def _plain_whole(x: str) -> str:
    digits = f"({x} ~ '{_WHOLE}' AND char_length(replace({_trim(x)}, ',', '')) <= 10)"
    return f"(CASE WHEN {digits} THEN {_whole(x)} <= {parsing.INT_MAX} ELSE false END)"


def share_sql(x: str) -> str:
    """The share a cell holds, as a number from 0 to 1 (`59.9%` or `0.599`)."""
    return (
        f"(CASE WHEN strpos({x}, chr(37)) > 0 THEN CAST(btrim(replace({x}, chr(37), ''), ' ') AS numeric) / 100 "
        f"ELSE CAST({_trim(x)} AS numeric) END)"
    )


class _Params:
    """Query parameters collected while the SQL is written."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def __call__(self, value: Any) -> str:
        self.values.append(value)
        return "%s"


def _plain_text(x: str, *, max_length: int, required: bool) -> str:
    low = 1 if required else 0
    return f"({x} !~ '{_ODD}' AND char_length({_trim(x)}) BETWEEN {low} AND {max_length})"


def _plain(column: str, x: str, p: _Params) -> str:
    """SQL true only where the row parser surely accepts the cell as the set-based upsert reads it."""
    match column:
        case "tpid":
            return _plain_text(x, max_length=40, required=True)
        case "name":
            return _plain_text(x, max_length=200, required=True)
        case "company_group":
            return _plain_text(x, max_length=200, required=False)
        case "sector":
            return f"({x} !~ '{_ODD}' AND {_trim(x)} = ANY({p(list(Sector.values))}))"
        case "segment":
            return f"({x} !~ '{_ODD}' AND {_trim(x)} = ANY({p(list(Segment.values))}))"
        case "country":
            return f"({x} ~ '^ *[A-Za-z]{{2}} *$' AND upper({_trim(x)}) = ANY({p(sorted(parsing.countries()))}))"
        case "ecif_funded":
            return f"({x} ~* '{_FLAG}')"
        case "sku":
            return f"({x} !~ '{_ODD}' AND ({_trim(x)} = '' OR {_trim(x)} = ANY({p(sorted(catalogue_skus()))})))"
        case "paid" | "in_use":
            return f"({_trim(x)} = '' OR {_plain_whole(x)})"
    assert column.startswith(USAGE_PREFIX), column
    share = share_sql(x)
    return (
        f"(char_length({x}) <= 40 AND ({_trim(x)} = '' OR CASE WHEN {x} ~ '{_PLAIN_SHARE}' THEN {share} <= 1 "
        f"WHEN {x} ~ '{_PERCENT_SHARE}' THEN {share} <= 1 ELSE false END))"
    )


def _column_names(layout: list[Column | None]) -> list[str]:
    """Staging column names: `c0`, `c1`, … by header position (a header such as `usage: Teams` is no identifier)."""
    return [f"c{i}" for i in range(len(layout))]


def import_customers(
    spec: Kind,
    table: Table,
    layout: list[Column | None],
    actor: User | None,
    progress: Callable[[int, int, int], None] | None,
) -> tuple[Counts, list[Problem]]:
    """COPY the file into a staging table, check it set-based (rows in doubt through the row parsers), upsert."""
    names = _column_names(layout)
    by_column = {column.name: name for column, name in zip(layout, names, strict=True) if column is not None}
    counts = Counts()
    problems: list[Problem] = []
    refused: set[int] = set()
    width = len(layout)
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # psycopg's own: COPY
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cells_sql = ", ".join(f"{n} text NOT NULL" for n in names)
        cursor.execute(f"CREATE TEMP TABLE {STAGE} (line integer PRIMARY KEY, {cells_sql}) ON COMMIT DROP")
        with cursor.copy(f"COPY {STAGE} (line, {', '.join(names)}) FROM STDIN") as copy:
            for line, cells in table.rows:
                counts.rows += 1
                if len(cells) != width or "\0" in "".join(cells):
                    _, found = spec.parse(line, cells, layout)
                    if found:
                        problems.extend(found)
                        refused.add(line)
                        continue
                    cells = (cells + [""] * width)[:width]
                copy.write_row((line, *cells))
                if progress and counts.rows % 50_000 == 0:
                    progress(counts.rows, table.read_bytes(), table.size)
        if progress:
            progress(counts.rows, table.read_bytes(), table.size)
        cursor.execute(f"ANALYZE {STAGE}")
        _recheck(cursor, spec, layout, names, by_column, problems, refused)
        _duplicates(cursor, by_column, problems, refused)
        _unknown_groups(cursor, by_column, problems, refused)
        if problems:
            return counts, problems
        _upsert(cursor, layout, by_column, counts)
    return counts, problems


def _recheck(
    cursor: Any,
    spec: Kind,
    layout: list[Column | None],
    names: list[str],
    by_column: dict[str, str],
    problems: list[Problem],
    refused: set[int],
) -> None:
    """Every row the SQL cannot vouch for, through the row parsers: refused, or written back as parsed."""
    p = _Params()
    plain = [_plain(column.name, name, p) for column, name in zip(layout, names, strict=True) if column is not None]
    if "sku" in by_column:
        plain.append(_seats_sql(by_column))
    cursor.execute(
        f"SELECT line, {', '.join(names)} FROM {STAGE} WHERE NOT ({' AND '.join(plain)}) ORDER BY line", p.values
    )
    fixes: list[tuple[Any, ...]] = []
    for line, *cells in cursor.fetchall():
        values, found = spec.parse(line, list(cells), layout)
        if found:
            problems.extend(found)
            refused.add(line)
        else:
            fixes.append((line, *(cell_text(values.get(c.name)) if c else "" for c in layout)))
    if not fixes:
        return
    cursor.execute(f"CREATE TEMP TABLE {FIXES} (LIKE {STAGE}) ON COMMIT DROP")
    with cursor.copy(f"COPY {FIXES} FROM STDIN") as copy:
        for row in fixes:
            copy.write_row(row)
    sets = ", ".join(f"{n} = f.{n}" for n in names)
    cursor.execute(f"UPDATE {STAGE} s SET {sets} FROM {FIXES} f WHERE s.line = f.line")
    cursor.execute(f"DROP TABLE {FIXES}")


def _seats_sql(by_column: dict[str, str]) -> str:
    sku, paid, in_use = (by_column[c] for c in ("sku", "paid", "in_use"))
    empty = f"{_trim(sku)} = '' AND {_trim(paid)} = '' AND {_trim(in_use)} = ''"
    given = f"{_trim(sku)} <> '' AND {_trim(paid)} <> '' AND {_trim(in_use)} <> ''"
    return (
        f"(({empty}) OR ({given} AND CASE WHEN {_plain_whole(paid)} AND {_plain_whole(in_use)} "
        f"THEN {_whole(in_use)} <= {_whole(paid)} ELSE false END))"
    )


def _not_refused(refused: set[int]) -> tuple[str, list[Any]]:
    return ("NOT (line = ANY(%s))", [sorted(refused)]) if refused else ("true", [])


def _duplicates(cursor: Any, by_column: dict[str, str], problems: list[Problem], refused: set[int]) -> None:
    """A TPID on two rows: each later row refused, naming the first (rows refused already left out)."""
    where, params = _not_refused(refused)
    tpid = _trim(by_column["tpid"])
    cursor.execute(
        f"SELECT array_agg(line ORDER BY line) FROM {STAGE} WHERE {where} GROUP BY {tpid} HAVING count(*) > 1",
        params,
    )
    for (lines,) in cursor.fetchall():
        for line in lines[1:]:
            problems.append(duplicate(line, "tpid", lines[0]))
            refused.add(line)


def _unknown_groups(cursor: Any, by_column: dict[str, str], problems: list[Problem], refused: set[int]) -> None:
    if "company_group" not in by_column:
        return
    where, params = _not_refused(refused)
    group = _trim(by_column["company_group"])
    cursor.execute(
        f"SELECT line, {group} FROM {STAGE} s WHERE {where} AND {group} <> '' AND NOT EXISTS "
        f"(SELECT 1 FROM {CompanyGroup._meta.db_table} g WHERE g.name = {group}) ORDER BY line",
        params,
    )
    for line, name in cursor.fetchall():
        problems.append(unknown(line, "company_group", "company group named", name))


def _counted(cursor: Any, sql: str, params: Iterable[Any]) -> tuple[int, int]:
    """Run an INSERT … ON CONFLICT … RETURNING (xmax = 0): how many rows it created and how many it updated."""
    cursor.execute(
        f"WITH up AS ({sql} RETURNING (xmax = 0) AS created) "
        "SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM up",
        list(params),
    )
    created, updated = cursor.fetchone()
    return int(created), int(updated)


def _upsert(cursor: Any, layout: list[Column | None], by_column: dict[str, str], counts: Counts) -> None:
    """Customers, then their seat licences, then their usage shares: INSERT … ON CONFLICT by natural key, an
    update only where a value differs (so a second import of the same file changes nothing)."""
    now = dates.now()
    table = Customer._meta.db_table
    read = {
        "name": _trim(by_column["name"]),
        "sector": _trim(by_column["sector"]),
        "segment": _trim(by_column["segment"]),
        "country": f"upper({_trim(by_column['country'])})",
    }
    join = ""
    if "ecif_funded" in by_column:
        read["ecif_funded"] = f"lower({_trim(by_column['ecif_funded'])}) IN ('true', 'yes', '1')"
    if "company_group" in by_column:
        join = (
            f"LEFT JOIN {CompanyGroup._meta.db_table} g ON g.name = {_trim(by_column['company_group'])} "
            f"AND {_trim(by_column['company_group'])} <> ''"
        )
        read["company_group_id"] = "g.id"
    inserted = {**read}
    inserted.setdefault("ecif_funded", "false")
    columns = ["tpid", *inserted, "created_at", "updated_at"]
    selected = [_trim(by_column["tpid"]), *inserted.values(), "%s", "%s"]
    changed = " OR ".join(f"{table}.{c} IS DISTINCT FROM EXCLUDED.{c}" for c in read)
    sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in [*read, "updated_at"])
    created, updated = _counted(
        cursor,
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(selected)} FROM {STAGE} s {join} "
        f"ON CONFLICT (tpid) DO UPDATE SET {sets} WHERE {changed}",
        [now, now],
    )
    counts.created, counts.updated = created, updated
    counts.unchanged = counts.rows - created - updated
    tpid = _trim(f"s.{by_column['tpid']}")
    if "sku" in by_column:
        seats = SeatLicence._meta.db_table
        sku, paid, in_use = (f"s.{by_column[c]}" for c in ("sku", "paid", "in_use"))
        counts.extra["seats_created"], counts.extra["seats_updated"] = _counted(
            cursor,
            f"INSERT INTO {seats} (customer_id, sku, paid, in_use, created_at, updated_at) "
            f"SELECT c.id, {_trim(sku)}, {_whole(paid)}, {_whole(in_use)}, %s, %s FROM {STAGE} s "
            f"JOIN {table} c ON c.tpid = {tpid} WHERE {_trim(sku)} <> '' "
            "ON CONFLICT (customer_id, sku) DO UPDATE SET paid = EXCLUDED.paid, in_use = EXCLUDED.in_use, "
            f"updated_at = EXCLUDED.updated_at WHERE {seats}.paid IS DISTINCT FROM EXCLUDED.paid "
            f"OR {seats}.in_use IS DISTINCT FROM EXCLUDED.in_use",
            [now, now],
        )
    usage_columns = [
        (usage_workload(c.name), by_column[c.name]) for c in layout if c is not None and c.name.startswith(USAGE_PREFIX)
    ]
    if usage_columns:
        usage = WorkloadUsage._meta.db_table
        pairs = ", ".join(f"(%s, s.{n})" for _, n in usage_columns)
        created, updated = _counted(
            cursor,
            f"INSERT INTO {usage} (customer_id, workload, mau, created_at, updated_at) "
            f"SELECT c.id, v.workload, {share_sql('v.raw')}, %s, %s FROM {STAGE} s "
            f"JOIN {table} c ON c.tpid = {tpid} CROSS JOIN LATERAL (VALUES {pairs}) AS v(workload, raw) "
            f"WHERE {_trim('v.raw')} <> '' "
            "ON CONFLICT (customer_id, workload) DO UPDATE SET mau = EXCLUDED.mau, updated_at = EXCLUDED.updated_at "
            f"WHERE {usage}.mau IS DISTINCT FROM EXCLUDED.mau",
            [now, now, *(w for w, _ in usage_columns)],
        )
        counts.extra["usage_created"], counts.extra["usage_updated"] = created, updated
