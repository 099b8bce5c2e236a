"""Entry point for `flask --app app` and gunicorn (`gunicorn app:app`)."""

import sys

from shop import UnsafeConfiguration, create_app

try:
    app = create_app()
except UnsafeConfiguration as refused:
    # Unsafe production settings, `flask run` in production, or a malformed
    # ETALASE_<NAME> value (BadSetting is an UnsafeConfiguration): one clear
    # line on stderr and exit status 1, not a traceback.
    sys.exit(str(refused))
