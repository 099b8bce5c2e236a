"""Writes for coordinator accounts (the operator's CLI)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from shop.accounts.forms import normalise_login
from shop.accounts.models import User
from shop.accounts.services import find_by_login, register_user
from shop.coordinators.models import Coordinator, CoordinatorProgramme, CoordinatorRegion
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import Programme
from shop.regions.models import Province, Regency


def _login(raw: str) -> tuple[str, str]:
    login = normalise_login(raw)
    if login is None:
        raise DomainError(_l("Enter a valid WhatsApp number or email address."), field="login")
    return login


def find_user(raw_login: str) -> User | None:
    return find_by_login(*_login(raw_login))


def _region(code: str) -> CoordinatorRegion:
    code = code.strip()
    if db.session.get(Province, code) is not None:
        return CoordinatorRegion(province_code=code)
    if db.session.get(Regency, code) is not None:
        return CoordinatorRegion(regency_code=code)
    raise DomainError(
        _l("%(code)s is not a province or regency/city code.", code=code), field="region"
    )


def add_coordinator(
    raw_login: str,
    *,
    name: str | None,
    password: str | None,
    programmes: list[Programme],
    region_codes: list[str],
    organisation: str = "",
    is_operator: bool = False,
) -> tuple[Coordinator, bool]:
    """Make the person a coordinator with exactly this scope. Creates the
    account when there is none. Returns the coordinator and whether the
    account is new."""
    login = _login(raw_login)
    regions = [_region(code) for code in dict.fromkeys(code.strip() for code in region_codes)]
    user = find_by_login(*login)
    created = user is None
    if created:
        if not (name or "").strip():
            raise DomainError(_l("Give the new coordinator's name."), field="name")
        user = register_user(name, login, password or "")
    coordinator = db.session.scalar(select(Coordinator).where(Coordinator.user_id == user.id))
    if coordinator is None:
        coordinator = Coordinator(user=user)
        db.session.add(coordinator)
    coordinator.is_operator = is_operator
    coordinator.organisation = organisation.strip()[:120]
    coordinator.programmes = [CoordinatorProgramme(programme=p) for p in dict.fromkeys(programmes)]
    coordinator.regions = regions
    db.session.flush()
    return coordinator, created


def remove_coordinator(raw_login: str) -> User:
    user = find_user(raw_login)
    coordinator = (
        db.session.scalar(select(Coordinator).where(Coordinator.user_id == user.id))
        if user is not None
        else None
    )
    if coordinator is None:
        raise DomainError(_l("Nobody with this login is a coordinator."), field="login")
    db.session.delete(coordinator)
    db.session.flush()
    return user


def describe_scope(coordinator: Coordinator) -> str:
    """Plain-text scope for the CLI: "operator", "all groups" or the limits."""
    if coordinator.is_operator:
        return "operator (all groups)"
    parts = []
    if coordinator.programmes:
        parts.append(
            "programmes " + ", ".join(sorted(p.programme.value for p in coordinator.programmes))
        )
    if coordinator.regions:
        parts.append(
            "regions "
            + ", ".join(
                f"{r.province.name} ({r.province_code})"
                if r.province_code
                else f"{r.regency.name} ({r.regency_code})"
                for r in coordinator.regions
            )
        )
    return "; ".join(parts) if parts else "all groups"
