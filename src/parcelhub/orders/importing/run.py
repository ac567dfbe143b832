"""The background part of an import: read the stored file, then check and write it chunk by chunk.

Each chunk is one transaction holding its orders and the job's progress, so the progress page never counts
orders that are not there. Rows with problems are never written; the orders around them are.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from django.db import IntegrityError, transaction
from django.db.models import F

from parcelhub.core import clock
from parcelhub.core.audit import audit
from parcelhub.core.errors import DomainError
from parcelhub.orders.building import build_order, check_items, skus_by_code
from parcelhub.orders.importing.drafts import OrderDraft, RowError, group_rows
from parcelhub.orders.importing.layouts import ADDRESS_FIELDS, LAYOUTS, Layout
from parcelhub.orders.importing.reading import read_upload
from parcelhub.orders.models import Order, OrderImport, OrderItem
from parcelhub.orders.recipients import FieldProblem, Recipient, recipients_check

logger = logging.getLogger(__name__)

CHUNK_ROWS = 500


def _chunks(drafts: list[OrderDraft]) -> Iterator[list[OrderDraft]]:
    chunk: list[OrderDraft] = []
    rows = 0
    for draft in drafts:
        chunk.append(draft)
        rows += len(draft.rows)
        if rows >= CHUNK_ROWS:
            yield chunk
            chunk, rows = [], 0
    if chunk:
        yield chunk


def order_import_run(import_id: int) -> OrderImport:
    """Process a queued import; a job that is already running or finished is left alone (safe to run twice)."""
    claimed = OrderImport.objects.filter(pk=import_id, status=OrderImport.Status.QUEUED).update(
        status=OrderImport.Status.RUNNING, started_at=clock.now())
    job = OrderImport.objects.select_related("merchant", "created_by").get(pk=import_id)
    if not claimed:
        return job
    errors: list[dict] = []
    try:
        sheet = read_upload(bytes(job.content), job.file_name)
        layout = LAYOUTS[job.layout]
        columns = layout.find_columns(sheet.header)
        for chunk in _chunks(group_rows(sheet, layout)):
            _run_chunk(job, layout, columns, chunk, errors)
    except DomainError as exc:
        _fail(job, exc.message)
    except Exception:
        logger.exception("order import %s failed", job.public_id)
        # Said on the job rather than raised: nobody waits on a background task's exception.
        _fail(job, "The import stopped on an unexpected error; the orders counted as created were saved.")
    else:
        with transaction.atomic():
            OrderImport.objects.filter(pk=job.pk).update(
                status=OrderImport.Status.DONE, finished_at=clock.now(), content=b"",
                processed_rows=job.total_rows)
            job.refresh_from_db()
            audit(action="order_import.finish", actor=job.created_by, merchant=job.merchant, target=job,
                  data={"created": job.created_count, "duplicates": job.duplicate_count,
                        "refused": job.error_count})
    job.refresh_from_db()
    return job


def _fail(job: OrderImport, message: str) -> None:
    OrderImport.objects.filter(pk=job.pk).update(status=OrderImport.Status.FAILED, finished_at=clock.now(),
                                                 failure=message[:300], content=b"")


def _problem_column(columns: dict[str, tuple[str, ...]], problem: FieldProblem) -> str:
    if problem.field == "address":
        # The address may be spread over 省/市/区/街道; name the columns it was read from.
        used = [columns[f][0] for f in ADDRESS_FIELDS if f in columns]
        return "/".join(used)
    return columns.get(problem.field, (problem.field,))[0]


def _run_chunk(job: OrderImport, layout: Layout, columns: dict[str, tuple[str, ...]], chunk: list[OrderDraft],
               errors: list[dict]) -> None:
    merchant = job.merchant
    candidates = [d for d in chunk if not d.duplicate_in_file]
    checked = recipients_check([d.recipient for d in candidates])
    ready: list[tuple[OrderDraft, Recipient]] = []
    for draft, recipient in zip(candidates, checked, strict=True):
        if isinstance(recipient, list):
            draft.errors.extend(RowError(draft.first_row, _problem_column(columns, p), p.message, p.message_zh)
                                for p in recipient)
        if not draft.errors:
            try:
                check_items(draft.items)
            except DomainError as exc:
                draft.errors.append(RowError(draft.first_row, columns.get("quantity", ("",))[0], exc.message,
                                             exc.message_zh))
        if not draft.errors and isinstance(recipient, Recipient):
            ready.append((draft, recipient))
    refused = [d for d in candidates if d.errors]
    duplicates = sum(1 for d in chunk if d.duplicate_in_file)
    skus = skus_by_code(merchant, (i.sku_code for d, _ in ready for i in d.items))
    kept = _kept(errors, refused)
    for attempt in range(2):
        ids = [d.external_id for d, _ in ready if d.external_id]
        existing = set(Order.objects.filter(merchant=merchant, source=layout.source, external_id__in=ids)
                       .values_list("external_id", flat=True)) if ids else set()
        fresh = [(d, r) for d, r in ready if d.external_id not in existing]
        try:
            with transaction.atomic():
                _write(job, layout, fresh, skus)
                OrderImport.objects.filter(pk=job.pk).update(
                    processed_rows=F("processed_rows") + sum(len(d.rows) for d in chunk),
                    created_count=F("created_count") + len(fresh),
                    duplicate_count=F("duplicate_count") + duplicates + len(ready) - len(fresh),
                    error_count=F("error_count") + len(refused),
                    error_total=F("error_total") + sum(len(d.errors) for d in refused),
                    errors=kept)
            errors[:] = kept
            return
        except IntegrityError:
            # Another import of the same orders committed between the check and the insert: check again.
            if attempt:
                raise


def _kept(errors: list[dict], refused: list[OrderDraft]) -> list[dict]:
    room = OrderImport.MAX_ERRORS_KEPT - len(errors)
    if room <= 0:
        return errors
    return errors + [e.as_dict() for d in refused for e in sorted(d.errors, key=lambda e: e.row)][:room]


def _write(job: OrderImport, layout: Layout, ready: list[tuple[OrderDraft, Recipient]], skus) -> None:
    orders: list[Order] = []
    items: list[list[OrderItem]] = []
    for draft, recipient in ready:
        order, rows = build_order(
            merchant=job.merchant, source=layout.source, external_id=draft.external_id, recipient=recipient,
            items=draft.items, skus=skus, declared_value_fen=draft.declared_value_fen, weight_g=draft.weight_g,
            length_cm=draft.length_cm, width_cm=draft.width_cm, height_cm=draft.height_cm,
            test_mode=job.test_mode)
        orders.append(order)
        items.append(rows)
    if not orders:
        return
    Order.objects.bulk_create(orders)
    for order, rows in zip(orders, items, strict=True):
        for row in rows:
            row.order = order
    OrderItem.objects.bulk_create([row for rows in items for row in rows])
