"""Demo content written as a real issuer would: a teacher professional-learning organization.

Everything goes through the same services the site uses, so the demo is a real journey: the
held credential was submitted, assessed and signed, not inserted.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from microcred.accounts.models import User
from microcred.assessment.models import Appeal, CalibrationAnchor
from microcred.assessment.services import (
    ScoreInput,
    appeal_create,
    assessment_record,
    calibration_anchor_create,
    calibration_record,
    pool_member_add,
)
from microcred.catalog.models import MicroCredential
from microcred.catalog.services import (
    CriterionSpec,
    PromptSpec,
    micro_credential_create,
    micro_credential_publish,
    micro_credential_translate,
)
from microcred.earning.models import Attempt
from microcred.earning.services import attempt_save_draft, attempt_start, attempt_submit
from microcred.orgs.models import Organization, Role
from microcred.orgs.services import membership_grant, organization_create

DEMO_PASSWORD = "microcred-demo"  # noqa: S105 - printed to the person running the demo

ORG = {
    "slug": "riverbend-teaching-collaborative",
    "name": "Riverbend Teaching Collaborative",
    "url": "https://riverbend-teaching.example.org",
    "description": "A regional network of schools that recognizes classroom practice through "
                   "competency-based micro-credentials.",
}

PEOPLE = [
    ("admin", "Administrator (site and organization)", "admin@demo.microcred.test", "Ada Okafor"),
    ("author", "Author", "author@demo.microcred.test", "Priya Raman"),
    ("assessor", "Assessor", "assessor@demo.microcred.test", "Daniel Brooks"),
    ("learner1", "Learner holding a credential", "maya.chen@demo.microcred.test", "Maya Chen"),
    ("learner2", "Learner with a Not Yet to resubmit", "jordan.ellis@demo.microcred.test",
     "Jordan Ellis"),
    ("lead", "Lead assessor (adjudicates moderation disagreements)",
     "lead@demo.microcred.test", "Grace Mensah"),
    ("assessor2", "Assessor (qualified; moderates and reviews appeals)",
     "assessor2@demo.microcred.test", "Luis Ortega"),
    ("trainee", "New assessor, mid-calibration", "trainee@demo.microcred.test", "Hana Sato"),
    ("learner3", "Learner with an overdue submission", "sam.okoro@demo.microcred.test",
     "Sam Okoro"),
    ("learner4", "Learner who appealed a Not Yet", "ines.duarte@demo.microcred.test",
     "Inés Duarte"),
]

MICRO_CREDENTIALS = [
    {
        "slug": "formative-assessment-checking-for-understanding",
        "title": "Formative Assessment: Checking for Understanding",
        "competency": "The educator plans and uses checks for understanding during a lesson, "
                      "interprets the evidence in the moment, and adjusts instruction in "
                      "response.",
        "key_method": "The educator embeds at least three planned checks for understanding "
                      "(for example hinge questions, whiteboard responses, exit tickets) at "
                      "decision points in a lesson, collects responses from every student, and "
                      "makes and explains an instructional adjustment based on what the "
                      "responses show.",
        "prompts": [
            PromptSpec("text", "Describe the lesson: grade, subject, learning goal, and where "
                               "each check for understanding sat in the lesson and why."),
            PromptSpec("file", "Upload the lesson plan or slides with the checks for "
                               "understanding marked."),
            PromptSpec("text", "Reflect: what did the student responses show, what did you "
                               "change in the moment, and what happened as a result?"),
        ],
        "criteria": [
            CriterionSpec("Planned checks at decision points",
                          "At least three checks are planned at points where the response "
                          "changes what the teacher does next.",
                          "Checks are missing, fewer than three, or placed where the response "
                          "could not change instruction."),
            CriterionSpec("Evidence from every student",
                          "Each check gathers a response from every student (not only "
                          "volunteers).",
                          "Checks rely on volunteers or a few students' answers."),
            CriterionSpec("Instructional adjustment",
                          "The reflection names a specific adjustment made because of the "
                          "evidence and its effect on learning.",
                          "No adjustment is described, or it is not connected to the evidence."),
        ],
    },
    {
        "slug": "academic-discourse-structured-student-talk",
        "title": "Academic Discourse: Structured Student Talk",
        "competency": "The educator structures student-to-student academic conversation so "
                      "that every student uses evidence and builds on the ideas of others.",
        "key_method": "The educator teaches and uses a discussion protocol (such as accountable "
                      "talk stems or a structured academic controversy) with explicit roles, "
                      "sentence frames and norms, and monitors participation.",
        "prompts": [
            PromptSpec("text", "Describe the protocol you used, how you introduced it, and the "
                               "supports (roles, frames, norms) students had."),
            PromptSpec("file", "Upload a transcript or annotated recording notes of one "
                               "student discussion (about 10 minutes)."),
            PromptSpec("text", "Reflect on participation: who talked, how students used "
                               "evidence, and what you would change next time."),
        ],
        "criteria": [
            CriterionSpec("Protocol and supports",
                          "A named protocol with roles, frames and norms is taught explicitly.",
                          "Students are asked to discuss without a structure or supports."),
            CriterionSpec("Use of evidence",
                          "The transcript shows students citing evidence for their claims.",
                          "Claims in the transcript are mostly unsupported opinions."),
            CriterionSpec("Equitable participation",
                          "Participation data is analysed and a concrete next step addresses "
                          "who did not talk.",
                          "Participation is not analysed, or no next step is proposed."),
        ],
    },
    {
        "slug": "feedback-that-moves-learning-forward",
        "title": "Feedback That Moves Learning Forward",
        "competency": "The educator gives students task-focused feedback tied to success "
                      "criteria and provides time for students to act on it.",
        "key_method": "The educator shares success criteria, writes feedback that names where "
                      "the work is against them and one next step, and plans class time for "
                      "revision.",
        "prompts": [
            PromptSpec("file", "Upload three samples of student work with your feedback "
                               "(remove student names)."),
            PromptSpec("text", "Explain the success criteria and how your feedback on each "
                               "sample points to a next step."),
            PromptSpec("text", "Describe how students used the feedback and what changed in "
                               "their revised work.", required=False),
        ],
        "criteria": [
            CriterionSpec("Tied to success criteria",
                          "Every feedback comment refers to a shared success criterion.",
                          "Feedback is general praise or not connected to criteria."),
            CriterionSpec("Actionable next step",
                          "Each sample has one clear next step the student can act on.",
                          "Next steps are missing, vague, or too many to act on."),
        ],
    },
]

FORMATIVE_ANSWERS = {
    1: "Grade 7 mathematics, proportional reasoning. Goal: students decide whether two "
       "quantities are in a proportional relationship from a table. Check 1 (minute 8) is a "
       "hinge question after the worked example: four tables, which one is proportional? "
       "Students answer on mini whiteboards. Check 2 (minute 20) is a thumbs-to-chest "
       "confidence check plus one graph to classify. Check 3 is a two-question exit ticket.",
    3: "On the hinge question 11 of 28 students chose table C, which adds a constant instead "
       "of multiplying. I stopped the planned practice and ran a quick contrast: tables B and "
       "C side by side, students explained to a partner which one keeps the ratio constant. "
       "On the exit ticket 25 of 28 classified both tables correctly.",
}
LESSON_PLAN = (
    b"Lesson plan: proportional relationships (Grade 7)\n"
    b"Check 1 (hinge, min 8): which table is proportional? A/B/C/D on whiteboards.\n"
    b"Check 2 (min 20): classify one graph; confidence thumbs.\n"
    b"Check 3 (exit ticket): two tables, explain your reasoning.\n"
)

# The Spanish text of the first micro-credential: the demo shows a catalog read, and a
# credential issued, in the learner's language.
SPANISH = {
    "formative-assessment-checking-for-understanding": {
        "title": "Evaluación formativa: comprobar la comprensión",
        "competency": "El docente planifica y usa comprobaciones de la comprensión durante una "
                      "clase, interpreta la evidencia en el momento y ajusta la enseñanza en "
                      "consecuencia.",
        "key_method": "El docente incorpora al menos tres comprobaciones de la comprensión "
                      "planificadas (por ejemplo preguntas bisagra, respuestas en pizarras "
                      "individuales, tickets de salida) en momentos de decisión de una clase, "
                      "recoge las respuestas de todo el alumnado y realiza y explica un ajuste "
                      "de la enseñanza basado en lo que muestran las respuestas.",
        "prompts": {
            1: "Describe la clase: curso, materia, objetivo de aprendizaje, y dónde se situó "
               "cada comprobación de la comprensión y por qué.",
            2: "Sube la planificación de la clase o las diapositivas con las comprobaciones de "
               "la comprensión señaladas.",
            3: "Reflexiona: ¿qué mostraron las respuestas del alumnado, qué cambiaste en el "
               "momento y qué ocurrió como resultado?",
        },
        "criteria": {
            1: CriterionSpec("Comprobaciones planificadas en momentos de decisión",
                             "Hay al menos tres comprobaciones planificadas en momentos en que "
                             "la respuesta cambia lo que el docente hace a continuación.",
                             "Faltan comprobaciones, hay menos de tres, o están donde la "
                             "respuesta no podría cambiar la enseñanza."),
            2: CriterionSpec("Evidencia de todo el alumnado",
                             "Cada comprobación recoge una respuesta de cada estudiante (no "
                             "solo de voluntarios).",
                             "Las comprobaciones dependen de voluntarios o de las respuestas "
                             "de unos pocos estudiantes."),
            3: CriterionSpec("Ajuste de la enseñanza",
                             "La reflexión nombra un ajuste concreto hecho a partir de la "
                             "evidencia y su efecto en el aprendizaje.",
                             "No se describe ningún ajuste, o no está conectado con la "
                             "evidencia."),
        },
    },
}


def _user(email: str, name: str, *, superuser: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        if superuser:
            user = User.objects.create_superuser(email, DEMO_PASSWORD, display_name=name)
        else:
            user = User.objects.create_user(email, DEMO_PASSWORD, display_name=name)
    return user


def _texts(mc: MicroCredential, answers: dict[int, str]) -> dict[int, str]:
    return {p.pk: answers[p.position] for p in mc.prompts.all() if p.position in answers}


def _file_prompt(mc: MicroCredential) -> dict[int, SimpleUploadedFile]:
    p = mc.prompts.get(kind="file")
    return {p.pk: SimpleUploadedFile("lesson-plan.txt", LESSON_PLAN, "text/plain")}


def load_demo() -> list[tuple[str, str]]:
    """Create what is missing; running it twice changes nothing the second time."""
    with transaction.atomic():
        users = {key: _user(email, name, superuser=(key == "admin"))
                 for key, _role, email, name in PEOPLE}
        org = Organization.objects.filter(slug=ORG["slug"]).first()
        if org is None:
            org = organization_create(actor=users["admin"], **ORG)
        membership_grant(actor=users["admin"], organization=org, user=users["admin"],
                         role=Role.ADMIN)
        membership_grant(actor=users["admin"], organization=org, user=users["author"],
                         role=Role.AUTHOR)
        for key in ("assessor", "lead", "assessor2", "trainee"):
            membership_grant(actor=users["admin"], organization=org, user=users[key],
                             role=Role.ASSESSOR)
        mcs = {}
        for spec in MICRO_CREDENTIALS:
            mc = MicroCredential.objects.filter(slug=spec["slug"]).first()
            if mc is None:
                mc = micro_credential_create(actor=users["author"], organization=org, **spec)
            if not mc.is_published and spec["slug"] in SPANISH:
                micro_credential_translate(actor=users["author"], micro_credential_id=mc.pk,
                                           language="es", **SPANISH[spec["slug"]])
            if not mc.is_published:
                mc = micro_credential_publish(actor=users["admin"], micro_credential_id=mc.pk)
            mcs[spec["slug"]] = mc

    formative = mcs["formative-assessment-checking-for-understanding"]
    criteria = list(formative.criteria.all())
    _pools_and_calibration(users, mcs)
    # Maya: submitted, passed on every criterion, credential issued.
    if not Attempt.objects.filter(learner=users["learner1"], micro_credential=formative).exists():
        attempt = attempt_start(learner=users["learner1"], micro_credential=formative)
        attempt_save_draft(learner=users["learner1"], attempt_id=attempt.pk,
                           texts=_texts(formative, FORMATIVE_ANSWERS),
                           files=_file_prompt(formative))
        attempt_submit(learner=users["learner1"], attempt_id=attempt.pk)
        assessment_record(
            assessor=users["assessor"], attempt_id=attempt.pk,
            scores={c.pk: ScoreInput("pass", "Clear evidence against this criterion.")
                    for c in criteria},
            summary="Strong, well-evidenced submission: the hinge question did its job.",
        )
    # Jordan: submitted, Not Yet on the adjustment criterion, waiting to resubmit.
    if not Attempt.objects.filter(learner=users["learner2"], micro_credential=formative).exists():
        attempt = attempt_start(learner=users["learner2"], micro_credential=formative)
        attempt_save_draft(
            learner=users["learner2"], attempt_id=attempt.pk,
            texts=_texts(formative, {
                1: "Grade 4 reading, main idea. I used three exit tickets across the week.",
                3: "Most students got the exit tickets right so I moved on to the next unit.",
            }),
            files=_file_prompt(formative),
        )
        attempt_submit(learner=users["learner2"], attempt_id=attempt.pk)
        scores = {c.pk: ScoreInput("pass") for c in criteria}
        scores[criteria[0].pk] = ScoreInput(
            "not_yet", "All three checks are exit tickets at the end of lessons, so none of "
                       "them could change what you did during the lesson. Add a check at a "
                       "decision point mid-lesson, such as a hinge question.")
        scores[criteria[2].pk] = ScoreInput(
            "not_yet", "Describe a specific adjustment you made because of what the responses "
                       "showed, and what happened after it.")
        assessment_record(assessor=users["assessor"], attempt_id=attempt.pk, scores=scores)
    _overdue_and_appeal(users, formative)
    return [(role, email) for _key, role, email, _name in PEOPLE]


def _pools_and_calibration(users: dict[str, User], mcs: dict[str, MicroCredential]) -> None:
    """Pools: the assessors qualified everywhere (Grace leads); the discourse micro-credential
    has calibration samples and Hana is part-way through them."""
    from microcred.earning.models import PromptRule
    from microcred.earning.services import prompt_rule_set

    discourse = mcs["academic-discourse-structured-student-talk"]
    with transaction.atomic():
        for mc in mcs.values():  # written answers have word limits (counted as you type)
            for prompt in mc.prompts.filter(kind="text"):
                if not PromptRule.objects.filter(prompt=prompt).exists():
                    prompt_rule_set(actor=None, prompt=prompt, word_limit=400)
        for mc in mcs.values():
            if mc.slug != discourse.slug or not discourse.calibration_anchors.exists():
                pool_member_add(actor=None, micro_credential=mc, assessor=users["assessor"])
                pool_member_add(actor=None, micro_credential=mc, assessor=users["assessor2"])
                pool_member_add(actor=None, micro_credential=mc, assessor=users["lead"],
                                is_lead=True)
        if not discourse.calibration_anchors.exists():
            c = list(discourse.criteria.all())
            for title, evidence, outcomes in ANCHORS:
                calibration_anchor_create(
                    actor=None, micro_credential=discourse, title=title, evidence=evidence,
                    expected={c[i].pk: o for i, o in enumerate(outcomes)})
        member = pool_member_add(actor=None, micro_credential=discourse,
                                 assessor=users["trainee"])
        first = CalibrationAnchor.objects.filter(micro_credential=discourse, position=1).first()
        if member.status == "calibrating" and first is not None and not first.scores.filter(
                assessor=users["trainee"]).exists():
            expected = {int(k): v for k, v in first.expected_outcomes.items()}
            calibration_record(assessor=users["trainee"], anchor_id=first.pk, scores=expected)


ANCHORS = [
    ("Sample A: fishbowl debate, Grade 8 history",
     "Protocol: structured academic controversy with roles (reader, recorder, challenger) and "
     "sentence frames posted. Transcript: students cite the primary sources by line. Reflection: "
     "tallied talk turns; four quiet students get the challenger role next time.",
     ["pass", "pass", "pass"]),
    ("Sample B: open discussion, Grade 5 science",
     "Students were asked to discuss whether plants need soil. No roles or frames. Transcript: "
     "'I think yes because my mom's plants do.' Reflection: 'it went well, lots of talking'.",
     ["not_yet", "not_yet", "not_yet"]),
    ("Sample C: think-pair-share, Grade 10 English",
     "Think-pair-share with frames ('I agree with ... because the text says ...'). Transcript "
     "shows quotations used. Reflection does not look at who spoke.",
     ["pass", "pass", "not_yet"]),
]


def _overdue_and_appeal(users: dict[str, User], formative: MicroCredential) -> None:
    """Sam's submission is past its deadline (set back in time, as if submitted weeks ago);
    Inés appealed a Not Yet, and the appeal waits for a different assessor."""
    from datetime import timedelta

    from django.utils import timezone

    if not Attempt.objects.filter(learner=users["learner3"], micro_credential=formative).exists():
        attempt = attempt_start(learner=users["learner3"], micro_credential=formative)
        attempt_save_draft(learner=users["learner3"], attempt_id=attempt.pk,
                           texts=_texts(formative, FORMATIVE_ANSWERS),
                           files=_file_prompt(formative))
        attempt_submit(learner=users["learner3"], attempt_id=attempt.pk)
        weeks_ago = timezone.now() - timedelta(days=25)
        Attempt.objects.filter(pk=attempt.pk).update(
            submitted_at=weeks_ago, decision_due_at=timezone.now() - timedelta(days=5))
    if not Attempt.objects.filter(learner=users["learner4"], micro_credential=formative).exists():
        attempt = attempt_start(learner=users["learner4"], micro_credential=formative)
        attempt_save_draft(learner=users["learner4"], attempt_id=attempt.pk,
                           texts=_texts(formative, FORMATIVE_ANSWERS),
                           files=_file_prompt(formative))
        attempt_submit(learner=users["learner4"], attempt_id=attempt.pk)
        holder = attempt.assignments.filter(status="active").first()
        criteria = list(formative.criteria.all())
        scores = {c.pk: ScoreInput("pass") for c in criteria}
        scores[criteria[1].pk] = ScoreInput(
            "not_yet", "The responses shown come from volunteers only.")
        assessment_record(assessor=holder.assessor if holder else users["assessor"],
                          attempt_id=attempt.pk, scores=scores)
        attempt.refresh_from_db()
        if attempt.status == "not_yet" and not Appeal.objects.filter(attempt=attempt).exists():
            appeal_create(learner=users["learner4"], attempt_id=attempt.pk,
                          reason="Every student answered on mini whiteboards; the photo of the "
                                 "class set is on page 2 of the plan.")
