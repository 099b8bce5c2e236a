"""/s/<code>: short links to a group's shop and to products, and their QR codes."""

from __future__ import annotations

import pytest

from shop.catalogue.models import ProductStatus
from shop.core.short_codes import ALPHABET
from shop.db import utcnow
from shop.extensions import db
from shop.groups.models import GroupStatus
from tests.factories import GroupFactory, ProductFactory, VariantFactory

BASE = "http://etalase.test"


def test_a_group_code_redirects_to_the_shop_page(client):
    group = GroupFactory()
    response = client.get(f"/s/{group.short_code}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/k/{group.slug}"
    assert client.get(response.headers["Location"]).status_code == 200


def test_a_product_code_redirects_to_the_product_page(client):
    product = VariantFactory().product
    response = client.get(f"/s/{product.short_code}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/k/{product.group.slug}/{product.slug}"
    assert client.get(response.headers["Location"]).status_code == 200


def test_codes_have_the_documented_shape():
    group = GroupFactory()
    product = ProductFactory(group=group)
    assert len(group.short_code) == 5 and len(product.short_code) == 6
    assert set(group.short_code + product.short_code) <= set(ALPHABET)
    assert not set("01OIL") & set(ALPHABET)


@pytest.mark.parametrize("typed", ["{lower}", "{dashed}", "{spaced}", " {lower} "])
def test_input_ignores_case_dashes_and_spaces(client, typed):
    product = ProductFactory()
    code = product.short_code
    typed = typed.format(
        lower=code.lower(), dashed=f"{code[:3]}-{code[3:]}".lower(), spaced=f"{code[:3]} {code[3:]}"
    )
    response = client.get(f"/s/{typed}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/{product.slug}")


@pytest.mark.parametrize("code", ["ZZZZZ", "ZZZZZZ", "O0O0O", "ABCD", "ABCDEFG", "a/b"])
def test_unknown_or_impossible_codes_are_404(client, code):
    GroupFactory()
    assert client.get(f"/s/{code}").status_code == 404
    assert client.get(f"/s/{code}/qr.png").status_code == 404


def test_a_suspended_group_and_its_products_are_404(client):
    product = ProductFactory()
    group = product.group
    group.status = GroupStatus.SUSPENDED
    db.session.flush()
    for code in (group.short_code, product.short_code):
        assert client.get(f"/s/{code}").status_code == 404
        assert client.get(f"/s/{code}/qr.svg").status_code == 404
        assert client.get(f"/s/{code}/qr.png").status_code == 404


@pytest.mark.parametrize("change", ["draft", "archived", "hidden"])
def test_a_product_nobody_else_may_see_is_404(client, change):
    product = ProductFactory()
    if change == "hidden":
        product.hidden_at = utcnow()
    else:
        product.status = ProductStatus(change)
    db.session.flush()
    assert client.get(f"/s/{product.short_code}").status_code == 404
    assert client.get(f"/s/{product.short_code}/qr.png").status_code == 404
    # The group's own link still works.
    assert client.get(f"/s/{product.group.short_code}").status_code == 301


def test_the_redirect_is_one_query_and_cacheable(client, count_queries):
    group = GroupFactory()
    with count_queries() as queries:
        response = client.get(f"/s/{group.short_code}")
    assert queries.count == 1, queries.statements
    assert "short_code" in queries.statements[0]
    assert response.cache_control.public and response.cache_control.max_age >= 3600
    assert "Set-Cookie" not in response.headers


def test_the_png_qr_decodes_to_the_absolute_short_link(client, decode_qr):
    group = GroupFactory()
    product = ProductFactory(group=group)
    for code in (group.short_code, product.short_code):
        response = client.get(f"/s/{code}/qr.png")
        assert response.status_code == 200
        assert response.mimetype == "image/png"
        assert decode_qr(response.data) == f"{BASE}/s/{code}"
        assert response.cache_control.public
        assert response.cache_control.max_age >= 30 * 24 * 3600


def test_the_png_is_large_enough_to_print_with_a_quiet_zone(client):
    from io import BytesIO

    from PIL import Image

    group = GroupFactory()
    image = Image.open(BytesIO(client.get(f"/s/{group.short_code}/qr.png").data))
    assert image.width >= 250
    corner = image.convert("L").crop((0, 0, 20, 20))
    assert corner.getextrema() == (255, 255), "a quiet zone of at least two modules"


def test_the_svg_qr_has_an_accessible_title(client):
    group = GroupFactory(name="Kelompok Abon <Lele>")
    response = client.get(f"/s/{group.short_code}/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert "<title>" in svg and "Kelompok Abon &lt;Lele&gt;" in svg
    assert f"{BASE}/s/{group.short_code}" in svg
    assert "<script" not in svg


def test_downloads_name_the_file_after_the_code(client):
    product = ProductFactory()
    code = product.short_code
    for kind in ("svg", "png"):
        response = client.get(f"/s/{code}/qr.{kind}?unduh=1")
        assert response.headers["Content-Disposition"] == f"attachment; filename=qr-{code}.{kind}"
        inline = client.get(f"/s/{code.lower()}/qr.{kind}")
        assert inline.headers["Content-Disposition"] == f"inline; filename=qr-{code}.{kind}"


def _rasterise_segno_svg(svg: str, pixels_per_module: int = 8) -> bytes:
    """Draw the served SVG's dark modules (segno writes them as one stroked
    path of horizontal runs) onto a PNG, so zbarimg can read the SVG too."""
    import re
    from io import BytesIO

    from PIL import Image, ImageDraw

    size = int(re.search(r'd="M0 0h(\d+)v', svg).group(1))
    path = re.search(r'class="qrline"[^>]* d="([^"]+)"', svg).group(1)
    image = Image.new("L", (size * pixels_per_module,) * 2, 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            row = int(y)
            draw.rectangle(
                (
                    int(x) * pixels_per_module,
                    row * pixels_per_module,
                    int(x + float(a)) * pixels_per_module - 1,
                    (row + 1) * pixels_per_module - 1,
                ),
                fill=0,
            )
            x += float(a)
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_the_svg_qr_decodes_to_the_absolute_short_link(client, decode_qr):
    product = ProductFactory()
    svg = client.get(f"/s/{product.short_code}/qr.svg").get_data(as_text=True)
    assert decode_qr(_rasterise_segno_svg(svg)) == f"{BASE}/s/{product.short_code}"
