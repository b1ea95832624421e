"""Reading a spreadsheet someone uploaded (XLSX or CSV), within bounds on everything it can
make the server do.

A small file can ask for a lot: a 430 KB XLSX can hold a million rows, a six-million-entry
table of shared strings or one row of three million cells, and a zip member can inflate a
thousandfold. So the archive is checked before anything is inflated (number of members, each
member's declared size, their total, how tightly each is packed), and then everything is
counted while it streams: bytes inflated (through a counter, not trusting the zip's headers;
zipfile also stops at the declared size and checks the CRC), XML elements, rows and cells that
hold a value, columns, shared strings and the length of all text. Empty rows and cells cost
the server their XML elements, and are counted there: LibreOffice writes an empty ``<row>``
for every row deleted above the data and for every row of a formatted range, tens of thousands
of them under a few dozen rows of figures, and such a file is read, not refused. The first
count over its bound refuses the whole file with a message naming the bound. The bounds
themselves keep the time short (a hostile file is refused in milliseconds; the most a file
inside them can cost is about a second on a busy 2-core machine), so no clock is needed. A CSV
is counted the same way: rows, cells, cells in a row, characters in a cell (every record,
empty ones too: a CSV has no cheaper count). Its delimiter is the one of comma, semicolon and
tab that its first line uses most (a spreadsheet saves with semicolons where the decimal
separator is a comma).

The worksheet XML is read with the standard library's expat parser, fed in chunks, with a
handler that refuses any document type declaration: a spreadsheet part never has one, and
without one there are no entities to expand (billion laughs) and no external ones to fetch
(XXE), so ``defusedxml`` is not needed. Rows end where the data ends: the sheet's
``dimension`` (LibreOffice writes A1:H1048576 after rows were deleted) is never read, and
the empty rows LibreOffice writes down to row 1,048,576 are passed over.

Cells come back as openpyxl's ``values_only`` gives them: ``str``, ``int``, ``float``,
``bool``, ``datetime`` (a number in a date format), ``time`` or ``timedelta``, and ``None``
for an empty cell; formulas give their cached value. Every text goes through
``clean_text``.
"""

from __future__ import annotations

import csv
import io
import posixpath
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .text import clean_text

MB = 1024 * 1024


@dataclass(frozen=True)
class Bounds:
    """What one upload may make the server do. A team's real file (a few thousand rows of
    eight columns, some hundred kilobytes) stays far inside every bound."""

    size: int = 5 * MB  # the file as uploaded
    rows: int = 20_000  # rows that hold a value (every record of a CSV)
    columns: int = 50  # the last column a cell with a value may be in; cells in a CSV row
    cells: int = 200_000  # cells that hold a value (every field of a CSV)
    cell_text: int = 32_767  # characters in one cell (Excel's own limit)
    shared_strings: int = 100_000  # entries in an XLSX's table of shared strings
    text: int = 10_000_000  # characters of all texts of an XLSX together
    members: int = 1_000  # files inside an XLSX (a spreadsheet has a dozen or two)
    unpacked: int = 50 * MB  # an XLSX's members unpacked, declared and as inflated
    ratio: int = 100  # how many times its packed size a member may unpack to...
    ratio_from: int = 1 * MB  # ...once it is larger than this
    elements: int = 1_000_000  # XML elements of all parts read, empty rows and cells too


BOUNDS = Bounds()
CHUNK = 64 * 1024


class SheetError(ValueError):
    """The file cannot be read, or goes beyond a bound; the message says so to the person
    who sent it."""


def read_sheet(
    name: str, content: bytes, *, sheet: str | None = None, bounds: Bounds = BOUNDS
) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cells) for each row of an .xlsx or .csv file that holds a value.

    In an XLSX, the worksheet named ``sheet`` is read if there is one, else the first
    worksheet; row numbers are the spreadsheet's. In a CSV, they count records. Raises
    ``SheetError`` on any file that cannot be read or goes beyond ``bounds``.
    """
    if len(content) > bounds.size:
        raise too_large(bounds)
    lowered = name.lower()
    if lowered.endswith(".xlsx"):
        if not content.startswith(b"PK\x03\x04"):
            raise SheetError(_("This is not an Excel (.xlsx) file."))
        return _xlsx_rows(content, sheet, bounds)
    if lowered.endswith(".csv"):
        return _csv_rows(content, bounds)
    raise SheetError(_("Upload an .xlsx or .csv file."))


def too_large(bounds: Bounds = BOUNDS) -> SheetError:
    """The refusal of a file larger than ``bounds.size``, for a caller that checks first."""
    return SheetError(
        _("The file is larger than %(size)s MB.") % {"size": _number(bounds.size // MB)}
    )


def _number(count: int) -> str:
    return number_format(count, force_grouping=True)


def _beyond(message: str, bound: int) -> SheetError:
    return SheetError(message % {"count": _number(bound)})


def _too_many_rows(bounds: Bounds) -> SheetError:
    return _beyond(_("This file has more than %(count)s rows."), bounds.rows)


def _too_many_columns(bounds: Bounds) -> SheetError:
    return _beyond(_("A row of this file has more than %(count)s columns."), bounds.columns)


def _too_many_cells(bounds: Bounds) -> SheetError:
    return _beyond(_("This file has more than %(count)s cells."), bounds.cells)


def _too_long_a_cell(bounds: Bounds) -> SheetError:
    return _beyond(_("A cell of this file holds more than %(count)s characters."), bounds.cell_text)


# ---------------------------------------------------------------- CSV


def _csv_rows(content: bytes, bounds: Bounds) -> Iterator[tuple[int, list[Any]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SheetError(_("Save the CSV file as UTF-8.")) from exc
    # Control characters are never CSV syntax, so cleaning the whole text cleans every cell.
    text = clean_text(text)
    records = csv.reader(io.StringIO(text), delimiter=delimiter(text))
    cells = 0
    try:
        for number, record in enumerate(records, start=1):
            if number > bounds.rows:
                raise _too_many_rows(bounds)
            if len(record) > bounds.columns:
                raise _too_many_columns(bounds)
            cells += len(record)
            if cells > bounds.cells:
                raise _too_many_cells(bounds)
            if any(len(field) > bounds.cell_text for field in record):
                raise _too_long_a_cell(bounds)
            if any(field.strip() for field in record):
                yield number, [field if field.strip() else None for field in record]
    except csv.Error as exc:  # a field over the csv module's own limit, a stray quote…
        raise SheetError(_("This CSV file cannot be read.")) from exc


DELIMITERS = ",;\t"
FIRST_LINE = 64 * 1024  # characters of a first line looked at for its delimiter


def delimiter(text: str) -> str:
    """The one of comma, semicolon and tab that the first line of ``text`` uses most outside
    quotes (a comma when none is there): the first line names the columns, so it holds one
    delimiter fewer than it has columns and nothing else that could be taken for one."""
    end = text.find("\n", 0, FIRST_LINE)
    first, quoted = [], False
    for character in text[: end if end >= 0 else FIRST_LINE]:
        if character == '"':
            quoted = not quoted
        elif not quoted:
            first.append(character)
    counts = {candidate: first.count(candidate) for candidate in DELIMITERS}
    return max(DELIMITERS, key=lambda candidate: counts[candidate])  # ties: the first


# ---------------------------------------------------------------- XLSX: the archive

# What reading a broken or hostile archive raises, besides SheetError: a bad zip or CRC,
# an encrypted or unknown member (RuntimeError, NotImplementedError), a missing part
# (KeyError), malformed XML, a cell that is not what its type says (ValueError, IndexError).
UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    RuntimeError,
    NotImplementedError,
    KeyError,
    IndexError,
    ValueError,
    OverflowError,
    expat.ExpatError,
)


def _xlsx_rows(
    content: bytes, sheet: str | None, bounds: Bounds
) -> Iterator[tuple[int, list[Any]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            book = _Book(archive, bounds)
            yield from book.rows(sheet)
    except SheetError:
        raise
    except UNREADABLE as exc:
        raise SheetError(_("This Excel file cannot be read.")) from exc


class _Book:
    """An XLSX archive, read within ``bounds``: its parts are parsed one after the other,
    and every count (bytes inflated, XML elements, text) runs across all of them."""

    def __init__(self, archive: zipfile.ZipFile, bounds: Bounds) -> None:
        self.archive, self.bounds = archive, bounds
        self.inflated = self.elements = self.text = 0
        self._check_archive()

    def _check_archive(self) -> None:
        bounds, members = self.bounds, self.archive.infolist()
        if len(members) > bounds.members:
            raise _beyond(_("This file holds more than %(count)s parts."), bounds.members)
        declared = 0
        for member in members:
            declared += member.file_size
            if declared > bounds.unpacked:
                raise self._too_big()
            if member.file_size > bounds.ratio_from and member.file_size > bounds.ratio * max(
                member.compress_size, 1
            ):
                raise _beyond(
                    _("A part of this file unpacks to more than %(count)s times its size."),
                    bounds.ratio,
                )

    def _too_big(self) -> SheetError:
        return SheetError(
            _("This file unpacks to more than %(size)s MB.")
            % {"size": _number(self.bounds.unpacked // MB)}
        )

    def count_text(self, length: int) -> None:
        self.text += length
        if self.text > self.bounds.text:
            raise _beyond(
                _("The texts of this file hold more than %(count)s characters together."),
                self.bounds.text,
            )

    def parse(self, path: str, part: _Part) -> None:
        """Read the part at ``path`` whole (or until ``part.done``) into ``part``."""
        for _chunk in self._feed(path, part):
            pass

    def _feed(self, path: str, part: _Part) -> Iterator[None]:
        """Inflate the part at ``path`` chunk by chunk into ``part``'s handlers, counting the
        bytes as they come out, pausing after each chunk, and stopping at ``part.done``."""
        # Names come as written ("row", or "x:row" in a document that gives the spreadsheet
        # namespace a prefix): the parts are told apart by their relations, not their names.
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = _no_doctype
        parser.StartElementHandler = part.start
        parser.EndElementHandler = part.end
        parser.CharacterDataHandler = part.text
        with self.archive.open(path) as member:
            while chunk := member.read(CHUNK):
                self.inflated += len(chunk)
                if self.inflated > self.bounds.unpacked:
                    raise self._too_big()
                parser.Parse(chunk, False)
                yield
                if part.done:
                    return
            parser.Parse(b"", True)

    def too_many_elements(self) -> SheetError:
        return _beyond(_("This file has more than %(count)s XML elements."), self.bounds.elements)

    # ------------------------------------------------------------ the workbook's parts

    def rows(self, wanted: str | None) -> Iterator[tuple[int, list[Any]]]:
        workbook = self._workbook_path()
        book = _WorkbookPart(self)
        self.parse(workbook, book)
        targets = self._relations(workbook)
        sheets = [
            (name, targets[rid][1])
            for name, rid in book.sheets
            if rid in targets and targets[rid][0] == "worksheet"
        ]
        if not sheets:
            raise KeyError("no worksheet")
        path = next((path for name, path in sheets if name == wanted), sheets[0][1])
        by_type = dict(targets.values())
        strings = _StringsPart(self)
        if "sharedStrings" in by_type:
            self.parse(by_type["sharedStrings"], strings)
        styles = _StylesPart(self)
        if "styles" in by_type:
            self.parse(by_type["styles"], styles)
        data = _SheetPart(self, strings.strings, styles.date_styles(), book.epoch())
        for _chunk in self._feed(path, data):
            yield from data.finished
            data.finished.clear()
        yield from data.finished

    def _workbook_path(self) -> str:
        relations = self._relations("")
        return next(
            (target for kind, target in relations.values() if kind == "officeDocument"),
            "xl/workbook.xml",
        )

    def _relations(self, path: str) -> dict[str, tuple[str, str]]:
        """{id: (kind, member path)} of the part at ``path`` ("" for the package)."""
        folder, name = posixpath.split(path)
        rels = posixpath.join(folder, "_rels", f"{name}.rels")
        try:
            self.archive.getinfo(rels)
        except KeyError:
            return {}
        part = _RelationsPart(self, folder)
        self.parse(rels, part)
        return part.targets


def _no_doctype(*_args: Any) -> None:
    raise ValueError("a spreadsheet part has no document type declaration")


def _unprefixed(name: str) -> str:
    return name.rpartition(":")[2] if ":" in name else name


class _Part:
    """Handlers for one XML part of ``book``: ``opened`` and ``closed`` get element names
    without their prefix, once ``start`` has counted the element."""

    done = False

    def __init__(self, book: _Book) -> None:
        self.book, self.bounds = book, book.bounds

    def start(self, name: str, attributes: dict[str, str]) -> None:
        book = self.book
        book.elements += 1
        if book.elements > self.bounds.elements:
            raise book.too_many_elements()
        self.opened(_unprefixed(name), attributes)

    def end(self, name: str) -> None:
        self.closed(_unprefixed(name))

    def opened(self, name: str, attributes: dict[str, str]) -> None:
        pass

    def closed(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


class _RelationsPart(_Part):
    """{id: (kind, member path)} of a part's relations file."""

    def __init__(self, book: _Book, folder: str) -> None:
        super().__init__(book)
        self.folder = folder
        self.targets: dict[str, tuple[str, str]] = {}

    def opened(self, name: str, attributes: dict[str, str]) -> None:
        if name != "Relationship" or attributes.get("TargetMode") == "External":
            return
        target = attributes.get("Target", "")
        if target.startswith("/"):
            path = target.lstrip("/")
        else:
            path = posixpath.normpath(posixpath.join(self.folder, target))
        kind = attributes.get("Type", "").rpartition("/")[2]
        self.targets[attributes.get("Id", "")] = (kind, path)


class _WorkbookPart(_Part):
    """The sheets in their order, and which calendar dates count from."""

    def __init__(self, book: _Book) -> None:
        super().__init__(book)
        self.sheets: list[tuple[str, str]] = []  # (name, relation id)
        self.date1904 = False

    def opened(self, name: str, attributes: dict[str, str]) -> None:
        if name == "sheet":
            rid = next((v for k, v in attributes.items() if _unprefixed(k) == "id"), "")
            self.sheets.append((attributes.get("name", ""), rid))
        elif name == "workbookPr":
            self.date1904 = attributes.get("date1904", "").lower() in ("1", "true")

    def epoch(self) -> Any:
        from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH

        return MAC_EPOCH if self.date1904 else WINDOWS_EPOCH


class _StringsPart(_Part):
    """The shared strings: each ``si``'s text, its runs joined, phonetic guides left out."""

    def __init__(self, book: _Book) -> None:
        super().__init__(book)
        self.strings: list[str] = []
        self.current: list[str] | None = None
        self.length = 0
        self.in_text = self.phonetic = False

    def opened(self, name: str, attributes: dict[str, str]) -> None:
        if name == "si":
            if len(self.strings) >= self.bounds.shared_strings:
                raise _beyond(
                    _("This file has more than %(count)s different texts."),
                    self.bounds.shared_strings,
                )
            self.current, self.length = [], 0
        elif name == "rPh":
            self.phonetic = True
        elif name == "t" and self.current is not None and not self.phonetic:
            self.in_text = True

    def text(self, data: str) -> None:
        if self.in_text and self.current is not None:
            self.length += len(data)
            if self.length > self.bounds.cell_text:
                raise _too_long_a_cell(self.bounds)
            self.book.count_text(len(data))
            self.current.append(data)

    def closed(self, name: str) -> None:
        if name == "t":
            self.in_text = False
        elif name == "rPh":
            self.phonetic = False
        elif name == "si" and self.current is not None:
            self.strings.append(clean_text("".join(self.current)))
            self.current = None


class _StylesPart(_Part):
    """Which cell styles show a number as a date or a duration, as openpyxl decides it."""

    def __init__(self, book: _Book) -> None:
        super().__init__(book)
        self.formats: dict[int, str] = {}  # custom number formats by id
        self.styles: list[int] = []  # number format id of each cell style, in order
        self.in_cell_styles = False

    def opened(self, name: str, attributes: dict[str, str]) -> None:
        if name == "numFmt":
            self.formats[int(attributes.get("numFmtId", "0"))] = attributes.get("formatCode", "")
        elif name == "cellXfs":
            self.in_cell_styles = True
        elif name == "xf" and self.in_cell_styles:
            self.styles.append(int(attributes.get("numFmtId", "0")))

    def closed(self, name: str) -> None:
        if name == "cellXfs":
            self.in_cell_styles = False

    def date_styles(self) -> dict[int, bool]:
        """{style index: whether it is a duration} for the styles that show dates."""
        from openpyxl.styles.numbers import (
            builtin_format_code,
            is_date_format,
            is_timedelta_format,
        )

        dates = {}
        for index, format_id in enumerate(self.styles):
            code = self.formats.get(format_id) or builtin_format_code(format_id)
            if is_date_format(code):
                dates[index] = is_timedelta_format(code)
        return dates


DIGITS = "0123456789"


def _column(reference: str) -> int:
    """1 for A, 27 for AA… from a cell reference such as "AB12"."""
    letters = reference.rstrip(DIGITS)
    if not letters.isalpha() or not letters.isascii() or len(letters) > 3:
        raise ValueError(f"not a cell reference: {reference!r}")
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


class _SheetPart(_Part):
    """The rows of a worksheet's ``sheetData``, each handed on (in ``finished``) as soon as
    its end tag is read, with the rows and cells that hold a value, their columns and text
    counted as they come (every element is counted in ``start``). The
    handlers are the hot path of an upload: they do the counting of ``_Part`` themselves."""

    def __init__(self, book: _Book, strings: list[str], dates: dict[int, bool], epoch: Any) -> None:
        super().__init__(book)
        self.strings, self.dates, self.epoch = strings, dates, epoch
        self.finished: list[tuple[int, list[Any]]] = []
        self.in_data = False
        self.rows = self.cells = self.row = self.column = 0
        self.values: dict[int, Any] = {}
        self.kind, self.style = "n", 0
        self.buffer: list[str] = []
        self.length = 0
        self.capture = self.inline = self.phonetic = False

    def start(self, name: str, attributes: dict[str, str]) -> None:
        book, bounds = self.book, self.bounds
        book.elements += 1
        if book.elements > bounds.elements:
            raise book.too_many_elements()
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "c" and self.in_data:
            reference = attributes.get("r")
            self.column = _column(reference) if reference else self.column + 1
            self.kind = attributes.get("t", "n")
            self.style = int(attributes.get("s") or 0)
            self.buffer, self.length, self.inline = [], 0, False
        elif name == "v":
            self.capture = True
        elif name == "row" and self.in_data:
            number = attributes.get("r")
            self.row = int(number) if number else self.row + 1
            self.column, self.values = 0, {}
        elif name == "is":
            self.inline = True
        elif name == "rPh":
            self.phonetic = True
        elif name == "t" and self.inline and not self.phonetic:
            self.capture = True
        elif name == "sheetData":
            self.in_data = True

    def text(self, data: str) -> None:
        if self.capture:
            self.length += len(data)
            if self.length > self.bounds.cell_text:
                raise _too_long_a_cell(self.bounds)
            self.book.count_text(len(data))
            self.buffer.append(data)

    def end(self, name: str) -> None:
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "v" or name == "t":
            self.capture = False
        elif name == "c" and self.in_data:
            value = self._value("".join(self.buffer))
            if value is not None:
                # Only a cell with a value: a formatted empty one far right is no data.
                if self.column > self.bounds.columns:
                    raise _too_many_columns(self.bounds)
                self.cells += 1
                if self.cells > self.bounds.cells:
                    raise _too_many_cells(self.bounds)
                self.values[self.column] = value
        elif name == "row" and self.in_data:
            if self.values:  # an empty row is no data, and only its elements count
                self.rows += 1
                if self.rows > self.bounds.rows:
                    raise _too_many_rows(self.bounds)
                last = max(self.values)
                self.finished.append(
                    (self.row, [self.values.get(column) for column in range(1, last + 1)])
                )
        elif name == "rPh":
            self.phonetic = False
        elif name == "sheetData":
            self.in_data, self.done = False, True  # the data's real end

    def _value(self, text: str) -> Any:
        """The cell's value as openpyxl reads it with ``values_only``."""
        kind = self.kind
        if kind == "inlineStr":
            return clean_text(text) if self.inline else None
        if not text:
            return None
        if kind == "n":
            number = float(text) if "." in text or "e" in text or "E" in text else int(text)
            if self.style in self.dates:
                from openpyxl.utils.datetime import from_excel

                try:
                    return from_excel(number, self.epoch, timedelta=self.dates[self.style])
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            return self.strings[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            from openpyxl.utils.datetime import from_ISO8601

            return from_ISO8601(text)
        return clean_text(text)  # "str" (a formula's text), "e" (an error such as #N/A)
