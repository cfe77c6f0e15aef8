from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from microcred.assessment.services import assignments_sweep
from microcred.audit.chain import ChainBroken
from microcred.audit.services import audit_chain_extend
from microcred.issuance.bulk import bulk_issuance_sweep
from microcred.ops.task_leases import tasks_reclaim
from microcred.web.database import refresh_planner_statistics


class Command(BaseCommand):
    help = ("Periodic housekeeping: decision reminders, expired claims and overdue reassignment "
            "(the assessment sweep), tasks and bulk issuance jobs whose worker stopped, audit "
            "entries not yet chained, and fresh database statistics. `microcred serve` runs it "
            "every 15 minutes.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--every", type=int, default=0,
                            help="repeat every SECONDS (0: once)")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            report = assignments_sweep()
            reclaimed = tasks_reclaim()
            stale = bulk_issuance_sweep()
            try:
                chain = f"audit entries chained {audit_chain_extend().chained}"
            except ChainBroken as exc:  # said, not fatal: the rest of the sweep goes on
                chain = f"audit chain broken, not extended: {exc}"
            refresh_planner_statistics()
            self.stdout.write(f"reminded {report.reminded}, expired {report.expired}, "
                              f"reassigned {report.reassigned}; tasks taken back {reclaimed}; "
                              f"bulk jobs resumed {len(stale)}; {chain}")
            if not options["every"]:
                return
            time.sleep(options["every"])
