"""The nota titip: the note a warung owner signs, as a print page and an A5 PDF.

In Indonesian whatever the member's own language, English on request; every
line with its money, the total after the last line, signatures together; a
40-line note paginates with the header on each page and no row split. The
PDF is an export: without a queue the link makes it at once and sends the
browser to the file, which opens in the phone's viewer (`inline`).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date

import pytest
from flask import url_for
from flask_babel import force_locale, gettext
from PIL import Image as PILImage
from sqlalchemy import select

from shop.consignment.services import Item, leave_goods
from shop.exports.models import Export
from shop.extensions import db
from shop.groups.models import Role
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    OutletFactory,
    ProductFactory,
    UserFactory,
    VariantFactory,
)
from tests.uploads import store_ready

TODAY = date(2026, 11, 23)
LEFT_ON = date(2026, 8, 17)  # "Agustus" in Indonesian, "August" in English
A5 = "419.528 x 595.276"

# name, variant, quantity, agreed price, shelf life in days
SIX_LINES = (
    ("Abon Lele", "100 g", 10, 22000, 90),
    ("Abon Lele", "250 g", 5, 50000, 90),
    ("Kerupuk Lele", "250 g", 12, 13000, 60),
    ("Keripik Singkong Balado", "200 g", 8, 12000, None),
    ("Dodol Nanas", "250 g", 6, 18000, 30),
    ("Tas Rajut Motif Pucuk Rebung", "sedang", 2, 87500, None),
)


def rp_id(amount: int) -> str:
    return f"Rp{amount:,}".replace(",", ".")


def in_indonesian(msgid: str) -> str:
    """The Indonesian of one of the note's strings, from the catalogue in use."""
    with force_locale("id"):
        return gettext(msgid)


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} missing: apt-get install poppler-utils (make browser-deps)"
    return path


def pdf_pages(tmp_path, data: bytes, layout: bool = True) -> tuple[str, list[str]]:
    """pdfinfo's output and the text of each page (with `layout`, a table row
    stays on one text line; without, a cell's text stays together)."""
    path = tmp_path / "nota.pdf"
    path.write_bytes(data)
    info = subprocess.run(
        [tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True
    ).stdout
    count = int(re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1))
    pages = [
        subprocess.run(
            [tool("pdftotext"), *(["-layout"] if layout else []), "-f", str(n), "-l", str(n)]
            + [str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, count + 1)
    ]
    return info, pages


def flat(text: str) -> str:
    return " ".join(text.split())


def make_note(group, user, lines, outlet=None, note=""):
    items = []
    for name, label, quantity, agreed, shelf_life in lines:
        product = ProductFactory(group=group, name=name, shelf_life_days=shelf_life)
        variant = VariantFactory(product=product, label=label, price=agreed + 3000, stock=None)
        items.append(Item(variant.id, quantity, agreed))
    outlet = outlet or OutletFactory(
        group=group,
        name="Warung Bu Sari",
        owner_name="Sari Wulandari",
        address="Jl. Pasar Baru No. 3, RT 04",
        visit_every_days=7,
    )
    consignment = leave_goods(group, outlet, LEFT_ON, items, note=note, by=user, today=TODAY)
    db.session.flush()
    return consignment


@pytest.fixture
def six(app_ctx):
    membership = MembershipFactory(
        group=GroupFactory(name="Kelompok Mawar Jambi"), user=UserFactory(name="Siti Aminah")
    )
    consignment = make_note(
        membership.group, membership.user, SIX_LINES, note="Uang diambil setiap Sabtu."
    )
    return membership, consignment


def nota_url(membership, consignment, suffix=""):
    return f"/kelola/{membership.group.slug}/titip/nota/{consignment.number}{suffix}"


def test_print_page_shows_every_line_the_total_and_both_signatures(client, login_as, six):
    membership, consignment = six
    login_as(membership.user)

    response = client.get(nota_url(membership, consignment))

    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "private, no-store"
    html = response.get_data(as_text=True)
    text = flat(re.sub(r"<[^>]+>", " ", html))
    assert consignment.number in text and "Kelompok Mawar Jambi" in text
    assert "Warung Bu Sari" in text and "Sari Wulandari" in text and "Jl. Pasar Baru" in text
    assert "Siti Aminah" in text  # the member who left the goods, under their signature
    for name, label, quantity, agreed, _shelf in SIX_LINES:
        row = re.search(
            rf"{re.escape(name)} \({re.escape(label)}\) {quantity} {rp_id(agreed)} "
            rf"{rp_id(quantity * agreed)}",
            text,
        )
        assert row, name
    assert f"43 {rp_id(1_005_000)}" in text  # units, then the value
    assert in_indonesian("Left by") in text and in_indonesian("Received by") in text
    assert "Uang diambil setiap Sabtu." in text
    assert "24 Agustus 2026" in text  # the next visit: a week after the drop-off
    assert "/static/css/nota" in html
    pdf = url_for("consignment.nota_pdf", slug=membership.group.slug, number=consignment.number)
    assert f'href="{pdf}"' in html and "?bahasa=en" in html


def test_a_short_note_is_one_a5_page_with_the_number_and_total(
    client, login_as, six, tmp_path, app, monkeypatch
):
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(tmp_path / "media"))
    membership, consignment = six
    buffer = io.BytesIO()
    PILImage.new("RGB", (300, 300), (122, 46, 14)).save(buffer, "JPEG")
    membership.group.logo = store_ready(buffer.getvalue())
    db.session.flush()
    login_as(membership.user)

    response = client.get(nota_url(membership, consignment, ".pdf"))
    assert response.status_code == 303
    assert re.fullmatch(r"/unduhan/[\w-]+/berkas", response.headers["Location"])
    response = client.get(response.headers["Location"])

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    disposition = f"inline; filename=nota-{consignment.number}.pdf"
    assert response.headers["Content-Disposition"] == disposition
    info, pages = pdf_pages(tmp_path, response.data)
    assert len(pages) == 1 and A5 in info
    text = flat(pages[0])
    assert consignment.number in text and rp_id(1_005_000) in text
    for name, _label, _qty, agreed, _shelf in SIX_LINES:
        assert name in text and rp_id(agreed) in text
    assert in_indonesian("Left by") in text and in_indonesian("Received by") in text
    assert f"/s/{membership.group.short_code}" in text.replace(" ", "")
    images = subprocess.run(
        [tool("pdfimages"), "-list", str(tmp_path / "nota.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert len(images.strip().splitlines()) == 3  # two header lines and the logo


def test_forty_lines_paginate_with_the_header_on_each_page(client, login_as, app_ctx, tmp_path):
    membership = MembershipFactory()
    lines = [
        (f"Produk Titip {n:02d}", "100 g", 1 + n % 3, 1000 + 250 * n, 30) for n in range(1, 41)
    ]
    consignment = make_note(membership.group, membership.user, lines)
    login_as(membership.user)

    response = client.get(nota_url(membership, consignment, ".pdf"), follow_redirects=True)

    info, pages = pdf_pages(tmp_path, response.data)
    assert len(pages) >= 2 and A5 in info
    header = in_indonesian("Product")
    everything = "".join(pages)
    for name, _label, quantity, agreed, _shelf in lines:
        assert everything.count(name) == 1, name
        # The row is whole on its page: name, quantity, price and amount on one line.
        [row] = [line for line in everything.splitlines() if name in line]
        assert re.search(rf"{quantity}\s+{rp_id(agreed)}\s+{rp_id(quantity * agreed)}", row), row
    for page in pages:
        if "Produk Titip" in page:
            assert header in flat(page)  # the table header repeats
    total = rp_id(sum(quantity * agreed for _n, _l, quantity, agreed, _s in lines))
    last = pages[-1]
    assert everything.count(total) == 1
    assert "Produk Titip 40" in last and last.index("Produk Titip 40") < last.index(total)
    # The signatures are together, at the end.
    assert in_indonesian("Left by") in last and in_indonesian("Received by") in last
    assert f"{len(pages)}/{len(pages)}" in flat(last)  # the page counter


def test_indonesian_for_a_member_who_reads_english_and_english_on_request(
    client, login_as, six, tmp_path
):
    membership, consignment = six
    login_as(membership.user)
    client.set_cookie("lang", "en")

    page = client.get(nota_url(membership, consignment)).get_data(as_text=True)
    assert '<html lang="en">' in page  # the member's toolbar
    assert '<article class="nota" lang="id">' in page
    assert "17 Agustus 2026" in page and rp_id(1_005_000) in page
    pdf = client.get(nota_url(membership, consignment, ".pdf"), follow_redirects=True)
    _, pages = pdf_pages(tmp_path, pdf.data)
    assert "17 Agustus 2026" in flat(pages[0]) and rp_id(1_005_000) in flat(pages[0])

    english = client.get(nota_url(membership, consignment), query_string={"bahasa": "en"})
    html = english.get_data(as_text=True)
    assert '<article class="nota" lang="en">' in html
    assert "August 17, 2026" in html and "Rp1,005,000" in html and "Left by" in html
    assert f"{consignment.number}.pdf?bahasa=en" in html
    assert f'href="{nota_url(membership, consignment)}" hreflang="id"' in html  # and back
    unknown = client.get(nota_url(membership, consignment), query_string={"bahasa": "xx"})
    assert '<article class="nota" lang="id">' in unknown.get_data(as_text=True)
    pdf = client.get(
        nota_url(membership, consignment, ".pdf"),
        query_string={"bahasa": "en"},
        follow_redirects=True,
    )
    _, pages = pdf_pages(tmp_path, pdf.data)
    assert "Rp1,005,000" in flat(pages[0]) and "Received by" in flat(pages[0])


def test_names_are_printed_as_text(client, login_as, app_ctx, tmp_path):
    membership = MembershipFactory(
        group=GroupFactory(name="<script>alert('kelompok')</script> Keripik 🌶️ Pedas")
    )
    outlet = OutletFactory(
        group=membership.group,
        name='<img src="http://example.com/x.png" onerror=alert(1)> Warung',
        owner_name="Bu 😀 " + "Sari" * 20,
    )
    long_name = "Keripik" * 17  # 119 letters without a space
    consignment = make_note(
        membership.group,
        membership.user,
        [(long_name, "<b>250 g</b>", 3, 15000, None)],
        outlet=outlet,
        note="</article><script>alert('catatan')</script>",
    )
    login_as(membership.user)

    html = client.get(nota_url(membership, consignment)).get_data(as_text=True)
    assert "<script>alert" not in html and '<img src="http://example.com' not in html
    assert "<b>250 g</b>" not in html
    assert "&lt;script&gt;alert(&#39;kelompok&#39;)&lt;/script&gt;" in html
    assert "&lt;/article&gt;&lt;script&gt;" in html

    response = client.get(nota_url(membership, consignment, ".pdf"), follow_redirects=True)
    assert response.status_code == 200
    _, pages = pdf_pages(tmp_path, response.data, layout=False)
    assert len(pages) == 1
    squeezed = "".join(pages[0].split())
    assert long_name in squeezed  # wrapped in its cell, never cut
    assert "<script>alert('kelompok')</script>" in squeezed
    assert rp_id(45000) in squeezed


def test_only_the_groups_members_see_the_note(client, login_as, six):
    membership, consignment = six
    assert client.get(nota_url(membership, consignment)).status_code == 302
    logged_out = client.get(nota_url(membership, consignment, ".pdf"))
    assert logged_out.status_code == 302 and "/masuk" in logged_out.headers["Location"]

    member = MembershipFactory(group=membership.group, role=Role.MEMBER)
    login_as(member.user)
    assert client.get(nota_url(membership, consignment)).status_code == 200
    pdf = client.get(nota_url(membership, consignment, ".pdf"), follow_redirects=True)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    lower = f"/kelola/{membership.group.slug}/titip/nota/{consignment.number.lower()}"
    assert client.get(lower).status_code == 200
    unknown = f"/kelola/{membership.group.slug}/titip/nota/TJ-000000"
    assert client.get(unknown).status_code == 404
    assert client.get(unknown + ".pdf").status_code == 404

    client.post("/keluar")
    stranger = MembershipFactory()
    login_as(stranger.user)
    assert client.get(nota_url(membership, consignment)).status_code == 404
    assert client.get(nota_url(membership, consignment, ".pdf")).status_code == 404
    # Through their own group's address, another group's note still does not exist.
    own = f"/kelola/{stranger.group.slug}/titip/nota/{consignment.number}"
    assert client.get(own).status_code == 404
    assert client.get(own + ".pdf").status_code == 404
    # Nor the member's PDF: the export's page and file are for who asked only.
    (export,) = db.session.scalars(select(Export)).all()
    assert export.requested_by_id == member.user_id
    assert client.get(f"/unduhan/{export.token}").status_code == 404
    assert client.get(f"/unduhan/{export.token}/berkas").status_code == 404


def test_the_toolbar_leads_back_to_the_outlet(client, login_as, six):
    membership, consignment = six
    login_as(membership.user)
    html = client.get(nota_url(membership, consignment)).get_data(as_text=True)
    back = f"/kelola/{membership.group.slug}/titip/warung/{consignment.outlet_id}"
    assert f'href="{back}"' in html
