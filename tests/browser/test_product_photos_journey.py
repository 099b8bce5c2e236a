"""Issue 15: a member adds a product with 3 photos, chosen together, from the
group's product list, in a real browser at 390×844, with and without
JavaScript, and we count what it takes.

Taps are every action the member performs: a tap on a link, button or
select, a field typed into (one entry each), and the file chooser counted
as a phone's gallery is used: the tap that opens it, one tap per photo
picked and the gallery's Done. Page loads are the main frame's
navigations, from the product list to the saved product.
"""

from __future__ import annotations

import hashlib
import itertools
import os
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from shop.catalogue.models import Product
from shop.extensions import db
from shop.media.services import upload_key
from tests.conftest import live_site
from tests.factories.base import PASSWORD

IMAGES = Path(__file__).resolve().parents[1] / "fixtures" / "images"
# A phone's JPEG turned by its EXIF (with GPS), an iPhone's HEIC, a JPEG with
# a colour profile: in the order chosen, the first is the cover.
PHOTOS = [IMAGES / "exif_gps_rotated.jpg", IMAGES / "phone.heic", IMAGES / "icc_profile.jpg"]
PHONE = "+6281277770001"
MAX_TAPS, MAX_PAGE_LOADS = 12, 2
_runs = itertools.count(1)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with live_site(tmp_path_factory, "photojourney", _seed) as (app, url, slug):
        yield app, url, slug


def _seed() -> str:
    from tests.factories import GroupFactory, MembershipFactory, UserFactory

    group = GroupFactory(name="KUB Lele Mandiri")
    user = UserFactory(name="Bu Rini", phone=PHONE)
    MembershipFactory(group=group, user=user)
    return group.slug


class Member:
    """The member's hand on the page: each action performed is counted."""

    def __init__(self, page: Page):
        self.page = page
        self.taps: list[str] = []

    def tap(self, target: Locator, what: str) -> None:
        target.click()
        self.taps.append(what)

    def type(self, target: Locator, text: str) -> None:
        target.fill(text)
        self.taps.append(f"type {text!r}")

    def choose(self, target: Locator, value: str) -> None:
        target.select_option(value)
        self.taps.append(f"choose {value}")

    def pick_photos(self, target: Locator, photos: list[Path]) -> None:
        with self.page.expect_file_chooser() as chooser:
            target.click()
        self.taps.append("open the gallery")
        assert chooser.value.is_multiple(), "the photo input takes one file only"
        chooser.value.set_files([str(p) for p in photos])
        self.taps.extend(f"pick {p.name}" for p in photos)
        self.taps.append("gallery: Done")


def _key(path: Path) -> str:
    return upload_key(hashlib.sha256(path.read_bytes()).hexdigest(), private=False)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_product_with_three_photos_in_twelve_taps_and_two_page_loads(
    browser, browser_context_args, site, javascript, tmp_path
):
    app, base, slug = site
    n = next(_runs)
    name = f"Kerupuk Kulit Lele {n}"
    context = browser.new_context(**browser_context_args, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{base}/masuk")
    page.fill("main [name=login]", PHONE)
    page.fill("main [name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.goto(f"{base}/kelola/{slug}")  # the group's product list: the start

    loads: list[str] = []
    page.on("framenavigated", lambda frame: frame.parent_frame or loads.append(frame.url))
    member = Member(page)
    member.tap(page.locator(f"main a[href$='/kelola/{slug}/produk/baru']"), "Add a product")
    member.type(page.locator("main [name=name]"), name)
    member.choose(page.locator("main [name=category]"), "makanan-ringan")
    member.type(page.locator("main [name='variants-0-label']"), "100 g")
    member.type(page.locator("main [name='variants-0-price']"), "15.000")
    member.type(page.locator("main [name='variants-0-stock']"), "20")
    member.pick_photos(page.locator("main [name=photo]"), PHOTOS)
    page.locator("main [name=photo]").scroll_into_view_if_needed()
    shots = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    page.screenshot(
        path=str(shots / f"product-photos-chosen-{'js' if javascript else 'no-js'}.png")
    )
    member.tap(page.locator("main button[name=publish][value='1']"), "Save and publish")
    expect(page.locator(".flash-success")).to_contain_text(name)
    expect(page.locator("main")).to_contain_text("3 foto")

    print(
        f"\nadd a product with 3 photos ({'with' if javascript else 'without'} JavaScript): "
        f"{len(member.taps)} taps, {len(loads)} page loads\n  taps: {member.taps}\n"
        f"  page loads: {loads}"
    )
    assert len(member.taps) <= MAX_TAPS, member.taps
    assert len(loads) <= MAX_PAGE_LOADS, loads

    with app.app_context():
        product = db.session.scalar(select(Product).where(Product.name == name))
        assert [p.image.key for p in product.photos] == [_key(p) for p in PHOTOS]
        db.session.remove()
    page.goto(f"{base}/k/{slug}/{product.slug}")
    # The cover and two more (each shown, or its placeholder until its variants are made).
    expect(page.locator(".gallery-main img")).to_have_count(1)
    expect(page.locator(".gallery-more img")).to_have_count(2)
    context.close()


def _noise_jpeg(path: Path, width: int = 900, height: int = 700) -> Path:
    """A JPEG that does not compress (about 0.7 MB): a stand-in for a big photo."""
    from PIL import Image

    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(
        path, "JPEG", quality=90
    )
    return path


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_photos_over_the_limit_together_are_refused_with_the_limit_named(
    browser, browser_context_args, site, javascript, tmp_path
):
    """With JavaScript before the phone sends them; without, by the server's
    page. Either way in Bahasa Indonesia, naming the limit, nothing saved."""
    app, base, slug = site
    photos = [_noise_jpeg(tmp_path / f"besar-{n}.jpg") for n in range(3)]
    assert sum(p.stat().st_size for p in photos) > 1024 * 1024
    app.config["PHOTO_FORM_MAX_CONTENT_LENGTH"] = 1024 * 1024
    name = f"Terlalu Besar {next(_runs)}"
    context = browser.new_context(**browser_context_args, java_script_enabled=javascript)
    page = context.new_page()
    try:
        page.goto(f"{base}/masuk")
        page.fill("main [name=login]", PHONE)
        page.fill("main [name=password]", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.goto(f"{base}/kelola/{slug}/produk/baru")
        expect(page.locator("main")).to_contain_text("12 MB per foto dan 1 MB semuanya")
        page.fill("main [name=name]", name)
        page.select_option("main [name=category]", "makanan-ringan")
        page.fill("main [name='variants-0-label']", "100 g")
        page.fill("main [name='variants-0-price']", "15.000")
        page.fill("main [name='variants-0-stock']", "20")
        page.set_input_files("main [name=photo]", [str(p) for p in photos])
        page.locator("main button[name=publish][value='1']").click()
        if javascript:
            # Not sent: the form stays, saying why.
            expect(page.locator("#foto-dipilih")).to_contain_text(
                "lebih dari 1 MB yang bisa dikirim sekaligus"
            )
            assert page.url.endswith(f"/kelola/{slug}/produk/baru")
        else:
            expect(page.locator("main h1")).to_have_text("Terlalu besar untuk dikirim")
            expect(page.locator("main")).to_contain_text(
                "Foto yang Anda kirim berjumlah lebih dari 1 MB"
            )
            expect(page.locator("main a.button")).to_have_text("Kembali ke formulir")
        shots = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
        page.screenshot(path=str(shots / f"photos-too-large-{'js' if javascript else 'no-js'}.png"))
    finally:
        app.config["PHOTO_FORM_MAX_CONTENT_LENGTH"] = 100 * 1024 * 1024
        context.close()
    with app.app_context():
        assert db.session.scalar(select(Product).where(Product.name == name)) is None
        db.session.remove()
