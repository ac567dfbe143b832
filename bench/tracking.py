"""Benchmark: receiving Kdniao tracking pushes against a bare bulk insert of the same event rows, in one run.

    .venv/bin/python bench/tracking.py [--events 100000] [--per-tracking 10] [--items 100] [--without-receivers]

Needs PostgreSQL: DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test) names the server; the
benchmark creates its own scratch database `parcelhub_bench_tracking_<pid>` there, migrates it, and drops it at the end, so
it never touches the tests' databases.

Creates events ÷ per-tracking trackings (bulk), builds the events as Kdniao pushes (RequestType 101, each push
--items Data items of one new trace, signed), then times
* receiver: the view `tracking.hooks.kdniao_push` called in-process on prepared form-POST requests — form
  parsing, signature check, JSON, mapping, one `tracking_ingest` per push, the acknowledgement;
* bare: `bulk_create` of the very TrackingEvent rows the receiver stored (table emptied first), 1,000 a batch.
Prints a Markdown table with events/s and the ratio. The status_changed receivers connected in the project
(the notification outbox's bare row) run as in production unless --without-receivers; the one follow-up job
per ingest (issues, ETA, composing messages) is queued as deployed without Redis, into a scratch SQLite queue
that no worker reads, so what it does later is not timed. --profile PATH writes a cProfile of the receiver loop.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

# Its own name per run: another benchmark (or a second run) dropping a shared scratch name kills this one.
SCRATCH = f"parcelhub_bench_tracking_{os.getpid()}"
ACCOUNT, KEY = "1000001", "bench-app-key"
# One parcel's life as Kdniao Action codes, hours after the first scan; one late transfer scan (index 7)
# arrives after "out for delivery" but is older than it.
LIFE = [(0, "1", "【义乌市】快件已揽收"), (3, "2", "快件离开【义乌】发往【杭州】"), (9, "204", "快件到达【杭州转运中心】"),
        (12, "2", "快件离开【杭州转运中心】"), (18, "201", "快件到达【杭州市】"), (20, "205", "到达【西湖区文三路网点】"),
        (22, "202", "【杭州市】快递员正在派件"), (19, "2", "快件到达【杭州分拨】"), (23, "211", "已放入【文三路驿站】"),
        (30, "311", "已签收，驿站代收")]


def scratch_url(server_url: str) -> str:
    parts = urllib.parse.urlsplit(server_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{SCRATCH}"))


def recreate_scratch(server_url: str, *, drop_only: bool = False) -> None:
    import psycopg

    admin = urllib.parse.urlunsplit(urllib.parse.urlsplit(server_url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{SCRATCH}"')


def build_trackings(count: int) -> list[tuple[str, str]]:
    from parcelhub.accounts.models import Merchant
    from parcelhub.geo.models import Region
    from parcelhub.shipping.models import Shipment
    from parcelhub.tracking.models import Tracking

    merchant = Merchant.objects.create(name="基准测试商家", contact_name="联系人", phone="13800138000")
    origin, destination = Region.objects.get(adcode="330782"), Region.objects.get(adcode="330106")
    carriers = ["zto", "yto", "sto", "yunda", "jt", "sf", "jd", "ems"]
    now = dt.datetime.now(dt.UTC)
    shipments = [Shipment(public_id=f"shp_bench{i:08d}", merchant=merchant, status=Shipment.Status.PURCHASED,
                          sender_name="发件人", sender_phone="13800138000", sender_region=origin,
                          recipient_name="收件人", recipient_phone="13900139000", recipient_region=destination,
                          weight_g=1000, carrier_code=carriers[i % len(carriers)], service_code="standard",
                          waybill_no=f"BENCH{i:010d}", purchased_at=now) for i in range(count)]
    Shipment.objects.bulk_create(shipments, batch_size=2000)
    Tracking.objects.bulk_create([Tracking(shipment=s, carrier_code=s.carrier_code, waybill_no=s.waybill_no)
                                  for s in shipments], batch_size=2000)
    return [(s.carrier_code, s.waybill_no) for s in shipments]


def build_pushes(parcels: list[tuple[str, str]], per_tracking: int, items_per_push: int) -> list[bytes]:
    from parcelhub.carriers.adapters import kdniao

    start = dt.datetime(2026, 11, 20, 8, 0, tzinfo=kdniao.SHANGHAI)
    items = []
    for step in range(per_tracking):
        hours, action, text = LIFE[step % len(LIFE)]
        for n, (carrier, waybill) in enumerate(parcels):
            when = start + dt.timedelta(hours=hours + 24 * (step // len(LIFE)), minutes=n % 60)
            items.append({"EBusinessID": ACCOUNT, "ShipperCode": kdniao.SHIPPER_CODES[carrier],
                          "LogisticCode": waybill, "Success": True, "Reason": "", "State": action[:1],
                          "StateEx": action if len(action) > 1 else "", "CallBack": "",
                          "Traces": [{"AcceptTime": kdniao.format_time(when), "AcceptStation": text,
                                      "Location": "杭州市", "Action": action}]})
    bodies = []
    for first in range(0, len(items), items_per_push):
        payload = kdniao.push_payload(ebusiness_id=ACCOUNT, push_time=start + dt.timedelta(days=3),
                                      items=items[first:first + items_per_push])
        bodies.append(kdniao.encode_form(request_data=kdniao.dumps(payload), request_type=kdniao.REQUEST_PUSH,
                                         ebusiness_id=ACCOUNT, app_key=KEY))
    return bodies


def run(args: argparse.Namespace) -> int:
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False   # no query log: it would grow by every query of the run
    settings.KDNIAO_EBUSINESS_ID, settings.KDNIAO_APP_KEY = ACCOUNT, KEY
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import RequestFactory

    from parcelhub.notify.models import ChangeBatch
    from parcelhub.tracking import hooks
    from parcelhub.tracking.models import Tracking, TrackingEvent
    from parcelhub.tracking.services import status_changed

    if args.without_receivers:
        status_changed.receivers = []
        status_changed.sender_receivers_cache.clear()
    call_command("migrate", verbosity=0)
    parcels = build_trackings(args.events // args.per_tracking)
    bodies = build_pushes(parcels, args.per_tracking, args.items)
    factory = RequestFactory()
    requests = [factory.post("/hooks/kdniao", data=body, content_type="application/x-www-form-urlencoded")
                for body in bodies]
    total = len(parcels) * args.per_tracking

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    for request in requests:
        response = hooks.kdniao_push(request)
        if response.status_code != 200:
            print(f"push refused: {response.content!r}", file=sys.stderr)
            return 1
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    receiver_s = time.perf_counter() - started
    stored = TrackingEvent.objects.count()
    delivered = Tracking.objects.filter(status="delivered").count()
    batches = list(ChangeBatch.objects.values_list("changes", flat=True))
    outbox_rows = f"{len(batches):,} change batches ({sum(map(len, batches)):,} status changes) for the worker"

    rows = [TrackingEvent(**values) for values in TrackingEvent.objects.values(
        "tracking_id", "occurred_at", "status", "exception_kind", "raw_code", "description", "location", "source",
        "dedupe_key", "received_at")]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TrackingEvent._meta.db_table}")
    started = time.perf_counter()
    with transaction.atomic():
        TrackingEvent.objects.bulk_create(rows, batch_size=1000)
    bare_s = time.perf_counter() - started

    receiver_rate, bare_rate = total / receiver_s, len(rows) / bare_s
    print(f"Tracking pushes, {total:,} events in {len(bodies):,} pushes of {args.items} items "
          f"({len(parcels):,} parcels × {args.per_tracking}); PostgreSQL {connection.pg_version // 10000}, "
          f"Python {platform.python_version()}, receivers {'off' if args.without_receivers else 'on'}\n")
    print("| path | events | seconds | events/s | vs bare |")
    print("|---|---:|---:|---:|---:|")
    print(f"| receiver: parse + verify + map + tracking_ingest | {total:,} | {receiver_s:.2f} | "
          f"{receiver_rate:,.0f} | {receiver_rate / bare_rate:.0%} |")
    print(f"| bare bulk_create of the same rows | {len(rows):,} | {bare_s:.2f} | {bare_rate:,.0f} | 100% |")
    print(f"\nstored {stored:,} of {total:,} events; {delivered:,} of {len(parcels):,} parcels delivered; "
          f"outbox: {outbox_rows}; "
          f"target ≥ 25 %: {'met' if receiver_rate >= 0.25 * bare_rate else 'MISSED'}")
    return 0 if stored == total else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--per-tracking", type=int, default=10)
    parser.add_argument("--items", type=int, default=100, help="Data items per push")
    parser.add_argument("--without-receivers", action="store_true", help="disconnect status_changed receivers")
    parser.add_argument("--profile", metavar="PATH", help="write a cProfile of the receiver loop to PATH")
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    if not server.startswith(("postgres://", "postgresql://")):
        print("bench/tracking.py needs PostgreSQL: set DATABASE_URL to a postgresql:// URL", file=sys.stderr)
        return 2
    recreate_scratch(server)
    os.environ["DATABASE_URL"] = scratch_url(server)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parcelhub.settings")
    # The after-commit jobs are queued as deployed without Redis (SQLite-backed Huey), in a scratch queue:
    # the project's own queue must not receive jobs about rows of the scratch database.
    os.environ["PARCELHUB_VAR_DIR"] = tempfile.mkdtemp(prefix="parcelhub_bench_tracking_")
    try:
        return run(args)
    finally:
        from django.db import connections

        connections.close_all()
        recreate_scratch(server, drop_only=True)
        shutil.rmtree(os.environ["PARCELHUB_VAR_DIR"], ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
