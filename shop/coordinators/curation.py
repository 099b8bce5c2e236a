"""Coordinator pages: curation (featured groups on the home page, virtual exhibitions).

Featured entries are managed by any coordinator whose scope covers the
group; an exhibition by the coordinator who created it, or an operator.
Anything else is a 404. Groups and products added to an exhibition are
loaded through the scope too.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from shop.catalogue.models import Product
from shop.catalogue.queries import publicly_visible
from shop.coordinators import curation_services as services
from shop.coordinators.filters import CandidateSearchForm
from shop.coordinators.models import (
    Exhibition,
    ExhibitionGroup,
    ExhibitionProduct,
    FeaturedGroup,
)
from shop.coordinators.scope import (
    coordinator_required,
    current_scope,
    get_product_in_scope_or_404,
    groups_in_scope,
)
from shop.core.clock import jakarta_today
from shop.core.pagination import paginate
from shop.core.text import fold
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import Group, GroupStatus
from shop.i18n.forms import BaseForm
from shop.media.forms import PhotoField
from shop.transaction import commit_or_flash, commit_or_show

ENDED_SHOWN = 20
EXHIBITIONS_PAGE_SIZE = 30
CANDIDATES_SHOWN = 30
ITEM_KINDS = {"kelompok": "group", "produk": "product"}


# Forms


class FeatureForm(BaseForm):
    group = SelectField(_l("Group"), coerce=int, validate_choice=False)
    starts_on = DateField(_l("First day on the home page"), validators=[InputRequired()])
    ends_on = DateField(
        _l("Last day on the home page"),
        validators=[Optional()],
        description=_l("Leave empty to keep the group featured until you remove it."),
    )


class FeatureDatesForm(BaseForm):
    starts_on = FeatureForm.starts_on
    ends_on = FeatureForm.ends_on


class ExhibitionForm(BaseForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=5000)],
        description=_l("What the exhibition is about. Line breaks are kept."),
    )
    banner = PhotoField(_l("Banner image"))
    banner_alt = StringField(
        _l("What the banner shows"),
        validators=[Optional(), Length(max=200)],
        description=_l(
            "For people who cannot see the picture, e.g. “Abon and kerupuk lele on a table”."
        ),
    )
    starts_on = DateField(_l("First day"), validators=[InputRequired()])
    ends_on = DateField(_l("Last day"), validators=[InputRequired()])

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date cannot be before the start date."))

    def details(self) -> services.ExhibitionDetails:
        return services.ExhibitionDetails(
            title=self.title.data or "",
            description=self.description.data or "",
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            banner_alt=self.banner_alt.data or "",
        )


class GroupChoiceForm(BaseForm):
    group = SelectField(_l("Group"), coerce=int, validate_choice=False)


def _fail(error: DomainError) -> None:
    db.session.rollback()
    flash(error.message, "error")


# Featured groups


def _active_group_choices(exclude=()) -> list[tuple[int, str]]:
    rows = db.session.execute(
        groups_in_scope()
        .where(Group.status == GroupStatus.ACTIVE)
        .with_only_columns(Group.id, Group.name)
        .order_by(Group.name, Group.id)
    ).all()
    return [(group_id, name) for group_id, name in rows if group_id not in exclude]


def _group_in_scope_by_id_or_404(group_id) -> Group:
    group = db.session.scalar(groups_in_scope().where(Group.id == group_id))
    if group is None:
        abort(404)
    return group


def _featured_in_scope():
    return (
        select(FeaturedGroup)
        .join(FeaturedGroup.group)
        .where(current_scope().groups_clause())
        .options(contains_eager(FeaturedGroup.group))
    )


def get_feature_in_scope_or_404(entry_id: int) -> FeaturedGroup:
    entry = db.session.scalar(_featured_in_scope().where(FeaturedGroup.id == entry_id))
    if entry is None:
        abort(404)
    return entry


def _me():
    """The coordinator acting, as the services record them."""
    return current_user._get_current_object()


@coordinator_required
def featured():
    today = jakarta_today()
    form = FeatureForm()
    form.group.choices = [(0, _("Choose a group"))] + _active_group_choices()
    if request.method == "GET":
        form.starts_on.data = today
    if form.validate_on_submit():
        if not form.group.data:
            form.group.errors = [_("Choose a group.")]
        else:
            group = _group_in_scope_by_id_or_404(form.group.data)
            entry = commit_or_show(
                form,
                lambda: services.feature_group(
                    group, form.starts_on.data, form.ends_on.data, today=today, by=_me()
                ),
            )
            if entry is not None:
                flash(_("%(group)s is featured.", group=group.name), "success")
                return redirect(url_for("coordinators.featured"))
    shown = list(
        db.session.scalars(
            _featured_in_scope()
            .where(FeaturedGroup.ends_on.is_(None) | (FeaturedGroup.ends_on >= today))
            .order_by(FeaturedGroup.position, FeaturedGroup.id)
        )
    )
    ended = list(
        db.session.scalars(
            _featured_in_scope()
            .where(FeaturedGroup.ends_on < today)
            .order_by(FeaturedGroup.ends_on.desc(), FeaturedGroup.id.desc())
            .limit(ENDED_SHOWN)
        )
    )
    return render_template(
        "coordinators/curation/featured.html",
        form=form,
        today=today,
        shown=shown,
        ended=ended,
    )


@coordinator_required
def featured_edit(entry_id: int):
    entry = get_feature_in_scope_or_404(entry_id)
    form = FeatureDatesForm(obj=entry)
    if form.validate_on_submit():
        saved = commit_or_show(
            form,
            lambda: services.change_feature_dates(
                entry, form.starts_on.data, form.ends_on.data, by=_me()
            ),
        )
        if saved is not None:
            flash(_("The dates have been saved."), "success")
            return redirect(url_for("coordinators.featured"))
    return render_template("coordinators/curation/featured_edit.html", form=form, entry=entry)


@coordinator_required
def featured_move(entry_id: int):
    entry = get_feature_in_scope_or_404(entry_id)
    direction = request.form.get("direction")
    if direction not in (services.UP, services.DOWN):
        abort(400)
    try:
        services.move_feature(entry, direction, current_scope(), today=jakarta_today(), by=_me())
    except DomainError as error:
        _fail(error)
    else:
        db.session.commit()
    return redirect(url_for("coordinators.featured") + f"#feature-{entry_id}")


@coordinator_required
def featured_remove(entry_id: int):
    entry = get_feature_in_scope_or_404(entry_id)
    name = entry.group.name
    services.unfeature_group(entry, by=_me())
    db.session.commit()
    flash(_("%(group)s is no longer featured.", group=name), "success")
    return redirect(url_for("coordinators.featured"))


# Exhibitions


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
        "coordinators/curation/exhibitions.html",
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
            form, lambda: services.create_exhibition(form.details(), form.banner.data, by=_me())
        )
        if exhibition is not None:
            flash(
                _("The exhibition has been created. Now choose its groups and products."),
                "success",
            )
            return redirect(url_for("coordinators.exhibition", exhibition_id=exhibition.id))
    return render_template("coordinators/curation/exhibition_form.html", form=form, exhibition=None)


@coordinator_required
def exhibition_edit(exhibition_id: int):
    exhibition = get_exhibition_to_manage_or_404(exhibition_id, joinedload(Exhibition.banner))
    form = ExhibitionForm(obj=exhibition)
    if form.validate_on_submit():
        changed = commit_or_show(
            form,
            lambda: services.update_exhibition(
                exhibition, form.details(), form.banner.data, by=_me()
            ),
        )
        if changed is not None:
            flash(_("The exhibition has been saved."), "success")
            return redirect(url_for("coordinators.exhibition", exhibition_id=exhibition.id))
    return render_template(
        "coordinators/curation/exhibition_form.html", form=form, exhibition=exhibition
    )


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
    group_form.group.choices = [(0, _("Choose a group"))] + _active_group_choices(
        exclude={item.group_id for item in exhibition.groups}
    )
    return render_template(
        "coordinators/curation/exhibition.html",
        exhibition=exhibition,
        today=jakarta_today(),
        group_form=group_form,
        candidates=_candidate_products(exhibition, q),
        q=q,
    )


def _back_to(exhibition: Exhibition, anchor: str = ""):
    url = url_for(
        "coordinators.exhibition",
        exhibition_id=exhibition.id,
        cari=request.form.get("cari") or None,
    )
    return redirect(url + (f"#{anchor}" if anchor else ""))


@coordinator_required
def exhibition_publish(exhibition_id: int):
    exhibition = get_exhibition_to_manage_or_404(exhibition_id, *_with_items())
    if request.form.get("publish") == "1":
        commit_or_flash(
            lambda: services.publish_exhibition(exhibition, by=_me()),
            _("The exhibition is published."),
        )
    else:
        commit_or_flash(
            lambda: services.unpublish_exhibition(exhibition, by=_me()),
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
    group = _group_in_scope_by_id_or_404(group_id)
    commit_or_flash(
        lambda: services.add_exhibition_group(exhibition, group, by=_me()),
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
        lambda: services.add_exhibition_product(exhibition, product, by=_me()),
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
        lambda: services.move_exhibition_item(
            exhibition, ITEM_KINDS[kind], item_id, direction, by=_me()
        )
    ):
        return _back_to(exhibition)
    return _back_to(exhibition, f"{ITEM_KINDS[kind]}-{item_id}")


@coordinator_required
def exhibition_remove_item(exhibition_id: int, kind: str, item_id: int):
    exhibition = get_exhibition_to_manage_or_404(exhibition_id, *_with_items())
    if kind not in ITEM_KINDS:
        abort(404)
    if not services.remove_exhibition_item(exhibition, ITEM_KINDS[kind], item_id, by=_me()):
        abort(404)
    db.session.commit()
    flash(_("Removed from the exhibition."), "success")
    return _back_to(exhibition, f"ex-{ITEM_KINDS[kind]}s")
