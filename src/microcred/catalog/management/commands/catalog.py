from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from microcred.accounts.models import User
from microcred.catalog.import_export import (
    ImportFailed,
    authoring_files,
    catalog_export,
    catalog_import,
)
from microcred.errors import MicrocredError


class Command(BaseCommand):
    help = ("The catalog as authoring files (docs/authoring-format.md): "
            "`catalog import PATH --as EMAIL [--dry-run]`, "
            "`catalog export DIR [--format yaml|json] [--organization SLUG]`.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Create, update or version micro-credentials from "
                                            "a file or a folder of .json/.yaml/.yml files")
        imp.add_argument("path")
        imp.add_argument("--as", dest="actor", required=True, metavar="EMAIL",
                         help="the author (or, to publish, administrator) doing the import")
        imp.add_argument("--dry-run", action="store_true",
                         help="check everything and report what would change, then roll back")
        exp = sub.add_parser("export", help="Write DIR/<slug>.yaml (or .json) for the latest "
                                            "version of every micro-credential")
        exp.add_argument("directory")
        exp.add_argument("--format", choices=["yaml", "json"], default="yaml")
        exp.add_argument("--organization", metavar="SLUG", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "import":
                self._import(options)
            else:
                self._export(options)
        except MicrocredError as exc:
            raise CommandError(exc.message) from None

    def _import(self, options: dict[str, Any]) -> None:
        actor = User.objects.filter(email__iexact=options["actor"], is_active=True).first()
        if actor is None:
            raise CommandError(f"no account with the email {options['actor']!r}")
        path = Path(options["path"])
        files = authoring_files(path)
        root = path if path.is_dir() else None
        show = options["verbosity"] >= 1 and len(files) > 20
        step = max(1, len(files) // 10)

        def progress(phase: str, done: int, total: int) -> None:
            if show and (done % step == 0 or done == total):
                self.stderr.write(f"{phase} {done}/{total}")

        try:
            report = catalog_import(actor=actor, files=files, root=root,
                                    dry_run=options["dry_run"], progress=progress)
        except ImportFailed as exc:
            for where, message in exc.problems.items():
                self.stderr.write(f"{where}: {message}")
            raise
        if options["verbosity"] >= 2:
            for slug, outcome in report.outcomes.items():
                self.stdout.write(f"{slug}: {outcome}")
        prefix = "Would import" if options["dry_run"] else "Imported"
        self.stdout.write(f"{prefix} {len(files)} file(s): {report.summary()}")

    def _export(self, options: dict[str, Any]) -> None:
        target = Path(options["directory"])
        if target.exists() and not target.is_dir():
            raise CommandError(f"{target} is not a directory")
        try:
            written = catalog_export(directory=target, suffix=f".{options['format']}",
                                     organization=options["organization"])
        except OSError as exc:
            raise CommandError(f"cannot write to {target}: {exc.strerror}") from None
        self.stdout.write(f"Exported {len(written)} micro-credential(s) to {target}")



