"""The authoring format, ``microcred catalog import/export``, and the served Achievement."""

from __future__ import annotations

import json
import re
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from microcred.actors import SYSTEM
from microcred.audit.models import AuditEvent
from microcred.catalog.achievement import achievement_for
from microcred.catalog.authoring_format import (
    FORMAT,
    data_from_spec,
    dump,
    parse_text,
    spec_from_data,
)
from microcred.catalog.import_export import (
    ImportFailed,
    authoring_files,
    catalog_export,
    catalog_import,
)
from microcred.catalog.models import MicroCredential
from microcred.catalog.services import micro_credential_spec
from microcred.cli import main
from microcred.errors import ValidationFailed
from microcred.issuance.models import Credential
from microcred.orgs.models import Organization, Role
from microcred.orgs.services import membership_grant
from microcred.vc import openbadges as ob
from microcred.verification.services import credential_verify
from tests.factories import organization, pass_attempt, reviewer_of, submitted_attempt, user

DOC = Path(__file__).resolve().parents[2] / "docs" / "authoring-format.md"


def doc_example() -> str:
    blocks = re.findall(r"^```yaml\n(.*?)^```", DOC.read_text("utf-8"), re.S | re.M)
    assert len(blocks) == 1
    return str(blocks[0])


def full_data(org: str, slug: str, *, status: str = "published", **changes: Any) -> dict[str, Any]:
    """A file using every field of the format."""
    data: dict[str, Any] = {
        "format": FORMAT, "organization": org, "slug": slug, "status": status,
        "title": f"Feedback that moves learning {slug}",
        "competency": "Gives feedback that a learner can act on.\nIt names the next step.",
        "key_method": "Medal and mission.", "research": "Hattie and Timperley (2007).",
        "method_components": [{"name": "Medal", "explanation": "What went well."},
                              {"name": "Mission"}],
        "citations": [{"authors": "Hattie, J.", "title": "The power of feedback", "year": 2007,
                       "source": "Review of Educational Research",
                       "url": "https://example.org/feedback"}],
        "resources": [{"kind": "video", "title": "Feedback in practice",
                       "url": "https://example.org/video", "description": "Ten minutes."}],
        "alignments": [{"target_name": "Feedback", "target_url": "https://example.org/f",
                        "target_framework": "Example", "target_code": "F.1",
                        "target_description": "Gives feedback.", "target_type": "CFItem"}],
        "parts": [
            {"title": "Overview", "kind": "overview", "instructions": "Set the scene.",
             "prompts": [{"kind": "text", "prompt": "Describe the task.", "word_limit": 300}],
             "criteria": [{"name": "Task", "pass_descriptor": "Clear.",
                           "not_yet_descriptor": "Unclear.", "guidance": "Be generous."}]},
            {"title": "Evidence", "kind": "artifacts",
             "prompts": [{"kind": "file", "prompt": "Upload feedback you gave.",
                          "max_bytes": 1000000, "accepted_kinds": ["document", "image"],
                          "allow_link": False},
                         {"kind": "text", "prompt": "Anything else?", "required": False,
                          "instructions": "Optional."}],
             "criteria": [{"name": "Next step", "pass_descriptor": "Named.",
                           "not_yet_descriptor": "Missing."}]},
        ],
        "pass_rule": "at_least", "pass_minimum": 1, "topic": "Feedback",
        "tags": ["feedback", "assessment"], "audience": "educators", "level": "advanced",
        "estimated_hours": "4.5", "credit_hours": "0.25", "ceus": "1.00", "fee": "12.50",
        "fee_currency": "EUR", "sponsor_can_cover": False, "achievement_type": "Badge",
        "badge_colour": "#123456", "badge_accent": "#abcdef",
        "translations": {"es": {
            "title": "Retroalimentación", "competency": "Da retroalimentación útil.",
            "key_method": "Medalla y misión.",
            "parts": [
                {"title": "Resumen", "instructions": "El contexto.", "prompts": ["Describa."],
                 "criteria": [{"name": "Tarea", "pass_descriptor": "Clara.",
                               "not_yet_descriptor": "Confusa."}]},
                {"title": "Evidencia", "prompts": ["Suba.", "¿Algo más?"],
                 "criteria": [{"name": "Siguiente paso", "pass_descriptor": "Nombrado.",
                               "not_yet_descriptor": "Falta."}]},
            ]}},
    }
    data.update(changes)
    return data


def write(folder: Path, name: str, data: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    text = json.dumps(data) if name.endswith(".json") else yaml.safe_dump(data, sort_keys=False,
                                                                          allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def admin(db: None) -> Any:
    """An administrator of the organization "demo-district" (which also has an author)."""
    org = organization(author=user("Author"))
    Organization.objects.filter(pk=org.pk).update(slug="demo-district")
    org.refresh_from_db()
    person = reviewer_of(org)
    person.org = org
    return person


def run_import(actor: Any, path: Path) -> Any:
    return catalog_import(actor=actor, files=authoring_files(path),
                          root=path if path.is_dir() else None)


def read_all(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# -- the format --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_field_survives_data_to_spec_to_data() -> None:
    data = full_data("demo-district", "feedback")
    authored = spec_from_data(data, where="f.yaml")
    assert authored.organization == "demo-district" and authored.status == "published"
    assert authored.spec.credit_hours == Decimal("0.25")
    assert authored.spec.parts[1].prompts[0].accepted_kinds == ("document", "image")
    again = data_from_spec(authored.spec, organization="demo-district", status="published")
    assert spec_from_data(again, where="g.yaml") == authored
    # Canonical: tags sorted; the order of the documentation; defaults left out.
    assert again["tags"] == ["assessment", "feedback"]
    assert list(again)[:5] == ["format", "organization", "slug", "status", "title"]
    assert "required" not in again["parts"][0]["prompts"][0]


@pytest.mark.django_db
def test_problems_are_keyed_by_path_and_the_message_names_the_file() -> None:
    data = full_data("demo-district", "feedback", colour="#fff", fee="abc", ceus="1.005",
                     sponsor_can_cover="no")
    data["parts"][1]["prompts"][0]["word_limit"] = "many"
    data["parts"][0]["criteria"][0]["pass_descripter"] = "typo"
    del data["title"]
    with pytest.raises(ValidationFailed) as exc:
        spec_from_data(data, where="catalog/feedback.yaml")
    problems = exc.value.problems
    assert problems["parts[1].prompts[0].word_limit"].startswith("must be a whole number")
    assert "did you mean pass_descriptor" in problems["parts[0].criteria[0].pass_descripter"]
    assert problems["title"] == "is required"
    assert "unknown field" in problems["colour"]
    assert "fee" in problems and "decimal places" in problems["ceus"]
    assert "true or false" in problems["sponsor_can_cover"]
    assert exc.value.message.startswith("catalog/feedback.yaml: 7 problems: ")


@pytest.mark.django_db
def test_content_rules_come_from_spec_problems_by_the_same_paths() -> None:
    data = full_data("demo-district", "feedback", pass_minimum=9, achievement_type="Nope")
    data["parts"][0]["prompts"][0]["word_limit"] = 0
    with pytest.raises(ValidationFailed) as exc:
        spec_from_data(data, where="x.json")
    assert "achievement_type" in exc.value.problems  # the format's own rule, checked first
    del data["achievement_type"]
    with pytest.raises(ValidationFailed) as exc:
        spec_from_data(data, where="x.json")
    assert set(exc.value.problems) == {"pass_minimum", "parts[0].prompts[0].word_limit"}


def test_syntax_errors_and_duplicate_keys_name_the_line() -> None:
    with pytest.raises(ValidationFailed, match=r"a\.yaml: not valid YAML: .*line 2"):
        parse_text("title: x\n  bad: [\n", suffix=".yaml", where="a.yaml")
    with pytest.raises(ValidationFailed, match="given twice"):
        parse_text("title: x\ntitle: y\n", suffix=".yaml", where="a.yaml")
    with pytest.raises(ValidationFailed, match="given twice"):
        parse_text('{"a": 1, "a": 2}', suffix=".json", where="a.json")
    with pytest.raises(ValidationFailed, match="not valid JSON"):
        parse_text("{", suffix=".json", where="a.json")
    # Only plain data: no Python objects from YAML tags.
    with pytest.raises(ValidationFailed):
        parse_text("!!python/object/apply:os.system ['true']", suffix=".yaml", where="a.yaml")


def test_dump_is_stable() -> None:
    data = {"format": FORMAT, "title": "Line one\nline two", "colour": "#123456", "n": "1.50"}
    text = dump(data, suffix=".yaml")
    assert "|-" in text and "'#123456'" in text
    assert dump(yaml.safe_load(text), suffix=".yaml") == text
    assert dump(json.loads(dump(data, suffix=".json")), suffix=".json") == dump(data,
                                                                                suffix=".json")


# -- import and export -------------------------------------------------------------------------


def test_the_documented_example_imports_cleanly(admin: Any, tmp_path: Path) -> None:
    path = tmp_path / "example.yaml"
    path.write_text(doc_example(), encoding="utf-8")
    report = run_import(admin, path)
    assert report.outcomes == {"checking-for-understanding": "created"}
    mc = MicroCredential.objects.get(slug="checking-for-understanding")
    assert mc.is_published and mc.pass_minimum == 1 and mc.fee == Decimal("25.00")
    assert mc.translations.get().language == "es"
    assert [p.kind for p in mc.prompts.all()] == ["text", "file", "text"]


def test_round_trip_export_import_export_is_byte_identical(admin: Any, tmp_path: Path) -> None:
    files = tmp_path / "in"
    write(files, "a.yaml", full_data("demo-district", "feedback-a"))
    write(files, "b.json", full_data("demo-district", "feedback-b", status="draft"))
    (files / "c.yaml").write_text(doc_example(), encoding="utf-8")
    run_import(admin, files)
    # A second version too: export writes the latest one.
    changed = full_data("demo-district", "feedback-a", title="Feedback, second edition")
    write(tmp_path / "v2", "a.yaml", changed)
    assert run_import(admin, tmp_path / "v2").outcomes == {"feedback-a": "new version"}
    for fmt in ("yaml", "json"):
        call_command("catalog", "export", str(tmp_path / f"first-{fmt}"), "--format", fmt)
    first = read_all(tmp_path / "first-yaml")
    assert sorted(first) == ["checking-for-understanding.yaml", "feedback-a.yaml",
                             "feedback-b.yaml"]
    assert b"title: Feedback, second edition" in first["feedback-a.yaml"]
    assert b"status: draft" in first["feedback-b.yaml"]
    # An empty catalog: import the export, export again.
    for mc in MicroCredential.objects.order_by("-version"):
        mc.delete()
    report = run_import(admin, tmp_path / "first-yaml")
    assert report.counts["created"] == 3
    catalog_export(directory=tmp_path / "second-yaml", suffix=".yaml")
    assert read_all(tmp_path / "second-yaml") == first
    # JSON the same way (into the same catalog: nothing to change).
    assert run_import(admin, tmp_path / "first-json").counts["unchanged"] == 3
    catalog_export(directory=tmp_path / "second-json", suffix=".json")
    assert read_all(tmp_path / "second-json") == read_all(tmp_path / "first-json")


def test_reimporting_unchanged_content_changes_nothing(admin: Any, tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", full_data("demo-district", "feedback-a"))
    write(tmp_path, "b.yaml", full_data("demo-district", "feedback-b", status="draft"))
    run_import(admin, tmp_path)
    rows, events = MicroCredential.objects.count(), AuditEvent.objects.count()
    stamps = list(MicroCredential.objects.values_list("updated_at", flat=True))
    # Whitespace and tag order are not changes.
    data = full_data("demo-district", "feedback-a", tags=["feedback", "assessment", "feedback"])
    data["title"] = f"  {data['title']}  "
    write(tmp_path, "a.yaml", data)
    report = run_import(admin, tmp_path)
    assert report.counts["unchanged"] == 2
    assert MicroCredential.objects.count() == rows
    assert AuditEvent.objects.count() == events
    assert list(MicroCredential.objects.values_list("updated_at", flat=True)) == stamps


def test_a_change_to_a_published_one_makes_a_new_version(admin: Any, tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", full_data("demo-district", "feedback-a"))
    run_import(admin, tmp_path)
    # Asked for as a draft: the next version is drafted and the live one stays live.
    write(tmp_path, "a.yaml", full_data("demo-district", "feedback-a", status="draft",
                                        fee="15.00"))
    assert run_import(admin, tmp_path).outcomes == {"feedback-a": "new version"}
    v1, v2 = MicroCredential.objects.filter(slug="feedback-a").order_by("version")
    assert (v1.status, v2.status, v2.fee) == ("published", "draft", Decimal("15.00"))
    # The draft changes in place; then it is published and supersedes version 1.
    write(tmp_path, "a.yaml", full_data("demo-district", "feedback-a", fee="16.00"))
    assert run_import(admin, tmp_path).outcomes == {"feedback-a": "updated"}
    v1, v2 = MicroCredential.objects.filter(slug="feedback-a").order_by("version")
    assert (v1.status, v2.status, v2.fee) == ("superseded", "published", Decimal("16.00"))
    assert micro_credential_spec(v2) == spec_from_data(
        full_data("demo-district", "feedback-a", fee="16.00"), where="x").spec
    # An unchanged draft asked to be published is published.
    write(tmp_path, "a.yaml", full_data("demo-district", "feedback-a", status="draft",
                                        fee="17.00"))
    run_import(admin, tmp_path)
    write(tmp_path, "a.yaml", full_data("demo-district", "feedback-a", fee="17.00"))
    assert run_import(admin, tmp_path).outcomes == {"feedback-a": "published"}


def test_errors_name_every_file_and_path_and_nothing_is_imported(admin: Any,
                                                                  tmp_path: Path) -> None:
    for n in range(3):
        write(tmp_path / "good", f"{n}.yaml", full_data("demo-district", f"good-{n}"))
    bad = full_data("demo-district", "bad", surprise=1)
    bad["parts"][1]["prompts"][0]["word_limit"] = "x"
    write(tmp_path / "more", "bad.yaml", bad)
    write(tmp_path / "more", "nobody.json", full_data("no-such-org", "other"))
    write(tmp_path / "more", "twice.yaml", full_data("demo-district", "good-1"))
    (tmp_path / "more" / "broken.yml").write_text("title: [", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not read", encoding="utf-8")
    with pytest.raises(ImportFailed) as exc:
        run_import(admin, tmp_path)
    problems = exc.value.problems
    assert problems["more/bad.yaml: parts[1].prompts[0].word_limit"].startswith("must be")
    assert "more/bad.yaml: surprise" in problems
    assert "no organization" in problems["more/nobody.json: organization"]
    assert "also imported by good/1.yaml" in problems["more/twice.yaml: slug"]
    assert "not valid YAML" in problems["more/broken.yml: (file)"]
    assert exc.value.message.startswith("nothing imported: 5 problems in 4 of 7 file(s)")
    assert not MicroCredential.objects.exists()


def test_a_service_refusal_rolls_everything_back(admin: Any, tmp_path: Path) -> None:
    author = admin.org.memberships.get(role="author").user
    write(tmp_path, "a.yaml", full_data("demo-district", "a", status="draft"))
    write(tmp_path, "b.yaml", full_data("demo-district", "b"))  # publishing needs an admin
    with pytest.raises(ImportFailed) as exc:
        run_import(author, tmp_path)
    assert "administrator" in exc.value.problems["b.yaml: status"]
    assert not MicroCredential.objects.exists()
    stranger = user("Stranger")
    with pytest.raises(ImportFailed) as exc:
        run_import(stranger, tmp_path / "a.yaml")
    assert not MicroCredential.objects.exists()


def test_two_hundred_files_import_in_one_command(admin: Any, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    for n in range(200):
        data = full_data("demo-district", f"mc-{n:03d}", status="published" if n % 2 else "draft")
        write(tmp_path / f"group-{n % 7}", f"mc-{n:03d}.yaml", data)
    started = time.perf_counter()
    call_command("catalog", "import", str(tmp_path), "--as", admin.email)
    elapsed = time.perf_counter() - started
    out, err = capsys.readouterr()
    with capsys.disabled():
        print(f"\nimported 200 micro-credentials in {elapsed:.1f}s")
    assert "Imported 200 file(s): 200 created, 0 updated" in out
    assert "imported 200/200" in err and "checked 100/200" in err
    assert MicroCredential.objects.count() == 200
    assert elapsed < 120  # a few seconds on an idle machine; generous for a loaded CI box
    started = time.perf_counter()
    call_command("catalog", "import", str(tmp_path), "--as", admin.email)
    assert "200 unchanged" in capsys.readouterr().out
    with capsys.disabled():
        print(f"re-imported them unchanged in {time.perf_counter() - started:.1f}s")


def test_dry_run_changes_nothing(admin: Any, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "a.yaml", full_data("demo-district", "a"))
    call_command("catalog", "import", str(tmp_path), "--as", admin.email, "--dry-run")
    assert "Would import 1 file(s): 1 created" in capsys.readouterr().out
    assert not MicroCredential.objects.exists()


def test_cli_errors_are_one_line_each_exit_1_and_no_traceback(
        admin: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = full_data("demo-district", "bad")
    bad["parts"][0]["prompts"][0]["word_limit"] = "x"
    write(tmp_path, "bad.yaml", bad)
    assert main(["catalog", "import", str(tmp_path), "--as", admin.email]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "bad.yaml: parts[0].prompts[0].word_limit: must be a whole number, not text" in err
    assert "nothing imported: 1 problem in 1 of 1 file(s)" in err
    assert main(["catalog", "import", str(tmp_path / "missing"), "--as", admin.email]) == 1
    assert "no such file or folder" in capsys.readouterr().err
    assert main(["catalog", "import", str(tmp_path), "--as", "nobody@example.test"]) == 1
    assert "no account" in capsys.readouterr().err
    assert main(["catalog", "export", str(tmp_path / "bad.yaml")]) == 1
    assert "is not a directory" in capsys.readouterr().err
    assert main(["--help"]) == 0
    assert "catalog import PATH" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("catalog", "import", str(tmp_path), "--as", admin.email)


# -- the Achievement -------------------------------------------------------------------------


def _validate(achievement: dict[str, Any]) -> list[ob.Problem]:
    """The core's validator checks an Achievement inside a credential: wrap it in one."""
    issuer = ob.profile(id="did:example:issuer", name="Issuer")
    subject = ob.achievement_subject(achievement=achievement, id="did:example:learner")
    document = ob.open_badge_credential(
        id="urn:uuid:00000000-0000-0000-0000-000000000000", issuer=issuer,
        achievement=achievement, subject=subject, valid_from="2026-01-01T00:00:00Z",
        name="x")
    return ob.validate(document)


def test_achievement_json_is_a_valid_ob3_achievement(admin: Any, tmp_path: Path,
                                                     client: Client) -> None:
    write(tmp_path, "a.yaml", full_data("demo-district", "feedback-a"))
    run_import(admin, tmp_path)
    response = client.get("/catalog/feedback-a/achievement.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    achievement = json.loads(response.content)
    assert _validate(achievement) == []
    assert achievement["id"].endswith("/catalog/feedback-a/#achievement-v1")
    assert achievement["achievementType"] == "Badge"
    assert achievement["description"].startswith("Gives feedback")
    assert achievement["fieldOfStudy"] == "Feedback" and achievement["creditsAvailable"] == 0.25
    assert achievement["tag"] == ["assessment", "feedback"]
    assert achievement["alignment"] == [{
        "type": ["Alignment"], "targetName": "Feedback", "targetUrl": "https://example.org/f",
        "targetFramework": "Example", "targetCode": "F.1", "targetDescription": "Gives feedback.",
        "targetType": "CFItem"}]
    assert [rd["name"] for rd in achievement["resultDescription"]] == ["Task", "Next step"]
    assert "Medal and mission." in achievement["criteria"]["narrative"]
    assert achievement["creator"]["name"] == admin.org.name
    assert achievement["inLanguage"] == "en" and achievement["version"] == "1"
    spanish = client.get("/catalog/feedback-a/achievement.json?lang=es",
                         HTTP_ACCEPT="application/ld+json")
    assert spanish["Content-Type"] == "application/ld+json"
    assert json.loads(spanish.content)["name"] == "Retroalimentación"
    assert json.loads(spanish.content)["inLanguage"] == "es"
    # A new version: the default follows it, ?version=1 keeps the frozen one.
    write(tmp_path, "a.yaml", full_data("demo-district", "feedback-a", title="Second"))
    run_import(admin, tmp_path)
    assert json.loads(client.get("/catalog/feedback-a/achievement.json").content)["name"] == \
        "Second"
    old = json.loads(client.get("/catalog/feedback-a/achievement.json?version=1").content)
    assert old["version"] == "1" and old["name"].startswith("Feedback that moves")


def test_drafts_and_unknown_versions_are_not_served(admin: Any, tmp_path: Path,
                                                    client: Client) -> None:
    write(tmp_path, "a.yaml", full_data("demo-district", "draft-only", status="draft"))
    run_import(admin, tmp_path)
    assert client.get("/catalog/draft-only/achievement.json").status_code == 404
    assert client.get("/catalog/draft-only/achievement.json?version=1").status_code == 404
    assert client.get("/catalog/nothing/achievement.json?version=x").status_code == 404


def test_a_credential_carries_the_catalog_achievement_and_verifies(admin: Any,
                                                                   tmp_path: Path) -> None:
    from microcred.assessment.services import pool_member_add

    write(tmp_path, "a.yaml", full_data("demo-district", "feedback-a", pass_rule="all"))
    run_import(admin, tmp_path)
    mc = MicroCredential.objects.get(slug="feedback-a")
    assessor, learner = user("Assessor"), user("Learner")
    membership_grant(actor=SYSTEM, organization=mc.organization, user=assessor,
                     role=Role.ASSESSOR)
    pool_member_add(actor=SYSTEM, micro_credential=mc, assessor=assessor)
    attempt = submitted_attempt(learner=learner, mc=mc)
    pass_attempt(assessor=assessor, attempt=attempt)
    credential = Credential.objects.get(attempt=attempt)
    document = json.loads(credential.signed_json)
    carried = document["credentialSubject"]["achievement"]
    served = achievement_for(mc, language=carried["inLanguage"])
    assert carried == served  # the issuer's key exists now: the same creator DID
    assert carried["creator"] == {k: v for k, v in document["issuer"].items()}
    results = document["credentialSubject"]["result"]
    assert [r["achievedLevel"] for r in results] == [
        rd["requiredLevel"] for rd in carried["resultDescription"]]
    assert credential_verify(data=credential.signed_json).verdict == "passed"
