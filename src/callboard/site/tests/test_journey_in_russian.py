"""The Moscow company in Russian, in a real browser whose language is Russian.

The ballet master plans and solves a week and reads the explanation; a dancer reads "My calls"
on a phone; the box office sells a ticket priced in roubles. Every page passed is checked:
``<html lang="ru">``, no English string of the catalogue, and no Latin word that is not the
company's own data (names of people, works, venues: names aside).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone, translation

from callboard.core.testing.language import catalogue_leftovers, data_words, latin_words
from callboard.site.demo import PASSWORD
from callboard.site.tests.test_journeys import DESKTOP, PHONE, _demo, _plan_week, _shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RUSSIAN = {"locale": "ru-RU", "extra_http_headers": {"Accept-Language": "ru-RU,ru;q=0.9"}}


def _russian_only(page: Any, allowed: set[str], seen: list[str]) -> None:
    """The page now shown is in Russian, names aside: the scheduler engine's own sentences (a
    penalty's detail, why a request was left out, a broken rule) too. A link just clicked may
    still be loading: the page is read once its document has loaded."""
    from playwright.sync_api import expect

    page.wait_for_load_state("load")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    html = page.content()
    url = page.url
    assert re.search(r'<html lang="ru"[ >]', html), f"{url} does not say it is in Russian"
    leftovers = [t for t in catalogue_leftovers(html) if t.lower() not in allowed]
    assert not leftovers, f"{url} shows English from the catalogue: {leftovers}"
    stray = latin_words(html, allowed)
    assert not stray, f"{url} shows English that is not a name: {stray}"
    seen.append(url)


def _sign_in(
    page: Any, base: str, username: str, then: str = "/", password: str = PASSWORD
) -> None:
    from callboard.core.testing.browser import app_for, enter_code

    device = app_for(username)
    page.goto(f"{base}/login/?next={then}")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    if device is not None:
        enter_code(page, device)
    page.wait_for_url(f"{base}{then}")


def test_the_company_works_in_russian(live_server, open_page, settings) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    from callboard.boxoffice.models import Order
    from callboard.boxoffice.tests.factories import on_sale
    from callboard.core.roles import Role
    from callboard.core.testing.factories import PASSWORD as FACTORY_PASSWORD
    from callboard.core.testing.factories import UserFactory
    from callboard.scheduling.models import SolveRun

    settings.CALLBOARD_JOBS = "thread"
    today = _demo()
    first = today + dt.timedelta(days=1)
    period = _plan_week(first)
    allowed = data_words()
    base = live_server.url
    seen: list[str] = []

    # The ballet master plans and solves the week, then reads why it costs what it costs.
    page = open_page(timeout_ms=30_000, **DESKTOP, **RUSSIAN)
    _sign_in(page, base, "balletmaster")
    expect(page.locator("h1")).to_contain_text("Татьяна")  # her name in her own script
    _russian_only(page, allowed, seen)
    page.locator("#shortcuts").get_by_role(
        "link", name="Планировать и публиковать репетиции"
    ).click()
    page.wait_for_url(re.compile(r"/schedule/$"))
    _russian_only(page, allowed, seen)
    with translation.override("ru"):
        period_name = str(period)
    page.get_by_role("link", name=period_name, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/schedule/plans/{period.pk}/$"))
    _russian_only(page, allowed, seen)
    page.get_by_label("Ограничение по времени (секунды)").fill("3")
    page.locator("details.advanced summary").click()  # seed and workers are tucked away
    page.get_by_label("Потоки").fill("1")
    page.get_by_label("Начальное значение").fill("2026")
    page.click("#solve-button")
    expect(page.locator("#run-progress")).to_contain_text("Завершён", timeout=90_000)
    _shot(page, "russian-1-run")
    _russian_only(page, allowed, seen)
    assert SolveRun.objects.get(period=period).status in ("done", "stopped")
    page.get_by_role("link", name="Посмотреть расписание").click()
    expect(page.locator("#findings")).to_contain_text("Все правила договора соблюдены.")
    page.locator("#explain").scroll_into_view_if_needed()  # it loads when it comes into view
    expect(page.locator("#explain")).not_to_contain_text("Составляем объяснение", timeout=60_000)
    expect(page.locator("#explain")).to_contain_text("Цели, от самых дорогих")
    _shot(page, "russian-2-review-and-explanation")
    _russian_only(page, allowed, seen)

    # A dancer reads her calls on a phone.
    phone = open_page(**PHONE, **RUSSIAN)
    _sign_in(phone, base, "klara", then="/schedule/me/")
    expect(phone.locator("h1")).to_have_text("Мои вызовы")
    expect(phone.locator("#today h2")).to_contain_text(
        re.compile(r"(понедельник|вторник|среда|четверг|пятница|суббота|воскресенье), \d+ ")
    )
    _shot(phone, "russian-3-my-calls-phone")
    _russian_only(phone, allowed, seen)

    # The box office sells a ticket, priced in roubles.
    UserFactory(username="rudneva", roles=[Role.BOX_OFFICE])
    performance = on_sale(timezone.now(), rows=3, seats=6)
    allowed = data_words()  # the box office's house and programme are data too
    desk = open_page(**DESKTOP, **RUSSIAN)
    sales = f"/boxoffice/performances/{performance.pk}/"
    _sign_in(desk, base, "rudneva", then=sales, password=FACTORY_PASSWORD)
    _russian_only(desk, allowed | {"rudneva"}, seen)
    desk.get_by_label("Лучшие свободные").fill("1")
    desk.get_by_role("button", name="Подобрать места").click()
    cart = desk.locator("#cart")
    expect(cart.locator("li")).to_have_count(1)
    expect(cart).to_contain_text("₽")
    expect(cart).to_contain_text(re.compile("Итого: \\d[\\d\u00a0]*\u00a0₽"))
    _shot(desk, "russian-4-cart-in-roubles")
    _russian_only(desk, allowed | {"rudneva"}, seen)
    desk.get_by_label("Имя на билетах").fill("Раиса Калмурзаева")
    desk.get_by_role("button", name="Оформить заказ").click()
    expect(desk.locator("h1")).to_contain_text("Заказ")
    expect(desk.locator("dl.facts")).to_contain_text("₽")
    allowed = data_words()  # the order's reference and ticket codes
    _shot(desk, "russian-5-order")
    _russian_only(desk, allowed | {"rudneva", "раиса"}, seen)
    assert Order.objects.get(performance=performance).buyer_name == "Раиса Калмурзаева"
    assert len(seen) >= 8


def test_the_engines_sentences_are_russian_too() -> None:
    """The engine says why it left a request out, what a penalty is and which rule a call
    breaks in English; the app writes each in Russian, names aside."""
    from callboard.scheduling.adapters import engine_words
    from callboard.scheduling.solver.check import Checker
    from callboard.scheduling.solver.explain import why_unplaced_text
    from callboard.scheduling.solver.score import score
    from callboard.scheduling.solver.solution import Call, Status
    from callboard.scheduling.solver.tests.helpers import at, interval, person, problem, request

    p = problem(
        [
            request("swan", 60, ("olga",), label="Swan Lake"),
            request("veils", 60, ("olga", "ivan"), label="Seven Veils"),
        ],
        people=[
            person("olga", name="Olga Smirnova", unavailable=(interval("13:00", "14:00"),)),
            person("ivan", name="Ivan Petrov", unavailable=(interval("00:00", "23:59"),)),
        ],
    )
    checker = Checker(p)
    swan = Call("swan", 0, p.studios[0].id, at("13:00"), at("14:00"), ("olga",))
    said = [
        why_unplaced_text(p, checker, [swan], p.parts[1], status=Status.FEASIBLE),
        *(v.text for v in checker.check([swan])),
        *(penalty.text for penalty in score(p, [swan]).penalties),
    ]
    names = {"olga", "smirnova", "ivan", "petrov", "swan", "lake", "seven", "veils"}
    with translation.override("ru"):
        russian = [engine_words(text) for text in said]
    english = [str(text) for text in said]
    assert len(russian) >= 3, english  # a reason, a broken rule and a penalty at least
    for ru, en in zip(russian, english, strict=True):
        assert ru != en and re.search("[а-яё]", ru), ru
        stray = latin_words(f"<p>{ru}</p>", names)
        assert not stray, f"{ru!r} (from {en!r}) keeps English: {stray}"
