"""Reading and writing rehearsal-order (talent scheduling) instances. No Django import.

Two formats are read:

- Stuckey's format (``*.dat`` and files without an extension): a name on the first line; then
  the number of pieces ``n`` and of people ``m``; then ``m`` rows of ``n`` 0/1 flags, each
  followed by that person's rate; then ``n`` durations. Everything after the name is read as
  whitespace-separated integers.
- MiniZinc data (``*.dzn``): ``numScenes``, ``numActors``, ``ia`` (people x pieces 0/1),
  ``c`` (rates), ``d`` (durations); or CSPLib's rehearsal names ``num_pieces``,
  ``num_players``, ``duration``, ``rehearsal`` (players x pieces), where every rate is 1.

Every problem raises ``TalentFormatError`` with a message that names the source and says what
is wrong, so a command can show it without a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

from callboard.scheduling.solver.talent import TalentInstance

__all__ = ["TalentFormatError", "parse_talent", "read_talent", "to_dzn"]


class TalentFormatError(ValueError):
    """The text is not a rehearsal-order instance; the message says where and why."""


def read_talent(path: str | Path) -> TalentInstance:
    """Read an instance file in either format (chosen by extension, else by content)."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise TalentFormatError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise TalentFormatError(f"{p}: is a folder, not an instance file") from None
    except OSError as exc:
        raise TalentFormatError(f"{p}: cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise TalentFormatError(f"{p}: is not a text file (it is not valid UTF-8)") from None
    fmt = "dzn" if p.suffix.lower() == ".dzn" else None
    return parse_talent(text, source=str(p), name=p.name, fmt=fmt)


def parse_talent(
    text: str, *, source: str = "<text>", name: str | None = None, fmt: str | None = None
) -> TalentInstance:
    """Parse either format. ``fmt`` is ``"dzn"``, ``"dat"`` or ``None`` to decide by content."""
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise TalentFormatError(f"{source}: is not a text file (it contains NUL bytes)")
    if fmt is None:
        fmt = "dzn" if _looks_like_dzn(text) else "dat"
    if fmt == "dzn":
        return _parse_dzn(text, source=source, name=name)
    if fmt == "dat":
        return _parse_dat(text, source=source, name=name)
    raise ValueError(f"unknown format {fmt!r}")


def _looks_like_dzn(text: str) -> bool:
    body = _strip_dzn_comments(text)
    return bool(re.search(r"^\s*[A-Za-z_]\w*\s*=", body, re.MULTILINE)) and ";" in body


# --- Stuckey's format -------------------------------------------------------------------------


def _parse_dat(text: str, *, source: str, name: str | None) -> TalentInstance:
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise TalentFormatError(f"{source}: is empty; expected a name, then the pieces and people")
    title = lines[first].strip()
    tokens = " ".join(lines[first + 1 :]).split()
    if _nameless(title, tokens):  # no name line: the file starts with the number of pieces
        tokens = title.split() + tokens
        title = Path(source).name
    pos = 0

    def take(what: str) -> int:
        nonlocal pos
        if pos >= len(tokens):
            raise TalentFormatError(f"{source}: ends early; expected {what}")
        tok = tokens[pos]
        if not re.fullmatch(r"[+-]?\d+", tok):
            raise TalentFormatError(f"{source}: expected {what}, found {tok!r}")
        pos += 1
        return int(tok)

    n = take("the number of pieces")
    m = take("the number of people")
    _check_sizes(source, n, m)
    plays: list[tuple[int, ...]] = []
    rates: list[int] = []
    for person in range(1, m + 1):
        row = []
        for piece in range(1, n + 1):
            flag = take(f"a 0/1 flag for person {person}, piece {piece}")
            if flag not in (0, 1):
                raise TalentFormatError(
                    f"{source}: person {person}, piece {piece}: flag must be 0 or 1, not {flag}"
                )
            row.append(flag)
        plays.append(tuple(row))
        rates.append(take(f"the rate of person {person} after their {n} flags"))
    durations = [take(f"the duration of piece {piece}") for piece in range(1, n + 1)]
    if pos != len(tokens):
        extra = " ".join(tokens[pos : pos + 5])
        raise TalentFormatError(f"{source}: unexpected text after the {n} durations: {extra!r}")
    return _build(source, name or title, durations, rates, plays)


def _nameless(title: str, tokens: list[str]) -> bool:
    """True when the first line is the piece count and the rest fits exactly without a name."""
    if not re.fullmatch(r"\d+(\s+\d+)?", title):
        return False
    every = title.split() + tokens
    if len(every) < 2 or not re.fullmatch(r"\d+", every[1]):
        return False
    n, m = int(every[0]), int(every[1])
    return len(every) == 2 + m * (n + 1) + n


# --- MiniZinc data ----------------------------------------------------------------------------

_STANDARD = ("numScenes", "numActors", "ia", "c", "d")
_CSPLIB = ("num_pieces", "num_players", "rehearsal", "duration")


def _strip_dzn_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.DOTALL)
    return re.sub(r"%[^\n]*", "", text)


def _parse_dzn(text: str, *, source: str, name: str | None) -> TalentInstance:
    body = _strip_dzn_comments(text)
    values: dict[str, object] = {}
    for raw in body.split(";"):
        stmt = raw.strip()
        if not stmt:
            continue
        match = re.fullmatch(r"([A-Za-z_]\w*)\s*=\s*(.*)", stmt, flags=re.DOTALL)
        if not match:
            raise TalentFormatError(
                f"{source}: cannot read {_clip(stmt)!r}; expected 'name = value;'"
            )
        key, expr = match.group(1), match.group(2).strip()
        if key in values:
            raise TalentFormatError(f"{source}: {key} is given twice")
        if key in _STANDARD or key in _CSPLIB:
            values[key] = _dzn_value(expr, source=source, key=key)
    stem = name or Path(source).name
    if all(k in values for k in _STANDARD):
        n = _int_value(values, "numScenes", source)
        m = _int_value(values, "numActors", source)
        _check_sizes(source, n, m)
        plays = _matrix(values["ia"], m, n, source=source, key="ia", rows="numActors")
        rates = _vector(values["c"], m, source=source, key="c", size_name="numActors")
        durations = _vector(values["d"], n, source=source, key="d", size_name="numScenes")
        return _build(source, stem, durations, rates, plays)
    if all(k in values for k in _CSPLIB):
        n = _int_value(values, "num_pieces", source)
        m = _int_value(values, "num_players", source)
        _check_sizes(source, n, m)
        plays = _matrix(
            values["rehearsal"], m, n, source=source, key="rehearsal", rows="num_players"
        )
        durations = _vector(
            values["duration"], n, source=source, key="duration", size_name="num_pieces"
        )
        return _build(source, stem, durations, [1] * m, plays)
    missing_std = [k for k in _STANDARD if k not in values]
    missing_csp = [k for k in _CSPLIB if k not in values]
    missing = missing_std if len(missing_std) <= len(missing_csp) else missing_csp
    raise TalentFormatError(f"{source}: missing {', '.join(missing)}")


def _clip(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _dzn_value(expr: str, *, source: str, key: str) -> object:
    """An integer, a flat list of integers, or ``(rows, flat list)`` for a 2-D literal."""
    expr = expr.strip()
    if re.fullmatch(r"[+-]?\d+", expr):
        return int(expr)
    array2d = re.fullmatch(r"array2d\s*\((.*)\)", expr, flags=re.DOTALL)
    if array2d:
        inner = array2d.group(1)
        bracket = inner.find("[")
        if bracket < 0 or not inner.rstrip().endswith("]"):
            raise TalentFormatError(f"{source}: {key}: cannot read array2d(...)")
        return _flat_list(inner[bracket:], source=source, key=key)
    if expr.startswith("[|") or (expr.startswith("[") and "|" in expr):
        inner = expr.strip()
        if not inner.endswith("|]"):
            raise TalentFormatError(f"{source}: {key}: a 2-D array must end with '|]'")
        rows_text = inner[2:-2].split("|")
        rows = [_items(r, source=source, key=key) for r in rows_text if r.strip()]
        return ("rows", rows)
    if expr.startswith("["):
        return _flat_list(expr, source=source, key=key)
    raise TalentFormatError(
        f"{source}: {key}: expected a number or an array, found {_clip(expr)!r}"
    )


def _flat_list(expr: str, *, source: str, key: str) -> list[int]:
    expr = expr.strip()
    if not (expr.startswith("[") and expr.endswith("]")):
        raise TalentFormatError(f"{source}: {key}: an array must be written [ ... ]")
    return _items(expr[1:-1], source=source, key=key)


def _items(text: str, *, source: str, key: str) -> list[int]:
    out = []
    for item in (t.strip() for t in text.split(",")):
        if not item:
            continue
        if item == "true":
            out.append(1)
        elif item == "false":
            out.append(0)
        elif re.fullmatch(r"[+-]?\d+", item):
            out.append(int(item))
        else:
            raise TalentFormatError(f"{source}: {key}: {_clip(item)!r} is not a whole number")
    return out


def _int_value(values: dict[str, object], key: str, source: str) -> int:
    v = values[key]
    if not isinstance(v, int):
        raise TalentFormatError(f"{source}: {key} must be a whole number")
    return v


def _vector(value: object, size: int, *, source: str, key: str, size_name: str = "") -> list[int]:
    if not isinstance(value, list):
        raise TalentFormatError(f"{source}: {key} must be a one-dimensional array")
    if len(value) != size:
        raise TalentFormatError(
            f"{source}: {key} has {len(value)} values, expected {size} ({size_name})"
        )
    return value


def _matrix(value: object, m: int, n: int, *, source: str, key: str, rows: str) -> list[list[int]]:
    if isinstance(value, tuple):
        matrix = value[1]
        if len(matrix) != m:
            raise TalentFormatError(
                f"{source}: {key} has {len(matrix)} rows, expected {m} ({rows})"
            )
        for i, row in enumerate(matrix, start=1):
            if len(row) != n:
                raise TalentFormatError(
                    f"{source}: {key} row {i} has {len(row)} values, expected {n}"
                )
    elif isinstance(value, list):
        if len(value) != m * n:
            raise TalentFormatError(f"{source}: {key} has {len(value)} values, expected {m} x {n}")
        matrix = [value[i * n : (i + 1) * n] for i in range(m)]
    else:
        raise TalentFormatError(f"{source}: {key} must be a two-dimensional array")
    for i, row in enumerate(matrix, start=1):
        for j, flag in enumerate(row, start=1):
            if flag not in (0, 1):
                raise TalentFormatError(f"{source}: {key}[{i},{j}] must be 0 or 1, not {flag}")
    return matrix


# --- shared checks ----------------------------------------------------------------------------


def _check_sizes(source: str, n: int, m: int) -> None:
    if n < 1:
        raise TalentFormatError(f"{source}: the number of pieces must be at least 1, not {n}")
    if m < 0:
        raise TalentFormatError(f"{source}: the number of people cannot be negative ({m})")
    if n > 2_000 or m > 2_000:
        raise TalentFormatError(f"{source}: {n} pieces x {m} people is far too large")


def _build(
    source: str,
    name: str,
    durations: list[int],
    rates: list[int],
    plays: list[tuple[int, ...]] | list[list[int]],
) -> TalentInstance:
    for piece, d in enumerate(durations, start=1):
        if d < 0:
            raise TalentFormatError(f"{source}: piece {piece} has a negative duration ({d})")
    for person, r in enumerate(rates, start=1):
        if r < 0:
            raise TalentFormatError(f"{source}: person {person} has a negative rate ({r})")
    return TalentInstance(
        name=name,
        durations=tuple(durations),
        rates=tuple(rates),
        plays=tuple(tuple(bool(f) for f in row) for row in plays),
    )


def to_dzn(instance: TalentInstance) -> str:
    """The instance as MiniZinc data in the standard names (numScenes, numActors, ia, c, d)."""
    rows = "|\n".join(",".join("1" if f else "0" for f in row) for row in instance.plays)
    lines = [
        f"% {instance.name}",
        f"numScenes = {instance.n_pieces};",
        f"numActors = {instance.n_people};",
        f"ia = [|\n{rows}|];" if instance.plays else "ia = array2d(1..0, 1..numScenes, []);",
        f"c = [{','.join(map(str, instance.rates))}];",
        f"d = [{','.join(map(str, instance.durations))}];",
    ]
    return "\n".join(lines) + "\n"
