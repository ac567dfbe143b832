"""快递鸟 (Kdniao) aggregator protocol: request signing, the subscription and query client, and the mapping of
its State / StateEx / Action codes and pushes to our IncomingEvent.

Every request, ours and theirs, is a form-POST (application/x-www-form-urlencoded) of
`RequestData` (JSON text), `EBusinessID`, `RequestType`, `DataSign`, `DataType=2`, where
DataSign = base64(md5_hex_lowercase(RequestData + AppKey)) computed over the raw JSON text, then URL-encoded
once, like every other field, by the form encoding.

Settings (read with getattr so an unconfigured deployment still starts): KDNIAO_EBUSINESS_ID, KDNIAO_APP_KEY,
KDNIAO_API_URL. The push URL itself (our `hooks/kdniao`) is registered in Kdniao's console, not per request;
`Callback` is Kdniao's echo field, returned unchanged in every push of the subscribed waybill.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import re
import urllib.error
import urllib.parse
import urllib.request
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from django.conf import settings

from parcelhub.core.errors import DomainError
from parcelhub.tracking.services import IncomingEvent
from parcelhub.tracking.status import ExceptionKind, Status

DEFAULT_API_URL = "https://api.kdniao.com/Ebusiness/EbusinessOrderHandle.aspx"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
SOURCE = "kdniao"

REQUEST_SUBSCRIBE = "1008"   # 轨迹订阅
REQUEST_QUERY = "8001"       # 即时查询 (the edition that answers StateEx and per-trace Action)
REQUEST_PUSH = "101"         # 轨迹推送, from them to us

# Our carrier code -> Kdniao ShipperCode.
SHIPPER_CODES: dict[str, str] = {
    "sf": "SF", "zto": "ZTO", "yto": "YTO", "sto": "STO", "yunda": "YD", "jt": "JTSD", "jd": "JD", "ems": "EMS",
}
CARRIER_FOR_SHIPPER: dict[str, str] = {shipper: carrier for carrier, shipper in SHIPPER_CODES.items()}

E = Status.EXCEPTION
# State / StateEx / Action code -> (our status, exception kind, what it means in Kdniao's words).
# Decisions where Kdniao is vaguer than our statuses:
# * 405 派件异常 is a failed delivery attempt the carrier will retry (absent consignee, closed shop); the
#   address-specific failures have their own codes (420 / 421 / 423), so 405 is `delayed`, not address_problem.
# * 413 拦截 is, for merchants, nearly always "intercept and send back": returning.
# * 416 无法联系 means the consignee's details do not reach anyone: address_problem (merchant must fix them).
# * 401 发货无信息 is a Kdniao problem state (State 4): exception no_update.
# * 4 alone (a problem without detail) is an exception of unknown kind.
# * 5 转寄 and 6 / 601–603 customs keep the parcel moving: in_transit; 604 清关异常 is delayed.
CODES: dict[str, tuple[Status, str, str]] = {
    "0": (Status.CREATED, "", "暂无轨迹信息"),
    "10": (Status.CREATED, "", "待揽件"),
    "1": (Status.PICKED_UP, "", "已揽收"),
    "2": (Status.IN_TRANSIT, "", "在途中"),
    "201": (Status.ARRIVED_AT_DESTINATION_CITY, "", "到达派件城市"),
    "202": (Status.OUT_FOR_DELIVERY, "", "派件中"),
    "204": (Status.IN_TRANSIT, "", "到达转运中心"),
    "205": (Status.ARRIVED_AT_DESTINATION_CITY, "", "到达派件网点"),
    "206": (Status.IN_TRANSIT, "", "寄件网点发件"),
    "211": (Status.AVAILABLE_FOR_PICKUP, "", "已放入快递柜或驿站"),
    "3": (Status.DELIVERED, "", "已签收"),
    "301": (Status.DELIVERED, "", "正常签收"),
    "302": (Status.DELIVERED, "", "派件异常后最终签收"),
    "304": (Status.DELIVERED, "", "代收签收"),
    "311": (Status.DELIVERED, "", "快递柜或驿站签收"),
    "4": (E, "", "问题件"),
    "401": (E, ExceptionKind.NO_UPDATE, "发货无信息"),
    "402": (E, ExceptionKind.DELAYED, "超时未签收"),
    "403": (E, ExceptionKind.NO_UPDATE, "超时未更新"),
    "404": (E, ExceptionKind.REFUSED, "拒收（退件）"),
    "405": (E, ExceptionKind.DELAYED, "派件异常"),
    "406": (Status.RETURNED, "", "退货签收"),
    "407": (Status.RETURNING, "", "退货未签收"),
    "412": (E, ExceptionKind.DELAYED, "快递柜或驿站超时未取"),
    "413": (Status.RETURNING, "", "单号已拦截"),
    "414": (E, ExceptionKind.DAMAGED, "破损"),
    "415": (Status.CANCELLED, "", "客户取消发货"),
    "416": (E, ExceptionKind.ADDRESS_PROBLEM, "无法联系"),
    "417": (E, ExceptionKind.DELAYED, "配送延迟"),
    "418": (Status.OUT_FOR_DELIVERY, "", "快件取出"),
    "419": (Status.OUT_FOR_DELIVERY, "", "重新派送"),
    "420": (E, ExceptionKind.ADDRESS_PROBLEM, "收货地址不详细"),
    "421": (E, ExceptionKind.ADDRESS_PROBLEM, "收件人电话错误"),
    "422": (E, ExceptionKind.DELAYED, "错分件"),
    "423": (E, ExceptionKind.ADDRESS_PROBLEM, "超区件"),
    "5": (Status.IN_TRANSIT, "", "转寄"),
    "6": (Status.IN_TRANSIT, "", "清关"),
    "601": (Status.IN_TRANSIT, "", "待清关"),
    "602": (Status.IN_TRANSIT, "", "清关中"),
    "603": (Status.IN_TRANSIT, "", "已清关"),
    "604": (E, ExceptionKind.DELAYED, "清关异常"),
}


class KdniaoError(DomainError):
    """Kdniao could not be reached, answered something unreadable, or said no (`Success: false`)."""

    def __init__(self, code: str, message: str, message_zh: str, *, reason: str = "") -> None:
        super().__init__(code, message, message_zh, status=502, details={"reason": reason} if reason else None)
        self.reason = reason


class PushRejected(Exception):
    """A push we refuse: `status` is the HTTP answer, `reason` goes into the failure acknowledgement."""

    def __init__(self, reason: str, *, status: int = 400, signature: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.signature = signature


# --- signing ---------------------------------------------------------------------------------------------


def sign(request_data: str, app_key: str) -> str:
    """DataSign before the form's URL-encoding: base64 of the lowercase hex MD5 digest's ASCII bytes."""
    digest = hashlib.md5((request_data + app_key).encode("utf-8")).hexdigest()
    return base64.b64encode(digest.encode("ascii")).decode("ascii")


def signature_valid(request_data: str, data_sign: str, app_key: str) -> bool:
    if not data_sign or not app_key:
        return False
    # Some senders URL-encode DataSign once more than the form does; base64 never contains "%".
    given = urllib.parse.unquote(data_sign) if "%" in data_sign else data_sign
    return hmac.compare_digest(given.encode("ascii", "replace"), sign(request_data, app_key).encode("ascii"))


def encode_form(*, request_data: str, request_type: str, ebusiness_id: str, app_key: str) -> bytes:
    return urllib.parse.urlencode({
        "RequestData": request_data, "EBusinessID": ebusiness_id, "RequestType": request_type,
        "DataSign": sign(request_data, app_key), "DataType": "2",
    }).encode("ascii")


_FORM_ALPHABET = re.compile(rb"[A-Za-z0-9._~*+%=&-]*")
_BAD_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")


def _unquote_plus(raw: bytes) -> str:
    # binascii's quoted-printable decoder is C: with "%" turned into "=" it decodes %XX escapes ~20 times
    # faster than urllib's, which matters for pushes of a few hundred kB. decode_form only comes here for
    # bodies where both decoders agree (no raw whitespace or newlines, no malformed escape).
    return binascii.a2b_qp(raw.replace(b"+", b" ").replace(b"%", b"=")).decode("utf-8")


def decode_form(body: bytes) -> dict[str, str]:
    """An application/x-www-form-urlencoded body as {name: last value}, like Django's request.POST.
    UnicodeDecodeError when the decoded bytes are not UTF-8."""
    if not _FORM_ALPHABET.fullmatch(body) or _BAD_ESCAPE.search(body):
        return dict(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    form = {}
    for pair in body.split(b"&"):
        if pair:
            name, _, value = pair.partition(b"=")
            form[_unquote_plus(name)] = _unquote_plus(value)
    return form


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def parse_time(text: str) -> dt.datetime:
    """Kdniao times are Beijing wall-clock, "2026-11-20 09:00:00" (some carriers use slashes)."""
    text = text.strip().replace("/", "-")
    # fromisoformat is several times faster than strptime; the length check keeps it to exactly this form.
    naive = dt.datetime.fromisoformat(text) if len(text) == 19 and text[10] == " " else \
        dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    return naive.replace(tzinfo=SHANGHAI)


def format_time(moment: dt.datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


# --- client ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trace:
    occurred_at: dt.datetime
    station: str
    location: str = ""
    action: str = ""


@dataclass(frozen=True)
class QueryResult:
    carrier: str
    waybill_no: str
    state: str
    state_ex: str
    traces: tuple[Trace, ...]


@dataclass(frozen=True)
class Subscription:
    carrier: str
    waybill_no: str
    update_time: str
    estimated_delivery: str = ""


def shipper_code(carrier: str) -> str:
    try:
        return SHIPPER_CODES[carrier]
    except KeyError:
        raise KdniaoError("kdniao_carrier_unsupported", f"Kdniao has no shipper code for “{carrier}”.",
                          f"快递鸟不支持快递公司“{carrier}”。") from None


class KdniaoClient:
    """Speaks to Kdniao (or the local fake in tests) with the account in settings unless given one."""

    def __init__(self, *, ebusiness_id: str | None = None, app_key: str | None = None, api_url: str | None = None,
                 timeout: float = 10.0) -> None:
        self.ebusiness_id = ebusiness_id if ebusiness_id is not None else getattr(settings, "KDNIAO_EBUSINESS_ID", "")
        self.app_key = app_key if app_key is not None else getattr(settings, "KDNIAO_APP_KEY", "")
        self.api_url = api_url or getattr(settings, "KDNIAO_API_URL", "") or DEFAULT_API_URL
        self.timeout = timeout
        if not self.ebusiness_id or not self.app_key:
            raise KdniaoError("kdniao_not_configured", "Kdniao is not configured (KDNIAO_EBUSINESS_ID, KDNIAO_APP_KEY).",
                              "未配置快递鸟账号（KDNIAO_EBUSINESS_ID、KDNIAO_APP_KEY）。")

    def call(self, request_type: str, data: Mapping[str, Any]) -> dict[str, Any]:
        body = encode_form(request_data=dumps(data), request_type=request_type, ebusiness_id=self.ebusiness_id,
                           app_key=self.app_key)
        request = urllib.request.Request(self.api_url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded;charset=utf-8"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raise KdniaoError("kdniao_http_error", f"Kdniao answered HTTP {exc.code}.",
                              f"快递鸟返回 HTTP {exc.code}。", reason=str(exc.code)) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise KdniaoError("kdniao_unreachable", "Kdniao could not be reached; try again later.",
                              "无法连接快递鸟，请稍后重试。", reason=str(exc)) from exc
        try:
            answer = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise KdniaoError("kdniao_bad_response", "Kdniao answered something that is not JSON.",
                              "快递鸟返回的内容不是 JSON。", reason=raw[:200].decode("utf-8", "replace")) from exc
        if not isinstance(answer, dict):
            raise KdniaoError("kdniao_bad_response", "Kdniao's answer is not a JSON object.",
                              "快递鸟返回的内容格式不正确。")
        if answer.get("Success") is not True:
            reason = str(answer.get("Reason") or "")
            raise KdniaoError("kdniao_refused", f"Kdniao refused the request: {reason or 'no reason given'}.",
                              f"快递鸟拒绝了请求：{reason or '未说明原因'}。", reason=reason)
        return answer

    def subscribe(self, *, carrier: str, waybill_no: str, callback: str = "",
                  customer_name: str = "") -> Subscription:
        """RequestType 1008. `customer_name` is what SF wants: the last four digits of a phone on the waybill."""
        data = {"ShipperCode": shipper_code(carrier), "LogisticCode": waybill_no, "CallBack": callback,
                "CustomerName": customer_name, "OrderCode": ""}
        answer = self.call(REQUEST_SUBSCRIBE, data)
        return Subscription(carrier=carrier, waybill_no=waybill_no, update_time=str(answer.get("UpdateTime") or ""),
                            estimated_delivery=str(answer.get("EstimatedDeliveryTime") or ""))

    def query(self, *, carrier: str, waybill_no: str, customer_name: str = "") -> QueryResult:
        data = {"ShipperCode": shipper_code(carrier), "LogisticCode": waybill_no, "CustomerName": customer_name,
                "OrderCode": ""}
        answer = self.call(REQUEST_QUERY, data)
        try:
            traces = tuple(Trace(parse_time(t["AcceptTime"]), str(t.get("AcceptStation") or ""),
                                 str(t.get("Location") or ""), str(t.get("Action") or ""))
                           for t in answer.get("Traces") or [])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise KdniaoError("kdniao_bad_response", "Kdniao's traces could not be read.",
                              "无法读取快递鸟返回的轨迹。", reason=str(exc)) from exc
        return QueryResult(carrier=carrier, waybill_no=waybill_no, state=str(answer.get("State") or ""),
                           state_ex=str(answer.get("StateEx") or ""), traces=traces)


# --- mapping ---------------------------------------------------------------------------------------------


def map_code(code: str) -> tuple[Status, str] | None:
    entry = CODES.get(str(code).strip())
    return (entry[0], str(entry[1])) if entry else None


def _item_code(item: Mapping[str, Any]) -> str:
    state_ex = str(item.get("StateEx") or "").strip()
    return state_ex if state_ex in CODES else str(item.get("State") or "").strip()


def _older_fallback(status: Status) -> Status:
    # A trace without an Action code that is not the newest: we only know it happened before the current state.
    return status if status in (Status.CREATED, Status.PICKED_UP) else Status.IN_TRANSIT


def item_events(item: Mapping[str, Any], carrier: str, *, push_time: dt.datetime) -> list[IncomingEvent]:
    """The events of one Data item (one waybill).

    A trace with an `Action` maps that code. Traces without one (the basic subscription) carry raw_code "" —
    Kdniao resends every trace in each push, so the code must not depend on the trace's position — and the
    newest of them takes the item's State/StateEx. A problem state Kdniao itself raises without a new carrier
    scan (403 超时未更新, 412 超时未取…) becomes one event of its own, timed at the newest trace, so it is stored
    once however often it is pushed.
    """
    waybill = str(item["LogisticCode"])
    code = _item_code(item)
    item_status = map_code(code)
    traces = sorted(((parse_time(t["AcceptTime"]), t) for t in item.get("Traces") or []), key=lambda pair: pair[0])
    events: list[IncomingEvent] = []
    for index, (occurred_at, trace) in enumerate(traces):
        action = str(trace.get("Action") or "").strip()
        mapped = map_code(action) if action else None
        if mapped is None:
            if item_status is None:
                mapped = (Status.IN_TRANSIT, "")
            elif index == len(traces) - 1 and item_status[0] != Status.EXCEPTION:
                mapped = item_status
            else:
                mapped = (_older_fallback(item_status[0]), "")
        events.append(IncomingEvent(
            carrier=carrier, waybill_no=waybill, occurred_at=occurred_at, status=mapped[0],
            exception_kind=mapped[1], description=str(trace.get("AcceptStation") or "")[:300],
            location=str(trace.get("Location") or ""), raw_code=action, source=SOURCE))
    if item_status is not None and item_status[0] == Status.EXCEPTION and not any(
            e.status == Status.EXCEPTION and e.exception_kind == item_status[1] for e in events):
        reason = str(item.get("Reason") or "").strip()
        events.append(IncomingEvent(
            carrier=carrier, waybill_no=waybill, occurred_at=events[-1].occurred_at if events else push_time,
            status=Status.EXCEPTION, exception_kind=item_status[1], description=reason or CODES[code][2],
            raw_code=code, source=SOURCE))
    return events


@dataclass
class ParsedPush:
    ebusiness_id: str
    push_time: dt.datetime
    events: list[IncomingEvent]
    skipped: list[str]      # waybills of items we could not use (unknown shipper, Success false)


def parse_push(form: Mapping[str, str], *, app_key: str, ebusiness_id: str) -> ParsedPush:
    """Verify and read a push (RequestType 101). PushRejected for anything we refuse; nothing is stored here."""
    request_data = form.get("RequestData") or ""
    if not signature_valid(request_data, form.get("DataSign") or "", app_key):
        raise PushRejected("DataSign is missing or wrong", signature=True)
    request_type = form.get("RequestType") or REQUEST_PUSH
    if request_type != REQUEST_PUSH:
        raise PushRejected(f"RequestType {request_type} is not a push")
    try:
        data = orjson.loads(request_data)   # a push carries up to a few hundred kB of traces
    except orjson.JSONDecodeError:
        raise PushRejected("RequestData is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("Data"), list):
        raise PushRejected("RequestData has no Data list")
    sender = str(data.get("EBusinessID") or form.get("EBusinessID") or "")
    if ebusiness_id and sender != ebusiness_id:
        raise PushRejected("EBusinessID is not ours")
    try:
        push_time = parse_time(str(data["PushTime"])) if data.get("PushTime") else dt.datetime.now(SHANGHAI)
    except ValueError:
        raise PushRejected("PushTime is not a time") from None
    events: list[IncomingEvent] = []
    skipped: list[str] = []
    for item in data["Data"]:
        try:
            if not isinstance(item, dict) or not item.get("LogisticCode"):
                raise PushRejected("a Data item has no LogisticCode")
            carrier = CARRIER_FOR_SHIPPER.get(str(item.get("ShipperCode") or ""))
            if carrier is None or item.get("Success") is False:
                skipped.append(str(item["LogisticCode"]))
                continue
            events.extend(item_events(item, carrier, push_time=push_time))
        except (KeyError, TypeError, ValueError, AttributeError):
            raise PushRejected("a Data item's traces could not be read") from None
    return ParsedPush(ebusiness_id=sender, push_time=push_time, events=events, skipped=skipped)


def push_payload(*, ebusiness_id: str, push_time: dt.datetime, items: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A push body as Kdniao builds it (used by the fake server and the benchmark)."""
    return {"EBusinessID": ebusiness_id, "PushTime": format_time(push_time), "Count": str(len(items)),
            "Data": list(items)}
