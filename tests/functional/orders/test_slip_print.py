"""The packing slip is a printable A6 label: a Print button that only
JavaScript shows and the print stylesheet hides, its own A6 page size, and
the contents counted."""

from __future__ import annotations

import re

PRINT_BUTTON = re.compile(
    r'<button type="button" class="[^"]*\bno-print\b[^"]*" hidden data-print>'
)


def test_the_slip_has_a_print_button_and_the_label_stylesheet(client, group, order_factory):
    order = order_factory(group, lines=[("Abon Lele", 25000, 2), ("Kerupuk Lele", 15000, 1)])
    html = client.get(f"/kelola/{group.slug}/pesanan/{order.number}/slip").get_data(as_text=True)
    assert PRINT_BUTTON.search(html)
    assert "Print</button>" in html
    assert re.search(r'<link rel="stylesheet" href="/static/css/label\.css\?v=\w+">', html)
    assert "Contents: 2 products" in html
    assert "2×</span> Abon Lele" in html
    css = client.get("/static/css/label.css").get_data(as_text=True)
    assert "@page { size: 105mm 148mm;" in css
