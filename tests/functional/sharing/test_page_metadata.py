"""Link previews and search engines: canonical URLs, hreflang, OpenGraph and
Twitter tags, and the schema.org JSON-LD of product and group pages."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser

import pytest

from shop.catalogue.models import ProductPhoto
from shop.extensions import db
from tests.factories import ExhibitionFactory, GroupFactory, listed_product
from tests.uploads import store_ready

BASE = "http://etalase.test"


class HeadParser(HTMLParser):
    """Collects <meta>, <link rel=canonical|alternate>, JSON-LD scripts and
    the variant table's prices."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.canonical: list[str] = []
        self.alternates: dict[str, str] = {}
        self.json_ld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            key = attrs.get("property") or attrs["name"]
            self.meta.setdefault(key, []).append(attrs.get("content", ""))
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical.append(attrs["href"])
        elif tag == "link" and attrs.get("rel") == "alternate" and "hreflang" in attrs:
            self.alternates[attrs["hreflang"]] = attrs["href"]
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld[-1] += data


def parse(response) -> HeadParser:
    assert response.status_code == 200
    parser = HeadParser()
    parser.feed(response.get_data(as_text=True))
    return parser


def one(parser: HeadParser, key: str) -> str:
    values = parser.meta.get(key, [])
    assert len(values) == 1, (key, values)
    return values[0]


def _jpeg(size=(1600, 1000)) -> bytes:
    from PIL import Image as PILImage

    buf = io.BytesIO()
    PILImage.new("RGB", size, (200, 80, 40)).save(buf, "JPEG")
    return buf.getvalue()


@pytest.fixture
def media(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(tmp_path / "media"))


def make_product(name="Abon Lele Gurih", group=None, photo=False, app=None, **kwargs):
    if photo:
        with app.test_request_context():
            image = store_ready(_jpeg())
        kwargs["photos"] = [ProductPhoto(image=image, alt_text="Abon dalam toples", position=0)]
    return listed_product(name, group, variants=VARIANTS, **kwargs)


VARIANTS = [
    {"label": "100 g", "price": 25000, "stock": 10},
    {"label": "250 g", "price": 57500, "stock": 0, "position": 1},
    {"label": "1 kg", "price": 210000, "stock": None, "position": 2},
]


def product_path(product) -> str:
    return f"/k/{product.group.slug}/{product.slug}"


def test_product_page_has_absolute_canonical_og_and_twitter_tags(app, client, media):
    product = make_product(photo=True, app=app)
    page = parse(client.get(product_path(product) + "?utm_source=wa&fbclid=abc"))
    url = f"{BASE}{product_path(product)}"
    assert page.canonical == [url]
    assert one(page, "og:url") == url
    assert one(page, "og:type") == "product"
    assert one(page, "og:title").startswith("Abon Lele Gurih")
    assert one(page, "og:description") == "Abon lele gurih tanpa pengawet."
    assert one(page, "og:site_name") == "Etalase"
    assert one(page, "og:locale") == "id_ID"
    assert one(page, "og:locale:alternate") == "en_US"
    # The preview is the product's 1200×630 share image, as a JPEG.
    image = one(page, "og:image")
    assert image.startswith(f"{BASE}/bagikan{product_path(product)}/") and image.endswith(".jpg")
    assert one(page, "og:image:type") == "image/jpeg"
    assert (one(page, "og:image:width"), one(page, "og:image:height")) == ("1200", "630")
    assert one(page, "og:image:alt") == f"Abon Lele Gurih · {product.group.name}"
    assert one(page, "twitter:card") == "summary_large_image"
    assert one(page, "twitter:image") == image
    assert one(page, "twitter:title") == one(page, "og:title")
    served = client.get(image.removeprefix(BASE))
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    from PIL import Image as PILImage

    assert PILImage.open(io.BytesIO(served.get_data())).size == (1200, 630)


def test_exhibition_banner_is_its_preview_and_list_pages_get_a_small_card(app, client, media):
    from datetime import date, timedelta

    with app.test_request_context():
        banner = store_ready(_jpeg())
    ExhibitionFactory(
        slug="pameran-gambar",
        title="Pameran Gambar",
        ends_on=date.today() + timedelta(days=3),
        is_published=True,
        banner=banner,
        banner_alt="Spanduk pameran",
    )
    page = parse(client.get("/pameran/pameran-gambar"))
    image = one(page, "og:image")
    # The widest stored WebP variant of the banner, with its size.
    assert image.startswith(f"{BASE}/media/") and image.endswith("-1280.webp")
    assert one(page, "og:image:type") == "image/webp"
    assert (one(page, "og:image:width"), one(page, "og:image:height")) == ("1280", "800")
    assert one(page, "og:image:alt") == "Spanduk pameran"
    assert one(page, "twitter:card") == "summary_large_image"
    assert client.get(image.removeprefix(BASE)).status_code == 200
    # A page without a picture of its own shows the site's card for it.
    listing = parse(client.get("/katalog"))
    assert one(listing, "og:image").startswith(f"{BASE}/bagikan/situs/catalogue/")
    assert one(listing, "twitter:card") == "summary_large_image"


def test_hreflang_alternates_and_english_canonical(client):
    product = make_product()
    url = f"{BASE}{product_path(product)}"
    page = parse(client.get(product_path(product)))
    assert page.alternates == {"id": url, "en": f"{url}?hl=en", "x-default": url}
    english = parse(client.get(product_path(product) + "?hl=en"))
    assert english.canonical == [f"{url}?hl=en"]
    assert one(english, "og:locale") == "en_US"
    assert one(english, "og:locale:alternate") == "id_ID"
    assert english.alternates == page.alternates


def test_catalogue_canonical_keeps_filters_and_drops_tracking(client):
    page = parse(
        client.get(
            "/katalog?utm_campaign=x&kategori=makanan&q=abon&page=1&fbclid=1&harga_min=&hl=id"
        )
    )
    assert page.canonical == [f"{BASE}/katalog?q=abon&kategori=makanan"]
    assert page.alternates["en"] == f"{BASE}/katalog?q=abon&kategori=makanan&hl=en"
    second = parse(client.get("/katalog?page=2&gclid=9"))
    assert second.canonical == [f"{BASE}/katalog?page=2"]


@pytest.mark.parametrize(
    "path", ["/", "/katalog", "/kelompok", "/pameran", "/lacak", "GROUP", "PRODUCT"]
)
def test_every_public_page_has_the_tags_once(client, path):
    product = make_product()
    path = {"GROUP": f"/k/{product.group.slug}", "PRODUCT": product_path(product)}.get(path, path)
    page = parse(client.get(path))
    assert len(page.canonical) == 1 and page.canonical[0].startswith(BASE + "/")
    assert set(page.alternates) == {"id", "en", "x-default"}
    for key in ("og:title", "og:description", "og:type", "og:url", "og:locale", "og:site_name"):
        assert one(page, key)
    assert one(page, "og:url") == page.canonical[0]
    assert one(page, "twitter:card") in ("summary", "summary_large_image")


def test_private_and_error_pages_carry_no_canonical(client):
    assert 'rel="canonical"' not in client.get("/keranjang").get_data(as_text=True)
    missing = client.get("/k/tidak-ada/apa-apa")
    assert missing.status_code == 404
    assert 'rel="canonical"' not in missing.get_data(as_text=True)


def _variant_prices_on_page(body: str) -> list[int]:
    table = body[body.index('<table class="variants">') : body.index("</table>")]
    return [int(p.replace(".", "")) for p in re.findall(r"Rp([\d.]+)</td>", table)]


def test_product_json_ld_parses_and_prices_match_the_page(app, client, media):
    product = make_product(photo=True, app=app)
    response = client.get(product_path(product))
    page = parse(response)
    assert len(page.json_ld) == 1
    data = json.loads(page.json_ld[0])
    assert data["@context"] == "https://schema.org" and data["@type"] == "Product"
    assert data["name"] == "Abon Lele Gurih"
    assert data["url"] == f"{BASE}{product_path(product)}"
    assert data["image"][0].startswith(f"{BASE}/media/") and data["image"][0].endswith(".webp")
    assert data["brand"] == {
        "@type": "Organization",
        "name": product.group.name,
        "url": f"{BASE}/k/{product.group.slug}",
    }
    offers = data["offers"]
    page_prices = _variant_prices_on_page(response.get_data(as_text=True))
    assert [int(o["price"]) for o in offers] == page_prices == [25000, 57500, 210000]
    assert {o["priceCurrency"] for o in offers} == {"IDR"}
    assert [o["sku"] for o in offers] == [str(v.id) for v in product.variants]
    assert [o["availability"].rsplit("/", 1)[1] for o in offers] == [
        "InStock",
        "OutOfStock",
        "MadeToOrder",
    ]


def test_hostile_product_name_cannot_break_out_of_the_json_ld(client):
    hostile = "</script><script>alert(1)</script><!--"
    product = make_product(name=hostile, description="a & b <b>")
    body = client.get(product_path(product)).get_data(as_text=True)
    assert "<script>alert(1)" not in body
    page = parse(client.get(product_path(product)))
    data = json.loads(page.json_ld[0])
    assert data["name"] == hostile and data["description"] == "a & b <b>"
    start = body.index('<script type="application/ld+json">')
    script = body[start : body.index("</script>", start)]
    assert "<" not in script[len('<script type="application/ld+json">') :]


def test_group_page_has_organization_json_ld(app, client, media):
    group = GroupFactory(name="Kelompok Lele Jaya", founded_year=2019)
    with app.test_request_context():
        group.logo = store_ready(_jpeg((800, 800)))
    db.session.flush()
    page = parse(client.get(f"/k/{group.slug}"))
    assert one(page, "og:type") == "profile"
    (data,) = [json.loads(block) for block in page.json_ld]
    assert data["@type"] == "Organization" and data["name"] == "Kelompok Lele Jaya"
    assert data["url"] == f"{BASE}/k/{group.slug}"
    assert data["logo"].startswith(f"{BASE}/media/") and data["logo"].endswith(".webp")
    assert one(page, "og:image").startswith(f"{BASE}/bagikan/k/{group.slug}/")
    assert data["telephone"] == group.whatsapp
    address = data["address"]
    assert address["addressRegion"] == group.province.name
    assert group.regency.name in address["addressLocality"]
    assert address["addressCountry"] == "ID"


def test_group_without_public_whatsapp_has_no_telephone(client):
    group = GroupFactory(whatsapp=None)
    data = json.loads(parse(client.get(f"/k/{group.slug}")).json_ld[0])
    assert "telephone" not in data
