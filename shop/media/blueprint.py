"""The URL map of the media blueprint: its one rule, under a configured prefix."""

from __future__ import annotations

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

from shop.media import views

bp = Blueprint("media", __name__)


@bp.record_once
def _register_route(state: BlueprintSetupState) -> None:
    # The URL prefix is configuration (MEDIA_URL_PREFIX, "/media"), read when
    # the blueprint is registered; the error handlers use the same setting.
    prefix = state.app.config["MEDIA_URL_PREFIX"].rstrip("/")
    state.add_url_rule(f"{prefix}/<path:path>", "file", views.serve_file, methods=["GET"])
