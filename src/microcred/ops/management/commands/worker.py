from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background task worker (django-tasks-db), e.g. credential signing."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--batch", action="store_true",
                            help="Run every waiting task, then exit.")
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("db_worker", queue_name="*", interval=options["interval"],
                     batch=options["batch"], reload=False, startup_delay=False,
                     verbosity=options["verbosity"])
