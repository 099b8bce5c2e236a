"""`?hl=` asks for a language in the URL: it wins over the cookie, the page
cache keeps the two languages apart, and the language switch still works."""

from __future__ import annotations

from tests.factories import listed_product


def test_hl_serves_english_and_indonesian(client):
    english = client.get("/katalog?hl=en").get_data(as_text=True)
    assert 'lang="en"' in english and "<h1>Catalogue</h1>" in english
    indonesian = client.get("/katalog?hl=id").get_data(as_text=True)
    assert 'lang="id"' in indonesian and "<h1>Katalog</h1>" in indonesian
    ignored = client.get("/katalog?hl=fr").get_data(as_text=True)
    assert 'lang="id"' in ignored


def test_hl_wins_over_the_cookie(client):
    client.set_cookie("lang", "en")
    assert "<h1>Katalog</h1>" in client.get("/katalog?hl=id").get_data(as_text=True)
    assert "<h1>Catalogue</h1>" in client.get("/katalog").get_data(as_text=True)


def test_page_cache_never_mixes_languages(app, count_queries):
    product = listed_product("Abon Dua Bahasa")
    path = f"/k/{product.group.slug}/{product.slug}"
    english_visitor = app.test_client()
    first = english_visitor.get(path + "?hl=en").get_data(as_text=True)
    assert 'lang="en"' in first
    with count_queries() as q:
        again = english_visitor.get(path + "?hl=en").get_data(as_text=True)
    assert q.count == 0 and again == first  # served from the page cache
    plain = app.test_client().get(path).get_data(as_text=True)
    assert 'lang="id"' in plain and plain != first
    # An Indonesian-cookie visitor asking for ?hl=en gets the cached English page,
    # and an English-cookie visitor asking for ?hl=id gets Indonesian.
    cookie_id = app.test_client()
    cookie_id.set_cookie("lang", "id")
    with count_queries() as q:
        assert cookie_id.get(path + "?hl=en").get_data(as_text=True) == first
    assert q.count == 0
    cookie_en = app.test_client()
    cookie_en.set_cookie("lang", "en")
    assert 'lang="id"' in cookie_en.get(path + "?hl=id").get_data(as_text=True)
    assert 'lang="en"' in cookie_en.get(path).get_data(as_text=True)


def test_language_switch_drops_hl_from_the_page_it_returns_to(client):
    response = client.get("/bahasa/id?next=/katalog?kategori%3Dmakanan%26hl%3Den")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/katalog?kategori=makanan")
    assert "<h1>Katalog</h1>" in client.get(response.headers["Location"]).get_data(as_text=True)
    plain = client.get("/bahasa/en?next=/katalog?q%3Dabon")
    assert plain.headers["Location"].endswith("/katalog?q=abon")
