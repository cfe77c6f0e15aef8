from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from microcred.audit.chain import ChainBroken, timestamp_text
from microcred.audit.selectors import audit_latest
from microcred.audit.services import audit_chain_verify


class Command(BaseCommand):
    help = ("The audit log: `audit verify` recomputes the hash chain (exit 1 at the first "
            "broken entry); `audit list [--limit N]` prints the latest entries.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify")
        listing = sub.add_parser("list")
        listing.add_argument("--limit", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            try:
                report = audit_chain_verify()
            except ChainBroken as exc:
                raise CommandError(f"audit chain broken: {exc}", returncode=1) from None
            self.stdout.write(f"{report.entries} entries, chain intact "
                              f"(head {report.head_sequence}: {report.head_hash})")
            return
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1")
        for event in audit_latest(limit=options["limit"]):
            actor = f"user {event.actor_id}" if event.actor_id else "system"
            self.stdout.write(f"{event.sequence}\t{timestamp_text(event.created_at)}\t{actor}\t"
                              f"{event.action}\t{event.target}\t{event.entry_hash[:16]}")
