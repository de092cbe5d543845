"""Pages of reception: parse the request, call one service or selector, render.

The public survey (``/feedback/<token>/``) needs no sign-in; everything else does.
"""

from __future__ import annotations

from typing import Any, TypeVar

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from callboard.core.charts import bar_chart
from callboard.core.clientaddr import client_address
from callboard.core.errors import DomainError, NotFound
from callboard.core.pages import forbidden, found, show_error
from callboard.core.roles import Cap, can, page_requires
from callboard.reception import selectors, services
from callboard.reception.forms import (
    ActFormSet,
    ModerateForm,
    ReportForm,
    ReviewForm,
    SurveyForm,
    act_initial,
    acts_from,
)
from callboard.reception.models import Feedback
from callboard.season.models import Performance

T = TypeVar("T")


def _may_share_survey(user: Any) -> bool:
    return (
        can(user, Cap.MODERATE_FEEDBACK)
        or can(user, Cap.EDIT_PERFORMANCE_REPORT)
        or can(user, Cap.EDIT_SEASON)
    )


def _survey_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("feedback:survey", args=[token]))


# --------------------------------------------------------------------------- index


@page_requires(Cap.VIEW_COMPANY)
def index(request: HttpRequest) -> HttpResponse:
    data = selectors.press_index(now=timezone.now())
    if can(request.user, Cap.MODERATE_FEEDBACK):
        data["waiting"] = selectors.moderation_queue(limit=0)["counts"]["pending"]
    return render(request, "reception/index.html", {**data, "section": "index"})


# --------------------------------------------------------------------------- performance


@page_requires(Cap.VIEW_COMPANY)
def performance(request: HttpRequest, pk: int) -> HttpResponse:
    perf = found(selectors.performance_get, pk=pk)
    data = selectors.performance_reception(performance=perf, user=request.user)
    chart = None
    if data.feedback.count:
        chart = bar_chart(
            data.feedback.bars,
            title=_("Audience ratings (approved answers)"),
            unit=_("answers"),
            key="ratings",
            width=360,
            height=160,
        )
    return render(
        request,
        "reception/performance.html",
        {
            "r": data,
            "p": perf,
            "chart": chart,
            "survey_url": _survey_url(request, data.survey_token) if data.survey_token else None,
            "can_report": can(request.user, Cap.EDIT_PERFORMANCE_REPORT),
            "can_review": can(request.user, Cap.EDIT_REVIEWS),
            "can_share": _may_share_survey(request.user),
            "can_moderate": can(request.user, Cap.MODERATE_FEEDBACK),
            "started": perf.starts_at <= timezone.now(),
            "section": "performances",
        },
    )


@page_requires(Cap.EDIT_PERFORMANCE_REPORT)
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    perf = found(selectors.performance_get, pk=pk)
    current = selectors.performance_reception(performance=perf, user=request.user)
    report = current.report
    initial = (
        {
            "curtain_calls": report.curtain_calls,
            "standing_ovation": report.standing_ovation,
            "attendance": report.attendance_typed,
            "incidents": report.incidents,
            "notes": report.notes,
        }
        if report
        else {}
    )
    form = ReportForm(request.POST or None, initial=initial)
    acts = ActFormSet(request.POST or None, initial=act_initial(perf, current.acts), prefix="acts")
    if request.method == "POST" and form.is_valid() and acts.is_valid():
        try:
            services.performance_report_save(
                performance=perf,
                curtain_calls=form.cleaned_data["curtain_calls"],
                standing_ovation=form.cleaned_data["standing_ovation"],
                attendance=form.cleaned_data["attendance"],
                incidents=form.cleaned_data["incidents"],
                notes=form.cleaned_data["notes"],
                acts=acts_from(perf, acts),
                by=request.user,
                now=timezone.now(),
            )
            messages.success(request, _("Performance report saved."))
            return redirect("reception:performance", pk=perf.pk)
        except DomainError as exc:
            show_error(form, exc)
    return render(
        request,
        "reception/report_form.html",
        {
            "form": form,
            "acts": acts,
            "p": perf,
            "attendance": current.attendance,
            "section": "performances",
        },
    )


# --------------------------------------------------------------------------- reviews


def _review_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The review form's cleaned data as the review services' keyword arguments."""
    return {
        "critic": data["critic"],
        "outlet": data["outlet"],
        "published_on": data["published_on"],
        "url": data["url"],
        "headline": data["headline"],
        "rating": data["rating"],
        "quote": data["quote"],
        "work_ids": [w.pk for w in data["works"]],
    }


@page_requires(Cap.EDIT_REVIEWS)
def review_new(request: HttpRequest, pk: int) -> HttpResponse:
    perf = found(selectors.performance_get, pk=pk)
    initial = {"published_on": timezone.localdate()}
    form = ReviewForm(request.POST or None, performance=perf, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_create(
                performance=perf,
                **_review_fields(form.cleaned_data),
                by=request.user,
                now=timezone.now(),
            )
            messages.success(request, _("Review added."))
            return redirect("reception:performance", pk=perf.pk)
        except DomainError as exc:
            show_error(form, exc)
    return render(
        request,
        "reception/review_form.html",
        {"form": form, "p": perf, "review": None, "section": "performances"},
    )


@page_requires(Cap.EDIT_REVIEWS)
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    review = found(selectors.review_get, pk=pk)
    perf = review.performance
    initial = {
        "critic": review.critic_id,
        "outlet": review.outlet,
        "published_on": review.published_on,
        "url": review.url,
        "headline": review.headline,
        "rating": str(review.rating) if review.rating else "",
        "quote": review.quote,
        "works": [w.pk for w in review.works.all()],
    }
    form = ReviewForm(request.POST or None, performance=perf, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_update(
                review=review,
                by=request.user,
                now=timezone.now(),
                changes=_review_fields(form.cleaned_data),
            )
            messages.success(request, _("Review saved."))
            return redirect("reception:performance", pk=perf.pk)
        except DomainError as exc:
            show_error(form, exc)
    return render(
        request,
        "reception/review_form.html",
        {"form": form, "p": perf, "review": review, "section": "performances"},
    )


@page_requires(Cap.EDIT_REVIEWS)
@require_POST
def review_delete(request: HttpRequest, pk: int) -> HttpResponse:
    review = found(selectors.review_get, pk=pk)
    perf_pk = review.performance_id
    services.review_delete(review=review, by=request.user, now=timezone.now())
    messages.success(request, _("Review removed."))
    return redirect("reception:performance", pk=perf_pk)


# --------------------------------------------------------------------------- press pages


def _press_page(request: HttpRequest, press: selectors.Press, kind: str, obj: Any) -> HttpResponse:
    charts = {}
    if press.feedback.count:
        charts["feedback"] = bar_chart(
            press.feedback.bars,
            title=_("Audience ratings (approved answers)"),
            unit=_("answers"),
            key="ratings",
            width=360,
            height=160,
        )
    if any(n for _label, n in press.star_bars):
        charts["stars"] = bar_chart(
            press.star_bars,
            title=_("Critics' stars"),
            unit=_("reviews"),
            key="stars",
            width=360,
            height=160,
        )
    return render(
        request,
        "reception/press.html",
        {"press": press, "kind": kind, "obj": obj, "charts": charts, "section": "press"},
    )


@page_requires(Cap.VIEW_COMPANY)
def work_press(request: HttpRequest, pk: int) -> HttpResponse:
    work = found(selectors.work_get, pk=pk)
    return _press_page(request, selectors.work_press(work=work, now=timezone.now()), "work", work)


@page_requires(Cap.VIEW_COMPANY)
def programme_press(request: HttpRequest, pk: int) -> HttpResponse:
    programme = found(selectors.programme_get, pk=pk)
    press = selectors.programme_press(programme=programme, now=timezone.now())
    return _press_page(request, press, "programme", programme)


# --------------------------------------------------------------------------- survey (staff)


@page_requires(Cap.VIEW_COMPANY)
def survey_card(request: HttpRequest, pk: int) -> HttpResponse:
    """The survey's link and QR code, to print in the programme."""
    if not _may_share_survey(request.user):
        return forbidden(request, _("The survey link is shared by the press office."))
    perf = found(selectors.performance_get, pk=pk)
    try:
        survey = services.survey_ensure(performance=perf, now=timezone.now())
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("reception:performance", pk=perf.pk)
    url = _survey_url(request, survey.token)
    opens, closes = services.survey_window(perf)
    return render(
        request,
        "reception/survey_card.html",
        {"p": perf, "url": url, "qr": _qr_svg(url), "opens": opens, "closes": closes},
    )


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    text = image.to_string(encoding="unicode")
    return text.split("?>", 1)[-1] if text.startswith("<?xml") else text


@page_requires(Cap.VIEW_COMPANY)
def survey_qr(request: HttpRequest, pk: int) -> HttpResponse:
    if not _may_share_survey(request.user):
        return forbidden(request, _("The survey link is shared by the press office."))
    perf = found(selectors.performance_get, pk=pk)
    try:
        survey = services.survey_ensure(performance=perf, now=timezone.now())
    except DomainError as exc:
        raise Http404(exc.message) from exc
    svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + _qr_svg(_survey_url(request, survey.token))
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="survey-{perf.pk}.svg"'
    return response


# --------------------------------------------------------------------------- moderation


@page_requires(Cap.MODERATE_FEEDBACK)
def moderation(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", Feedback.Status.PENDING)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "ratings_only":
                n = services.feedback_approve_ratings_only(by=request.user, now=timezone.now())
                messages.success(
                    request,
                    ngettext(
                        "%(n)d answer with a rating only approved.",
                        "%(n)d answers with a rating only approved.",
                        n,
                    )
                    % {"n": n},
                )
            else:
                form = ModerateForm(
                    {"ids": ",".join(request.POST.getlist("ids")), "decision": action}
                )
                if not form.is_valid():
                    messages.error(request, _("Tick at least one answer, then approve or reject."))
                else:
                    n = services.feedback_moderate(
                        feedback_ids=form.cleaned_data["ids"],
                        approve=form.cleaned_data["decision"] == "approve",
                        by=request.user,
                        now=timezone.now(),
                    )
                    if form.cleaned_data["decision"] == "approve":
                        done = ngettext("%(n)d answer approved.", "%(n)d answers approved.", n)
                    else:
                        done = ngettext("%(n)d answer rejected.", "%(n)d answers rejected.", n)
                    messages.success(request, done % {"n": n})
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(f"{reverse('reception:moderation')}?status={status}")
    queue = selectors.moderation_queue(status=status)
    return render(request, "reception/moderation.html", {**queue, "section": "moderation"})


# --------------------------------------------------------------------------- public survey


def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The public survey: no sign-in. Errors are pages a member of the public can read."""
    try:
        found = services.survey_get(token=token)
    except NotFound as exc:
        return render(request, "reception/survey_closed.html", {"message": exc.message}, status=404)
    perf: Performance = found.performance
    form = SurveyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if not request.session.session_key:
                request.session.save()
            data = form.cleaned_data
            try:
                services.feedback_submit(
                    token=token,
                    answer=services.Answer(
                        rating=data["rating"],
                        favourite_moment=data["favourite_moment"],
                        comment=data["comment"],
                        would_return=data["would_return"],
                    ),
                    session_key=request.session.session_key or "",
                    client_address=client_address(request),
                    trap=data["website"],
                    now=timezone.now(),
                )
                return redirect("feedback:thanks", token=token)
            except services.SurveyClosed as exc:
                return render(
                    request,
                    "reception/survey_closed.html",
                    {"message": exc.message, "p": perf},
                    status=exc.status_code,
                )
            except DomainError as exc:
                show_error(form, exc)
                status = exc.status_code
        else:
            status = 422
    return render(request, "reception/survey.html", {"form": form, "p": perf}, status=status)


def survey_thanks(request: HttpRequest, token: str) -> HttpResponse:
    try:
        found = services.survey_get(token=token)
    except NotFound as exc:
        return render(request, "reception/survey_closed.html", {"message": exc.message}, status=404)
    return render(request, "reception/survey_thanks.html", {"p": found.performance})
