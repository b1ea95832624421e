"""The upload module: real files made here, checked by content, stored, served."""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib

import pytest
from django import forms
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from convene.lib import uploads
from convene.lib.uploads import UploadField, UploadRefused, check, detect_kind, store


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024


def make_pdf() -> bytes:
    """A real one-page PDF, written by hand (objects, cross-reference table, trailer)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (4, xref))
    return out.getvalue()


def make_png(width: int = 4, height: int = 3) -> bytes:
    """A real PNG: signature, IHDR, one IDAT of grey pixels, IEND, each chunk with its CRC."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def make_zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def make_docx(document: bytes = b"<w:document/>") -> bytes:
    return make_zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": document,
        }
    )


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_real_pdf_and_png_are_recognised() -> None:
    assert detect_kind(io.BytesIO(make_pdf())).key == "pdf"
    assert detect_kind(io.BytesIO(make_png())).key == "png"


def test_kinds_are_read_from_content_not_name_or_header() -> None:
    # A PNG named .pdf and sent as a PDF is a PNG: downloaded as .png, served as image/png.
    checked = check(upload("chart.pdf", make_png(), "application/pdf"))
    assert checked.kind.key == "png"
    assert checked.name == "chart.pdf.png"
    assert checked.content_type == "image/png"


def test_office_and_opendocument_files() -> None:
    assert check(upload("notes.docx", make_docx())).kind.key == "docx"
    xlsx = make_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
    assert check(upload("run.xlsx", xlsx)).kind.key == "xlsx"
    ods = make_zip(
        {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}
    )
    assert check(upload("run.ods", ods)).content_type == (
        "application/vnd.oasis.opendocument.spreadsheet"
    )


def test_plain_text_and_csv() -> None:
    assert check(upload("notes.txt", "Café: 5 patients\n".encode())).kind.key == "text"
    assert check(upload("run.csv", b"month,value\n2026-01,5\n")).kind.key == "csv"


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200,  # a Windows program
        b"<!doctype html><html><script>alert(1)</script></html>",  # a web page
        b"  <svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        b"\xff\xfe\x00\x00garbage",  # not UTF-8
        make_zip({"evil.exe": b"MZ" + b"\x00" * 50}),  # a zip that is no office document
    ],
    ids=["exe", "html", "svg", "binary", "plain-zip"],
)
def test_disguised_files_are_refused(content: bytes) -> None:
    with pytest.raises(UploadRefused) as refused:
        check(upload("results.pdf", content))
    assert "not accepted" in refused.value.messages[0]


def test_an_oversized_file_is_refused_without_reading_it(settings) -> None:
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    big = upload("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024))

    class Untouchable(io.BytesIO):
        def read(self, *args, **kwargs):
            raise AssertionError("read a file already known to be too big")

    big.file = Untouchable(big.file.getvalue())
    with pytest.raises(UploadRefused) as refused:
        check(big)
    assert refused.value.messages == ["The file is larger than 1 MB, the most one upload may be."]


def test_a_file_that_hides_its_size_is_refused_once_past_the_limit(settings) -> None:
    settings.UPLOAD_MAX_BYTES = 100 * 1024
    stream = io.BytesIO(b"%PDF-1.4\n" + b"0" * (300 * 1024))
    with pytest.raises(UploadRefused):
        detect_kind(stream)
    assert stream.tell() <= 100 * 1024 + uploads.CHUNK  # stopped at the limit


def test_a_zip_bomb_docx_is_refused_without_inflating(settings) -> None:
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    bomb = make_docx(b"<w:document>" + b"0" * (30 * 1024 * 1024) + b"</w:document>")
    assert len(bomb) < 100 * 1024  # small on disk: it is what it unpacks to that counts
    with pytest.raises(UploadRefused):
        check(upload("bomb.docx", bomb))


def test_many_modest_members_past_the_inflated_bound_are_refused(settings) -> None:
    settings.UPLOAD_MAX_BYTES = 64 * 1024  # 20 × 64 KB = 1.25 MB unpacked at most
    members = {"[Content_Types].xml": b"<Types/>"}
    members |= {f"word/part{i}.xml": os.urandom(100 * 1024) for i in range(20)}  # 2 MB
    with pytest.raises(UploadRefused):
        check(upload("many.docx", make_zip(members)))


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(UploadRefused):
        detect_kind(io.BytesIO(b""))


def test_stored_under_a_random_name_never_the_persons(settings) -> None:
    checked = check(upload("../../etc/Ana's results.pdf", make_pdf()))
    assert checked.name == "Ana's results.pdf"
    name = store(checked, "cycles")
    assert name.startswith("uploads/cycles/") and name.endswith(".pdf")
    assert "Ana" not in name and ".." not in name
    assert default_storage.open(name).read() == make_pdf()
    assert (settings.MEDIA_ROOT / name).exists()
    assert store(check(upload("Ana's results.pdf", make_pdf())), "cycles") != name


@pytest.mark.urls("tests.lib.urls_uploads")
def test_serve_sends_a_download_that_no_browser_runs(client) -> None:
    name = store(check(upload("Résultats juin.pdf", make_pdf())), "cycles")
    response = client.get("/test-download/", {"name": name})
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''R%C3%A9sultats%20juin.pdf" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert "sandbox" in policy and "default-src 'self'" in policy
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == make_pdf()


def test_media_is_not_served_as_a_folder(client, settings) -> None:
    name = store(check(upload("plan.pdf", make_pdf())), "cycles")
    assert client.get(f"/media/{name}").status_code == 404
    assert client.get(f"/{name}").status_code == 404
    assert not settings.MEDIA_URL or settings.MEDIA_URL == "/"


class AttachForm(forms.Form):
    file = UploadField()


def test_the_form_field_names_the_limit_and_the_kinds(settings) -> None:
    settings.UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    form = AttachForm(files={"file": upload("x.pdf", b"%PDF-" + b"0" * (3 * 1024 * 1024))})
    assert not form.is_valid()
    assert form.errors["file"] == ["The file is larger than 2 MB, the most one upload may be."]
    form = AttachForm(files={"file": upload("x.pdf", b"MZ\x00\x00")})
    assert not form.is_valid()
    assert "PDF" in form.errors["file"][0] and "CSV" in form.errors["file"][0]
    form = AttachForm(files={"file": upload("run chart.png", make_png())})
    assert form.is_valid()
    assert form.cleaned_data["file"].kind.key == "png"
    assert "up to 2 MB" in str(AttachForm().fields["file"].help_text)
