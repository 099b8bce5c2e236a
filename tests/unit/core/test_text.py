from shop.core.text import clean_line, clean_multiline, slugify, unique_slug


def test_slugify_folds_accents_and_punctuation():
    assert slugify("Kelompok Lele  Makmur!") == "kelompok-lele-makmur"
    assert slugify("Kafé «Ibu»") == "kafe-ibu"
    assert slugify("!!!") == "x"


def test_unique_slug_counts_up():
    taken = {"abon", "abon-2"}
    assert unique_slug("abon", taken.__contains__) == "abon-3"


def test_cleaning_drops_control_characters_keeps_newlines():
    assert clean_line("  a\x00b \u202e c  ", 10) == "ab c"
    assert clean_multiline("baris 1\r\nbaris 2\x07", 100) == "baris 1\nbaris 2"
