"""Who may reach what: every page and every API operation of Callboard, as data.

``test_authz_matrix.py`` walks the URL resolver and the API's OpenAPI schema and fails for
any page or operation that has no entry here, so a new page cannot ship without a decision
about who may open it. Each entry says which *subjects* are allowed; everyone else is
denied. Subjects are the seven roles of :mod:`callboard.core.roles`, ``anonymous``, and
``other_dancer``: a dancer reaching for another dancer's records. Path arguments point at
records of the demo company that belong to the dancer Klára Kalmurzaev (the ``dancer``
subject); ``other_dancer`` is Eleonora Kalmurzaev.

Allowed sets are written with the capabilities of ``roles.py`` wherever a capability guards
the page, so the roles' table stays the one source of truth:

- ``cap(Cap.X)``: the roles holding X (``other_dancer`` too when dancers hold it);
- ``OWNER``: the dancer whose record the path names, and only her;
- ``SIGNED_IN``: any signed-in person; ``PUBLIC``: anyone, signed in or not.

What "denied" means: a page sends ``anonymous`` to ``/login/`` and answers 403 to a
signed-in person; the API answers 401 and 403. ``deny`` overrides the status for a
signed-in person where a page hides someone else's record (404) or keeps the person on
their own page with a message (302); a denied request never changes the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from callboard.core.roles import CAPABILITIES, Cap, Role

ANONYMOUS = "anonymous"
OTHER_DANCER = "other_dancer"
SUBJECTS: tuple[str, ...] = (ANONYMOUS, *(r.value for r in Role), OTHER_DANCER)

Who = frozenset[str]

PUBLIC: Who = frozenset(SUBJECTS)
SIGNED_IN: Who = frozenset(s for s in SUBJECTS if s != ANONYMOUS)
OWNER: Who = frozenset({Role.DANCER.value})


def cap(*caps: Cap) -> Who:
    """The subjects holding any of ``caps``, read from ``roles.CAPABILITIES``."""
    roles = {r.value for c in caps for r in CAPABILITIES[c]}
    if Role.DANCER.value in roles:
        roles.add(OTHER_DANCER)
    return frozenset(roles)


class Key(str):
    """A value taken from the fixture world (a record's id, a token) rather than a literal."""


DANCERS: Who = frozenset({Role.DANCER.value, OTHER_DANCER})

# How a page is exercised: GET only; GET and a POST (a form); POST only.
GET, FORM, POST = "get", "form", "post"


@dataclass(frozen=True)
class Page:
    """One named URL pattern outside ``admin/`` and ``api/``."""

    allow: Who
    mode: str = GET
    kwargs: dict[str, str] = field(default_factory=dict)  # URL argument -> world key
    query: dict[str, Any] = field(default_factory=dict)  # GET parameters (Key: from the world)
    # The POST sent: empty unless the page would turn an empty form away before its guard.
    data: dict[str, Any] = field(default_factory=dict)
    deny: tuple[int, ...] = (403,)  # statuses a denied signed-in person may get
    # (world key of a private text, who may see it): the page must show the text to them
    # and to nobody else.
    reveals: tuple[str, Who] | None = None
    # (world key of a private text, who may see it): nobody else may see it on this page.
    hides: tuple[str, Who] | None = None
    # An allowed POST that would start long work (a solve) is not sent; say why.
    skip_allowed_post: str = ""
    signs_out: bool = False  # the page's answer to everyone is the sign-in page


@dataclass(frozen=True)
class Op:
    """One API operation, by its OpenAPI operationId."""

    allow: Who
    kwargs: dict[str, str] = field(default_factory=dict)  # path parameter -> world key
    query: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] | None = None  # None: a minimal valid body made from the schema
    deny: tuple[int, ...] = (403,)
    reveals: tuple[str, Who] | None = None
    hides: tuple[str, Who] | None = None
    skip_allowed: str = ""


# Admin: one class of entries. Every pattern under ``admin/`` is for staff (the superuser)
# only; no role of the company is staff, so each role is sent to the admin's sign-in.
ADMIN_PREFIX = "admin/"

# Views of the API itself (its schema and its interactive docs) are public: they describe
# the operations, and each operation guards itself.
API_PREFIX = "api/v1/"
API_META: dict[str, Who] = {
    "api:openapi-json": PUBLIC,
    "api:openapi-view": PUBLIC,
    "api:api-root": PUBLIC,
    # The catch-all after the API: unknown API paths answer 404 in JSON, to anyone.
    "api-not-found": PUBLIC,
}

PRIVATE_PROFILE = cap(Cap.VIEW_PRIVATE) | OWNER
MEDICAL = cap(Cap.VIEW_MEDICAL) | OWNER
WORKLOAD = cap(Cap.VIEW_WORKLOAD) | OWNER
# An injury's diagnosis is for the dancer and the medical staff; planners see only limits.
DIAGNOSIS = ("injury_diagnosis", MEDICAL)
EMAIL = ("dancer_email", PRIVATE_PROFILE)
# A conflict a dancer gave (its reason): for her, and on the planner's list of answers.
OWN_CONFLICT = ("conflict_reason", OWNER)
SHARES_SURVEY = cap(Cap.MODERATE_FEEDBACK, Cap.EDIT_PERFORMANCE_REPORT, Cap.EDIT_SEASON)

PAGES: dict[str, Page] = {
    # ------------------------------------------------------------------ core
    "home": Page(SIGNED_IN),
    "login": Page(PUBLIC, FORM),
    "password_reset": Page(PUBLIC, FORM),
    "password_reset_done": Page(PUBLIC),
    "password_reset_confirm": Page(
        PUBLIC, FORM, kwargs={"uidb64": "reset_uid", "token": "reset_token"}
    ),
    "password_reset_complete": Page(PUBLIC),
    "logout": Page(PUBLIC, POST, signs_out=True),
    "account": Page(SIGNED_IN, FORM),
    # Revoking someone else's token leaves it alone and says so on one's own account page.
    "token_revoke": Page(OWNER, POST, kwargs={"token_id": "api_token"}, deny=(302, 404)),
    # Two-factor sign-in: one's own, for anyone signed in; the code step after the password
    # (a session that owes no code is sent on to the page it asked for).
    "two_factor": Page(SIGNED_IN, FORM),
    "two_factor_off": Page(SIGNED_IN, POST),
    "two_factor_verify": Page(SIGNED_IN, FORM),
    # Health for monitoring and load balancers: statuses and timings only, no addresses.
    "health": Page(PUBLIC),
    "health_live": Page(PUBLIC),
    "favicon": Page(PUBLIC),
    # ------------------------------------------------------------------ audit
    "audit:index": Page(cap(Cap.VIEW_AUDIT)),
    # ------------------------------------------------------------------ people
    "company:roster": Page(cap(Cap.VIEW_COMPANY), hides=EMAIL),
    # Anyone chooses the language they read; a signed-in person's choice is kept on their record.
    "company:language": Page(PUBLIC, POST),
    "company:dancer": Page(
        cap(Cap.VIEW_COMPANY), kwargs={"pk": "dancer"}, reveals=("dancer_email", PRIVATE_PROFILE)
    ),
    "company:dancer_new": Page(cap(Cap.EDIT_PEOPLE), FORM),
    "company:dancer_edit": Page(cap(Cap.EDIT_PEOPLE), FORM, kwargs={"pk": "dancer"}),
    "company:training_add": Page(cap(Cap.EDIT_PEOPLE), FORM, kwargs={"pk": "dancer"}),
    "company:training_remove": Page(
        cap(Cap.EDIT_PEOPLE), POST, kwargs={"pk": "dancer", "entry_id": "training"}
    ),
    "company:staff": Page(cap(Cap.VIEW_COMPANY)),
    "company:staff_new": Page(cap(Cap.EDIT_PEOPLE), FORM),
    "company:staff_edit": Page(cap(Cap.EDIT_PEOPLE), FORM, kwargs={"pk": "staff"}),
    "company:staff_remove": Page(cap(Cap.EDIT_PEOPLE), POST, kwargs={"pk": "staff"}),
    "company:contacts": Page(cap(Cap.VIEW_COMPANY)),
    "company:contact_new": Page(cap(Cap.EDIT_PEOPLE), FORM),
    "company:contact_edit": Page(cap(Cap.EDIT_PEOPLE), FORM, kwargs={"pk": "contact"}),
    "company:studios": Page(cap(Cap.VIEW_COMPANY)),
    "company:studio_new": Page(cap(Cap.EDIT_STUDIOS), FORM),
    "company:studio_edit": Page(cap(Cap.EDIT_STUDIOS), FORM, kwargs={"pk": "studio"}),
    "company:site_new": Page(cap(Cap.EDIT_STUDIOS), FORM),
    "company:site_edit": Page(cap(Cap.EDIT_STUDIOS), FORM, kwargs={"pk": "site"}),
    "company:site_travel": Page(cap(Cap.EDIT_STUDIOS), POST),
    "company:labour": Page(cap(Cap.VIEW_COMPANY)),
    "company:labour_new": Page(cap(Cap.EDIT_LABOUR), FORM),
    "company:labour_from_preset": Page(cap(Cap.EDIT_LABOUR), POST),
    "company:labour_edit": Page(cap(Cap.EDIT_LABOUR), FORM, kwargs={"pk": "labour"}),
    "company:labour_activate": Page(cap(Cap.EDIT_LABOUR), POST, kwargs={"pk": "labour"}),
    "company:import": Page(cap(Cap.EDIT_PEOPLE), FORM),
    # A person's data on request: management sees and downloads anyone's, a person their own;
    # only those who edit people erase (never their own), after ticking a confirmation.
    "company:person_data": Page(PRIVATE_PROFILE, kwargs={"pk": "dancer_person"}),
    "company:person_export": Page(PRIVATE_PROFILE, POST, kwargs={"pk": "dancer_person"}),
    "company:person_erase": Page(cap(Cap.EDIT_PEOPLE), POST, kwargs={"pk": "dancer_person"}),
    # ------------------------------------------------------------------ repertoire
    "repertoire:works": Page(cap(Cap.VIEW_COMPANY)),
    "repertoire:work_create": Page(cap(Cap.EDIT_REPERTOIRE), FORM),
    "repertoire:work": Page(cap(Cap.VIEW_COMPANY), kwargs={"pk": "work"}),
    "repertoire:work_edit": Page(cap(Cap.EDIT_REPERTOIRE), FORM, kwargs={"pk": "work"}),
    "repertoire:section_create": Page(cap(Cap.EDIT_REPERTOIRE), FORM, kwargs={"pk": "work"}),
    "repertoire:section_edit": Page(cap(Cap.EDIT_REPERTOIRE), FORM, kwargs={"pk": "section"}),
    "repertoire:section_move": Page(cap(Cap.EDIT_REPERTOIRE), POST, kwargs={"pk": "section"}),
    "repertoire:section_delete": Page(cap(Cap.EDIT_REPERTOIRE), POST, kwargs={"pk": "section"}),
    "repertoire:role_create": Page(cap(Cap.EDIT_REPERTOIRE), FORM, kwargs={"pk": "work"}),
    "repertoire:role_edit": Page(cap(Cap.EDIT_REPERTOIRE), FORM, kwargs={"pk": "role"}),
    "repertoire:role_delete": Page(cap(Cap.EDIT_REPERTOIRE), POST, kwargs={"pk": "role"}),
    "repertoire:dancer_role_set": Page(cap(Cap.EDIT_REPERTOIRE), POST, kwargs={"pk": "role"}),
    "repertoire:dancer_role_remove": Page(
        cap(Cap.EDIT_REPERTOIRE), POST, kwargs={"pk": "role", "dancer_pk": "dancer"}
    ),
    "repertoire:commissions": Page(cap(Cap.VIEW_COMPANY)),
    "repertoire:commission_create": Page(cap(Cap.EDIT_COMMISSIONS), FORM),
    "repertoire:commission": Page(cap(Cap.VIEW_COMPANY), kwargs={"pk": "commission"}),
    "repertoire:commission_edit": Page(
        cap(Cap.EDIT_COMMISSIONS), FORM, kwargs={"pk": "commission"}
    ),
    "repertoire:commission_advance": Page(
        cap(Cap.EDIT_COMMISSIONS), POST, kwargs={"pk": "commission"}
    ),
    "repertoire:milestone_create": Page(
        cap(Cap.EDIT_COMMISSIONS), POST, kwargs={"pk": "commission"}
    ),
    "repertoire:milestone_complete": Page(
        cap(Cap.EDIT_COMMISSIONS), POST, kwargs={"pk": "milestone"}
    ),
    "repertoire:milestone_delete": Page(
        cap(Cap.EDIT_COMMISSIONS), POST, kwargs={"pk": "milestone"}
    ),
    # ------------------------------------------------------------------ season
    "season:calendar": Page(cap(Cap.VIEW_COMPANY)),
    "season:venues": Page(cap(Cap.VIEW_COMPANY)),
    "season:venue_new": Page(cap(Cap.EDIT_SEASON), FORM),
    "season:venue": Page(cap(Cap.VIEW_COMPANY), kwargs={"pk": "venue"}),
    "season:venue_edit": Page(cap(Cap.EDIT_SEASON), FORM, kwargs={"pk": "venue"}),
    "season:venue_stage": Page(cap(Cap.EDIT_SEASON), FORM, kwargs={"pk": "venue"}),
    "season:seasons": Page(cap(Cap.VIEW_COMPANY)),
    "season:season_new": Page(cap(Cap.EDIT_SEASON), FORM),
    "season:season_edit": Page(cap(Cap.EDIT_SEASON), FORM, kwargs={"pk": "season"}),
    "season:tour_new": Page(cap(Cap.EDIT_SEASON), FORM),
    "season:tour": Page(cap(Cap.VIEW_COMPANY), kwargs={"pk": "tour"}),
    "season:tour_edit": Page(cap(Cap.EDIT_SEASON), FORM, kwargs={"pk": "tour"}),
    "season:programme_new": Page(cap(Cap.EDIT_SEASON), FORM),
    "season:programme": Page(cap(Cap.VIEW_COMPANY), kwargs={"pk": "programme"}),
    "season:programme_edit": Page(cap(Cap.EDIT_SEASON), FORM, kwargs={"pk": "programme"}),
    "season:performances": Page(cap(Cap.VIEW_COMPANY)),
    "season:performance_new": Page(cap(Cap.EDIT_SEASON), FORM),
    "season:performance": Page(cap(Cap.VIEW_COMPANY), kwargs={"pk": "performance"}),
    "season:performance_edit": Page(cap(Cap.EDIT_SEASON), FORM, kwargs={"pk": "performance"}),
    "season:performance_stage": Page(cap(Cap.EDIT_SEASON), FORM, kwargs={"pk": "performance"}),
    "season:performance_cancel": Page(cap(Cap.EDIT_SEASON), POST, kwargs={"pk": "performance"}),
    # ------------------------------------------------------------------ casting
    "casting:index": Page(cap(Cap.VIEW_COMPANY)),
    "casting:board": Page(cap(Cap.VIEW_CASTING), kwargs={"pk": "cast_programme"}),
    "casting:copy": Page(cap(Cap.EDIT_CASTING), POST, kwargs={"pk": "cast_programme"}),
    "casting:announce": Page(cap(Cap.APPROVE_CASTING), POST, kwargs={"pk": "cast_programme"}),
    "casting:suggest": Page(
        cap(Cap.EDIT_CASTING),
        POST,
        kwargs={"pk": "cast_programme"},
        skip_allowed_post="starts a casting suggestion (a CP-SAT solve)",
    ),
    "casting:sheet": Page(cap(Cap.VIEW_COMPANY), kwargs={"pk": "cast_programme"}),
    "casting:sheet_csv": Page(cap(Cap.VIEW_COMPANY), kwargs={"pk": "cast_programme"}),
    "casting:changes": Page(cap(Cap.VIEW_CASTING), kwargs={"pk": "cast_programme"}),
    "casting:needs": Page(cap(Cap.VIEW_CASTING), kwargs={"pk": "cast_programme"}),
    "casting:needs_refresh": Page(cap(Cap.EDIT_CASTING), POST, kwargs={"pk": "cast_programme"}),
    # The company manager reads the board (VIEW_CASTING) but may not change it: the board
    # comes back with the refusal as a message, and the cell stays as it was.
    "casting:cell": Page(
        cap(Cap.EDIT_CASTING),
        POST,
        deny=(302, 403),
        data={
            "performance": Key("cast_performance"),
            "role": Key("cast_role"),
            "layer": "first",
            "slot": 0,
            "action": "clear",
        },
    ),
    "casting:candidates": Page(
        cap(Cap.VIEW_CASTING),
        query={"performance": Key("cast_performance"), "role": Key("cast_role")},
    ),
    "casting:proposal": Page(cap(Cap.VIEW_CASTING), kwargs={"pk": "proposal"}),
    "casting:proposal_accept": Page(cap(Cap.APPROVE_CASTING), POST, kwargs={"pk": "proposal"}),
    "casting:proposal_discard": Page(cap(Cap.EDIT_CASTING), POST, kwargs={"pk": "proposal"}),
    "casting:need": Page(cap(Cap.EDIT_CASTING), FORM, kwargs={"pk": "need"}),
    "casting:need_delete": Page(cap(Cap.EDIT_CASTING), POST, kwargs={"pk": "need"}),
    "casting:record_danced": Page(cap(Cap.EDIT_CASTING), POST, kwargs={"pk": "cast_performance"}),
    "casting:dancer": Page(cap(Cap.VIEW_COMPANY), kwargs={"pk": "dancer"}),
    "casting:me": Page(cap(Cap.VIEW_COMPANY)),
    "casting:work_history": Page(cap(Cap.VIEW_COMPANY), kwargs={"pk": "work"}),
    "casting:notifications": Page(cap(Cap.VIEW_COMPANY)),
    # Someone else's notification is left alone: back to one's own list.
    "casting:notification_read": Page(
        OWNER, POST, kwargs={"pk": "notification"}, deny=(302, 403, 404)
    ),
    # ------------------------------------------------------------------ schedule
    "scheduling:index": Page(SIGNED_IN),
    "scheduling:period_new": Page(cap(Cap.PLAN_SCHEDULE), POST),
    "scheduling:plan": Page(cap(Cap.PLAN_SCHEDULE), kwargs={"pk": "plan"}, hides=DIAGNOSIS),
    "scheduling:requests_import": Page(cap(Cap.PLAN_SCHEDULE), POST, kwargs={"pk": "plan"}),
    "scheduling:request_new": Page(cap(Cap.PLAN_SCHEDULE), POST, kwargs={"pk": "plan"}),
    "scheduling:event_new": Page(cap(Cap.PLAN_SCHEDULE), POST, kwargs={"pk": "plan"}),
    "scheduling:closure_new": Page(cap(Cap.PLAN_SCHEDULE), POST, kwargs={"pk": "plan"}),
    "scheduling:unavailability_new": Page(cap(Cap.PLAN_SCHEDULE), POST, kwargs={"pk": "plan"}),
    "scheduling:solve": Page(
        cap(Cap.PLAN_SCHEDULE),
        POST,
        kwargs={"pk": "plan"},
        skip_allowed_post="starts a solve of the week (a CP-SAT run)",
    ),
    "scheduling:review": Page(cap(Cap.PLAN_SCHEDULE), kwargs={"pk": "plan"}),
    "scheduling:explain": Page(cap(Cap.PLAN_SCHEDULE), kwargs={"pk": "plan"}),
    "scheduling:call_new": Page(cap(Cap.PLAN_SCHEDULE), FORM, kwargs={"pk": "plan"}),
    "scheduling:publish": Page(cap(Cap.PLAN_SCHEDULE), POST, kwargs={"pk": "plan"}),
    "scheduling:version": Page(
        cap(Cap.PLAN_SCHEDULE), kwargs={"pk": "plan", "number": "version_number"}
    ),
    "scheduling:request_edit": Page(cap(Cap.PLAN_SCHEDULE), FORM, kwargs={"pk": "call_request"}),
    "scheduling:request_delete": Page(cap(Cap.PLAN_SCHEDULE), POST, kwargs={"pk": "call_request"}),
    "scheduling:event_delete": Page(cap(Cap.PLAN_SCHEDULE), POST, kwargs={"pk": "fixed_event"}),
    "scheduling:closure_delete": Page(cap(Cap.PLAN_SCHEDULE), POST, kwargs={"pk": "closure"}),
    "scheduling:unavailability_delete": Page(
        cap(Cap.PLAN_SCHEDULE), POST, kwargs={"pk": "unavailability"}
    ),
    "scheduling:run": Page(cap(Cap.PLAN_SCHEDULE), kwargs={"pk": "run"}),
    "scheduling:run_progress": Page(cap(Cap.PLAN_SCHEDULE), kwargs={"pk": "run"}),
    "scheduling:run_stop": Page(cap(Cap.PLAN_SCHEDULE), POST, kwargs={"pk": "run"}),
    "scheduling:call_edit": Page(cap(Cap.PLAN_SCHEDULE), FORM, kwargs={"pk": "call"}),
    "scheduling:call_remove": Page(cap(Cap.PLAN_SCHEDULE), POST, kwargs={"pk": "call"}),
    "scheduling:call_lock": Page(cap(Cap.PLAN_SCHEDULE), POST, kwargs={"pk": "call"}),
    "scheduling:me": Page(SIGNED_IN),
    # Availability: the ballet master asks and answers; everyone gives their own conflicts.
    "scheduling:availability": Page(cap(Cap.PLAN_SCHEDULE), FORM),
    "scheduling:availability_period": Page(
        cap(Cap.PLAN_SCHEDULE), kwargs={"pk": "availability_period"}
    ),
    "scheduling:availability_remind": Page(
        cap(Cap.PLAN_SCHEDULE), POST, kwargs={"pk": "availability_period"}
    ),
    "scheduling:availability_decide": Page(cap(Cap.PLAN_SCHEDULE), POST, kwargs={"pk": "conflict"}),
    "scheduling:availability_mine": Page(SIGNED_IN, FORM),
    "scheduling:availability_nothing": Page(SIGNED_IN, POST, kwargs={"pk": "availability_period"}),
    # Open to everyone signed in; the service lets only the conflict's owner and the planner
    # take it back (see TRESPASSES), others are sent back with the refusal.
    "scheduling:availability_withdraw": Page(SIGNED_IN, POST, kwargs={"pk": "conflict"}),
    # The phone: the manifest holds no one's data (browsers fetch it without the cookie); the
    # service worker and the push subscription are the signed-in person's own.
    "scheduling:manifest": Page(PUBLIC),
    "scheduling:service_worker": Page(SIGNED_IN),
    "scheduling:push": Page(SIGNED_IN, POST),
    "scheduling:notice_read": Page(OWNER, POST, kwargs={"pk": "notice"}, deny=(403, 404)),
    # The day's call sheet is the callboard on the wall: every signed-in person reads it.
    "scheduling:board_today": Page(SIGNED_IN),
    "scheduling:board": Page(SIGNED_IN, kwargs={"day": "call_day"}),
    "scheduling:board_pdf": Page(SIGNED_IN, kwargs={"day": "call_day"}),
    "scheduling:feeds": Page(SIGNED_IN, FORM),
    # A private calendar address: the token is the credential.
    "scheduling:feed": Page(PUBLIC, kwargs={"token": "feed_token"}),
    # ------------------------------------------------------------------ box office
    "boxoffice:index": Page(
        cap(
            Cap.SELL_TICKETS,
            Cap.MANAGE_HOLDS,
            Cap.CHECK_IN,
            Cap.EDIT_SEAT_MAPS,
            Cap.CLAIM_COMPS,
            Cap.VIEW_BOXOFFICE_REPORTS,
        )
    ),
    "boxoffice:sweep": Page(cap(Cap.SELL_TICKETS), POST),
    "boxoffice:seatmap": Page(cap(Cap.EDIT_SEAT_MAPS), FORM, kwargs={"venue_id": "house"}),
    "boxoffice:seatmap_export": Page(cap(Cap.EDIT_SEAT_MAPS), kwargs={"venue_id": "house"}),
    "boxoffice:sales": Page(cap(Cap.SELL_TICKETS), FORM, kwargs={"pk": "on_sale"}),
    "boxoffice:holds": Page(cap(Cap.MANAGE_HOLDS), FORM, kwargs={"pk": "on_sale"}),
    "boxoffice:door": Page(cap(Cap.CHECK_IN), FORM, kwargs={"pk": "on_sale"}),
    # The artistic director reads the reports too.
    "boxoffice:report": Page(cap(Cap.VIEW_BOXOFFICE_REPORTS), kwargs={"pk": "on_sale"}),
    "boxoffice:report_csv": Page(cap(Cap.VIEW_BOXOFFICE_REPORTS), kwargs={"pk": "on_sale"}),
    "boxoffice:orders": Page(cap(Cap.SELL_TICKETS)),
    "boxoffice:order": Page(cap(Cap.SELL_TICKETS), FORM, kwargs={"pk": "order"}),
    # Whoever holds a ticket's code holds the ticket: its QR code is public.
    "boxoffice:ticket_qr": Page(PUBLIC, kwargs={"code": "ticket_code"}),
    "boxoffice:comps": Page(cap(Cap.CLAIM_COMPS), FORM),
    "boxoffice:comps_queue": Page(cap(Cap.MANAGE_HOLDS), FORM),
    "boxoffice:prices": Page(cap(Cap.EDIT_SEAT_MAPS), FORM, kwargs={"pk": "on_sale"}),
    "boxoffice:discounts": Page(cap(Cap.SELL_TICKETS), FORM),
    "boxoffice:discount": Page(cap(Cap.SELL_TICKETS), FORM, kwargs={"pk": "discount"}),
    "boxoffice:waitlist": Page(
        cap(Cap.SELL_TICKETS),
        kwargs={"pk": "on_sale"},
        hides=("waitlist_email", cap(Cap.SELL_TICKETS)),
    ),
    # A patron's orders are the box office's; their export and erasure are management's.
    "boxoffice:patrons": Page(cap(Cap.SELL_TICKETS)),
    "boxoffice:patron": Page(
        cap(Cap.SELL_TICKETS),
        kwargs={"pk": "patron"},
        reveals=("patron_email", cap(Cap.SELL_TICKETS)),
    ),
    "boxoffice:patron_export": Page(cap(Cap.EDIT_PEOPLE), POST, kwargs={"pk": "patron"}),
    "boxoffice:patron_erase": Page(cap(Cap.EDIT_PEOPLE), POST, kwargs={"pk": "patron"}),
    # Buyers need no account to join a sold-out performance's waiting list or take an offer
    # (the offer's token is theirs).
    "boxoffice:waitlist_join": Page(PUBLIC, FORM, kwargs={"pk": "on_sale"}),
    "boxoffice:waitlist_offer": Page(PUBLIC, FORM, kwargs={"token": "waitlist_token"}),
    # ------------------------------------------------------------------ reception
    "reception:index": Page(cap(Cap.VIEW_COMPANY)),
    "reception:performance": Page(cap(Cap.VIEW_COMPANY), kwargs={"pk": "performed"}),
    "reception:report_edit": Page(
        cap(Cap.EDIT_PERFORMANCE_REPORT), FORM, kwargs={"pk": "performed"}
    ),
    "reception:review_new": Page(cap(Cap.EDIT_REVIEWS), FORM, kwargs={"pk": "performed"}),
    # The survey's link is shared by the press office and management.
    "reception:survey_card": Page(SHARES_SURVEY, kwargs={"pk": "performed"}),
    "reception:survey_qr": Page(SHARES_SURVEY, kwargs={"pk": "performed"}),
    "reception:review_edit": Page(cap(Cap.EDIT_REVIEWS), FORM, kwargs={"pk": "review"}),
    "reception:review_delete": Page(cap(Cap.EDIT_REVIEWS), POST, kwargs={"pk": "review"}),
    "reception:work_press": Page(cap(Cap.VIEW_COMPANY), kwargs={"pk": "work"}),
    "reception:programme_press": Page(cap(Cap.VIEW_COMPANY), kwargs={"pk": "programme"}),
    "reception:moderation": Page(cap(Cap.MODERATE_FEEDBACK), FORM),
    # The public audience survey: the token in the address is all it takes.
    "feedback:survey": Page(PUBLIC, FORM, kwargs={"token": "survey_token"}),
    "feedback:thanks": Page(PUBLIC, kwargs={"token": "survey_token"}),
    # The public shop: no sign-in; a buyer's order is reached by its unguessable link.
    "shop:index": Page(PUBLIC),
    "shop:performance": Page(PUBLIC, FORM, kwargs={"pk": "on_sale"}),
    "shop:embedded": Page(PUBLIC, FORM, kwargs={"pk": "on_sale"}),
    "shop:order": Page(PUBLIC, FORM, kwargs={"token": "order_token"}),
    "shop:ticket_pdf": Page(
        PUBLIC, kwargs={"token": "paid_order_token", "code": "paid_ticket_code"}
    ),
    "shop:order_ics": Page(PUBLIC, kwargs={"token": "order_token"}),
    # The payment provider's notifications: verified the provider's way, not by sign-in.
    "shop:webhook": Page(PUBLIC, POST, kwargs={"provider": "payment_provider"}),
    # ------------------------------------------------------------------ wellbeing
    # A dancer's index sends her to her own page; the box office and press have none.
    "wellbeing:index": Page(cap(Cap.VIEW_WORKLOAD) | cap(Cap.CLAIM_COMPS)),
    "wellbeing:company": Page(cap(Cap.VIEW_WORKLOAD), hides=DIAGNOSIS),
    "wellbeing:planning": Page(cap(Cap.VIEW_WORKLOAD), hides=DIAGNOSIS),
    "wellbeing:figures": Page(cap(Cap.VIEW_WORKLOAD), hides=DIAGNOSIS),
    "wellbeing:caseload": Page(cap(Cap.VIEW_MEDICAL)),
    "wellbeing:dancer": Page(WORKLOAD, kwargs={"pk": "dancer"}, hides=DIAGNOSIS),
    "wellbeing:exertion": Page(
        MEDICAL,
        POST,
        kwargs={"pk": "dancer"},
        data={"day": Key("today"), "session": "day", "rpe": 5},
    ),
    "wellbeing:injuries": Page(MEDICAL, FORM, kwargs={"pk": "dancer"}),
    "wellbeing:injury": Page(MEDICAL, FORM, kwargs={"pk": "injury"}),
    "wellbeing:stage_add": Page(MEDICAL, POST, kwargs={"pk": "injury"}),
    # The dancer records her injuries; only the medical staff removes a record.
    "wellbeing:injury_delete": Page(cap(Cap.VIEW_MEDICAL), POST, kwargs={"pk": "injury"}),
    "wellbeing:stage_remove": Page(MEDICAL, POST, kwargs={"pk": "stage"}),
}

P = "callboard_"  # every operationId starts with the module path of its router

OPS: dict[str, Op] = {
    # ------------------------------------------------------------------ account
    P + "core_api_account_me": Op(SIGNED_IN),
    P + "core_api_account_token_list": Op(SIGNED_IN),
    P + "core_api_account_token_create": Op(SIGNED_IN),
    P + "core_api_account_token_revoke": Op(
        OWNER, kwargs={"token_id": "api_token"}, deny=(403, 404)
    ),
    # ------------------------------------------------------------------ company
    P + "company_api_company_detail": Op(cap(Cap.VIEW_COMPANY)),
    P + "company_api_dancer_list": Op(cap(Cap.VIEW_COMPANY), hides=EMAIL),
    P + "company_api_dancer_create": Op(cap(Cap.EDIT_PEOPLE)),
    P + "company_api_dancer_detail": Op(
        cap(Cap.VIEW_COMPANY),
        kwargs={"dancer_id": "dancer"},
        reveals=("dancer_email", PRIVATE_PROFILE),
    ),
    P + "company_api_dancer_update": Op(cap(Cap.EDIT_PEOPLE), kwargs={"dancer_id": "dancer"}),
    P + "company_api_training_add": Op(cap(Cap.EDIT_PEOPLE), kwargs={"dancer_id": "dancer"}),
    P + "company_api_training_remove": Op(
        cap(Cap.EDIT_PEOPLE), kwargs={"dancer_id": "dancer", "entry_id": "training"}
    ),
    P + "company_api_staff_list": Op(cap(Cap.VIEW_COMPANY)),
    P + "company_api_staff_create": Op(cap(Cap.EDIT_PEOPLE)),
    P + "company_api_site_list": Op(cap(Cap.VIEW_COMPANY)),
    P + "company_api_site_create": Op(cap(Cap.EDIT_STUDIOS)),
    P + "company_api_studio_list": Op(cap(Cap.VIEW_COMPANY)),
    P + "company_api_studio_create": Op(cap(Cap.EDIT_STUDIOS)),
    P + "company_api_studio_update": Op(cap(Cap.EDIT_STUDIOS), kwargs={"studio_id": "studio"}),
    P + "company_api_labour_profile_list": Op(cap(Cap.VIEW_COMPANY)),
    P + "company_api_labour_profile_detail": Op(
        cap(Cap.VIEW_COMPANY), kwargs={"profile_id": "labour"}
    ),
    P + "company_api_labour_profile_from_preset": Op(cap(Cap.EDIT_LABOUR)),
    P + "company_api_labour_profile_activate": Op(
        cap(Cap.EDIT_LABOUR), kwargs={"profile_id": "labour"}
    ),
    # ------------------------------------------------------------------ repertoire
    P + "repertoire_api_work_list": Op(cap(Cap.VIEW_COMPANY)),
    P + "repertoire_api_work_create": Op(cap(Cap.EDIT_REPERTOIRE)),
    P + "repertoire_api_work_get": Op(cap(Cap.VIEW_COMPANY), kwargs={"work_id": "work"}),
    P + "repertoire_api_work_patch": Op(cap(Cap.EDIT_REPERTOIRE), kwargs={"work_id": "work"}),
    P + "repertoire_api_section_create": Op(cap(Cap.EDIT_REPERTOIRE), kwargs={"work_id": "work"}),
    P + "repertoire_api_section_patch": Op(
        cap(Cap.EDIT_REPERTOIRE), kwargs={"section_id": "section"}
    ),
    P + "repertoire_api_section_delete": Op(
        cap(Cap.EDIT_REPERTOIRE), kwargs={"section_id": "section"}
    ),
    P + "repertoire_api_section_move": Op(
        cap(Cap.EDIT_REPERTOIRE), kwargs={"section_id": "section"}
    ),
    P + "repertoire_api_role_create": Op(cap(Cap.EDIT_REPERTOIRE), kwargs={"work_id": "work"}),
    P + "repertoire_api_role_patch": Op(cap(Cap.EDIT_REPERTOIRE), kwargs={"role_id": "role"}),
    P + "repertoire_api_role_delete": Op(cap(Cap.EDIT_REPERTOIRE), kwargs={"role_id": "role"}),
    P + "repertoire_api_dancer_role_set": Op(
        cap(Cap.EDIT_REPERTOIRE), kwargs={"role_id": "role", "dancer_id": "dancer"}
    ),
    P + "repertoire_api_dancer_role_remove": Op(
        cap(Cap.EDIT_REPERTOIRE), kwargs={"role_id": "role", "dancer_id": "dancer"}
    ),
    P + "repertoire_api_commission_list": Op(cap(Cap.VIEW_COMPANY)),
    P + "repertoire_api_commission_create": Op(cap(Cap.EDIT_COMMISSIONS)),
    P + "repertoire_api_commission_get": Op(
        cap(Cap.VIEW_COMPANY), kwargs={"commission_id": "commission"}
    ),
    P + "repertoire_api_commission_advance": Op(
        cap(Cap.EDIT_COMMISSIONS), kwargs={"commission_id": "commission"}
    ),
    P + "repertoire_api_milestone_create": Op(
        cap(Cap.EDIT_COMMISSIONS), kwargs={"commission_id": "commission"}
    ),
    P + "repertoire_api_milestone_complete": Op(
        cap(Cap.EDIT_COMMISSIONS), kwargs={"milestone_id": "milestone"}
    ),
    # ------------------------------------------------------------------ season
    P + "season_api_venue_list": Op(cap(Cap.VIEW_COMPANY)),
    P + "season_api_venue_create": Op(cap(Cap.EDIT_SEASON)),
    P + "season_api_venue_get": Op(cap(Cap.VIEW_COMPANY), kwargs={"venue_id": "venue"}),
    P + "season_api_venue_update": Op(cap(Cap.EDIT_SEASON), kwargs={"venue_id": "venue"}),
    P + "season_api_season_list": Op(cap(Cap.VIEW_COMPANY)),
    P + "season_api_season_create": Op(cap(Cap.EDIT_SEASON)),
    P + "season_api_season_get": Op(cap(Cap.VIEW_COMPANY), kwargs={"season_id": "season"}),
    P + "season_api_season_update": Op(cap(Cap.EDIT_SEASON), kwargs={"season_id": "season"}),
    P + "season_api_tour_list": Op(cap(Cap.VIEW_COMPANY)),
    P + "season_api_tour_create": Op(cap(Cap.EDIT_SEASON)),
    P + "season_api_tour_get": Op(cap(Cap.VIEW_COMPANY), kwargs={"tour_id": "tour"}),
    P + "season_api_tour_update": Op(cap(Cap.EDIT_SEASON), kwargs={"tour_id": "tour"}),
    P + "season_api_programme_list": Op(cap(Cap.VIEW_COMPANY)),
    P + "season_api_programme_create": Op(cap(Cap.EDIT_SEASON)),
    P + "season_api_programme_get": Op(cap(Cap.VIEW_COMPANY), kwargs={"programme_id": "programme"}),
    P + "season_api_programme_update": Op(
        cap(Cap.EDIT_SEASON), kwargs={"programme_id": "programme"}
    ),
    P + "season_api_performance_list": Op(cap(Cap.VIEW_COMPANY)),
    P + "season_api_performance_create": Op(cap(Cap.EDIT_SEASON)),
    P + "season_api_performance_get": Op(
        cap(Cap.VIEW_COMPANY), kwargs={"performance_id": "performance"}
    ),
    P + "season_api_performance_update": Op(
        cap(Cap.EDIT_SEASON), kwargs={"performance_id": "performance"}
    ),
    P + "season_api_performance_cancel": Op(
        cap(Cap.EDIT_SEASON), kwargs={"performance_id": "performance"}
    ),
    # ------------------------------------------------------------------ box office
    # Buyers need no account: what is on sale, a cart, an order.
    P + "boxoffice_api_performances": Op(PUBLIC),
    P + "boxoffice_api_availability": Op(PUBLIC, kwargs={"performance_id": "on_sale"}),
    P + "boxoffice_api_house": Op(PUBLIC, kwargs={"performance_id": "on_sale"}),
    P + "boxoffice_api_taken": Op(PUBLIC, kwargs={"performance_id": "on_sale"}),
    P + "boxoffice_api_cart_create": Op(
        PUBLIC, kwargs={"performance_id": "on_sale"}, body={"best_available": {"count": 1}}
    ),
    P + "boxoffice_api_cart_get": Op(PUBLIC, kwargs={"token": "cart_token"}),
    P + "boxoffice_api_cart_release": Op(PUBLIC, kwargs={"token": "cart_token"}),
    P + "boxoffice_api_cart_add": Op(
        PUBLIC, kwargs={"token": "cart_token"}, body={"best_available": {"count": 1}}
    ),
    P + "boxoffice_api_order_confirm": Op(
        PUBLIC,
        kwargs={"token": "cart_token"},
        body={"buyer_name": "Nina Petrova", "buyer_email": "nina@example.org"},
    ),
    P + "boxoffice_api_check_in": Op(cap(Cap.CHECK_IN)),
    P + "boxoffice_api_prices": Op(PUBLIC, kwargs={"performance_id": "on_sale"}),
    P + "boxoffice_api_cart_quote": Op(PUBLIC, kwargs={"token": "cart_token"}, body={}),
    P + "boxoffice_api_waitlist_join": Op(
        PUBLIC,
        kwargs={"performance_id": "on_sale"},
        body={"name": "Nina Petrova", "email": "nina@example.org", "seats": 1},
    ),
    P + "boxoffice_api_waitlist_accept": Op(PUBLIC, kwargs={"token": "waitlist_token"}),
    # ------------------------------------------------------------------ casting
    P + "casting_api_board": Op(cap(Cap.VIEW_CASTING), kwargs={"programme_id": "cast_programme"}),
    # Everyone reads announced casting; a draft stays with management.
    P + "casting_api_performance_casting": Op(
        cap(Cap.VIEW_COMPANY),
        kwargs={"performance_id": "draft_performance"},
        reveals=("draft_dancer", cap(Cap.VIEW_CASTING)),
    ),
    P + "casting_api_candidates": Op(
        cap(Cap.VIEW_CASTING),
        query={"performance_id": Key("cast_performance"), "role_id": Key("cast_role")},
    ),
    P + "casting_api_changes": Op(cap(Cap.VIEW_CASTING), kwargs={"programme_id": "cast_programme"}),
    # A dancer's own casting; anyone else has none (404).
    P + "casting_api_me": Op(DANCERS, deny=(404,)),
    P + "casting_api_dancer_casting": Op(cap(Cap.VIEW_COMPANY), kwargs={"dancer_id": "dancer"}),
    P + "casting_api_notifications": Op(SIGNED_IN),
    P + "casting_api_notification_read": Op(
        OWNER, kwargs={"notification_id": "notification"}, deny=(403, 404)
    ),
    P + "casting_api_assign": Op(cap(Cap.EDIT_CASTING)),
    P + "casting_api_clear": Op(cap(Cap.EDIT_CASTING)),
    P + "casting_api_copy": Op(
        cap(Cap.EDIT_CASTING), kwargs={"performance_id": "cast_performance"}
    ),
    P + "casting_api_announce": Op(
        cap(Cap.APPROVE_CASTING), kwargs={"performance_id": "cast_performance"}
    ),
    P + "casting_api_record_danced": Op(
        cap(Cap.EDIT_CASTING), kwargs={"performance_id": "cast_performance"}
    ),
    P + "casting_api_suggest": Op(
        cap(Cap.EDIT_CASTING),
        kwargs={"programme_id": "cast_programme"},
        skip_allowed="starts a casting suggestion (a CP-SAT solve)",
    ),
    P + "casting_api_suggestion": Op(cap(Cap.VIEW_CASTING), kwargs={"proposal_id": "proposal"}),
    P + "casting_api_suggestion_accept": Op(
        cap(Cap.APPROVE_CASTING), kwargs={"proposal_id": "proposal"}
    ),
    P + "casting_api_suggestion_discard": Op(
        cap(Cap.EDIT_CASTING), kwargs={"proposal_id": "proposal"}
    ),
    P + "casting_api_needs": Op(cap(Cap.VIEW_CASTING), kwargs={"programme_id": "cast_programme"}),
    P + "casting_api_need_create": Op(
        cap(Cap.EDIT_CASTING), kwargs={"programme_id": "cast_programme"}
    ),
    P + "casting_api_need_update": Op(cap(Cap.EDIT_CASTING), kwargs={"need_id": "need"}),
    P + "casting_api_need_delete": Op(cap(Cap.EDIT_CASTING), kwargs={"need_id": "need"}),
    # ------------------------------------------------------------------ reception
    P + "reception_api_report_get": Op(
        cap(Cap.VIEW_COMPANY), kwargs={"performance_id": "performed"}
    ),
    P + "reception_api_report_put": Op(
        cap(Cap.EDIT_PERFORMANCE_REPORT), kwargs={"performance_id": "performed"}
    ),
    P + "reception_api_review_list": Op(cap(Cap.VIEW_COMPANY)),
    P + "reception_api_review_create": Op(cap(Cap.EDIT_REVIEWS)),
    P + "reception_api_review_get": Op(cap(Cap.VIEW_COMPANY), kwargs={"review_id": "review"}),
    P + "reception_api_review_patch": Op(cap(Cap.EDIT_REVIEWS), kwargs={"review_id": "review"}),
    P + "reception_api_review_delete": Op(cap(Cap.EDIT_REVIEWS), kwargs={"review_id": "review"}),
    P + "reception_api_work_press": Op(cap(Cap.VIEW_COMPANY), kwargs={"work_id": "work"}),
    P + "reception_api_programme_press": Op(
        cap(Cap.VIEW_COMPANY), kwargs={"programme_id": "programme"}
    ),
    P + "reception_api_survey_answer": Op(PUBLIC, kwargs={"token": "survey_token"}),
    P + "reception_api_feedback_of_performance": Op(
        cap(Cap.VIEW_COMPANY), kwargs={"performance_id": "performed"}
    ),
    P + "reception_api_feedback_queue": Op(cap(Cap.MODERATE_FEEDBACK)),
    P + "reception_api_feedback_moderate": Op(cap(Cap.MODERATE_FEEDBACK)),
    # ------------------------------------------------------------------ wellbeing
    P + "wellbeing_api_dancer_workload": Op(
        WORKLOAD, kwargs={"dancer_id": "dancer"}, hides=DIAGNOSIS
    ),
    P + "wellbeing_api_company_workload": Op(cap(Cap.VIEW_WORKLOAD), hides=DIAGNOSIS),
    P + "wellbeing_api_exertion_record": Op(MEDICAL, kwargs={"dancer_id": "dancer"}),
    P + "wellbeing_api_exertion_list": Op(WORKLOAD, kwargs={"dancer_id": "dancer"}),
    P + "wellbeing_api_exertion_delete": Op(MEDICAL, kwargs={"rating_id": "rating"}),
    P + "wellbeing_api_planning": Op(cap(Cap.VIEW_WORKLOAD), hides=DIAGNOSIS),
    P + "wellbeing_api_injury_list": Op(MEDICAL, kwargs={"dancer_id": "dancer"}),
    P + "wellbeing_api_injury_record": Op(MEDICAL, kwargs={"dancer_id": "dancer"}),
    P + "wellbeing_api_injury_get": Op(MEDICAL, kwargs={"injury_id": "injury"}),
    P + "wellbeing_api_injury_patch": Op(MEDICAL, kwargs={"injury_id": "injury"}),
    P + "wellbeing_api_injury_delete": Op(cap(Cap.VIEW_MEDICAL), kwargs={"injury_id": "injury"}),
    P + "wellbeing_api_stage_add": Op(MEDICAL, kwargs={"injury_id": "injury"}),
    P + "wellbeing_api_stage_remove": Op(MEDICAL, kwargs={"stage_id": "stage"}),
    P + "wellbeing_api_figures": Op(cap(Cap.VIEW_WORKLOAD), hides=DIAGNOSIS),
    # ------------------------------------------------------------------ schedule
    P + "scheduling_api_my_calls": Op(SIGNED_IN),
    P + "scheduling_api_board": Op(SIGNED_IN, kwargs={"day": "call_day"}),
    P + "scheduling_api_notices": Op(SIGNED_IN),
    P + "scheduling_api_notice_read": Op(OWNER, kwargs={"notice_id": "notice"}, deny=(403, 404)),
    P + "scheduling_api_plans": Op(cap(Cap.PLAN_SCHEDULE)),
    P + "scheduling_api_versions": Op(
        cap(Cap.VIEW_ALL_CALLS, Cap.PLAN_SCHEDULE), kwargs={"plan_id": "plan"}
    ),
    P + "scheduling_api_version_calls": Op(
        cap(Cap.VIEW_ALL_CALLS, Cap.PLAN_SCHEDULE), kwargs={"version_id": "version"}
    ),
    P + "scheduling_api_run_start": Op(
        cap(Cap.PLAN_SCHEDULE),
        kwargs={"plan_id": "plan"},
        skip_allowed="starts a solve of the week (a CP-SAT run)",
    ),
    P + "scheduling_api_run_poll": Op(cap(Cap.PLAN_SCHEDULE), kwargs={"run_id": "run"}),
    P + "scheduling_api_run_stop": Op(cap(Cap.PLAN_SCHEDULE), kwargs={"run_id": "run"}),
    # Availability: everyone their own periods and conflicts; the ballet master every answer.
    P + "scheduling_api_availability_periods": Op(SIGNED_IN, reveals=OWN_CONFLICT),
    P + "scheduling_api_my_conflicts": Op(SIGNED_IN, reveals=OWN_CONFLICT),
    P + "scheduling_api_conflict_submit": Op(
        SIGNED_IN, kwargs={"period_id": "availability_period"}
    ),
    P + "scheduling_api_conflict_withdraw": Op(
        OWNER | cap(Cap.PLAN_SCHEDULE), kwargs={"conflict_id": "conflict"}
    ),
    P + "scheduling_api_availability_answers": Op(
        cap(Cap.PLAN_SCHEDULE),
        kwargs={"period_id": "availability_period"},
        reveals=("conflict_reason", cap(Cap.PLAN_SCHEDULE)),
    ),
    P + "scheduling_api_conflict_decide": Op(
        cap(Cap.PLAN_SCHEDULE), kwargs={"conflict_id": "conflict"}
    ),
}


@dataclass(frozen=True)
class Trespass:
    """A dancer's own action aimed at another dancer's record, sent by ``other_dancer``.

    The page itself is open to every dancer, so the matrix above cannot tell; here the
    other dancer's POST must write nothing, and the same POST by the record's owner must
    write something (so the request is one that would act).
    """

    name: str
    kwargs: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)


TRESPASSES: dict[str, Trespass] = {
    "take back another dancer's availability conflict": Trespass(
        "scheduling:availability_withdraw", kwargs={"pk": "conflict"}
    ),
    "withdraw another dancer's family comp claim": Trespass(
        "boxoffice:comps", data={"action": "cancel", "claim": Key("comp_claim")}
    ),
    "mark another dancer's casting notification read": Trespass(
        "casting:notification_read", kwargs={"pk": "notification"}
    ),
    "mark another dancer's schedule notice read": Trespass(
        "scheduling:notice_read", kwargs={"pk": "notice"}
    ),
    "revoke another dancer's API token": Trespass("token_revoke", kwargs={"token_id": "api_token"}),
    "rate another dancer's exertion": Trespass(
        "wellbeing:exertion",
        kwargs={"pk": "dancer"},
        data={"day": Key("rated_day"), "session": "day", "rpe": 7},
    ),
    "add a stage to another dancer's return-to-dance plan": Trespass(
        "wellbeing:stage_add",
        kwargs={"pk": "injury"},
        data={"stage-starts_on": Key("today"), "stage-mode": "full"},
    ),
}
