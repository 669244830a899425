"""`<json list>__has_element=<text>`: a JSON list holds a text, case-insensitively, on SQLite and PostgreSQL.

Django's `__contains` on a JSONField is PostgreSQL-only and `__icontains` matches substrings of the
serialised text (`"ann@x"` inside `"joann@x"`); each database's own JSON table function compares whole
elements instead.
"""

from __future__ import annotations

from typing import Any

from django.db.models import JSONField, Lookup


@JSONField.register_lookup
class HasElement(Lookup):  # type: ignore[type-arg]
    """True where the JSON list has an element equal to the value, ignoring case."""

    lookup_name = "has_element"

    def _sides(self, compiler: Any, connection: Any) -> tuple[str, str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return lhs, rhs, [*lhs_params, *rhs_params]

    def get_db_prep_lookup(self, value: Any, connection: Any) -> tuple[str, tuple[str]]:
        # The value is plain text, not a JSON document: bind it as it is.
        return "%s", (str(value),)

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, rhs, params = self._sides(compiler, connection)
        return f"EXISTS (SELECT 1 FROM json_each({lhs}) AS e WHERE LOWER(e.value) = LOWER({rhs}))", params

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, rhs, params = self._sides(compiler, connection)
        lhs_params = params[: len(params) - 1]
        # jsonb_array_elements_text raises on a scalar; CASE keeps it off anything but a list.
        sql = (
            f"CASE WHEN jsonb_typeof({lhs}) = 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements_text({lhs}) AS e"
            f" WHERE LOWER(e) = LOWER({rhs})) ELSE FALSE END"
        )
        return sql, [*lhs_params, *params]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        raise NotImplementedError(f"has_element is not written for {connection.vendor}")
