from __future__ import annotations

import re

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db


def test_login_with_email_and_logout(client, merchant_a):
    response = client.post("/login", {"username": "owner@a.example", "password": "pw-for-tests-1"})
    assert response.status_code == 302
    assert client.get("/settings/api-keys").status_code == 200
    client.post("/logout")
    response = client.get("/settings/api-keys")
    assert response.status_code == 302
    assert response["Location"].startswith("/login")


def test_wrong_password_stays_on_login(client, merchant_a):
    response = client.post("/login", {"username": "owner@a.example", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client, merchant_a):
    response = client.post("/password-reset", {"email": "owner@a.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["owner@a.example"]
    link = re.search(r"http://testserver(/password-reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "a-new-long-password", "new_password2": "a-new-long-password"})
    assert response.status_code == 302
    assert client.login(username="owner@a.example", password="a-new-long-password")


def test_password_reset_for_unknown_email_sends_nothing(client, db):
    client.post("/password-reset", {"email": "nobody@example.com"})
    assert mail.outbox == []
