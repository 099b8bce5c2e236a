"""The group's verification page: its status in plain words, the coordinator's
note, its documents (upload, open, delete) and "ask for review again"."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.file import FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from shop.groups import documents
from shop.groups.forms import ConfirmForm
from shop.groups.models import DocumentKind
from shop.groups.queries import get_membership_or_404
from shop.groups.workflow import VERIFICATION_FLOW
from shop.i18n.forms import BaseForm
from shop.media.forms import PhotoOrPdfField
from shop.transaction import commit_or_flash, commit_or_show

THUMB_WIDTH = 320


class DocumentForm(BaseForm):
    kind = SelectField(
        _l("What is it?"),
        choices=DocumentKind.choices(_l("Choose the kind of document")),
        validators=[DataRequired()],
    )
    title = StringField(
        _l("Title"),
        validators=[Optional(), Length(max=120)],
        description=_l("e.g. “SK Kepala Desa 2024” or “Visit of the PLKB, March”."),
    )
    # Photo or PDF: the same field (and limits) as a transfer receipt.
    file = PhotoOrPdfField(
        _l("File"),
        validators=[FileRequired(_l("Choose the photo or PDF to upload."))],
        description=_l("A photo (JPEG, PNG, WebP or HEIC) or a PDF, at most 12 MB."),
    )


def _render(membership, form=None, status=200):
    group = membership.group
    return (
        render_template(
            "groups/manage/verification.html",
            group=group,
            me=membership,
            documents=documents.group_documents(group),
            max_documents=documents.MAX_DOCUMENTS,
            form=form or DocumentForm(),
            confirm=ConfirmForm(),
            offered=VERIFICATION_FLOW.offered(group),
        ),
        status,
    )


@login_required
def verification(slug: str):
    membership = get_membership_or_404(slug)
    if request.method == "GET":
        return _render(membership)
    form = DocumentForm()
    if form.validate_on_submit():
        document = commit_or_show(
            form,
            lambda: documents.add_document(
                membership.group,
                DocumentKind(form.kind.data),
                form.title.data or "",
                form.file.data,
                by=current_user,
            ),
        )
        if document is not None:
            flash(_("The document has been uploaded."), "success")
            return redirect(url_for("groups.verification", slug=slug), 303)
    return _render(membership, form, 422)


@login_required
def document_file(slug: str, document_id: int):
    group = get_membership_or_404(slug).group
    width = THUMB_WIDTH if request.args.get("ukuran") == "kecil" else None
    return documents.send_document(documents.get_document_or_404(group, document_id), width=width)


@login_required
def delete_document(slug: str, document_id: int):
    membership = get_membership_or_404(slug)
    if ConfirmForm().validate_on_submit():
        try:
            commit_or_flash(
                lambda: documents.remove_document(membership.group, document_id, by=membership),
                _("The document has been deleted."),
            )
        except LookupError:
            abort(404)
    return redirect(url_for("groups.verification", slug=slug), 303)


@login_required
def request_review(slug: str):
    membership = get_membership_or_404(slug)
    if ConfirmForm().validate_on_submit():
        commit_or_flash(
            lambda: documents.request_review(membership.group),
            VERIFICATION_FLOW["tinjau-ulang"].done,
        )
    return redirect(url_for("groups.verification", slug=slug), 303)
