"""``microcred credentials issue-bulk``: the command line over ``issuance.bulk``, with a
progress bar (count, rate, ETA) redrawn in place on a terminal and printed as periodic lines
otherwise (logs, CI)."""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from microcred.catalog.models import MicroCredential
from microcred.errors import MicrocredError, ValidationFailed
from microcred.issuance.bulk.run import CHUNK_SIZE, BulkProgress, bulk_issuance_run
from microcred.issuance.bulk.service import bulk_issuance_create, bulk_issuance_resumable

__all__ = ["ProgressBar", "issue_bulk"]


def _duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class ProgressBar:
    """Count, rate and ETA. The rate counts this run only (a resumed job starts from what was
    already committed)."""

    WIDTH = 30

    def __init__(self, stream: IO[str], *, every: float = 5.0) -> None:
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.every = every
        self.started = time.monotonic()
        self.first: int | None = None
        self.last_print = 0.0

    def line(self, issued: int, total: int) -> str:
        if self.first is None:
            self.first = issued
        elapsed = time.monotonic() - self.started
        rate = (issued - self.first) / elapsed if elapsed > 0 else 0.0
        eta = _duration((total - issued) / rate) if rate > 0 else "?"
        fraction = issued / total if total else 1.0
        filled = int(self.WIDTH * fraction)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        return (f"[{bar}] {issued:,}/{total:,} {fraction:6.1%}  {rate:,.0f}/s  "
                f"elapsed {_duration(elapsed)}  ETA {eta}")

    def __call__(self, progress: BulkProgress) -> None:
        text = self.line(progress.issued, progress.total)
        now = time.monotonic()
        finished = progress.issued >= progress.total
        if self.tty:
            self.stream.write("\r" + text + ("\n" if finished else ""))
            self.stream.flush()
        elif finished or now - self.last_print >= self.every:
            self.stream.write(text + "\n")
            self.stream.flush()
            self.last_print = now


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def issue_bulk(command: BaseCommand, **options: Any) -> None:
    path = Path(options["csv_path"])
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    try:
        actor = get_user_model().objects.get(email__iexact=options["as_email"])
    except get_user_model().DoesNotExist:
        raise CommandError(f"no account with the email {options['as_email']}") from None
    slug = options["micro_credential"]
    mc = (MicroCredential.objects.filter(slug=slug, status=MicroCredential.Status.PUBLISHED)
          .select_related("organization").first())
    if mc is None:
        raise CommandError(f"no published micro-credential {slug!r}")
    try:
        if options["resume"]:
            job = bulk_issuance_resumable(actor=actor, micro_credential=mc,
                                          sha256=_sha256(path))
            command.stdout.write(f"Resuming job {job.public_id}: {job.issued_count:,} of "
                                 f"{job.total:,} already issued")
        else:
            with path.open("rb") as fh:
                job = bulk_issuance_create(actor=actor, micro_credential=mc, csv_file=fh,
                                           file_name=path.name)
            command.stdout.write(f"{path}: {job.total:,} row(s) valid; job {job.public_id}")
        started = time.monotonic()
        job = bulk_issuance_run(job_id=job.pk, chunk_size=options.get("chunk_size") or CHUNK_SIZE,
                                progress=ProgressBar(sys.stderr),
                                processes=options.get("processes"))
    except ValidationFailed as error:
        for problem in error.problems.values():
            command.stderr.write(f"{path}: {problem}")
        raise CommandError(error.message) from None
    except MicrocredError as error:
        raise CommandError(error.message) from None
    command.stdout.write(f"Issued {job.issued_count:,} credential(s) of {job.total:,} "
                         f"(job {job.public_id}) in {time.monotonic() - started:.1f} s")
