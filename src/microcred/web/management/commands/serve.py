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
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from microcred.wsgi import application

        return application


class Command(BaseCommand):
    help = "Apply migrations, start the task worker, and serve the site with gunicorn."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=int(os.environ.get(
            "MICROCRED_WEB_WORKERS", "2")))
        parser.add_argument("--no-task-worker", action="store_true",
                            help="Do not start the background task worker alongside.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        worker: subprocess.Popen[bytes] | None = None
        if not options["no_task_worker"]:
            # A child process, not a thread: gunicorn forks and handles signals itself.
            worker = subprocess.Popen([sys.executable, "-m", "microcred.cli", "worker"])
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
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
