from __future__ import annotations

from ninja import Router, Schema

from parcelhub.accounts.auth import merchant_auth

router = Router(tags=["account"], auth=merchant_auth)


class MerchantOut(Schema):
    id: str
    name: str
    test_mode: bool


@router.get("/me", response=MerchantOut, summary="The merchant the credentials act for")
def me(request):
    principal = request.auth
    return {"id": principal.merchant.public_id, "name": principal.merchant.name, "test_mode": principal.test_mode}
