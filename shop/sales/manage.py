"""The group's sales page: the last twelve months of both channels."""

from __future__ import annotations

from flask import render_template
from flask_login import login_required

from shop.db import utcnow
from shop.groups.queries import get_membership_or_404
from shop.sales import figures


@login_required
def manage_sales(slug: str):
    group = get_membership_or_404(slug).group
    now = utcnow()
    months = figures.monthly_sales(group, now)
    return render_template(
        "sales/manage.html",
        group=group,
        months=list(reversed(months)),
        chart=figures.revenue_chart(months),
        totals=figures.MonthSales.summed(months),
        best_overall=figures.best_sellers(group, now),
        legend=figures.SALES_LEGEND,
    )
