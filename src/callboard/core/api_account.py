from __future__ import annotations

from datetime import datetime
from typing import cast

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from callboard.core import services
from callboard.core.models import ApiToken
from callboard.core.roles import user_roles

router = Router(tags=["account"])


def _user(request: HttpRequest) -> User:
    """The authenticated caller (every endpoint here requires authentication)."""
    return cast(User, request.user)


class MeOut(Schema):
    username: str
    roles: list[str]
    person_id: int | None


class TokenIn(Schema):
    name: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict:
    person = getattr(request.user, "person", None)
    return {
        "username": request.user.get_username(),
        "roles": sorted(r.value for r in user_roles(request.user)),
        "person_id": person.pk if person else None,
    }


@router.get("/tokens", response=list[TokenOut])
def token_list(request: HttpRequest) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=_user(request)))


@router.post("/tokens", response={201: TokenCreatedOut})
def token_create(request: HttpRequest, payload: TokenIn) -> Status[dict]:
    token, raw = services.api_token_create(
        user=_user(request), name=payload.name, now=timezone.now()
    )
    return Status(201, {**TokenOut.from_orm(token).dict(), "token": raw})


@router.delete("/tokens/{token_id}", response=TokenOut)
def token_revoke(request: HttpRequest, token_id: int) -> ApiToken:
    return services.api_token_revoke(user=_user(request), token_id=token_id, now=timezone.now())
