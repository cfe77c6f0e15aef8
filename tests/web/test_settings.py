import os
import subprocess
import sys
from pathlib import Path


def _settings(env: dict[str, str], tmp: Path, code: str) -> str:
    full = {k: v for k, v in os.environ.items()
            if not k.startswith(("MICROCRED_", "DATABASE_URL", "REDIS_URL"))}
    full.update({"MICROCRED_DATA_DIR": str(tmp), "PYTHONPATH": "src", **env})
    return subprocess.run(
        [sys.executable, "-c", "import microcred.settings as s; " + code],
        env=full, capture_output=True, text=True, cwd=Path(__file__).parents[2],
    ).stdout + ""


def test_embedded_default_is_sqlite_wal_without_debug(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("k" * 50)
    out = _settings({}, tmp_path, "d=s.DATABASES['default']; print(d['ENGINE'], "
                    "d['OPTIONS']['transaction_mode'], 'WAL' in d['OPTIONS']['init_command'], "
                    "s.DEBUG, s.ISSUER_DID_METHOD, s.SECRET_KEY == 'k'*50)")
    assert out.split() == ["django.db.backends.sqlite3", "IMMEDIATE", "True", "False", "key",
                           "True"]


def test_no_secret_is_generated_at_import(tmp_path: Path) -> None:
    out = _settings({}, tmp_path, "")
    assert out == "" and not (tmp_path / "secret_key").exists()


def test_environment_selects_postgres_redis_and_did_web(tmp_path: Path) -> None:
    out = _settings({"MICROCRED_SECRET_KEY": "s" * 50,
                     "DATABASE_URL": "postgres://u@db.example:5432/mc",
                     "REDIS_URL": "redis://cache.example:6379/0",
                     "MICROCRED_PUBLIC_URL": "https://badges.example.org"}, tmp_path,
                    "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], "
                    "s.ISSUER_DID_METHOD, 'badges.example.org' in s.ALLOWED_HOSTS)")
    assert out.split() == ["django.db.backends.postgresql",
                           "django.core.cache.backends.redis.RedisCache", "web", "True"]
