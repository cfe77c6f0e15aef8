from __future__ import annotations

import os
import signal
import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections
from gunicorn.app.base import BaseApplication

from microcred.web.database import refresh_planner_statistics


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # local: gunicorn calls this in each worker after the fork; the site is built there
        from microcred.wsgi import application

        return application


class Command(BaseCommand):
    help = ("Apply migrations, start the task worker, the sweep and the audit hasher, and serve "
            "the site with gunicorn.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=int(os.environ.get(
            "MICROCRED_WEB_WORKERS", "2")))
        parser.add_argument("--no-task-worker", action="store_true",
                            help="Do not start the task worker, the sweep and the audit "
                                 "hasher alongside.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        refresh_planner_statistics()
        # gunicorn forks its workers from this process: a connection left open by migrate would
        # be inherited by every worker, which would then talk over one socket at once (replies
        # to one worker's query read by another). Each worker opens its own.
        connections.close_all()
        children: list[subprocess.Popen[bytes]] = []
        if not options["no_task_worker"]:
            # Child processes, not threads: gunicorn forks and handles signals itself. The task
            # worker signs and mails; the sweep sends decision reminders, expires claims,
            # reassigns overdue work, takes back dead workers' tasks and resumes stopped bulk
            # jobs every 15 minutes; the audit hasher chains committed entries every 5 seconds.
            for command in (["worker"], ["sweep", "--every", "900"],
                            ["audit", "extend", "--every", "5"]):
                children.append(
                    subprocess.Popen([sys.executable, "-m", "microcred.cli", *command])  # noqa: S603
                )
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(f"microcred is serving {url} (public URL {settings.PUBLIC_URL})")
        try:
            _Gunicorn({
                "bind": f"{options['host']}:{options['port']}",
                "workers": options["workers"],
                "accesslog": "-",
                "errorlog": "-",
                "timeout": 60,
                "graceful_timeout": 10,
            }).run()
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
