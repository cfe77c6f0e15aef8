"""The ``microcred`` command.

``microcred vc ...`` is the credential core's own CLI (no Django involved). Everything else is a
Django management command run with ``microcred.settings``: ``serve``, ``worker``, ``migrate``,
``demo``, ``credentials export DIR`` and the rest of Django's commands.

Errors print one line and exit non-zero; set ``MICROCRED_DEBUG=1`` to see tracebacks.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path

from microcred import __version__

__all__ = ["main"]

USAGE = """usage: microcred <command> [options]

commands:
  serve [--host H] [--port P]   migrate, then serve the site (gunicorn) with a task worker
                                and the sweep
  worker                        run the background task worker (credential signing)
  migrate                       create or update the database
  demo                          load demo content (safe to run again)
  sweep [--every SECONDS]       periodic housekeeping (serve runs it every 15 minutes):
                                deadlines and reminders, stopped bulk jobs, statistics
  credentials export DIR        write every issued credential to DIR/<id>.json as stored
  credentials retry-pending     enqueue signing again for credentials still pending
  credentials issue-bulk --csv FILE --micro-credential SLUG --as EMAIL [--resume]
                                award a micro-credential to every row of a CSV file
                                (docs/bulk-issuance.md); --resume continues an
                                interrupted file after its last committed row
  catalog import PATH --as EMAIL [--dry-run]
                                create, update or version micro-credentials from a file
                                or a folder of .yaml/.yml/.json files (all or nothing)
  catalog export DIR [--format yaml|json] [--organization SLUG]
                                write DIR/<slug>.yaml for each micro-credential's latest
                                version (docs/authoring-format.md)
  org create SLUG NAME | org grant SLUG EMAIL ROLE | org list
                                issuing organizations and their authors and assessors
  audit verify                  chain the committed audit entries, then recompute the hash
                                chain (exit 1 at the first broken entry)
  audit extend [--every SECONDS]
                                chain the committed audit entries (the background hasher;
                                sweep runs it too)
  audit list [--limit N]        print the latest audit entries
  backup FILE                   write the database and uploaded files to one .tar.gz
                                (no private key in the clear; keep the secret key apart)
  restore FILE                  check a backup, then load it into an empty database
  vc ...                        the credential toolkit: sign, verify, keys (see `microcred vc -h`)
  <django command>              any other Django management command
  --version                     print microcred's version

`--version`, `--help` (of any command) and every `microcred vc` command write nothing.
"""


def ensure_data_dir_and_secret() -> None:
    """Create ``$MICROCRED_DATA_DIR`` and, once, its secret key file (mode 0600).

    This is the only place a secret key is generated: at first run, by the command, never at
    import time. ``O_EXCL`` makes two processes starting together agree on one key.
    """
    data_dir = Path(os.environ.get("MICROCRED_DATA_DIR", "var")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    if os.environ.get("MICROCRED_SECRET_KEY"):
        return
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_urlsafe(48) + "\n")


def _fail(message: str) -> int:
    print(f"microcred: error: {message}", file=sys.stderr)
    return 1


def _only_asks(args: Sequence[str]) -> bool:
    """A command line that only asks for help or a version: it must write nothing (no data
    folder, no secret key), wherever it runs."""
    return any(a in {"-h", "--help", "--version"} for a in args) or args[0] == "help"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(USAGE, end="")
        return 0 if args else 2
    if args[0] in {"--version", "-V", "version"}:
        print(f"microcred {__version__}")
        return 0
    if args[0] == "vc":
        # local: start-up cost (only `microcred vc` loads the core's command line)
        from microcred.vc.cli import main as vc_main

        return int(vc_main(args[1:]) or 0)

    debug = os.environ.get("MICROCRED_DEBUG", "") in {"1", "true", "yes", "on"}
    try:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.settings")
        if _only_asks(args):
            # Django reads the settings to print a command's help: give it a key for this
            # process only, so nothing is created on disk.
            os.environ.setdefault("MICROCRED_SECRET_KEY", secrets.token_urlsafe(48))
        else:
            ensure_data_dir_and_secret()
        import django
        from django.core.management import ManagementUtility

        django.setup()
        ManagementUtility(["microcred", *args]).execute()
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if debug:
            raise
        return _fail(str(exc) or type(exc).__name__)
    return 0


if __name__ == "__main__":
    sys.exit(main())
