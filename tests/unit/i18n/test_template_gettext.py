"""Templates translate as Jinja's newstyle gettext did, in the request's
language and in a forced one (shop.i18n.locale.install_template_gettext)."""

from __future__ import annotations

from flask_babel import force_locale


def _render(app, source: str, **context) -> str:
    return app.jinja_env.from_string(source).render(**context)


def test_strings_follow_the_request_and_a_forced_language(app):
    with app.test_request_context("/"):
        assert _render(app, "{{ _('Catalogue') }}") == "Katalog"
        with force_locale("en"):
            assert _render(app, "{{ _('Catalogue') }}") == "Catalogue"
        assert _render(app, "{{ gettext('Catalogue') }}") == "Katalog"


def test_a_request_in_english_gets_english(app):
    with app.test_request_context("/?hl=en"):
        assert _render(app, "{{ _('Catalogue') }}") == "Catalogue"


def test_plurals_take_num_and_other_variables_as_keywords(app):
    source = (
        "{{ ngettext('consignment, %(num)s unit', 'consignment, %(num)s units', n, num=shown) }}"
        " | {{ ngettext('%(num)d product', '%(num)d products', n) }}"
    )
    with app.test_request_context("/?hl=en"):
        assert _render(app, source, n=1200, shown="1.200") == (
            "consignment, 1.200 units | 1200 products"
        )
        assert (
            _render(
                app,
                "{% trans count=1 %}{{ count }} product{% pluralize %}"
                "{{ count }} products{% endtrans %}",
            )
            == "1 product"
        )


def test_variables_are_escaped_in_html_and_left_alone_in_text(app):
    hostile = "<script>alert(1)</script> & co"
    with app.test_request_context("/?hl=en"):
        html = app.jinja_env.from_string("{{ _('Logged in as %(name)s', name=who) }}")
        assert "&lt;script&gt;" in html.render(who=hostile)
        text = app.jinja_env.overlay(autoescape=False).from_string(
            "{{ _('Logged in as %(name)s', name=who) }}"
        )
        assert text.render(who=hostile) == f"Logged in as {hostile}"
