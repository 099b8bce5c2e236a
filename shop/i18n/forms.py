"""The form base class: WTForms' own messages go through our catalogue.

WTForms ships no Indonesian catalogue, so Flask-WTF's translations would leave
"This field is required." in English. Every form inherits `BaseForm`, whose
translations are Flask-Babel's, and `messages.py` lists WTForms' strings so
`pybabel extract` puts them in our catalogue.
"""

from __future__ import annotations

from flask_babel import get_translations
from flask_wtf import FlaskForm


class _BabelTranslations:
    """The raw translated strings: WTForms fills in its own placeholders
    (`%(max)d`, `%(min)d`), which Flask-Babel's formatting would not know."""

    def gettext(self, string):
        return get_translations().gettext(string)

    def ngettext(self, singular, plural, n):
        return get_translations().ngettext(singular, plural, n)


class BaseForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _BabelTranslations()

    def first_error(self) -> str | None:
        for errors in self.errors.values():
            if errors:
                return str(errors[0])
        return None
