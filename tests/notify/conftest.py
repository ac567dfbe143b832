"""Notification tests reuse the shipping tests' hand-priced world, funded wallet and live-mode keys, and add a
bought label to move through statuses and a local HTTP server standing in for a merchant's endpoint."""

from __future__ import annotations

import datetime as dt
import http.server
import threading

import pytest

from parcelhub.notify.outbox import outbox_expand_pending
from parcelhub.shipping.models import Shipment
from parcelhub.tracking.services import IncomingEvent, tracking_ingest
from tests.shipping.conftest import AD_HOC_BODY, api_a, api_b, funded, post, world  # noqa: F401

# Recent: messages about statuses older than a day are not sent to people (notify.outbox.STALE_FOR_PEOPLE).
T0 = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=3)


@pytest.fixture
def shipment(api_a, funded):  # noqa: F811 (the imported fixtures)
    body = post(api_a, "/api/v1/shipments", {**AD_HOC_BODY, "buy": {"rule": "cheapest"}}).json()
    return Shipment.objects.get(public_id=body["id"])


def move(shipment, status, hours: int = 0, kind: str = "", text: str = ""):
    """Ingest one event for the shipment (the way a carrier push would), then compose its messages as the
    worker's after-commit job does; their delivery stays queued for after the test's commit."""
    result = tracking_ingest(events=[IncomingEvent(
        carrier=shipment.carrier_code, waybill_no=shipment.waybill_no, occurred_at=T0 + dt.timedelta(hours=hours),
        status=status, description=text or str(status), exception_kind=kind, raw_code=str(status))])
    outbox_expand_pending()
    return result


class Receiver:
    """A merchant's webhook endpoint on 127.0.0.1: records each request, answers with the next queued code."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.codes: list[int] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length", 0))
                receiver.requests.append({"headers": self.headers, "body": self.rfile.read(length),
                                          "path": self.path})
                code = receiver.codes.pop(0) if receiver.codes else 200
                self.send_response(code)
                if 300 <= code < 400:
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if code < 300 else b"nope")

            do_GET = do_POST  # noqa: N815 (a followed redirect would arrive as a GET)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/parcelhub"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def clock_at(monkeypatch):
    """Move parcelhub.core.clock.now to a given time: clock_at(datetime)."""
    from parcelhub.core import clock

    def set_to(when: dt.datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: when)

    return set_to
