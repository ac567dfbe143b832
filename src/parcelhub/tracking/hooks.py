"""Aggregators pushing tracking events to us. No login and no CSRF token: each push proves itself with the
aggregator's signature, and anything unsigned, wrongly signed or unreadable is refused, logged and not stored.

Per-process counters (`PUSH_COUNTERS`) count accepted and refused pushes and stored events, for metrics.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from parcelhub.carriers.adapters import kdniao
from parcelhub.core.jsonio import json_response
from parcelhub.tracking.services import IngestResult, tracking_ingest

logger = logging.getLogger("parcelhub.tracking.hooks")
PUSH_COUNTERS: Counter[str] = Counter()


def _ack(ebusiness_id: str, *, success: bool, reason: str = "", status: int = 200) -> HttpResponse:
    return json_response({"EBusinessID": ebusiness_id, "UpdateTime": kdniao.format_time(dt.datetime.now(dt.UTC)),
                          "Success": success, "Reason": reason}, status=status)


def kdniao_push_process(form, *, remote_addr: str = "") -> tuple[int, str, IngestResult | None]:
    """Verify, read, map and ingest one Kdniao push (the whole push in one tracking_ingest call).
    Returns (HTTP status, reason for a refusal or "", the ingest result when accepted)."""
    app_key = getattr(settings, "KDNIAO_APP_KEY", "")
    ours = getattr(settings, "KDNIAO_EBUSINESS_ID", "")
    if not app_key:
        logger.error("Kdniao push from %s refused: KDNIAO_APP_KEY is not configured", remote_addr)
        PUSH_COUNTERS["kdniao.refused"] += 1
        return 503, "receiver not configured", None
    try:
        push = kdniao.parse_push(form, app_key=app_key, ebusiness_id=ours)
    except kdniao.PushRejected as exc:
        PUSH_COUNTERS["kdniao.refused_signature" if exc.signature else "kdniao.refused"] += 1
        logger.warning("Kdniao push refused (%s): EBusinessID=%r remote=%s", exc.reason,
                       form.get("EBusinessID", ""), remote_addr)
        return exc.status, exc.reason, None
    result = tracking_ingest(events=push.events)
    PUSH_COUNTERS["kdniao.accepted"] += 1
    PUSH_COUNTERS["kdniao.events_stored"] += result.stored
    PUSH_COUNTERS["kdniao.events_duplicate"] += result.duplicates
    if push.skipped or result.unknown:
        logger.info("Kdniao push: %d items skipped, %d events for waybills we do not track",
                    len(push.skipped), len(result.unknown))
    return 200, "", result


@csrf_exempt
@require_POST
def kdniao_push(request: HttpRequest) -> HttpResponse:
    """RequestType 101. Kdniao retries a push until it gets `Success: true`."""
    ours = getattr(settings, "KDNIAO_EBUSINESS_ID", "")
    remote = request.META.get("REMOTE_ADDR", "")
    try:
        if request.content_type in ("application/x-www-form-urlencoded", ""):
            form = kdniao.decode_form(request.body)   # Django's form parser is the slow part of a big push
        else:
            form = request.POST
    except RequestDataTooBig:
        logger.warning("Kdniao push refused (body over DATA_UPLOAD_MAX_MEMORY_SIZE): remote=%s", remote)
        PUSH_COUNTERS["kdniao.refused"] += 1
        return _ack(ours, success=False, reason="push too large", status=413)
    except Exception:  # an unparseable body (bad multipart, not UTF-8) is the sender's fault
        form = {}
    status, reason, _ = kdniao_push_process(form, remote_addr=remote)
    return _ack(ours, success=status == 200, reason=reason, status=status)
