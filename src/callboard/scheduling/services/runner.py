"""The job that executes a solve run in a worker: it builds the problem, solves with live
progress and the stop button, and writes the draft in one transaction at the very end."""

from __future__ import annotations

import datetime as dt
import threading
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from callboard.scheduling import adapters, words
from callboard.scheduling.models import (
    Call,
    CallPerson,
    CallRequest,
    Schedule,
    SchedulePeriod,
    SolveRun,
    new_uid,
)
from callboard.scheduling.selectors import latest_version
from callboard.scheduling.services.common import PROGRESS_SECONDS, Tick, draft_of, log
from callboard.scheduling.services.drafts import _draft_calls, _published_rows
from callboard.scheduling.services.runs import solve_runs_reap
from callboard.scheduling.solver.messages import UNPLACEABLE, duration


@dataclass
class _Live:
    elapsed: float = 0.0
    objective: int | None = None
    bound: int | None = None
    solutions: int = 0
    lines: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    phase: str = ""
    last_bound: int | None = None


PHASES = {
    "days": gettext_lazy(
        "Planning the days one at a time (the day plan), each day built around the others."
    ),
    "cp-sat": gettext_lazy(
        "Searching the whole period at once with CP-SAT, which also proves how good a "
        "schedule can be (the bound)."
    ),
    "neighbourhoods": gettext_lazy(
        "Re-planning a few days or people at a time (neighbourhoods) to improve the best schedule."
    ),
}


def _reporter(
    run_pk: int,
    live: _Live,
    stop: threading.Event,
    done: threading.Event,
    started: float,
    tick: Tick | None,
) -> None:
    """Writes progress and the heartbeat to the run and reads its stop flag, twice a second
    (own connection). The heartbeat is what tells the run's pages the worker is alive, so a
    failed write (the database briefly away) is logged and tried again on the next beat."""
    failures = 0
    try:
        while not done.wait(PROGRESS_SECONDS):
            with live.lock:
                values: dict[str, Any] = {
                    "elapsed": time.perf_counter() - started,
                    "solutions": live.solutions,
                    "heartbeat_at": timezone.now(),
                }
                if live.objective is not None:
                    values["objective"] = live.objective
                    values["bound"] = live.bound
            try:
                SolveRun.objects.filter(pk=run_pk, status=SolveRun.Status.RUNNING).update(**values)
                run = SolveRun.objects.get(pk=run_pk)
            except SolveRun.DoesNotExist:
                return  # not visible to this connection (a test's open transaction)
            except Exception:  # progress is a courtesy; the run itself goes on
                failures += 1
                if failures == 1:  # once per streak, not twice a second
                    log.exception("progress of run %s could not be written", run_pk)
                connection.close()
                continue
            failures = 0
            if run.stop_requested or run.finished:  # finished: given up as lost meanwhile
                stop.set()
            if tick is not None:
                tick(run)
    finally:
        connection.close()


def solve_run_execute(*, run_id: int, tick: Tick | None = None) -> SolveRun:
    """The background job: build the problem, solve it, write the best schedule to the draft."""
    now = timezone.now()
    claimed = SolveRun.objects.filter(pk=run_id, status=SolveRun.Status.QUEUED).update(
        status=SolveRun.Status.RUNNING, started_at=now, heartbeat_at=now
    )
    run = SolveRun.objects.select_related("period").get(pk=run_id)
    if not claimed:
        # Stopped before it started, or taken by another worker. A job delivered again after
        # its worker died finds its run still "running": mark it failed if nobody beats for it.
        if not run.finished:
            solve_runs_reap(now=now, period=run.period)
            run.refresh_from_db()
        return run
    started = time.perf_counter()
    live = _Live()
    stop = threading.Event()
    done = threading.Event()
    # The heartbeat starts at once, before the problem is built (a big week takes a while).
    reporter = threading.Thread(
        target=_reporter,
        args=(run.pk, live, stop, done, started, tick),
        name=f"callboard-run-{run.pk}",
        daemon=True,
    )
    reporter.start()
    try:
        period = run.period
        draft = draft_of(period)
        calls = _draft_calls(draft)
        locked = [r for r in adapters.rows_of(calls) if r.locked]
        locked_keys = {r.key for r in locked}
        reference: list[adapters.CallRow] = []
        if run.mode == SolveRun.Mode.REPLAN:
            reference = [r for r in _published_rows(period) if r.key not in locked_keys]
        person_pks = {pk for r in (*locked, *reference) for pk in r.person_pks}
        inputs = adapters.load_inputs(period, extra_person_pks=person_pks)
        problem, mapping = adapters.build_problem(
            inputs,
            shaping=[*locked, *reference],
            published=[*reference, *locked],
            remaining_parts=True,
        )
        inputs_json = adapters.problem_json(problem)
        live.lines.append(
            _(
                "%(requests)s requests (%(parts)s calls to place), %(people)s people, "
                "%(studios)s studios, %(days)s day(s)."
            )
            % {
                "requests": len(problem.requests),
                "parts": len(problem.parts),
                "people": len(problem.people),
                "studios": len(problem.studios),
                "days": len(problem.days),
            }
        )
        live.lines.extend(mapping.warnings)
        live.lines.append(
            _(
                "Starting from a schedule built by hand rules (or the published one), then "
                "improving it until the time limit, or until no schedule can cost less."
            )
        )
        SolveRun.objects.filter(pk=run.pk).update(inputs=inputs_json, log="\n".join(live.lines))

        def progress(elapsed: float, objective: int, bound: int) -> None:
            # Every cost is at least 0, so a bound of 0 proves nothing yet (the engine reports
            # 0 while it plans day by day, before CP-SAT has bounded anything).
            proven = bound if bound > 0 or objective == 0 else None
            with live.lock:
                live.elapsed, live.objective, live.bound = elapsed, objective, proven
                live.solutions += 1
                # What the engine is doing, from what it reports: a schedule without a bound
                # comes from planning the days one at a time; with one, from the search over
                # the whole period (CP-SAT, then its neighbourhoods, same bound).
                if proven is None:
                    phase = "days"
                elif live.phase in ("", "days"):
                    phase = "cp-sat"
                elif proven == live.last_bound:
                    phase = "neighbourhoods"
                else:
                    phase = "cp-sat"
                if phase != live.phase:
                    live.lines.append(str(PHASES[phase]))
                live.phase, live.last_bound = phase, proven
                if proven is None:
                    line = _("%(t).1f s: a schedule costing %(o)s (no bound proven yet)")
                else:
                    line = _("%(t).1f s: a schedule costing %(o)s (bound %(b)s)")
                live.lines.append(line % {"t": elapsed, "o": objective, "b": proven})
                if proven is not None and objective <= proven:
                    live.lines.append(
                        _(
                            "No schedule can cost less: the search ends once it has written "
                            "down why anything was left out."
                        )
                    )

        if not problem.requests:
            solution, stopped = None, False
            live.lines.append(_("Nothing to place: add call requests first."))
        else:
            solution, stopped = adapters.solve_problem(
                problem,
                time_limit=run.time_limit,
                seed=run.seed,
                workers=run.workers,
                progress=progress,
                should_stop=stop.is_set,
            )
    except Exception as exc:
        done.set()
        reporter.join(timeout=5)
        log.exception("solve run %s failed", run_id)
        SolveRun.objects.filter(pk=run_id, status=SolveRun.Status.RUNNING).update(
            status=SolveRun.Status.FAILED,
            finished_at=timezone.now(),
            elapsed=time.perf_counter() - started,
            error=f"{exc}",
            log="\n".join([*live.lines, traceback.format_exc(limit=3)]),
        )
        return SolveRun.objects.get(pk=run_id)
    done.set()
    reporter.join(timeout=5)
    finished = _finish_run(run, problem, mapping, solution, stopped, live, started)
    if tick is not None:
        tick(finished)
    return finished


@transaction.atomic
def _finish_run(
    run: SolveRun,
    problem: Any,
    mapping: adapters.Mapping,
    solution: Any,
    stopped: bool,
    live: _Live,
    started: float,
) -> SolveRun:
    now = timezone.now()
    run = SolveRun.objects.select_for_update().get(pk=run.pk)
    if run.status != SolveRun.Status.RUNNING:
        # Given up meanwhile (its heartbeat stopped too long, see solve_runs_reap): its page
        # already says it failed and nothing was written, so its schedule is not kept.
        log.warning("solve run %s finished after it was marked %s", run.pk, run.status)
        return run
    lines = list(live.lines)
    result: dict[str, Any] = {"warnings": mapping.warnings}
    status = SolveRun.Status.DONE
    if solution is None:
        status = SolveRun.Status.DONE
    elif solution.status.value == "infeasible":
        status = SolveRun.Status.INFEASIBLE
        result["conflicts"] = [c.message for c in solution.conflicts]
        result["conflict_texts"] = [adapters.engine_json(c.text) for c in solution.conflicts]
        lines.extend(adapters.engine_words(c.text, c.message) for c in solution.conflicts)
    elif not solution.has_schedule:
        status = SolveRun.Status.STOPPED if stopped else SolveRun.Status.FAILED
        lines.append(_("No schedule was found in the time given: allow more time."))
    else:
        status = SolveRun.Status.STOPPED if stopped or run.stop_requested else SolveRun.Status.DONE
        placed = adapters.from_solver_calls(solution.calls, mapping)
        written = _write_draft(run.period, placed, mapping, now)
        result.update(
            {
                "solver_status": solution.status.value,
                "method": solution.method,
                "breakdown": dict(solution.breakdown),
                "amounts": adapters.goal_amounts(problem, solution.calls),
                "calls": written,
                "unplaced": [
                    {
                        "request": mapping.request_pk.get(u.request),
                        "label": problem.request_label(u.request),
                        "minutes": u.minutes,
                        "reason": u.reason,
                        "why": adapters.engine_json(u.text),
                    }
                    for u in solution.unplaced
                ],
            }
        )
        lines.append(
            _("Best schedule: cost %(o)s, proven bound %(b)s; %(n)s calls placed, %(u)s left out.")
            % {
                "o": solution.objective,
                "b": solution.bound if solution.bound is not None else "—",
                "n": written,
                "u": len(solution.unplaced),
            }
        )
        if solution.unplaceable_minutes:
            lines.append(_(UNPLACEABLE) % {"duration": duration(solution.unplaceable_minutes, _)})
            result["unplaceable_minutes"] = solution.unplaceable_minutes
        lines.extend(words.costs_in_words(result["amounts"], result["unplaced"]))
        run.objective = solution.objective
        run.bound = solution.bound
    run.status = status
    run.result = result
    run.finished_at = now
    run.elapsed = time.perf_counter() - started
    run.solutions = live.solutions
    run.log = "\n".join(lines)
    run.save()
    return run


def _write_draft(
    period: SchedulePeriod,
    placed: Sequence[adapters.PlacedCall],
    mapping: adapters.Mapping,
    now: dt.datetime,
) -> int:
    """Replace the draft's unlocked calls by the solver's (locked ones stay as they are)."""
    draft = Schedule.objects.select_for_update().get(pk=draft_of(period).pk)
    existing = _draft_calls(draft)
    locked = {(c.request_id, c.part): c for c in existing if c.locked}
    uids = {(c.request_id, c.part): c.uid for c in existing}
    version = latest_version(period)
    if version is not None:
        for request_pk, part, uid in Call.objects.filter(schedule=version).values_list(
            "request_id", "part", "uid"
        ):
            uids[(request_pk, part)] = uid
    Call.objects.filter(schedule=draft, locked=False).delete()
    requests = {
        r.pk: r
        for r in CallRequest.objects.filter(pk__in={p.request_pk for p in placed}).select_related(
            "work", "section"
        )
    }
    new_calls = []
    people: list[tuple[int, ...]] = []
    for p in placed:
        if (p.request_pk, p.part) in locked:
            continue
        r = requests[p.request_pk]
        new_calls.append(
            Call(
                schedule=draft,
                uid=uids.get((p.request_pk, p.part)) or new_uid(),
                request=r,
                part=p.part,
                studio_id=p.studio_pk,
                starts_at=p.starts_at,
                ends_at=p.ends_at,
                label=r.label,
                work_title=r.work.title if r.work else "",
                section_name=r.section.name if r.section else "",
                created_at=now,
            )
        )
        people.append(p.person_pks)
    created = Call.objects.bulk_create(new_calls)
    CallPerson.objects.bulk_create(
        [
            CallPerson(call=c, person_id=pk)
            for c, pks in zip(created, people, strict=True)
            for pk in pks
        ]
    )
    return len(created) + len(locked)
