"""Merchant console for notifications: settings, templates, marketing blocks, webhooks, the SMS log; and the
public unsubscribe page."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcelhub.accounts.permissions import merchant_required
from parcelhub.core.errors import DomainError, NotFound
from parcelhub.notify import messages as notify_messages
from parcelhub.notify import rendering, selectors, services
from parcelhub.notify.delivery import sms_quota_for
from parcelhub.notify.forms import BlacklistForm, BlockForm, TemplateForm, WebhookForm
from parcelhub.notify.models import Channel, Language, MessageTemplate, Outbox
from parcelhub.tracking.models import STATUS_CHOICES


def _status_label(status: str) -> str:
    return str(dict(STATUS_CHOICES).get(status, status))


def _or_404(fn, *args):
    try:
        return fn(*args)
    except NotFound as exc:
        raise Http404 from exc


@merchant_required
def notify_settings(request: HttpRequest) -> HttpResponse:
    merchant = request.merchant
    config = services.settings_for(merchant)
    rules = notify_messages.rules_for(config)
    if request.method == "POST":
        chosen = {status: {"sms": f"sms_{status}" in request.POST, "email": f"email_{status}" in request.POST}
                  for status in rules}
        try:
            services.notify_settings_update(merchant=merchant, rules=chosen,
                                            language=request.POST.get("language", config.language),
                                            actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.localized())
        else:
            messages.success(request, _("Notification settings saved."))
        return redirect("notify:settings")
    rows = [{"status": status, "label": _status_label(status), **channels} for status, channels in rules.items()]
    return render(request, "notify/settings.html", {
        "rows": rows, "config": config, "languages": Language.choices,
        "sms_used": selectors.sms_used_this_month(merchant), "sms_quota": sms_quota_for(merchant),
        "suppressions": selectors.suppressions_for(merchant)[:200], "blacklist_form": BlacklistForm(),
    })


@require_POST
@merchant_required
def blacklist_add(request: HttpRequest) -> HttpResponse:
    form = BlacklistForm(request.POST)
    if form.is_valid():
        try:
            services.blacklist_add(merchant=request.merchant, phone=form.cleaned_data["phone"],
                                   note=form.cleaned_data["note"], actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.localized())
        else:
            messages.success(request, _("The number will get no more SMS."))
    else:
        messages.error(request, _("Enter a mobile number."))
    return redirect("notify:settings")


@require_POST
@merchant_required
def suppression_remove(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = _or_404(selectors.suppression_get, request.merchant, entry_id)
    services.suppression_remove(entry=entry, actor=request.user)
    messages.success(request, _("Removed: %(address)s") % {"address": entry.address})
    return redirect("notify:settings")


@merchant_required
def template_list(request: HttpRequest) -> HttpResponse:
    custom = set(MessageTemplate.objects.filter(merchant=request.merchant)
                 .values_list("status", "channel", "language"))
    rows = []
    for status in rendering.NOTIFIED_STATUSES:
        cells = [{"channel": channel, "language": language, "custom": (status, channel, language) in custom}
                 for channel in (Channel.SMS, Channel.EMAIL) for language in Language.values]
        rows.append({"status": str(status), "label": _status_label(status), "cells": cells})
    return render(request, "notify/template_list.html", {"rows": rows})


def _template_key(status: str, channel: str, language: str) -> None:
    if status not in rendering.NOTIFIED_STATUSES or channel not in (Channel.SMS, Channel.EMAIL) \
            or language not in Language.values:
        raise Http404


@merchant_required
def template_edit(request: HttpRequest, status: str, channel: str, language: str) -> HttpResponse:
    _template_key(status, channel, language)
    merchant = request.merchant
    saved = services.template_get(merchant=merchant, status=status, channel=channel, language=language)
    default = rendering.default_wording(status, channel, language)
    initial = ({"subject": saved.subject, "body": saved.body, "marketing_block": saved.marketing_block}
               if saved else {"subject": default.subject, "body": default.body})
    form = TemplateForm(request.POST or None, initial=initial, merchant=merchant)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.template_save(merchant=merchant, status=status, channel=channel, language=language,
                                   subject=data["subject"], body=data["body"],
                                   marketing_block=data["marketing_block"], actor=request.user)
        except DomainError as exc:
            form.add_error("body", exc.localized())
        else:
            messages.success(request, _("Template saved."))
            return redirect("notify:template_list")
    preview = _preview(request, status, channel, language, form)
    return render(request, "notify/template_edit.html", {
        "form": form, "status": status, "status_label": _status_label(status), "channel": channel,
        "language": language, "saved": saved, "placeholders": rendering.PLACEHOLDERS, **preview,
    }, status=422 if form.errors else 200)


def _preview(request, status, channel, language, form) -> dict:
    data = form.data if form.is_bound else {}
    subject = data.get("subject", form.initial.get("subject", "")) or ""
    body = data.get("body", form.initial.get("body", "")) or ""
    block = form.initial.get("marketing_block")
    if form.is_bound:
        block_id = data.get("marketing_block") or ""
        block = selectors.blocks_for(request.merchant).filter(pk=block_id).first() if block_id.isdigit() else None
    try:
        composed = services.template_preview(merchant=request.merchant, status=status, channel=channel,
                                             language=language, subject=subject, body=body, marketing_block=block)
    except DomainError as exc:
        return {"preview": None, "preview_error": exc.localized()}
    return {"preview": composed, "preview_error": ""}


@require_POST
@merchant_required
def template_preview(request: HttpRequest, status: str, channel: str, language: str) -> HttpResponse:
    """htmx: the preview pane for the text being typed."""
    _template_key(status, channel, language)
    form = TemplateForm(request.POST, merchant=request.merchant)
    return render(request, "notify/_preview.html", {"channel": channel,
                                                    **_preview(request, status, channel, language, form)})


@require_POST
@merchant_required
def template_reset(request: HttpRequest, status: str, channel: str, language: str) -> HttpResponse:
    _template_key(status, channel, language)
    services.template_reset(merchant=request.merchant, status=status, channel=channel, language=language,
                            actor=request.user)
    messages.success(request, _("Back to the default wording."))
    return redirect("notify:template_list")


@merchant_required
def block_list(request: HttpRequest) -> HttpResponse:
    return render(request, "notify/block_list.html", {"blocks": selectors.blocks_for(request.merchant)})


@merchant_required
def block_edit(request: HttpRequest, block_id: int | None = None) -> HttpResponse:
    block = _or_404(selectors.block_get, request.merchant, block_id) if block_id is not None else None
    form = BlockForm(request.POST or None, instance=block)
    if request.method == "POST" and form.is_valid():
        try:
            services.marketing_block_save(merchant=request.merchant, block=block, actor=request.user,
                                          **{name: form.cleaned_data[name] for name in services.BLOCK_FIELDS})
        except DomainError as exc:
            form.add_error(None, exc.localized())
        else:
            messages.success(request, _("Marketing block saved."))
            return redirect("notify:block_list")
    return render(request, "notify/block_edit.html", {"form": form, "block": block},
                  status=422 if form.errors else 200)


@require_POST
@merchant_required
def block_delete(request: HttpRequest, block_id: int) -> HttpResponse:
    block = _or_404(selectors.block_get, request.merchant, block_id)
    services.marketing_block_delete(block=block, actor=request.user)
    messages.success(request, _("Marketing block deleted."))
    return redirect("notify:block_list")


@merchant_required
def webhook_list(request: HttpRequest) -> HttpResponse:
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            endpoint = services.webhook_endpoint_create(merchant=request.merchant, url=data["url"],
                                                        events=data["events"], description=data["description"],
                                                        actor=request.user)
        except DomainError as exc:
            form.add_error("url", exc.localized())
        else:
            messages.success(request, _("Endpoint added. Verify each delivery with its signing secret."))
            return redirect("notify:webhook_detail", public_id=endpoint.public_id)
    return render(request, "notify/webhook_list.html", {
        "form": form, "endpoints": selectors.endpoints_for(request.merchant)}, status=422 if form.errors else 200)


@merchant_required
def webhook_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    endpoint = _or_404(selectors.endpoint_get, request.merchant, public_id)
    return render(request, "notify/webhook_detail.html", {
        "endpoint": endpoint, "deliveries": selectors.deliveries_for(endpoint)})


@require_POST
@merchant_required
def webhook_test(request: HttpRequest, public_id: str) -> HttpResponse:
    endpoint = _or_404(selectors.endpoint_get, request.merchant, public_id)
    try:
        row = services.webhook_test_send(endpoint=endpoint, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.localized())
    else:
        messages.success(request, _("Test event %(id)s: %(state)s.") % {"id": row.public_id,
                                                                         "state": row.get_state_display()})
    return redirect("notify:webhook_detail", public_id=public_id)


@require_POST
@merchant_required
def webhook_enable(request: HttpRequest, public_id: str) -> HttpResponse:
    endpoint = _or_404(selectors.endpoint_get, request.merchant, public_id)
    services.webhook_endpoint_enable(endpoint=endpoint, actor=request.user)
    messages.success(request, _("Endpoint enabled."))
    return redirect("notify:webhook_detail", public_id=public_id)


@require_POST
@merchant_required
def webhook_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    endpoint = _or_404(selectors.endpoint_get, request.merchant, public_id)
    services.webhook_endpoint_delete(endpoint=endpoint, actor=request.user)
    messages.success(request, _("Endpoint deleted."))
    return redirect("notify:webhook_list")


@merchant_required
def outbox_list(request: HttpRequest) -> HttpResponse:
    """Every message of the account with its state: sent, waiting for a retry, skipped (and why), failed."""
    state = request.GET.get("state", "")
    rows = selectors.outbox_for(request.merchant).select_related("shipment")
    if state in Outbox.State.values:
        rows = rows.filter(state=state)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "notify/outbox_list.html", {"page": page, "state": state,
                                                       "states": Outbox.State.choices})


@merchant_required
def sms_log(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.sms_for(request.merchant), 50).get_page(request.GET.get("page"))
    return render(request, "notify/sms_log.html", {
        "page": page, "sms_used": selectors.sms_used_this_month(request.merchant),
        "sms_quota": sms_quota_for(request.merchant)})


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Public: a consignee stops this merchant's messages. GET asks, POST does it (link scanners only GET)."""
    data = notify_messages.unsubscribe_read(token)
    if data is None:
        return render(request, "notify/unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        try:
            services.unsubscribe(token=token)
        except DomainError:
            return render(request, "notify/unsubscribe.html", {"invalid": True}, status=404)
        done = True
    address = data["a"]
    masked = address[:3] + "****" + address[-4:] if data["c"] == Channel.SMS and len(address) == 11 else address
    return render(request, "notify/unsubscribe.html", {"done": done, "address": masked, "channel": data["c"]})
