"""Starting the machines of the `site` fixture (tests/integration/operations/
many_machines.py), one step each: the database, the bucket, the settings
every machine shares, migrating and seeding, the app machines (gunicorn),
the job worker and nginx in front.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import gunicorn.config
import requests

from shop.config import CONVENTIONAL
from shop.media.s3 import make_s3_client
from tests.cluster import ROOT, Process, nginx_site, port_open, start_nginx, wait_until
from tests.conftest import TEST_DATABASE_URL, _reset_database, side_database_url
from tests.s3 import KEYS, REGION

if TYPE_CHECKING:
    from tests.integration.operations.many_machines import Site

BIN = Path(sys.executable).parent
LOGIN_LIMIT = 5


def site_environment(**settings: str) -> dict[str, str]:
    """This machine's environment without any Etalase or Flask setting of
    its own (CI sets DATABASE_URL for the test database), plus `settings`."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("ETALASE_", "FLASK_"))
        and name not in CONVENTIONAL
        and name != "WEB_CONCURRENCY"
    }
    return {**env, **settings}


def control_socket(instance: Path) -> list[str]:
    """A recent gunicorn opens a control socket, by default one per user
    ($HOME/.gunicorn): each machine gets its own."""
    if not hasattr(gunicorn.config, "ControlSocket"):
        return []
    instance.mkdir(parents=True, exist_ok=True)
    return ["--control-socket", str(instance / "gunicorn.ctl")]


def run(args: list[str], env: dict[str, str], what: str) -> str:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{what} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def site_database(folder: Path) -> str:
    """The site's own database: a fresh side database on PostgreSQL, a file
    in `folder` on SQLite."""
    if TEST_DATABASE_URL.startswith("postgresql"):
        database_url = side_database_url("many_machines")
        _reset_database(database_url)
        return database_url
    return f"sqlite:///{folder / 'site.db'}"


def site_bucket(s3_server: str) -> str:
    """A new S3 bucket in the moto server."""
    bucket = f"etalase-site-{uuid.uuid4().hex[:12]}"
    make_s3_client(endpoint_url=s3_server, region=REGION, **KEYS).create_bucket(Bucket=bucket)
    return bucket


def production_settings(
    url: str, database_url: str, redis_url: str, bucket: str, s3_server: str
) -> dict[str, str]:
    """The environment every machine shares: production settings behind one proxy."""
    return site_environment(
        ETALASE_ENV="production",
        ETALASE_SECRET_KEY=secrets.token_urlsafe(48),
        ETALASE_DATABASE_URL=database_url,
        ETALASE_REDIS_URL=redis_url,
        ETALASE_PROCESSES="2",
        ETALASE_PROXY_COUNT="1",
        ETALASE_PUBLIC_URL=url,
        ETALASE_STORAGE_BACKEND="s3",
        ETALASE_S3_BUCKET=bucket,
        ETALASE_S3_PREFIX="site",
        ETALASE_S3_ENDPOINT_URL=s3_server,
        ETALASE_S3_REGION=REGION,
        ETALASE_S3_ACCESS_KEY_ID=KEYS["access_key_id"],
        ETALASE_S3_SECRET_ACCESS_KEY=KEYS["secret_access_key"],
        ETALASE_LOGIN_RATE_LIMIT=f"{LOGIN_LIMIT} per minute",
        # The per-address limit is what is shared through Redis; the
        # per-account delay (in the database) is lifted for these rounds.
        ETALASE_LOGIN_FREE_FAILURES="100000",
        ETALASE_NOTIFY_IN_PROCESS="0",
    )


def machine_env(site: Site, name: str) -> dict[str, str]:
    """The shared settings plus the machine's own instance folder and MEDIA_ROOT."""
    instance = site.folder / f"machine-{name}"
    return {
        **site.env,
        "ETALASE_INSTANCE_PATH": str(instance),
        "ETALASE_MEDIA_ROOT": str(instance / "media"),
    }


def migrate_and_seed(site: Site) -> None:
    """Upgrade the database and seed it (from an admin machine); the seed's
    facts go to `site.data`."""
    run(
        [str(BIN / "flask"), "--app", "app", "db", "upgrade"], machine_env(site, "admin"), "migrate"
    )
    seeded = run(
        [str(BIN / "python"), "-m", "tests.integration.operations.seed_site"],
        machine_env(site, "admin"),
        "seed",
    )
    site.data = json.loads(seeded.strip().splitlines()[-1])


def start_app_machine(site: Site, name: str, port: int) -> None:
    site.processes[f"gunicorn-{name}"] = Process(
        f"gunicorn-{name}",
        [
            str(BIN / "gunicorn"),
            "app:app",
            "--bind",
            f"127.0.0.1:{port}",
            # One process of four threads per machine: CI has two cores.
            "-w",
            "1",
            "-k",
            "gthread",
            "--threads",
            "4",
            "--timeout",
            "60",
            *control_socket(site.folder / f"machine-{name}"),
        ],
        site.folder / f"gunicorn-{name}.log",
        cwd=ROOT,
        env=machine_env(site, name),
    )


def start_worker(site: Site) -> None:
    site.processes["worker"] = Process(
        "worker",
        [str(BIN / "flask"), "--app", "app", "jobs", "worker"],
        site.folder / "worker.log",
        cwd=ROOT,
        env=machine_env(site, "worker"),
    )


def wait_for_app_machine(site: Site, name: str, port: int) -> None:
    process = site.processes[f"gunicorn-{name}"]
    wait_until(
        lambda: (
            not process.running or requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).ok
        ),
        90,
        f"app machine {name}",
        every=0.5,
    )
    assert process.running, f"app machine {name} exited"


def start_front(site: Site, http_port: int, https_port: int) -> None:
    """nginx with the deploy recipe, round-robin over the app machines."""
    site_conf = nginx_site(
        upstreams=sorted(site.machines),
        http_port=http_port,
        https_port=https_port,
        certificate=(site.cert, site.folder / "key.pem"),
        cache=site.folder / "nginx" / "cache",
    )
    site.processes["nginx"] = start_nginx(site.folder / "nginx", site_conf, https_port)
    assert port_open(http_port)
