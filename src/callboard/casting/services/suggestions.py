"""Casting suggestions: worked out by CP-SAT in the background, reviewed, then accepted
(every line checked again) or discarded."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.casting import selectors
from callboard.casting.models import (
    CastingProposal,
    ProposalItem,
)
from callboard.casting.services.assignment import cast_assign
from callboard.casting.services.common import _describe, log
from callboard.casting.suggest import adapter
from callboard.casting.suggest import solver as suggest_solver
from callboard.core import jobs
from callboard.core.actors import Actor, user_of
from callboard.core.errors import Conflict, NotFound, ValidationFailed
from callboard.core.roles import Cap, require
from callboard.repertoire.models import Work
from callboard.season.models import Performance, Programme, ProgrammeWork


def _positive_time_limit(value: float | None) -> float:
    default = float(settings.CALLBOARD_CASTING_SOLVER_SECONDS)
    limit = default if value is None else float(value)
    if not 0 < limit <= 120:
        raise ValidationFailed(
            _("The time limit is between 0 and 120 seconds."), field="time_limit"
        )
    return limit


SUGGESTION_GRACE_SECONDS = 60


SUGGESTION_QUEUE_SECONDS = 600


@transaction.atomic
def suggestion_request(
    *,
    programme: Programme,
    work: Work | None = None,
    performances: Sequence[Performance] | None = None,
    by: Actor,
    now: dt.datetime,
    time_limit: float | None = None,
    seed: int = 0,
    covers: int | None = None,
    enqueue: bool = True,
) -> CastingProposal:
    """Record a request for a suggested casting of the empty places and hand it to a
    background worker (after commit); returns at once with the proposal *being worked out*.

    Nothing in the casting changes, now or when the answer comes, until someone accepts it.
    """
    require(by, Cap.EDIT_CASTING)
    limit = _positive_time_limit(time_limit)
    if covers is not None and not 0 <= covers <= 9:
        raise ValidationFailed(_("Covers per role are 0 to 9."), field="covers")
    if not -(2**31) <= seed < 2**31:
        raise ValidationFailed(_("The seed is a whole number below 2,147,483,648."), field="seed")
    if (
        work is not None
        and not ProgrammeWork.objects.filter(programme=programme, work=work).exists()
    ):
        raise ValidationFailed(
            _("%(work)s is not on %(programme)s.")
            % {"work": work.title, "programme": programme.title},
            field="work",
        )
    coming = selectors.production_performances(programme, include_past=False, now=now)
    if performances is not None:
        wanted = {p.pk for p in performances}
        foreign = wanted - {p.pk for p in selectors.production_performances(programme)}
        if foreign:
            raise ValidationFailed(
                _("Some of those performances are not in this production."), field="performances"
            )
        coming = [p for p in coming if p.pk in wanted]
    coming = [p for p in coming if p.status != Performance.Status.PERFORMED]
    if not coming:
        raise ValidationFailed(_("This production has no coming performances to cast."))
    proposal = CastingProposal.objects.create(
        programme=programme,
        work=work,
        status=CastingProposal.Status.WORKING,
        created_at=now,
        created_by=user_of(by),
        time_limit_seconds=limit,
        seed=seed,
        covers=covers,
    )
    proposal.performances.set(coming)
    if enqueue:
        proposal_pk = proposal.pk

        def send() -> None:
            jobs.enqueue("callboard.casting.tasks.suggestion_work_out", proposal_id=proposal_pk)

        transaction.on_commit(send)
    return proposal


def suggestion_work_out(*, proposal_id: int, now: dt.datetime) -> CastingProposal:
    """Run the solver for a proposal being worked out and store its answer in one
    transaction (the background job; also called directly by :func:`suggestion_create`).

    A proposal discarded or given up meanwhile is left as it is. If the solver fails, the
    proposal is marked failed with a message saying what to do; nothing else changes."""

    proposal = CastingProposal.objects.select_related("programme", "work").get(pk=proposal_id)
    started = CastingProposal.objects.filter(
        pk=proposal_id, status=CastingProposal.Status.WORKING
    ).update(started_at=now)
    if not started:
        return proposal
    clock = time.perf_counter()
    try:
        built = adapter.build_problem(
            programme=proposal.programme,
            work=proposal.work,
            performances=list(proposal.performances.order_by("starts_at", "pk")),
            covers=proposal.covers,
        )
        solution = suggest_solver.solve(
            built.problem,
            time_limit=proposal.time_limit_seconds,
            seed=proposal.seed,
            workers=_solver_workers(),
        )
    except Exception:
        log.exception("casting suggestion %s failed", proposal_id)
        CastingProposal.objects.filter(
            pk=proposal_id, status=CastingProposal.Status.WORKING
        ).update(
            status=CastingProposal.Status.FAILED,
            finished_at=now + dt.timedelta(seconds=time.perf_counter() - clock),
            error=_(
                "The suggestion could not be worked out. Ask for a new one; if it fails "
                "again, tell the company manager."
            ),
        )
        return CastingProposal.objects.get(pk=proposal_id)
    with transaction.atomic():
        proposal = CastingProposal.objects.select_for_update().get(pk=proposal_id)
        if proposal.status != CastingProposal.Status.WORKING:
            return proposal
        ProposalItem.objects.bulk_create(
            [
                ProposalItem(
                    proposal=proposal,
                    performance_id=pick.performance_id,
                    role_id=pick.role_id,
                    slot=slot,
                    kind=pick.kind,
                    rank=pick.rank,
                    dancer_id=pick.dancer_id,
                    note=built.notes.get((pick.performance_id, pick.role_id, pick.dancer_id), ""),
                )
                for pick, slot in built.place(solution.picks)
            ]
        )
        proposal.status = CastingProposal.Status.OPEN
        proposal.solver_status = solution.status
        proposal.objective = solution.objective
        proposal.explanation = solution.explanation
        proposal.finished_at = now + dt.timedelta(seconds=time.perf_counter() - clock)
        proposal.save(
            update_fields=["status", "solver_status", "objective", "explanation", "finished_at"]
        )
    return proposal


def suggestion_create(
    *,
    programme: Programme,
    work: Work | None = None,
    performances: Sequence[Performance] | None = None,
    by: Actor,
    now: dt.datetime,
    time_limit: float | None = None,
    seed: int = 0,
    covers: int | None = None,
) -> CastingProposal:
    """Ask for a suggestion and work it out now, in the caller (commands, the demo); pages
    and the API use :func:`suggestion_request` instead."""
    proposal = suggestion_request(
        programme=programme,
        work=work,
        performances=performances,
        by=by,
        now=now,
        time_limit=time_limit,
        seed=seed,
        covers=covers,
        enqueue=False,
    )
    return suggestion_work_out(proposal_id=proposal.pk, now=now)


def suggestion_refresh(*, proposal: CastingProposal, now: dt.datetime) -> CastingProposal:
    """``proposal``, marked failed first if its worker stopped (started, and running much
    longer than its time limit) or no worker took it in time; pages and the API call this
    when they show it."""
    if proposal.status != CastingProposal.Status.WORKING:
        return proposal
    if proposal.started_at is None:
        deadline = proposal.created_at + dt.timedelta(seconds=SUGGESTION_QUEUE_SECONDS)
        error = _(
            "No worker took the suggestion: ask for a new one, and if this happens again, "
            "ask the company manager whether the background workers are running."
        )
    else:
        deadline = proposal.started_at + dt.timedelta(
            seconds=proposal.time_limit_seconds + SUGGESTION_GRACE_SECONDS
        )
        error = _(
            "The suggestion did not finish: the worker working it out stopped. Ask for a new one."
        )
    if now <= deadline:
        return proposal
    marked = CastingProposal.objects.filter(
        pk=proposal.pk, status=CastingProposal.Status.WORKING
    ).update(status=CastingProposal.Status.FAILED, finished_at=now, error=error)
    if marked:
        log.warning("casting suggestion %s lost its worker; marked failed", proposal.pk)
    proposal.refresh_from_db()
    return proposal


def _decided_conflict(proposal: CastingProposal) -> Conflict:
    if proposal.status == CastingProposal.Status.WORKING:
        return Conflict(_("This suggestion is still being worked out: wait a few seconds."))
    if proposal.status == CastingProposal.Status.FAILED:
        return Conflict(_("This suggestion could not be worked out: ask for a new one."))
    return Conflict(
        _("This suggestion has already been %(status)s.")
        % {"status": proposal.get_status_display().lower()}
    )


def _solver_workers() -> int:
    return int(settings.CALLBOARD_CASTING_SOLVER_WORKERS)


@transaction.atomic
def suggestion_accept(
    *,
    proposal: CastingProposal,
    by: Actor,
    now: dt.datetime,
    item_ids: Iterable[int] | None = None,
) -> dict[str, Any]:
    """Apply the chosen items of a proposal (all by default) through :func:`cast_assign`.

    Each item is checked again now: a slot someone filled meanwhile, or a dancer no longer
    available, is reported and left alone.
    """
    require(by, Cap.APPROVE_CASTING)
    proposal = CastingProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != CastingProposal.Status.OPEN:
        raise _decided_conflict(proposal)
    items = list(
        proposal.items.select_related(
            "performance__venue", "performance__programme", "role__work", "dancer__person"
        )
    )
    if item_ids is not None:
        chosen = {int(i) for i in item_ids}
        unknown = chosen - {i.pk for i in items}
        if unknown:
            raise ValidationFailed(
                _("Some chosen lines are not part of this suggestion."), field="items"
            )
        items = [i for i in items if i.pk in chosen]
    applied, skipped = 0, []
    for item in items:
        try:
            with transaction.atomic():
                cast_assign(
                    performance=item.performance,
                    role=item.role,
                    dancer=item.dancer,
                    slot=item.slot,
                    kind=item.kind,
                    rank=item.rank,
                    by=by,
                    now=now,
                    reason=_("Accepted casting suggestion %(id)s") % {"id": proposal.pk},
                )
            applied += 1
        except (ValidationFailed, Conflict, NotFound) as exc:
            skipped.append(f"{_describe(item.performance)} — {item.role.name}: {exc.message}")
    proposal.status = CastingProposal.Status.ACCEPTED
    proposal.decided_at = now
    proposal.decided_by = user_of(by)
    proposal.outcome = {"applied": applied, "skipped": skipped}
    proposal.save(update_fields=["status", "decided_at", "decided_by", "outcome"])
    audit.record(
        actor=by,
        action="casting.accept_suggestion",
        obj=proposal,
        parent=proposal.programme,
        summary=_(
            "Accepted casting suggestion %(id)s: %(applied)s place(s) cast, %(skipped)s left."
        )
        % {"id": proposal.pk, "applied": applied, "skipped": len(skipped)},
        changes={"status": ["open", "accepted"]},
        at=now,
    )
    return proposal.outcome


@transaction.atomic
def suggestion_discard(
    *, proposal: CastingProposal, by: Actor, now: dt.datetime
) -> CastingProposal:
    """Discard a suggestion under review, or one still being worked out (its answer, when
    it comes, is then dropped); nothing in the casting changes."""
    require(by, Cap.EDIT_CASTING)
    proposal = CastingProposal.objects.select_for_update().get(pk=proposal.pk)
    before = proposal.status
    if before not in (CastingProposal.Status.OPEN, CastingProposal.Status.WORKING):
        raise _decided_conflict(proposal)
    proposal.status = CastingProposal.Status.DISCARDED
    proposal.decided_at = now
    proposal.decided_by = user_of(by)
    proposal.save(update_fields=["status", "decided_at", "decided_by"])
    audit.record(
        actor=by,
        action="casting.discard_suggestion",
        obj=proposal,
        parent=proposal.programme,
        summary=_("Discarded casting suggestion %(id)s.") % {"id": proposal.pk},
        changes={"status": [str(before), "discarded"]},
        at=now,
    )
    return proposal
