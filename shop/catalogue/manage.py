"""A group's product pages: add, edit, publish, photos. Any member may use them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from shop.catalogue import queries, services
from shop.catalogue.forms import PhotoAltForm, PhotoForm, ProductForm, StatusForm
from shop.catalogue.models import Product, ProductStatus
from shop.errors import DomainError
from shop.groups.queries import get_membership_or_404
from shop.i18n.forms import BaseForm
from shop.transaction import commit_or_flash, commit_or_raise, commit_or_show
from shop.workflow import Action


def _same_name(form: ProductForm, group, product=None):
    """Another product of the group with the name the form sends, unless the
    member ticked that a second one is meant (or kept the product's own
    name); the form is then shown again with a link to it, nothing saved."""
    if form.same_name_ok.data or (product is not None and form.name.data == product.name):
        return None
    found = queries.product_named_like(
        group, form.name.data or "", other_than=product.id if product else None
    )
    if found is not None:
        form.name.errors = [
            *form.name.errors,
            _("Your group already has a product with this name."),
        ]
    return found


def _form_page(form: ProductForm, group, product=None, **context):
    """The product form, with the room left for photos."""
    return render_template(
        "catalogue/manage/edit.html",
        form=form,
        group=group,
        product=product,
        max_photos=services.MAX_PHOTOS,
        upload_total_mb=request.max_content_length // (1024 * 1024),
        # What the photos may weigh together: the limit less room for the
        # form's other fields.
        upload_total_bytes=request.max_content_length - 256 * 1024,
        **context,
    )


@login_required
def create_product(slug: str):
    group = get_membership_or_404(slug).group
    form = ProductForm()
    if request.method == "POST" and form.request_extra_variant():
        return _form_page(form, group)
    same_name = None
    if form.validate_on_submit() and (same_name := _same_name(form, group)) is None:
        product = commit_or_show(
            form,
            lambda: services.create_product(
                group,
                form.to_data(),
                form.to_variants(),
                form.to_photos(),
                publish=request.form.get("publish") == "1",
            ),
        )
        if product is not None:
            if product.status is ProductStatus.PUBLISHED:
                flash(
                    _("“%(name)s” is published: buyers can see it now.", name=product.name),
                    "success",
                )
            else:
                flash(_("“%(name)s” is saved as a draft.", name=product.name), "success")
            return redirect(url_for("catalogue.edit_product", slug=slug, product_id=product.id))
    return _form_page(form, group, same_name=same_name)


@login_required
def edit_product(slug: str, product_id: int):
    group = get_membership_or_404(slug).group
    product = queries.get_product_for_group_or_404(group, product_id)
    form = ProductForm(obj=product)
    if request.method == "GET":
        form.category.data = product.category.value
        form.packaging_type.data = product.packaging_type.value if product.packaging_type else ""
        form.net_unit.data = product.net_unit.value if product.net_unit else ""
        form.load_variants(product)
        form.load_shelf_life(product)
    elif form.request_extra_variant():
        return _form_page(form, group, product)
    same_name = None
    if form.validate_on_submit() and (same_name := _same_name(form, group, product)) is None:
        saved = commit_or_show(
            form,
            lambda: services.update_product(
                product, form.to_data(), form.to_variants(), form.to_photos()
            ),
        )
        if saved is not None:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("catalogue.edit_product", slug=slug, product_id=product.id))
    return _form_page(form, group, product, status_form=StatusForm(), same_name=same_name)


@login_required
def change_status(slug: str, product_id: int):
    group = get_membership_or_404(slug).group
    product = queries.get_product_for_group_or_404(group, product_id)
    form = StatusForm()
    try:
        status = ProductStatus(form.status.data or "")
    except ValueError:
        abort(400)
    if form.validate_on_submit():
        commit_or_flash(
            lambda: services.set_status(product, status),
            {
                ProductStatus.PUBLISHED: _("Published: buyers can see it now."),
                ProductStatus.DRAFT: _("Moved back to drafts: buyers no longer see it."),
                ProductStatus.ARCHIVED: _("Archived: buyers no longer see it."),
            }[status],
        )
    if request.form.get("back") == "list":
        return redirect(url_for("groups.manage_home", slug=slug))
    return redirect(url_for("catalogue.edit_product", slug=slug, product_id=product.id))


@login_required
def request_review(slug: str, product_id: int):
    group = get_membership_or_404(slug).group
    product = queries.get_product_for_group_or_404(group, product_id)
    if BaseForm().validate_on_submit():
        commit_or_flash(
            lambda: services.request_review(product),
            _("Review requested: a coordinator will look at the product again."),
        )
    return redirect(url_for("catalogue.edit_product", slug=slug, product_id=product.id))


@login_required
def photos(slug: str, product_id: int):
    group = get_membership_or_404(slug).group
    product = queries.get_product_for_group_or_404(group, product_id)
    form = PhotoForm()
    if form.validate_on_submit():
        upload = services.PhotoUpload(form.photo.data, form.alt_text.data)
        if commit_or_show(form, lambda: services.add_photo(product, upload)) is not None:
            flash(_("The photo has been added."), "success")
            return redirect(url_for("catalogue.photos", slug=slug, product_id=product.id))
    return render_template(
        "catalogue/manage/photos.html",
        form=form,
        group=group,
        product=product,
        alt_form=PhotoAltForm(),
    )


# The buttons of the photos page: each posts PhotoAltForm to `…/<action>` and
# runs one service on the product and the photo's id.
PHOTO_ACTIONS: dict[str, Action[tuple[Product, int]]] = {
    "naik": Action(
        lambda target: PhotoAltForm(),
        lambda target, form, by: services.move_photo(*target, -1),
    ),
    "turun": Action(
        lambda target: PhotoAltForm(),
        lambda target, form, by: services.move_photo(*target, +1),
    ),
    "hapus": Action(
        lambda target: PhotoAltForm(),
        lambda target, form, by: services.remove_photo(*target),
    ),
    "teks": Action(
        lambda target: PhotoAltForm(),
        lambda target, form, by: services.set_photo_alt(*target, form.alt_text.data or ""),
    ),
}


def _photo_done(action: str) -> str:
    return {
        "naik": _("Photo moved up."),
        "turun": _("Photo moved down."),
        "hapus": _("Photo removed."),
        "teks": _("Photo description saved."),
    }[action]


@login_required
def photo_action(slug: str, product_id: int, photo_id: int, action: str):
    group = get_membership_or_404(slug).group
    product = queries.get_product_for_group_or_404(group, product_id)
    if action not in PHOTO_ACTIONS:
        abort(404)
    target = (product, photo_id)
    form = PHOTO_ACTIONS[action].form(target)
    if not form.validate_on_submit():
        abort(400)
    try:
        commit_or_raise(lambda: PHOTO_ACTIONS[action].run(target, form, current_user))
    except DomainError:  # a photo of another product
        abort(404)
    flash(_photo_done(action), "success")
    return redirect(
        url_for("catalogue.photos", slug=slug, product_id=product.id) + f"#foto-{photo_id}"
    )
