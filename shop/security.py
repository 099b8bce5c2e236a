"""Security headers (Flask-Talisman) and the login session cookie flags."""

from __future__ import annotations

from flask import Flask, request
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


def init_security(app: Flask) -> None:
    app.session_interface = SessionInterface()
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
