"""Learners, assessors and public visitors at once; see load.py.

``LOAD_SEED`` names the seed (load_seed.py's JSON plus the demo credential); ``LOAD_LEDGER`` is
where every acknowledged write is recorded when the run stops, for load.py to compare with
the database: each autosave writes a token unique to the learner and the request, so the last
token acknowledged with a 200 must be the text stored.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time

import gevent
from locust import FastHttpUser, between, events, task
from locust.contrib.fasthttp import ResponseContextManager
from locust.env import Environment

SEED = json.loads(open(os.environ["LOAD_SEED"]).read())  # noqa: SIM115
LEDGER: dict[str, object] = {"autosaves": {}, "submitted": {}, "scored": {}}
# Every request's (name, milliseconds, failed, time), for percentiles over the whole run and
# over the steady window: from the moment every user has signed in, LOAD_STEADY_SECONDS long.
TIMINGS: list[tuple[str, float, bool, float]] = []
# Uploaders: the cluster test's extra users (locustfile_cluster.py); none here.
TOTAL_USERS = sum(int(os.environ.get(f"LOAD_{k}", "0")) for k in
                  ("LEARNERS", "ASSESSORS", "VISITORS", "UPLOADERS"))
STEADY_SECONDS = float(os.environ.get("LOAD_STEADY_SECONDS", "60"))
_started: list[int] = []
_environment: list[Environment] = []


def _user_ready() -> None:
    """Counts users past on_start; when the last one is, the steady window opens and the run
    stops when it closes. ``LOAD_STEADY_FILE``, when set, is given the window's opening time
    as it opens (for a harness that acts during the window); with ``LOAD_STOP_FILE`` the run
    stops when that file appears instead."""
    _started.append(1)
    if len(_started) == TOTAL_USERS:
        LEDGER["steady_from"] = time.time()
        if steady_file := os.environ.get("LOAD_STEADY_FILE"):
            with open(steady_file, "w") as handle:
                handle.write(str(LEDGER["steady_from"]))
        if stop_file := os.environ.get("LOAD_STOP_FILE"):
            gevent.spawn(_quit_when_present, stop_file)
        else:
            gevent.spawn_later(STEADY_SECONDS, lambda: _environment[0].runner.quit())


def _quit_when_present(path: str) -> None:
    """``LOAD_STOP_FILE``: the harness, not the clock, ends the run (cluster.py)."""
    while not os.path.exists(path):
        gevent.sleep(0.2)
    _environment[0].runner.quit()
SUBMIT_SHARE = float(os.environ.get("LOAD_SUBMIT_SHARE", "0.02"))
_learners = itertools.count()
_assessors = itertools.count()
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERIFY_BODY = json.dumps({"verifiableCredential": SEED["credential"]})


def _csrf(html: str | None) -> str:
    match = _CSRF.search(html or "")
    return match.group(1) if match else ""


def _fail(response: ResponseContextManager, limit: int = 200) -> None:
    """Marks the request failed, with its status and the start of its body (there is none
    when the connection dropped: a web node killed under it)."""
    response.failure(f"{response.status_code}: {(response.text or '')[:limit]}")


def _done(response: ResponseContextManager) -> bool:
    """A form's 302 that acknowledges it: not the redirect to sign in, which a POST gets when
    the session is not signed in."""
    return response.status_code == 302 and "/accounts/sign-in/" not in (
        response.headers.get("Location") or "")


def _sign_in(user: FastHttpUser, email: str, tries: int = 5) -> None:
    """Signs in, trying again when a try fails (on an overloaded machine a sign-in can time
    out, and a user who goes on signed out only measures redirects)."""
    for _ in range(tries):
        page = user.client.get("/accounts/sign-in/", name="sign-in page")
        with user.client.post("/accounts/sign-in/", name="sign-in", allow_redirects=False,
                              data={"username": email, "password": SEED["password"],
                                    "csrfmiddlewaretoken": _csrf(page.text)},
                              catch_response=True) as response:
            if _done(response):
                return
            response.failure(f"sign-in {email}: {response.status_code}")


class Learner(FastHttpUser):
    """Opens their attempt and types: an autosave every one to four seconds; now and then
    submits, and afterwards only looks at the attempt's status."""

    fixed_count = int(os.environ.get("LOAD_LEARNERS", "150"))
    wait_time = between(1, 4)

    def on_start(self) -> None:
        self.me = SEED["learners"][next(_learners) % len(SEED["learners"])]
        self.url = f"/attempts/{self.me['attempt']}/"
        self.seq = 0
        self.submitted = False
        _sign_in(self, self.me["email"])
        self.token = _csrf(self.client.get(self.url, name="attempt page").text)
        _user_ready()

    def _text(self) -> str:
        self.seq += 1
        return f"{self.me['email']} draft {self.seq} " + "checks for understanding " * 20

    @task(8)
    def autosave(self) -> None:
        if self.submitted:
            self.client.get(self.url, name="attempt page")
            return
        text = self._text()
        with self.client.post(self.url + "autosave/", name="autosave",
                              data={f"prompt_{self.me['prompt']}": text,
                                    "csrfmiddlewaretoken": self.token},
                              headers={"HX-Request": "true"}, catch_response=True) as response:
            if response.status_code == 200 and "Draft saved" in response.text:
                LEDGER["autosaves"][self.me["attempt"]] = text
            else:
                _fail(response)

    @task(1)
    def reopen(self) -> None:
        self.token = _csrf(self.client.get(self.url, name="attempt page").text) or self.token

    @task(1)
    def submit(self) -> None:
        if self.submitted or random.random() > SUBMIT_SHARE * 10:  # noqa: S311 - not security
            return
        text = self._text()
        with self.client.post(self.url, name="submit", allow_redirects=False,
                              data={f"prompt_{self.me['prompt']}": text, "action": "submit",
                                    "integrity": "on", "csrfmiddlewaretoken": self.token},
                              catch_response=True) as response:
            if _done(response):
                LEDGER["autosaves"][self.me["attempt"]] = text
                LEDGER["submitted"][self.me["attempt"]] = True
                self.submitted = True
            else:
                _fail(response)


class Assessor(FastHttpUser):
    """Opens the queue, then a waiting submission, and scores it."""

    fixed_count = int(os.environ.get("LOAD_ASSESSORS", "30"))
    wait_time = between(2, 6)

    def on_start(self) -> None:
        self.me = SEED["assessors"][next(_assessors) % len(SEED["assessors"])]
        self.waiting = list(self.me["waiting"])
        _sign_in(self, self.me["email"])
        _user_ready()

    @task
    def score(self) -> None:
        self.client.get("/assess/", name="assessor queue")
        if not self.waiting:
            return
        item = self.waiting.pop(0)
        url = f"/assess/{item['attempt']}/"
        page = self.client.get(url, name="scoring page")
        data = {"csrfmiddlewaretoken": _csrf(page.text), "summary": "Clear and complete."}
        for criterion in item["criteria"]:
            data[f"criterion_{criterion}_outcome"] = "pass"
            data[f"criterion_{criterion}_feedback"] = "Three checks, well placed."
        with self.client.post(url, name="score", data=data, allow_redirects=False,
                              catch_response=True) as response:
            if _done(response):
                LEDGER["scored"][item["attempt"]] = self.me["email"]
            else:
                _fail(response, 300)


class Visitor(FastHttpUser):
    """Someone shown a credential: opens its public page and verifies it."""

    fixed_count = int(os.environ.get("LOAD_VISITORS", "20"))
    wait_time = between(1, 4)

    def on_start(self) -> None:
        _user_ready()

    @task(2)
    def page(self) -> None:
        self.client.get(f"/credentials/{SEED['credential_id']}/", name="credential page")

    @task(1)
    def verify(self) -> None:
        with self.client.post("/credentials/verify", data=VERIFY_BODY, name="verify",
                              headers={"Content-Type": "application/json"},
                              catch_response=True) as response:
            if response.status_code != 200 or '"errors": []' not in response.text.replace(
                    '"errors":[]', '"errors": []'):
                _fail(response)


@events.request.add_listener
def _time(name: str, response_time: float, exception: object, **_kwargs: object) -> None:
    TIMINGS.append((name, response_time, exception is not None, time.time()))


@events.init.add_listener
def _keep(environment: Environment, **_kwargs: object) -> None:
    _environment.append(environment)


@events.quitting.add_listener
def _write_ledger(**_kwargs: object) -> None:
    with open(os.environ["LOAD_LEDGER"], "w") as handle:
        json.dump({**LEDGER, "timings": TIMINGS}, handle)
