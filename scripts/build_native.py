"""Compile the credential core's hot modules to C extensions with mypyc (``make native``).

    python scripts/build_native.py src/microcred/vc/_internal/fastld.py ...

The modules stay plain, typed Python: mypyc compiles the same source, and Python imports the
extension in place of the ``.py`` file beside it. Exactness does not depend on it (the tests
run against whatever is imported, and ``tests/vc/test_native.py`` refuses a stale build); only
speed does (docs/performance.md). When there is no C compiler, no Python headers or no mypyc,
this prints why, removes any earlier build, records the pure-Python state and exits 0: the
platform then runs the same code interpreted.

The record, ``src/microcred/vc/_native.json``, names each compiled module with the sha256 of
the source it was built from; :mod:`microcred.vc.native` reads it.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
RECORD = SRC / "microcred" / "vc" / "_native.json"
BUILD = ROOT / "build" / "native"
#: The shared library of the group lives inside the package, so no top-level module is added.
GROUP = "microcred.vc._native"


def _module_name(path: Path) -> str:
    return ".".join(path.resolve().relative_to(SRC).with_suffix("").parts)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _remove_built() -> None:
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    for built in (SRC / "microcred").rglob("*" + suffix):
        built.unlink()


def _record(modules: dict[str, str], reason: str | None) -> None:
    RECORD.write_text(
        json.dumps(
            {
                "python": sys.implementation.cache_tag,
                "compiled": bool(modules),
                "modules": modules,
                "reason": reason,
            },
            indent=2,
            sort_keys=True,
        )
        + "\n",
        "utf-8",
    )


def build(paths: list[Path], *, quiet: bool = True) -> str | None:
    """Build ``paths`` in place; returns ``None`` on success or the reason it could not."""
    try:
        from mypyc.build import mypycify
        from setuptools import setup
    except ImportError as exc:
        return f"mypyc or setuptools is not installed ({exc.name}); pip install -e '.[native]'"
    if not Path(sysconfig.get_paths()["include"], "Python.h").is_file():
        return "the Python headers (Python.h) are not installed"
    BUILD.mkdir(parents=True, exist_ok=True)
    relative = [str(path.resolve().relative_to(ROOT)) for path in paths]
    output = io.StringIO()
    previous = Path.cwd()
    os.chdir(ROOT)
    try:
        redirect = contextlib.redirect_stdout(output) if quiet else contextlib.nullcontext()
        with redirect, contextlib.redirect_stderr(output) if quiet else contextlib.nullcontext():
            setup(
                name="microcred-native",
                package_dir={"": "src"},
                ext_modules=mypycify(
                    relative, opt_level="3", group_name=GROUP, target_dir=str(BUILD / "c")
                ),
                script_args=["build_ext", "--inplace", "--build-temp", str(BUILD / "temp")],
            )
    except (Exception, SystemExit) as exc:  # setuptools and mypyc exit with SystemExit
        lines = output.getvalue().strip().splitlines()
        detail = lines[-1] if lines else str(exc)
        return f"the C build failed ({type(exc).__name__}): {detail[:300]}"
    finally:
        os.chdir(previous)
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="the modules to compile")
    parser.add_argument("--verbose", action="store_true", help="show the compiler's output")
    parser.add_argument(
        "--pure", action="store_true", help="remove the compiled modules and record pure Python"
    )
    args = parser.parse_args(argv)
    missing = [str(path) for path in args.paths if not path.is_file()]
    if missing:
        print("build_native: no such module: " + ", ".join(missing), file=sys.stderr)
        return 2
    _remove_built()
    if args.pure or os.environ.get("MICROCRED_PURE_PYTHON") == "1":
        _record({}, "pure Python was asked for")
        print("build_native: pure Python (the compiled modules were removed)")
        return 0
    reason = build(args.paths, quiet=not args.verbose)
    if reason is not None:
        _remove_built()
        _record({}, reason)
        print(
            "build_native: running the credential core as pure Python, which is slower "
            f"(docs/performance.md): {reason}",
            file=sys.stderr,
        )
        return 0
    modules = {_module_name(path): _sha256(path) for path in args.paths}
    _record(modules, None)
    print(f"build_native: compiled {len(modules)} modules with mypyc: " + ", ".join(modules))
    return 0


if __name__ == "__main__":
    sys.exit(main())
