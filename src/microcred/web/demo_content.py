"""Demo content written as real issuers would write it: a regional network of schools and a
university college of education, each publishing competency-based micro-credentials in full
(competency, key method and its components, the research behind it with its references,
resources, a submission in three parts, a public rubric per part with guidance for assessors,
and alignments to published teaching standards), and one stack of them.

Everything goes through the same services the site uses, so the demo is a real journey: the
micro-credentials were written, sent for review and published by the issuer's own people, and
the held credentials were submitted, assessed and signed, not inserted. Loading it twice
changes nothing the second time.
"""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from microcred.accounts.models import User
from microcred.actors import SYSTEM
from microcred.assessment.models import Appeal, CalibrationAnchor
from microcred.assessment.services import (
    ScoreInput,
    appeal_create,
    assessment_record,
    calibration_anchor_create,
    calibration_record,
    pool_member_add,
)
from microcred.catalog.models import MicroCredential, Part, Stack
from microcred.catalog.services import (
    micro_credential_publish,
    micro_credential_submit_for_review,
    micro_credential_write,
)
from microcred.catalog.spec import (
    AlignmentSpec,
    CitationSpec,
    CriterionSpec,
    CriterionText,
    MethodComponentSpec,
    MicroCredentialSpec,
    PartSpec,
    PartText,
    PromptSpec,
    ResourceSpec,
    TranslationSpec,
)
from microcred.earning.models import Attempt
from microcred.earning.services import attempt_save_draft, attempt_start, attempt_submit
from microcred.orgs.models import Organization, Role
from microcred.orgs.services import membership_grant, organization_create

DEMO_PASSWORD = "microcred-demo"  # noqa: S105 - printed to the person running the demo

RIVERBEND, LAKESHORE = "riverbend", "lakeshore"

ORGS = {
    RIVERBEND: {
        "slug": "riverbend-teaching-collaborative",
        "name": "Riverbend Teaching Collaborative",
        "url": "https://riverbend-teaching.example.org",
        "description": "A regional network of schools that recognizes classroom practice "
                       "through competency-based micro-credentials.",
    },
    LAKESHORE: {
        "slug": "lakeshore-state-college-of-education",
        "name": "Lakeshore State University College of Education",
        "url": "https://education.lakeshore-state.example.org",
        "description": "The college of education of a public university. Its micro-credentials "
                       "carry graduate credit or continuing education units and are open to "
                       "practising teachers and to the university's own faculty.",
    },
}

PEOPLE = [
    ("admin", "Administrator (site and Riverbend)", "admin@demo.microcred.test", "Ada Okafor"),
    ("author", "Author (Riverbend)", "author@demo.microcred.test", "Priya Raman"),
    ("assessor", "Assessor (Riverbend)", "assessor@demo.microcred.test", "Daniel Brooks"),
    ("learner1", "Learner holding 2 of a stack's 3 credentials",
     "maya.chen@demo.microcred.test", "Maya Chen"),
    ("learner2", "Learner with a Not Yet to resubmit (and work in review at Lakeshore)",
     "jordan.ellis@demo.microcred.test", "Jordan Ellis"),
    ("lead", "Lead assessor (adjudicates moderation disagreements)",
     "lead@demo.microcred.test", "Grace Mensah"),
    ("assessor2", "Assessor (qualified; moderates and reviews appeals)",
     "assessor2@demo.microcred.test", "Luis Ortega"),
    ("trainee", "New assessor, mid-calibration", "trainee@demo.microcred.test", "Hana Sato"),
    ("learner3", "Learner with an overdue submission", "sam.okoro@demo.microcred.test",
     "Sam Okoro"),
    ("learner4", "Learner who appealed a Not Yet", "ines.duarte@demo.microcred.test",
     "Inés Duarte"),
    ("coe_admin", "Administrator (Lakeshore State College of Education)",
     "coe-admin@demo.microcred.test", "Elena Vásquez"),
    ("coe_author", "Author (Lakeshore State College of Education)",
     "coe-author@demo.microcred.test", "Marcus Bell"),
    ("coe_assessor", "Assessor (Lakeshore State College of Education)",
     "coe-assessor@demo.microcred.test", "Ruth Adeyemi"),
]

# Who does what at each issuer: (admin, authors, assessors; the first assessor scores the
# demo's own submissions there, and the lead of a pool is marked below).
STAFF = {
    RIVERBEND: ("admin", ("author",), ("assessor", "lead", "assessor2", "trainee")),
    LAKESHORE: ("coe_admin", ("coe_author",), ("coe_assessor",)),
}

MB = 1024 * 1024
DOCS = ("document",)
DOCS_AND_IMAGES = ("document", "image")

# The framework every teacher-preparation program in the United States knows; the link is the
# Council of Chief State School Officers' page for the standards.
INTASC = "InTASC Model Core Teaching Standards (CCSSO, 2013)"
INTASC_URL = ("https://ccsso.org/resource-library/"
              "intasc-model-core-teaching-standards-and-learning-progressions-teachers-10")
ISTE = "ISTE Standards for Educators"
ISTE_URL = "https://iste.org/standards/educators"


def _intasc(number: int, name: str, statement: str) -> AlignmentSpec:
    return AlignmentSpec(target_name=f"Standard #{number}: {name}", target_url=INTASC_URL,
                         target_framework=INTASC, target_code=f"InTASC {number}",
                         target_description=statement)


# --- Riverbend Teaching Collaborative ----------------------------------------------------

FORMATIVE = MicroCredentialSpec(
    slug="formative-assessment-checking-for-understanding",
    title="Formative Assessment: Checking for Understanding",
    competency="The educator plans and uses checks for understanding during a lesson, "
               "interprets the evidence in the moment, and adjusts instruction in response.",
    key_method="The educator embeds at least three planned checks for understanding (for "
               "example hinge questions, whiteboard responses, exit tickets) at decision points "
               "in a lesson, collects responses from every student, and makes and explains an "
               "instructional adjustment based on what the responses show.",
    method_components=(
        MethodComponentSpec(
            "Find the decision points",
            "Before the lesson, mark the moments where what students understand should change "
            "what you do next: after a worked example, before independent practice, before "
            "moving to the next idea."),
        MethodComponentSpec(
            "Write a check for each decision point",
            "Write a question whose answers tell understanding from a likely misconception, "
            "such as a hinge question with one distractor per common error, and decide in "
            "advance what you will do for each answer."),
        MethodComponentSpec(
            "Hear from every student",
            "Use a response system in which everyone answers at once (mini whiteboards, "
            "answer cards, a quick digital poll, an exit ticket) instead of calling on "
            "volunteers."),
        MethodComponentSpec(
            "Read the evidence and adjust",
            "Sort the responses quickly, then act on them: move on, re-teach, regroup or "
            "contrast a right and a wrong example. Note what you changed and why."),
        MethodComponentSpec(
            "Close the loop",
            "Check again after the adjustment to see whether it worked, and carry what you "
            "learned into the next lesson's plan."),
    ),
    research="Formative assessment is assessment whose evidence is used to adapt teaching to "
             "meet students' needs while learning is still under way. Black and Wiliam's "
             "review of classroom studies (1998) concluded that strengthening this practice "
             "produces substantial learning gains, and that the gains depend on students being "
             "active in the process and on teachers acting on what they find. Wiliam (2011) "
             "and Leahy, Lyon, Thompson and Wiliam (2005) describe the everyday techniques "
             "this micro-credential asks for: questions planned to reveal thinking, responses "
             "from every student rather than a few volunteers, and decisions made minute by "
             "minute on the evidence.",
    citations=(
        CitationSpec(authors="Black, P., & Wiliam, D.", year=1998,
                     title="Assessment and classroom learning",
                     source="Assessment in Education: Principles, Policy & Practice, 5(1), "
                            "7-74",
                     url="https://doi.org/10.1080/0969595980050102"),
        CitationSpec(authors="Black, P., & Wiliam, D.", year=1998,
                     title="Inside the black box: Raising standards through classroom "
                           "assessment",
                     source="Phi Delta Kappan, 80(2), 139-148"),
        CitationSpec(authors="Leahy, S., Lyon, C., Thompson, M., & Wiliam, D.", year=2005,
                     title="Classroom assessment, minute by minute, day by day",
                     source="Educational Leadership, 63(3), 18-24"),
        CitationSpec(authors="Wiliam, D.", year=2011, title="Embedded formative assessment",
                     source="Solution Tree Press"),
    ),
    resources=(
        ResourceSpec(kind="book", title="Embedded Formative Assessment (Wiliam, 2011)",
                     description="Chapter 4, on eliciting evidence of learners' achievement, "
                                 "has many examples of hinge questions and all-student "
                                 "response systems."),
        ResourceSpec(kind="website", title="Feedback: Teaching and Learning Toolkit (Education "
                                           "Endowment Foundation)",
                     url="https://educationendowmentfoundation.org.uk/education-evidence/"
                         "teaching-learning-toolkit/feedback",
                     description="A plain-language summary of the evidence on feedback and "
                                 "formative assessment, with what it costs to put in place."),
        ResourceSpec(kind="tool", title="Hinge question planner (Riverbend template)",
                     description="One page: the decision point, the question, the likely "
                                 "wrong answers and what you will do for each. Ask your "
                                 "Riverbend coach for a copy."),
    ),
    parts=(
        PartSpec(
            title="Overview questions", kind=Part.Kind.OVERVIEW,
            instructions="Answer both questions about one lesson you taught in the last "
                         "month. About 500 words in all.",
            prompts=(
                PromptSpec("text", "Describe the class and the lesson: grade, subject, "
                                   "learning goal, and what students already knew.",
                           word_limit=300),
                PromptSpec("text", "Describe each check for understanding you planned: where "
                                   "it sat in the lesson and why, what it asked, and how every "
                                   "student responded.",
                           instructions="Name at least three checks.", word_limit=400),
            ),
            criteria=(
                CriterionSpec(
                    "Planned checks at decision points",
                    "At least three checks are planned at points where the response changes "
                    "what the teacher does next.",
                    "Checks are missing, fewer than three, or placed where the response could "
                    "not change instruction.",
                    guidance="An exit ticket at the very end of a lesson counts as a check, but "
                             "not as a decision point inside that lesson; look for at least "
                             "one check mid-lesson with a planned response to its answers."),
            ),
        ),
        PartSpec(
            title="Work examples", kind=Part.Kind.ARTIFACTS,
            instructions="Remove students' names and faces from everything you upload. A "
                         "link to a shared folder can replace a file.",
            prompts=(
                PromptSpec("file", "Upload the lesson plan or slides with each check for "
                                   "understanding marked.",
                           max_bytes=10 * MB, accepted_kinds=DOCS_AND_IMAGES),
                PromptSpec("file", "Upload the students' responses to one of the checks: a "
                                   "photo of the whiteboards, a tally, or the exit tickets.",
                           max_bytes=10 * MB, accepted_kinds=DOCS_AND_IMAGES),
            ),
            criteria=(
                CriterionSpec(
                    "Evidence from every student",
                    "Each check gathers a response from every student (not only "
                    "volunteers).",
                    "Checks rely on volunteers or a few students' answers.",
                    guidance="The responses uploaded should account for the whole class (a "
                             "count such as '26 of 28 answered' is enough). Hands up, "
                             "cold-calling a few students or 'any questions?' do not meet "
                             "this criterion."),
            ),
        ),
        PartSpec(
            title="Reflection", kind=Part.Kind.REFLECTION,
            prompts=(
                PromptSpec("text", "Reflect: what did the student responses show, what did "
                                   "you change in the moment, and what happened as a "
                                   "result?",
                           word_limit=500),
            ),
            criteria=(
                CriterionSpec(
                    "Instructional adjustment",
                    "The reflection names a specific adjustment made because of the evidence "
                    "and its effect on learning.",
                    "No adjustment is described, or it is not connected to the evidence.",
                    guidance="'I re-taught it' is not specific enough: the adjustment should "
                             "say what changed, for whom, and how the teacher knew it "
                             "worked. Moving on is an adjustment when the evidence justified "
                             "it and the reflection says so."),
            ),
        ),
    ),
    alignments=(
        _intasc(6, "Assessment",
                "The teacher understands and uses multiple methods of assessment to engage "
                "learners in their own growth, to monitor learner progress, and to guide the "
                "teacher's and learner's decision making."),
        AlignmentSpec(target_name="Analyst: assessment that informs instruction",
                      target_url=ISTE_URL, target_framework=ISTE,
                      target_code="7b",
                      target_description="Use technology to design and implement a variety of "
                                         "formative and summative assessments that "
                                         "accommodate learner needs, provide timely feedback "
                                         "to students and inform instruction."),
    ),
    topic="Assessment", tags=("formative assessment", "checking for understanding",
                              "hinge questions"),
    audience=MicroCredential.Audience.EDUCATORS, level=MicroCredential.Level.INTRODUCTORY,
    estimated_hours=Decimal("10"), ceus=Decimal("1.0"), fee=Decimal(0),
    badge_colour="#1d4e89", badge_accent="#f2b705",
)

DISCOURSE = MicroCredentialSpec(
    slug="academic-discourse-structured-student-talk",
    title="Academic Discourse: Structured Student Talk",
    competency="The educator structures student-to-student academic conversation so that every "
               "student uses evidence and builds on the ideas of others.",
    key_method="The educator teaches and uses a discussion protocol (such as accountable talk "
               "stems or a structured academic controversy) with explicit roles, sentence "
               "frames and norms, and monitors participation.",
    method_components=(
        MethodComponentSpec(
            "Choose a protocol and a question worth discussing",
            "Pick a protocol that fits the purpose (think-pair-share to rehearse, a "
            "structured academic controversy to weigh positions, a fishbowl to model) and an "
            "open question that students can answer from a shared text or data."),
        MethodComponentSpec(
            "Teach the moves explicitly",
            "Model and practise the talk moves students will use: making a claim, citing "
            "evidence, building on or challenging a classmate's idea, asking for "
            "clarification. Post sentence frames for each."),
        MethodComponentSpec(
            "Set roles and norms",
            "Give each student a role (facilitator, evidence checker, summarizer...) and "
            "agree on norms for listening and disagreeing respectfully."),
        MethodComponentSpec(
            "Monitor and record participation",
            "Track who speaks and how (a tally or a seating-chart map of talk turns) while "
            "you listen for evidence use, and prompt with talk moves rather than answers."),
    ),
    research="Talk is one of the main ways students come to understand ideas, but only some "
             "kinds of talk do that work. Michaels, O'Connor and Resnick (2008) describe "
             "Accountable Talk, in which students are accountable to the learning community, "
             "to accepted standards of reasoning and to knowledge, and show how teachers build "
             "it with explicit talk moves. Mercer (2000) shows how 'exploratory talk', in "
             "which students engage critically but constructively with each other's ideas, "
             "helps groups think together, and Zwiers and Crawford (2011) set out the core "
             "conversation skills (elaborating, supporting ideas with examples, building on "
             "or challenging ideas, paraphrasing, synthesizing) that students need to be "
             "taught rather than assumed.",
    citations=(
        CitationSpec(authors="Michaels, S., O'Connor, C., & Resnick, L. B.", year=2008,
                     title="Deliberative discourse idealized and realized: Accountable talk "
                           "in the classroom and in civic life",
                     source="Studies in Philosophy and Education, 27(4), 283-297"),
        CitationSpec(authors="Mercer, N.", year=2000,
                     title="Words and minds: How we use language to think together",
                     source="Routledge"),
        CitationSpec(authors="Zwiers, J., & Crawford, M.", year=2011,
                     title="Academic conversations: Classroom talk that fosters critical "
                           "thinking and content understandings",
                     source="Stenhouse Publishers"),
    ),
    resources=(
        ResourceSpec(kind="book", title="Academic Conversations (Zwiers & Crawford, 2011)",
                     description="The five core conversation skills, with prompts and "
                                 "response frames for each."),
        ResourceSpec(kind="tool", title="Talk-turn tally sheet (Riverbend template)",
                     description="A seating chart on which you tally talk turns and mark when "
                                 "a student cites evidence; for the participation analysis "
                                 "in Part 3."),
    ),
    parts=(
        PartSpec(
            title="Overview questions", kind=Part.Kind.OVERVIEW,
            instructions="Answer both questions about one discussion you led. About 500 words "
                         "in all.",
            prompts=(
                PromptSpec("text", "Describe the protocol you used, how you introduced it, "
                                   "and the supports (roles, frames, norms) students had.",
                           word_limit=400),
                PromptSpec("text", "Describe the class and the discussion question, and why "
                                   "the question was worth discussing.",
                           word_limit=200),
            ),
            criteria=(
                CriterionSpec(
                    "Protocol and supports",
                    "A named protocol with roles, frames and norms is taught explicitly.",
                    "Students are asked to discuss without a structure or supports.",
                    guidance="Look for evidence that the moves were taught (modelled, "
                             "practised), not only posted. A protocol named without roles "
                             "or frames is Not Yet."),
            ),
        ),
        PartSpec(
            title="Work examples", kind=Part.Kind.ARTIFACTS,
            instructions="Use pseudonyms or initials for students in the transcript.",
            prompts=(
                PromptSpec("file", "Upload a transcript or annotated recording notes of one "
                                   "student discussion (about 10 minutes).",
                           max_bytes=10 * MB, accepted_kinds=DOCS),
                PromptSpec("file", "Optionally, the recording itself (audio or video), or a "
                                   "link to it.",
                           required=False, max_bytes=10 * MB, accepted_kinds=("audio", "video"),
                           instructions="Only with the consent your school requires."),
            ),
            criteria=(
                CriterionSpec(
                    "Use of evidence",
                    "The transcript shows students citing evidence for their claims.",
                    "Claims in the transcript are mostly unsupported opinions.",
                    guidance="Several students, not one, should point to the text, data or an "
                             "observation. Teacher talk in the transcript does not count "
                             "towards this."),
            ),
        ),
        PartSpec(
            title="Reflection", kind=Part.Kind.REFLECTION,
            prompts=(
                PromptSpec("text", "Reflect on participation: who talked, how students used "
                                   "evidence, and what you would change next time.",
                           word_limit=500),
            ),
            criteria=(
                CriterionSpec(
                    "Equitable participation",
                    "Participation data is analysed and a concrete next step addresses who "
                    "did not talk.",
                    "Participation is not analysed, or no next step is proposed.",
                    guidance="The analysis needs data (a tally, a map of talk turns), not an "
                             "impression such as 'everyone joined in'."),
            ),
        ),
    ),
    alignments=(
        _intasc(3, "Learning Environments",
                "The teacher works with others to create environments that support individual "
                "and collaborative learning, and that encourage positive social interaction, "
                "active engagement in learning, and self motivation."),
        _intasc(8, "Instructional Strategies",
                "The teacher understands and uses a variety of instructional strategies to "
                "encourage learners to develop deep understanding of content areas and their "
                "connections, and to build skills to apply knowledge in meaningful ways."),
    ),
    topic="Classroom discourse", tags=("discussion", "accountable talk", "participation"),
    audience=MicroCredential.Audience.EDUCATORS, level=MicroCredential.Level.INTERMEDIATE,
    estimated_hours=Decimal("12"), ceus=Decimal("1.2"), fee=Decimal(0),
    badge_colour="#0b6e4f", badge_accent="#f2b705",
)

FEEDBACK = MicroCredentialSpec(
    slug="feedback-that-moves-learning-forward",
    title="Feedback That Moves Learning Forward",
    competency="The educator gives students task-focused feedback tied to success criteria and "
               "provides time for students to act on it.",
    key_method="The educator shares success criteria, writes feedback that names where the work "
               "is against them and one next step, and plans class time for revision.",
    method_components=(
        MethodComponentSpec(
            "Start from shared success criteria",
            "Students know before they start what good work on this task looks like, so "
            "feedback can refer to something they already understand."),
        MethodComponentSpec(
            "Say where the work is, against the criteria",
            "Comment on the task and the process, not the person: which criterion the work "
            "meets, and where it falls short."),
        MethodComponentSpec(
            "Give one next step",
            "One clear, actionable next step is more likely to be acted on than a list of "
            "everything that could be better."),
        MethodComponentSpec(
            "Make time to act on it",
            "Plan lesson time in which students read the feedback, revise, and show what "
            "changed. Feedback that is not used does not move learning forward."),
    ),
    research="Feedback is among the most powerful influences on learning, and among the most "
             "variable. Hattie and Timperley (2007) describe effective feedback as answering "
             "three questions for the learner (Where am I going? How am I going? Where to "
             "next?) and find that feedback about the task, the process and self-regulation "
             "helps, while praise directed at the self rarely does. Kluger and DeNisi's "
             "meta-analysis (1996) found that in over a third of cases feedback interventions "
             "lowered performance, most often when they drew attention to the self rather than "
             "the task. Shute (2008) summarizes guidelines for formative feedback: specific, "
             "clear, focused on the task and given in manageable amounts.",
    citations=(
        CitationSpec(authors="Hattie, J., & Timperley, H.", year=2007,
                     title="The power of feedback",
                     source="Review of Educational Research, 77(1), 81-112",
                     url="https://doi.org/10.3102/003465430298487"),
        CitationSpec(authors="Kluger, A. N., & DeNisi, A.", year=1996,
                     title="The effects of feedback interventions on performance: A historical "
                           "review, a meta-analysis, and a preliminary feedback intervention "
                           "theory",
                     source="Psychological Bulletin, 119(2), 254-284",
                     url="https://doi.org/10.1037/0033-2909.119.2.254"),
        CitationSpec(authors="Shute, V. J.", year=2008, title="Focus on formative feedback",
                     source="Review of Educational Research, 78(1), 153-189",
                     url="https://doi.org/10.3102/0034654307313795"),
    ),
    resources=(
        ResourceSpec(kind="article", title="The Power of Feedback (Hattie & Timperley, 2007)",
                     url="https://doi.org/10.3102/003465430298487",
                     description="The feedback model this micro-credential uses: three "
                                 "questions and four levels of feedback."),
        ResourceSpec(kind="website", title="Feedback: Teaching and Learning Toolkit (Education "
                                           "Endowment Foundation)",
                     url="https://educationendowmentfoundation.org.uk/education-evidence/"
                         "teaching-learning-toolkit/feedback",
                     description="The evidence on written and verbal feedback in schools, "
                                 "summarized for teachers."),
        ResourceSpec(kind="tool", title="Feedback and revision log (Riverbend template)",
                     description="A table for each sample: the criterion, your comment, the "
                                 "next step, and what the student changed."),
    ),
    parts=(
        PartSpec(
            title="Overview questions", kind=Part.Kind.OVERVIEW,
            instructions="Answer both questions about one task your students completed. About "
                         "500 words in all.",
            prompts=(
                PromptSpec("text", "Describe the class, the task, and the success criteria "
                                   "you shared with students (quote them).",
                           word_limit=400),
                PromptSpec("text", "When and how did students act on your feedback? Describe "
                                   "the time you planned for revision.",
                           word_limit=200),
            ),
            criteria=(
                CriterionSpec(
                    "Shared success criteria",
                    "Success criteria are stated in terms students can use and were shared "
                    "before the task.",
                    "Success criteria are missing, or were not shared with students.",
                    guidance="Criteria copied from a standard without being put in students' "
                             "terms are acceptable only if the overview says how students "
                             "came to understand them."),
            ),
        ),
        PartSpec(
            title="Work examples", kind=Part.Kind.ARTIFACTS,
            instructions="Remove students' names. Photos of handwritten work are fine.",
            prompts=(
                PromptSpec("file", "Upload three samples of student work with your feedback "
                                   "on them.",
                           max_bytes=10 * MB, accepted_kinds=DOCS_AND_IMAGES),
                PromptSpec("file", "Optionally, upload the revised versions of the same "
                                   "samples.",
                           required=False, max_bytes=10 * MB, accepted_kinds=DOCS_AND_IMAGES),
            ),
            criteria=(
                CriterionSpec(
                    "Tied to success criteria",
                    "Every feedback comment refers to a shared success criterion.",
                    "Feedback is general praise or not connected to criteria.",
                    guidance="'Great job!' or a grade alone is not feedback against a "
                             "criterion. A comment can refer to a criterion without quoting "
                             "it word for word."),
                CriterionSpec(
                    "Actionable next step",
                    "Each sample has one clear next step the student can act on.",
                    "Next steps are missing, vague, or too many to act on.",
                    guidance="Ask yourself whether the student could start on the next step "
                             "tomorrow without asking what it means."),
            ),
        ),
        PartSpec(
            title="Reflection", kind=Part.Kind.REFLECTION,
            prompts=(
                PromptSpec("text", "Describe how students used the feedback and what changed "
                                   "in their revised work. What would you change about your "
                                   "feedback next time?",
                           word_limit=400),
            ),
            criteria=(
                CriterionSpec(
                    "Feedback acted on",
                    "The reflection shows students acting on the feedback, with an example of "
                    "what changed in the work.",
                    "There is no evidence that students used the feedback.",
                    guidance="If few students improved, a reflection that says why and what "
                             "the teacher will change can still Pass."),
            ),
        ),
    ),
    alignments=(
        _intasc(6, "Assessment",
                "The teacher understands and uses multiple methods of assessment to engage "
                "learners in their own growth, to monitor learner progress, and to guide the "
                "teacher's and learner's decision making."),
    ),
    topic="Assessment", tags=("feedback", "success criteria", "revision"),
    audience=MicroCredential.Audience.EDUCATORS, level=MicroCredential.Level.INTERMEDIATE,
    estimated_hours=Decimal("10"), ceus=Decimal("1.0"), fee=Decimal(0),
    badge_colour="#8a3b12", badge_accent="#f2b705",
)

SUCCESS_CRITERIA = MicroCredentialSpec(
    slug="learning-intentions-and-success-criteria",
    title="Clarifying Learning Intentions and Success Criteria",
    competency="The educator makes what students are learning, and what success looks like, "
               "clear to students, and students use the success criteria to judge and improve "
               "their own work.",
    key_method="The educator writes a learning intention that names the learning rather than "
               "the activity, shares or co-constructs success criteria with students (using "
               "examples of work), and has students assess their own or a peer's work against "
               "the criteria during the lesson.",
    method_components=(
        MethodComponentSpec(
            "Separate the learning from the activity",
            "'We are learning to compare two fractions' rather than 'We are doing the "
            "worksheet on page 12'."),
        MethodComponentSpec(
            "Build the success criteria with examples",
            "Show two or three pieces of work of different quality and ask students what "
            "makes the stronger one stronger; turn their answers into the criteria."),
        MethodComponentSpec(
            "Keep the criteria in use",
            "Refer to the criteria while students work, in your questions and in your "
            "feedback, not only at the start of the lesson."),
        MethodComponentSpec(
            "Students check their own work",
            "Students assess their work or a peer's against the criteria and decide on one "
            "thing to improve before handing it in."),
    ),
    research="Sadler (1989) argued that for students to improve, they need a concept of "
             "quality like the teacher's, must be able to compare their own work against it, "
             "and must know how to close the gap; clear learning intentions and success "
             "criteria are how teachers share that concept of quality. Moss and Brookhart "
             "(2012) show how learning targets written from the student's point of view, and "
             "shown through the work students will do, focus both teaching and students' "
             "self-assessment. Hattie's synthesis of meta-analyses (2009) places teacher "
             "clarity, which includes communicating learning intentions and success criteria, "
             "among the influences on achievement with above-average effects.",
    citations=(
        CitationSpec(authors="Sadler, D. R.", year=1989,
                     title="Formative assessment and the design of instructional systems",
                     source="Instructional Science, 18(2), 119-144",
                     url="https://doi.org/10.1007/BF00117714"),
        CitationSpec(authors="Moss, C. M., & Brookhart, S. M.", year=2012,
                     title="Learning targets: Helping students aim for understanding in "
                           "today's lesson",
                     source="ASCD"),
        CitationSpec(authors="Hattie, J.", year=2009,
                     title="Visible learning: A synthesis of over 800 meta-analyses relating "
                           "to achievement",
                     source="Routledge"),
    ),
    resources=(
        ResourceSpec(kind="book", title="Learning Targets (Moss & Brookhart, 2012)",
                     description="How to write a learning target with students in mind, and "
                                 "how to share it through a 'performance of understanding'."),
        ResourceSpec(kind="tool", title="Success criteria from work samples (Riverbend "
                                        "protocol)",
                     description="A 15-minute routine for co-constructing success criteria "
                                 "from three anonymous samples of work."),
    ),
    parts=(
        PartSpec(
            title="Overview questions", kind=Part.Kind.OVERVIEW,
            instructions="Answer both questions about one lesson. About 500 words in all.",
            prompts=(
                PromptSpec("text", "Describe the class and the lesson, and state the learning "
                                   "intention as students saw it.",
                           word_limit=250),
                PromptSpec("text", "How did you arrive at the success criteria with students, "
                                   "and how did students use them during the lesson?",
                           word_limit=350),
            ),
            criteria=(
                CriterionSpec(
                    "Learning, not activity",
                    "The learning intention names what students will learn, not what they "
                    "will do.",
                    "The learning intention describes a task or an activity.",
                    guidance="'To write a persuasive letter' is a task; 'to use evidence to "
                             "persuade a reader' is a learning intention."),
            ),
        ),
        PartSpec(
            title="Work examples", kind=Part.Kind.ARTIFACTS,
            instructions="Remove students' names from the samples.",
            prompts=(
                PromptSpec("file", "Upload the learning intention and success criteria as "
                                   "students saw them (a slide, a photo of the anchor chart, a "
                                   "handout).",
                           max_bytes=5 * MB, accepted_kinds=DOCS_AND_IMAGES),
                PromptSpec("file", "Upload two samples of students' self- or "
                                   "peer-assessment against the success criteria.",
                           max_bytes=10 * MB, accepted_kinds=DOCS_AND_IMAGES),
            ),
            criteria=(
                CriterionSpec(
                    "Criteria students can use",
                    "The success criteria are concrete enough for a student to check their "
                    "own work against them.",
                    "The criteria are vague ('do your best', 'neat work') or restate the "
                    "task.",
                    guidance="A good test: could two students looking at the same work agree "
                             "on whether a criterion is met?"),
                CriterionSpec(
                    "Students assess against the criteria",
                    "The samples show students judging work against the criteria and naming "
                    "an improvement.",
                    "The samples show ticks or ratings with no reference to the criteria.",
                    guidance="The improvement need not have been made yet; it must be named."),
            ),
        ),
        PartSpec(
            title="Reflection", kind=Part.Kind.REFLECTION,
            prompts=(
                PromptSpec("text", "Reflect: what difference did the success criteria make to "
                                   "the work students produced, and what will you change next "
                                   "time?",
                           word_limit=400),
            ),
            criteria=(
                CriterionSpec(
                    "Impact and next step",
                    "The reflection compares work with and without the criteria (or before "
                    "and after self-assessment) and names a next step.",
                    "The reflection describes the lesson without looking at its effect on the "
                    "work.",
                    guidance="Any honest comparison will do, including one showing little "
                             "effect, if the next step responds to it."),
            ),
        ),
    ),
    alignments=(
        _intasc(6, "Assessment",
                "The teacher understands and uses multiple methods of assessment to engage "
                "learners in their own growth, to monitor learner progress, and to guide the "
                "teacher's and learner's decision making."),
        _intasc(7, "Planning for Instruction",
                "The teacher plans instruction that supports every student in meeting "
                "rigorous learning goals by drawing upon knowledge of content areas, "
                "curriculum, cross-disciplinary skills, and pedagogy, as well as knowledge of "
                "learners and the community context."),
    ),
    # Three of the four criteria must be Pass: the issuer treats them as one skill seen from
    # four sides, and one slip need not mean the skill is missing.
    pass_rule=MicroCredential.PassRule.AT_LEAST, pass_minimum=3,
    topic="Assessment", tags=("learning intentions", "success criteria", "self-assessment"),
    audience=MicroCredential.Audience.EDUCATORS, level=MicroCredential.Level.INTRODUCTORY,
    estimated_hours=Decimal("8"), ceus=Decimal("0.8"), fee=Decimal(0),
    badge_colour="#5b2a86", badge_accent="#f2b705",
)

# --- Lakeshore State University College of Education --------------------------------------

RETRIEVAL = MicroCredentialSpec(
    slug="retrieval-practice-for-long-term-learning",
    title="Retrieval Practice for Long-Term Learning",
    competency="The educator uses spaced, low-stakes retrieval practice, followed by feedback, "
               "to help students remember and use what they have learned over the long term.",
    key_method="Over at least three weeks, the educator has students recall key content from "
               "memory at least four times in brief, low- or no-stakes activities spaced over "
               "time, gives corrective feedback after each, and uses the results to decide "
               "what to revisit.",
    method_components=(
        MethodComponentSpec(
            "Choose what must be remembered",
            "Pick the few facts, concepts and procedures that later learning depends on; "
            "retrieval practice is for those, not for everything."),
        MethodComponentSpec(
            "Make students pull it out of memory",
            "Use questions students answer without notes (brain dumps, short quizzes, "
            "flashcards, 'write what you remember'), rather than re-reading or re-watching."),
        MethodComponentSpec(
            "Space it out and keep the stakes low",
            "Come back to the same content after days and weeks, mixed with newer content, "
            "and do not grade it: the aim is learning, not measurement."),
        MethodComponentSpec(
            "Follow with feedback",
            "After each retrieval, students check their answers against the correct ones, so "
            "errors are corrected rather than remembered."),
        MethodComponentSpec(
            "Use the results",
            "Look across the retrievals for what students keep forgetting and revisit it."),
    ),
    research="Recalling information from memory strengthens it more than studying it again. "
             "Roediger and Karpicke (2006) found that students who took a practice test on a "
             "passage remembered more of it a week later than students who restudied it, "
             "even though restudying looked better on an immediate test. Reviewing ten common "
             "learning techniques, Dunlosky and colleagues (2013) rated practice testing and "
             "distributed practice as the two of highest utility, and Adesope, Trevisan and "
             "Sundararajan's meta-analysis (2017) found practice tests more beneficial than "
             "restudying across ages, settings and formats. Agarwal and Bain (2019) translate "
             "these findings into classroom routines.",
    citations=(
        CitationSpec(authors="Roediger, H. L., & Karpicke, J. D.", year=2006,
                     title="Test-enhanced learning: Taking memory tests improves long-term "
                           "retention",
                     source="Psychological Science, 17(3), 249-255",
                     url="https://doi.org/10.1111/j.1467-9280.2006.01693.x"),
        CitationSpec(authors="Dunlosky, J., Rawson, K. A., Marsh, E. J., Nathan, M. J., & "
                             "Willingham, D. T.", year=2013,
                     title="Improving students' learning with effective learning techniques: "
                           "Promising directions from cognitive and educational psychology",
                     source="Psychological Science in the Public Interest, 14(1), 4-58",
                     url="https://doi.org/10.1177/1529100612453266"),
        CitationSpec(authors="Adesope, O. O., Trevisan, D. A., & Sundararajan, N.", year=2017,
                     title="Rethinking the use of tests: A meta-analysis of practice testing",
                     source="Review of Educational Research, 87(3), 659-701"),
        CitationSpec(authors="Agarwal, P. K., & Bain, P. M.", year=2019,
                     title="Powerful teaching: Unleash the science of learning",
                     source="Jossey-Bass"),
    ),
    resources=(
        ResourceSpec(kind="website", title="RetrievalPractice.org",
                     url="https://www.retrievalpractice.org/",
                     description="Guides, research summaries and classroom examples of "
                                 "retrieval practice and spacing."),
        ResourceSpec(kind="book", title="Powerful Teaching (Agarwal & Bain, 2019)",
                     description="Chapters on retrieval practice, spacing, interleaving and "
                                 "feedback-driven metacognition, written for teachers."),
        ResourceSpec(kind="course", title="EDU 612: The Science of Learning in the Classroom "
                                          "(Lakeshore State, online, 4 weeks)",
                     description="An optional short course; the micro-credential does not "
                                 "require it."),
    ),
    parts=(
        PartSpec(
            title="Overview questions", kind=Part.Kind.OVERVIEW,
            instructions="Answer both questions. About 500 words in all.",
            prompts=(
                PromptSpec("text", "Describe the course or class and the content students need "
                                   "to remember. Which ideas did you choose for retrieval "
                                   "practice, and why those?",
                           word_limit=250),
                PromptSpec("text", "Describe your retrieval routine: the formats, how often, "
                                   "how the retrievals were spaced over at least three weeks, "
                                   "and how students got feedback after each.",
                           word_limit=350),
            ),
            criteria=(
                CriterionSpec(
                    "Retrieval, not re-exposure",
                    "Students recall content from memory, without notes or the text in front "
                    "of them.",
                    "The activities let students look the answers up, or re-present the "
                    "content (re-reading, re-watching, copying notes).",
                    guidance="Open-book quizzes and guided notes are not retrieval practice."),
                CriterionSpec(
                    "Spaced and low-stakes",
                    "At least four retrievals are spread over three or more weeks, and none "
                    "counts towards a grade (or counts very little).",
                    "Retrievals are massed in one or two sessions, or are high-stakes tests.",
                    guidance="Participation credit is low-stakes; a weekly quiz worth 10% of "
                             "the grade is not."),
            ),
        ),
        PartSpec(
            title="Work examples", kind=Part.Kind.ARTIFACTS,
            prompts=(
                PromptSpec("file", "Upload the retrieval activities you used (at least four), "
                                   "each dated.",
                           max_bytes=10 * MB, accepted_kinds=DOCS_AND_IMAGES),
                PromptSpec("file", "Upload a summary of students' results across the "
                                   "retrievals; a simple table without names is enough.",
                           max_bytes=5 * MB, accepted_kinds=DOCS_AND_IMAGES),
            ),
            criteria=(
                CriterionSpec(
                    "Feedback after retrieval",
                    "Each activity is followed by a way for students to check and correct "
                    "their answers.",
                    "Students do not find out which answers were right.",
                    guidance="Going over the answers as a class counts; collecting the quiz "
                             "and returning it two weeks later does not."),
            ),
        ),
        PartSpec(
            title="Reflection", kind=Part.Kind.REFLECTION,
            prompts=(
                PromptSpec("text", "Reflect: what did the results show about what students "
                                   "remembered and forgot, what did you revisit because of "
                                   "them, and how did students respond to the routine?",
                           word_limit=500),
            ),
            criteria=(
                CriterionSpec(
                    "Using the results",
                    "The reflection names content students kept forgetting and what the "
                    "educator did about it.",
                    "The results are reported but not used to decide anything.",
                    guidance="Look for a link from a pattern in the results table to a "
                             "decision."),
            ),
        ),
    ),
    alignments=(
        _intasc(8, "Instructional Strategies",
                "The teacher understands and uses a variety of instructional strategies to "
                "encourage learners to develop deep understanding of content areas and their "
                "connections, and to build skills to apply knowledge in meaningful ways."),
    ),
    topic="Learning science", tags=("retrieval practice", "spacing", "memory"),
    audience=MicroCredential.Audience.EDUCATORS, level=MicroCredential.Level.INTERMEDIATE,
    estimated_hours=Decimal("15"), credit_hours=Decimal("1.00"), fee=Decimal("25.00"),
    fee_currency="USD", sponsor_can_cover=True,
    badge_colour="#00577c", badge_accent="#e0a526",
)

UDL = MicroCredentialSpec(
    slug="udl-designing-for-learner-variability",
    title="Universal Design for Learning: Designing for Learner Variability",
    competency="The educator designs a lesson around a firm goal with flexible means, "
               "anticipating barriers so that every learner can reach the goal.",
    key_method="Starting from a clear goal and the barriers some learners are likely to meet, "
               "the educator plans options for engagement, for representation, and for action "
               "and expression (the three principles of the UDL Guidelines), teaches the "
               "lesson, and revises the design using learners' feedback.",
    method_components=(
        MethodComponentSpec(
            "Set a firm goal",
            "Separate what every learner must learn from how they will learn it or show it; "
            "only the goal is fixed."),
        MethodComponentSpec(
            "Anticipate barriers",
            "Look at the lesson through the eyes of learners who vary in background "
            "knowledge, language, attention, reading, motor skills: where would they get "
            "stuck?"),
        MethodComponentSpec(
            "Plan options across the three principles",
            "Offer options for engagement (why learn), representation (what is learned, "
            "presented more than one way) and action and expression (how learners show it)."),
        MethodComponentSpec(
            "Ask learners and revise",
            "Ask learners which options helped and which they ignored, and revise the design "
            "for next time."),
    ),
    research="Universal Design for Learning starts from the observation that variability "
             "among learners is the norm, so a lesson designed for an imagined average "
             "learner puts barriers in front of many real ones. Rose and Meyer (2002) set out "
             "the framework, drawing on research on the brain's networks for recognition, "
             "strategy and affect; Meyer, Rose and Gordon (2014) present its current theory "
             "and practice. CAST's UDL Guidelines organize the design choices under three "
             "principles: multiple means of engagement, of representation, and of action and "
             "expression.",
    citations=(
        CitationSpec(authors="Rose, D. H., & Meyer, A.", year=2002,
                     title="Teaching every student in the digital age: Universal design for "
                           "learning",
                     source="ASCD"),
        CitationSpec(authors="Meyer, A., Rose, D. H., & Gordon, D.", year=2014,
                     title="Universal design for learning: Theory and practice",
                     source="CAST Professional Publishing"),
        CitationSpec(authors="CAST", year=2018,
                     title="Universal Design for Learning Guidelines version 2.2",
                     source="CAST", url="https://udlguidelines.cast.org/"),
    ),
    resources=(
        ResourceSpec(kind="website", title="The UDL Guidelines (CAST)",
                     url="https://udlguidelines.cast.org/",
                     description="The guidelines, with each checkpoint explained and "
                                 "illustrated."),
        ResourceSpec(kind="tool", title="UDL lesson planning template (Lakeshore State)",
                     description="Goal, anticipated barriers, and options under each of the "
                                 "three principles, on one page."),
    ),
    parts=(
        PartSpec(
            title="Overview questions", kind=Part.Kind.OVERVIEW,
            instructions="About 400 words.",
            prompts=(
                PromptSpec("text", "Describe the learners and the lesson goal, and the "
                                   "barriers you expected some learners to meet.",
                           word_limit=400),
            ),
            criteria=(
                CriterionSpec(
                    "Firm goal, flexible means",
                    "The goal is stated separately from the means, so that more than one way "
                    "of learning or showing it would meet it.",
                    "The goal is tied to one method or product ('write a five-paragraph "
                    "essay about...').",
                    guidance="A goal may legitimately require a particular product (for "
                             "example writing, in a writing lesson); the overview should then "
                             "say so."),
            ),
        ),
        PartSpec(
            title="Work examples", kind=Part.Kind.ARTIFACTS,
            prompts=(
                PromptSpec("file", "Upload the lesson plan with the options you planned "
                                   "marked against the three principles.",
                           max_bytes=10 * MB, accepted_kinds=DOCS),
                PromptSpec("file", "Optionally, two pieces of student work that show the goal "
                                   "met in different ways (or a link to them).",
                           required=False, max_bytes=10 * MB,
                           accepted_kinds=("document", "image", "video", "audio")),
            ),
            criteria=(
                CriterionSpec(
                    "Options across the three principles",
                    "The plan offers real options under engagement, representation, and "
                    "action and expression.",
                    "Options are missing under one or more principles, or are the same "
                    "activity in a different colour.",
                    guidance="An option is real when a learner facing the anticipated barrier "
                             "would choose differently because of it."),
                CriterionSpec(
                    "Barrier-driven design",
                    "Each option can be traced to a barrier named in the overview.",
                    "Options are added without reference to any anticipated barrier.",
                    guidance="Accept barriers described by need, not by label or diagnosis."),
            ),
        ),
        PartSpec(
            title="Reflection", kind=Part.Kind.REFLECTION,
            prompts=(
                PromptSpec("text", "Reflect: which options did learners use, what did they "
                                   "tell you about them, and what will you change in the "
                                   "design?",
                           word_limit=400),
            ),
            criteria=(
                CriterionSpec(
                    "Learner feedback informs revision",
                    "The reflection reports what learners said or did with the options and "
                    "names a revision that follows from it.",
                    "The reflection gives the educator's impressions only, or no revision.",
                    guidance="A quick exit poll or a show of hands is enough learner "
                             "feedback for a single lesson."),
            ),
        ),
    ),
    alignments=(
        _intasc(2, "Learning Differences",
                "The teacher uses understanding of individual differences and diverse "
                "cultures and communities to ensure inclusive learning environments that "
                "enable each learner to meet high standards."),
        AlignmentSpec(target_name="Universal Design for Learning Guidelines",
                      target_url="https://udlguidelines.cast.org/",
                      target_framework="CAST UDL Guidelines",
                      target_description="Multiple means of engagement, representation, and "
                                         "action and expression."),
    ),
    topic="Inclusive instruction", tags=("universal design for learning", "UDL",
                                         "lesson design", "inclusion"),
    audience=MicroCredential.Audience.EDUCATORS, level=MicroCredential.Level.INTRODUCTORY,
    estimated_hours=Decimal("10"), ceus=Decimal("1.0"), fee=Decimal(0),
    badge_colour="#2f5d1e", badge_accent="#e0a526",
)

# The text learners read in Spanish, shaped like the original: per part its title,
# instructions, prompts and criteria, in order. The demo shows a catalog page, and a
# credential issued, in the reader's language.
SPANISH = {
    "formative-assessment-checking-for-understanding": TranslationSpec(
        title="Evaluación formativa: comprobar la comprensión",
        competency="El docente planifica y usa comprobaciones de la comprensión durante una "
                   "clase, interpreta la evidencia en el momento y ajusta la enseñanza en "
                   "consecuencia.",
        key_method="El docente incorpora al menos tres comprobaciones de la comprensión "
                   "planificadas (por ejemplo preguntas bisagra, respuestas en pizarras "
                   "individuales, tickets de salida) en momentos de decisión de una clase, "
                   "recoge las respuestas de todo el alumnado y realiza y explica un ajuste de "
                   "la enseñanza basado en lo que muestran las respuestas.",
        parts=(
            PartText(
                title="Preguntas de presentación",
                instructions="Responde a las dos preguntas sobre una clase que hayas impartido "
                             "en el último mes. Unas 500 palabras en total.",
                prompts=(
                    "Describe el grupo y la clase: curso, materia, objetivo de aprendizaje y "
                    "lo que el alumnado ya sabía.",
                    "Describe cada comprobación de la comprensión que planificaste: dónde se "
                    "situó en la clase y por qué, qué preguntaba y cómo respondió cada "
                    "estudiante.",
                ),
                criteria=(
                    CriterionText(
                        "Comprobaciones planificadas en momentos de decisión",
                        "Hay al menos tres comprobaciones planificadas en momentos en que la "
                        "respuesta cambia lo que el docente hace a continuación.",
                        "Faltan comprobaciones, hay menos de tres, o están donde la respuesta "
                        "no podría cambiar la enseñanza."),
                ),
            ),
            PartText(
                title="Muestras de trabajo",
                instructions="Elimina los nombres y las caras del alumnado de todo lo que "
                             "subas. Un enlace a una carpeta compartida puede sustituir a un "
                             "archivo.",
                prompts=(
                    "Sube la planificación de la clase o las diapositivas con cada "
                    "comprobación de la comprensión señalada.",
                    "Sube las respuestas del alumnado a una de las comprobaciones: una foto de "
                    "las pizarras, un recuento o los tickets de salida.",
                ),
                criteria=(
                    CriterionText(
                        "Evidencia de todo el alumnado",
                        "Cada comprobación recoge una respuesta de cada estudiante (no solo de "
                        "voluntarios).",
                        "Las comprobaciones dependen de voluntarios o de las respuestas de unos "
                        "pocos estudiantes."),
                ),
            ),
            PartText(
                title="Reflexión",
                prompts=(
                    "Reflexiona: ¿qué mostraron las respuestas del alumnado, qué cambiaste en "
                    "el momento y qué ocurrió como resultado?",
                ),
                criteria=(
                    CriterionText(
                        "Ajuste de la enseñanza",
                        "La reflexión nombra un ajuste concreto hecho a partir de la evidencia "
                        "y su efecto en el aprendizaje.",
                        "No se describe ningún ajuste, o no está conectado con la evidencia."),
                ),
            ),
        ),
    ),
    "academic-discourse-structured-student-talk": TranslationSpec(
        title="Discurso académico: conversación estructurada entre estudiantes",
        competency="El docente estructura la conversación académica entre estudiantes de modo "
                   "que todo el alumnado use evidencias y construya sobre las ideas de los "
                   "demás.",
        key_method="El docente enseña y usa un protocolo de discusión (como las fórmulas de "
                   "conversación responsable o una controversia académica estructurada) con "
                   "roles, marcos de frases y normas explícitos, y observa la participación.",
        parts=(
            PartText(
                title="Preguntas de presentación",
                instructions="Responde a las dos preguntas sobre una discusión que hayas "
                             "dirigido. Unas 500 palabras en total.",
                prompts=(
                    "Describe el protocolo que usaste, cómo lo presentaste y los apoyos "
                    "(roles, marcos de frases, normas) con los que contaba el alumnado.",
                    "Describe el grupo y la pregunta de la discusión, y por qué merecía la "
                    "pena discutirla.",
                ),
                criteria=(
                    CriterionText(
                        "Protocolo y apoyos",
                        "Se enseña de forma explícita un protocolo con nombre, con roles, "
                        "marcos de frases y normas.",
                        "Se pide al alumnado que discuta sin estructura ni apoyos."),
                ),
            ),
            PartText(
                title="Muestras de trabajo",
                instructions="Usa seudónimos o iniciales para el alumnado en la "
                             "transcripción.",
                prompts=(
                    "Sube una transcripción o notas comentadas de la grabación de una "
                    "discusión del alumnado (unos 10 minutos).",
                    "De forma opcional, la grabación misma (audio o vídeo), o un enlace a "
                    "ella.",
                ),
                criteria=(
                    CriterionText(
                        "Uso de evidencias",
                        "La transcripción muestra al alumnado citando evidencias para "
                        "sostener sus afirmaciones.",
                        "Las afirmaciones de la transcripción son sobre todo opiniones sin "
                        "fundamento."),
                ),
            ),
            PartText(
                title="Reflexión",
                prompts=(
                    "Reflexiona sobre la participación: quién habló, cómo usó el alumnado las "
                    "evidencias y qué cambiarías la próxima vez.",
                ),
                criteria=(
                    CriterionText(
                        "Participación equitativa",
                        "Se analizan datos de participación y se propone un siguiente paso "
                        "concreto para quienes no hablaron.",
                        "No se analiza la participación, o no se propone ningún siguiente "
                        "paso."),
                ),
            ),
        ),
    ),
}

MICRO_CREDENTIALS: list[tuple[str, MicroCredentialSpec]] = [
    (RIVERBEND, FORMATIVE),
    (RIVERBEND, DISCOURSE),
    (RIVERBEND, FEEDBACK),
    (RIVERBEND, SUCCESS_CRITERIA),
    (LAKESHORE, RETRIEVAL),
    (LAKESHORE, UDL),
]

# Wiliam's strategies of formative assessment, one micro-credential each, in the order a
# teacher meets them: where learners are going, where they are, how to get there.
STACK = {
    "slug": "assessment-literate-teacher",
    "title": "Assessment-Literate Teacher",
    "description": "Three micro-credentials that together show everyday classroom assessment "
                   "in practice: making the learning and what success looks like clear to "
                   "students, gathering evidence of understanding from every student during "
                   "the lesson, and giving feedback that students act on. Earn all three to "
                   "receive the Assessment-Literate Teacher certificate.",
    "rule": Stack.Rule.ALL,
    "achievement_type": "Certificate",
    "members": ("learning-intentions-and-success-criteria",
                "formative-assessment-checking-for-understanding",
                "feedback-that-moves-learning-forward"),
}

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


def _user(email: str, name: str, *, superuser: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        if superuser:
            user = User.objects.create_superuser(email, DEMO_PASSWORD, display_name=name)
        else:
            user = User.objects.create_user(email, DEMO_PASSWORD, display_name=name)
    return user


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


def _publish(users: dict[str, User], org_key: str, org: Organization,
             spec: MicroCredentialSpec) -> MicroCredential:
    """The issuer's way: an author writes it, sends it for review, an administrator publishes.
    Picks up where an interrupted earlier run stopped."""
    admin, authors, _assessors = STAFF[org_key]
    author = users[authors[0]]
    if spec.slug in SPANISH:
        spec = replace(spec, translations={"es": SPANISH[spec.slug]})
    mc = MicroCredential.objects.filter(slug=spec.slug).order_by("-version").first()
    if mc is None:
        mc = micro_credential_write(actor=author, organization=org, spec=spec)
    if mc.status == MicroCredential.Status.DRAFT:
        mc = micro_credential_submit_for_review(actor=author, micro_credential_id=mc.pk)
    if mc.status == MicroCredential.Status.IN_REVIEW:
        mc = micro_credential_publish(actor=users[admin], micro_credential_id=mc.pk)
    return mc


def _stack(users: dict[str, User], org: Organization,
           mcs: dict[str, MicroCredential]) -> Stack:
    from microcred.catalog.stacks import stack_create, stack_publish

    stack = Stack.objects.filter(slug=STACK["slug"]).first()
    if stack is None:
        stack = stack_create(
            actor=users["author"], organization=org, slug=STACK["slug"], title=STACK["title"],
            description=STACK["description"], rule=STACK["rule"],
            achievement_type=STACK["achievement_type"],
            members=[mcs[slug] for slug in STACK["members"]])
    if stack.status == Stack.Status.DRAFT:
        stack = stack_publish(actor=users["admin"], stack_id=stack.pk)
    return stack


def load_demo() -> list[tuple[str, str]]:
    """Create what is missing; running it twice changes nothing the second time."""
    with transaction.atomic():
        users = {key: _user(email, name, superuser=(key == "admin"))
                 for key, _role, email, name in PEOPLE}
        orgs = {}
        for key, info in ORGS.items():
            org = Organization.objects.filter(slug=info["slug"]).first()
            if org is None:
                org = organization_create(actor=users["admin"], **info)
            admin, authors, assessors = STAFF[key]
            membership_grant(actor=users["admin"], organization=org, user=users[admin],
                             role=Role.ADMIN)
            for person in authors:
                membership_grant(actor=users[admin], organization=org, user=users[person],
                                 role=Role.AUTHOR)
            for person in assessors:
                membership_grant(actor=users[admin], organization=org, user=users[person],
                                 role=Role.ASSESSOR)
            orgs[key] = org
        mcs = {spec.slug: _publish(users, key, orgs[key], spec)
               for key, spec in MICRO_CREDENTIALS}
        _stack(users, orgs[RIVERBEND], mcs)

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
                1: "Grade 4 reading, main idea. 24 students, most reading at grade level.",
                2: "I used three exit tickets across the week, one at the end of each lesson.",
                5: "Most students got the exit tickets right so I moved on to the next unit.",
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
    _second_credential_of_the_stack(users, mcs["learning-intentions-and-success-criteria"])
    _in_review_at_the_second_issuer(users, mcs["retrieval-practice-for-long-term-learning"])
    _badge_from_elsewhere(users["learner1"])
    return [(role, email) for _key, role, email, _name in PEOPLE]


def _second_credential_of_the_stack(users: dict[str, User], mc: MicroCredential) -> None:
    """Maya also passes the success-criteria micro-credential: with the formative one she holds
    two of the stack's three, and its page shows the third as her next step."""
    learner = users["learner1"]
    if Attempt.objects.filter(learner=learner, micro_credential=mc).exists():
        return
    attempt = attempt_start(learner=learner, micro_credential=mc)
    attempt_save_draft(learner=learner, attempt_id=attempt.pk,
                       texts=_texts(mc, SUCCESS_CRITERIA_ANSWERS), files=_file_prompt(mc))
    attempt_submit(learner=learner, attempt_id=attempt.pk)
    holder = attempt.assignments.filter(status="active").first()
    assessment_record(
        assessor=holder.assessor if holder else users["assessor"], attempt_id=attempt.pk,
        scores={c.pk: ScoreInput("pass") for c in mc.criteria.all()},
        summary="The criteria came from students' own judgements of real work, and the peer "
                "checks show them being used.")


#: The id of the credential Maya earned from an issuer that is not on this platform.
ELSEWHERE_CREDENTIAL_ID = "urn:uuid:3b8e5f1a-7c2d-4e9b-a6f0-5d1c2b3a4e5f"


def _badge_from_elsewhere(learner: User) -> None:
    """Maya imported a badge from a community college that does not issue here: signed by
    its own key (made now: the demo publishes no private key), naming her email address by
    its hash, kept through the same import service as the site's form, so her list shows an
    issuer that is claimed, not confirmed."""
    from microcred.learner.models import HeldCredential
    from microcred.learner.services import held_credential_upsert
    from microcred.vc import openbadges as ob
    from microcred.vc.data_integrity import sign
    from microcred.vc.keys import Ed25519Multikey

    if HeldCredential.objects.filter(owner=learner,
                                     credential_id=ELSEWHERE_CREDENTIAL_ID).exists():
        return
    key = Ed25519Multikey.generate()
    achievement = ob.achievement(
        id="https://northwind-college.example.edu/badges/classroom-technology",
        name="Classroom Technology Integration",
        description="Plans lessons in which a digital tool does something paper cannot, and "
                    "shows what students learned with it.",
        criteria_narrative="A lesson plan using a digital tool, two samples of student work "
                           "and a short reflection, reviewed by the college's faculty.")
    credential = sign(ob.open_badge_credential(
        id=ELSEWHERE_CREDENTIAL_ID,
        issuer=ob.profile(id=key.did, name="Northwind Community College",
                          url="https://northwind-college.example.edu/"),
        achievement=achievement,
        subject=ob.achievement_subject(achievement=achievement,
                                       identifier=[ob.identity_object(value=learner.email)]),
        valid_from="2025-05-16T15:00:00Z"), key=key)
    _list_in_demo_registry(key.did, name="Northwind Community College",
                           url="https://northwind-college.example.edu/")
    held_credential_upsert(actor=learner, data=json.dumps(credential))


DEMO_REGISTRY_NAME = "Partner Colleges Registry (demo)"


def _list_in_demo_registry(did: str, *, name: str, url: str) -> None:
    """A trusted issuer registry in the DCC's format, in the folder the platform reads
    (``ISSUER_REGISTRY_DIR``), listing the outside college: /verify/ and Maya's badges from
    elsewhere then say "listed by Partner Colleges Registry (demo)" instead of "identified only
    by its key"."""
    from django.conf import settings

    folder = Path(settings.ISSUER_REGISTRY_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "demo-partner-colleges.json"
    registry = {"meta": {"name": DEMO_REGISTRY_NAME, "created": "2025-05-01T00:00:00Z"},
                "registry": {}}
    if path.exists():
        registry = json.loads(path.read_text("utf-8"))
    registry["registry"][did] = {"name": name, "url": url, "location": "Lakeview, USA"}
    path.write_text(json.dumps(registry, indent=2) + "\n", "utf-8")


def _in_review_at_the_second_issuer(users: dict[str, User], mc: MicroCredential) -> None:
    """Jordan also submitted to Lakeshore: the college's assessor has work in the queue."""
    learner = users["learner2"]
    if Attempt.objects.filter(learner=learner, micro_credential=mc).exists():
        return
    attempt = attempt_start(learner=learner, micro_credential=mc)
    attempt_save_draft(learner=learner, attempt_id=attempt.pk,
                       texts=_texts(mc, RETRIEVAL_ANSWERS), files=_file_prompt(mc))
    attempt_submit(learner=learner, attempt_id=attempt.pk)


def _pools_and_calibration(users: dict[str, User], mcs: dict[str, MicroCredential]) -> None:
    """Pools: each issuer's assessors qualified on its micro-credentials (Grace leads at
    Riverbend); the discourse micro-credential has calibration samples and Hana is part-way
    through them."""
    discourse = mcs["academic-discourse-structured-student-talk"]
    lakeshore_slugs = {spec.slug for key, spec in MICRO_CREDENTIALS if key == LAKESHORE}
    with transaction.atomic():
        for mc in mcs.values():
            if mc.slug in lakeshore_slugs:
                pool_member_add(actor=users["coe_admin"], micro_credential=mc,
                                assessor=users["coe_assessor"])
            elif mc.slug != discourse.slug or not discourse.calibration_anchors.exists():
                pool_member_add(actor=SYSTEM, micro_credential=mc, assessor=users["assessor"])
                pool_member_add(actor=SYSTEM, micro_credential=mc, assessor=users["assessor2"])
                pool_member_add(actor=SYSTEM, micro_credential=mc, assessor=users["lead"],
                                is_lead=True)
        if not discourse.calibration_anchors.exists():
            c = list(discourse.criteria.all())
            for title, evidence, outcomes in ANCHORS:
                calibration_anchor_create(
                    actor=SYSTEM, micro_credential=discourse, title=title, evidence=evidence,
                    expected={c[i].pk: o for i, o in enumerate(outcomes)})
        member = pool_member_add(actor=SYSTEM, micro_credential=discourse,
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
