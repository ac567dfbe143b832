"""activity_log: the merchant timeline others write to; notes are activities of kind "note"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from parcelhub.core.errors import DomainError
from parcelhub.core.models import AuditLog
from parcelhub.crm.models import Activity
from parcelhub.crm.services import activity_log, note_add


def test_an_activity_is_stored_with_its_audit_row(merchant_a, operator_factory):
    merchant, _ = merchant_a
    am = operator_factory("account_manager")
    at = timezone.make_aware(dt.datetime(2026, 11, 2, 15, 30))
    activity = activity_log(merchant=merchant, kind="call", summary="  回访：下月大促备货  ", actor=am, at=at,
                            ref="tsk_1", details={"outcome": "called"})
    stored = Activity.objects.get()
    assert (stored.merchant, stored.kind, stored.summary, stored.actor, stored.at, stored.ref, stored.details) == (
        merchant, "call", "回访：下月大促备货", am, at, "tsk_1", {"outcome": "called"})
    assert stored.public_id.startswith("act_") and stored.kind_label == "Call"
    audit = AuditLog.objects.get(action="crm.activity_log")
    assert (audit.merchant, audit.actor, audit.target_id, audit.data) == (merchant, am, activity.public_id,
                                                                          {"kind": "call"})


def test_a_note_is_a_note_activity_and_custom_kinds_are_allowed(merchant_a, operator_factory):
    merchant, _ = merchant_a
    note = note_add(merchant=merchant, text="客户要求月结", actor=operator_factory())
    custom = activity_log(merchant=merchant, kind="churn_alert", summary="volume −62% vs baseline over 9 days",
                          actor=AnonymousUser())   # a job or an anonymous request: no actor
    assert (note.kind, note.is_note, custom.kind_label, custom.actor) == ("note", True, "churn alert", None)
    assert list(Activity.objects.filter(merchant=merchant).values_list("kind", flat=True)) == ["churn_alert", "note"]


@pytest.mark.parametrize("kind,summary,code", [("", "x", "activity_kind_invalid"),
                                               ("k" * 33, "x", "activity_kind_invalid"),
                                               ("note", "   ", "activity_summary_required")])
def test_bad_input_writes_nothing(merchant_a, kind, summary, code):
    with pytest.raises(DomainError) as error:
        activity_log(merchant=merchant_a[0], kind=kind, summary=summary)
    assert (error.value.code, error.value.status) == (code, 422)
    assert (Activity.objects.count(), AuditLog.objects.filter(action="crm.activity_log").count()) == (0, 0)
