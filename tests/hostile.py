"""Spreadsheets written byte by byte, small on disk, for the tests of the upload bounds: the
XLSX parts as raw XML in a zip, so a file can say what no spreadsheet program would write.
Each is a package openpyxl opens too, so the tests also show what the old reader did."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from functools import cache

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"
RELATIONSHIPS = "application/vnd.openxmlformats-package.relationships+xml"
PARTS = {
    "xl/workbook.xml": "sheet.main",
    "xl/worksheets/sheet1.xml": "worksheet",
    "xl/sharedStrings.xml": "sharedStrings",
    "xl/styles.xml": "styles",
}


def _content_types(names: list[str]) -> str:
    overrides = "".join(
        f'<Override PartName="/{name}" ContentType="{SPREADSHEET}.{PARTS[name]}+xml"/>'
        for name in names
        if name in PARTS
    )
    return (
        f'<Types xmlns="{TYPES}"><Default Extension="rels" ContentType="{RELATIONSHIPS}"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>'
    )


HEADER = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>metric</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>period</t></is></c>'
    b'<c r="C1" t="inlineStr"><is><t>numerator</t></is></c></row>'
)


def xlsx(
    sheet: bytes | Iterable[bytes],
    *,
    shared: bytes | Iterable[bytes] | None = None,
    styles: bytes | None = None,
    workbook_pr: str = "",
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """An XLSX whose one worksheet ("Figures") is ``sheet``, the XML inside ``<sheetData>``
    (bytes, or chunks streamed into the zip), with ``shared`` the ``<si>`` entries of a
    shared-strings part and ``styles`` a whole styles part."""
    parts = [f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>']
    if shared is not None:
        parts.append(
            f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        )
    if styles is not None:
        parts.append(f'<Relationship Id="rId3" Type="{RELS}/styles" Target="styles.xml"/>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
            f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}">{workbook_pr}'
            '<sheets><sheet name="Figures" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{PACKAGE}">{"".join(parts)}</Relationships>',
        )
        _stream(
            archive,
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{MAIN}"><dimension ref="A1:H1048576"/><sheetData>'.encode(),
            sheet,
            b"</sheetData></worksheet>",
        )
        if shared is not None:
            _stream(
                archive, "xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">'.encode(), shared, b"</sst>"
            )
        if styles is not None:
            archive.writestr("xl/styles.xml", styles)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
        archive.writestr("[Content_Types].xml", _content_types(archive.namelist()))
    return out.getvalue()


def _stream(
    archive: zipfile.ZipFile, name: str, head: bytes, body: bytes | Iterable[bytes], tail: bytes
) -> None:
    with archive.open(name, "w", force_zip64=True) as member:
        member.write(head)
        for chunk in [body] if isinstance(body, bytes) else body:
            member.write(chunk)
        member.write(tail)


def _numbered_rows(count: int, first: int = 2) -> Iterable[bytes]:
    """Rows of one figure each, numbered as a spreadsheet numbers them, in chunks."""
    for start in range(first, first + count, 10_000):
        yield b"".join(
            b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>Hypotension</t></is></c>'
            b'<c r="C%d"><v>%d</v></c></row>' % (r, r, r, r % 97)
            for r in range(start, min(start + 10_000, first + count))
        )


@cache
def million_rows() -> bytes:
    """A million empty rows, numbered as a spreadsheet numbers them (2.4 MB)."""
    rows = (
        b"".join(b'<row r="%d"/>' % r for r in range(n, n + 100_000))
        for n in range(2, 1_000_002, 100_000)
    )
    return xlsx([HEADER, *rows])


@cache
def six_million_shared_strings() -> bytes:
    """Six million entries in the table of shared strings (350 KB)."""
    return xlsx([HEADER], shared=(b"<si><t>x</t></si>" * 1_000_000 for _ in range(6)))


@cache
def one_row_of_three_million_cells() -> bytes:
    return xlsx([HEADER, b'<row r="2">', b"<c><v>1</v></c>" * 3_000_000, b"</row>"])


@cache
def zip_bomb(megabytes: int = 64) -> bytes:
    """A worksheet of ``megabytes`` of blanks between two rows, packed a thousandfold."""
    blanks = (b" " * (1024 * 1024) for _ in range(megabytes))
    return xlsx([HEADER, *blanks, b'<row r="2"><c r="C2"><v>1</v></c></row>'])


def malformed() -> bytes:
    return xlsx([HEADER, b'<row r="2"><c r="A2"><v>1</v></row>'])


def entity_expansion() -> bytes:
    """A billion laughs in the worksheet's own document type declaration."""
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
            for n in range(1, 10)
        )
        + b"]>"
    )
    sheet = lol + f'<worksheet xmlns="{MAIN}"><sheetData>'.encode() + HEADER
    sheet += b'<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    sheet += b"</sheetData></worksheet>"
    return _replace_sheet(sheet)


def _replace_sheet(sheet: bytes) -> bytes:
    """A package like ``xlsx``'s whose worksheet part is ``sheet`` whole."""
    plain = io.BytesIO(xlsx([HEADER]))
    out = io.BytesIO()
    with (
        zipfile.ZipFile(plain) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = sheet
            target.writestr(info.filename, content)
    return out.getvalue()


def csv_with_a_long_field(length: int = 200 * 1024) -> bytes:
    return b"metric,period,numerator,note\nHypotension,2026-01,3," + b"x" * length + b"\n"


def csv_of_a_million_rows() -> bytes:
    return b"metric,period,numerator\n" + b"x\n" * 1_000_000


def normal_rows(count: int) -> bytes:
    return xlsx([HEADER, *_numbered_rows(count)])
