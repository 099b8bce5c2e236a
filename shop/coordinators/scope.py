"""Who may act on which group: the current coordinator and their scope.

Every coordinator page goes through `coordinator_required` and loads groups,
products and orders through the scope, so an object outside the scope is a
404 exactly like one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import abort, g
from flask_login import current_user, login_required
from sqlalchemy import or_, select, true
from sqlalchemy.orm import joinedload

from shop.catalogue.models import Product
from shop.coordinators.models import Coordinator
from shop.extensions import db
from shop.groups.models import Group, Programme


@dataclass(frozen=True)
class Scope:
    coordinator: Coordinator
    programmes: frozenset[Programme]
    provinces: frozenset[str]
    regencies: frozenset[str]

    @classmethod
    def of(cls, coordinator: Coordinator) -> Scope:
        return cls(
            coordinator=coordinator,
            programmes=frozenset(p.programme for p in coordinator.programmes),
            provinces=frozenset(r.province_code for r in coordinator.regions if r.province_code),
            regencies=frozenset(r.regency_code for r in coordinator.regions if r.regency_code),
        )

    @property
    def is_operator(self) -> bool:
        return self.coordinator.is_operator

    @property
    def is_everything(self) -> bool:
        return self.is_operator or not (self.programmes or self.provinces or self.regencies)

    def groups_clause(self, group=Group):
        """A WHERE clause over `group` (the Group entity or an alias) for this scope."""
        if self.is_operator:
            return true()
        clauses = []
        if self.programmes:
            clauses.append(group.programme.in_(sorted(self.programmes)))
        if self.provinces or self.regencies:
            regions = []
            if self.provinces:
                regions.append(group.province_code.in_(sorted(self.provinces)))
            if self.regencies:
                regions.append(group.regency_code.in_(sorted(self.regencies)))
            clauses.append(or_(*regions))
        if not clauses:
            return true()
        return clauses[0] if len(clauses) == 1 else clauses[0] & clauses[1]

    def covers(self, group: Group) -> bool:
        if self.is_operator:
            return True
        if self.programmes and group.programme not in self.programmes:
            return False
        if self.provinces or self.regencies:
            return group.province_code in self.provinces or group.regency_code in self.regencies
        return True

    def group_ids(self):
        """A subquery of the ids of the groups in scope (for IN clauses)."""
        return select(Group.id).where(self.groups_clause()).scalar_subquery()


def coordinator_of(user) -> Coordinator | None:
    """The person's coordinator role (loaded with the user), or None."""
    if not user.is_authenticated:
        return None
    return user.coordinator


def current_scope() -> Scope:
    """The scope of the logged-in coordinator; 404 for anyone else."""
    if "coordinator_scope" in g:
        return g.coordinator_scope
    coordinator = coordinator_of(current_user)
    if coordinator is None:
        abort(404)
    g.coordinator_scope = Scope.of(coordinator)
    return g.coordinator_scope


def coordinator_required(view):
    """Log in first; then only coordinators get past (everyone else: 404)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        current_scope()
        return view(*args, **kwargs)

    return login_required(wrapper)


def groups_in_scope(scope: Scope | None = None):
    scope = scope or current_scope()
    return select(Group).where(scope.groups_clause())


def get_group_in_scope_or_404(slug: str, *options, lock: bool = False) -> Group:
    stmt = groups_in_scope().where(Group.slug == slug).options(*options)
    if lock:
        stmt = stmt.with_for_update()
    group = db.session.scalar(stmt)
    if group is None:
        abort(404)
    return group


def get_product_in_scope_or_404(product_id: int, *options, lock: bool = False) -> Product:
    stmt = (
        select(Product)
        .join(Product.group)
        .where(Product.id == product_id, current_scope().groups_clause())
        .options(joinedload(Product.group), *options)
    )
    if lock:
        stmt = stmt.with_for_update(of=Product)
    product = db.session.scalar(stmt)
    if product is None:
        abort(404)
    return product
