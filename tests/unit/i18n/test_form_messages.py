"""WTForms' own messages come out translated and with their numbers filled in."""

from __future__ import annotations

from flask_babel import force_locale
from wtforms import StringField
from wtforms.validators import Length

from shop.i18n.forms import BaseForm


class NoteForm(BaseForm):
    class Meta:
        csrf = False

    note = StringField("Note", validators=[Length(max=10)])
    code = StringField("Code", validators=[Length(min=3)])


def test_length_messages_are_translated_and_filled_in(app):
    data = {"note": "x" * 11, "code": "ab"}
    with app.test_request_context(method="POST", data=data):
        with force_locale("en"):
            form = NoteForm()
            assert not form.validate()
            assert form.errors == {
                "note": ["Field cannot be longer than 10 characters."],
                "code": ["Field must be at least 3 characters long."],
            }
        with force_locale("id"):
            form = NoteForm()
            assert not form.validate()
            assert form.errors == {
                "note": ["Isian ini maksimal 10 karakter."],
                "code": ["Isian ini minimal 3 karakter."],
            }
