from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.orgs.models import Organization


def badge_upload_to(instance: MicroCredential, filename: str) -> str:
    # Only sanitized images are stored here; the name is ours, never the uploader's.
    suffix = ".svg" if filename.lower().endswith(".svg") else ".png"
    return f"badges/{uuid.uuid4().hex}{suffix}"


class MicroCredential(models.Model):
    """One version of one competency: the evidence asked for and the rubric it is judged by.

    Every version is its own row; the versions of one micro-credential share a ``lineage``.
    Once published a version is frozen (learners and assessors rely on the rubric they saw):
    editing it means drafting the next version, and attempts and credentials keep pointing at
    the version they used. Publishing a new version supersedes the previous one, which stays
    valid for the attempts already started on it.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Replaced by a newer version")
        RETIRED = "retired", _("Retired")

    class PassRule(models.TextChoices):
        ALL = "all", _("Every criterion is Pass")
        AT_LEAST = "at_least", _("At least a set number of criteria are Pass")

    class Audience(models.TextChoices):
        EDUCATORS = "educators", _("Teachers and educators")
        LEADERS = "leaders", _("School and district leaders")
        COACHES = "coaches", _("Instructional coaches")
        HIGHER_ED = "higher_ed", _("Higher education faculty and staff")
        WORKFORCE = "workforce", _("Employees and job seekers")
        ANYONE = "anyone", _("Anyone")

    class Level(models.TextChoices):
        INTRODUCTORY = "introductory", _("Introductory")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    lineage = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)
    previous_version = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_versions"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="micro_credentials"
    )
    slug = models.SlugField(max_length=120)
    title = models.CharField(_("title"), max_length=200)
    competency = models.TextField(_("competency statement"))
    key_method = models.TextField(_("key method"))
    research = models.TextField(_("supporting research and rationale"), blank=True)
    # The language the author wrote it in; other languages are MicroCredentialTranslation rows.
    language = models.CharField(_("language"), max_length=16, default="en")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)

    pass_rule = models.CharField(_("overall Pass"), max_length=16, choices=PassRule.choices,
                                 default=PassRule.ALL)
    pass_minimum = models.PositiveIntegerField(_("criteria that must be Pass"), null=True,
                                               blank=True)

    topic = models.CharField(_("topic"), max_length=100, blank=True, db_index=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices,
                                blank=True, db_index=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, blank=True)
    estimated_hours = models.DecimalField(_("estimated hours"), max_digits=5, decimal_places=1,
                                          null=True, blank=True)
    credit_hours = models.DecimalField(_("credit hours"), max_digits=5, decimal_places=2,
                                       null=True, blank=True)
    ceus = models.DecimalField(_("continuing education units"), max_digits=5, decimal_places=2,
                               null=True, blank=True)
    fee = models.DecimalField(_("assessment fee"), max_digits=8, decimal_places=2, default=0)
    fee_currency = models.CharField(_("currency"), max_length=3, default="USD")
    sponsor_can_cover = models.BooleanField(_("a sponsor can pay the fee"), default=True)
    achievement_type = models.CharField(_("kind of achievement"), max_length=64,
                                        default="MicroCredential")
    badge_image = models.FileField(_("badge image"), upload_to=badge_upload_to, blank=True,
                                   max_length=255)
    badge_colour = models.CharField(_("badge colour"), max_length=7, default="#1d4e89")
    badge_accent = models.CharField(_("badge accent colour"), max_length=7, default="#f2b705")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # What the reviewer asked for the last time this version came back from review (kept
    # here, not in the append-only audit log: free text may name people).
    review_note = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["draft", "in_review", "published", "superseded", "retired"]),
                name="microcredential_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "in_review"])
                | models.Q(published_at__isnull=False),
                name="microcredential_published_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(pass_rule="all")  # noqa: S106 - not a password
                | models.Q(pass_minimum__gte=1),
                name="microcredential_pass_minimum_set",
            ),
            models.UniqueConstraint(fields=["lineage", "version"],
                                    name="microcredential_unique_version"),
            models.UniqueConstraint(fields=["slug", "version"],
                                    name="microcredential_unique_slug_version"),
            # At most one live version, and at most one version being written, per lineage.
            models.UniqueConstraint(fields=["lineage"], condition=models.Q(status="published"),
                                    name="microcredential_one_published"),
            models.UniqueConstraint(fields=["lineage"],
                                    condition=models.Q(status__in=["draft", "in_review"]),
                                    name="microcredential_one_open_draft"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_frozen(self) -> bool:
        """Published once: its text and rubric never change again."""
        return self.status in (self.Status.PUBLISHED, self.Status.SUPERSEDED,
                               self.Status.RETIRED)

    def passes(self, outcomes: dict[int, str]) -> bool:
        """The overall outcome from per-criterion outcomes (criterion pk -> "pass"/"not_yet")."""
        passed = sum(1 for outcome in outcomes.values() if outcome == "pass")
        if self.pass_rule == self.PassRule.AT_LEAST and self.pass_minimum:
            return passed >= self.pass_minimum
        return bool(outcomes) and passed == len(outcomes)


class Part(models.Model):
    """One part of the submission (overview questions, work examples, reflection...), holding
    its prompts and the rubric criteria that judge it."""

    class Kind(models.TextChoices):
        OVERVIEW = "overview", _("Overview questions")
        ARTIFACTS = "artifacts", _("Work examples and artifacts")
        REFLECTION = "reflection", _("Reflection")
        OTHER = "other", _("Other")

    micro_credential = models.ForeignKey(
        MicroCredential, on_delete=models.CASCADE, related_name="parts"
    )
    position = models.PositiveIntegerField()
    kind = models.CharField(_("kind of part"), max_length=16, choices=Kind.choices,
                            default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["micro_credential", "position"],
                                    name="part_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class EvidencePrompt(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Written answer")
        FILE = "file", _("File")

    class FileKind(models.TextChoices):
        IMAGE = "image", _("Images")
        DOCUMENT = "document", _("Documents")
        VIDEO = "video", _("Video")
        AUDIO = "audio", _("Audio")

    micro_credential = models.ForeignKey(
        MicroCredential, on_delete=models.CASCADE, related_name="prompts"
    )
    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="prompts", null=True,
                             blank=True)
    # Position across the whole micro-credential (parts in order, then prompts within a part).
    position = models.PositiveIntegerField()
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    prompt = models.TextField(_("prompt"))
    instructions = models.TextField(_("instructions"), blank=True)
    required = models.BooleanField(_("required"), default=True)
    word_limit = models.PositiveIntegerField(_("word limit"), null=True, blank=True)
    max_bytes = models.PositiveBigIntegerField(_("largest file"), null=True, blank=True)
    # Empty means every kind of file microcred accepts.
    accepted_kinds = models.JSONField(_("accepted kinds of file"), default=list, blank=True)
    allow_link = models.BooleanField(_("a link may replace the file"), default=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["micro_credential", "position"], name="prompt_unique_position"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["text", "file"]), name="prompt_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.prompt[:60]}"

    @property
    def label(self) -> str:
        """Where the prompt sits, as learners see it: "Part 2" or "Part 1, question 3"."""
        if self.part_id is None:
            return _("Question %(n)s") % {"n": self.position}
        siblings = [p.position for p in self.part.prompts.all()]
        if len(siblings) == 1:
            return _("Part %(n)s") % {"n": self.part.position}
        return _("Part %(part)s, question %(n)s") % {
            "part": self.part.position, "n": sorted(siblings).index(self.position) + 1}


class RubricCriterion(models.Model):
    micro_credential = models.ForeignKey(
        MicroCredential, on_delete=models.CASCADE, related_name="criteria"
    )
    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="criteria", null=True,
                             blank=True)
    position = models.PositiveIntegerField()
    name = models.CharField(_("criterion"), max_length=200)
    pass_descriptor = models.TextField(_("Pass looks like"))
    not_yet_descriptor = models.TextField(_("Not Yet looks like"))
    # For assessors only: never shown to learners or put in a credential.
    guidance = models.TextField(_("guidance for assessors"), blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["micro_credential", "position"], name="criterion_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MethodComponent(models.Model):
    """One step of the key method, in order, with a short explanation."""

    micro_credential = models.ForeignKey(
        MicroCredential, on_delete=models.CASCADE, related_name="method_components"
    )
    position = models.PositiveIntegerField()
    name = models.CharField(_("component"), max_length=200)
    explanation = models.TextField(_("explanation"), blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["micro_credential", "position"],
                                    name="method_component_unique_position"),
        ]

    def __str__(self) -> str:
        return self.name


class Citation(models.Model):
    """A reference behind the research and rationale."""

    micro_credential = models.ForeignKey(
        MicroCredential, on_delete=models.CASCADE, related_name="citations"
    )
    position = models.PositiveIntegerField()
    authors = models.CharField(_("authors"), max_length=500)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=500)
    source = models.CharField(_("published in"), max_length=300, blank=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["micro_credential", "position"],
                                    name="citation_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.authors} ({self.year or 'n.d.'}). {self.title}"


def resource_upload_to(instance: Resource, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"resources/{uuid.uuid4().hex}/resource{suffix}"


class Resource(models.Model):
    """Something to read, watch or use while learning: a link or a file."""

    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        VIDEO = "video", _("Video")
        BOOK = "book", _("Book")
        WEBSITE = "website", _("Website")
        TOOL = "tool", _("Tool or template")
        COURSE = "course", _("Course")
        FILE = "file", _("File")

    micro_credential = models.ForeignKey(
        MicroCredential, on_delete=models.CASCADE, related_name="resources"
    )
    position = models.PositiveIntegerField()
    kind = models.CharField(_("kind of resource"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    file = models.FileField(_("file"), upload_to=resource_upload_to, blank=True, max_length=255)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["micro_credential", "position"],
                                    name="resource_unique_position"),
        ]

    def __str__(self) -> str:
        return self.title


class Alignment(models.Model):
    """An alignment to a skill framework (the OB 3.0 ``Alignment``)."""

    micro_credential = models.ForeignKey(
        MicroCredential, on_delete=models.CASCADE, related_name="alignments"
    )
    position = models.PositiveIntegerField()
    target_name = models.CharField(_("name in the framework"), max_length=300)
    target_url = models.URLField(_("link"), max_length=1000)
    target_framework = models.CharField(_("framework"), max_length=300, blank=True)
    target_code = models.CharField(_("code"), max_length=100, blank=True)
    target_description = models.TextField(_("description"), blank=True)
    # An OB 3.0 AlignmentTargetType such as "ceasn:Competency" or "CFItem"; empty if unknown.
    target_type = models.CharField(_("type of target"), max_length=64, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["micro_credential", "position"],
                                    name="alignment_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.target_framework} {self.target_code} {self.target_name}".strip()


class MicroCredentialTranslation(models.Model):
    """The title, competency and key method in one more language (prompts and criteria have
    their own rows). Shown to people reading that language; credentials are issued in it."""

    micro_credential = models.ForeignKey(
        MicroCredential, on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(_("language"), max_length=16)
    title = models.CharField(_("title"), max_length=200)
    competency = models.TextField(_("competency statement"))
    key_method = models.TextField(_("key method"))

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["micro_credential", "language"],
                                    name="microcredential_translation_unique_language"),
        ]

    def __str__(self) -> str:
        return f"{self.title} [{self.language}]"


class EvidencePromptTranslation(models.Model):
    prompt_of = models.ForeignKey(EvidencePrompt, on_delete=models.CASCADE,
                                  related_name="translations")
    language = models.CharField(_("language"), max_length=16)
    prompt = models.TextField(_("prompt"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prompt_of", "language"],
                                    name="prompt_translation_unique_language"),
        ]

    def __str__(self) -> str:
        return f"{self.prompt[:60]} [{self.language}]"


class RubricCriterionTranslation(models.Model):
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.CASCADE,
                                  related_name="translations")
    language = models.CharField(_("language"), max_length=16)
    name = models.CharField(_("criterion"), max_length=200)
    pass_descriptor = models.TextField(_("Pass looks like"))
    not_yet_descriptor = models.TextField(_("Not Yet looks like"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["criterion", "language"],
                                    name="criterion_translation_unique_language"),
        ]

    def __str__(self) -> str:
        return f"{self.name} [{self.language}]"


class Stack(models.Model):
    """Micro-credentials grouped toward a larger goal, with a completion rule. Completing it
    earns its own credential, whose Achievement lists the parts."""

    class Rule(models.TextChoices):
        ALL = "all", _("All of them")
        ANY_N = "any_n", _("Any number of them, set by the issuer")
        IN_ORDER = "in_order", _("All of them, in order")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="stacks")
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    language = models.CharField(_("language"), max_length=16, default="en")
    rule = models.CharField(_("completion rule"), max_length=16, choices=Rule.choices,
                            default=Rule.ALL)
    required_count = models.PositiveIntegerField(_("how many are needed"), null=True,
                                                 blank=True)
    # An OB 3.0 achievementType: "Certificate", "Certification", "Badge", ...
    achievement_type = models.CharField(_("kind of achievement"), max_length=64,
                                        default="Certificate")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    badge_colour = models.CharField(_("badge colour"), max_length=7, default="#5b2a86")
    badge_accent = models.CharField(_("badge accent colour"), max_length=7, default="#f2b705")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=models.Q(rule__in=["all", "any_n", "in_order"]),
                                   name="stack_rule_valid"),
            models.CheckConstraint(condition=~models.Q(rule="any_n")
                                   | models.Q(required_count__gte=1),
                                   name="stack_any_n_has_count"),
            models.CheckConstraint(condition=models.Q(status="draft")
                                   | models.Q(published_at__isnull=False),
                                   name="stack_published_has_date"),
        ]

    def __str__(self) -> str:
        return self.title


class StackMember(models.Model):
    """One micro-credential in a stack. Any version of it counts (``lineage``); the row points
    at the version the stack was built with, for its title and image."""

    stack = models.ForeignKey(Stack, on_delete=models.CASCADE, related_name="members")
    position = models.PositiveIntegerField()
    micro_credential = models.ForeignKey(MicroCredential, on_delete=models.PROTECT,
                                         related_name="stack_memberships")
    lineage = models.UUIDField(db_index=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["stack", "position"],
                                    name="stack_member_unique_position"),
            models.UniqueConstraint(fields=["stack", "lineage"],
                                    name="stack_member_unique_micro_credential"),
        ]

    def __str__(self) -> str:
        return f"{self.stack}: {self.position}. {self.micro_credential}"


class PartTranslation(models.Model):
    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=16)
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["part", "language"],
                                    name="part_translation_unique_language"),
        ]

    def __str__(self) -> str:
        return f"{self.title} [{self.language}]"
