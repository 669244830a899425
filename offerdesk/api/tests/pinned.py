"""How many queries one API call costs (the token's last use is written on the first call, so it is made twice)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .client import Api


def queries(api: Api, path: str, params: dict[str, Any] | None = None) -> int:
    """The queries of a second, identical GET (which must answer 200)."""
    api.get(path, params)
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path, params)
    assert response.status_code == 200, response.content[:300]
    return len(captured)
