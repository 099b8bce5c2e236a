"""Flask extensions, created unbound and initialised in the app factory."""

import logging

import flask_limiter
from flask import current_app
from flask_babel import Babel
from flask_caching import Cache
from flask_compress import Compress
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

from shop.db import Base
from shop.outages import outages, service_name

# Flask-Limiter's own notices of its storage going and coming back; Limiter
# reports both through `outages` instead (one line for a Redis outage).
_STORAGE_NOTICES = ("Rate limit storage unreachable", "Rate limit storage recovered")


class _WithoutStorageNotices(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_STORAGE_NOTICES)


class Limiter(flask_limiter.Limiter):
    """Flask-Limiter, whose storage outages are logged once with the rest.

    With RATELIMIT_IN_MEMORY_FALLBACK_ENABLED a storage error switches the
    limiter to counting in memory (`_storage_dead`), and Flask-Limiter tries the
    storage again after 1, 2, 4 … 32 seconds, switching back when it answers.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not any(isinstance(f, _WithoutStorageNotices) for f in self.logger.filters):
            self.logger.addFilter(_WithoutStorageNotices())

    def init_app(self, app, *args, **kwargs) -> None:
        self.__dict__["storage_dead"] = False  # a new app starts with its storage
        if self not in app.extensions.get("limiter", set()):
            # Registered before Flask-Limiter's own header hook, so it runs after it
            # (Flask runs after_request hooks last registered first).
            app.after_request(self._retry_after_only_when_refused)
        super().init_app(app, *args, **kwargs)

    def _retry_after_only_when_refused(self, response):
        """Flask-Limiter sets Retry-After on every answer of a limited route
        (RATELIMIT_HEADERS_ENABLED); only a refusal (429) or an outage (503)
        should ask the client to come back later. X-RateLimit-* stay."""
        if response.status_code not in (429, 503) and self.current_limit is not None:
            response.headers.pop("Retry-After", None)
        return response

    @property
    def _storage_dead(self) -> bool:
        return self.__dict__.get("storage_dead", False)

    @_storage_dead.setter
    def _storage_dead(self, dead: bool) -> None:
        was = self.__dict__.get("storage_dead", False)
        self.__dict__["storage_dead"] = dead
        if dead == was:
            return
        service = service_name(str(current_app.config.get("RATELIMIT_STORAGE_URI", "")))
        if dead:
            outages.failed(service, "rate limits", "its rate limit storage stopped answering")
        else:
            outages.recovered(service, "rate limits")


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)
talisman = Talisman()
compress = Compress()
cache = Cache()
