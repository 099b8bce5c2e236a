"""The printable one-page report of a group for funders (PDF).

Its profile and verification, its grants and what it sold since the first
(`shop.monitoring.since_grant`), the products on sale with their price range, the
sales of the last twelve Jakarta months (a small chart and a table), the
best sellers, and the latest monitoring visit with the recommendations still
open, with who generated it and when. WeasyPrint lays out a Jinja
template (`monitoring/report.html`, its own print CSS inside).

The group's texts are user input, so the renderer may fetch nothing from the
network: images come in as data URIs read from the media storage, and the URL
fetcher refuses every address except data URIs and files under the media
folder or the static folder. Lists are capped and long names cut so that the
report is always one page.

The link asks for an export (`shop.exports`): a background job reads the
figures and lays the PDF out, never the request.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from flask import render_template
from flask_babel import format_date
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from shop.accounts.models import User
from shop.audit.models import AuditAction
from shop.catalogue.models import Product
from shop.catalogue.queries import offered_by
from shop.coordinators.scope import coordinator_required, get_group_in_scope_or_404
from shop.core.clock import JAKARTA
from shop.db import utcnow
from shop.exports.views import answer, export_params, start_writing
from shop.extensions import db
from shop.grants.queries import grants_of
from shop.groups.models import Group
from shop.media.pdf import image_data_uri, write_pdf
from shop.monitoring.exports import request_audited_export
from shop.monitoring.since_grant import group_since_grant
from shop.sales import figures as sales
from shop.transaction import commit_or_raise
from shop.visits import queries as visits

PRODUCTS_SHOWN = 12
BEST_SELLERS_SHOWN = 5
# With grants to account for or a monitoring visit to show, fewer products
# and best sellers (with both, fewer still), so the report stays one page.
GRANTS_SHOWN = 2
FOLLOW_UPS_SHOWN = 3
FOLLOW_UPS_SHOWN_WITH_GRANTS = 1
PRODUCTS_SHOWN_WITH_ONE = 4
BEST_SELLERS_SHOWN_WITH_ONE = 3
PRODUCTS_SHOWN_WITH_BOTH = 0
BEST_SELLERS_SHOWN_WITH_BOTH = 1


def published_products(group: Group) -> list[Product]:
    """What the group offers (published and not hidden), with variants and photos."""
    return offered_by(group, selectinload(Product.variants), selectinload(Product.photos))


def price_range(product: Product) -> tuple[int, int] | None:
    prices = [variant.price for variant in product.variants]
    return (min(prices), max(prices)) if prices else None


def report_html(group: Group, now: datetime, by_name: str) -> str:
    months = sales.monthly_sales(group, now)
    products = published_products(group)
    local = now.astimezone(JAKARTA)
    grants = grants_of(group)
    since = group_since_grant(group, local.date()) if grants else None
    visit = visits.latest_visit(group)
    follow_ups, open_count = visits.open_follow_ups(
        group, limit=FOLLOW_UPS_SHOWN_WITH_GRANTS if grants else FOLLOW_UPS_SHOWN
    )
    extras = bool(grants) + (visit is not None)
    room, best_room = {
        0: (PRODUCTS_SHOWN, BEST_SELLERS_SHOWN),
        1: (PRODUCTS_SHOWN_WITH_ONE, BEST_SELLERS_SHOWN_WITH_ONE),
        2: (PRODUCTS_SHOWN_WITH_BOTH, BEST_SELLERS_SHOWN_WITH_BOTH),
    }[extras]
    shown = [
        {
            "name": product.name,
            "prices": price_range(product),
            "variants": len(product.variants),
            "thumb": image_data_uri(
                product.cover_photo.image if product.cover_photo else None, 160
            ),
        }
        for product in products[:room]
    ]
    return render_template(
        "monitoring/report.html",
        group=group,
        logo=image_data_uri(group.logo, 160),
        months=months,
        months_newest_first=list(reversed(months)),
        chart=sales.revenue_chart(months, width=360, height=170),
        totals=sales.MonthSales.summed(months),
        legend=sales.SALES_LEGEND,
        best_sellers=sales.best_sellers(group, now, limit=best_room),
        products=shown,
        product_count=len(products),
        generated=format_date(local.date(), "d MMMM y") + local.strftime(", %H.%M WIB"),
        generated_by=by_name,
        visit=visit,
        follow_ups=follow_ups,
        open_follow_ups=open_count,
        today=local.date(),
        grants=grants[:GRANTS_SHOWN],
        grant_count=len(grants),
        since=since,
    )


def prepare_group_report(params: dict, requested_by: User, requested_at: datetime):
    """The export job's first step: read the group and its figures as they
    are when the job runs, as of the moment the report was asked for; the
    step returned lays the PDF out without the database."""
    group = db.session.scalar(
        select(Group)
        .where(Group.id == params["group_id"])
        .options(joinedload(Group.province), joinedload(Group.regency), joinedload(Group.logo))
    )
    if group is None:
        raise LookupError("the group no longer exists")
    html = report_html(group, requested_at, requested_by.name)
    return partial(write_pdf, html)


@coordinator_required
def group_report(slug: str):
    """Ask for the report (audited now, in the export's own transaction); a
    job lays it out and the browser gets it from the export's page."""
    group = get_group_in_scope_or_404(slug)
    filename = f"laporan-{group.slug}-{utcnow().astimezone(JAKARTA):%Y%m%d}.pdf"
    start_writing()
    export = commit_or_raise(
        lambda: request_audited_export(
            "group-report-pdf",
            export_params(group_id=group.id),
            filename,
            current_user,
            AuditAction.EXPORT_REPORT,
            group=group,
        )
    )
    return answer(export)
