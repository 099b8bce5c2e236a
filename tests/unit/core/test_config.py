"""Configuration: defaults → instance/config.py → environment, and a production
site that refuses to start on unsafe settings."""

import os
import socket
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from shop import UnsafeConfiguration, create_app
from shop.config import ROOT, BadSetting, _secret_key, usable_database_url
from shop.extensions import talisman
from shop.notify.push import generate_vapid_keys
from shop.production import configured_processes
from tests.redis_server import free_port

STRONG_KEY = "k3Jq9-Xw7_Pz" * 4
VAPID_PRIVATE, VAPID_PUBLIC = generate_vapid_keys()
OTHER_PUBLIC = generate_vapid_keys()[1]


@pytest.fixture(autouse=True)
def _talisman_restored():
    """Flask-Talisman is one object for every app of the run: a production app
    made here must not leave HTTPS forced on the suite's app."""
    saved = dict(vars(talisman))
    yield
    vars(talisman).clear()
    vars(talisman).update(saved)


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No ETALASE_/conventional settings leak in from the machine running the tests."""
    for name in list(os.environ):
        if name.startswith("ETALASE_") or name in ("SECRET_KEY", "REDIS_URL", "FLASK_DEBUG"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ETALASE_INSTANCE_PATH", str(tmp_path / "instance"))
    return tmp_path


def _app(tmp_path, **overrides):
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'c.db'}", **overrides})


def test_secret_key_is_generated_once_and_private(tmp_path):
    first = _secret_key(tmp_path)
    assert len(first) >= 40
    assert _secret_key(tmp_path) == first
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600


def test_production_cookies_are_secure(monkeypatch, clean_env):
    monkeypatch.setenv("ETALASE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    app = _app(clean_env)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["FORCE_HTTPS"] is True
    response = app.test_client().get("/masuk", base_url="https://etalase.test")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    assert app.test_client().get("/masuk").status_code in (301, 302)  # http → https


def test_development_serves_plain_http(monkeypatch, clean_env):
    monkeypatch.setenv("ETALASE_ENV", "development")
    app = _app(clean_env)
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_instance_file_is_read_from_the_settable_instance_folder(clean_env):
    instance = clean_env / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('SITE_NAME = "Etalase Jambi"\nCATALOGUE_PAGE_SIZE = 12\n')
    app = _app(clean_env)
    assert app.instance_path == str(instance.resolve())
    assert app.config["SITE_NAME"] == "Etalase Jambi"
    assert app.config["CATALOGUE_PAGE_SIZE"] == 12
    # The generated secret key and the SQLite file live there too.
    assert (instance / "secret_key").exists()
    assert app.config["MEDIA_ROOT"] == str(instance.resolve() / "media")


def test_environment_beats_the_instance_file_and_is_typed(monkeypatch, clean_env):
    instance = clean_env / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('SITE_NAME = "dari berkas"\nPROXY_COUNT = 2\n')
    monkeypatch.setenv("ETALASE_SITE_NAME", "dari lingkungan")
    monkeypatch.setenv("ETALASE_PROXY_COUNT", "1")
    monkeypatch.setenv("ETALASE_MAIL_USE_TLS", "yes")
    monkeypatch.setenv("ETALASE_IMAGE_WIDTHS", "320, 960")
    monkeypatch.setenv("ETALASE_INVITE_LIFETIME", "3600")
    monkeypatch.setenv("ETALASE_SQLALCHEMY_ENGINE_OPTIONS", '{"pool_size": 3}')
    app = _app(clean_env)
    assert app.config["SITE_NAME"] == "dari lingkungan"
    assert app.config["PROXY_COUNT"] == 1
    assert app.config["MAIL_USE_TLS"] is True
    assert app.config["IMAGE_WIDTHS"] == (320, 960)
    assert app.config["INVITE_LIFETIME"] == timedelta(hours=1)
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_size"] == 3
    # A dict from the environment is merged into the default, not put in its place.
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True


def test_a_dict_in_the_instance_file_is_taken_as_written(monkeypatch, clean_env):
    instance = clean_env / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('RATELIMIT_STORAGE_OPTIONS = {"socket_timeout": 5}\n')
    monkeypatch.setenv("ETALASE_CACHE_REDIS_OPTIONS", '{"socket_timeout": 2}')
    app = _app(clean_env)
    assert app.config["RATELIMIT_STORAGE_OPTIONS"] == {"socket_timeout": 5}
    assert app.config["CACHE_REDIS_OPTIONS"] == {"socket_connect_timeout": 1, "socket_timeout": 2}


def test_env_in_the_instance_file_chooses_production(clean_env):
    instance = clean_env / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('ENV = "production"\nSECRET_KEY = "dev"\n')
    with pytest.raises(UnsafeConfiguration, match="example value"):
        _app(clean_env)


def test_etalase_env_beats_env_in_the_instance_file(monkeypatch, clean_env):
    instance = clean_env / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('ENV = "production"\nSECRET_KEY = "dev"\n')
    monkeypatch.setenv("ETALASE_ENV", "development")
    app = _app(clean_env)
    assert app.config["ENV_NAME"] == "development"
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_production_in_the_instance_file_with_a_good_key_is_production(clean_env):
    instance = clean_env / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(f'ENV = "production"\nSECRET_KEY = "{STRONG_KEY}"\n')
    app = _app(clean_env)
    assert app.config["ENV_NAME"] == "production"
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["FORCE_HTTPS"] is True


@pytest.mark.parametrize("where", ["environment", "instance file"])
def test_env_name_cannot_be_set_to_skip_the_production_check(monkeypatch, clean_env, where):
    monkeypatch.setenv("ETALASE_ENV", "production")
    monkeypatch.setenv("ETALASE_SECRET_KEY", "dev")
    if where == "environment":
        monkeypatch.setenv("ETALASE_ENV_NAME", "development")
    else:
        instance = clean_env / "instance"
        instance.mkdir()
        (instance / "config.py").write_text('ENV_NAME = "development"\n')
    with pytest.raises(UnsafeConfiguration, match="example value"):
        _app(clean_env)


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u:p@db:5432/shop", "postgresql+psycopg://u:p@db:5432/shop"),
        (
            "postgresql://u@db/shop?sslmode=require",
            "postgresql+psycopg://u@db/shop?sslmode=require",
        ),
        ("postgresql+psycopg://u@db/shop", "postgresql+psycopg://u@db/shop"),
        ("sqlite:////srv/etalase.db", "sqlite:////srv/etalase.db"),
        ("mysql://u@db/shop", "mysql://u@db/shop"),
    ],
)
def test_hosting_platforms_database_urls_use_psycopg(given, used):
    assert usable_database_url(given) == used


def test_a_postgres_database_url_from_the_platform_starts_the_app(monkeypatch, clean_env):
    monkeypatch.setenv("DATABASE_URL", "postgres://etalase@127.0.0.1:1/etalase")
    app = create_app()
    assert (
        app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://etalase@127.0.0.1:1/etalase"
    )
    with app.app_context():
        from shop.extensions import db

        assert db.engine.dialect.driver == "psycopg"


def test_prefixed_name_wins_over_the_conventional_one(monkeypatch, clean_env):
    monkeypatch.setenv("PUBLIC_URL", "https://lama.example")
    monkeypatch.setenv("ETALASE_PUBLIC_URL", "https://baru.example")
    assert _app(clean_env).config["PUBLIC_URL"] == "https://baru.example"


def test_a_malformed_environment_value_names_the_variable(monkeypatch, clean_env):
    monkeypatch.setenv("ETALASE_PROXY_COUNT", "satu")
    with pytest.raises(BadSetting, match="ETALASE_PROXY_COUNT"):
        _app(clean_env)


def test_redis_url_shares_limits_and_cache(monkeypatch, clean_env):
    monkeypatch.setenv("ETALASE_REDIS_URL", "redis://127.0.0.1:6399/4")
    app = _app(clean_env)
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6399/4"
    assert app.config["CACHE_TYPE"] == "RedisCache"
    assert app.config["CACHE_REDIS_URL"] == "redis://127.0.0.1:6399/4"


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "dev"}, "example value"),
        ({"ETALASE_SECRET_KEY": "test-secret"}, "example value"),
        ({"SECRET_KEY": "pendek-sekali"}, "shorter than 32"),
        ({"SECRET_KEY": "a" * 38}, "too simple"),
        ({"SECRET_KEY": "ab12" * 12}, "too simple"),
        ({"SECRET_KEY": STRONG_KEY, "FLASK_DEBUG": "1"}, "debug mode is on"),
        ({"SECRET_KEY": STRONG_KEY, "ETALASE_PROCESSES": "3"}, "rate limits are per process"),
        ({"SECRET_KEY": STRONG_KEY, "WEB_CONCURRENCY": "4"}, "page cache is per process"),
        (
            {"SECRET_KEY": STRONG_KEY, "ETALASE_WHATSAPP_BACKEND": "cloud"},
            "WHATSAPP_BACKEND=cloud needs ETALASE_WHATSAPP_PHONE_NUMBER_ID and "
            "ETALASE_WHATSAPP_TOKEN",
        ),
        (
            {
                "SECRET_KEY": STRONG_KEY,
                "ETALASE_WHATSAPP_BACKEND": "cloud",
                "ETALASE_WHATSAPP_PHONE_NUMBER_ID": "109876543210987",
            },
            "needs ETALASE_WHATSAPP_TOKEN",
        ),
        ({"SECRET_KEY": STRONG_KEY, "ETALASE_WHATSAPP_BACKEND": "twilio"}, "is not one of"),
        (
            {"SECRET_KEY": STRONG_KEY, "ETALASE_VAPID_PUBLIC_KEY": VAPID_PUBLIC},
            "VAPID_PRIVATE_KEY and ETALASE_VAPID_PUBLIC_KEY go together",
        ),
        (
            {
                "SECRET_KEY": STRONG_KEY,
                "ETALASE_VAPID_PRIVATE_KEY": VAPID_PRIVATE,
                "ETALASE_VAPID_PUBLIC_KEY": OTHER_PUBLIC,
            },
            "VAPID_PUBLIC_KEY is not the public half",
        ),
        (
            {
                "SECRET_KEY": STRONG_KEY,
                "ETALASE_VAPID_PRIVATE_KEY": "bukan-kunci",
                "ETALASE_VAPID_PUBLIC_KEY": VAPID_PUBLIC,
            },
            "VAPID_PUBLIC_KEY is not the public half",
        ),
        (
            {
                "SECRET_KEY": STRONG_KEY,
                "ETALASE_VAPID_PRIVATE_KEY": VAPID_PRIVATE,
                "ETALASE_VAPID_PUBLIC_KEY": VAPID_PUBLIC,
                "ETALASE_VAPID_SUBJECT": "admin@etalase.id",
            },
            "VAPID_SUBJECT must be a mailto:",
        ),
    ],
)
def test_production_refuses_unsafe_settings(monkeypatch, clean_env, env, complaint):
    monkeypatch.setenv("ETALASE_ENV", "production")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(UnsafeConfiguration, match=complaint):
        _app(clean_env)


def test_production_with_redis_and_several_processes_starts(monkeypatch, clean_env):
    monkeypatch.setenv("ETALASE_ENV", "production")
    monkeypatch.setenv("ETALASE_SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("ETALASE_PROCESSES", "6")
    monkeypatch.setenv("ETALASE_REDIS_URL", "redis://127.0.0.1:6399/4")
    app = _app(clean_env)
    assert app.config["SECRET_KEY"] == STRONG_KEY
    # No key file is made behind the operator's back in production.
    assert not (clean_env / "instance" / "secret_key").exists()


def test_production_with_a_vapid_key_pair_starts(monkeypatch, clean_env):
    monkeypatch.setenv("ETALASE_ENV", "production")
    monkeypatch.setenv("ETALASE_SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("ETALASE_VAPID_PRIVATE_KEY", VAPID_PRIVATE)
    monkeypatch.setenv("ETALASE_VAPID_PUBLIC_KEY", VAPID_PUBLIC)
    monkeypatch.setenv("ETALASE_VAPID_SUBJECT", "mailto:admin@etalase.id")
    assert _app(clean_env).config["VAPID_PUBLIC_KEY"] == VAPID_PUBLIC


def test_production_with_whatsapp_cloud_settings_starts(monkeypatch, clean_env):
    monkeypatch.setenv("ETALASE_ENV", "production")
    monkeypatch.setenv("ETALASE_SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("ETALASE_WHATSAPP_BACKEND", "cloud")
    monkeypatch.setenv("ETALASE_WHATSAPP_PHONE_NUMBER_ID", "109876543210987")
    monkeypatch.setenv("ETALASE_WHATSAPP_TOKEN", "EAAG-system-user-token")
    monkeypatch.setenv("ETALASE_WHATSAPP_TEMPLATES", '{"verify_code": {"name": "kode_verifikasi"}}')
    app = _app(clean_env)
    assert app.config["WHATSAPP_TEMPLATES"]["verify_code"] == {"name": "kode_verifikasi"}
    # Keys the environment does not name keep their defaults.
    assert app.config["WHATSAPP_TEMPLATES"]["reset_code"]["name"] == "etalase_reset_code"


def test_gunicorn_worker_count_is_read_from_its_command_line():
    config = {"PROCESSES": 1}
    assert configured_processes(config, {}, ["/srv/.venv/bin/gunicorn", "-w", "4", "app:app"]) == 4
    assert configured_processes(config, {}, ["gunicorn", "--workers=3", "app:app"]) == 3
    assert configured_processes(config, {}, ["gunicorn", "-w2", "app:app"]) == 2
    assert configured_processes(config, {}, ["flask", "-w", "9"]) == 1
    # `python -m gunicorn -w 5 app:app`
    main = "/srv/.venv/lib/python3.12/site-packages/gunicorn/__main__.py"
    assert configured_processes(config, {}, [main, "-w", "5", "app:app"]) == 5
    assert configured_processes(config, {}, ["/srv/other/__main__.py", "-w", "5"]) == 1


def _production_env(tmp_path, **settings) -> dict[str, str]:
    """The machine's environment without its Etalase settings, plus `settings`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ETALASE_", "FLASK_")) and key not in ("SECRET_KEY", "DATABASE_URL")
    }
    env.update(
        ETALASE_ENV="production",
        ETALASE_INSTANCE_PATH=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}",
        **settings,
    )
    return env


def _import_app(env) -> tuple[int, list[str]]:
    """Import app.py as gunicorn does, in a process of its own: its exit
    status and the non-blank lines it wrote to stderr."""
    result = subprocess.run(
        [sys.executable, "-c", "import app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.returncode, [line for line in result.stderr.splitlines() if line.strip()]


def test_refusal_is_one_line_and_exit_status_one(tmp_path):
    returncode, lines = _import_app(_production_env(tmp_path, ETALASE_SECRET_KEY="dev"))
    assert returncode == 1
    assert lines == [
        "Etalase will not start with ETALASE_ENV=production: "
        "ETALASE_SECRET_KEY is an example value; generate a new one."
    ]
    assert not Path(tmp_path, "secret_key").exists()


def test_a_malformed_value_is_one_line_and_exit_status_one(tmp_path):
    env = _production_env(tmp_path, ETALASE_SECRET_KEY=STRONG_KEY, ETALASE_PROXY_COUNT="satu")
    returncode, lines = _import_app(env)
    assert returncode == 1
    assert lines == ["ETALASE_PROXY_COUNT='satu' is not a valid int"]


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_flask_run_is_refused_in_production(tmp_path):
    """The development server (and with --debugger, Werkzeug's debugger) never
    serves a production site, whatever the settings."""
    port = free_port()
    env = _production_env(tmp_path, ETALASE_SECRET_KEY=STRONG_KEY)
    flask = Path(sys.executable).parent / "flask"
    server = subprocess.Popen(
        [str(flask), "--app", "app", "run", "--debugger", "-p", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        stdout, stderr = server.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.communicate()
        pytest.fail(f"flask run served a production site on port {port}")
    assert server.returncode == 1
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines == [
        "Etalase will not start with ETALASE_ENV=production: the development server "
        "(flask run) is not for production: serve with gunicorn "
        "(deploy/systemd/etalase-web.service)."
    ], stderr
    assert not stdout.strip()
    assert not _listening(port)


def test_other_flask_commands_still_work_in_production(tmp_path):
    env = _production_env(tmp_path, ETALASE_SECRET_KEY=STRONG_KEY)
    flask = Path(sys.executable).parent / "flask"
    result = subprocess.run(
        [str(flask), "--app", "app", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "x.db").is_file()
