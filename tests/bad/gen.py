#!/usr/bin/env python3
"""The bad-input corpus of clasm (issue 8): hostile and broken deals, clause
libraries and DOCX templates, built at test time with the standard library
(zipfile, zlib) so that every byte can be explained.

    gen.py OUTDIR          writes OUTDIR/<case>/ (the inputs of one case, run
                           with that folder as the working directory) and
                           OUTDIR/cases.tsv, one line per case:
                           name, exit code, expected stderr texts ("|"-separated),
                           output file, expected output texts, arguments...
                           ("-" for an empty field)
    gen.py --readme        prints the case table of tests/bad/README.md

Every case names the exit code it expects and why (the `why` column of the
README). tests/e2e/bad.sh runs them against the binary."""
import io
import os
import random
import shutil
import stat
import struct
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEAL = os.path.join(ROOT, "examples", "deals", "direct-biometric-security-service.yaml")
TEMPLATE = os.path.join(ROOT, "templates", "contract.docx")
LIBRARY = os.path.join(ROOT, "clauses")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MIB = 1024 * 1024


class Case:
    def __init__(self, name, why, build, rc=1, expect=(), args=None, out="out.docx",
                 out_has=()):
        self.name, self.why, self.build = name, why, build
        # expect / out_has: texts that must appear; "!text" must not.
        self.rc, self.expect, self.out, self.out_has = rc, expect, out, out_has
        # Default command: assemble the case's deal with its template.
        self.args = args or ["assemble", "deal.yaml", "-t", "template.docx", "-o", "out.docx"]


# ------------------------------------------------------------- helpers

def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def template_parts():
    """The entries of the real contract template, in order."""
    with zipfile.ZipFile(TEMPLATE) as z:
        return [(i, z.read(i.filename)) for i in z.infolist()]


def template_part(name):
    """One part of the real contract template, as bytes."""
    with zipfile.ZipFile(TEMPLATE) as z:
        return z.read(name)


def docx(path, replace=None, add=(), drop=(), compression=zipfile.ZIP_DEFLATED):
    """The real template with some parts replaced, added or dropped."""
    replace = replace or {}
    with zipfile.ZipFile(path, "w", compression) as z:
        for info, data in template_parts():
            if info.filename in drop:
                continue
            z.writestr(info.filename, replace.get(info.filename, data))
        for name, data in add:
            z.writestr(zipfile.ZipInfo(name), data, compression)


def document(body):
    """A document.xml holding body (WordprocessingML paragraphs)."""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:document xmlns:w="%s"><w:body>%s<w:sectPr/></w:body></w:document>' % (W, body))


def para(text):
    return '<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>' % text


def with_doc(body):
    return lambda d: docx(os.path.join(d, "template.docx"),
                          {"word/document.xml": document(body)})


def deal_text():
    return read(DEAL).decode()


def deal_term_count():
    """How many keys the example deal has under terms: (it ends with them)."""
    t = deal_text()
    return sum(1 for line in t[t.index("\nterms:\n"):].splitlines() if line.startswith("  "))


def with_deal(text):
    return lambda d: write(os.path.join(d, "deal.yaml"), text)


def deal_replace(old, new):
    t = deal_text()
    assert old in t, old
    return with_deal(t.replace(old, new, 1))


def compressible_noise(size, period):
    """Bytes that deflate about period/4 to one: a random byte every
    `period` bytes, 'a' in between (valid XML text, well under the ratio
    limit for period 200)."""
    rnd = random.Random(size)
    unit = period - 1
    parts = []
    n = 0
    while n < size:
        parts.append(b"%c" % rnd.choice(b"bcdefghijklmnopqrstuvwxyz") + b"a" * unit)
        n += period
    return b"".join(parts)[:size]


def library(d):
    """A copy of the project's clause library in d/library."""
    shutil.copytree(LIBRARY, os.path.join(d, "library"))


def clause(cid, cat, extra="", text="The **Customer** shall comply.\n"):
    return ("id: %s\nversion: 1\ntitle: Fuzz %s\ncategory: %s\n"
            "documents: [contract, eula, reseller-agreement]\naddresses: [product.*]\n"
            "order: 99\nguidance: [\"test\"]\n%stext: |\n  %s" % (cid, cid, cat, extra, text))


def lib_with(*files):
    def build(d):
        library(d)
        for rel, text in files:
            write(os.path.join(d, "library", rel), text)
    return build


LIB_ARGS = ["assemble", "deal.yaml", "--library", "library", "-t", "template.docx",
            "-o", "out.docx"]


def patch_flags(data, name, flag):
    """Sets a general-purpose flag bit of one entry in its local and central
    headers (zipfile cannot write encrypted entries; the flag is what a
    reader sees)."""
    b = bytearray(data)
    enc = name.encode()
    for sig, off_flags, off_name in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        i = 0
        while True:
            i = b.find(sig, i)
            if i < 0:
                break
            if b[i + off_name:i + off_name + len(enc)] == enc:
                (f,) = struct.unpack_from("<H", b, i + off_flags)
                struct.pack_into("<H", b, i + off_flags, f | flag)
            i += 4
    return bytes(b)


# ------------------------------------------------------------- builders

def b_zip_bomb(d):
    # 30 MiB of one repeated paragraph deflates over 500 to 1.
    body = (para("x") * (30 * MIB // 60)).encode()
    with zipfile.ZipFile(os.path.join(d, "template.docx"), "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in template_parts():
            if info.filename == "word/document.xml":
                data = document("").encode().replace(b"<w:sectPr/>", body + b"<w:sectPr/>")
            z.writestr(info.filename, data)


def b_part_too_large(d):
    # 40 MiB of text that deflates only ~50:1, so the ratio check passes
    # and the per-part limit (32 MiB) is what refuses it.
    docx(os.path.join(d, "template.docx"), add=[("word/media/big.txt",
                                                 compressible_noise(40 * MIB, 200))])


def b_total_too_large(d):
    # Five parts of 27 MiB each: each under the part limit and the ratio,
    # together over the 128 MiB total.
    blob = compressible_noise(27 * MIB, 200)
    docx(os.path.join(d, "template.docx"),
         add=[("word/media/big%d.txt" % i, blob) for i in range(5)])


def b_many_entries(d):
    docx(os.path.join(d, "template.docx"),
         add=[("word/media/e%04d.txt" % i, b"x") for i in range(2001)])


def b_truncated(d):
    data = read(TEMPLATE)
    write(os.path.join(d, "template.docx"), data[:len(data) // 2])


def b_encrypted(d):
    path = os.path.join(d, "template.docx")
    docx(path)
    write(path, patch_flags(read(path), "word/document.xml", 0x1))


def b_size_mismatch(d):
    # word/document.xml's declared size (central directory and local
    # header) 100 bytes short of what its deflated data inflates to.
    path = os.path.join(d, "template.docx")
    docx(path)
    b = bytearray(read(path))
    pos = 0
    while True:
        pos = b.find(b"PK\x01\x02", pos)
        if pos < 0:
            break
        nlen = struct.unpack_from("<H", b, pos + 28)[0]
        if b[pos + 46:pos + 46 + nlen] == b"word/document.xml":
            size = struct.unpack_from("<I", b, pos + 24)[0]
            struct.pack_into("<I", b, pos + 24, size - 100)
            local = struct.unpack_from("<I", b, pos + 42)[0]
            struct.pack_into("<I", b, local + 22, size - 100)
        pos += 4
    write(path, bytes(b))


def b_deep_xml(d):
    # Stored, not deflated: deflated, the repetitive part trips the
    # compression-ratio limit first and the depth limit is never reached.
    docx(os.path.join(d, "template.docx"), {"word/document.xml": document(
        "<w:customXml>" * 5000 + para("deep") + "</w:customXml>" * 5000)},
        compression=zipfile.ZIP_STORED)


def b_many_nodes(d):
    # About 1.5 million elements (3 million nodes with their attributes) in one 28 MiB part (random attribute values
    # keep the deflate ratio far under 100): the DOM of such a part would
    # need gigabytes.
    rnd = random.Random(7)
    chunks = []
    n = 0
    while n < 28 * MIB:
        s = "<w:r w:rsidR=\"%04x\"/>" % rnd.getrandbits(16)
        chunks.append(s)
        n += len(s)
    body = "<w:p>" + "".join(chunks) + "</w:p>"
    docx(os.path.join(d, "template.docx"), {"word/document.xml": document(body)})


def b_many_comments(d):
    # 3.5 million empty comments (28 MB) in document.xml: no element or
    # attribute, but a DOM node each (about 190 bytes: 800 MB and more). A
    # random white space character after each keeps the deflate ratio near
    # 17:1, so the upload is 1.6 MB and no ratio limit refuses it.
    rnd = random.Random(11)
    body = "".join("<!---->" + rnd.choice(" \n\t\r") for _ in range(3500000))
    docx(os.path.join(d, "template.docx"), {"word/document.xml": document(para("x") + body)})


def b_many_nodes_in_headers(d):
    # Four headers of 600 000 nodes each (300 000 comments and the white
    # space between them): each under the million a part, 2.4 million in
    # all, and assembling holds every header's tree at once.
    parts = dict(template_parts_by_name())
    rels = parts["word/_rels/document.xml.rels"].replace(b"</Relationships>", b"".join(
        b'<Relationship Id="rIdN%d" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/header" Target="hn%d.xml"/>' % (k, k) for k in range(4)) +
        b"</Relationships>")
    add = []
    for k in range(4):
        rnd = random.Random(20 + k)
        body = "".join("<!---->" + rnd.choice(" \n\t\r") for _ in range(300000))
        add.append(("word/hn%d.xml" % k, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                    '\n<w:hdr xmlns:w="%s"><w:p/>%s</w:hdr>' % (W, body)))
    docx(os.path.join(d, "template.docx"), {"word/_rels/document.xml.rels": rels}, add=add)


def b_many_pis(d):
    # The same with processing instructions in a header.
    rnd = random.Random(12)
    body = "".join("<?x?>" + rnd.choice(" \n\t\r") for _ in range(1200000))
    hdr = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr xmlns:w="%s">'
           '<w:p/>%s</w:hdr>' % (W, body))
    docx(os.path.join(d, "template.docx"), {"word/header1.xml": hdr})


def b_many_missing_rels(d):
    # Three .rels parts of 120 000 relationships each whose targets are not
    # in the package, beside 1900 other entries: every target is looked up
    # among the entries (it took 8.6 s when each lookup scanned all of them
    # twice). Random target names keep the deflate ratio under 100.
    rnd = random.Random(3)
    ns = "http://schemas.openxmlformats.org/package/2006/relationships"
    img = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
    add = [("word/media/e%04d.bin" % i, b"x") for i in range(1900)]
    for k in (1, 2, 3):
        rels = "".join('<Relationship Id="r%d" Type="%s" Target="media/missing%08x.png"/>'
                       % (i, img, rnd.getrandbits(32)) for i in range(120000))
        add.append(("word/_rels/x%d.xml.rels" % k, '<?xml version="1.0"?><Relationships '
                    'xmlns="%s">%s</Relationships>' % (ns, rels)))
    docx(os.path.join(d, "template.docx"), add=add)


def b_many_small_entries(d):
    # 1900 entries of 64 KiB of zeros, each just under the size at which the
    # ratio of one entry is checked: 125 MB from a 400 KB upload.
    docx(os.path.join(d, "template.docx"),
         add=[("word/media/z%04d.bin" % i, b"\0" * 65536) for i in range(1900)])


def b_unwritable(d):
    ro = os.path.join(d, "ro")
    os.makedirs(ro)
    os.chmod(ro, stat.S_IRUSR | stat.S_IXUSR)


def unwritable_out():
    # root ignores folder permissions; /proc refuses new files even to root.
    return "/proc/clasm-bad-out.docx" if os.geteuid() == 0 else "ro/out.docx"


def b_big_scalar(d):
    with open(os.path.join(d, "deal.yaml"), "wb") as f:
        f.write(b"id: Q-BIG\nnote: ")
        block = b"a" * MIB
        for _ in range(100):
            f.write(block)
        f.write(b"\n")


def b_long_value(d):
    # A 2 MiB value in a 2 MiB file: under the file limit (4 MiB), over the
    # value limit (1 MiB). Random letters, as a hand-made file would not be.
    rnd = random.Random(5)
    with open(os.path.join(d, "deal.yaml"), "wb") as f:
        f.write(read(DEAL).replace(b"\nproduct:", b"\nnote: ", 1).split(b"\nnote: ")[0])
        f.write(b"\nnote: ")
        f.write(bytes(rnd.choice(b"abcdefghijklmnopqrstuvwxyz ") for _ in range(2 * MIB)))
        f.write(b"\n")


def b_too_many_risks(d):
    library(d)
    path = os.path.join(d, "library", "risks.yaml")
    extra = "".join("  - id: product.bulk-%04d\n    area: product\n    title: Bulk risk %d\n"
                    "    description: A risk made up for the limit test.\n    weight: 1\n"
                    "    guidance: \"test\"\n" % (i, i) for i in range(2001))
    text = read(path).decode().replace("\nrisks:\n", "\nrisks:\n" + extra, 1)
    write(path, text)


def b_alias_bomb(d):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append("a%d: &a%d [%s]" % (i, i, ",".join(["*a%d" % (i - 1)] * 10)))
    write(os.path.join(d, "deal.yaml"), deal_text() + "\n".join(
        "x_" + l for l in lines) + "\n")


def b_alias_bomb_terms(d):
    # The same bomb where free-form values are allowed: under terms.
    t = deal_text()
    lines = ['  a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        lines.append("  a%d: &a%d [%s]" % (i, i, ",".join(["*a%d" % (i - 1)] * 10)))
    write(os.path.join(d, "deal.yaml"), t.rstrip("\n") + "\n" + "\n".join(lines) + "\n")


def b_deep_yaml(d):
    write(os.path.join(d, "deal.yaml"), deal_text().rstrip("\n") + "\n  nested: " +
          "[" * 200 + "]" * 200 + "\n")


def b_many_risks(d, n=100000):
    t = deal_text()
    head = t[:t.index("risks:")]
    tail = t[t.index("terms:"):]
    items = "".join("  - p.r%d\n" % i for i in range(n))
    write(os.path.join(d, "deal.yaml"), head + "risks:\n" + items + tail)


def many_clauses(n):
    """The library plus n generated clause files in one category."""
    def build(d):
        library(d)
        for i in range(n):
            write(os.path.join(d, "library", "definitions", "bulk-%04d.yaml" % i),
                  clause("definitions.bulk-%04d" % i, "definitions"))
    return build


def b_long_placeholder(d):
    # Random letters, so that the part does not trip the ratio check first.
    rnd = random.Random(3)
    path = "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(100000))
    with_doc(para("{{ customer." + path + " }}"))(d)


def b_id_traversal(d):
    deal_replace("id: Q-2026-0117", "id: ../../escaped")(d)


def b_report_missing_dir(d):
    pass


def b_rels_escape(d):
    rels = dict(template_parts_by_name())["word/_rels/document.xml.rels"]
    rels = rels.replace(b'Target="header1.xml"', b'Target="../../../../../../etc/passwd"')
    rels = rels.replace(b'Target="footer1.xml"',
                        b'Target="http://127.0.0.1:9/x.xml" TargetMode="External"')
    docx(os.path.join(d, "template.docx"), {"word/_rels/document.xml.rels": rels})


def b_headers(n):
    """The template with n more headers, each holding a placeholder."""
    def build(d):
        parts = dict(template_parts_by_name())
        rels = parts["word/_rels/document.xml.rels"].replace(b"</Relationships>", b"".join(
            b'<Relationship Id="rIdX%d" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/header" Target="hx%d.xml"/>' % (k, k) for k in range(n)) +
            b"</Relationships>")
        hdr = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr xmlns:w="%s">'
               '<w:p><w:r><w:t>Header %%d of {{ customer.name }}</w:t></w:r></w:p></w:hdr>' % W)
        docx(os.path.join(d, "template.docx"), {"word/_rels/document.xml.rels": rels},
             add=[("word/hx%d.xml" % k, hdr % k) for k in range(n)])
    return build


def b_split_placeholders(d, n=5000):
    """One paragraph of n placeholders, each typed one character per run
    (as Word splits text it autocorrected), with random letters between."""
    rnd = random.Random(1)
    runs = []
    for _ in range(n):
        for ch in "{{ customer.name }}":
            runs.append('<w:r><w:t xml:space="preserve">%s</w:t></w:r>' % ch)
        for _ in range(30):
            runs.append("<w:r><w:t>%s</w:t></w:r>" % rnd.choice("abcdefghijklmnopqrstuvwxyz"))
    with_doc(para("{{ clauses }}") + "<w:p>" + "".join(runs) + "</w:p>")(d)


def b_nested_tables(d, n=80):
    with_doc(para("{{ clauses }}") + "<w:tbl><w:tr><w:tc>" * n + para("{{#if reseller}}") +
             para("Deep {{ customer.name }}") + para("{{/if}}") + para("{{ customer.name }}") +
             "</w:tc></w:tr></w:tbl>" * n)(d)


def template_parts_by_name():
    return [(i.filename, data) for i, data in template_parts()]


def CASE_XXE(d):
    docx(os.path.join(d, "template.docx"), {"word/document.xml":
         '<?xml version="1.0"?>\n<!DOCTYPE w:document [<!ENTITY xxe SYSTEM '
         '"file:///etc/passwd">]>' + document(para("&xxe;")).split("?>\n", 1)[1]})


# ------------------------------------------------------------- the cases

def cases():
    c = []
    add = c.append
    # --- packages: zip structure and limits
    add(Case("zip-bomb", "one part that inflates over 100:1 (limit PKG_MAX_RATIO)", b_zip_bomb,
             expect=["zip-bomb", "word/document.xml", "template.docx"]))
    add(Case("part-too-large", "one part over 32 MiB uncompressed (PKG_MAX_PART_BYTES)",
             b_part_too_large, expect=["package-too-large", "word/media/big.txt"]))
    add(Case("total-too-large", "parts adding up to over 128 MiB (PKG_MAX_TOTAL_BYTES)",
             b_total_too_large, expect=["package-too-large", "134217728"]))
    add(Case("zip-bomb-small-entries", "1900 entries of 64 KiB of zeros, each too small for "
             "the ratio check of one entry: the package as a whole expands over 100:1",
             b_many_small_entries,
             expect=["template.docx: error: the package's entries expand from",
                     "a ratio above 100", "[zip-bomb]"]))
    add(Case("inspect-zip-bomb-small-entries", "inspect on the same", b_many_small_entries,
             args=["inspect", "template.docx"], out="", expect=["[zip-bomb]"]))
    add(Case("many-missing-rels", "360 000 relationships to parts that are not there, beside "
             "1900 entries: each looked up in O(log n), the draft is written (exit 0)",
             b_many_missing_rels, rc=0, out_has=["Directorate", "word/_rels/x3.xml.rels"]))
    add(Case("too-many-entries", "2001 entries (PKG_MAX_ENTRIES is 2000)", b_many_entries,
             expect=["package-too-large", "2000"]))
    add(Case("entry-dotdot", "an entry named ../../x", lambda d: docx(
        os.path.join(d, "template.docx"), add=[("../../x", b"x")]),
        expect=["unsafe-entry-name", "../../x"]))
    add(Case("entry-absolute", "an absolute entry name", lambda d: docx(
        os.path.join(d, "template.docx"), add=[("/etc/clasm-x", b"x")]),
        expect=["unsafe-entry-name", "/etc/clasm-x", "absolute"]))
    add(Case("entry-backslash", "an entry with Windows separators", lambda d: docx(
        os.path.join(d, "template.docx"), add=[("word\\..\\..\\x", b"x")]),
        expect=["unsafe-entry-name", "backslash"]))
    add(Case("entry-drive", "an entry starting with a drive letter", lambda d: docx(
        os.path.join(d, "template.docx"), add=[("C:/x", b"x")]),
        expect=["unsafe-entry-name", "drive"]))
    add(Case("entry-duplicate", "the same entry twice (case-insensitively)", lambda d: docx(
        os.path.join(d, "template.docx"), add=[("WORD/DOCUMENT.XML", b"<x/>")]),
        expect=["unsafe-entry-name", "more than once"]))
    add(Case("entry-encrypted", "an encrypted entry (flag bit 0)", b_encrypted,
             expect=["word/document.xml"]))
    add(Case("truncated-zip", "the first half of a real template", b_truncated,
             expect=["template.docx: error: template.docx is not a DOCX file", "[not-a-zip]"]))
    add(Case("text-as-docx", "a plain text file named .docx", lambda d: write(
        os.path.join(d, "template.docx"), "Dear counsel, please find the contract attached.\n"),
        expect=["not-a-zip", "template.docx"]))
    add(Case("empty-docx", "an empty file named .docx", lambda d: write(
        os.path.join(d, "template.docx"), b""),
        expect=["template.docx is not a DOCX file: it is not a zip archive", "[not-a-zip]"]))
    add(Case("fifo-as-docx", "a named pipe passed as the template: refused at once, never "
             "waited on", lambda d: (os.remove(os.path.join(d, "template.docx")),
                                     os.mkfifo(os.path.join(d, "template.docx"))),
             expect=["not-a-zip", "template.docx", "not a regular file"]))
    add(Case("fifo-as-deal", "a named pipe passed as the deal: refused at once as unreadable "
             "(exit 3, as for a deal that is not there)", lambda d: (
                 os.remove(os.path.join(d, "deal.yaml")), os.mkfifo(os.path.join(d, "deal.yaml"))),
             rc=3, expect=["deal.yaml", "not a regular file"]))
    add(Case("folder-as-docx", "a folder passed as the template", lambda d: (os.remove(
        os.path.join(d, "template.docx")), os.makedirs(os.path.join(d, "template.docx"))), expect=["not-a-zip", "template.docx"]))
    add(Case("no-document-xml", "a package without word/document.xml", lambda d: docx(
        os.path.join(d, "template.docx"), drop=("word/document.xml",)),
        expect=["template.docx: error: the package has no main document part",
                "word/document.xml", "[no-main-part]"]))
    add(Case("no-content-types", "a package without [Content_Types].xml: refused when the "
             "template is opened (exit 1, not an I/O failure later)", lambda d: docx(
        os.path.join(d, "template.docx"), drop=("[Content_Types].xml",)),
        expect=["template.docx: error: the package has no [Content_Types].xml",
                "[no-content-types]", "!io-error"]))
    add(Case("entry-size-mismatch", "an entry whose data inflates past the size its header "
             "declares", b_size_mismatch,
             expect=["the package entry 'word/document.xml' cannot be read: its data does not "
                     "match the size its header declares", "[zip-entry-corrupt]", "!No error"]))
    add(Case("strict-ooxml", "Strict OOXML namespaces", lambda d: docx(
        os.path.join(d, "template.docx"), {"word/document.xml": document(para("x")).replace(
            W, "http://purl.oclc.org/ooxml/wordprocessingml/main")}),
        expect=["strict-ooxml-unsupported"]))
    # --- XML in parts
    add(Case("xxe", "document.xml declares an external entity (XXE)", lambda d: docx(
        os.path.join(d, "template.docx"), {"word/document.xml":
            '<?xml version="1.0"?>\n<!DOCTYPE w:document [<!ENTITY xxe SYSTEM '
            '"file:///etc/passwd">]>' + document(para("&xxe;")).split("?>\n", 1)[1]}),
        expect=["xml-dtd-refused", "word/document.xml"]))
    add(Case("billion-laughs", "nested internal entities (billion laughs)", lambda d: docx(
        os.path.join(d, "template.docx"), {"word/document.xml":
            '<?xml version="1.0"?>\n<!DOCTYPE w:document [<!ENTITY l0 "lol">' +
            "".join('<!ENTITY l%d "%s">' % (i, ("&l%d;" % (i - 1)) * 10) for i in range(1, 10)) +
            "]>" + document(para("&l9;")).split("?>\n", 1)[1]}),
        expect=["xml-dtd-refused", "word/document.xml"]))
    add(Case("deep-xml", "5000 nested elements in document.xml (limit: 256)", b_deep_xml,
             expect=["word/document.xml nests elements more than 256 deep", "[xml-too-deep]",
                     "!XML_PARSE_HUGE"]))
    add(Case("many-xml-nodes", "1.5 million elements in one 28 MiB part (limit: a million XML nodes "
             "of any kind a part)", b_many_nodes,
             expect=["xml-too-large", "word/document.xml"]))
    add(Case("xml-many-comments", "3.5 million empty comments in document.xml, no element "
             "among them (limit: a million XML nodes of any kind a part)", b_many_comments,
             expect=["template.docx: word/document.xml: error: word/document.xml has more than "
                     "1000000 XML nodes", "[xml-too-large]", "!out-of-memory"]))
    add(Case("xml-many-pis", "1.2 million processing instructions in a header",
             b_many_pis, expect=["word/header1.xml has more than 1000000 XML nodes",
                                 "[xml-too-large]"]))
    add(Case("xml-many-nodes-in-parts", "four headers of 600 000 XML nodes each: each under "
             "the million a part, over the 2 million of a package", b_many_nodes_in_headers,
             expect=["template.docx: error: the package's XML parts have more than 2000000 XML "
                     "nodes in all", "[xml-too-large]"]))
    add(Case("inspect-many-comments", "inspect on the same: refused, no report", b_many_comments,
             args=["inspect", "template.docx"], out="",
             expect=["[xml-too-large]", "!removed", "!unchanged"]))
    add(Case("xml-invalid-utf8", "invalid UTF-8 in document.xml", lambda d: docx(
        os.path.join(d, "template.docx"), {"word/document.xml": document(para("caf")).encode()
            .replace(b">caf<", b">caf\xc3\x28<")}),
        expect=["xml-malformed", "word/document.xml"]))
    add(Case("xml-malformed", "an unclosed element in document.xml", lambda d: docx(
        os.path.join(d, "template.docx"), {"word/document.xml": document(
            para("x")).replace("</w:body>", "<w:p></w:body>")}),
        expect=["template.docx: word/document.xml: error: word/document.xml is not "
                "well-formed XML at line 2", "[xml-malformed]"]))
    add(Case("xml-malformed-header", "an unclosed element in a header", lambda d: docx(
        os.path.join(d, "template.docx"), {"word/header1.xml": template_part(
            "word/header1.xml").replace(b"</w:p></w:hdr>", b"</w:hdr>")}),
        expect=["template.docx: word/header1.xml: error: word/header1.xml is not "
                "well-formed XML", "[xml-malformed]", "!word/document.xml"]))
    # --- template markers and placeholders
    add(Case("unclosed-tag", "an unclosed {{ in the body", with_doc(
        para("Dear {{ customer.name")), expect=["unclosed-tag", "word/document.xml",
                                                 "paragraph 1"]))
    add(Case("unknown-value", "a placeholder the deal has no value for: a value still "
             "missing, refused before drafting", with_doc(
        para("Ref {{ terms.no_such_term }}")), expect=["missing-value", "terms.no_such_term",
                                                        "paragraph 1"]))
    add(Case("malformed-tag", "a placeholder with two words", with_doc(
        para("{{ customer name }}")), expect=["malformed-tag", "paragraph 1"]))
    add(Case("unbalanced-if", "{{#if}} without {{/if}}", with_doc(
        para("{{#if reseller}}") + para("Only for channel deals.")),
        expect=["unbalanced-condition", "paragraph 1"]))
    add(Case("stray-endif", "{{/if}} without {{#if}}", with_doc(
        para("Text.") + para("{{/if}}")), expect=["unbalanced-condition", "paragraph 2"]))
    add(Case("marker-holding-markers", "a {{#if}} paragraph holding a text box with a "
             "condition of its own (applying the outer one freed the inner markers' "
             "paragraphs: found by fuzz_placeholder)", with_doc(
        para("a").replace(">a</w:t></w:r>",
                          ">{{#if reseller}}</w:t></w:r><w:r><w:txbxContent><w:sdt>"
                          "<w:sdtContent>" + para("{{#if reseller}}") + para("In the box.")
                          + para("{{/if}}") + "</w:sdtContent></w:sdt></w:txbxContent></w:r>")
        + para("Channel text.") + para("{{/if}}")),
        expect=["marker-holds-content", "paragraph 1", "holds a text box or other nested "
                "paragraphs", "unbalanced-condition"]))
    add(Case("bad-condition", "an expression syntax error in {{#if}}", with_doc(
        para("{{#if reseller and}}") + para("x") + para("{{/if}}")),
        expect=["malformed-condition", "column"]))
    add(Case("unknown-fact", "{{#if}} naming an unknown fact", with_doc(
        para("{{#if customer.kindd == \"private\"}}") + para("x") + para("{{/if}}")),
        expect=["malformed-condition", "customer.kind"]))
    add(Case("long-placeholder", "a 100 000-character placeholder path (limit 256)",
             b_long_placeholder, expect=["placeholder-too-long", "paragraph 1", "256"]))
    add(Case("placeholder-257", "a placeholder path one byte over the limit", with_doc(
        para("{{ terms." + "x" * 251 + " }}")), expect=["placeholder-too-long", "257"]))
    add(Case("placeholder-256", "a placeholder path of exactly 256 bytes: looked up (and has "
             "no value)", with_doc(para("{{ terms." + "x" * 250 + " }}")),
             expect=["missing-value", "!placeholder-too-long"]))
    add(Case("value-injection", "a value holding </w:t> and {{ other }} comes out as text "
             "(exit 0: this input is valid)", deal_replace(
                 "name: Directorate of Internal Security of the Republic of Valmora",
                 "name: 'Evil </w:t></w:r><w:r><w:t>{{ seller.name }} & co'"),
             rc=0, expect=[], out_has=["Evil &lt;/w:t&gt;&lt;/w:r&gt;&lt;w:r&gt;&lt;w:t&gt;"
                                       "{{ seller.name }} &amp; co"]))
    add(Case("rels-escape", "relationships that point outside the package or to the network "
             "are never followed (exit 0: the parts are simply not there)", b_rels_escape,
             rc=0, out_has=["!etc/passwd", "!root:x:", "!127.0.0.1"]))
    add(Case("split-placeholders", "5000 placeholders split one character a run in one "
             "paragraph, 830 000 XML nodes (under the million a part): filled in seconds (the "
             "run lookup was quadratic: 8.5 s for 8000)",
             b_split_placeholders, rc=0, out_has=["!{{ customer", "Directorate"]))
    add(Case("nested-tables", "a placeholder and a conditional 80 tables deep (exit 0)",
             b_nested_tables, rc=0, out_has=["!{{", "Directorate", "!Deep"]))
    add(Case("many-headers", "70 headers, each with a placeholder: every one is filled "
             "(the 65th and later were once left as {{ customer.name }})", b_headers(70),
             rc=0, out_has=["!{{ customer.name }}", "Header 69 of Directorate"]))
    add(Case("too-many-headers", "300 headers (at most 255 header, footer and note parts)",
             b_headers(300), expect=["too-many-parts", "255"]))
    # --- other commands on hostile input
    add(Case("inspect-zip-bomb", "inspect on a zip bomb", b_zip_bomb,
             args=["inspect", "template.docx"], expect=["zip-bomb", "word/document.xml"], out=""))
    add(Case("inspect-xxe", "inspect on a draft with an external entity", CASE_XXE,
             args=["inspect", "template.docx"], expect=["xml-dtd-refused"], out=""))
    add(Case("batch-xxe", "batch with a template holding an external entity: no draft for any "
             "deal", lambda d: (CASE_XXE(d), os.makedirs(os.path.join(d, "drafts"))),
             args=["batch", "deal.yaml", os.path.join(ROOT, "examples", "deals",
                                                      "private-baseline.yaml"),
                   "-t", "template.docx", "-o", "drafts"], expect=["xml-dtd-refused"], out=""))
    add(Case("select-many-risks", "select on a deal of 100 000 risk ids", b_many_risks,
             args=["select", "deal.yaml"], expect=["too-many-items", "deal.yaml:24:"], out=""))
    add(Case("lint-requires-cycle", "lint on a library with a requires cycle", lib_with(
        ("definitions/cycle-a.yaml", clause("definitions.cycle-a", "definitions",
                                            "requires: [definitions.cycle-b]\n")),
        ("definitions/cycle-b.yaml", clause("definitions.cycle-b", "definitions",
                                            "requires: [definitions.cycle-a]\n"))),
        args=["lint", "library"], expect=["requires-cycle"], out=""))
    def b_fifo_lock(d):
        library(d)
        lock = os.path.join(d, "library", "library.lock")
        if os.path.exists(lock):
            os.remove(lock)
        os.mkfifo(lock)
    add(Case("lint-fifo-lock", "lint on a library whose lock file is a named pipe: refused at "
             "once, never waited on (exit 3, an unreadable file)", b_fifo_lock,
             args=["lint", "library"], rc=3, expect=["lock-io", "not a regular file"], out=""))
    add(Case("value-control-chars", "a value holding control characters and U+FFFE (escapes in "
             "a double-quoted value), which XML cannot hold: refused where it is, not dropped "
             "from the draft", deal_replace(
                 "name: Directorate of Internal Security of the Republic of Valmora",
                 'name: "Bell\\a Null-ish\\x01 Not-a-char\\uFFFE End"'),
             expect=["deal.yaml:13:9: error: customer.name holds U+0007 (a control character) "
                     "at character 5 of its value (and 2 more such characters)",
                     "[invalid-value]"]))
    def b_nul_values(d):
        t = deal_text()
        for old, new in (("\nterms:\n",
                          '\nterms:\n  governing_law: "State of New York\\0, subject to the laws of '
                          'Evilland"\n'),
                         ("name: Directorate of Internal Security of the Republic of Valmora",
                          'name: "Directorate\\x1B[8m"')):
            assert old in t, old
            t = t.replace(old, new, 1)
        write(os.path.join(d, "deal.yaml"), t)
    add(Case("value-nul-escape", "\\0 in two values (the governing law once read as \"State "
             "of New York\" with no word): each refused at its line:column", b_nul_values,
             expect=["deal.yaml:33:18: error: terms.governing_law holds U+0000 (NUL, a control "
                     "character) at character 18", "deal.yaml:13:9: error: customer.name holds "
                     "U+001B", "[invalid-value]"]))
    add(Case("value-noncharacters-kept", "U+FDD0 and U+1FFFE: non-characters that YAML and XML "
             "allow, kept exactly in the draft (exit 0)", deal_replace(
                 "name: Directorate of Internal Security of the Republic of Valmora",
                 'name: "Kept \\uFDD0 and \\U0001FFFE end"'),
             rc=0, out_has=["Kept \ufdd0 and \U0001fffe end"]))
    # The BOM right before the first key (a BOM before a comment line was
    # always read, the first key after one was not).
    add(Case("yaml-bom-crlf-tabs", "a deal saved with a BOM, CR LF line ends and a tab in a "
             "value: all legal, the draft has the value as written (exit 0)", lambda d: write(
                 os.path.join(d, "deal.yaml"), b"\xef\xbb\xbf" + "".join(
                     l for l in deal_text().splitlines(True) if not l.startswith("#")).replace(
                     "name: Directorate of Internal Security of the Republic of Valmora",
                     'name: "Directorate\tof Valmora"').replace("\n", "\r\n").encode()),
             rc=0, out_has=["Directorate</w:t><w:tab/><w:t>of Valmora"]))
    # --- deals (YAML)
    add(Case("yaml-alias-bomb", "a billion-laughs alias bomb in the deal", b_alias_bomb_terms,
             expect=["alias-bomb", "deal.yaml:"]))
    add(Case("yaml-deep", "200 nested flow sequences", b_deep_yaml,
             expect=["too-deep", "deal.yaml:"]))
    add(Case("yaml-long-value", "a 2 MiB value in a deal (limit YT_MAX_SCALAR_BYTES, 1 MiB)",
             b_long_value, expect=["deal.yaml:", "note: a value of 2097152 bytes; the limit is "
                                   "1048576", "[value-too-long]"]))
    add(Case("yaml-100mb-scalar", "a 100 MB scalar (the file limit is 4 MiB)", b_big_scalar,
             expect=["file-too-large", "deal.yaml"]))
    add(Case("yaml-invalid-utf8", "invalid UTF-8 in the deal, on line 13: reported there, not "
             "at 1:1", lambda d: write(
        os.path.join(d, "deal.yaml"), read(DEAL).replace(b"Valmora", b"Valm\xffora")),
        expect=["deal.yaml:13:65: error: YAML syntax: invalid leading UTF-8 octet (byte 0xFF)",
                "[yaml-syntax]"]))
    add(Case("yaml-tab-indent", "a tab-indented deal", lambda d: write(
        os.path.join(d, "deal.yaml"), deal_text().replace("\n  name: Dir", "\n\tname: Dir")),
        expect=["yaml-syntax", "deal.yaml:"]))
    add(Case("yaml-duplicate-key", "the key id twice", deal_replace(
        "id: Q-2026-0117", "id: Q-2026-0117\nid: Q-2026-0118"),
        expect=["duplicate-key", "deal.yaml:6:"]))
    add(Case("yaml-merge-key", "a << merge key", deal_replace(
        "customer:\n", "customer:\n  <<: {name: X}\n"), expect=["merge-key-unsupported",
                                                             "deal.yaml:"]))
    add(Case("yaml-two-documents", "two YAML documents in one deal", with_deal(
        deal_text() + "---\nid: second\n"), expect=["multiple-documents", "deal.yaml:"]))
    add(Case("yaml-nul", "a NUL byte in the deal, on line 13: reported there", lambda d: write(
        os.path.join(d, "deal.yaml"), read(DEAL).replace(b"Valmora", b"Val\x00mora")),
        expect=["deal.yaml:13:64: error: YAML syntax: control characters are not allowed "
                "(U+0000)", "[yaml-syntax]"]))
    add(Case("yaml-empty", "an empty deal file", with_deal(""),
             expect=["deal.yaml:1:1: error: the deal file is empty", "[empty-file]"]))
    add(Case("yaml-not-mapping", "a deal that is a list", with_deal("- id: x\n"),
             expect=["wrong-type", "deal.yaml:1:"]))
    # --- values (issue 13): each wrong value refused at its place, with what was meant
    add(Case("unknown-country", "UK, which ISO 3166-1 does not assign (the United Kingdom is "
             "GB): found by the initials of the country's name", deal_replace(
                 "country: XA", "country: UK"),
             expect=["deal.yaml:15:12: error: customer.country: 'UK' is not an ISO 3166-1 alpha-2 "
                     "country code; did you mean GB (United Kingdom)?", "[unknown-country]"]))
    add(Case("unknown-term", "a misspelt key under terms: (governing_lw), once silently "
             "ignored", deal_replace("\nterms:\n", "\nterms:\n  governing_lw: State of Delaware\n"),
             expect=["deal.yaml:33:3: error: terms.governing_lw: neither the library (",
                     "nor the template template.docx uses this key",
                     "did you mean 'governing_law'?", "[unknown-term]"]))
    add(Case("unknown-capability", "a capability the library has no words for",
             deal_replace("[biometric-identification, face-recognition,",
                          "[biometric-identification, face-recogniton,"),
             expect=["deal.yaml:19:44: error: product.capabilities[1]: 'face-recogniton' is not a "
                     "capability the library knows", "did you mean 'face-recognition'?",
                     "[unknown-capability]"]))
    add(Case("term-days-in-words", "a period written in words (the draft writes the words)",
             deal_replace("\nterms:\n", "\nterms:\n  cure_period_days: thirty\n"),
             expect=["deal.yaml:33:21: error: terms.cure_period_days (kind days in library.yaml): "
                     "'thirty' is not a number of days", "[invalid-term]"]))
    add(Case("term-currency-lowercase", "a currency that is not an ISO 4217 code",
             deal_replace("\nterms:\n", "\nterms:\n  currency: usd\n"),
             expect=["deal.yaml:33:13: error: terms.currency (kind currency in library.yaml): "
                     "'usd' is not an ISO 4217 currency code; did you mean 'USD'?",
                     "[invalid-term]"]))
    add(Case("term-amount-with-currency", "fees written with their currency (the draft adds it)",
             deal_replace('fees: "1,250,000"', 'fees: "USD 1,250,000"'),
             expect=["deal.yaml:35:9: error: terms.fees (kind amount in library.yaml): "
                     "'USD 1,250,000' is not an amount", "[invalid-term]"]))
    def b_no_words(d):
        library(d)
        p = os.path.join(d, "library", "library.yaml")
        t = read(p).decode()
        old = "      security-service: a security service\n"
        assert old in t
        write(p, t.replace(old, ""))
    def b_no_currency(d):
        library(d)
        p = os.path.join(d, "library", "library.yaml")
        t = read(p).decode()
        old = "    kind: currency\n    default: USD\n"
        assert old in t
        write(p, t.replace(old, "    kind: currency\n"))
    add(Case("amount-without-currency", "fees with no currency: the deal gives none and the "
             "library has no default, so the amount could not be written", b_no_currency,
             args=LIB_ARGS,
             expect=["deal.yaml:35:3: error: terms.fees is an amount in the currency of "
                     "terms.currency, which the deal does not give and the library has no "
                     "default for", "[missing-value]"]))
    add(Case("value-without-words", "a customer kind the library gives no words for: the draft "
             "is refused rather than print security-service", b_no_words, args=LIB_ARGS,
             expect=["library/library.yaml:", "error: library.yaml gives no words for "
                     "customer.kind 'security-service'", "[no-words]", "!security-service}"]))
    add(Case("unknown-risk", "a risk id the catalogue lacks", deal_replace(
        "  - end-user.poor-record", "  - end-user.poor-recrod"),
        expect=["unknown-risk", "deal.yaml:29:", "end-user.poor-record"]))
    add(Case("many-risks", "100 000 risk ids (a deal lists at most 1000)", b_many_risks,
             expect=["too-many-items", "deal.yaml:24:", "1000"]))
    add(Case("risks-at-limit", "exactly 1000 risk ids: under the limit, each unknown id "
             "reported", lambda d: b_many_risks(d, 1000),
             expect=["unknown-risk", "p.r999", "!too-many-items"]))
    add(Case("terms-at-limit", "exactly 10 000 keys under terms: under the limit, each key "
             "checked (neither the library nor the template knows k0...: unknown-term, exit 1)",
             lambda d: write(os.path.join(d, "deal.yaml"), deal_text().rstrip("\n") + "\n" +
                             "".join("  k%d: v\n" % i for i in range(10000 - deal_term_count()))),
             expect=["!too-many-keys", "unknown-term", "terms.k9995"]))
    add(Case("many-capabilities", "5000 capabilities (at most 1000)", deal_replace(
        "capabilities: [biometric-identification, face-recognition, watchlist-matching]",
        "capabilities: [%s]" % ", ".join("c%d" % i for i in range(5000))),
        expect=["too-many-items", "product.capabilities", "deal.yaml:19:"]))
    add(Case("many-terms", "100 000 keys under terms (a mapping holds at most 10 000)",
             lambda d: write(os.path.join(d, "deal.yaml"), deal_text().rstrip("\n") + "\n" +
                             "".join("  k%d: v\n" % i for i in range(100000))),
             expect=["too-many-keys", "deal.yaml:10033:", "10000"]))
    add(Case("yaml-many-anchors", "60 000 anchors and as many aliases (at most 1000 anchors)",
             lambda d: write(os.path.join(d, "deal.yaml"), deal_text().rstrip("\n") + "\n" +
                             "  anchors: [%s]\n  aliases: [%s]\n" % (
                                 ", ".join("&a%d v" % i for i in range(60000)),
                                 ", ".join("*a%d" % i for i in range(60000)))),
             expect=["too-many-anchors", "deal.yaml:", "1000"]))
    add(Case("yaml-too-many-nodes", "250 000 list items (YT_MAX_NODES is 200 000)",
             lambda d: b_many_risks(d, 250000), expect=["deal.yaml", "200000"]))
    add(Case("deal-id-traversal", "a deal id that would put the draft outside the folder",
             b_id_traversal, args=["assemble", "deal.yaml", "-t", "template.docx"],
             expect=["deal.yaml:5:"], out="../../escaped-contract.docx"))
    # --- libraries
    add(Case("requires-cycle", "two clauses that require each other", lib_with(
        ("definitions/cycle-a.yaml", clause("definitions.cycle-a", "definitions",
                                            "requires: [definitions.cycle-b]\n")),
        ("definitions/cycle-b.yaml", clause("definitions.cycle-b", "definitions",
                                            "requires: [definitions.cycle-a]\n"))),
        args=LIB_ARGS, expect=["requires-cycle", "definitions.cycle-a -> definitions.cycle-b"]))
    add(Case("excludes-conflict", "a selected clause excludes another selected one", lib_with(
        ("definitions/exclusive.yaml", clause("definitions.exclusive", "definitions",
                                              "excludes: [definitions.core-terms]\n"))),
        args=LIB_ARGS, expect=["clause-conflict", "exclusive.yaml:"]))
    add(Case("clause-bad-when", "a clause `when` with a syntax error", lib_with(
        ("definitions/bad-when.yaml", clause("definitions.bad-when", "definitions",
                                             "when: reseller and (\n"))),
        args=LIB_ARGS, expect=["bad-expression", "bad-when.yaml:"]))
    add(Case("clause-unclosed-tag", "clause text with an unclosed {{", lib_with(
        ("definitions/bad-text.yaml", clause("definitions.bad-text", "definitions", "",
                                             "The {{ customer.name shall comply.\n"))),
        args=LIB_ARGS, expect=["bad-text.yaml:", "error: the clause definitions.bad-text: '{{' "
                               "is never closed", "[unclosed-tag]"]))
    # References and defined terms (issue 13): what a draft cannot print is
    # refused at its line:column, no draft written.
    add(Case("clause-reference-unresolved", "a clause refers to a clause this draft does not "
             "have and gives no words for that case", lib_with(
        ("definitions/refers.yaml", clause("definitions.refers", "definitions", "",
                                           "See {{ clause reseller-diligence.flow-down }}.\n"))),
        args=LIB_ARGS, expect=["refers.yaml:10:7: error: the clause definitions.refers refers "
                               "to {{ clause reseller-diligence.flow-down }}, which this draft "
                               "does not have", "[unresolved-reference]"]))
    add(Case("clause-reference-malformed", "a reference that is not {{ clause ID }}", lib_with(
        ("definitions/refers.yaml", clause("definitions.refers", "definitions", "",
                                           "See {{ clause a.b then }}.\n"))),
        args=LIB_ARGS, expect=["refers.yaml:10:7: error: the clause definitions.refers: "
                               "{{ clause a.b then }} is not a reference", "[malformed-reference]"]))
    add(Case("clause-term-undefined", "a clause uses a defined term nothing defines", lib_with(
        ("definitions/undefined.yaml", clause("definitions.undefined", "definitions", "",
                                              "The **Widget Stock** stays.\n"))),
        args=LIB_ARGS, expect=["undefined.yaml:10:7: error: the clause definitions.undefined "
                               "uses the defined term **Widget Stock**, which nothing in this "
                               "draft defines", "[undefined-term]"]))
    add(Case("reference-in-template", "a template that uses a clause reference, which only "
             "clause text can",
             with_doc(para("See {{ clause audit.on-site-audit }}.") + para("{{ clauses }}")),
             expect=["word/document.xml, paragraph 1: error: the tag {{ clause "
                     "audit.on-site-audit }} refers to a clause by number", "[misplaced-reference]"]))
    def b_clause_bad_characters(d):
        library(d)
        lib = os.path.join(d, "library", "definitions")
        write(os.path.join(lib, "nul-title.yaml"),
              clause("definitions.nul-title", "definitions").replace(
                  "title: Fuzz definitions.nul-title", 'title: "Fuzz\\0 hidden"').replace(
                  "addresses: [product.*]", 'addresses: [product.*, "product.x\\uFFFF"]'))
        write(os.path.join(lib, "latin1.yaml"),
              clause("definitions.latin1", "definitions", "", "Caf\xe9 au lait.\n").encode(
                  "latin-1"))
    clause_chars_expect = [
        "nul-title.yaml:3:8: error: title holds U+0000 (NUL, a control character) at "
        "character 5", "nul-title.yaml:6:24: error: addresses[1] holds U+FFFF",
        "latin1.yaml:10:6: error: YAML syntax: invalid trailing UTF-8 octet (bytes 0xE9 0x20)",
        "[invalid-value]"]
    add(Case("clause-bad-characters", "clause files with \\0 and \\uFFFF escapes and a "
             "Latin-1 byte: every one reported at its line:column", b_clause_bad_characters,
             args=LIB_ARGS, expect=clause_chars_expect))
    add(Case("lint-clause-bad-characters", "lint on the same library", b_clause_bad_characters,
             args=["lint", "library"], expect=clause_chars_expect, out=""))
    add(Case("many-clauses", "3000 clause files in one category", many_clauses(3000),
             args=LIB_ARGS, rc=0, expect=[]))
    add(Case("too-many-clauses", "5001 clause files (limit LIB_MAX_CLAUSES, 5000)",
             many_clauses(5001), args=LIB_ARGS,
             expect=["the library holds more than 5000 clauses", "[too-many-clauses]"]))
    add(Case("too-many-risks", "2001 extra risks in the catalogue (limit LIB_MAX_RISKS, 2000)",
             b_too_many_risks, args=LIB_ARGS,
             expect=["library/risks.yaml", "the library holds more than 2000 risks",
                     "[too-many-risks]"]))
    # --- output paths
    add(Case("output-missing-folder", "-o into a folder that does not exist: a wrong output "
             "path (exit 1)", lambda d: None, rc=1,
             args=["assemble", "deal.yaml", "-t", "template.docx", "-o", "nowhere/out.docx"],
             expect=["nowhere"], out="nowhere/out.docx"))
    add(Case("output-is-template", "-o naming the template: refused before anything is "
             "written (exit 1)", lambda d: None, rc=1,
             args=["assemble", "deal.yaml", "-t", "template.docx", "-o", "template.docx"],
             expect=["template itself"], out=""))
    add(Case("output-unwritable", "-o into a folder nobody may write: a wrong output path "
             "(exit 1)", b_unwritable, rc=1,
             args=["assemble", "deal.yaml", "-t", "template.docx", "-o", unwritable_out()],
             expect=[os.path.dirname(unwritable_out())], out=unwritable_out()))
    add(Case("output-symlink-to-template", "-o naming a symbolic link to the template (exit 1)",
             lambda d: os.symlink("template.docx", os.path.join(d, "link.docx")), rc=1,
             args=["assemble", "deal.yaml", "-t", "template.docx", "-o", "link.docx"],
             expect=["template itself"], out=""))
    add(Case("output-hardlink-to-template", "-o naming a hard link to the template (exit 1)",
             lambda d: os.link(os.path.join(d, "template.docx"), os.path.join(d, "hard.docx")),
             rc=1, args=["assemble", "deal.yaml", "-t", "template.docx", "-o", "hard.docx"],
             expect=["template itself"], out=""))
    add(Case("output-is-folder", "-o naming an existing folder: a wrong output path (exit 1)",
             lambda d: os.makedirs(os.path.join(d, "adir")), rc=1,
             args=["assemble", "deal.yaml", "-t", "template.docx", "-o", "adir"],
             expect=["adir"], out=""))
    add(Case("report-missing-folder", "--report into a missing folder: exit 1 and no draft "
             "either (no partial output)", b_report_missing_dir, rc=1,
             args=["assemble", "deal.yaml", "-t", "template.docx", "-o", "out.docx",
                   "--report", "nowhere/report.json"], expect=["nowhere/report.json"]))
    add(Case("report-is-template", "--report naming the template: refused before anything "
             "is written; the template keeps its bytes (exit 1)", lambda d: None, rc=1,
             args=["assemble", "deal.yaml", "-t", "template.docx", "-o", "out.docx",
                   "--report", "template.docx"],
             expect=["the report template.docx is the template itself", "[output-is-template]"]))
    add(Case("report-is-output", "--report naming the draft's own file (exit 1, neither "
             "written)", lambda d: None, rc=1,
             args=["assemble", "deal.yaml", "-t", "template.docx", "-o", "out.docx",
                   "--report", "out.docx"],
             expect=["the report out.docx is also the draft out.docx", "[output-clash]"]))
    add(Case("report-is-deal", "--report naming the deal file (exit 1; the deal is only "
             "read)", lambda d: None, rc=1,
             args=["assemble", "deal.yaml", "-t", "template.docx", "-o", "out.docx",
                   "--report", "deal.yaml"],
             expect=["the report deal.yaml is the deal file itself", "[output-is-input]"]))
    add(Case("output-is-fifo", "-o naming a named pipe: writing would replace it (as root, "
             "-o /dev/null would replace the device) (exit 1)",
             lambda d: os.mkfifo(os.path.join(d, "pipe.docx")), rc=1,
             args=["assemble", "deal.yaml", "-t", "template.docx", "-o", "pipe.docx"],
             expect=["cannot write pipe.docx: it is a device, pipe or socket",
                     "[output-not-a-file]"], out=""))
    # One rule for every destination (issue 12): a symbolic link is refused,
    # never replaced (as root, --report /dev/stdout replaced /dev/stdout for
    # the whole machine) nor written through.
    def b_link_to_file(d):
        write(os.path.join(d, "target.txt"), "keep me\n")
        os.symlink("target.txt", os.path.join(d, "link.docx"))
    add(Case("output-is-symlink", "-o naming a symbolic link to another file: refused, the "
             "link and its target keep their bytes (exit 1)", b_link_to_file, rc=1,
             args=["assemble", "deal.yaml", "-t", "template.docx", "-o", "link.docx"],
             expect=["cannot write link.docx: it is a symbolic link to target.txt",
                     "[output-is-symlink]"], out=""))
    add(Case("report-is-symlink", "--report naming a symbolic link: refused, and no draft "
             "either (exit 1)", b_link_to_file, rc=1,
             args=["assemble", "deal.yaml", "-t", "template.docx", "-o", "out.docx",
                   "--report", "link.docx"],
             expect=["cannot write link.docx: it is a symbolic link", "[output-is-symlink]"]))
    add(Case("report-dev-stdout", "--report /dev/stdout, a link: refused, /dev/stdout "
             "untouched (exit 1)", lambda d: None, rc=1,
             args=["assemble", "deal.yaml", "-t", "template.docx", "-o", "out.docx",
                   "--report", "/dev/stdout"],
             expect=["cannot write /dev/stdout: it is a symbolic link", "[output-is-symlink]"]))
    add(Case("report-dev-null", "--report /dev/null, a device: refused, never replaced "
             "(exit 1)", lambda d: None, rc=1,
             args=["assemble", "deal.yaml", "-t", "template.docx", "-o", "out.docx",
                   "--report", "/dev/null"],
             expect=["cannot write /dev/null: it is a device", "[output-not-a-file]"]))
    add(Case("output-in-proc", "-o into /proc, a kernel file system: refused (exit 1)",
             lambda d: None, rc=1,
             args=["assemble", "deal.yaml", "-t", "template.docx", "-o", "/proc/clasm.docx"],
             expect=["the folder /proc is the kernel's proc file system", "[output-not-a-file]"],
             out=""))
    long_out = "a" * 252 + ".docx"
    add(Case("output-name-too-long", "-o with a 257-byte file name: the user's path is wrong "
             "(exit 1, not an I/O failure)", lambda d: None, rc=1,
             args=["assemble", "deal.yaml", "-t", "template.docx", "-o", long_out],
             expect=["the name has 257 bytes, more than the 255", "[output-name-too-long]"],
             out=""))
    add(Case("template-missing", "a template that does not exist: I/O failure (exit 3)",
             lambda d: os.remove(os.path.join(d, "template.docx")), rc=3,
             expect=["cannot open template.docx: No such file or directory", "[io-error]"]))
    return c


def main():
    if sys.argv[1:] == ["--readme"]:
        for k in cases():
            print("| `%s` | %d | %s |" % (k.name, k.rc, k.why.replace("|", "\\|")))
        return 0
    out = sys.argv[1]
    only = set(sys.argv[2:])
    os.makedirs(out, exist_ok=True)
    rows = []
    for k in cases():
        if only and k.name not in only:
            continue
        d = os.path.join(out, k.name)
        if os.path.isdir(d):
            for root, dirs, _ in os.walk(d):
                for x in dirs:
                    os.chmod(os.path.join(root, x), 0o755)
            shutil.rmtree(d)
        os.makedirs(d)
        shutil.copy(DEAL, os.path.join(d, "deal.yaml"))
        shutil.copy(TEMPLATE, os.path.join(d, "template.docx"))
        k.build(d)
        # "-" stands for an empty field (read(1) merges runs of tabs).
        fields = [k.name, str(k.rc), "|".join(k.expect), k.out, "|".join(k.out_has)]
        rows.append("\t".join([f or "-" for f in fields] + k.args))
    write(os.path.join(out, "cases.tsv"), "\n".join(rows) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
