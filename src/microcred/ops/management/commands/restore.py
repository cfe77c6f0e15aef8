from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from microcred.audit.chain import ChainBroken
from microcred.audit.services import audit_chain_verify
from microcred.ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = ("Restore a backup made by `microcred backup` into an empty, migrated database: "
            "checked first, then all or nothing.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = backup_restore(path=options["file"])
        except BackupError as exc:
            raise CommandError(f"nothing restored: {exc}") from None
        self.stdout.write(f"Restored {summary.rows} rows and {summary.files} files")
        try:
            report = audit_chain_verify()
        except ChainBroken as exc:
            raise CommandError(f"restored, but the audit chain is broken: {exc}",
                               returncode=1) from None
        self.stdout.write(f"Audit log: {report.entries} entries, chain intact")
