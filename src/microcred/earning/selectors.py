from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from microcred.catalog.models import EvidencePrompt, MicroCredential
from microcred.earning.models import Answer, Attempt
from microcred.errors import NotAllowed, NotFound


@dataclass(frozen=True)
class PromptWithAnswer:
    prompt: EvidencePrompt
    answer: Answer | None

    @property
    def field_name(self) -> str:
        return f"prompt_{self.prompt.pk}"


def attempt_get(*, public_id: Any) -> Attempt:
    try:
        return Attempt.objects.select_related("micro_credential__organization").get(
            public_id=public_id
        )
    except (Attempt.DoesNotExist, ValueError):
        raise NotFound(_("No such attempt.")) from None


def attempt_get_for_learner(*, learner: Any, public_id: Any) -> Attempt:
    attempt = attempt_get(public_id=public_id)
    if attempt.learner_id != learner.pk:
        raise NotAllowed(_("This is not your attempt."))
    return attempt


def attempt_prompts_with_answers(*, attempt: Attempt) -> list[PromptWithAnswer]:
    answers = {a.prompt_id: a for a in attempt.answers.all()}
    return [PromptWithAnswer(prompt=p, answer=answers.get(p.pk))
            for p in attempt.micro_credential.prompts.all()]


def attempts_for_learner(*, learner: Any) -> QuerySet[Attempt]:
    return Attempt.objects.filter(learner=learner).select_related(
        "micro_credential__organization"
    ).order_by("-updated_at")


def attempt_latest(*, learner: Any, micro_credential: MicroCredential) -> Attempt | None:
    if not getattr(learner, "is_authenticated", False):
        return None
    return Attempt.objects.filter(learner=learner, micro_credential=micro_credential).order_by(
        "-number").first()
