"""Published micro-credentials with the whole model, built through the services."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from microcred.catalog.models import MicroCredential
from microcred.catalog.services import micro_credential_publish, micro_credential_write
from microcred.catalog.spec import (
    AlignmentSpec,
    CitationSpec,
    CriterionSpec,
    MethodComponentSpec,
    MicroCredentialSpec,
    PartSpec,
    PromptSpec,
    ResourceSpec,
)
from microcred.orgs.models import Organization
from tests.factories import reviewer_of

GUIDANCE = "ASSESSOR-ONLY: look for the timestamps in the plan"
_seq = itertools.count(1)


def full_spec(**changes: Any) -> MicroCredentialSpec:
    n = next(_seq)
    values: dict[str, Any] = dict(
        title=f"Formative Assessment in Practice {n}",
        competency="Uses formative assessment to adjust instruction during a lesson.",
        key_method="Plan checks for understanding at decision points.",
        research="Feedback loops raise achievement when acted upon.",
        topic="Assessment", tags=("feedback", "formative"), audience="educators",
        level="intermediate", estimated_hours=Decimal("6.5"), credit_hours=Decimal("0.5"),
        ceus=Decimal("1.25"), fee=Decimal(0), sponsor_can_cover=True,
        method_components=(MethodComponentSpec("Elicit evidence", "Ask a hinge question."),
                           MethodComponentSpec("Act on it", "Regroup or reteach.")),
        citations=(CitationSpec(authors="Black, P., & Wiliam, D.", year=1998,
                                title="Inside the Black Box", source="Phi Delta Kappan",
                                url="https://example.org/black-box"),),
        resources=(ResourceSpec(kind="article", title="Hinge questions explained",
                                url="https://example.org/hinge", description="A short read."),),
        alignments=(AlignmentSpec(target_name="Assessment literacy",
                                  target_url="https://example.org/framework/a1",
                                  target_framework="Teaching Standards", target_code="A1"),),
        parts=(
            PartSpec(title="Overview questions", kind="overview", prompts=(
                PromptSpec("text", "Describe the class and the lesson.", word_limit=300),),
                criteria=(CriterionSpec("Context", "The class and goal are clear.",
                                        "The goal is missing.", guidance=GUIDANCE),)),
            PartSpec(title="Work examples", kind="artifacts", prompts=(
                PromptSpec("file", "Upload the lesson plan.", max_bytes=5 * 1024 * 1024,
                           accepted_kinds=("document", "image")),),
                criteria=(CriterionSpec("Planned checks", "Three checks at decision points.",
                                        "Fewer than three checks.", guidance=GUIDANCE),)),
        ),
    )
    values.update(changes)
    return MicroCredentialSpec(**values)


def published(*, org: Organization, author: Any, **changes: Any) -> MicroCredential:
    mc = micro_credential_write(actor=author, organization=org, spec=full_spec(**changes))
    return micro_credential_publish(actor=reviewer_of(org), micro_credential_id=mc.pk)
