"""Public short links (/s/<code>) and their QR codes.

Both are the same for every visitor and never touch the session: the
redirect carries a public cache lifetime, and the QR files (whose URL is
stable per code) a long one and the anonymous page cache.
"""

from __future__ import annotations

from flask import redirect, request
from flask_babel import gettext as _

from shop.core.cache import public_page
from shop.core.downloads import made_file
from shop.core.templating import absolute_url
from shop.marketing import qr
from shop.marketing.queries import get_public_target_or_404

REDIRECT_MAX_AGE = 24 * 3600
QR_MAX_AGE = 365 * 24 * 3600
QR_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


def short_url(code: str) -> str:
    return absolute_url("marketing.short_link", code=code)


def qr_title(name: str, code: str) -> str:
    return _("QR code for %(name)s: %(url)s", name=name, url=short_url(code))


def short_link(code: str):
    target = get_public_target_or_404(code)
    # Permanent: a code never points anywhere else (a page that later goes
    # private answers 404 itself).
    response = redirect(target.path, code=301)
    response.cache_control.public = True
    response.cache_control.max_age = REDIRECT_MAX_AGE
    return response


@public_page
def qr_code(code: str, kind: str):
    target = get_public_target_or_404(code)
    url = short_url(target.code)
    body = qr.svg(url, qr_title(target.name, target.code)) if kind == "svg" else qr.png(url)
    response = made_file(
        body,
        name=f"qr-{target.code}.{kind}",
        mimetype=QR_TYPES[kind],
        attachment=bool(request.args.get("unduh")),
    )
    response.cache_control.public = True
    response.cache_control.max_age = QR_MAX_AGE
    return response
