"""The matrix rows of the seller's and operator's pages: every back-office role reads them, an FPM its partners'
part (another partner's FPM asking for the owner's customer, voucher or partner: not found, ADR 10), partner and
customer users are refused (403). The posts are refused for everyone (nothing changes between personas): the
nomination and the re-map because Contoso already holds a CSO voucher (422), the cancel because it has no
reason (400); who may not act at all gets 403 from the service."""

from __future__ import annotations

from . import CUSTOMER_PERSONAS, PARTNER_PERSONAS, Row, World, signed_in

OUTSIDERS = dict.fromkeys((*PARTNER_PERSONAS, *CUSTOMER_PERSONAS), 403)
LIST = signed_in(200, **OUTSIDERS)
DETAIL = signed_in(200, **OUTSIDERS, other_fpm=404)
STAFF_ONLY = signed_in(200, **OUTSIDERS, other_fpm=403)
# Sellers and operators act (refused here by a rule: 422); reviewers, finance and auditors may not (403).
ACT = signed_in(422, **OUTSIDERS, other_fpm=404, reviewer=403, finance=403, auditor=403)
CANCEL = signed_in(400, **OUTSIDERS, other_fpm=404, seller=403, reviewer=403, finance=403, auditor=403)


def tpid(world: World) -> dict[str, str]:
    world.cso  # noqa: B018 - the customer holds the owner's voucher
    return {"tpid": world.contoso.tpid}


def nominate(world: World) -> dict[str, str]:
    return {"offer": world.cso.offer.code, "partner": str(world.cast.fabrikam.pk)}


ROWS: dict[str, Row] = {
    "portal:staff-customers": Row(expect=LIST),
    "portal:staff-customer": Row(expect=DETAIL, kwargs=tpid),
    "portal:staff-customer-eligibility": Row(expect=STAFF_ONLY, kwargs=tpid),
    "portal:staff-customer-nominate": Row(expect=ACT, kwargs=tpid, method="post", data=nominate),
    "portal:staff-customer-deal": Row(expect=DETAIL, kwargs=tpid),
    "portal:staff-customer-issue": Row(expect=DETAIL, kwargs=tpid),
    "portal:staff-nominations": Row(expect=LIST),
    "portal:staff-nomination": Row(expect=DETAIL, kwargs=lambda w: {"pk": w.cso.nomination_id}),
    "portal:staff-nomination-remap": Row(
        expect=ACT,
        kwargs=lambda w: {"pk": w.cso.nomination_id},
        method="post",
        data=lambda w: {"partner": str(w.cast.northwind.pk)},
    ),
    "portal:staff-vouchers": Row(expect=LIST),
    "portal:staff-voucher": Row(expect=DETAIL, kwargs=lambda w: {"code": w.cso.code}),
    "portal:staff-voucher-cancel": Row(
        expect=CANCEL, kwargs=lambda w: {"code": w.cso.code}, method="post", data=lambda w: {"reason": ""}
    ),
    "portal:staff-partners": Row(expect=LIST),
    "portal:staff-partner": Row(expect=DETAIL, kwargs=lambda w: {"pk": w.cast.fabrikam.pk}),
}
