"""The building blocks every app's API router uses: authentication, shared field types, the
base of every request body (``In``), the id type (``Id``) and the error shape. The API itself,
which registers every app's router, is :mod:`callboard.site.api`, at the top."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import (
    AfterValidator,
    Field,
    NaiveDatetime,
    StrictBool,
    StrictInt,
    WithJsonSchema,
    field_validator,
)

from callboard.core.services import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(raw=token, now=timezone.now())
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods also need the CSRF token.

    Without a signed-in session there is nothing for a forged cross-site request to ride on:
    the CSRF check is left out and the request goes on to the next way of signing in (or
    answers 401), so a client sending a missing or wrong token learns that, not "CSRF"."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if not request.COOKIES.get(self.param_name) or not getattr(user, "is_authenticated", False):
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if request.user.is_authenticated:
            return request.user
        return None


# A time of day on the company's wall clock ("10:00:00"). Pydantic would declare it as JSON
# Schema's "time" format, which is RFC 3339's and requires an offset the value never has.
LocalTime = Annotated[
    dt.time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?$",
            "description": "A time of day in the company's time zone, HH:MM:SS.",
        }
    ),
]


# A wall-clock date and time at a venue ("2026-12-01T19:00"), no offset: the venue's time
# zone gives it one. JSON Schema's "date-time" format would demand the offset it must not have.
LocalDateTime = Annotated[
    NaiveDatetime,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?$",
            "description": "A date and time on the venue's wall clock, YYYY-MM-DDTHH:MM[:SS], "
            "without an offset.",
        }
    ),
]


# A record's id in a path or a body: a whole number a database key can hold.
Id = Annotated[int, Field(ge=1, le=2**62)]

# The same in a JSON body, strictly: a JSON number, never a string ("7"), a float or true.
StrictId = Annotated[StrictInt, Field(ge=1, le=2**62)]

# A yes/no in a JSON body: true or false only, never "yes", 1 or "true".
Flag = StrictBool


def _email_or_empty(value: str) -> str:
    value = value.strip()
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError(_("This is not an e-mail address; check it and try again.")) from None
    return value


# An e-mail address, or "" where one may be left out; anything else is a 422 naming the field.
Email = Annotated[
    str,
    Field(max_length=254, json_schema_extra={"format": "email"}),
    AfterValidator(_email_or_empty),
]


class In(Schema):
    """Base of every request body: text may not carry NUL characters (PostgreSQL refuses them)
    nor lone surrogates (halves of a character, which no database can store as UTF-8)."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str):
            if "\x00" in value:
                raise ValueError("text may not contain NUL characters")
            if not _encodable(value):
                raise ValueError("text may not contain lone surrogates (half a character)")
        return value


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class ErrorOut(Schema):
    message: str
    detail: Any = None
