"""Coordinator pages of curation: virtual exhibitions, their details and
their groups and products (each exhibition managed by its creator or an
operator; the loaders are in manage.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from shop.catalogue.models import Product
from shop.catalogue.queries import publicly_visible
from shop.coordinators.scope import (
    coordinator_required,
    current_scope,
    get_product_in_scope_or_404,
)
from shop.core.clock import jakarta_today
from shop.core.pagination import paginate
from shop.core.text import fold
from shop.curation import exhibition_services, services
from shop.curation.forms import (
    CandidateSearchForm,
    ExhibitionForm,
    GroupChoiceForm,
)
from shop.curation.manage import acting_user, active_group_choices, group_in_scope_by_id_or_404
from shop.curation.models import Exhibition, ExhibitionGroup, ExhibitionProduct
from shop.extensions import db
from shop.groups.models import Group
from shop.transaction import commit_or_flash, commit_or_raise, commit_or_show

EXHIBITIONS_PAGE_SIZE = 30
CANDIDATES_SHOWN = 30
ITEM_KINDS = {"kelompok": "group", "produk": "product"}


def _manageable_exhibitions():
    """Exhibitions the coordinator manages: their own; every one for operators."""
    scope = current_scope()
    stmt = select(Exhibition)
    if not scope.is_operator:
        stmt = stmt.where(Exhibition.created_by_id == scope.coordinator.user_id)
    return stmt


def get_exhibition_to_manage_or_404(exhibition_id: int, *options) -> Exhibition:
    exhibition = db.session.scalar(
        _manageable_exhibitions().where(Exhibition.id == exhibition_id).options(*options)
    )
    if exhibition is None:
        abort(404)
    return exhibition


def _with_items():
    return (
        joinedload(Exhibition.banner),
        selectinload(Exhibition.groups).joinedload(ExhibitionGroup.group),
        selectinload(Exhibition.products)
        .joinedload(ExhibitionProduct.product)
        .joinedload(Product.group),
    )


@coordinator_required
def exhibitions():
    pagination = paginate(
        _manageable_exhibitions()
        .options(joinedload(Exhibition.banner))
        .order_by(Exhibition.starts_on.desc(), Exhibition.id.desc()),
        EXHIBITIONS_PAGE_SIZE,
    )
    return render_template(
        "curation/manage/exhibitions.html",
        exhibitions=pagination.items,
        today=jakarta_today(),
        pagination=pagination,
    )


@coordinator_required
def exhibition_new():
    form = ExhibitionForm()
    if request.method == "GET":
        form.starts_on.data = jakarta_today()
    if form.validate_on_submit():
        exhibition = commit_or_show(
            form,
            lambda: exhibition_services.create_exhibition(
                form.details(), form.banner.data, by=acting_user()
            ),
        )
        if exhibition is not None:
            flash(
                _("The exhibition has been created. Now choose its groups and products."),
                "success",
            )
            return redirect(url_for("curation.exhibition", exhibition_id=exhibition.id))
    return render_template("curation/manage/exhibition_form.html", form=form, exhibition=None)


@coordinator_required
def exhibition_edit(exhibition_id: int):
    exhibition = get_exhibition_to_manage_or_404(exhibition_id, joinedload(Exhibition.banner))
    form = ExhibitionForm(obj=exhibition)
    if form.validate_on_submit():
        changed = commit_or_show(
            form,
            lambda: exhibition_services.update_exhibition(
                exhibition, form.details(), form.banner.data, by=acting_user()
            ),
        )
        if changed is not None:
            flash(_("The exhibition has been saved."), "success")
            return redirect(url_for("curation.exhibition", exhibition_id=exhibition.id))
    return render_template("curation/manage/exhibition_form.html", form=form, exhibition=exhibition)


def _candidate_products(exhibition: Exhibition, q: str) -> list[Product]:
    """Products the coordinator may add: public, of groups in scope, not in
    the exhibition yet; matching `q`, or else those of its chosen groups."""
    stmt = (
        select(Product)
        .join(Product.group)
        .where(publicly_visible(), current_scope().groups_clause())
        .where(
            Product.id.not_in(
                select(ExhibitionProduct.product_id).where(
                    ExhibitionProduct.exhibition_id == exhibition.id
                )
            )
        )
        .options(contains_eager(Product.group))
    )
    if q:
        pattern = "%" + fold(q).replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
        stmt = stmt.where(
            or_(
                func.lower(Product.name).like(pattern, escape="\\"),
                func.lower(Group.name).like(pattern, escape="\\"),
            )
        )
    else:
        stmt = stmt.where(
            Product.group_id.in_(
                select(ExhibitionGroup.group_id).where(
                    ExhibitionGroup.exhibition_id == exhibition.id
                )
            )
        )
    return list(db.session.scalars(stmt.order_by(Group.name, Product.name).limit(CANDIDATES_SHOWN)))


@coordinator_required
def exhibition(exhibition_id: int):
    exhibition = get_exhibition_to_manage_or_404(exhibition_id, *_with_items())
    q = CandidateSearchForm.read().cari.data
    group_form = GroupChoiceForm()
    group_form.group.choices = [(0, _("Choose a group"))] + active_group_choices(
        exclude={item.group_id for item in exhibition.groups}
    )
    return render_template(
        "curation/manage/exhibition.html",
        exhibition=exhibition,
        today=jakarta_today(),
        group_form=group_form,
        candidates=_candidate_products(exhibition, q),
        q=q,
    )


def _back_to(exhibition: Exhibition, anchor: str = ""):
    url = url_for(
        "curation.exhibition",
        exhibition_id=exhibition.id,
        cari=request.form.get("cari") or None,
    )
    return redirect(url + (f"#{anchor}" if anchor else ""))


@coordinator_required
def exhibition_publish(exhibition_id: int):
    exhibition = get_exhibition_to_manage_or_404(exhibition_id, *_with_items())
    if request.form.get("publish") == "1":
        commit_or_flash(
            lambda: exhibition_services.publish_exhibition(exhibition, by=acting_user()),
            _("The exhibition is published."),
        )
    else:
        commit_or_flash(
            lambda: exhibition_services.unpublish_exhibition(exhibition, by=acting_user()),
            _("The exhibition is no longer public."),
        )
    return _back_to(exhibition)


@coordinator_required
def exhibition_add_group(exhibition_id: int):
    exhibition = get_exhibition_to_manage_or_404(exhibition_id, *_with_items())
    try:
        group_id = int(request.form.get("group", ""))
    except ValueError:
        group_id = 0
    if not group_id:
        flash(_("Choose a group."), "error")
        return _back_to(exhibition, "add-group")
    group = group_in_scope_by_id_or_404(group_id)
    commit_or_flash(
        lambda: exhibition_services.add_exhibition_group(exhibition, group, by=acting_user()),
        _("%(name)s has been added.", name=group.name),
    )
    return _back_to(exhibition, "ex-groups")


@coordinator_required
def exhibition_add_product(exhibition_id: int):
    exhibition = get_exhibition_to_manage_or_404(exhibition_id, *_with_items())
    try:
        product_id = int(request.form.get("product", ""))
    except ValueError:
        abort(404)
    product = get_product_in_scope_or_404(product_id)
    commit_or_flash(
        lambda: exhibition_services.add_exhibition_product(exhibition, product, by=acting_user()),
        _("%(name)s has been added.", name=product.name),
    )
    return _back_to(exhibition, "add-product")


@coordinator_required
def exhibition_move_item(exhibition_id: int, kind: str, item_id: int):
    exhibition = get_exhibition_to_manage_or_404(exhibition_id, *_with_items())
    direction = request.form.get("direction")
    if kind not in ITEM_KINDS or direction not in (services.UP, services.DOWN):
        abort(404)
    if not commit_or_flash(
        lambda: exhibition_services.move_exhibition_item(
            exhibition, ITEM_KINDS[kind], item_id, direction, by=acting_user()
        )
    ):
        return _back_to(exhibition)
    return _back_to(exhibition, f"{ITEM_KINDS[kind]}-{item_id}")


@coordinator_required
def exhibition_remove_item(exhibition_id: int, kind: str, item_id: int):
    exhibition = get_exhibition_to_manage_or_404(exhibition_id, *_with_items())
    if kind not in ITEM_KINDS:
        abort(404)
    removed = commit_or_raise(
        lambda: exhibition_services.remove_exhibition_item(
            exhibition, ITEM_KINDS[kind], item_id, by=acting_user()
        )
    )
    if not removed:  # not in this exhibition: nothing was written
        abort(404)
    flash(_("Removed from the exhibition."), "success")
    return _back_to(exhibition, f"ex-{ITEM_KINDS[kind]}s")
