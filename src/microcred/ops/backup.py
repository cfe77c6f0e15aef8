"""One-file backups of a deployment, and restoring them into an empty one.

A backup is a ``.tar.gz`` holding:

- ``database.json``: every row of every installed app (Django's serialization, with exact
  microsecond timestamps so the audit chain's hashes still match), except sessions and OAuth
  tokens, which are bearer secrets better re-issued than copied;
- ``files/<name>``: every file in the default storage (evidence, badge images, resources);
- ``manifest.json``: the format, the applied migrations, counts per model, and the SHA-256
  and size of every member;
- ``manifest.hmac``: an HMAC-SHA256 of the manifest under a key derived from ``SECRET_KEY``.

It never holds a private key in the clear: issuer signing keys are stored sealed with a key
derived from ``SECRET_KEY`` (``microcred.sealing``) and stay sealed, and ``SECRET_KEY`` itself
is not in the backup. The operator keeps it apart (docs/operations.md); a restore refuses to run
under a different one, because the issuer keys could not be unsealed.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import shutil
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from microcred.accounts.models import User
from microcred.audit.models import AuditEvent
from microcred.errors import MicrocredError
from microcred.issuance.models import Credential
from microcred.orgs.models import Organization

__all__ = ["BackupError", "BackupSummary", "backup_create", "backup_restore"]

FORMAT = "microcred-backup"
VERSION = 1
DATABASE_MEMBER = "database.json"
MANIFEST_MEMBER = "manifest.json"
SIGNATURE_MEMBER = "manifest.hmac"
FILES_PREFIX = "files/"
# Bearer secrets and throwaway state: people sign in and authorize apps again after a restore.
EXCLUDED_MODELS = frozenset({
    "sessions.session",
    "oauth2_provider.accesstoken",
    "oauth2_provider.refreshtoken",
    "oauth2_provider.grant",
    "oauth2_provider.idtoken",
})


class BackupError(MicrocredError):
    code = "backup_failed"


@dataclass(frozen=True)
class BackupSummary:
    rows: int
    files: int
    counts: dict[str, int]


class _ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts datetimes to milliseconds; the audit chain hashes microseconds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime | dtime):
            return o.isoformat()
        if isinstance(o, date):
            return o.isoformat()
        return super().default(o)


def _backup_key() -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"microcred.ops.backup",
                info=b"microcred backup manifest v1").derive(settings.SECRET_KEY.encode())


def _key_check() -> str:
    """Names the secret key without revealing it (an HMAC of a fixed text)."""
    return hmac.new(_backup_key(), b"microcred backup key check", hashlib.sha256).hexdigest()


def _models() -> list[type[models.Model]]:
    chosen = [(config, [m for m in config.get_models()
                        if m._meta.label_lower not in EXCLUDED_MODELS
                        and not m._meta.proxy and m._meta.managed])
              for config in apps.get_app_configs()]
    return serializers.sort_dependencies([(c, ms) for c, ms in chosen if ms], allow_cycles=True)


def _applied_migrations() -> list[str]:
    applied = MigrationRecorder(connection).applied_migrations()
    return sorted(f"{app}.{name}" for app, name in applied)


def _storage_files(path: str = "") -> Iterator[str]:
    try:
        directories, files = default_storage.listdir(path)
    except FileNotFoundError:  # a storage folder not created yet: nothing uploaded
        return
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for directory in sorted(directories):
        yield from _storage_files(f"{path}/{directory}" if path else directory)


class _HashingReader:
    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.digest, self.size = raw, hashlib.sha256(), 0

    def read(self, n: int = -1) -> bytes:
        chunk = self.raw.read(n)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk


def _tar_info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(time.time())
    return info


def backup_create(*, path: Path) -> BackupSummary:
    """Write a backup of the database and the default storage to ``path`` (a new file)."""
    if path.exists():
        raise BackupError(f"{path} already exists; choose a new file name")
    members: dict[str, dict[str, Any]] = {}
    counts: dict[str, int] = {}
    partial = path.with_name(path.name + ".partial")
    try:
        with tempfile.TemporaryDirectory(prefix="microcred-backup-") as tmp, \
                partial.open("xb") as out, tarfile.open(fileobj=out, mode="w:gz") as tar:
            partial.chmod(0o600)
            dump = Path(tmp) / DATABASE_MEMBER
            outermost = not connection.in_atomic_block
            with transaction.atomic():
                if outermost and connection.vendor == "postgresql":
                    # One snapshot for every table: a consistent dump while the site runs.
                    with connection.cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                migrations = _applied_migrations()
                with dump.open("w", encoding="utf-8") as fh:
                    serializers.serialize("json", _rows(counts), stream=fh,
                                          cls=_ExactJSONEncoder)
            with dump.open("rb") as fh:
                _add(tar, members, DATABASE_MEMBER, fh, dump.stat().st_size)
            files = 0
            for name in _storage_files():
                with default_storage.open(name, "rb") as fh:
                    _add(tar, members, FILES_PREFIX + name, fh, default_storage.size(name))
                files += 1
            manifest = json.dumps({
                "format": FORMAT, "version": VERSION,
                "created_at": timezone.now().isoformat(),
                "database_vendor": connection.vendor,
                "migrations": migrations,
                "counts": counts,
                "key_check": _key_check(),
                "members": members,
            }, indent=2, sort_keys=True).encode("utf-8")
            tar.addfile(_tar_info(MANIFEST_MEMBER, len(manifest)), io.BytesIO(manifest))
            signature = hmac.new(_backup_key(), manifest, hashlib.sha256).hexdigest().encode()
            tar.addfile(_tar_info(SIGNATURE_MEMBER, len(signature)), io.BytesIO(signature))
        partial.rename(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupSummary(rows=sum(counts.values()), files=files, counts=counts)


def _rows(counts: dict[str, int]) -> Iterator[models.Model]:
    for model in _models():
        label = model._meta.label_lower
        counts[label] = 0
        for obj in model._base_manager.order_by(model._meta.pk.name).iterator(chunk_size=1000):
            counts[label] += 1
            yield obj


def _add(tar: tarfile.TarFile, members: dict[str, dict[str, Any]], name: str, fh: IO[bytes],
         size: int) -> None:
    reader = _HashingReader(fh)
    tar.addfile(_tar_info(name, size), reader)  # type: ignore[arg-type]
    if reader.size != size:
        raise BackupError(f"{name} changed size while it was being copied; run the backup again")
    members[name] = {"sha256": reader.digest.hexdigest(), "size": size}


# --- restore -------------------------------------------------------------------------------


def _safe_member_name(name: str) -> bool:
    pure = PurePosixPath(name)
    return (not pure.is_absolute() and ".." not in pure.parts and "\\" not in name
            and (name in {DATABASE_MEMBER, MANIFEST_MEMBER, SIGNATURE_MEMBER}
                 or (name.startswith(FILES_PREFIX) and len(pure.parts) > 1)))


def _read_checked(path: Path, workdir: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    """Open the archive, check the manifest's signature and every member's hash, and unpack
    the members into ``workdir`` under names of our own. Raises ``BackupError``."""
    extracted: dict[str, Path] = {}
    found: dict[str, dict[str, Any]] = {}
    manifest_bytes = signature = b""
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            for index, member in enumerate(tar):
                if not member.isfile() or not _safe_member_name(member.name) \
                        or member.name in found:
                    raise BackupError(f"the backup holds an unexpected entry {member.name!r}")
                source = tar.extractfile(member)
                assert source is not None
                if member.name in {MANIFEST_MEMBER, SIGNATURE_MEMBER}:
                    data = source.read(1024 * 1024 * 64)
                    if member.name == MANIFEST_MEMBER:
                        manifest_bytes = data
                    else:
                        signature = data
                    found[member.name] = {}
                    continue
                target = workdir / f"m{index}"
                digest = hashlib.sha256()
                with target.open("wb") as out:
                    while chunk := source.read(1024 * 1024):
                        digest.update(chunk)
                        out.write(chunk)
                found[member.name] = {"sha256": digest.hexdigest(), "size": member.size}
                extracted[member.name] = target
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{path} is not a readable backup (corrupted or truncated: {exc})") \
            from None
    if not manifest_bytes:
        raise BackupError(f"{path} is not a microcred backup: it has no manifest")
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError:
        raise BackupError("the backup's manifest is corrupted") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a microcred backup")
    if manifest.get("version") != VERSION:
        raise BackupError(f"this backup has format version {manifest.get('version')}; this "
                          f"microcred reads version {VERSION}")
    if not hmac.compare_digest(str(manifest.get("key_check", "")), _key_check()):
        raise BackupError(
            "this backup was made under a different secret key: set MICROCRED_SECRET_KEY (or "
            "$MICROCRED_DATA_DIR/secret_key) to the backed-up deployment's key, without which "
            "its issuer keys cannot be unsealed")
    expected = hmac.new(_backup_key(), manifest_bytes, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(signature.decode("ascii", "replace").strip(), expected):
        raise BackupError("the backup's manifest has been altered (its signature does not match)")
    listed = manifest.get("members") or {}
    for name, facts in listed.items():
        if name not in found:
            raise BackupError(f"the backup is incomplete: {name} is missing")
        if found[name] != {"sha256": facts.get("sha256"), "size": facts.get("size")}:
            raise BackupError(f"the backup is corrupted: {name} does not match its checksum")
    extra = set(found) - set(listed) - {MANIFEST_MEMBER, SIGNATURE_MEMBER}
    if extra:
        raise BackupError(f"the backup holds entries its manifest does not list: "
                          f"{', '.join(sorted(extra))}")
    if DATABASE_MEMBER not in extracted:
        raise BackupError("the backup holds no database dump")
    return manifest, extracted


def _refuse_unless_empty(file_names: list[str]) -> None:
    busy = [f"{n} {label}" for label, n in (
        ("accounts", User.objects.count()), ("organizations", Organization.objects.count()),
        ("credentials", Credential.objects.count()), ("audit entries", AuditEvent.objects.count()),
    ) if n]
    if busy:
        raise BackupError("the database is not empty (" + ", ".join(busy) + "); restore only into "
                          "a new, migrated database (`microcred migrate` on an empty one)")
    present = [name for name in file_names if default_storage.exists(name)]
    if present:
        raise BackupError(f"the file storage is not empty ({present[0]} exists); restore into "
                          "an empty storage")


def backup_restore(*, path: Path) -> BackupSummary:
    """Restore a backup into an empty, migrated database and an empty storage: all or nothing.

    Checks first (signature, every checksum, the secret key, the migrations), then loads every
    row and writes every file inside one transaction; files written are removed again if
    anything fails.
    """
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    with tempfile.TemporaryDirectory(prefix="microcred-restore-") as tmp:
        workdir = Path(tmp)
        manifest, extracted = _read_checked(path, workdir)
        missing = sorted(set(manifest.get("migrations", [])) - set(_applied_migrations()))
        newer = sorted(set(_applied_migrations()) - set(manifest.get("migrations", [])))
        if missing or newer:
            raise BackupError(
                "the backup was made with a different version of microcred (migrations "
                + (f"{missing[0]} not applied here" if missing else f"{newer[0]} newer here")
                + "); restore with the version that made it, then upgrade")
        file_names = sorted(n[len(FILES_PREFIX):] for n in extracted if n.startswith(FILES_PREFIX))
        _refuse_unless_empty(file_names)
        dump = workdir / DATABASE_MEMBER
        shutil.move(extracted[DATABASE_MEMBER], dump)
        written: list[str] = []
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    # Rows arrive in dependency order, but cycles exist: check FKs at commit.
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                # The fresh database's content types and permissions were made by `migrate`,
                # possibly numbered differently: the backup's replace them, ids and all.
                Permission.objects.all().delete()
                ContentType.objects.all().delete()
                call_command("loaddata", str(dump), verbosity=0)
                ContentType.objects.clear_cache()
                for name in file_names:
                    with extracted[FILES_PREFIX + name].open("rb") as fh:
                        saved = default_storage.save(name, File(fh, name=name))
                    written.append(saved)
                    if saved != name:
                        raise BackupError(f"the storage renamed {name} to {saved}")
        except BaseException:
            for name in written:
                default_storage.delete(name)
            ContentType.objects.clear_cache()
            raise
    counts = {k: int(v) for k, v in (manifest.get("counts") or {}).items()}
    return BackupSummary(rows=sum(counts.values()), files=len(file_names), counts=counts)
