from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from microcred.demo.loader import load_demo
from microcred.demo.people import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Load the demo organization, micro-credentials and people. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        people = load_demo()
        # Sign what the demo passed, with the real worker, so the demo credential is real.
        call_command("worker", batch=True, verbosity=0)
        self.stdout.write("Demo loaded.\n")
        self.stdout.write(f"Open {settings.PUBLIC_URL}/\n")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):\n")
        for role, email in people:
            self.stdout.write(f"  {role:<40} {email}\n")
