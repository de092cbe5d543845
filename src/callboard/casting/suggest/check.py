"""An independent check of a casting suggestion against its problem.

Written apart from the model-building code, so a mistake there shows up here: every hard
rule of :mod:`solver` is re-checked on the picks alone. Returns the broken rules, by name.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from callboard.casting.suggest.solver import Problem, Solution


def violations(problem: Problem, solution: Solution) -> list[str]:
    found: list[str] = []
    allowed = {(o.performance_id, o.role_id, o.dancer_id, o.kind) for o in problem.options}
    roles = {r.id: r for r in problem.roles}
    perfs = {p.id: p for p in problem.performances}
    first_places = {
        (n.performance_id, n.role_id): n.count for n in problem.needs if n.kind == "first"
    }
    cover_places = {
        (n.performance_id, n.role_id, n.rank) for n in problem.needs if n.kind == "cover"
    }

    for x in solution.picks:
        if (x.performance_id, x.role_id, x.dancer_id, x.kind) not in allowed:
            found.append(
                f"not an option: dancer {x.dancer_id} as {x.kind} "
                f"in role {x.role_id} at {x.performance_id}"
            )
        if x.kind == "cover" and (x.performance_id, x.role_id, x.rank) not in cover_places:
            found.append(
                f"no such cover place: role {x.role_id} rank {x.rank} at {x.performance_id}"
            )

    firsts = Counter((x.performance_id, x.role_id) for x in solution.picks if x.kind == "first")
    for (p, r), n in firsts.items():
        if n > first_places.get((p, r), 0):
            found.append(f"too many dancers for role {r} at {p}")
    covers = Counter(
        (x.performance_id, x.role_id, x.rank) for x in solution.picks if x.kind == "cover"
    )
    for (p, r, k), n in covers.items():
        if n > 1:
            found.append(f"cover rank {k} of role {r} at {p} filled twice")
    for p, r, k in list(covers):
        if k > 1 and (p, r, k - 1) in cover_places and (p, r, k - 1) not in covers:
            found.append(f"cover rank {k} of role {r} at {p} filled before rank {k - 1}")

    per_role = Counter((x.performance_id, x.role_id, x.dancer_id) for x in solution.picks)
    for (p, r, d), n in per_role.items():
        if n > 1:
            found.append(f"dancer {d} twice in role {r} at {p}")

    on_stage: dict[tuple[int, int], set[int]] = defaultdict(set)
    for x in solution.picks:
        if x.kind == "first":
            on_stage[(x.performance_id, x.dancer_id)].add(x.role_id)
    for (p, d), rs in on_stage.items():
        for r in rs:
            clash = rs & set(roles[r].overlaps)
            if clash:
                found.append(f"dancer {d} on stage twice at {p}: roles {r} and {sorted(clash)}")
    for x in solution.picks:
        if x.kind == "cover" and on_stage.get((x.performance_id, x.dancer_id), set()) & set(
            roles[x.role_id].overlaps
        ):
            found.append(
                f"cover {x.dancer_id} of role {x.role_id} at {x.performance_id} is on stage then"
            )

    by_dancer: dict[int, set[int]] = defaultdict(set)
    for p, d in on_stage:
        by_dancer[d].add(p)
    for d, ps in by_dancer.items():
        for p in ps:
            for q in ps:
                if p < q and perfs[p].starts < perfs[q].ends and perfs[q].starts < perfs[p].ends:
                    found.append(f"dancer {d} in performances {p} and {q} at the same time")

    leads: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for x in solution.picks:
        role = roles[x.role_id]
        if x.kind == "first" and role.principal:
            leads[x.dancer_id].append((x.performance_id, role.full_length))
    for d, items in leads.items():
        for i, (p, full_p) in enumerate(items):
            for q, full_q in items[i + 1 :]:
                if p == q:
                    continue
                gap = abs(perfs[p].day - perfs[q].day)
                if 0 < gap < problem.lead_rest_days:
                    found.append(f"dancer {d} leads at {p} and {q}, {gap} day(s) apart")
                if gap == 0 and full_p and full_q:
                    found.append(f"dancer {d} leads two full-length ballets on one day ({p}, {q})")
    return found
