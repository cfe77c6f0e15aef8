"""Coverage-guided fuzzing targets (atheris) for the parsers that take untrusted input.

Run by tests/vc/test_fuzz.py for a bounded time. A target "crashes" when anything other than a
``VCError`` escapes (for the verifier: when anything escapes at all, since it reports instead of
raising). Crashing inputs go into tests/vc/fuzz_regressions/, where test_fuzz replays them.

    python tests/vc/fuzz_targets.py verify -max_total_time=60 CORPUS_DIR
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["microcred"]):
    from microcred.vc import baking, jose, openbadges
    from microcred.vc.errors import VCError
    from microcred.vc.jsoninput import parse_json
    from microcred.vc.verifier import verify_report


def verify(data: bytes) -> None:
    report = verify_report(data)
    assert report.verdict in ("passed", "failed", "unknown")


def unbake(data: bytes) -> None:
    try:
        baking.unbake(data)
    except VCError:
        pass


def parse(data: bytes) -> None:
    try:
        document = parse_json(data)
    except VCError:
        document = None
    if isinstance(document, dict):
        openbadges.validate(document)
    try:
        jose.decode(data.decode("utf-8", "replace"))
    except VCError:
        pass


TARGETS = {"verify": verify, "unbake": unbake, "parse": parse}


def main() -> None:
    target = TARGETS[sys.argv[1]]
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
