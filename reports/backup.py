"""Backup and restore of the whole database: pg_dump / pg_restore on PostgreSQL, SQLite's online backup API
(a consistent file copy, safe while the app runs) on SQLite."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from django.db import DatabaseError, connection, transaction


class BackupError(RuntimeError):
    pass


def _pg_env() -> tuple[list[str], dict]:
    settings = connection.settings_dict
    args = ["-h", settings.get("HOST") or "127.0.0.1", "-p", str(settings.get("PORT") or 5432)]
    if settings.get("USER"):
        args += ["-U", settings["USER"]]
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{command[0]} thoát với mã {result.returncode}")


def dump(path: Path) -> None:
    path = Path(path)
    if connection.vendor == "postgresql":
        args, env = _pg_env()
        _run(
            ["pg_dump", *args, "--format=custom", "--no-owner", f"--file={path}", connection.settings_dict["NAME"]], env
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {connection.vendor}.")


def restore(path: Path) -> None:
    """Replace the database's contents with a backup (tables are dropped and recreated from it)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Không tìm thấy tệp sao lưu {path}.")
    if connection.vendor == "postgresql":
        args, env = _pg_env()
        connection.close()
        _run(
            [
                "pg_restore",
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(path),
            ],
            env,
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        raise BackupError(f"Chưa hỗ trợ phục hồi cơ sở dữ liệu {connection.vendor}.")
    _forget_cached_figures()


def _forget_cached_figures() -> None:
    """Figures cached before the restore describe another database: start a new epoch."""
    from .figures.cache import new_epoch

    try:
        with transaction.atomic():
            new_epoch()
    except DatabaseError:
        pass  # a backup older than the figures cache: `migrate` creates the table, and nothing is cached yet
