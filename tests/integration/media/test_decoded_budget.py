"""A photo can never take a worker past a few hundred MB: the decoded-size
budget is checked from the header, big JPEGs are decoded at reduced scale and
big pictures shrunk as soon as they are decoded. Measured in a child process
(its peak RSS), not timed."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from PIL import Image

# The variant pipeline of one photo, as the job runs it, in a fresh
# interpreter; prints the outcome and the child's own peak RSS (KiB on Linux).
CHILD = textwrap.dedent(
    """
    import json, sys
    from shop.config import Defaults
    from shop.media.images import ImageRejected, process_image, verify_photo

    path, budget_mb = sys.argv[1], int(sys.argv[2])
    with open(path, "rb") as upload:
        data = upload.read()
    limits = dict(
        max_bytes=Defaults.UPLOAD_MAX_BYTES,
        max_pixels=Defaults.UPLOAD_MAX_PIXELS,
        max_decoded_bytes=budget_mb * 1024 * 1024,
    )
    outcome = {"bytes": len(data)}
    try:
        verify_photo(data, largest=max(Defaults.IMAGE_WIDTHS), **limits)
        done = process_image(data, widths=Defaults.IMAGE_WIDTHS, **limits)
        outcome.update(result="processed", widths=sorted(done.variants))
    except ImageRejected as rejected:
        outcome.update(result="refused", message=str(rejected.message), status=rejected.status)
    print(json.dumps(outcome))
    """
)
# Runs CHILD and reports its peak RSS: ru_maxrss of RUSAGE_CHILDREN, read in a
# wrapper of its own, so no other child of the test run is counted.
WRAPPER = textwrap.dedent(
    """
    import resource, subprocess, sys
    out = subprocess.run([sys.executable, "-c", *sys.argv[1:]],
                         capture_output=True, text=True, check=True).stdout
    print(out.strip())
    print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    """
)


@pytest.fixture(scope="module")
def uploads(tmp_path_factory):
    """The two uploads, made here so making them is not measured."""
    folder = tmp_path_factory.mktemp("budget")
    # A flat-colour 7900x5000 PNG: 39.5 megapixels (under the 40 MP cap)
    # that compress to about 150 KB.
    png = folder / "flat.png"
    Image.new("RGB", (7900, 5000), (180, 120, 60)).save(png, "PNG", optimize=True)
    # A 12 MP phone photo (4000x3000) with detail in it.
    jpeg = folder / "phone.jpg"
    detail = Image.radial_gradient("L").resize((4000, 3000)).convert("RGB")
    detail.save(jpeg, "JPEG", quality=90)
    return {"png": png, "jpeg": jpeg}


def _run(path, budget_mb: int) -> tuple[dict, int]:
    """The outcome of preparing the upload at `path` in a child process, and
    the child's peak RSS in MB."""
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, CHILD, str(path), str(budget_mb)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    outcome, peak_kib = done.stdout.strip().splitlines()[-2:]
    return json.loads(outcome), int(peak_kib) // 1024


@pytest.mark.parametrize("budget_mb", [160, 256])
def test_a_40_megapixel_png_never_takes_600_mb(uploads, budget_mb):
    outcome, peak_mb = _run(uploads["png"], budget_mb)
    assert outcome["bytes"] < 1024 * 1024
    assert peak_mb < 300, (outcome, peak_mb)
    if outcome["result"] == "refused":
        assert outcome["status"] == 422
        assert "too much memory" in outcome["message"]
    else:
        assert outcome["widths"] == [320, 640, 1280]


def test_the_default_budget_refuses_the_40_megapixel_png_with_a_reason(uploads):
    outcome, _peak = _run(uploads["png"], 160)
    assert outcome["result"] == "refused"
    assert "too much memory" in outcome["message"]


def test_a_larger_budget_processes_it_and_still_stays_far_below_600_mb(uploads):
    outcome, peak_mb = _run(uploads["png"], 256)
    assert outcome["result"] == "processed"
    assert peak_mb < 300


def test_a_12_megapixel_phone_photo_is_processed_in_little_memory(uploads):
    outcome, peak_mb = _run(uploads["jpeg"], 160)
    assert outcome["result"] == "processed", outcome
    assert outcome["widths"] == [320, 640, 1280]
    # Decoded at half scale: about 2000x1500, not 4000x3000.
    assert peak_mb < 150, peak_mb
