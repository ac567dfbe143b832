"""A local fake of Kdniao's API: an http.server on 127.0.0.1 (random port) in a thread.

It checks every request's DataSign exactly as Kdniao does (refusing a wrong one with `Success: false`),
records subscriptions (RequestType 1008), answers queries (8001) from the traces it holds, and pushes signed
RequestType 101 events to the receiver URL registered with it — as Kdniao does to the URL set in its console.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from parcelhub.carriers.adapters import kdniao


@dataclass
class FakeKdniao:
    ebusiness_id: str
    app_key: str
    push_url: str = ""
    subscriptions: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, str]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    traces: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in urllib.parse.parse_qs(self.rfile.read(length).decode("utf-8")).items()}
                answer = fake.handle(form)
                body = json.dumps(answer, ensure_ascii=False).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/Ebusiness/EbusinessOrderHandle.aspx"

    def start(self) -> FakeKdniao:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    # --- what Kdniao answers --------------------------------------------------------------------------

    def _answer(self, success: bool, reason: str = "", **extra: Any) -> dict[str, Any]:
        return {"EBusinessID": self.ebusiness_id, "UpdateTime": kdniao.format_time(dt.datetime.now(dt.UTC)),
                "Success": success, "Reason": reason, **extra}

    def handle(self, form: dict[str, str]) -> dict[str, Any]:
        self.requests.append(form)
        if form.get("EBusinessID") != self.ebusiness_id or form.get("DataType") != "2":
            self.refused.append("account")
            return self._answer(False, "用户ID或数据类型不正确")
        if not kdniao.signature_valid(form.get("RequestData", ""), form.get("DataSign", ""), self.app_key):
            self.refused.append("sign")
            return self._answer(False, "签名验证失败")
        data = json.loads(form["RequestData"])
        key = (data.get("ShipperCode", ""), data.get("LogisticCode", ""))
        if form.get("RequestType") == kdniao.REQUEST_SUBSCRIBE:
            self.subscriptions.append(data)
            return self._answer(True, EstimatedDeliveryTime="")
        if form.get("RequestType") == kdniao.REQUEST_QUERY:
            traces = self.traces.get(key, [])
            state = traces[-1].get("Action", "0")[:1] if traces else "0"
            return self._answer(True, ShipperCode=key[0], LogisticCode=key[1], State=state,
                                StateEx=traces[-1].get("Action", "") if traces else "", Traces=traces)
        self.refused.append("type")
        return self._answer(False, "不支持的请求类型")

    # --- pushing to our receiver ----------------------------------------------------------------------

    def add_trace(self, shipper: str, waybill: str, when: str, station: str, action: str,
                  location: str = "") -> dict[str, str]:
        trace = {"AcceptTime": when, "AcceptStation": station, "Location": location, "Action": action,
                 "Remark": ""}
        self.traces.setdefault((shipper, waybill), []).append(trace)
        return trace

    def item(self, shipper: str, waybill: str, traces: list[dict[str, str]] | None = None) -> dict[str, Any]:
        """A Data item as Kdniao pushes it: by default every trace so far, the newest one's code as state."""
        traces = self.traces.get((shipper, waybill), []) if traces is None else traces
        newest = max(traces, key=lambda t: t["AcceptTime"])["Action"] if traces else "0"
        callback = next((s.get("CallBack", "") for s in self.subscriptions
                         if (s["ShipperCode"], s["LogisticCode"]) == (shipper, waybill)), "")
        return {"EBusinessID": self.ebusiness_id, "ShipperCode": shipper, "LogisticCode": waybill, "Success": True,
                "Reason": "", "State": newest[:1], "StateEx": newest if len(newest) > 1 else "",
                "CallBack": callback, "Traces": traces}

    def push(self, items: list[dict[str, Any]], *, app_key: str | None = None,
             push_time: dt.datetime | None = None) -> tuple[int, dict[str, Any]]:
        """POST a signed push to the receiver; (HTTP status, decoded acknowledgement)."""
        payload = kdniao.push_payload(ebusiness_id=self.ebusiness_id, push_time=push_time or dt.datetime.now(dt.UTC),
                                      items=items)
        body = kdniao.encode_form(request_data=kdniao.dumps(payload), request_type=kdniao.REQUEST_PUSH,
                                  ebusiness_id=self.ebusiness_id, app_key=app_key or self.app_key)
        request = urllib.request.Request(self.push_url, data=body, method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())
