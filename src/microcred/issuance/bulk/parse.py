"""Reading a bulk issuance CSV file (the format: docs/bulk-issuance.md).

:func:`bulk_csv_validate` reads the whole file first, streaming, and reports every problem by
line and column; nothing is issued from a file with a problem. :func:`parse_rows` is the one
reader: the validation and the run (``bulk.run``, which reads the stored file again) go through
it, so a row means the same thing to both.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.errors import ValidationFailed

__all__ = ["COLUMNS", "MAX_ROWS", "BulkRow", "CsvProblem", "bulk_csv_validate", "parse_rows"]

MAX_ROWS = 1_000_000
COLUMNS = ("email", "name", "awarded_date", "evidence_url", "note")
MAX_PROBLEMS = 50
NAME_MAX = 150
NOTE_MAX = 2000
URL_MAX = 2000

_email_valid = EmailValidator()
_url_valid = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class CsvProblem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = _("line %(line)s") % {"line": self.line}
        if self.column:
            where += ", " + _("column %(column)s") % {"column": self.column}
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class BulkRow:
    row: int  # 1 for the first row after the header
    line: int  # where it starts in the file
    email: str
    name: str
    awarded_date: date | None
    evidence_url: str
    note: str


def _text_stream(raw: IO[bytes]) -> io.TextIOWrapper:
    # utf-8-sig: spreadsheet programs often start a UTF-8 CSV with a byte order mark.
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def parse_rows(raw: IO[bytes]) -> Iterator[BulkRow | CsvProblem]:
    """The file's rows, or the problems that stop a row being one. Streams: one row in memory.

    Problems are yielded in file order; rows that have them are not yielded."""
    text = _text_stream(raw)
    reader = csv.reader(text)
    try:
        try:
            header = next(reader)
        except StopIteration:
            yield CsvProblem(1, "", _("The file is empty; the first line must name the "
                                      "columns (email, name, awarded_date, evidence_url, note)."))
            return
        names = [h.strip().lower() for h in header]
        for position, name in enumerate(names):
            if name not in COLUMNS:
                yield CsvProblem(1, name or str(position + 1),
                                 _("Unknown column (the columns are %(columns)s).")
                                 % {"columns": ", ".join(COLUMNS)})
            elif names.index(name) != position:
                yield CsvProblem(1, name, _("This column appears twice."))
        if "email" not in names:
            yield CsvProblem(1, "email", _("The email column is required."))
        if any(n not in COLUMNS for n in names) or len(set(names)) != len(names) \
                or "email" not in names:
            return
        at = {name: names.index(name) for name in COLUMNS if name in names}
        today = timezone.localdate()
        row_number = 0
        previous_end = reader.line_num
        for values in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            if not any(v.strip() for v in values):
                continue  # blank lines are not rows
            row_number += 1
            if row_number > MAX_ROWS:
                yield CsvProblem(line, "", _("Too many rows: at most %(max)s per file.")
                                 % {"max": f"{MAX_ROWS:,}"})
                return
            if len(values) != len(names):
                yield CsvProblem(line, "", _("This line has %(found)s values; the header has "
                                             "%(expected)s.")
                                 % {"found": len(values), "expected": len(names)})
                continue
            yield from _row(values, at, row_number, line, today)
    except csv.Error as exc:
        yield CsvProblem(reader.line_num, "", _("Not readable as CSV: %(error)s")
                         % {"error": exc})
    except UnicodeDecodeError:
        yield CsvProblem(reader.line_num + 1, "", _("The file is not UTF-8 text."))
    finally:
        text.detach()


def _row(values: list[str], at: dict[str, int], row_number: int, line: int,
         today: date) -> Iterator[BulkRow | CsvProblem]:
    def get(name: str) -> str:
        return values[at[name]].strip() if name in at else ""

    problems = []
    email = get("email").lower()
    if not email:
        problems.append(CsvProblem(line, "email", _("An email address is required.")))
    else:
        try:
            _email_valid(email)
        except ValidationError:
            problems.append(CsvProblem(line, "email", _("Not an email address.")))
    name = get("name")
    if len(name) > NAME_MAX:
        problems.append(CsvProblem(line, "name", _("At most %(n)s characters.") % {"n": NAME_MAX}))
    awarded: date | None = None
    if text := get("awarded_date"):
        try:
            awarded = date.fromisoformat(text)
        except ValueError:
            problems.append(CsvProblem(line, "awarded_date",
                                       _("Not a date (write it as YYYY-MM-DD).")))
        else:
            if awarded > today:
                problems.append(CsvProblem(line, "awarded_date",
                                           _("The date is in the future.")))
    evidence = get("evidence_url")
    if evidence:
        try:
            if len(evidence) > URL_MAX:
                raise ValidationError("too long")
            _url_valid(evidence)
        except ValidationError:
            problems.append(CsvProblem(line, "evidence_url",
                                       _("Not an http or https address.")))
    note = get("note")
    if len(note) > NOTE_MAX:
        problems.append(CsvProblem(line, "note", _("At most %(n)s characters.") % {"n": NOTE_MAX}))
    if problems:
        yield from problems
        return
    yield BulkRow(row=row_number, line=line, email=email, name=name, awarded_date=awarded,
                  evidence_url=evidence, note=note)


def _email_key(email: str) -> int:
    return int.from_bytes(hashlib.blake2b(email.encode(), digest_size=8).digest(), "big")


def bulk_csv_validate(raw: IO[bytes]) -> int:
    """Read the whole file and return its number of rows, or raise ``ValidationFailed`` whose
    ``problems`` list the first :data:`MAX_PROBLEMS` problems, each naming its line and column.

    Streams the file; the only thing kept per row is an 8-byte digest of its email address, to
    find an address listed twice (which would award the same person twice)."""
    problems: list[CsvProblem] = []
    seen: set[int] = set()
    count = 0
    for item in parse_rows(raw):
        if isinstance(item, CsvProblem):
            problems.append(item)
            if len(problems) >= MAX_PROBLEMS:
                break
            continue
        key = _email_key(item.email)
        if key in seen:
            problems.append(CsvProblem(item.line, "email",
                                       _("This address is already on an earlier line.")))
            if len(problems) >= MAX_PROBLEMS:
                break
        seen.add(key)
        count += 1
    if not problems and count == 0:
        problems.append(CsvProblem(2, "", _("The file has a header but no rows.")))
    if problems:
        raise ValidationFailed(
            _("The file has %(n)s problem(s); nothing was issued. %(first)s")
            % {"n": f"{len(problems)}{'+' if len(problems) >= MAX_PROBLEMS else ''}",
               "first": problems[0]},
            code="invalid_csv",
            problems={str(i): str(p) for i, p in enumerate(problems)},
        )
    return count
