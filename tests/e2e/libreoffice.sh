#!/bin/sh
# The real-client test: LibreOffice opens every example output; the filled
# values and clause titles are there, lettered items restart at (a) in every
# clause, and no {{ is left. A PDF and a PNG of the first pages are kept in
# $E2E_OUT/libreoffice/render for review.
. "$(dirname "$0")/lib.sh"
W=$(workdir libreoffice)
cd "$W" || exit 1
if ! have_soffice; then
    skip "libreoffice" "soffice is not installed (make deps installs it)"
    exit 0
fi
for d in "$ROOT"/examples/deals/*.yaml; do
    "$CLASM" assemble "$d" >/dev/null 2>&1 || fail "libreoffice: assemble $(basename "$d")" "exit $?"
done
mkdir -p txt render
HOME="$W/home" soffice --headless --norestore --convert-to "txt:Text (encoded):UTF8" --outdir txt ./*.docx >/dev/null 2>&1
for f in ./*.docx; do
    n=$(basename "$f" .docx)
    t="txt/$n.txt"
    if [ ! -s "$t" ]; then
        fail "libreoffice opens $n" "no text came out"
        continue
    fi
    pass "libreoffice opens $n"
    check "$n: no {{ in LibreOffice's text" sh -c "! grep -q '{{' '$t'"
    # every clause title of the manifest appears in the text
    # (the clauses' own content controls: alias then a clasm: tag)
    titles=$(unzip -p "$f" word/document.xml | grep -o 'w:alias w:val="[^"]*"/><w:tag w:val="clasm:' | sed 's/^w:alias w:val="//; s/"\/><w:tag.*$//' | sed 's/&amp;/\&/g')
    check "$n: has clause content controls" [ -n "$titles" ]
    missing=""
    IFS='
'
    for ti in $titles; do grep -qF "$ti" "$t" || missing="$missing [$ti]"; done
    unset IFS
    check "$n: every clause title is in LibreOffice's text" [ -z "$missing" ]
    check "$n: values filled (deal id in text)" grep -q "$(echo "$n" | sed 's/-\(contract\|eula\|reseller-agreement\|addendum\)$//')" "$t"
    # The deal's own values, as LibreOffice shows them: the parties' and the
    # product's names (and the reseller's, when the deal has one).
    check "$n: the parties' and product's names are in LibreOffice's text" /usr/bin/python3 -c '
import glob, sys, yaml
out, text = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
for path in glob.glob(sys.argv[3] + "/*.yaml"):
    d = yaml.safe_load(open(path))
    if out.startswith(d["id"] + "-"):
        break
else:
    sys.exit("no deal for " + out)
want = [d["seller"]["name"], d["customer"]["name"], d["product"]["name"]]
if d.get("reseller"):
    want.append(d["reseller"]["name"])
missing = [w for w in want if " ".join(w.split()) not in " ".join(text.split())]
assert not missing, missing' "$n" "$t" "$ROOT/examples/deals"
done
# Lettered items restart: in every output, LibreOffice's text has an "(a)"
# for each clause with a list, and no list runs on into (k) and beyond.
for f in ./*.docx; do
    n=$(basename "$f" .docx)
    lists=$(unzip -p "$f" word/document.xml | sed 's#</w:sdt>#\n#g' | grep -c 'w:numId')
    as=$(grep -c '^[[:space:]]*(a)' "txt/$n.txt")
    check "$n: (a) starts each of the $lists clauses with a list (found $as)" \
        sh -c '[ "$1" -gt 0 ] && [ "$2" -ge "$1" ]' _ "$lists" "$as"
    check "$n: no (a) continues as (k) or later" sh -c "! grep -qE '^[[:space:]]*\((k|l|m|n|o|p)\)' 'txt/$n.txt'"
done
# Cross-references (issue 13): every reference is a REF field to a bookmark
# that exists, on the heading of a clause of this draft, and LibreOffice
# prints the number that heading has in LibreOffice's own text.
refs_total=0
for f in ./*.docx; do
    n=$(basename "$f" .docx)
    out=$(/usr/bin/python3 - "$f" "txt/$n.txt" <<'PY'
import re, sys, zipfile
doc = zipfile.ZipFile(sys.argv[1]).read("word/document.xml").decode()
text = open(sys.argv[2], encoding="utf-8").read()
paras = re.findall(r"<w:p[ >].*?</w:p>", doc, re.S)
def plain(p):
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)).replace("&amp;", "&")
heading = {}   # bookmark -> the heading's text
for p in paras:
    for name in re.findall(r'<w:bookmarkStart [^>]*w:name="([^"]+)"', p):
        heading[name] = plain(p)
fields = re.findall(r"<w:instrText[^>]*>\s*REF (\S+) \\w \\h\s*</w:instrText>", doc)
bad = [b for b in fields if b not in heading]
if bad:
    sys.exit("REF fields to missing bookmarks: %s" % bad)
# LibreOffice's numbers of the headings: "7.2 Title" lines.
number = {}
for line in text.splitlines():
    m = re.match(r"\s*(\d+(?:\.\d+)+)\s+(.+?)\s*$", line)
    if m:
        number.setdefault(m.group(2), m.group(1))
want = [number.get(heading[b]) for b in fields]
if None in want:
    sys.exit("a referenced heading has no number in LibreOffice's text: %s"
             % [heading[b] for b, w in zip(fields, want) if w is None])
got = re.findall(r"[Cc]lause (\d+(?:\.\d+)*)", text)
if got != want:
    sys.exit("LibreOffice prints %s, the headings are numbered %s" % (got, want))
if re.search(r"clause headed|the clause titled", text):
    sys.exit("a reference names a heading instead of a number")
print(len(fields))
PY
)
    rc=$?
    check "$n: each reference is a REF field to a heading of this draft, printed with that heading's number ($out)" [ "$rc" -eq 0 ]
    [ "$rc" -eq 0 ] && refs_total=$((refs_total + out))
done
check "the example drafts hold numbered references ($refs_total)" [ "$refs_total" -gt 0 ]
f=$(ls ./*-contract.docx | head -n 1)
n=$(basename "$f" .docx)
HOME="$W/home" soffice --headless --norestore --convert-to pdf --outdir render "$f" >/dev/null 2>&1
if [ -s "render/$n.pdf" ]; then
    pass "libreoffice renders $n to PDF"
    if command -v pdftoppm >/dev/null 2>&1; then
        pdftoppm -png -r 70 -f 1 -l 3 "render/$n.pdf" "render/$n"
        check "the first pages of $n are rendered to PNG for review" sh -c 'ls "$1"-*1.png >/dev/null 2>&1' _ "render/$n"
    else
        skip "PNG pages of $n for review" "pdftoppm is not installed (make deps installs poppler-utils)"
    fi
    # Two-digit clause numbers (N.10 and up) fit the hanging indent of the
    # heading numbering: "14.10 Notices", never "14.10Notices" (issue 14 round 2).
    if command -v pdftotext >/dev/null 2>&1; then
        pdftotext -layout "render/$n.pdf" "render/$n.pdf.txt"
        check "$n has two-digit clause numbers in its PDF" grep -Eq '^ *[0-9]+\.[0-9]{2}[[:space:]]+[A-Z]' "render/$n.pdf.txt"
        check "$n: no clause number runs into its heading in the PDF" sh -c '! grep -Eq "^ *[0-9]+\.[0-9]{2}[A-Z]" "$1"' _ "render/$n.pdf.txt"
        # the same draft with the old, narrower indent shows the fault, so the check can fail
        mkdir -p narrow
        /usr/bin/python3 - "$f" "narrow/$n.docx" <<'PY'
import sys, zipfile
src, dst = sys.argv[1:3]
zi, zo = zipfile.ZipFile(src), zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED)
for i in zi.infolist():
    d = zi.read(i.filename)
    if i.filename == "word/numbering.xml":
        d = d.replace(b'w:left="851" w:hanging="851"', b'w:left="709" w:hanging="709"')
    zo.writestr(i, d)
zo.close()
PY
        HOME="$W/home" soffice --headless --norestore --convert-to pdf --outdir narrow "narrow/$n.docx" >/dev/null 2>&1
        pdftotext -layout "narrow/$n.pdf" "narrow/$n.pdf.txt" 2>/dev/null
        check "the check catches a number run into its heading (709-twip indent)" grep -Eq '^ *[0-9]+\.[0-9]{2}[A-Z]' "narrow/$n.pdf.txt"
    else
        skip "clause numbers fit their headings in the PDF" "pdftotext is not installed (make deps installs poppler-utils)"
    fi
else
    fail "libreoffice renders $n to PDF" "no PDF"
fi
