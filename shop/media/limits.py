"""How large a request may be, and the page for one that is larger.

The forms that take several photos at once (a product's photos, a group's
logo and cover) may send PHOTO_FORM_MAX_CONTENT_LENGTH; every other request
stays within MAX_CONTENT_LENGTH. nginx mirrors both (deploy/nginx/etalase.conf,
one location for these forms) and sends its own refusals to /terlalu-besar,
so either way the person reads this page in their language.

Werkzeug refuses a larger request from its Content-Length before reading
the body, and spools each file of an accepted one to a temporary file past
500 KB, so a request of many photos is never held in memory whole.
"""

from __future__ import annotations

from flask import Flask, Request, current_app, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from shop.errors import ErrorAction, ErrorPage, error_page

# The endpoints whose forms take several photos in one request.
PHOTO_FORM_ENDPOINTS = frozenset(
    {
        "catalogue.create_product",
        "catalogue.edit_product",
        "groups.create",
        "groups.profile",
    }
)
MB = 1024 * 1024


def max_content_length_for(endpoint: str | None) -> int:
    """The most bytes a request to `endpoint` may send."""
    config = current_app.config
    if endpoint in PHOTO_FORM_ENDPOINTS:
        return int(config["PHOTO_FORM_MAX_CONTENT_LENGTH"])
    return int(config["MAX_CONTENT_LENGTH"])


class SizedRequest(Request):
    """A request whose size limit is its endpoint's (known once the URL is
    matched, before any before_request hook reads the form). A view may
    still set `request.max_content_length` itself."""

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is not None:
            return self._max_content_length
        if not current_app:
            return super().max_content_length
        return max_content_length_for(self.endpoint)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def too_large_page(path: str | None):
    """413 naming the limit of the address that was sent to; nothing was
    read, so nothing was saved. Its button leads back to the form when the
    address is a page (the product form, the log-in page)."""
    endpoint = _endpoint(path, "POST")
    megabytes = max_content_length_for(endpoint) // MB
    if endpoint in PHOTO_FORM_ENDPOINTS:
        message = _l(
            "The photos you sent add up to more than %(mb)d MB, the most this form "
            "takes at once. Nothing was saved. Go back and choose fewer photos (or "
            "smaller ones); you can add the rest afterwards.",
            mb=megabytes,
        )
    else:
        message = _l(
            "What you sent is larger than %(mb)d MB, the most this page takes. "
            "Nothing was saved. Go back and send a smaller file.",
            mb=megabytes,
        )
    back = ErrorAction(_l("Back to the form"), path) if path and _endpoint(path, "GET") else None
    return error_page(413, ErrorPage(_l("Too large to send"), message), back)


def _endpoint(path: str | None, method: str) -> str | None:
    """The endpoint a `method` request to `path` reaches, if any."""
    if not path:
        return None
    adapter = current_app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(path, method=method)
    except HTTPException:  # no such address, another method, a redirect
        return None
    return endpoint


def register(app: Flask) -> None:
    app.request_class = SizedRequest

    @app.errorhandler(RequestEntityTooLarge)
    def request_too_large(error):
        return too_large_page(request.path)
