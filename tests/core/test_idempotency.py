from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest

from parcelhub.core.idempotency import idempotency_purge
from parcelhub.core.models import IdempotencyRecord
from tests.rating.world import build_small_world

pytestmark = pytest.mark.django_db

BODY = {"origin": {"address": "浙江省义乌市稠城街道工人北路1号"}, "destination": {"province": "浙江"},
        "parcel": {"weight_g": 1000}}


@pytest.fixture
def world(db):
    return build_small_world()


def post(client, body, key):
    return client.post("/api/v1/rates", data=json.dumps(body), content_type="application/json",
                       HTTP_IDEMPOTENCY_KEY=key)


def test_retry_replays_the_first_answer(api_a, world):
    first = post(api_a, BODY, "k-1")
    assert first.status_code == 200 and "Idempotent-Replayed" not in first
    again = post(api_a, BODY, "k-1")
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert IdempotencyRecord.objects.count() == 1


def test_same_key_with_another_body_is_refused(api_a, world):
    post(api_a, BODY, "k-2")
    response = post(api_a, {**BODY, "parcel": {"weight_g": 2000}}, "k-2")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"


def test_client_errors_are_replayed_too(api_a, world):
    bad = {**BODY, "parcel": {"weight_g": -1}}
    assert post(api_a, bad, "k-3").status_code == 422
    replay = post(api_a, bad, "k-3")
    assert (replay.status_code, replay["Idempotent-Replayed"]) == (422, "true")


def test_keys_are_scoped_per_merchant(api_a, api_b, world):
    post(api_a, BODY, "shared")
    response = post(api_b, {**BODY, "parcel": {"weight_g": 3000}}, "shared")
    assert response.status_code == 200
    assert "Idempotent-Replayed" not in response
    assert response.json()["rates"][0]["billable_weight_g"] == 3000
    assert IdempotencyRecord.objects.filter(key="shared").count() == 2


def test_in_flight_key_answers_409(api_a, merchant_a, world):
    IdempotencyRecord.objects.create(scope=merchant_a[0].public_id, key="busy", method="POST",
                                     path="/api/v1/rates", request_hash=_hash(BODY))
    response = post(api_a, BODY, "busy")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_in_progress"


def test_records_older_than_a_day_are_purged(api_a, world):
    post(api_a, BODY, "old")
    post(api_a, BODY, "new")
    IdempotencyRecord.objects.filter(key="old").update(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert idempotency_purge() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


def _hash(body) -> str:
    return hashlib.sha256(json.dumps(body).encode()).hexdigest()
