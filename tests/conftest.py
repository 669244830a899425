"""Shared fixtures: named personas, one per role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User


@dataclass
class Personas:
    seller: User
    operator: User
    reviewer: User
    finance: User
    auditor: User


@pytest.fixture
def personas(db: None) -> Personas:
    """mira sells, omar operates the program, rita reviews, fiona runs finance, aude audits."""

    def make(username: str, role: str) -> User:
        return User.objects.create_user(username=username, email=f"{username}@offerdesk.example", role=role)

    return Personas(
        seller=make("mira", Role.SELLER),
        operator=make("omar", Role.OPERATOR),
        reviewer=make("rita", Role.REVIEWER),
        finance=make("fiona", Role.FINANCE),
        auditor=make("aude", Role.AUDITOR),
    )
