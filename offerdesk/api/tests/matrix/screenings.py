"""The matrix rows of /screenings: a screening lists the whole customer base against the rules, so it is
Microsoft's operators' and sellers' alone; anyone else finds none (404, or an empty list). Nominating Contoso from
its line for the CSO is refused by a rule (422: it holds a CSO voucher already)."""

from __future__ import annotations

from typing import Any

from offerdesk.screening.models import Screening
from offerdesk.screening.services import screening_run

from . import Op, World, only, signed_in

SCREENERS = ("seller", "operator", "superuser")


def a_screening(world: World) -> Screening:
    """A screening of every customer for 2023-10-06, run by Omar once Contoso holds its CSO voucher."""
    found = Screening.objects.first()
    if found is None:
        world.cso  # noqa: B018
        found = screening_run(actor=world.cast.operator, on="2023-10-06")
    return found


def screening(world: World) -> dict[str, Any]:
    return {"screening_id": a_screening(world).pk}


def contoso_line(world: World) -> dict[str, Any]:
    found = a_screening(world)
    line = found.lines.get(customer=world.contoso)
    return {"screening_id": found.pk, "line_id": line.pk}


ROWS: dict[str, Op] = {
    "screening_list": Op(expect=signed_in(200)),
    "screening_get": Op(expect=only(SCREENERS, 200), path=screening),
    "screening_line_list": Op(expect=only(SCREENERS, 200), path=screening),
    "screening_line_nominate": Op(
        expect=only(SCREENERS, 422),
        path=contoso_line,
        body=lambda world: {"offer_code": "CSO", "partner": world.cast.fabrikam.pk},
    ),
}
