"""Users and groups edited in the admin leave audit events naming what changed (never a password's hash),
and a partner or customer user can never be made staff there."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from offerdesk.accounts.models import User
from offerdesk.audit.models import AuditEvent
from tests.factories import Cast


def change_url(obj: Any) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


FORMATS = ((0, "%Y-%m-%d"), (1, "%H:%M:%S"))


def user_form(user: User, **changes: Any) -> dict[str, Any]:
    """What the admin's change form posts for a user, with some fields changed."""
    joined = timezone.localtime(user.date_joined)
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "role": user.role,
        "partner": user.partner_id or "",
        "customer": user.customer_id or "",
        # a field with a callable default also posts its initial value, hidden, as a browser does
        **{f"{prefix}date_joined_{i}": f"{joined:{fmt}}" for prefix in ("", "initial-") for i, fmt in FORMATS},
        "groups": [g.pk for g in user.groups.all()],
        "user_permissions": [],
        "managed_partners": [p.pk for p in user.managed_partners.all()],
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_a_partner_user_can_never_be_made_staff_in_the_admin(admin_client: Any, cast: Cast, flag: str) -> None:
    response = admin_client.post(change_url(cast.pat), user_form(cast.pat, **{flag: "on"}))
    # Then the form is shown again with the reason, nothing changed, and the attempt is audited as refused
    assert response.status_code == 200
    assert "can never be staff or a superuser" in response.content.decode()
    cast.pat.refresh_from_db()
    assert (cast.pat.is_staff, cast.pat.is_superuser) == (False, False)
    [event] = events("user.admin_change")
    assert (event.outcome, event.object_id, event.data["fields"]) == ("refused", str(cast.pat.pk), [flag])
    assert "can never be staff or a superuser" in str(event.data["errors"])


def test_a_staff_user_cannot_be_turned_into_a_partner_user_while_staff(admin_client: Any, cast: Cast) -> None:
    cast.reviewer.is_staff = True
    cast.reviewer.save()
    form = user_form(cast.reviewer, role="partner", partner=cast.fabrikam.pk, is_staff="on")
    response = admin_client.post(change_url(cast.reviewer), form)
    assert response.status_code == 200 and "can never be staff" in response.content.decode()
    cast.reviewer.refresh_from_db()
    assert cast.reviewer.role == "reviewer"


def test_editing_a_user_is_audited_with_the_fields_and_their_new_values(admin_client: Any, cast: Cast) -> None:
    auditors = Group.objects.create(name="auditors")
    form = user_form(cast.reviewer, email="rita@new.example", is_staff="on", groups=[auditors.pk])
    response = admin_client.post(change_url(cast.reviewer), form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    [event] = events("user.admin_change")
    assert (event.actor_label, event.source, event.object_id) == ("admin", "admin", str(cast.reviewer.pk))
    assert set(event.data["fields"]) == {"email", "is_staff", "groups"}
    assert event.data["values"] == {"email": "rita@new.example", "is_staff": True, "groups": ["auditors"]}


def test_linking_an_fpm_to_a_partner_in_the_admin_is_audited(admin_client: Any, cast: Cast) -> None:
    # Given fran manages Fabrikam; when an admin adds Northwind to the partners she manages
    form = user_form(cast.fran, managed_partners=[cast.fabrikam.pk, cast.northwind.pk])
    response = admin_client.post(change_url(cast.fran), form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    # Then she manages both, and the event names the field and its new value
    assert set(cast.fran.managed_partners.all()) == {cast.fabrikam, cast.northwind}
    [event] = events("user.admin_change")
    assert event.data["fields"] == ["managed_partners"]
    assert event.data["values"] == {"managed_partners": sorted([cast.fabrikam.name, cast.northwind.name])}


def test_adding_a_user_and_changing_a_password_never_records_the_password(admin_client: Any, db: None) -> None:
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {"username": "newbie", "usable_password": "true", "password1": "Sw0rdfish!x9", "password2": "Sw0rdfish!x9"},
    )
    assert response.status_code == 302
    newbie = User.objects.get(username="newbie")
    url = reverse("admin:auth_user_password_change", args=[newbie.pk])
    response = admin_client.post(
        url, {"usable_password": "true", "password1": "An0ther!pw77", "password2": "An0ther!pw77"}
    )
    assert response.status_code == 302
    newbie.refresh_from_db()
    [added] = events("user.admin_add")
    [changed] = events("user.admin_password_change")
    assert "password" in added.data["fields"] and changed.data == {"fields": ["password"]}
    # Neither a password nor its hash is anywhere in the trail
    trail = json.dumps([e.data for e in AuditEvent.objects.all()])
    for secret in ("Sw0rdfish!x9", "An0ther!pw77", newbie.password, newbie.password.split("$")[-1]):
        assert secret not in trail


def test_editing_and_deleting_a_group_is_audited(admin_client: Any, db: None) -> None:
    group = Group.objects.create(name="finance desk")
    permission = Permission.objects.get(codename="view_payment")
    response = admin_client.post(change_url(group), {"name": "finance", "permissions": [permission.pk]})
    assert response.status_code == 302
    [event] = events("group.admin_change")
    assert event.data == {
        "fields": ["name", "permissions"],
        "values": {"name": "finance", "permissions": [str(permission)]},
    }
    delete = reverse("admin:auth_group_delete", args=[group.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Group.objects.filter(pk=group.pk).exists()
    [deleted] = events("group.admin_delete")
    assert deleted.data == {"repr": "finance"}
