"""One endpoint per run, chosen by ``BENCH_TARGET`` (floor, page, verify); see web.py."""

from __future__ import annotations

import json
import os

from locust import FastHttpUser, constant, task

PAYLOAD = json.loads(open(os.environ["BENCH_PAYLOAD"]).read())  # noqa: SIM115
TARGET = os.environ["BENCH_TARGET"]
BODY = json.dumps(PAYLOAD["verify"])


class Visitor(FastHttpUser):
    wait_time = constant(0)

    @task
    def load(self) -> None:
        if TARGET == "floor":
            self.client.get("/healthz", name="floor")
        elif TARGET == "page":
            self.client.get(f"/credentials/{PAYLOAD['public_id']}/", name="page")
        else:
            with self.client.post("/credentials/verify", data=BODY, name="verify",
                                  headers={"Content-Type": "application/json"},
                                  catch_response=True) as response:
                if response.status_code != 200 or '"errors": []' not in response.text.replace(
                        '"errors":[]', '"errors": []'):
                    response.failure(f"{response.status_code}: {response.text[:200]}")
