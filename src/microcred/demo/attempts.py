"""The learners' side of the demo: submissions with their evidence, and what assessors
decided: Maya holds two of the stack's three credentials, Jordan has a Not Yet to resubmit and
work in review at Lakeshore, Sam's submission is overdue, Inés appealed a Not Yet."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from microcred.accounts.models import User
from microcred.assessment.models import Appeal
from microcred.assessment.services import ScoreInput, appeal_create, assessment_record
from microcred.catalog.models import MicroCredential
from microcred.earning.models import Attempt
from microcred.earning.services import attempt_save_draft, attempt_start, attempt_submit

FORMATIVE = "formative-assessment-checking-for-understanding"
SUCCESS_CRITERIA = "learning-intentions-and-success-criteria"
RETRIEVAL = "retrieval-practice-for-long-term-learning"

# Written answers by the prompt's position across the whole micro-credential.
FORMATIVE_ANSWERS = {
    1: "Grade 7 mathematics, 28 students. Goal: students decide whether two quantities are in "
       "a proportional relationship from a table. They had met ratios and unit rates, but "
       "not yet tables of values.",
    2: "Check 1 (minute 8) is a hinge question after the worked example: four tables, which "
       "one is proportional? Students answer on mini whiteboards. Check 2 (minute 20) is a "
       "thumbs-to-chest confidence check plus one graph to classify. Check 3 is a two-question "
       "exit ticket.",
    5: "On the hinge question 11 of 28 students chose table C, which adds a constant instead "
       "of multiplying. I stopped the planned practice and ran a quick contrast: tables B and "
       "C side by side, students explained to a partner which one keeps the ratio constant. "
       "On the exit ticket 25 of 28 classified both tables correctly.",
}
SUCCESS_CRITERIA_ANSWERS = {
    1: "Grade 7 English, 28 students. Learning intention: 'We are learning to use evidence "
       "from a text to persuade a reader.' The task was a letter to the city council about the "
       "library's opening hours.",
    2: "I showed three anonymous letters from last year and asked pairs which was most "
       "persuasive and why. From their answers we wrote four criteria: a clear position, at "
       "least two pieces of evidence from the article, an explanation of how each piece "
       "supports the position, and a counter-argument answered. Students ticked each "
       "criterion on their draft before the peer check.",
    5: "Compared with the same task last year, far more letters used evidence from the "
       "article: 22 of 28 used two pieces or more, against about half last year. The "
       "counter-argument criterion was the weakest; next time I will add a sample that "
       "handles one well.",
}
RETRIEVAL_ANSWERS = {
    1: "Grade 9 biology, two classes of 30. I chose the cell organelles and their functions "
       "and the stages of mitosis: the genetics unit that follows depends on both, and last "
       "year's students had forgotten most of them by then.",
    2: "Five retrievals over four weeks (days 1, 3, 8, 15 and 26 after teaching): two brain "
       "dumps, two five-question quizzes and one diagram to label from memory. None was "
       "graded. After each, students marked their own answers in green pen against the "
       "answers on the board, and we discussed the two most-missed questions.",
    5: "Organelle functions stuck after the third retrieval, but the order of the stages of "
       "mitosis did not: under half of students had it right on day 15. I re-taught it with a "
       "card-sort and added it to the day 26 quiz, where 80 percent got it right. Students "
       "grumbled about quizzes that did not count at first, then asked for more before the "
       "unit test.",
}
# The files uploaded, by (micro-credential, prompt position); any other file prompt gets
# a one-line text file.
EVIDENCE_FILES = {
    ("formative-assessment-checking-for-understanding", 3): (
        "lesson-plan.txt",
        b"Lesson plan: proportional relationships (Grade 7)\n"
        b"Check 1 (hinge, min 8): which table is proportional? A/B/C/D on whiteboards.\n"
        b"Check 2 (min 20): classify one graph; confidence thumbs.\n"
        b"Check 3 (exit ticket): two tables, explain your reasoning.\n"),
    ("formative-assessment-checking-for-understanding", 4): (
        "hinge-question-responses.txt",
        b"Hinge question responses (whiteboards, all 28 students)\n"
        b"A: 2  B: 14  C: 11  D: 1\n"),
    ("learning-intentions-and-success-criteria", 3): (
        "success-criteria-slide.txt",
        b"We are learning to use evidence from a text to persuade a reader.\n"
        b"1. A clear position  2. Two pieces of evidence from the article\n"
        b"3. How each piece supports the position  4. A counter-argument answered\n"),
    ("retrieval-practice-for-long-term-learning", 3): (
        "retrieval-activities.txt",
        b"Day 1 brain dump: organelles. Day 3 quiz (5 questions). Day 8 label the cell.\n"
        b"Day 15 quiz: mitosis stages. Day 26 mixed quiz: organelles and mitosis.\n"),
    ("retrieval-practice-for-long-term-learning", 4): (
        "results-summary.txt",
        b"Share correct (60 students): day 1 48%, day 3 61%, day 8 74%, day 15 70%, "
        b"day 26 83%\n"),
    ("learning-intentions-and-success-criteria", 4): (
        "peer-assessment-samples.txt",
        b"Sample 1 (self): criteria 1-3 met; 4 missing -> add the cost argument and answer it.\n"
        b"Sample 2 (peer): evidence quoted but not explained -> say how it supports you.\n"),
}



def _texts(mc: MicroCredential, answers: dict[int, str]) -> dict[int, str]:
    """Written answers keyed by the prompt's position across the whole micro-credential."""
    return {p.pk: answers[p.position] for p in mc.prompts.filter(kind="text")
            if p.position in answers}


def _file_prompt(mc: MicroCredential) -> dict[int, SimpleUploadedFile]:
    """A file for every file prompt (the required ones and the optional ones alike)."""
    files = {}
    for p in mc.prompts.filter(kind="file"):
        name, content = EVIDENCE_FILES.get(
            (mc.slug, p.position), ("evidence.txt", b"Evidence for: " + p.prompt.encode()))
        files[p.pk] = SimpleUploadedFile(name, content, "text/plain")
    return files


def _submit(learner: User, mc: MicroCredential, answers: dict[int, str]) -> Attempt:
    attempt = attempt_start(learner=learner, micro_credential=mc)
    attempt_save_draft(learner=learner, attempt_id=attempt.pk, texts=_texts(mc, answers),
                       files=_file_prompt(mc))
    attempt_submit(learner=learner, attempt_id=attempt.pk)
    return attempt


def attempts_load(users: dict[str, User], mcs: dict[str, MicroCredential]) -> None:
    """Each learner's work, once (a learner who already started is left as they are)."""
    formative = mcs[FORMATIVE]
    criteria = list(formative.criteria.all())
    # Maya: submitted, passed on every criterion, credential issued.
    if not Attempt.objects.filter(learner=users["learner1"], micro_credential=formative).exists():
        attempt = _submit(users["learner1"], formative, FORMATIVE_ANSWERS)
        assessment_record(
            assessor=users["assessor"], attempt_id=attempt.pk,
            scores={c.pk: ScoreInput("pass", "Clear evidence against this criterion.")
                    for c in criteria},
            summary="Strong, well-evidenced submission: the hinge question did its job.",
        )
    # Jordan: submitted, Not Yet on the adjustment criterion, waiting to resubmit.
    if not Attempt.objects.filter(learner=users["learner2"], micro_credential=formative).exists():
        attempt = _submit(users["learner2"], formative, {
            1: "Grade 4 reading, main idea. 24 students, most reading at grade level.",
            2: "I used three exit tickets across the week, one at the end of each lesson.",
            5: "Most students got the exit tickets right so I moved on to the next unit.",
        })
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
    _second_credential_of_the_stack(users, mcs[SUCCESS_CRITERIA])
    _in_review_at_the_second_issuer(users, mcs[RETRIEVAL])


def _second_credential_of_the_stack(users: dict[str, User], mc: MicroCredential) -> None:
    """Maya also passes the success-criteria micro-credential: with the formative one she holds
    two of the stack's three, and its page shows the third as her next step."""
    learner = users["learner1"]
    if Attempt.objects.filter(learner=learner, micro_credential=mc).exists():
        return
    attempt = _submit(learner, mc, SUCCESS_CRITERIA_ANSWERS)
    holder = attempt.assignments.filter(status="active").first()
    assessment_record(
        assessor=holder.assessor if holder else users["assessor"], attempt_id=attempt.pk,
        scores={c.pk: ScoreInput("pass") for c in mc.criteria.all()},
        summary="The criteria came from students' own judgements of real work, and the peer "
                "checks show them being used.")


def _in_review_at_the_second_issuer(users: dict[str, User], mc: MicroCredential) -> None:
    """Jordan also submitted to Lakeshore: the college's assessor has work in the queue."""
    learner = users["learner2"]
    if Attempt.objects.filter(learner=learner, micro_credential=mc).exists():
        return
    _submit(learner, mc, RETRIEVAL_ANSWERS)


def _overdue_and_appeal(users: dict[str, User], formative: MicroCredential) -> None:
    """Sam's submission is past its deadline (set back in time, as if submitted weeks ago);
    Inés appealed a Not Yet, and the appeal waits for a different assessor."""
    if not Attempt.objects.filter(learner=users["learner3"], micro_credential=formative).exists():
        attempt = _submit(users["learner3"], formative, FORMATIVE_ANSWERS)
        weeks_ago = timezone.now() - timedelta(days=25)
        Attempt.objects.filter(pk=attempt.pk).update(
            submitted_at=weeks_ago, decision_due_at=timezone.now() - timedelta(days=5))
    if not Attempt.objects.filter(learner=users["learner4"], micro_credential=formative).exists():
        attempt = _submit(users["learner4"], formative, FORMATIVE_ANSWERS)
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
