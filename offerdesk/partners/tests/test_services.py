"""Linking an FPM to the partners it manages."""

from __future__ import annotations

import pytest

from offerdesk.core.errors import InvalidInput, PermissionDenied
from offerdesk.partners.services import partner_assign_fpm
from tests.factories import Cast, audit_events, fpm_user


def test_an_operator_links_an_fpm_to_a_partner_and_it_is_audited(cast: Cast) -> None:
    lena = fpm_user(cast.operator, "lena")
    partner_assign_fpm(actor=cast.operator, partner=cast.northwind, fpm=lena)
    assert list(lena.managed_partners.all()) == [cast.northwind]
    assert audit_events("partner.assign_fpm", "done")[-1].data == {"fpm": "lena"}


def test_only_an_operator_links_and_only_an_fpm_is_linked(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        partner_assign_fpm(actor=cast.fran, partner=cast.northwind, fpm=cast.fran)
    with pytest.raises(InvalidInput, match="not a FastTrack program manager"):
        partner_assign_fpm(actor=cast.operator, partner=cast.northwind, fpm=cast.pat)
    assert not cast.pat.managed_partners.exists() and list(cast.fran.managed_partners.all()) == [cast.fabrikam]
    assert [e.outcome for e in audit_events("partner.assign_fpm")][-2:] == ["denied", "refused"]
