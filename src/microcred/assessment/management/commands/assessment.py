from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from microcred.accounts.models import User
from microcred.actors import SYSTEM
from microcred.assessment.services.pools import pool_member_add
from microcred.assessment.services.sweep import assignments_sweep
from microcred.catalog.versions import current_version
from microcred.errors import MicrocredError


class Command(BaseCommand):
    help = ("Assessment upkeep: `assessment sweep [--every SECONDS]` (reminders, expired claims, "
            "reassignment after the deadline), `assessment pool SLUG EMAIL [--lead]`.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sweep = sub.add_parser("sweep", help="Remind, expire and reassign; run from cron, or "
                                             "with --every to loop")
        sweep.add_argument("--every", type=int, default=0,
                           help="repeat every SECONDS (0: once)")
        pool = sub.add_parser("pool", help="Put an assessor in a micro-credential's pool")
        pool.add_argument("slug")
        pool.add_argument("email")
        pool.add_argument("--lead", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "sweep":
            while True:
                report = assignments_sweep()
                self.stdout.write(f"reminded {report.reminded}, expired {report.expired}, "
                                  f"reassigned {report.reassigned}")
                if not options["every"]:
                    return
                time.sleep(options["every"])
        mc = current_version(options["slug"])
        person = User.objects.filter(email__iexact=options["email"]).first()
        if mc is None or person is None:
            raise CommandError("no such micro-credential or person")
        try:
            member = pool_member_add(actor=SYSTEM, micro_credential=mc, assessor=person,
                                     is_lead=options["lead"])
        except MicrocredError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"{person.email} in the pool of {mc.slug}: {member.status}"
                          f"{' (lead)' if member.is_lead else ''}")
