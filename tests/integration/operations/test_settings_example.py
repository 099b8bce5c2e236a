"""deploy/etalase.env.example, the settings file a machine of the site on
several machines starts from (see test_many_machines), names real settings."""

from __future__ import annotations

import re

from shop.config import Defaults, from_environment
from tests.cluster import ROOT

ENV_EXAMPLE = ROOT / "deploy" / "etalase.env.example"


def test_the_settings_example_names_real_settings():
    """Every ETALASE_<NAME> in deploy/etalase.env.example (set or shown in a
    comment) is a setting, and its value reads as that setting's type."""
    example = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        found = re.fullmatch(r"#?\s*(ETALASE_[A-Z0-9_]+)=(.*)", line.strip())
        if found:
            example[found.group(1)] = found.group(2).strip().strip('"')
    assert {"ETALASE_ENV", "ETALASE_SECRET_KEY", "ETALASE_REDIS_URL"} <= set(example)
    settings = {name: getattr(Defaults, name) for name in dir(Defaults) if name.isupper()}
    unknown = {
        name
        for name in example
        if name.removeprefix("ETALASE_") not in settings
        and name not in ("ETALASE_ENV", "ETALASE_INSTANCE_PATH")
    }
    assert not unknown
    read = from_environment(settings, example)
    assert set(read.values()) == set(example) - {"ETALASE_ENV", "ETALASE_INSTANCE_PATH"}
    assert settings["PROXY_COUNT"] == 1 and settings["STORAGE_BACKEND"] == "s3"
