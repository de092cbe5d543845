"""The JSON API under /api/v1/: one NinjaAPI, one router per app (registered here, at the
top, since it needs every app), one error format.

Every error is ``{"message": ..., "detail": ...}`` with a 4xx status. Authentication is
the browser session (with CSRF) or ``Authorization: Bearer <personal token>``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from callboard.boxoffice.api import router as boxoffice_router
from callboard.casting.api import router as casting_router
from callboard.company.api import router as company_router
from callboard.core.api_account import router as account_router
from callboard.core.api_parts import (
    ErrorOut,
    LocalDateTime,
    LocalTime,
    SessionAuth,
    TokenAuth,
)
from callboard.core.errors import DomainError
from callboard.core.limits import discard_body, too_large
from callboard.reception.api import router as reception_router
from callboard.repertoire.api import router as repertoire_router
from callboard.scheduling.api import router as schedule_router
from callboard.season.api import router as season_router
from callboard.wellbeing.api import router as wellbeing_router
from callboard.workload.api import router as workload_router

__all__ = ["ErrorOut", "LocalDateTime", "LocalTime", "SessionAuth", "TokenAuth", "api"]


# The errors the handlers below answer with, by status. Every service may raise any
# DomainError, so every operation documents them all (401 only where a sign-in is needed).
ERROR_STATUSES: dict[int, str] = {
    400: "The request breaks a rule of the company; nothing was changed.",
    401: "No session and no valid API token.",
    403: "Your roles do not allow this (or a session request without its CSRF token).",
    404: "No such record (or no such path).",
    409: "The change clashes with what is already there.",
    413: "The body is larger than the API takes.",
    414: "The address is longer than the API takes.",
    422: "Some fields are missing or malformed; see detail.",
}


class CallboardAPI(NinjaAPI):
    """A NinjaAPI whose schema documents the shared error responses on every operation."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault("ErrorOut", ErrorOut.model_json_schema())
        ref = {"$ref": "#/components/schemas/ErrorOut"}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_STATUSES.items():
                    if status == 401 and not operation.get("security"):
                        continue
                    responses.setdefault(
                        status,
                        {
                            "description": description,
                            "content": {"application/json": {"schema": ref}},
                        },
                    )
        return schema


api = CallboardAPI(
    title="Callboard API",
    version="1",
    description=(
        "The company, its people, repertoire and season. Authenticate with your browser "
        "session or a personal token (`Authorization: Bearer cb_...`, created on your "
        "account page). Errors are `{message, detail}` with a 4xx status."
    ),
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, message: str, detail: Any = None) -> HttpResponse:
    return api.create_response(request, {"message": message, "detail": detail}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    detail = exc.detail if exc.detail is not None else ({"field": exc.field} if exc.field else None)
    return _error(request, exc.status_code, exc.message, detail)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return _error(request, 422, "Some fields are missing or malformed; see detail.", exc.errors)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "Sign in or send a valid API token (Authorization: Bearer ...).")


@api.exception_handler(DataError)
def on_data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    """The database refused a value the schema let through: PostgreSQL's "integer out of
    range" or a NUL character in text. It is the request's value, so a 422, not a 500."""
    return _error(
        request,
        422,
        "A value is out of range: a number too large, or text with a character that cannot "
        "be stored (such as NUL).",
        {"code": "out_of_range"},
    )


@api.exception_handler(OverflowError)
def on_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    """A number too large for the database (SQLite) or for a date or time computed from it."""
    return _error(request, 422, "A number is too large.", {"code": "out_of_range"})


@api.exception_handler(RequestDataTooBig)
def on_body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A body past ``DATA_UPLOAD_MAX_MEMORY_SIZE``: a 413 in the API's shape, the rest of the
    body read and dropped so the connection can carry the next request."""
    discard_body(request)
    return too_large(request)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))


@csrf_exempt  # it changes nothing; unsafe methods get the same JSON 404, not the CSRF page
def not_found(request: HttpRequest) -> HttpResponse:
    """Any path under /api/v1/ that no operation matches (an unknown path, or an id that is
    not a whole number) answers in the API's error shape, not with the site's 404 page."""
    return JsonResponse(
        {"message": "There is no such address in the API.", "detail": {"path": request.path}},
        status=404,
    )


# The box office first: Django tries an address against the paths in order, and an on-sale
# rush sends the public box office's requests by the thousand (about 0.1 ms each saved).
api.add_router("/boxoffice", boxoffice_router)
api.add_router("/account", account_router)
api.add_router("/company", company_router)
api.add_router("/repertoire", repertoire_router)
api.add_router("/season", season_router)
api.add_router("/casting", casting_router)
api.add_router("/reception", reception_router)
api.add_router("/wellbeing", workload_router)  # the workload's endpoints first, as before
api.add_router("/wellbeing", wellbeing_router)
api.add_router("/schedule", schedule_router)
