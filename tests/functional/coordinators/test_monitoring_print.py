"""The coordinator's monitoring report prints from the browser: a Print
button that only JavaScript shows, and the filters, downloads and pager
left off the printed page."""

from __future__ import annotations

import re


def test_the_monitoring_report_has_a_print_button(client, as_coordinator, jambi_uppka):
    as_coordinator(jambi_uppka)
    client.get("/bahasa/en")
    html = client.get("/koordinator/monev").get_data(as_text=True)
    assert re.search(
        r'<button type="button" class="[^"]*\bno-print\b[^"]*" hidden data-print>'
        r"Print this report</button>",
        html,
    )
    assert 'class="inline-filters monev-filters no-print"' in html
    assert 'class="monev-downloads no-print"' in html
