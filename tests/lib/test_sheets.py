"""The bounded spreadsheet reader: it reads what openpyxl reads, refuses each bound with a
message naming it, and turns any broken file into "cannot be read"."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from convene.lib import sheets
from convene.lib.sheets import Bounds, SheetError, read_sheet
from tests import hostile

MAIN = hostile.MAIN


def _openpyxl_rows(content: bytes, sheet: str) -> list[tuple[int, list]]:
    """What the reader this one replaced returned: openpyxl's values, empty rows left out."""
    rows = load_workbook(io.BytesIO(content), read_only=True, data_only=True)[sheet].iter_rows(
        values_only=True
    )
    result = []
    for number, row in enumerate(rows, start=1):
        cells = list(row)
        while cells and cells[-1] is None:
            cells.pop()
        if cells:
            result.append((number, cells))
    return result


def _saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_it_reads_what_openpyxl_reads_from_a_workbook_openpyxl_wrote():
    book = Workbook()
    book.active.title = "Notes"
    book.active.append(["not this sheet"])
    sheet = book.create_sheet("Figures")
    sheet.append(["metric", "period", "numerator", "note"])
    sheet.append(["BP control", datetime(2026, 2, 1), 5, "  EHR outage "])
    sheet.append(["BP control", date(2026, 3, 1), 2.5, None])
    sheet.append([None, None, None, None])  # an empty row in the middle
    sheet.append(["Hypotension", "2026-04", True, "=1+1"])  # a formula without a cached value
    sheet["A10"], sheet["C10"], sheet["D10"] = "far below", 1e20, time(12, 30)
    sheet["B11"] = timedelta(hours=30)
    sheet["B11"].number_format = "[h]:mm:ss"
    sheet["A12"], sheet["B12"] = -0.0001, "ünïcödé"
    content = _saved(book)
    assert list(read_sheet("f.xlsx", content, sheet="Figures")) == _openpyxl_rows(
        content, "Figures"
    )
    # Without the name asked for, the first worksheet.
    assert list(read_sheet("f.xlsx", content, sheet="Other")) == [(1, ["not this sheet"])]


def test_dates_count_from_1904_when_the_workbook_says_so():
    book = Workbook()
    book.epoch = datetime(1904, 1, 1)
    book.active.append([datetime(2026, 2, 1)])
    content = _saved(book)
    assert list(read_sheet("f.xlsx", content)) == [(1, [datetime(2026, 2, 1)])]


def test_every_kind_of_cell_as_spreadsheet_programs_write_it():
    shared = (
        b"<si><t>plain</t></si>"
        b"<si><r><t>rich </t></r><r><rPr><b/></rPr><t>text</t></r>"
        b"<rPh><t>phonetic guide, not shown</t></rPh></si>"
    )
    styles = (
        f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" '
        'formatCode="yyyy\\-mm"/></numFmts><cellXfs count="2"><xf numFmtId="0"/>'
        '<xf numFmtId="164"/></cellXfs></styleSheet>'
    ).encode()
    rows = (
        b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        b'<c r="C1" t="inlineStr"><is><t>inline</t></is></c>'
        b'<c r="D1" t="str"><f>A1&amp;"!"</f><v>plain!</v></c>'
        b'<c r="E1" t="e"><v>#N/A</v></c><c r="F1" t="b"><v>0</v></c>'
        b'<c r="G1" s="1"><v>46054</v></c><c r="H1" t="d"><v>2026-03-01T00:00:00</v></c></row>'
        b'<row r="3"><c><v>1</v></c><c/><c><v>3E2</v></c></row>'  # no references: in turn
        b'<row r="4" spans="1:8"/>'  # a row with nothing in it
        b'<row r="5"><c r="B5" t="inlineStr"><is><t>tab\tstays, DEL\x7f goes</t></is></c></row>'
    )
    content = hostile.xlsx([rows], shared=shared, styles=styles)
    assert list(read_sheet("f.xlsx", content)) == [
        (
            1,
            [
                "plain",
                "rich text",
                "inline",
                "plain!",
                "#N/A",
                False,
                datetime(2026, 2, 1),
                datetime(2026, 3, 1),
            ],
        ),
        (3, [1, None, 300.0]),
        (5, [None, "tab\tstays, DEL goes"]),
    ]


def test_a_prefixed_namespace_reads_the_same():
    sheet = (
        f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="2"><x:c r="A2" t="inlineStr">'
        "<x:is><x:t>prefixed</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>"
    ).encode()
    assert list(read_sheet("f.xlsx", hostile._replace_sheet(sheet))) == [(2, ["prefixed"])]


def test_the_data_ends_where_the_rows_end_not_at_the_dimension():
    """Every test file says A1:H1048576, as LibreOffice does after rows were deleted."""
    content = hostile.normal_rows(3)
    assert b"A1:H1048576" in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert [number for number, _cells in read_sheet("f.xlsx", content)] == [1, 2, 3, 4]


def test_empty_rows_and_cells_count_as_elements_not_as_rows_or_cells():
    """LibreOffice writes an empty row for each row deleted above the data, down to row
    1,048,576, and one with empty styled cells for each row of a formatted range: they cost
    their XML elements, and only rows and cells that hold a value count as rows and cells."""
    empty = b"".join(
        b'<row r="%d"><c r="A%d" s="1"/><c r="B%d" s="1"/></row>' % (r, r, r)
        for r in range(3, 1_003)
    )
    trailing = b"".join(b'<row r="%d" ht="12.8"/>' % r for r in range(1_047_577, 1_048_577))
    sheet = b'<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>'
    content = hostile.xlsx([sheet, empty, trailing])
    assert list(read_sheet("f.xlsx", content, bounds=Bounds(rows=2, cells=2))) == [
        (1, [1]),
        (2, [2]),
    ]
    with pytest.raises(SheetError, match="more than 1 rows"):
        list(read_sheet("f.xlsx", content, bounds=Bounds(rows=1)))
    with pytest.raises(SheetError, match="more than 1 cells"):
        list(read_sheet("f.xlsx", content, bounds=Bounds(cells=1)))
    with pytest.raises(SheetError, match="more than 3,000 XML elements"):
        list(read_sheet("f.xlsx", content, bounds=Bounds(elements=3_000)))


def test_formatted_empty_cells_beyond_the_last_column_are_no_data():
    rows = b'<row r="1"><c r="A1"><v>1</v></c>' + b'<c r="XFD1" s="1"/></row>'
    assert list(read_sheet("f.xlsx", hostile.xlsx([rows]))) == [(1, [1])]
    with pytest.raises(SheetError, match="more than 50 columns"):
        list(read_sheet("f.xlsx", hostile.xlsx([b'<row r="1"><c r="AY1"><v>1</v></c></row>'])))


def test_csv_rows_count_records_and_skip_blank_ones():
    content = b'metric,note\nBP,"two\nlines"\n\n,\nFalls,\x0bEHR\x00 outage\x7f\n'
    assert list(read_sheet("f.csv", content)) == [
        (1, ["metric", "note"]),
        (2, ["BP", "two\nlines"]),
        (5, ["Falls", "EHR outage"]),
    ]


@pytest.mark.parametrize(
    ("content", "delimiter"),
    [
        (b"metric;period;numerator;note\nBP;2026-03;3,5;a, b\n", ";"),
        (b"metric\tperiod\tnumerator\tnote\nBP\t2026-03\t3,5\ta, b\n", "\t"),
        (b'"metric";"period";"numerator";"note"\nBP;2026-03;3,5;"a, b"\n', ";"),
        (b'"metric, name",period,numerator,note\nBP,2026-03,"3,5","a, b"\n', ","),
    ],
)
def test_a_csv_is_read_with_the_delimiter_its_first_line_uses(content, delimiter):
    """Semicolons where the decimal separator is a comma (much of Europe and Latin America),
    tabs, or commas; quoted text in the first line does not count."""
    assert sheets.delimiter(content.decode()) == delimiter
    rows = list(read_sheet("f.csv", "\ufeff".encode() + content))
    assert len(rows[0][1]) == 4 and rows[1][1][0] == "BP" and rows[1][1][3] == "a, b"
    assert rows[1][1][2] == "3,5"


def _members(count: int) -> bytes:
    return hostile.xlsx([hostile.HEADER], extra={f"xl/media/{n}.txt": b"" for n in range(count)})


def _cells(rows: int, columns: int) -> bytes:
    return hostile.xlsx(
        [
            b'<row r="%d">' % r
            + b"".join(b"<c><v>%d</v></c>" % (r * columns + c) for c in range(columns))
            + b"</row>"
            for r in range(1, rows + 1)
        ]
    )


def _inline(text: bytes) -> bytes:
    return hostile.xlsx(
        [b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + text + b"</t></is></c></row>"]
    )


def _csv(rows: int, columns: int, field: bytes = b"1") -> bytes:
    return (b",".join([field] * columns) + b"\n") * rows


DEFAULT = Bounds()


@pytest.mark.parametrize(
    ("name", "build", "bounds", "message"),
    [
        ("f.csv", lambda: b"x" * (5 * 1024 * 1024 + 1), DEFAULT, "larger than 5 MB"),
        ("f.xlsx", lambda: hostile.normal_rows(20_001), DEFAULT, "more than 20,000 rows"),
        ("f.xlsx", hostile.million_rows, DEFAULT, "more than 1,000,000 XML elements"),
        ("f.csv", lambda: _csv(20_001, 1), DEFAULT, "more than 20,000 rows"),
        ("f.xlsx", lambda: _cells(1, 51), DEFAULT, "more than 50 columns"),
        ("f.csv", lambda: _csv(1, 51), DEFAULT, "more than 50 columns"),
        ("f.xlsx", lambda: _cells(4_000, 51), Bounds(columns=60), "more than 200,000 cells"),
        ("f.csv", lambda: _csv(5_000, 41), DEFAULT, "more than 200,000 cells"),
        ("f.xlsx", lambda: _inline(b"x" * 32_768), DEFAULT, "more than 32,767 characters"),
        ("f.csv", lambda: _csv(1, 1, b"x" * 32_768), DEFAULT, "more than 32,767 characters"),
        ("f.xlsx", hostile.six_million_shared_strings, DEFAULT, "unpacks to more than 50 MB"),
        (
            "f.xlsx",
            lambda: hostile.xlsx(
                [], shared=[b"".join(b"<si><t>%d</t></si>" % n for n in range(100_001))]
            ),
            DEFAULT,
            "more than 100,000 different texts",
        ),
        (
            "f.xlsx",
            lambda: _inline(b"long text " * 20),
            Bounds(text=100),
            "more than 100 characters together",
        ),
        ("f.xlsx", lambda: _members(1_001), DEFAULT, "more than 1,000 parts"),
        ("f.xlsx", hostile.zip_bomb, DEFAULT, "unpacks to more than 50 MB"),
        ("f.xlsx", lambda: hostile.zip_bomb(40), DEFAULT, "more than 100 times its size"),
        ("f.xlsx", lambda: _cells(100, 10), Bounds(elements=1_000), "more than 1,000 XML elements"),
    ],
)
def test_each_bound_refuses_the_file_with_a_message_naming_it(name, build, bounds, message):
    with pytest.raises(SheetError, match=message):
        list(read_sheet(name, build(), bounds=bounds))


def _without(content: bytes, member: str) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for info in source.infolist():
            if info.filename != member:
                target.writestr(info, source.read(info.filename))
    return out.getvalue()


def _sheet(rows: bytes) -> bytes:
    return hostile._replace_sheet(
        f'<worksheet xmlns="{MAIN}"><sheetData>'.encode() + rows + b"</sheetData></worksheet>"
    )


XXE = (
    b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    b'<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>&secret;</t></is></c></row>'
    b"</sheetData></worksheet>"
)


@pytest.mark.parametrize(
    "build",
    [
        lambda: b"PK\x03\x04 but no zip after all",
        lambda: hostile.normal_rows(10)[:-100],  # cut short
        lambda: _without(hostile.normal_rows(3), "xl/worksheets/sheet1.xml"),
        lambda: _without(hostile.normal_rows(3), "xl/workbook.xml"),
        hostile.malformed,
        hostile.entity_expansion,
        lambda: hostile._replace_sheet(XXE),
        lambda: _sheet(b'<row r="1"><c t="s"><v>7</v></c></row>'),  # no such shared string
        lambda: _sheet(b'<row r="1"><c><v>seven</v></c></row>'),  # not a number
        lambda: _sheet(b'<row r="x"><c><v>7</v></c></row>'),
        lambda: _sheet(b'<row r="1"><c r="1A"><v>7</v></c></row>'),
        lambda: _sheet(b'<row r="1"><c t="b"><v>yes</v></c></row>'),
        lambda: _sheet(b'<row r="1"><c><v>' + b"9" * 5_000 + b"</v></c></row>"),
    ],
)
def test_a_broken_xlsx_cannot_be_read(build):
    with pytest.raises(SheetError, match="This Excel file cannot be read."):
        list(read_sheet("f.xlsx", build()))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"a,b\n" + b"x" * 200_000 + b",1\n", "This CSV file cannot be read."),
        (b'a,b\n"x"y,1\n', None),  # the csv module accepts this one: no error
        ("metric\n".encode("utf-16"), "Save the CSV file as UTF-8."),
    ],
)
def test_a_broken_csv_gets_a_clear_message(content, message):
    if message is None:
        assert list(read_sheet("f.csv", content))
    else:
        with pytest.raises(SheetError, match=message):
            list(read_sheet("f.csv", content))


SHEET = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>metric</t></is></c><c r="B1"><v>2</v></c></row>'
    b'<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" s="1"><v>46054.5</v></c></row>'
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    position=st.integers(min_value=0, max_value=len(SHEET)),
    cut=st.integers(min_value=0, max_value=20),
    insert=st.binary(max_size=12) | st.sampled_from([b"<", b">", b"&", b'"', b"</row>", b"<c>"]),
)
def test_any_damage_to_the_sheet_xml_is_read_or_refused_never_an_error(position, cut, insert):
    damaged = SHEET[:position] + insert + SHEET[position + cut :]
    content = hostile.xlsx([damaged], shared=b"<si><t>BP</t></si>")
    try:
        rows = list(read_sheet("f.xlsx", content))
    except SheetError:
        return
    assert all(isinstance(number, int) and isinstance(cells, list) for number, cells in rows)
