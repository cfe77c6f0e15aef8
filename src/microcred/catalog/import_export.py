"""Import and export of the catalog as authoring files (docs/authoring-format.md).

``catalog_import`` reads every file first and refuses them all if any is wrong (each problem
named by file and path); then, in one transaction, it creates, updates or versions each
micro-credential through the catalog's own services, so every change is permitted by the acting
person's roles and audited as if made on the authoring pages. A micro-credential is identified by
its slug; content equal to what is stored (``micro_credential_spec``) is left alone, so
importing the same files twice changes nothing. ``catalog_export`` writes one file per
micro-credential (its latest version), which ``catalog_import`` reads back unchanged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from microcred.actors import Actor
from microcred.catalog.authoring_format import (
    SUFFIXES,
    Authored,
    data_from_spec,
    dump,
    load_file,
)
from microcred.catalog.models import MicroCredential
from microcred.catalog.services import (
    micro_credential_new_version,
    micro_credential_publish,
    micro_credential_return_to_draft,
    micro_credential_spec,
    micro_credential_write,
)
from microcred.errors import MicrocredError, NotFound, ValidationFailed
from microcred.orgs.models import Organization, Role
from microcred.orgs.selectors import has_role
from microcred.web.database import refresh_planner_statistics

__all__ = ["ImportFailed", "ImportReport", "authoring_files", "catalog_export",
           "catalog_import"]

#: What importing one file did to its micro-credential.
CREATED, UPDATED, NEW_VERSION, PUBLISHED, UNCHANGED = (
    "created", "updated", "new version", "published", "unchanged")

Progress = Callable[[str, int, int], None]


class ImportFailed(ValidationFailed):
    """Nothing was imported; ``problems`` maps ``"<file>: <path>"`` to what is wrong there."""

    code = "import_failed"


@dataclass
class ImportReport:
    outcomes: dict[str, str] = field(default_factory=dict)  # slug -> CREATED, UPDATED, ...

    @property
    def counts(self) -> Counter[str]:
        return Counter(self.outcomes.values())

    def summary(self) -> str:
        counts = self.counts
        return ", ".join(f"{counts[k]} {k}" for k in (CREATED, UPDATED, NEW_VERSION, PUBLISHED,
                                                       UNCHANGED))


def authoring_files(path: Path) -> list[Path]:
    """``path`` itself, or every authoring file under the folder ``path``, sorted by path."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise NotFound(f"{path}: no such file or folder")
    files = sorted(p for p in path.rglob("*")
                   if p.suffix.lower() in SUFFIXES and p.is_file()
                   and not any(part.startswith(".") for part in p.relative_to(path).parts))
    if not files:
        raise ValidationFailed(f"{path}: no .json, .yaml or .yml files here")
    return files


def _check_all(actor: Actor, files: list[Path], root: Path | None,
               progress: Progress | None) -> tuple[list[tuple[str, Authored]], dict[str, str]]:
    problems: dict[str, str] = {}
    loaded: list[tuple[str, Authored]] = []
    for n, path in enumerate(files, 1):
        where = str(path.relative_to(root)) if root is not None else str(path)
        try:
            loaded.append((where, load_file(path, where=where)))
        except ValidationFailed as exc:
            problems.update({f"{where}: {p}": m for p, m in exc.problems.items()}
                            or {f"{where}: (file)": exc.message})
        if progress is not None:
            progress("checked", n, len(files))
    organizations = {o.slug: o for o in Organization.objects.filter(
        slug__in={a.organization for _w, a in loaded})}
    owners = dict(MicroCredential.objects.filter(
        slug__in={a.spec.slug for _w, a in loaded}).values_list("slug", "organization__slug"))
    seen: dict[str, str] = {}
    may: dict[tuple[str, str], bool] = {}
    for where, authored in loaded:
        slug, org = authored.spec.slug, organizations.get(authored.organization)
        if slug in seen:
            problems[f"{where}: slug"] = f"{slug} is also imported by {seen[slug]}"
        seen.setdefault(slug, where)
        if org is None:
            problems[f"{where}: organization"] = f"no organization {authored.organization!r}"
            continue
        if owners.get(slug, org.slug) != org.slug:
            problems[f"{where}: slug"] = (f"{slug} belongs to another organization "
                                          f"({owners[slug]})")
        key = (org.slug, authored.status)
        if key not in may:
            may[key] = (has_role(actor, org, Role.ADMIN) if authored.status == "published"
                        else has_role(actor, org, Role.AUTHOR, Role.ADMIN))
        if not may[key]:
            problems[f"{where}: status" if authored.status == "published"
                     else f"{where}: organization"] = (
                f"{getattr(actor, 'email', 'nobody')} is not an administrator of {org.slug}, "
                "who alone may publish" if authored.status == "published"
                else f"{getattr(actor, 'email', 'nobody')} is not an author of {org.slug}")
    return loaded, problems


def _apply(actor: Actor, org: Organization, authored: Authored) -> str:
    spec, publish = authored.spec, authored.status == "published"
    latest = MicroCredential.objects.filter(slug=spec.slug).order_by("-version").first()
    if latest is None:
        mc = micro_credential_write(actor=actor, organization=org, spec=spec)
        if publish:
            micro_credential_publish(actor=actor, micro_credential_id=mc.pk)
        return CREATED
    same = micro_credential_spec(latest) == spec
    if latest.is_frozen:
        # Published once: the text learners and assessors rely on never changes; a change
        # is the next version (and a file asking for a draft leaves the live one alone).
        if same:
            return UNCHANGED
        draft = micro_credential_new_version(actor=actor, micro_credential_id=latest.pk)
        micro_credential_write(actor=actor, organization=org, spec=spec,
                               micro_credential_id=draft.pk)
        if publish:
            micro_credential_publish(actor=actor, micro_credential_id=draft.pk)
        return NEW_VERSION
    outcome = UNCHANGED
    if not same:
        if latest.status == MicroCredential.Status.IN_REVIEW:
            micro_credential_return_to_draft(actor=actor, micro_credential_id=latest.pk,
                                             note="changed by an import")
        micro_credential_write(actor=actor, organization=org, spec=spec,
                               micro_credential_id=latest.pk)
        outcome = UPDATED
    if publish:
        micro_credential_publish(actor=actor, micro_credential_id=latest.pk)
        outcome = UPDATED if outcome == UPDATED else PUBLISHED
    return outcome


class _DryRun(Exception):  # noqa: N818 - control flow, never seen outside this module
    pass


def catalog_import(*, actor: Actor, files: Iterable[Path], root: Path | None = None,
                   dry_run: bool = False, progress: Progress | None = None) -> ImportReport:
    """Import authoring files, all or nothing (``ImportFailed`` lists every problem).

    ``actor`` writes everything (an author or administrator of each file's organization; only
    an administrator publishes). ``root`` shortens file names in messages; ``dry_run`` does
    all the work and then rolls it back, to see what an import would do.
    """
    files = list(files)
    loaded, problems = _check_all(actor, files, root, progress)
    if problems:
        raise _failure(problems, len(files))
    organizations = {o.slug: o for o in Organization.objects.filter(
        slug__in={a.organization for _w, a in loaded})}
    report = ImportReport()
    try:
        with transaction.atomic():
            for n, (where, authored) in enumerate(loaded, 1):
                try:
                    report.outcomes[authored.spec.slug] = _apply(
                        actor, organizations[authored.organization], authored)
                except ValidationFailed as exc:
                    problems.update({f"{where}: {p}": m for p, m in exc.problems.items()}
                                    or {f"{where}: (file)": exc.message})
                except MicrocredError as exc:
                    problems[f"{where}: (file)"] = exc.message
                if progress is not None:
                    progress("imported", n, len(loaded))
            if problems:
                raise _failure(problems, len(files))
            if dry_run:
                raise _DryRun
    except _DryRun:
        return report
    refresh_planner_statistics()
    return report


def _failure(problems: dict[str, str], total: int) -> ImportFailed:
    files = len({key.split(": ", 1)[0] for key in problems})
    noun = "problem" if len(problems) == 1 else "problems"
    return ImportFailed(
        f"nothing imported: {len(problems)} {noun} in {files} of {total} file(s)",
        problems=problems)


def _status(mc: MicroCredential) -> str:
    return "draft" if mc.status in (MicroCredential.Status.DRAFT,
                                    MicroCredential.Status.IN_REVIEW) else "published"


def catalog_export(*, directory: Path, suffix: str = ".yaml",
                   organization: str | None = None) -> list[Path]:
    """Write ``<slug><suffix>`` for the latest version of every micro-credential (of one
    organization, if given); a retired one is written as published, its status when live."""
    if suffix not in SUFFIXES:
        raise ValidationFailed(f"cannot write {suffix} files; use .json or .yaml")
    versions = MicroCredential.objects.select_related("organization").order_by(
        "lineage", "-version")
    if organization is not None:
        if not Organization.objects.filter(slug=organization).exists():
            raise NotFound(f"no organization {organization!r}")
        versions = versions.filter(organization__slug=organization)
    latest: dict[Any, MicroCredential] = {}
    for mc in versions:
        latest.setdefault(mc.lineage, mc)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for mc in sorted(latest.values(), key=lambda m: m.slug):
        data = data_from_spec(micro_credential_spec(mc), organization=mc.organization.slug,
                              status=_status(mc))
        path = directory / f"{mc.slug}{suffix}"
        path.write_bytes(dump(data, suffix=suffix).encode("utf-8"))
        written.append(path)
    return written
