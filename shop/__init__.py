"""Etalase: the application factory."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter

from shop import config, production
from shop.config import ROOT, UnsafeConfiguration

__all__ = ["UnsafeConfiguration", "create_app"]


class BoundedInt(IntegerConverter):
    """`<int:…>` in every route stops at the largest id a database column
    holds, so /produk/99999999999999999999 is a 404, not an overflow (500)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


class Etalase(Flask):
    def send_static_file(self, filename: str):
        """Static files are small: read them whole, so Flask-Compress can
        compress them (it does not close the file of a streamed response)."""
        response = super().send_static_file(filename)
        if response.direct_passthrough:
            response.direct_passthrough = False
            response.make_sequence()
        return response


def create_app(overrides: dict | None = None) -> Flask:
    """The app; raises UnsafeConfiguration for a production site with unsafe settings."""
    app = Etalase(
        __name__,
        instance_path=str(config.instance_path()),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.url_map.converters["int"] = BoundedInt
    config.load(app, overrides)
    production.check_production(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    register_extensions(app)
    register_blueprints(app)
    register_templating(app)
    register_errorhandlers(app)
    register_commands(app)
    logging.basicConfig(level=logging.INFO)
    from shop.jobs.periodic import start_with_first_request

    start_with_first_request(app)
    return app


def register_extensions(app: Flask) -> None:
    import pillow_heif

    import shop.models  # noqa: F401  (every table in the metadata)
    from shop import db_events, session_hooks
    from shop.extensions import babel, cache, compress, csrf, db, limiter, login_manager, migrate
    from shop.i18n.locale import install_template_gettext, select_locale
    from shop.jobs import init_jobs
    from shop.media import limits
    from shop.media.services import verify_uploads_early
    from shop.media.storage import init_storage
    from shop.security import init_security

    pillow_heif.register_heif_opener()
    limits.register(app)
    db.init_app(app)
    db_events.install()
    session_hooks.install()
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(ROOT / "shop" / "i18n" / "translations"),
    )
    install_template_gettext(app)
    limiter.init_app(app)
    compress.init_app(app)
    cache.init_app(app)
    init_security(app)
    init_storage(app)
    # Runs before the view and so before its first query (no lock yet).
    app.before_request(verify_uploads_early)
    init_jobs(app)


def register_blueprints(app: Flask) -> None:
    from shop.accounts.blueprint import accounts_bp as accounts
    from shop.accounts.blueprint import recovery_bp as recovery
    from shop.bulk.blueprint import bp as bulk
    from shop.cart.blueprint import bp as cart
    from shop.catalogue.blueprint import bp as catalogue
    from shop.checkout.blueprint import bp as checkout
    from shop.consignment.blueprint import bp as consignment
    from shop.coordinators.blueprint import bp as coordinators
    from shop.curation.blueprint import bp as exhibitions
    from shop.curation.blueprint import manage_bp as curation
    from shop.exports.blueprint import bp as exports
    from shop.grants.blueprint import bp as grants
    from shop.grants.blueprint import group_bp as group_grants
    from shop.groups.blueprint import bp as groups
    from shop.marketing.blueprint import bp as marketing
    from shop.media.blueprint import bp as media
    from shop.monitoring.blueprint import bp as monitoring
    from shop.notify.blueprint import bp as notify
    from shop.orders.blueprint import bp as orders
    from shop.payments.blueprint import bp as payments
    from shop.regions.blueprint import bp as regions
    from shop.rounds.blueprint import bp as rounds
    from shop.sales.blueprint import bp as sales
    from shop.sharing.blueprint import bp as sharing
    from shop.site.blueprint import bp as site
    from shop.visits.blueprint import bp as visits

    for blueprint in (
        site,
        accounts,
        recovery,
        groups,
        regions,
        media,
        catalogue,
        cart,
        checkout,
        orders,
        payments,
        rounds,
        coordinators,
        curation,
        monitoring,
        exhibitions,
        sharing,
        marketing,
        consignment,
        bulk,
        sales,
        visits,
        grants,
        group_grants,
        exports,
        notify,
    ):
        app.register_blueprint(blueprint)


def register_templating(app: Flask) -> None:
    from shop.core import cache as page_cache
    from shop.core import templating
    from shop.i18n import formatting
    from shop.media import data_saver
    from shop.media import templating as media_templating

    formatting.register(app)
    templating.register(app)
    media_templating.register(app)
    page_cache.install(app)
    data_saver.install(app)  # outside the page cache: it rewrites what it serves


def register_errorhandlers(app: Flask) -> None:
    from shop import errors

    errors.register(app)


def register_commands(app: Flask) -> None:
    from shop.backup.cli import backup_cli
    from shop.catalogue.cli import search_cli
    from shop.coordinators.cli import coordinators_cli
    from shop.demo.cli import demo_cli
    from shop.jobs.cli import jobs_cli
    from shop.media.cli import media_cli
    from shop.notify.cli import notify_cli
    from shop.orders.cli import orders_cli
    from shop.regions.cli import regions_cli

    for group in (
        demo_cli,
        backup_cli,
        regions_cli,
        media_cli,
        search_cli,
        notify_cli,
        orders_cli,
        coordinators_cli,
        jobs_cli,
    ):
        app.cli.add_command(group)
