"""The JSON API under /api/v1/: one NinjaAPI, one router per app, one error format.

Every error is ``{"message": ..., "detail": ...}`` with a 4xx status. Authentication is
the browser session (with CSRF) or ``Authorization: Bearer <personal token>``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from callboard.core.errors import DomainError
from callboard.core.services import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(raw=token, now=timezone.now())
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods also need the CSRF token."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if request.user.is_authenticated:
            return request.user
        return None


class ErrorOut(Schema):
    message: str
    detail: Any = None


api = NinjaAPI(
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


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))


def _register_routers() -> None:
    from callboard.boxoffice.api import router as boxoffice_router
    from callboard.casting.api import router as casting_router
    from callboard.company.api import router as company_router
    from callboard.core.api_account import router as account_router
    from callboard.reception.api import router as reception_router
    from callboard.repertoire.api import router as repertoire_router
    from callboard.scheduling.api import router as schedule_router
    from callboard.season.api import router as season_router
    from callboard.wellbeing.api import router as wellbeing_router

    api.add_router("/account", account_router)
    api.add_router("/company", company_router)
    api.add_router("/repertoire", repertoire_router)
    api.add_router("/season", season_router)
    api.add_router("/boxoffice", boxoffice_router)
    api.add_router("/casting", casting_router)
    api.add_router("/reception", reception_router)
    api.add_router("/wellbeing", wellbeing_router)
    api.add_router("/schedule", schedule_router)


_register_routers()
