"""The printable consignment note (nota titip) and its PDF.

The warung owner is the one who signs, so the note itself is in Indonesian
whatever language the member uses the site in; `?bahasa=en` gives the English
version for the rare owner who wants it. The toolbar around the note on the
print page stays in the member's language. One partial serves the print page
(print stylesheet, browser printing) and the PDF (WeasyPrint, the same
stylesheet, the logo as a data URI): A5 portrait, the table header repeated
on every page, rows never split, the signatures kept together at the end.
The PDF link asks for an export (`shop.exports`); a background job lays it
out.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from flask import Response, render_template, request, url_for
from flask_babel import force_locale
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shop.accounts.models import User
from shop.consignment.models import Consignment
from shop.consignment.views import get_consignment_or_404
from shop.exports.services import request_export
from shop.exports.views import answer, export_params, start_writing
from shop.extensions import db
from shop.groups.models import Group
from shop.groups.queries import get_membership_or_404
from shop.marketing import qr
from shop.marketing.views import qr_title, short_url
from shop.media.pdf import image_data_uri, write_pdf
from shop.media.templating import image_url
from shop.transaction import commit_or_raise

STYLESHEET = "css/nota.css"
NOTE_LANGUAGE = "id"
NOTE_LANGUAGES = ("id", "en")
LOGO_WIDTH = 160


def note_language() -> str:
    """The note's language: Indonesian unless the link asks for English."""
    asked = request.args.get("bahasa", NOTE_LANGUAGE)
    return asked if asked in NOTE_LANGUAGES else NOTE_LANGUAGE


def _nota_url(endpoint: str, group: Group, consignment: Consignment, language: str) -> str:
    args = {} if language == NOTE_LANGUAGE else {"bahasa": language}
    return url_for(endpoint, slug=group.slug, number=consignment.number, **args)


def render_note(group: Group, consignment: Consignment, language: str, *, for_pdf: bool) -> Markup:
    """The note's body (the part that is printed), in `language`."""
    outlet = consignment.outlet
    member = db.session.get(User, consignment.created_by_id) if consignment.created_by_id else None
    if group.logo is None or not group.logo.ready:
        logo = None
    elif for_pdf:
        logo = image_data_uri(group.logo, LOGO_WIDTH)
    else:
        logo = image_url(group.logo, LOGO_WIDTH)
    link = short_url(group.short_code)
    with force_locale(language):
        body = render_template(
            "consignment/_nota_body.html",
            group=group,
            consignment=consignment,
            outlet=outlet,
            lines=consignment.lines,
            has_expiry=any(line.expires_on for line in consignment.lines),
            next_visit=consignment.left_on + timedelta(days=outlet.visit_every_days),
            member_name=member.name if member else "",
            logo=logo,
            link_text=link.split("://", 1)[-1],
            qr=qr.inline_svg(link, qr_title(group.name, group.short_code)),
            language=language,
        )
    # Rendered by an autoescaping template: every user text in it is escaped.
    return Markup(body)


def _page(group: Group, consignment: Consignment, language: str, *, for_pdf: bool, **links):
    return render_template(
        "consignment/nota.html",
        group=group,
        consignment=consignment,
        note=render_note(group, consignment, language, for_pdf=for_pdf),
        for_pdf=for_pdf,
        **links,
    )


@login_required
def nota(slug: str, number: str):
    group = get_membership_or_404(slug).group
    consignment = get_consignment_or_404(group, number)
    language = note_language()
    other = "id" if language == "en" else "en"
    html = _page(
        group,
        consignment,
        language,
        for_pdf=False,
        pdf_url=_nota_url("consignment.nota_pdf", group, consignment, language),
        other_language_url=_nota_url("consignment.nota", group, consignment, other),
        other_language=other,
    )
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def prepare_nota(params: dict, requested_by, requested_at):
    """The export job's first step: the note as it is now, in the language
    asked for; the step returned lays the PDF out without the database."""
    group = db.session.get(Group, params["group_id"])
    consignment = db.session.scalar(
        select(Consignment)
        .where(
            Consignment.id == params["consignment_id"],
            Consignment.group_id == params["group_id"],
        )
        .options(selectinload(Consignment.lines))
    )
    if group is None or consignment is None:
        raise LookupError("the note no longer exists")
    language = params["language"]
    with force_locale(language):
        html = _page(group, consignment, language, for_pdf=True)
    return partial(write_pdf, html, (STYLESHEET,))


@login_required
def nota_pdf(slug: str, number: str):
    """Asked for by a member of the note's group; a job lays the PDF out,
    served to open in the phone's viewer."""
    group = get_membership_or_404(slug).group
    consignment = get_consignment_or_404(group, number)
    filename = f"nota-{consignment.number}.pdf"
    params = export_params(
        group_id=group.id, consignment_id=consignment.id, language=note_language()
    )
    start_writing()
    export = commit_or_raise(lambda: request_export("nota-pdf", params, filename, current_user))
    return answer(export)
