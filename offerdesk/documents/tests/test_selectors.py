"""Reading documents: each reader its own, another tenant's is not found, downloads of the file as it stands."""

from __future__ import annotations

import pytest

from offerdesk.core.errors import NotFound
from offerdesk.documents.selectors import document_file, document_get_for, document_list
from offerdesk.vouchers.models import Voucher
from tests.factories import Cast, customer, customer_user

from .helpers import prepare, sealed, shown, sign


def test_a_download_is_the_document_as_it_stands_and_only_for_those_who_may_see_it(cast: Cast, cso: Voucher) -> None:
    carla = customer_user(cso.customer, "carla")
    otto = customer_user(customer(cast.operator, tpid="T-600", name="Adatum"), "otto")
    document = prepare(actor=cast.pat, voucher=cso, partner=cast.fabrikam)
    name, data = document_file(user=carla, key=document.key)
    assert (name, data) == (f"SOW-{cso.code}-{document.key}.pdf", shown(document))
    sign(document, actor=cast.pat, party="partner")
    sign(document, actor=carla, party="customer")
    name, data = document_file(user=cast.paula, key=document.key)
    assert name.endswith("-sealed.pdf") and data == sealed(document)
    for outsider in (cast.nico, cast.felix, otto):
        with pytest.raises(NotFound):
            document_file(user=outsider, key=document.key)
        with pytest.raises(NotFound):
            document_get_for(user=outsider, key=document.key)
        assert list(document_list(user=outsider)) == []
    assert [s.party for s in document_get_for(user=cast.reviewer, key=document.key).signatures.all()] == [
        "partner",
        "customer",
    ]
    with pytest.raises(NotFound):
        document_get_for(user=cast.pat, key="not-a-key")


def test_the_list_is_read_in_one_query_however_many_documents(
    cast: Cast, cso: Voucher, dep: Voucher, django_assert_num_queries: object
) -> None:
    prepare(actor=cast.pat, voucher=cso, partner=cast.fabrikam)
    prepare(actor=cast.pat, voucher=dep, partner=cast.fabrikam, when="2023-10-10", value="100")
    with django_assert_num_queries(1):  # type: ignore[operator]
        rows = [
            (d.voucher.customer.name, d.voucher.offer.program.code, d.partner.name)
            for d in document_list(user=cast.pat)
        ]
    assert rows == [("Adatum", "MWS", "Fabrikam"), ("Contoso", "CSO", "Fabrikam")]
