from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from microcred.audit.chain import ChainBroken, timestamp_text
from microcred.audit.selectors import audit_latest
from microcred.audit.services import audit_chain_extend, audit_chain_verify


class Command(BaseCommand):
    help = ("The audit log: `audit verify` chains the committed entries, then recomputes the "
            "hash chain (exit 1 at the first broken entry); `audit extend [--every SECONDS]` "
            "only chains them (the background hasher; `microcred sweep` runs it too); "
            "`audit list [--limit N]` prints the latest entries.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify")
        extend = sub.add_parser("extend")
        extend.add_argument("--every", type=float, default=0,
                            help="repeat every SECONDS (0: once)")
        listing = sub.add_parser("list")
        listing.add_argument("--limit", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            try:
                report = audit_chain_verify()
            except ChainBroken as exc:
                raise CommandError(f"audit chain broken: {exc}", returncode=1) from None
            pending = f"; {report.pending} pending" if report.pending else ""
            self.stdout.write(f"{report.entries} entries, chain intact "
                              f"(head {report.head_sequence}: {report.head_hash}){pending}")
            return
        if options["action"] == "extend":
            if options["every"] < 0:
                raise CommandError("--every must be 0 or more")
            while True:
                try:
                    done = audit_chain_extend()
                except ChainBroken as exc:
                    raise CommandError(f"audit chain broken, not extended: {exc}",
                                       returncode=1) from None
                if done.chained or not options["every"]:
                    self.stdout.write(f"chained {done.chained} entries (head "
                                      f"{done.head_sequence}: {done.head_hash}); "
                                      f"{done.waiting} pending")
                if not options["every"]:
                    return
                time.sleep(options["every"])
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1")
        for event in audit_latest(limit=options["limit"]):
            actor = f"user {event.actor_id}" if event.actor_id else "system"
            sequence = event.sequence if event.sequence is not None else "pending"
            digest = event.entry_hash[:16] if event.entry_hash else "pending"
            self.stdout.write(f"{sequence}\t{timestamp_text(event.created_at)}\t{actor}\t"
                              f"{event.action}\t{event.target}\t{digest}")
