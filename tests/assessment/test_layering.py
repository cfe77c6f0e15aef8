"""assessment (row 7 of the layers, issue 22) imports no app above it: issuance hears of a
Pass through ``assessment.signals.attempt_passed``."""

from __future__ import annotations

from tests.earning.test_layering import ABOVE, imports_above


def test_assessment_imports_no_higher_app() -> None:
    assert imports_above("assessment", tuple(a for a in ABOVE if a != "assessment")) == []
