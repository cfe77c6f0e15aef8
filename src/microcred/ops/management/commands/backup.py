from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from microcred.ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = ("Write one backup file (.tar.gz): the database, the uploaded files and a signed "
            "manifest. Keep the secret key apart: a restore needs the same one.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = backup_create(path=options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Wrote {options['file']}: {summary.rows} rows, {summary.files} files")
