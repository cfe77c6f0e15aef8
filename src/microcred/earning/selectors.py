from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.accounts.selectors import signed_in
from microcred.catalog.models import EvidencePrompt, MicroCredential
from microcred.earning.models import Answer, Attempt, EarningPolicy
from microcred.errors import NotAllowed, NotFound


@dataclass(frozen=True)
class PromptWithAnswer:
    prompt: EvidencePrompt
    answer: Answer | None
    file_url: str = ""  # a short-lived signed link for this viewer

    @property
    def word_limit(self) -> int | None:
        return self.prompt.word_limit

    @property
    def link_field_name(self) -> str:
        return f"link_{self.prompt.pk}"

    @property
    def field_name(self) -> str:
        return f"prompt_{self.prompt.pk}"


def attempt_get(*, public_id: UUID | str) -> Attempt:
    try:
        return Attempt.objects.select_related("micro_credential__organization").get(
            public_id=public_id
        )
    except (Attempt.DoesNotExist, ValueError):
        raise NotFound(_("No such attempt.")) from None


def attempt_get_for_learner(*, learner: User, public_id: UUID | str) -> Attempt:
    attempt = attempt_get(public_id=public_id)
    if attempt.learner_id != learner.pk:
        raise NotAllowed(_("This is not your attempt."))
    return attempt


EVIDENCE_SALT = "microcred.earning.evidence"


def evidence_token(*, answer: Answer, viewer: User) -> str:
    """A signed token naming the answer and the viewer; it expires after
    ``EVIDENCE_LINK_MAX_AGE`` seconds, so a copied link stops working soon."""
    return signing.dumps({"a": answer.pk, "u": viewer.pk}, salt=EVIDENCE_SALT, compress=True)


def evidence_token_read(*, token: str, viewer: User) -> Answer:
    try:
        data = signing.loads(token, salt=EVIDENCE_SALT,
                             max_age=settings.EVIDENCE_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise NotAllowed(_("This link has expired. Go back and open the file again."),
                         code="link_expired") from None
    except signing.BadSignature:
        raise NotFound(_("No such file.")) from None
    if data.get("u") != viewer.pk:
        raise NotAllowed(_("This link was made for someone else."), code="link_not_yours")
    answer = Answer.objects.select_related("attempt__micro_credential__organization").filter(
        pk=data.get("a")).exclude(file="").first()
    if answer is None:
        raise NotFound(_("No such file."))
    return answer


def attempt_prompts_with_answers(*, attempt: Attempt,
                                 viewer: User | None = None) -> list[PromptWithAnswer]:
    answers = {a.prompt_id: a for a in attempt.answers.all()}
    items = []
    for p in attempt.micro_credential.prompts.select_related("part").prefetch_related(
            "translations", "part__translations"):
        answer = answers.get(p.pk)
        url = ""
        if viewer is not None and answer is not None and answer.file:
            url = reverse("assessment:evidence_signed",
                          kwargs={"token": evidence_token(answer=answer, viewer=viewer)})
        items.append(PromptWithAnswer(prompt=p, answer=answer, file_url=url))
    return items


def attempts_for_learner(*, learner: User) -> QuerySet[Attempt]:
    return Attempt.objects.filter(learner=learner).select_related(
        "micro_credential__organization"
    ).order_by("-updated_at")


def attempt_latest(*, learner: User | AnonymousUser,
                   micro_credential: MicroCredential) -> Attempt | None:
    if not signed_in(learner):
        return None
    return Attempt.objects.filter(learner=learner, micro_credential=micro_credential).order_by(
        "-number").first()


def policy_get(*, micro_credential: MicroCredential) -> EarningPolicy:
    """The micro-credential's attempt limit and the like: its row, or the defaults (an unsaved
    row) while nobody changed them. Reading writes nothing; ``services.attempt_limit_set``
    creates the row when an administrator saves."""
    return (EarningPolicy.objects.filter(micro_credential=micro_credential).first()
            or EarningPolicy(micro_credential=micro_credential))
