"""Security headers (Flask-Talisman) and the login session cookie flags."""

from __future__ import annotations

from flask import Flask, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from shop.extensions import talisman

# No inline scripts or styles anywhere: every script is a file under /static.
CSP = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "script-src": "'self'",
    "style-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    # Stripe Checkout: "Pay by card" posts here and is redirected to Stripe.
    "form-action": "'self' https://checkout.stripe.com",
    "frame-ancestors": "'none'",
}


# Responses that are the same for everyone: a shared cache may keep one copy.
SHARED_ENDPOINTS = frozenset({"static", "media.file", "regions.children"})


class SessionInterface(SecureCookieSessionInterface):
    """Flask adds `Vary: Cookie` whenever the session was looked at (Flask-Login
    looks on every request). Files and region lists never depend on it, so
    they drop it and stay cacheable by proxies and CDNs."""

    def save_session(self, app, session, response):
        super().save_session(app, session, response)
        if request.endpoint in SHARED_ENDPOINTS and not session.modified:
            kept = [value for value in response.vary if value.lower() != "cookie"]
            if kept:
                response.headers["Vary"] = ", ".join(kept)
            else:
                response.headers.pop("Vary", None)


PRIVATE = "private, no-store"


def no_store_unless_public(response):
    """after_request: no shared cache and no browser history keeps a response
    that may show someone's account, cart or order.

    The rule: every response is `private, no-store` except
    - files and lists the same for everyone (SHARED_ENDPOINTS), and responses
      whose view already said what they are (`public`, or `no-store`);
    - a public page (`@public_page`) for an anonymous visitor: no session
      (no login, cart or message) and no remember-me cookie. Those the page
      cache keeps, and proxies may too.
    A logged-in person's catalogue page (with their name in the header),
    tracking, lookup, checkout and every group or coordinator page fall
    under the first line.
    """
    if request.endpoint in SHARED_ENDPOINTS:
        return response
    cache_control = response.cache_control
    if cache_control.public or cache_control.no_store:
        return response
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    if g.get("public_page") and not session and remember not in request.cookies:
        return response
    response.headers["Cache-Control"] = PRIVATE
    return response


def init_security(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.after_request(no_store_unless_public)
    proxies = int(app.config.get("PROXY_COUNT", 0) or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        content_security_policy=CSP,
        content_security_policy_nonce_in=[],
        referrer_policy="same-origin",
        frame_options="DENY",
        strict_transport_security=app.config["FORCE_HTTPS"],
        permissions_policy={"geolocation": "()", "microphone": "()", "camera": "()"},
    )
