"""The translation check of ``make lint`` (``python -m callboard.core.catalogue check``)."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo

from callboard.core import catalogue

HEADER = textwrap.dedent(
    """\
    msgid ""
    msgstr ""
    "Content-Type: text/plain; charset=UTF-8\\n"
    "Language: ru\\n"
    "Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && "
    "n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"

    """
)


def make_package(root: Path, code: str, po_body: str) -> Path:
    """A tiny app: one Python module with strings and a Russian catalogue."""
    package = root / "tinyapp"
    (package / "locale" / "ru" / "LC_MESSAGES").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "strings.py").write_text(code)
    (package / "locale" / "ru" / "LC_MESSAGES" / "django.po").write_text(HEADER + po_body)
    return package


CODE = textwrap.dedent(
    """\
    from django.utils.translation import gettext as _, ngettext

    def greet(n):
        return _("Rehearsal"), ngettext("%(n)s call", "%(n)s calls", n) % {"n": n}
    """
)
COMPLETE = textwrap.dedent(
    """\
    msgid "Rehearsal"
    msgstr "Репетиция"

    msgid "%(n)s call"
    msgid_plural "%(n)s calls"
    msgstr[0] "%(n)s вызов"
    msgstr[1] "%(n)s вызова"
    msgstr[2] "%(n)s вызовов"
    """
)


def need_xgettext() -> None:
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext's xgettext is not installed (Debian: apt-get install gettext)")


def test_a_complete_catalogue_passes(tmp_path: Path) -> None:
    need_xgettext()
    report = catalogue.check(package_dir=make_package(tmp_path, CODE, COMPLETE))
    assert report.problems == []


def test_a_new_string_in_the_code_without_a_translation_fails(tmp_path: Path) -> None:
    need_xgettext()
    code = CODE + '\n\ndef later():\n    return _("Stage rehearsal")\n'
    report = catalogue.check(package_dir=make_package(tmp_path, code, COMPLETE))
    text = "\n".join(report.problems)
    assert "strings in the code with no entry in the catalogue (1)" in text
    assert "'Stage rehearsal'" in text


def test_an_entry_the_code_no_longer_has_fails(tmp_path: Path) -> None:
    need_xgettext()
    po = COMPLETE + '\nmsgid "Dress rehearsal"\nmsgstr "Генеральная репетиция"\n'
    report = catalogue.check(package_dir=make_package(tmp_path, CODE, po))
    assert any("no longer has" in line for line in report.problems)
    assert any("'Dress rehearsal'" in line for line in report.problems)


def test_untranslated_fuzzy_and_missing_plural_forms_fail(tmp_path: Path) -> None:
    po = textwrap.dedent(
        """\
        #, fuzzy
        msgid "Rehearsal"
        msgstr "Репетиция"

        msgid "%(n)s call"
        msgid_plural "%(n)s calls"
        msgstr[0] "%(n)s вызов"
        msgstr[1] "%(n)s вызова"
        msgstr[2] ""
        """
    )
    report = catalogue.check(package_dir=make_package(tmp_path, CODE, po), extraction=False)
    text = "\n".join(report.problems)
    assert "fuzzy" in text and "'Rehearsal'" in text
    assert "untranslated (1)" in text and "'%(n)s call'" in text


def test_a_translation_with_other_placeholders_fails(tmp_path: Path) -> None:
    po = COMPLETE.replace('msgstr[2] "%(n)s вызовов"', 'msgstr[2] "%(count)s вызовов"')
    report = catalogue.check(package_dir=make_package(tmp_path, CODE, po), extraction=False)
    assert any("placeholders" in line for line in report.problems)


def test_the_failure_tells_the_developer_what_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    package = make_package(tmp_path, CODE, COMPLETE.replace('msgstr "Репетиция"', 'msgstr ""'))
    real_check = catalogue.check
    monkeypatch.setattr(
        catalogue, "check", lambda extraction: real_check(package_dir=package, extraction=False)
    )
    assert catalogue.main(["check"]) == 1
    err = capsys.readouterr().err
    assert "untranslated (1)" in err and "'Rehearsal'" in err
    assert "make messages" in err and "make lint" in err
    assert "src/callboard/locale/<lang>/LC_MESSAGES/django.po" in err


def test_compiling_needs_only_babel_and_leaves_fuzzy_entries_out(tmp_path: Path) -> None:
    po = "#, fuzzy\n" + COMPLETE
    package = make_package(tmp_path, CODE, po)
    written = catalogue.compile_catalogues(quiet=True, locale_dir=package / "locale")
    assert [p.name for p in written] == ["django.mo"]
    with written[0].open("rb") as handle:
        compiled = read_mo(handle)
    assert compiled.get("Rehearsal") is None
    assert tuple(compiled.get(("%(n)s call", "%(n)s calls")).string) == (
        "%(n)s вызов",
        "%(n)s вызова",
        "%(n)s вызовов",
    )


def test_the_committed_catalogues_are_complete() -> None:
    """What `make lint` checks, here too: a Russian string missing fails the suite."""
    need_xgettext()
    report = catalogue.check()
    assert report.problems == [], "\n".join(report.problems[:60])
