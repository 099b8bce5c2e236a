"""verify_pdf: which PDFs are kept, which are refused, and with what message."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from flask_babel import force_locale
from pypdf import PdfWriter
from pypdf.annotations import Link
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from shop.media import documents
from shop.media.documents import DocumentRejected, looks_like_pdf, verify_pdf

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "documents"
MAX_BYTES = 12 * 1024 * 1024

EMPTY = "The file is empty. Choose a PDF and try again."
NOT_A_PDF = "This file is not a PDF."
DAMAGED = "This PDF is damaged or incomplete. Try downloading or saving it again."
ENCRYPTED = (
    "This PDF is protected with a password. Send a copy without a password, or a screenshot."
)
SCRIPTED = (
    "This PDF contains scripts or actions, which we do not accept. "
    "Print it to a new PDF, or send a screenshot."
)
ATTACHMENTS = (
    "This PDF contains attached files, which we do not accept. "
    "Print it to a new PDF, or send a screenshot."
)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def english(message) -> str:
    with force_locale("en"):
        return str(message)


def rejection(data: bytes, **limits) -> str:
    with pytest.raises(DocumentRejected) as rejected:
        verify_pdf(data, **{"max_bytes": MAX_BYTES, **limits})
    return english(rejected.value.message)


def blank(pages: int = 1) -> PdfWriter:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    return writer


def written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def javascript(code: str = "app.alert('hai');") -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject(code),
        }
    )


@pytest.mark.parametrize("name", ["receipt.pdf", "opens_at_first_page.pdf"])
def test_a_plain_receipt_is_accepted_and_keyed_by_its_bytes(name):
    data = fixture(name)

    verified = verify_pdf(data, max_bytes=MAX_BYTES)

    assert verified.key == hashlib.sha256(data).hexdigest()
    assert (verified.size, verified.pages) == (len(data), 1)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.pdf", EMPTY),
        ("html_named.pdf", NOT_A_PDF),
        ("truncated.pdf", DAMAGED),
        ("encrypted.pdf", ENCRYPTED),
        ("openaction_javascript.pdf", SCRIPTED),
        ("hidden_javascript.pdf", SCRIPTED),
        ("launch_link.pdf", SCRIPTED),
        ("embedded_file.pdf", ATTACHMENTS),
    ],
)
def test_each_bad_fixture_is_refused_with_its_reason(name, message):
    assert rejection(fixture(name)) == message


def test_hidden_javascript_is_invisible_to_a_byte_search():
    """The fixture proves the check reads the object model: its script sits
    in a compressed object stream under #-escaped names."""
    data = fixture("hidden_javascript.pdf")

    assert b"JavaScript" not in data and b"/JS" not in data


def test_the_size_cap_comes_before_any_parsing():
    data = fixture("receipt.pdf")

    assert rejection(data + b"\0" * MAX_BYTES) == "The file is too large (max 12 MB)."


def test_a_pdf_header_with_garbage_behind_it_is_damaged():
    assert rejection(b"%PDF-1.7\n<</Type/Catalog>>\nnot a pdf at all\n%%EOF\n") == DAMAGED


def test_a_pdf_without_pages_is_refused():
    assert rejection(written(blank(pages=0))) == "This PDF has no pages."


def test_the_page_cap():
    assert verify_pdf(written(blank(pages=20)), max_bytes=MAX_BYTES).pages == 20
    assert rejection(written(blank(pages=21))) == "This PDF has too many pages (max 20)."
    assert rejection(written(blank(pages=3)), max_pages=2) == (
        "This PDF has too many pages (max 2)."
    )


def test_a_link_to_a_web_page_is_allowed():
    writer = blank()
    writer.add_annotation(0, Link(rect=(40, 700, 300, 720), url="https://bri.co.id/"))

    assert verify_pdf(written(writer), max_bytes=MAX_BYTES).pages == 1


def web_page(url: str = "https://example.com/") -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject(url)}
    )


@pytest.mark.parametrize("action", [javascript, web_page], ids=["script", "web-page"])
def test_any_action_run_when_a_page_opens_is_refused(action):
    """Even an action allowed on a click (opening a web page) is refused when
    it runs by itself."""
    writer = blank()
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): action()})

    assert rejection(written(writer)) == SCRIPTED


def test_a_page_jump_on_open_with_an_action_chained_after_it_is_refused():
    writer = blank()
    go_to = DictionaryObject(
        {
            NameObject("/S"): NameObject("/GoTo"),
            NameObject("/D"): ArrayObject([writer.pages[0].indirect_reference, NameObject("/Fit")]),
            NameObject("/Next"): web_page(),
        }
    )
    writer.root_object[NameObject("/OpenAction")] = go_to

    assert rejection(written(writer)) == SCRIPTED


def test_an_open_action_that_only_moves_to_a_page_is_allowed():
    writer = blank()
    go_to = DictionaryObject(
        {
            NameObject("/S"): NameObject("/GoTo"),
            NameObject("/D"): ArrayObject([writer.pages[0].indirect_reference, NameObject("/Fit")]),
        }
    )
    writer.root_object[NameObject("/OpenAction")] = go_to

    assert verify_pdf(written(writer), max_bytes=MAX_BYTES).pages == 1


def test_an_xfa_form_is_refused():
    writer = blank()
    writer.root_object[NameObject("/AcroForm")] = DictionaryObject(
        {
            NameObject("/Fields"): ArrayObject(),
            NameObject("/XFA"): TextStringObject("<xdp:xdp/>"),
        }
    )

    assert rejection(written(writer)) == SCRIPTED


def test_a_file_built_to_make_the_walk_long_is_refused(monkeypatch):
    monkeypatch.setattr(documents, "MAX_OBJECTS", 3)

    assert rejection(fixture("receipt.pdf")) == (
        "This PDF is too complex for us to check. Print it to a new PDF, or send a screenshot."
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [(b"%PDF-1.4\n", True), (b"\xff\xd8\xff\xe0", False), (b" %PDF-1.4", False), (b"", False)],
)
def test_looks_like_pdf_reads_the_first_bytes_only(data, expected):
    assert looks_like_pdf(data) is expected
