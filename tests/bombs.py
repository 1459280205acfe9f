"""Plan files that cost far more to read than their size, made by hand (no PDF or Word library writes them),
and a probe that measures what reading one costs in a process of its own.

    python tests/bombs.py read <file>              read_source, as the corpus does
    python tests/bombs.py corpus <folder>          load_corpus, as the app does at start-up
    python tests/bombs.py upload <file> <folder>   the admin's upload form (folder: the app's files)

Each prints one JSON line: {"grew": MiB of peak memory added by the step, "seconds": …, "said": …}.
"""

from __future__ import annotations

import io
import json
import random
import resource
import sys
import time
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
TEXT = b"BT /F1 12 Tf 72 720 Td (County plan for market supervision, section one: tasks) Tj ET\n"


# -- PDF -------------------------------------------------------------------------------------------
def flate_bomb(prefix: bytes, megabytes: int) -> bytes:
    """A valid zlib stream of `prefix` and then `megabytes` MB of spaces, about 1/1000 of that in size.

    Each MB is deflated once after a full flush, which makes every copy the same bytes: a 1 GB stream is
    made in a fraction of a second."""
    deflater = zlib.compressobj(9)
    head = deflater.compress(prefix) + deflater.flush(zlib.Z_FULL_FLUSH)
    block = b" " * MB
    piece = deflater.compress(block) + deflater.flush(zlib.Z_FULL_FLUSH)
    check = zlib.adler32(prefix)
    for _ in range(megabytes):
        check = zlib.adler32(block, check)
    return head + piece * megabytes + b"\x03\x00" + check.to_bytes(4, "big")  # empty final block, Adler-32


def pdf_bytes(objects: list[bytes]) -> bytes:
    """A PDF of these objects (1 0 obj is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    """A stream object's body."""
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def one_page_pdf(content: bytes, extra: bytes = b"") -> bytes:
    """A PDF of one page whose content stream is `content` (filtered as `extra` says)."""
    return pdf_bytes(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >>"
            b" /Contents 5 0 R >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            stream(content, extra),
        ]
    )


def pdf_flate_bomb(megabytes: int = 1024) -> bytes:
    """A page of text whose content stream then inflates to `megabytes` MB of spaces (1 GB: a 1 MB file)."""
    return one_page_pdf(flate_bomb(TEXT, megabytes), b"/Filter /FlateDecode")


def pdf_glyph_bomb(characters: int = 1_000_000) -> bytes:
    """A page drawing `characters` characters (each ~2 KB once pdfminer lays it out), in a stream of ~1 KB."""
    line = b"(" + b"A" * 1000 + b") Tj\n"
    content = b"BT /F1 1 Tf 72 720 Td\n" + line * (characters // 1000) + b"ET\n"
    return one_page_pdf(zlib.compress(content, 9), b"/Filter /FlateDecode")


def pdf_token_bomb(megabytes: int = 30) -> bytes:
    """A page of text, then one string of `megabytes` MB that draws nothing: pdfminer read it 4 KB at a time,
    joining the pieces anew each time (90 s for 30 MB)."""
    content = TEXT + b"(" + b"A" * (megabytes * MB) + b") pop\n"
    return one_page_pdf(zlib.compress(content, 9), b"/Filter /FlateDecode")


def pdf_of_many_pages(pages: int) -> bytes:
    """A PDF of `pages` pages of text, all drawn by one content stream."""
    kids = b" ".join(b"%d 0 R" % (5 + n) for n in range(pages))
    return pdf_bytes(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            stream(TEXT),
        ]
        + [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >>"
           b" /Contents 4 0 R >>"] * pages
    )


def lzw(data: bytes) -> bytes:
    """`data` LZW-encoded as PDF's LZWDecode reads it: codes of 9 to 12 bits, widened one code early, the
    table cleared before it is full."""
    out, value, bits = bytearray(), 0, 0

    def emit(code: int, next_code: int) -> None:
        nonlocal value, bits
        width = 9 if next_code <= 511 else 10 if next_code <= 1023 else 11 if next_code <= 2047 else 12
        value, bits = (value << width) | code, bits + width
        while bits >= 8:
            bits -= 8
            out.append((value >> bits) & 0xFF)
        value &= (1 << bits) - 1

    table = {bytes([n]): n for n in range(256)}
    next_code, word = 258, b""
    emit(256, next_code)
    for byte in data:
        grown = word + bytes([byte])
        if grown in table:
            word = grown
            continue
        emit(table[word], next_code)
        table[grown], next_code, word = next_code, next_code + 1, bytes([byte])
        if next_code >= 4000:
            emit(256, next_code)
            table, next_code = {bytes([n]): n for n in range(256)}, 258
    if word:
        emit(table[word], next_code)
        next_code += 1
    emit(257, next_code)
    if bits:
        out.append((value << (8 - bits)) & 0xFF)
    return bytes(out)


# -- .docx -----------------------------------------------------------------------------------------
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
    'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main'
    '+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def docx_bytes(body_parts, level: int = 1) -> bytes:
    """A .docx whose document.xml is the body made of `body_parts` (bytes, streamed into the zip)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        with archive.open("word/document.xml", "w") as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>'.encode())
            for piece in body_parts:
                part.write(piece)
            part.write(b"</w:body></w:document>")
    return buffer.getvalue()


def docx_of_digits(megabytes: int = 95) -> bytes:
    """A .docx whose one paragraph is `megabytes` MB of digits, in runs of 1 MB: the XML packs about 100×,
    under the ratio a zip bomb is refused at, and unpacks under the 100 MB a .docx may."""
    rng = random.Random(23)
    digits = "".join(rng.choice("0123456789") for _ in range(997)).encode()
    run = b"<w:r><w:t>" + (digits * (MB // len(digits) + 1))[:MB] + b"</w:t></w:r>"
    return docx_bytes([b"<w:p>"] + [run] * megabytes + [b"</w:p>"])


def docx_paragraphs(count: int) -> bytes:
    """`count` empty paragraphs, each with a random revision id (so that they pack only ~10×)."""
    rng = random.Random(26)
    return b"".join(b'<w:p w:rsidR="00%06X"/>' % rng.getrandbits(12) for _ in range(count))


# -- the probe -------------------------------------------------------------------------------------
def peak() -> float:
    """This process's peak memory so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measured(step) -> dict:
    """What `step()` cost: peak memory added, seconds, and what it returned."""
    before, started = peak(), time.perf_counter()
    said = step()
    return {"grew": peak() - before, "seconds": time.perf_counter() - started, "said": said}


def probe_read(path: Path) -> dict:
    """read_source of `path`, after reading an ordinary plan of the same kind (imports and caches warm)."""
    from qa.reading.sources import UnreadableSource, read_source

    warm = path.with_name("warm" + path.suffix)
    warm.write_bytes(ordinary(path.suffix))
    read_source(warm)

    def step():
        try:
            return f"read {len(read_source(path).lines)} lines"
        except UnreadableSource as exc:
            return f"refused: {exc}"

    return measured(step)


def probe_corpus(folder: Path) -> dict:
    """load_corpus of `folder`, after loading a corpus of ordinary plans."""
    from qa.reading.corpus import load_corpus

    warm = folder.parent / "warm-corpus"
    warm.mkdir(exist_ok=True)
    for suffix in (".pdf", ".docx"):
        (warm / f"warm{suffix}").write_bytes(ordinary(suffix))
    load_corpus(warm, ROOT / "corpus")
    return measured(lambda: load_corpus(folder, ROOT / "corpus").warnings)


def probe_upload(path: Path, folder: Path) -> dict:
    """The bomb uploaded through /admin/plans/upload, logged in, after an ordinary upload of its kind."""
    import re
    import shutil

    from web import create_app
    from web.admin.auth import set_password

    corpus = folder / "corpus"
    corpus.mkdir(parents=True)
    for name in ("plan.txt", "units.yaml", "terms.yaml"):
        shutil.copy(ROOT / "corpus" / name, corpus / name)
    set_password(folder / "instance", "bomb probe password")
    app = create_app({"CORPUS_DIR": str(corpus), "STATE_DB": str(folder / "state.sqlite3"),
                      "INSTANCE_DIR": str(folder / "instance"), "TESTING": True})
    client = app.test_client()
    token = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')

    def form(page: str) -> str:
        return token.search(client.get(page).get_data(as_text=True)).group(1)

    client.post("/admin/login", data={"csrf_token": form("/admin/login"), "password": "bomb probe password"})

    def upload(name: str, data: bytes):
        return client.post("/admin/plans/upload", content_type="multipart/form-data",
                           data={"csrf_token": form("/admin/plans"), "plan": (io.BytesIO(data), name)})

    assert upload("warm" + path.suffix, ordinary(path.suffix)).status_code == 302
    data = path.read_bytes()

    def step():
        response = upload(path.name, data)
        page = response.get_data(as_text=True)
        found = re.search(r"上传失败：[^<]*", page)
        return {"status": response.status_code, "error": found.group(0) if found else "",
                "stored": (corpus / path.name).exists()}

    result = measured(step)
    app.extensions["log"].close()
    return result


ORDINARY = ["某某县市场监管实施方案", "一、重点任务", "（一）加强食品安全监管。（责任单位：县市场监管局牵头，县公安局配合）",
            "（二）推进简易注销登记。（责任单位：县市场监管局牵头，县税务局配合）"]


def ordinary(suffix: str) -> bytes:
    """An ordinary small plan of this kind, with its units (so that an upload of it is accepted)."""
    if suffix == ".pdf":
        import tempfile

        from pdf_maker import write_pdf  # reportlab: an independent writer of real PDFs

        with tempfile.TemporaryDirectory() as folder:
            return write_pdf(ORDINARY, Path(folder) / "plan.pdf").read_bytes()
    return docx_bytes([f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>".encode() for line in ORDINARY])


if __name__ == "__main__":
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    command, target = sys.argv[1], Path(sys.argv[2])
    if command == "read":
        print(json.dumps(probe_read(target), ensure_ascii=False))
    elif command == "corpus":
        print(json.dumps(probe_corpus(target), ensure_ascii=False))
    else:
        print(json.dumps(probe_upload(target, Path(sys.argv[3])), ensure_ascii=False))
