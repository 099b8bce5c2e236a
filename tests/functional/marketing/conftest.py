from __future__ import annotations

import shutil
import subprocess

import pytest


@pytest.fixture
def decode_qr(tmp_path):
    """Decode a QR image the way a phone would (Debian's zbarimg)."""
    zbarimg = shutil.which("zbarimg")
    assert zbarimg, "zbarimg missing: apt-get install zbar-tools (make browser-deps)"

    def _decode(data: bytes, suffix: str = ".png") -> str:
        path = tmp_path / f"qr{suffix}"
        path.write_bytes(data)
        result = subprocess.run(
            [zbarimg, "--raw", "-q", str(path)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    return _decode
