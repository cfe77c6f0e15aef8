from __future__ import annotations

import re
from argparse import SUPPRESS, ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from microcred.issuance.bulk.command import issue_bulk
from microcred.issuance.bulk.service import bulk_issuance_sweep
from microcred.issuance.selectors import credentials_issued, credentials_pending
from microcred.issuance.tasks import credential_issue

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(credential_id: str) -> str:
    """A file name from a credential id (a URL): its last path segment, restricted to a
    portable alphabet, never a path, never hidden."""
    tail = credential_id.rstrip("/").rsplit("/", 1)[-1]
    tail = tail.split(":")[-1] if tail.startswith("urn:") else tail
    name = _UNSAFE.sub("_", tail).strip("._") or "credential"
    return name[:120] + ".json"


class Command(BaseCommand):
    help = ("Work with credentials: `credentials export DIR`, `credentials retry-pending`, "
            "`credentials issue-bulk --csv FILE --micro-credential SLUG --as EMAIL [--resume]`.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Write every issued credential as DIR/<id>.json")
        export.add_argument("directory")
        sub.add_parser("retry-pending",
                       help="Enqueue signing again for credentials still pending (after a "
                            "failed task); signing is idempotent")
        bulk = sub.add_parser("issue-bulk",
                              help="Award a micro-credential to every row of a CSV file "
                                   "(docs/bulk-issuance.md); validates the whole file first")
        bulk.add_argument("--csv", required=True, dest="csv_path", metavar="FILE")
        bulk.add_argument("--micro-credential", required=True, metavar="SLUG",
                          help="its published version is issued")
        bulk.add_argument("--as", required=True, dest="as_email", metavar="EMAIL",
                          help="an administrator of the issuing organization")
        bulk.add_argument("--resume", action="store_true",
                          help="continue the unfinished job of this file after the last "
                               "committed row (each row is issued once)")
        bulk.add_argument("--chunk-size", type=int, default=None, help=SUPPRESS)
        bulk.add_argument("--processes", type=int, default=None,
                          help="signing worker processes (default: 2 on a multi-core machine "
                               "for a large file, else signing in this process)")
        sub.add_parser("resume-stale-bulk",
                       help="Enqueue again the bulk issuance jobs whose worker stopped "
                            "(no progress for 10 minutes); run it from cron")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "issue-bulk":
            issue_bulk(self, **options)
            return
        if options["action"] == "resume-stale-bulk":
            stale = bulk_issuance_sweep()
            self.stdout.write(f"Enqueued {len(stale)} stale bulk issuance job(s)")
            return
        if options["action"] == "retry-pending":
            pending = list(credentials_pending().values_list("pk", flat=True))
            for pk in pending:
                credential_issue.enqueue(pk)
            self.stdout.write(f"Enqueued {len(pending)} pending credential(s)")
            return
        if options["action"] != "export":
            raise CommandError(f"unknown action {options['action']}")
        target = Path(options["directory"])
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"cannot create {target}: {exc.strerror}") from None
        if not target.is_dir():
            raise CommandError(f"{target} is not a directory")
        count = 0
        for credential in credentials_issued().iterator():
            name = safe_filename(credential.credential_id or str(credential.public_id))
            # The stored text, encoded once: byte for byte what was signed and is served.
            (target / name).write_bytes(credential.signed_json.encode("utf-8"))
            count += 1
        self.stdout.write(f"Exported {count} credential(s) to {target}")
