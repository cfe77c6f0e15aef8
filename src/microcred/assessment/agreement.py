"""Inter-rater agreement between an assessor and their moderators: the share of decisions that
agreed, and Cohen's kappa (Cohen 1960, "A coefficient of agreement for nominal scales") over
the paired criterion scores, which corrects that share for agreement expected by chance."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["cohens_kappa"]


def cohens_kappa(pairs: Iterable[tuple[str, str]]) -> float | None:
    """kappa = (p_o - p_e) / (1 - p_e) over two raters' labels; None with no pairs.

    When chance agreement is total (both raters always gave the same single label) kappa is
    undefined; we return 1.0 if they also agreed every time, which is what a reader expects.
    """
    pairs = list(pairs)
    n = len(pairs)
    if n == 0:
        return None
    labels = {a for a, _ in pairs} | {b for _, b in pairs}
    observed = sum(1 for a, b in pairs if a == b) / n
    expected = sum(
        (sum(1 for a, _ in pairs if a == label) / n) * (sum(1 for _, b in pairs if b == label) / n)
        for label in labels
    )
    if expected >= 1.0:
        return 1.0 if observed == 1.0 else 0.0
    return (observed - expected) / (1 - expected)
