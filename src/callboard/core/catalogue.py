"""Callboard's translation catalogues: compile them, and check that they are complete.

    python -m callboard.core.catalogue compile   # .po -> .mo with Babel (make install)
    python -m callboard.core.catalogue check     # make lint: nothing missing, nothing fuzzy
    python -m callboard.core.catalogue update    # make messages: extract, merge, compile

``compile`` needs only Babel (pure Python), so ``make install`` works on a machine with
Python and make alone. ``check`` and ``update`` extract the strings from the code with
Django's ``makemessages``, which runs GNU gettext's ``xgettext`` (Debian: ``gettext``).

``check`` fails when, for any language in ``settings.LANGUAGES`` other than English:
- a string is untranslated (an empty ``msgstr``, or an empty plural form) or fuzzy;
- a translation's placeholders differ from the English ones (``%(name)s``, ``{{ n }}``);
- the strings extracted from the code today differ from the catalogue's: a new string has no
  entry yet, or the catalogue keeps one the code no longer has.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/callboard
LOCALE_DIR = PACKAGE_DIR / "locale"
SOURCE_LANGUAGE = "en"
DOMAINS = ("django", "djangojs")
# What makemessages leaves out: tests, benchmarks (developers' tools, English only), the
# virtualenv and generated files.
IGNORE = ["tests", "bench", "migrations", "locale", "node_modules", "*.min.js"]
HOW_TO_FIX = (
    "To fix: run `make messages` (extracts every string into "
    "src/callboard/locale/<lang>/LC_MESSAGES/django.po), then give each entry it lists its "
    "msgstr there (docs/translating.md: how to write the Russian), remove any '#, fuzzy' "
    "line after checking the translation, and run `make lint` again."
)

Key = tuple[str | tuple[str, ...], str | None]


def po_path(language: str, domain: str = "django", locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / language / "LC_MESSAGES" / f"{domain}.po"


def languages(locale_dir: Path = LOCALE_DIR) -> list[str]:
    """The languages that have a catalogue (English, the source language, has none)."""
    if not locale_dir.is_dir():
        return []
    return sorted(p.name for p in locale_dir.iterdir() if (p / "LC_MESSAGES").is_dir())


def read_catalogue(path: Path, language: str) -> Catalog:
    text = path.read_text(encoding="utf-8")
    # A template (.pot) leaves the plural rule to each language.
    text = text.replace("nplurals=INTEGER; plural=EXPRESSION;", "nplurals=2; plural=(n != 1);")
    return read_po(io.StringIO(text), locale=language, abort_invalid=True)


# --------------------------------------------------------------------------- compile


def compile_catalogues(*, quiet: bool = False, locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Write each ``.mo`` from its ``.po`` (fuzzy entries left out, as msgfmt does)."""
    written = []
    for language in languages(locale_dir):
        for domain in DOMAINS:
            source = po_path(language, domain, locale_dir)
            if not source.exists():
                continue
            target = source.with_suffix(".mo")
            catalog = read_catalogue(source, language)
            temporary = target.with_suffix(".mo.tmp")
            with temporary.open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)
            temporary.replace(target)
            written.append(target)
            if not quiet:
                print(f"compiled {target}")
    return written


def compiled_are_current() -> bool:
    return all(
        po.with_suffix(".mo").exists()
        and po.with_suffix(".mo").stat().st_mtime >= po.stat().st_mtime
        for language in languages()
        for domain in DOMAINS
        if (po := po_path(language, domain)).exists()
    )


# --------------------------------------------------------------------------- check

_PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGcou%]")
_BRACES = re.compile(r"{{\s*[\w.]+\s*}}|{[\w.]*}")


def placeholders(text: str) -> list[str]:
    found = [p for p in _PERCENT.findall(text) if p != "%%"]
    found += [re.sub(r"\s+", "", p) for p in _BRACES.findall(text)]
    return sorted(found)


def _ids(message: Message) -> tuple[str, ...]:
    return (message.id,) if isinstance(message.id, str) else tuple(message.id)


def _strings(message: Message) -> tuple[str, ...]:
    value = message.string
    if value is None:
        return ("",)
    return (value,) if isinstance(value, str) else tuple(value)


def _key(message: Message) -> Key:
    ids = _ids(message)
    return (ids[0] if len(ids) == 1 else ids, message.context)


def _show(key: Key) -> str:
    msgid, context = key
    text = msgid[0] if isinstance(msgid, tuple) else msgid
    text = text if len(text) <= 90 else text[:87] + "…"
    return f"{text!r}" + (f" (context {context!r})" if context else "")


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, heading: str, items: Sequence[str], limit: int = 40) -> None:
        if not items:
            return
        self.problems.append(f"{heading} ({len(items)}):")
        self.problems.extend(f"  {item}" for item in items[:limit])
        if len(items) > limit:
            self.problems.append(f"  … and {len(items) - limit} more")


def check_translations(catalog: Catalog, name: str, report: Report) -> None:
    """Every entry translated, none fuzzy, the same placeholders as the English."""
    plural_count = catalog.num_plurals
    untranslated, fuzzy, wrong = [], [], []
    for message in catalog:
        if not message.id:
            continue
        key = _key(message)
        if message.fuzzy:
            fuzzy.append(_show(key))
        strings = _strings(message)
        if message.pluralizable and len(strings) != plural_count:
            wrong.append(
                f"{_show(key)}: {len(strings)} plural forms, the language has {plural_count}"
            )
        if not all(strings):
            untranslated.append(_show(key))
            continue
        expected = placeholders(_ids(message)[-1])
        for form in strings:
            got = placeholders(form)
            # A plural form may leave out the count ("одну репетицию"), nothing else.
            if got != expected and not (
                message.pluralizable and set(got) <= set(expected) and len(expected) - len(got) <= 1
            ):
                wrong.append(f"{_show(key)}: placeholders {got} where the English has {expected}")
                break
    report.add(f"{name}: untranslated", untranslated)
    report.add(f"{name}: fuzzy (check the translation, then remove the '#, fuzzy' line)", fuzzy)
    report.add(f"{name}: translations that do not match the English", wrong)


def extract(work: Path, package_dir: Path = PACKAGE_DIR) -> dict[str, set[Key]]:
    """The strings in the code today, per domain, extracted with Django's makemessages."""
    import django
    from django.core.management import call_command
    from django.test.utils import override_settings

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callboard.settings")
    django.setup()
    locale = work / "locale"
    locale.mkdir()
    (work / package_dir.name).symlink_to(package_dir, target_is_directory=True)
    found: dict[str, set[Key]] = {}
    before = Path.cwd()
    try:
        os.chdir(work)
        with override_settings(LOCALE_PATHS=[locale]):
            for domain in DOMAINS:
                call_command(
                    "makemessages",
                    locale=["xx"],
                    domain=domain,
                    symlinks=True,
                    ignore_patterns=IGNORE,
                    keep_pot=True,
                    verbosity=0,
                )
                pot = locale / f"{domain}.pot"
                if pot.exists():
                    catalog = read_catalogue(pot, "en")
                    found[domain] = {_key(m) for m in catalog if m.id}
                else:
                    found[domain] = set()
    finally:
        os.chdir(before)
    return found


def check(*, extraction: bool = True, package_dir: Path = PACKAGE_DIR) -> Report:
    """Everything :mod:`this module's doc <callboard.core.catalogue>` says ``check`` checks."""
    report = Report()
    locale_dir = package_dir / "locale"
    targets = [lang for lang in languages(locale_dir) if lang != SOURCE_LANGUAGE]
    if not targets:
        report.problems.append(f"No catalogue under {locale_dir}.")
        return report
    committed: dict[tuple[str, str], set[Key]] = {}
    for language in targets:
        for domain in DOMAINS:
            path = po_path(language, domain, locale_dir)
            if not path.exists():
                committed[(language, domain)] = set()
                continue
            catalog = read_catalogue(path, language)
            check_translations(catalog, f"{language}/{domain}.po", report)
            committed[(language, domain)] = {_key(m) for m in catalog if m.id}
    if not extraction:
        return report
    if shutil.which("xgettext") is None:
        report.problems.append(
            "GNU gettext's xgettext is not installed, so the strings in the code cannot be "
            "compared with the catalogue. Install it (Debian/Ubuntu: `apt-get install gettext`; "
            "macOS: `brew install gettext`) and run the check again."
        )
        return report
    with tempfile.TemporaryDirectory(prefix="callboard-messages-") as tmp:
        extracted = extract(Path(tmp), package_dir)
    for language in targets:
        for domain in DOMAINS:
            have = committed[(language, domain)]
            want = extracted.get(domain, set())
            name = f"{language}/{domain}.po"
            report.add(
                f"{name}: strings in the code with no entry in the catalogue",
                sorted(_show(k) for k in want - have),
            )
            report.add(
                f"{name}: entries for strings the code no longer has (make messages drops them)",
                sorted(_show(k) for k in have - want),
            )
    return report


# --------------------------------------------------------------------------- update


def update(language_list: Iterable[str] | None = None) -> None:
    """Extract the strings, merge them into each language's catalogue, compile."""
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callboard.settings")
    django.setup()
    wanted = list(language_list or [lang for lang in languages() if lang != SOURCE_LANGUAGE])
    before = Path.cwd()
    try:
        os.chdir(PACKAGE_DIR)
        for domain in DOMAINS:
            call_command(
                "makemessages",
                locale=wanted,
                domain=domain,
                ignore_patterns=IGNORE,
                add_location="file",
                no_obsolete=True,
                verbosity=1,
            )
    finally:
        os.chdir(before)
    for language in wanted:
        js = po_path(language, "djangojs")
        if js.exists() and not any(m.id for m in read_catalogue(js, language)):
            js.unlink()  # no script shows text of its own
    compile_catalogues()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m callboard.core.catalogue")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("compile", help="compile every .po into its .mo (Babel)")
    check_parser = sub.add_parser("check", help="fail on a missing, untranslated or fuzzy string")
    check_parser.add_argument(
        "--no-extract", action="store_true", help="check the catalogues only, not the code"
    )
    update_parser = sub.add_parser("update", help="extract, merge into the catalogues, compile")
    update_parser.add_argument("languages", nargs="*")
    args = parser.parse_args(argv)
    if args.command == "compile":
        compile_catalogues()
        return 0
    if args.command == "update":
        update(args.languages)
        return 0
    report = check(extraction=not args.no_extract)
    if report.problems:
        print("The translation catalogues are not complete.", file=sys.stderr)
        for line in report.problems:
            print(line, file=sys.stderr)
        print(HOW_TO_FIX, file=sys.stderr)
        return 1
    print(f"Translations complete: {', '.join(languages())}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
