"""The Indonesian catalogue translates every string the code and templates use."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
PO = ROOT / "shop" / "i18n" / "translations" / "id" / "LC_MESSAGES" / "messages.po"


def test_every_source_string_has_an_indonesian_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            # The default also skips folders starting with "_" (_macros, _partials).
            "--ignore-dirs",
            ".*",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "_ln:1,2",
            "-o",
            str(pot),
            str(ROOT),
        ],
        check=True,
        cwd=ROOT,
    )
    with pot.open("rb") as fh:
        template = read_po(fh)
    with PO.open("rb") as fh:
        catalogue = read_po(fh, locale="id")
    missing = []
    for message in template:
        if not message.id:
            continue
        translated = catalogue.get(message.id)
        if translated is None or translated.fuzzy:
            missing.append(message.id)
            continue
        strings = (
            translated.string if isinstance(translated.string, tuple) else (translated.string,)
        )
        if not all(strings):
            missing.append(message.id)
    assert missing == []


def test_placeholders_survive_translation():
    import re

    with PO.open("rb") as fh:
        catalogue = read_po(fh, locale="id")
    pattern = re.compile(r"%\((\w+)\)[sd]")
    broken = []
    for message in catalogue:
        if not message.id or not message.string:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        targets = message.string if isinstance(message.string, tuple) else (message.string,)
        for target in targets:
            if set(pattern.findall(source)) - set(pattern.findall(target)) - {"num"}:
                broken.append(source)
    assert broken == []
