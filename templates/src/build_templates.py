#!/usr/bin/python3
"""Build templates/contract.docx, eula.docx and reseller-agreement.docx.

Python 3 standard library only; WordprocessingML is written by hand so that every
byte of the output is under our control. Rebuilding gives identical files: zip
entries are written in a fixed order with a fixed timestamp and fixed attributes.

Usage: /usr/bin/python3 templates/src/build_templates.py [OUTDIR]
(OUTDIR defaults to the templates/ folder that holds this script's folder.)

Conventions the assembler relies on (see templates/README.md):
- value placeholders {{ path }} as plain runs, a few deliberately split over runs
  (a proofErr or an rsid change inside) the way Word saves them;
- insertion points: a paragraph whose only text is {{ clauses: cat, ... }} or
  {{ clauses }}, or (reseller agreement) a block content control tagged
  clauses:grievance;
- conditional paragraphs {{#if EXPR}} ... {{/if}}, each marker alone in its paragraph;
- styles Title, Heading1 (numbered 1., 2.), ClauseHeading (1.1, 1.2), ClauseBody,
  ClauseList ((a), (i)), Normal, Header, Footer, TableGrid.
"""
import os
import sys
import zipfile
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
ZIP_TIME = (2026, 1, 1, 0, 0, 0)
CREATED = "2026-01-01T00:00:00Z"

# rsid values used in runs; declared in settings.xml like Word does.
RSID_A = "00A1B2C3"
RSID_B = "00D4E5F6"

# Numbering ids (numbering.xml): 1 = article/clause headings, 2 = lettered lists.
NUM_HEADINGS = 1
NUM_LETTERED = 2

# A4 portrait, 2.54 cm margins.
PAGE_W, PAGE_H, MARGIN = 11906, 16838, 1440
TEXT_W = PAGE_W - 2 * MARGIN

CATEGORIES = [
    "definitions", "end-use", "export-control", "use-restrictions", "data-handling",
    "termination", "update-denial", "access-control", "reseller-diligence", "grievance",
    "reassessment", "audit",
]


# ---------------------------------------------------------------- runs and paragraphs

def t(text):
    """A w:t element, preserving spaces."""
    sp = ' xml:space="preserve"' if text != text.strip() or "  " in text else ""
    return "<w:t%s>%s</w:t>" % (sp, escape(text))


def run(text, bold=False, italic=False, rsid=None):
    rpr = ""
    if bold or italic:
        rpr = "<w:rPr>%s%s</w:rPr>" % ("<w:b/>" if bold else "", "<w:i/>" if italic else "")
    attr = ' w:rsidR="%s"' % rsid if rsid else ""
    return "<w:r%s>%s%s</w:r>" % (attr, rpr, t(text))


# Defined terms (clauses/README.md): a term is plain where it is used and bold
# and quoted where it is defined ("(the “Effective Date”)"). The Product is
# defined by the library's list of definitions, so a template does not define
# it again: its "(the Product)" is left out.
TERMS = {"Supplier", "Product", "Customer", "Reseller", "End User", "End Users", "Effective Date",
         "Authorized Purpose", "Services", "End User License", "Order", "Orders", "Documentation",
         "Confidential Information", "Territory", "Agreement", "Addendum"}


def defined_terms(spec):
    out, drop_paren = [], False
    for i, item in enumerate(spec):
        if drop_paren and isinstance(item, str):
            item, drop_paren = item[1:], False  # the ")" of a "(the Product)" left out
        if isinstance(item, tuple) and item[0] == "b" and item[1] in TERMS:
            prev = out[-1] if out and isinstance(out[-1], str) else None
            nxt = spec[i + 1] if i + 1 < len(spec) and isinstance(spec[i + 1], str) else None
            opens = prev is not None and prev.endswith(("(the ", "(each an ", "(each a ", "(this ", "("))
            if opens and nxt is not None and nxt.startswith(")"):
                if item[1] == "Product":
                    out[-1] = prev[:-len(" (the ")] if prev.endswith(" (the ") else prev[:-len("(the ")]
                    drop_paren = True
                else:
                    out[-1] = prev
                    out.append(("b", "\u201c%s\u201d" % item[1]))
                continue
            out.append(item[1])
            continue
        out.append(item)
    return out


def runs(spec):
    """spec: a string, or a list of strings / ('b', text) / ('i', text) /
    ('split', first, second) / ('rsid', first, second) / raw XML ('xml', s)."""
    if isinstance(spec, str):
        return run(spec) if spec else ""
    spec = defined_terms(spec)
    out = []
    for item in spec:
        if isinstance(item, str):
            out.append(run(item))
        elif item[0] == "b":
            out.append(run(item[1], bold=True))
        elif item[0] == "i":
            out.append(run(item[1], italic=True))
        elif item[0] == "split":
            # Word's spelling checker wraps an unknown word in proofErr marks and
            # splits the text into separate runs around them.
            out.append(run(item[1]))
            out.append('<w:proofErr w:type="spellStart"/>')
            out.append(run(item[2]))
            out.append('<w:proofErr w:type="spellEnd"/>')
            out.append(run(item[3]))
        elif item[0] == "rsid":
            # Text typed in two editing sessions: same formatting, two rsids.
            out.append(run(item[1], rsid=RSID_A))
            out.append(run(item[2], rsid=RSID_B))
        elif item[0] == "xml":
            out.append(item[1])
        else:
            raise ValueError(item)
    return "".join(out)


def p(spec="", style=None, jc=None, keep_next=False):
    ppr = ""
    if style or jc or keep_next:
        ppr = "<w:pPr>%s%s%s</w:pPr>" % (
            '<w:pStyle w:val="%s"/>' % style if style else "",
            "<w:keepNext/>" if keep_next else "",
            '<w:jc w:val="%s"/>' % jc if jc else "",
        )
    return "<w:p>%s%s</w:p>" % (ppr, runs(spec))


def title(text):
    return p(text, "Title")


def h1(text):
    return p(text, "Heading1")


def body(spec):
    return p(spec, "ClauseBody")


def clauses(*cats):
    for c in cats:
        assert c in CATEGORIES, c
    if not cats:
        return p("{{ clauses }}")
    return p("{{ clauses: %s }}" % ", ".join(cats))


def article(title, *cats):
    """An article that holds only clauses of cats: dropped when the plan has none."""
    return [if_(" or ".join("clauses." + c for c in cats)), h1(title), clauses(*cats), endif()]


def if_(expr):
    return p("{{#if %s}}" % expr)


def endif():
    return p("{{/if}}")


def clause_heading(text):
    return p(text, "ClauseHeading", keep_next=True)


def cl(heading, *paras):
    """A numbered clause of the template: its heading and body paragraphs (a
    paragraph given as a list of ('item', spec) tuples becomes a lettered list)."""
    out = [clause_heading(heading)]
    for para in paras:
        if isinstance(para, tuple) and para[0] == "items":
            out.extend(items(*para[1:]))
        elif isinstance(para, str) and para.startswith("<w:"):
            out.append(para)  # a ready paragraph (a conditional marker) or table
        else:
            out.append(body(para))
    return out


# Lettered lists written by the template itself: each list is its own w:num
# over the lettered abstractNum, starting again at (a). Counted per document.
LISTS = {"next": 3}
MAX_LISTS = 60


def items(*specs):
    num = LISTS["next"]
    LISTS["next"] += 1
    assert num < 3 + MAX_LISTS, "too many template lists"
    out = []
    for spec in specs:
        out.append("<w:p><w:pPr><w:pStyle w:val=\"ClauseList\"/><w:numPr><w:ilvl w:val=\"0\"/>"
                   "<w:numId w:val=\"%d\"/></w:numPr></w:pPr>%s</w:p>" % (num, runs(spec)))
    return out


def sdt_block(alias, tag, sdt_id, placeholder):
    return (
        "<w:sdt><w:sdtPr>"
        '<w:alias w:val="%s"/><w:tag w:val="%s"/><w:id w:val="%d"/>'
        "<w:showingPlcHdr/>"
        "</w:sdtPr><w:sdtContent>%s</w:sdtContent></w:sdt>"
        % (escape(alias), escape(tag), sdt_id, p([("i", placeholder)], "ClauseBody"))
    )


# ---------------------------------------------------------------- tables

def cell(paragraphs, width, shade=None, span=1, line=False, bottom=False):
    """A table cell; line: a bottom border, the line a signature goes on."""
    shd = '<w:shd w:val="clear" w:color="auto" w:fill="%s"/>' % shade if shade else ""
    if isinstance(paragraphs, str):
        paragraphs = [paragraphs]
    return '<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>%s%s%s%s</w:tcPr>%s</w:tc>' % (
        width, '<w:gridSpan w:val="%d"/>' % span if span > 1 else "",
        '<w:tcBorders><w:bottom w:val="single" w:sz="6" w:space="0" w:color="auto"/></w:tcBorders>'
        if line else "", shd, '<w:vAlign w:val="bottom"/>' if bottom else "", "".join(paragraphs))


def table(rows, widths, header_row=True, borders=True, indent=0):
    grid = "".join('<w:gridCol w:w="%d"/>' % w for w in widths)
    out = []
    for i, row in enumerate(rows):
        trpr = "<w:trPr><w:tblHeader/></w:trPr>" if header_row and i == 0 else "<w:trPr><w:cantSplit/></w:trPr>"
        cells = "".join(
            cell(c, widths[j], "D9E2F3" if header_row and i == 0 else None) for j, c in enumerate(row))
        out.append("<w:tr>%s%s</w:tr>" % (trpr, cells))
    tblborders = "" if borders else (
        "<w:tblBorders>" + "".join('<w:%s w:val="nil"/>' % s for s in
                                   ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders>")
    tblpr = ('<w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="%d" w:type="dxa"/>%s%s'
             '<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
             'w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
             % (sum(widths), '<w:tblInd w:w="%d" w:type="dxa"/>' % indent if indent else "", tblborders))
    return "<w:tbl>%s<w:tblGrid>%s</w:tblGrid>%s</w:tbl>" % (tblpr, grid, "".join(out))


def cp(spec, bold=False):
    """A paragraph inside a table cell."""
    if bold and isinstance(spec, str):
        spec = [("b", spec)]
    return p(spec, "TableText")


def signature_table(*parties):
    """One column pair per party, side by side: a label and a cell whose bottom
    border is the line to sign or write on (underscores would wrap)."""
    assert len(parties) == 2
    label, gap = 1500, 426
    line = (TEXT_W - gap - 2 * label) // 2
    widths = [label, line, gap, label, TEXT_W - gap - 2 * label - line]

    def keep(spec, bold=False):
        if bold and isinstance(spec, str):
            spec = [("b", spec)]
        return p(spec, "TableText", keep_next=True)

    rows = []
    # who signs, then the party's name: each spans its column pair
    head = []
    for i, (role, name) in enumerate(parties):
        if i:
            head.append(cell(keep(""), gap))
        head.append(cell([keep([("b", "Signed for and on behalf of %s" % role)]), keep(name)],
                         label + line, span=2))
    rows.append(head)
    for what in ("Signature", "Name", "Title", "Date"):
        r = []
        for i in range(2):
            if i:
                r.append(cell(keep(""), gap))
            # the signature line gets room above it for the signature itself
            r.append(cell(p(what, "TableText", keep_next=True), label, bottom=True))
            r.append(cell(p("", "SignatureLine", keep_next=True) if what == "Signature"
                          else keep(""), widths[1 + 3 * i], line=True))
        rows.append(r)
    out = []
    for r in rows:
        out.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>%s</w:tr>" % "".join(r))
    nil = "".join('<w:%s w:val="nil"/>' % b for b in ("top", "left", "bottom", "right", "insideH", "insideV"))
    return ('<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="%d" w:type="dxa"/>'
            '<w:tblBorders>%s</w:tblBorders><w:tblLayout w:type="fixed"/>'
            '<w:tblLook w:val="04A0" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
            'w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>%s</w:tblGrid>%s</w:tbl>'
            % (TEXT_W, nil, "".join('<w:gridCol w:w="%d"/>' % w for w in widths), "".join(out)))


# ---------------------------------------------------------------- parts

def document_xml(content):
    sect = (
        '<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader1"/>'
        '<w:footerReference w:type="default" r:id="rIdFooter1"/>'
        '<w:pgSz w:w="%d" w:h="%d"/>'
        '<w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="708" '
        'w:footer="708" w:gutter="0"/><w:cols w:space="708"/><w:docGrid w:linePitch="360"/>'
        "</w:sectPr>" % (PAGE_W, PAGE_H, MARGIN, MARGIN, MARGIN, MARGIN)
    )
    return (DECL + '<w:document xmlns:w="%s" xmlns:r="%s"><w:body>%s%s</w:body></w:document>'
            % (W_NS, R_NS, "".join(content), sect))


def header_xml(doc_name):
    tabs = ('<w:pPr><w:pStyle w:val="Header"/></w:pPr>')
    return (DECL + '<w:hdr xmlns:w="%s" xmlns:r="%s"><w:p>%s%s%s%s</w:p></w:hdr>' % (
        W_NS, R_NS, tabs,
        runs([("rsid", "{{ i", "d }}")]),
        "<w:r><w:tab/></w:r>",
        run(doc_name + " \u2014 draft for review", italic=True)))


def footer_xml():
    def fld(instr):
        return ('<w:fldSimple w:instr=" %s \\* MERGEFORMAT "><w:r><w:rPr><w:noProof/></w:rPr>'
                "<w:t>1</w:t></w:r></w:fldSimple>" % instr)
    return (DECL + '<w:ftr xmlns:w="%s" xmlns:r="%s"><w:p><w:pPr><w:pStyle w:val="Footer"/>'
            '<w:jc w:val="center"/></w:pPr>%s%s%s%s</w:p></w:ftr>' % (
                W_NS, R_NS, run("Page "), fld("PAGE"), run(" of "), fld("NUMPAGES")))


def styles_xml():
    def style(kind, sid, name, inner, based=None, nxt=None, default=False, extra=""):
        return ('<w:style w:type="%s"%s w:styleId="%s"><w:name w:val="%s"/>%s%s%s<w:qFormat/>%s</w:style>'
                % (kind, ' w:default="1"' if default else "", sid, name,
                   '<w:basedOn w:val="%s"/>' % based if based else "",
                   '<w:next w:val="%s"/>' % nxt if nxt else "", extra, inner))

    font = '<w:rFonts w:ascii="Liberation Serif" w:hAnsi="Liberation Serif" w:cs="Liberation Serif" w:eastAsia="Liberation Serif"/>'
    sans = '<w:rFonts w:ascii="Liberation Sans" w:hAnsi="Liberation Sans" w:cs="Liberation Sans"/>'
    s = [
        '<w:docDefaults><w:rPrDefault><w:rPr>%s<w:sz w:val="22"/><w:szCs w:val="22"/>'
        '<w:lang w:val="en-US" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/></w:pPr>'
        "</w:pPrDefault></w:docDefaults>" % font,
        style("paragraph", "Normal", "Normal", "", default=True),
        style("paragraph", "Title", "Title",
              '<w:pPr><w:spacing w:before="240" w:after="360"/><w:jc w:val="center"/></w:pPr>'
              '<w:rPr>%s<w:b/><w:caps/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr>' % sans,
              based="Normal", nxt="Normal"),
        style("paragraph", "Heading1", "heading 1",
              '<w:pPr><w:keepNext/><w:keepLines/><w:numPr><w:numId w:val="%d"/></w:numPr>'
              '<w:spacing w:before="360" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr>'
              '<w:rPr>%s<w:b/><w:caps/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr>' % (NUM_HEADINGS, sans),
              based="Normal", nxt="ClauseBody"),
        style("paragraph", "ClauseHeading", "Clause Heading",
              '<w:pPr><w:keepNext/><w:keepLines/><w:numPr><w:ilvl w:val="1"/><w:numId w:val="%d"/></w:numPr>'
              '<w:spacing w:before="240" w:after="80"/><w:outlineLvl w:val="1"/></w:pPr>'
              '<w:rPr><w:b/></w:rPr>' % NUM_HEADINGS,
              based="Normal", nxt="ClauseBody"),
        style("paragraph", "ClauseBody", "Clause Body",
              '<w:pPr><w:spacing w:after="160"/><w:ind w:left="709"/><w:jc w:val="both"/></w:pPr>',
              based="Normal", nxt="ClauseBody"),
        style("paragraph", "ClauseList", "Clause List",
              '<w:pPr><w:numPr><w:numId w:val="%d"/></w:numPr><w:spacing w:after="80"/>'
              '<w:ind w:left="1276" w:hanging="567"/><w:jc w:val="both"/></w:pPr>' % NUM_LETTERED,
              based="ClauseBody", nxt="ClauseList"),
        style("paragraph", "TableText", "Table Text",
              '<w:pPr><w:spacing w:before="40" w:after="40"/></w:pPr>', based="Normal", nxt="TableText"),
        style("paragraph", "SignatureLine", "Signature Line",
              '<w:pPr><w:spacing w:before="480" w:after="40"/></w:pPr>', based="TableText"),
        style("paragraph", "Header", "header",
              '<w:pPr><w:tabs><w:tab w:val="right" w:pos="%d"/></w:tabs><w:spacing w:after="0"/></w:pPr>'
              '<w:rPr>%s<w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>' % (TEXT_W, sans),
              based="Normal"),
        style("paragraph", "Footer", "footer",
              '<w:pPr><w:spacing w:after="0"/></w:pPr><w:rPr>%s<w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>' % sans,
              based="Normal"),
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
        "<w:unhideWhenUsed/></w:style>",
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
        '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/>'
        '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="39"/><w:pPr><w:spacing w:after="0" w:line="240" '
        'w:lineRule="auto"/></w:pPr><w:tblPr><w:tblBorders>'
        + "".join('<w:%s w:val="single" w:sz="4" w:space="0" w:color="auto"/>' % b
                  for b in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders></w:tblPr></w:style>",
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
    ]
    return DECL + '<w:styles xmlns:w="%s" xmlns:r="%s">%s</w:styles>' % (W_NS, R_NS, "".join(s))


def numbering_xml():
    def lvl(i, fmt, text, left, hanging, pstyle=None, bold=False):
        return ('<w:lvl w:ilvl="%d"><w:start w:val="1"/><w:numFmt w:val="%s"/>%s'
                '<w:lvlText w:val="%s"/><w:lvlJc w:val="left"/>'
                '<w:pPr><w:ind w:left="%d" w:hanging="%d"/></w:pPr>%s</w:lvl>'
                % (i, fmt, '<w:pStyle w:val="%s"/>' % pstyle if pstyle else "", text, left, hanging,
                   "<w:rPr><w:b/></w:rPr>" if bold else ""))

    headings = ['<w:abstractNum w:abstractNumId="0"><w:nsid w:val="1A2B3C4D"/>'
                '<w:multiLevelType w:val="multilevel"/><w:tmpl w:val="0409001D"/>'
                '<w:name w:val="Article and Clause Headings"/>',
                lvl(0, "decimal", "%1.", 709, 709, "Heading1", True),
                lvl(1, "decimal", "%1.%2", 709, 709, "ClauseHeading", True),
                lvl(2, "lowerLetter", "(%3)", 1276, 567)]
    for i in range(3, 9):
        headings.append(lvl(i, "lowerRoman", "(%%%d)" % (i + 1), 1276 + 567 * (i - 2), 567))
    headings.append("</w:abstractNum>")
    lettered = ['<w:abstractNum w:abstractNumId="1"><w:nsid w:val="5E6F7A8B"/>'
                '<w:multiLevelType w:val="multilevel"/><w:tmpl w:val="0409001F"/>'
                '<w:name w:val="Lettered Clause List"/>',
                lvl(0, "lowerLetter", "(%1)", 1276, 567, "ClauseList"),
                lvl(1, "lowerRoman", "(%2)", 1843, 567),
                lvl(2, "upperLetter", "(%3)", 2410, 567)]
    for i in range(3, 9):
        lettered.append(lvl(i, "decimal", "(%%%d)" % (i + 1), 2410 + 567 * (i - 2), 567))
    lettered.append("</w:abstractNum>")
    nums = ('<w:num w:numId="%d"><w:abstractNumId w:val="0"/></w:num>'
            '<w:num w:numId="%d"><w:abstractNumId w:val="1"/></w:num>' % (NUM_HEADINGS, NUM_LETTERED))
    # the template's own lettered lists (items()): each restarts at (a)
    for num in range(3, LISTS["next"]):
        nums += ('<w:num w:numId="%d"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0">'
                 '<w:startOverride w:val="1"/></w:lvlOverride></w:num>' % num)
    return DECL + '<w:numbering xmlns:w="%s" xmlns:r="%s">%s%s%s</w:numbering>' % (
        W_NS, R_NS, "".join(headings), "".join(lettered), nums)


def settings_xml():
    return (DECL + '<w:settings xmlns:w="%s" xmlns:r="%s"><w:zoom w:percent="100"/>'
            '<w:defaultTabStop w:val="709"/><w:characterSpacingControl w:val="doNotCompress"/>'
            '<w:compat/><w:rsids><w:rsidRoot w:val="%s"/><w:rsid w:val="%s"/><w:rsid w:val="%s"/></w:rsids>'
            '<w:themeFontLang w:val="en-US"/><w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>'
            "</w:settings>" % (W_NS, R_NS, RSID_A, RSID_A, RSID_B))


def font_table_xml():
    def font(name, family, pitch):
        return ('<w:font w:name="%s"><w:charset w:val="00"/><w:family w:val="%s"/>'
                '<w:pitch w:val="%s"/></w:font>' % (name, family, pitch))
    return (DECL + '<w:fonts xmlns:w="%s" xmlns:r="%s">%s%s</w:fonts>'
            % (W_NS, R_NS, font("Liberation Serif", "roman", "variable"),
               font("Liberation Sans", "swiss", "variable")))


CONTENT_TYPES = (
    DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
    '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    '<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>'
    '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
    '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)

PKG_RELS = (
    DECL + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)

DOC_RELS = (
    DECL + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    '<Relationship Id="rIdNumbering" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>'
    '<Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>'
    '<Relationship Id="rIdFontTable" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>'
    '<Relationship Id="rIdHeader1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>'
    '<Relationship Id="rIdFooter1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>'
    "</Relationships>"
)


def core_xml(doc_title):
    return (DECL + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            "<dc:title>%s template</dc:title><dc:creator>clasm templates</dc:creator>"
            "<cp:lastModifiedBy>clasm templates</cp:lastModifiedBy><cp:revision>1</cp:revision>"
            '<dcterms:created xsi:type="dcterms:W3CDTF">%s</dcterms:created>'
            '<dcterms:modified xsi:type="dcterms:W3CDTF">%s</dcterms:modified>'
            "</cp:coreProperties>" % (escape(doc_title), CREATED, CREATED))


def app_xml():
    return (DECL + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            "<Template>Normal.dotm</Template><Application>clasm build_templates.py</Application>"
            "<DocSecurity>0</DocSecurity><Company>clasm</Company></Properties>")


def write_docx(path, doc_title, header_name, content):
    parts = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", PKG_RELS),
        ("word/document.xml", document_xml(content)),
        ("word/_rels/document.xml.rels", DOC_RELS),
        ("word/styles.xml", styles_xml()),
        ("word/numbering.xml", numbering_xml()),
        ("word/settings.xml", settings_xml()),
        ("word/fontTable.xml", font_table_xml()),
        ("word/header1.xml", header_xml(header_name)),
        ("word/footer1.xml", footer_xml()),
        ("docProps/core.xml", core_xml(doc_title)),
        ("docProps/app.xml", app_xml()),
    ]
    tmp = path + ".tmp"
    with zipfile.ZipFile(tmp, "w") as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            z.writestr(info, data.encode("utf-8"), compresslevel=9)
    os.replace(tmp, path)


# ---------------------------------------------------------------- shared blocks
#
# The commercial frame of every template is written here once and shared, with
# the differences as parameters: who pays (a direct deal, a channel deal, the
# reseller), whether there is an Order, and so on. Everything under an article
# heading is in a numbered clause (Heading1 + ClauseHeading), never loose text.
# The frame never writes a library defined term the draft might not define:
# only the Product and the Authorized Purpose (every draft's list has them),
# the template's own parties and the terms it defines itself, inline
# ("(the “Order”)"). It refers to the safeguards by subject, in words, since
# numbers depend on the plan (clauses/README.md, misplaced-reference).


def drafting_note(doc_name):
    return p([("i", "Drafting note (delete before sending): %s for deal " % doc_name), ("i", "{{ id }}"),
              ("i", ", risk tier "), ("i", "{{ tier }}"),
              ("i", ". Safeguard clauses are drawn from the clause library for this deal; do not edit "
                    "them here without the compliance office. Complete every bracketed item.")])


def escalation_note():
    # The top tier of the risk catalogue (severe) is the one that escalates.
    return [
        if_("tier >= severe"),
        p([("b", "ESCALATION REQUIRED \u2014 COUNSEL MUST REVIEW BEFORE SIGNING (delete only once counsel "
                 "has approved): this deal is in the severe risk tier. Do not send this draft to the other "
                 "party, and do not sign it, until counsel has reviewed the deal and decided whether it may "
                 "proceed at all and on what further conditions.")]),
        endif(),
    ]


def party_cells(who):
    """Name-and-address and jurisdiction cells of a party (seller, customer,
    reseller). An address or jurisdiction the deal leaves out is a bracketed
    blank for counsel, not a failed draft."""
    name = "{{ seller.name }}" if who == "seller" else (
        ["{{ customer.", ("xml", '<w:proofErr w:type="spellStart"/>'), "name }}"] if who == "customer" else
        ["{{ reseller.", ("xml", '<w:proofErr w:type="gramStart"/>'), "name }}",
         ("xml", '<w:proofErr w:type="gramEnd"/>')])
    addr = [cp(name),
            if_("%s.address" % who), cp("{{ %s.address }}" % who), endif(),
            if_("not %s.address" % who), cp([("i", "[registered address]")]), endif()]
    juris = [if_("%s.jurisdiction" % who), cp("{{ %s.jurisdiction }}" % who), endif()]
    if who == "seller":
        juris += [if_("not seller.jurisdiction"), cp([("i", "[jurisdiction]")]), endif()]
    else:
        # the country where the party is, when the deal gives no jurisdiction
        juris += [if_("not %s.jurisdiction and %s.country" % (who, who)), cp("{{ %s.country }}" % who), endif(),
                  if_("not %s.jurisdiction and not %s.country" % (who, who)), cp([("i", "[jurisdiction]")]),
                  endif()]
    return addr, juris


def parties_table(*rows):
    """rows: (defined term, who). The Party column defines each party."""
    w1, w3 = 1700, 2500
    w2 = TEXT_W - w1 - w3
    out = [[cp("Party", True), cp("Name and address", True), cp("Jurisdiction", True)]]
    for term, who in rows:
        addr, juris = party_cells(who)
        out.append([cp(["The ", ("b", "\u201c%s\u201d" % term)]), addr, juris])
    return table(out, [w1, w2, w3])


def preamble(kind_of_agreement, made="made"):
    return p(["This %s is %s on " % (kind_of_agreement, made), "{{ date }}", " (the ", ("b", "Effective Date"),
              ") between the parties named in the table below."])


def recital_product(letter):
    # A product without listed capabilities (the ordinary low-risk sale) gets
    # the recital without the list.
    return [
        if_("product.capabilities"),
        body(["(%s) The " % letter, ("b", "Supplier"), " develops and supplies ", "{{ product.name }}",
              " (the ", ("b", "Product"), "), which has the following capabilities: ",
              "{{ product.capabilities }}", "."]),
        endif(),
        if_("not product.capabilities"),
        body(["(%s) The " % letter, ("b", "Supplier"), " develops and supplies ", "{{ product.name }}",
              " (the ", ("b", "Product"), ")."]),
        endif(),
    ]


def recital_safeguards(letter, party="this agreement"):
    # Proportionality: the warning about misuse is for the elevated tiers; a
    # baseline deal only says that the Supplier's standard safeguards apply.
    return [
        if_("tier >= elevated"),
        body(["(%s) Products of this kind can be misused to violate human rights. The parties therefore "
              "agree the safeguards set out in %s, and the " % (letter, party), ("b", "Supplier"),
              " enters into it in reliance on them."]),
        endif(),
        if_("not tier >= elevated"),
        body(["(%s) The " % letter, ("b", "Supplier"), " supplies the ", ("b", "Product"),
              " to every customer on the standard export and human-rights safeguards set out in %s." % party]),
        endif(),
    ]


def agree():
    return p("The parties agree as follows:", keep_next=True)


def signing(*parties):
    return [
        p(""),
        p("Signed by the authorized representatives of the parties on the dates below.", keep_next=True),
        signature_table(*parties),
    ]


# --- the licence, supply and fees (contract, EULA)

def license_grant(doc):
    """The grant fits the Authorized Purpose: a customer whose purpose is a
    service to its own clients may use the Product to provide it."""
    return cl("License Grant",
              ["Subject to this agreement, the ", ("b", "Supplier"), " grants the ", ("b", "Customer"),
               " a non-exclusive, non-transferable license, for the license term set out below, to use the ",
               ("b", "Product"), " ", "{{ deployment }}", ", in accordance with ",
               *(["the user and technical documentation that the ", ("b", "Supplier"), " provides for it (the ",
                  ("b", "Documentation"), ")"] if doc == "eula" else ["the ", ("b", "Documentation")]),
               ", for the ", ("b", "Authorized Purpose"), " and for no other purpose."],
              ["The ", ("b", "Customer"), "'s employees and contractors may use the ", ("b", "Product"),
               " on the ", ("b", "Customer"), "'s behalf within this license, and the ", ("b", "Customer"),
               " is responsible for their use as for its own. Where the ", ("b", "Authorized Purpose"),
               " includes a service that the ", ("b", "Customer"), " provides to its own clients, the ",
               ("b", "Customer"), " may use the ", ("b", "Product"), " to provide that service; those clients "
               "receive no license and no access to the ", ("b", "Product"), " from this agreement."],
              ["The ", ("b", "Supplier"), " and its licensors keep every right in the ", ("b", "Product"),
               " that this agreement does not expressly grant."])


def license_term():
    return [
        clause_heading("License Term"),
        if_("license == perpetual"),
        body(["The license is perpetual, subject to the rights of suspension and termination in this "
              "agreement. Updates, technical support and maintenance are provided for an initial term of ",
              "{{ terms.initial_term_months }}", " from the ", ("b", "Effective Date"),
              " and then for any renewal term the parties agree in writing."]),
        endif(),
        if_("license == subscription"),
        body(["The license is a subscription for an initial term of ",
              "{{ terms.initial_term_months }}", " from the ", ("b", "Effective Date"),
              ", including updates, technical support and maintenance for that term. It renews only by "
              "written agreement of the parties, and ends when the subscription ends."]),
        endif(),
    ]


def license_keys():
    # Issue 14, point 4: renewing keys belongs to the license, not to the
    # withdrawable services, and is done in the ordinary course.
    return [
        if_("deployment in [on-premises, hybrid]"),
        *cl("License Keys",
            ["Where the ", ("b", "Product"), " needs a license key to operate, the ", ("b", "Supplier"),
             " shall issue the keys on delivery and renew them in the ordinary course, without further "
             "charge, for as long as the license continues. Issuing and renewing keys is part of the "
             "license. The ", ("b", "Supplier"), " may withhold or disable a key only where, and for as "
             "long as, this agreement expressly permits it to suspend the ", ("b", "Product"), "."]),
        endif(),
    ]


def license_restrictions():
    return cl("Restrictions",
              ["The ", ("b", "Customer"), " shall not, and shall not allow anyone else to:"],
              ("items",
               "copy the software in the Product except as needed for the licensed use and for backup;",
               "modify, decompile, disassemble or reverse engineer it, except to the extent that the law "
               "allows this despite this restriction;",
               ["sell, rent, lend, sublicense or otherwise make the ", ("b", "Product"),
                " available to any other person, except as this agreement permits; or"],
               "remove or obscure any proprietary notice on it."))


def hosted_service():
    # Issue 14, point 7: a suspension this agreement permits is not downtime.
    return [
        if_("deployment in [cloud, hybrid]"),
        *cl("Hosted Service and Service Level",
            ["The ", ("b", "Supplier"), " shall host the parts of the ", ("b", "Product"),
             " that it provides as a service, give access to them only through accounts that it issues to the ",
             ("b", "Customer"), "'s users, and make them available with a monthly availability of at least "
             "99.5 per cent. The following do not count as unavailability:"],
            ("items",
             ["scheduled maintenance that the ", ("b", "Supplier"), " has notified at least ",
              "{{ terms.maintenance_notice_days }}", " in advance;"],
             ["a suspension of the ", ("b", "Product"), ", of any function or of any account that this "
              "agreement permits, including a suspension under its safeguards;"],
             "an event of force majeure; and",
             ["a failure caused by equipment, software or networks that the ", ("b", "Supplier"),
              " does not provide."]),
            ["If availability falls below that level in any month, the ", ("b", "Supplier"),
             " shall on request give the ", ("b", "Customer"), " a written account of the cause and of the steps "
             "it is taking to prevent it happening again. If it falls below that level in three consecutive "
             "months, the ", ("b", "Customer"), " may end the hosted service by written notice."]),
        endif(),
    ]


def supply_article():
    """Contract only: supply, delivery, title and risk, acceptance."""
    return [
        h1("Supply and Delivery"),
        *cl("Orders",
            ["The ", ("b", "Supplier"), " shall supply the ", ("b", "Product"), " and provide the installation, "
             "training, technical support, maintenance and other services described in each order form or "
             "statement of work that the parties sign under this agreement (each an ", ("b", "Order"),
             "), together with the user and technical documentation for the ", ("b", "Product"),
             " (the ", ("b", "Documentation"), "). Each ", ("b", "Order"), " forms part of this agreement. "
             "If an ", ("b", "Order"), " conflicts with these terms, these terms prevail unless the ",
             ("b", "Order"), " names the clause it changes; no ", ("b", "Order"), " changes the safeguards of "
             "this agreement on end use, export controls, data or human rights."]),
        if_("deployment in [on-premises, hybrid]"),
        *cl("Delivery",
            ["The ", ("b", "Supplier"), " shall deliver any hardware included in the ", ("b", "Product"),
             " to the delivery address stated in the ", ("b", "Order"), ", and make the software available "
             "for installation, by the date stated in the ", ("b", "Order"), " or, where none is stated, within "
             "a reasonable time. Delivery dates are estimates, and every delivery is subject to the export "
             "authorizations that this agreement refers to. Where the ", ("b", "Order"), " includes "
             "installation, the ", ("b", "Supplier"), " shall install and configure the ", ("b", "Product"),
             " at the sites the ", ("b", "Order"), " names."]),
        *cl("Title and Risk",
            ["Risk of loss of or damage to hardware passes to the ", ("b", "Customer"), " on delivery. Title to "
             "hardware passes to the ", ("b", "Customer"), " when the price of that hardware has been paid in "
             "full. Software and ", ("b", "Documentation"), " are licensed, not sold, and title to them stays "
             "with the ", ("b", "Supplier"), " and its licensors. Hardware remains subject to the provisions "
             "of this agreement on end use and export controls after title passes."]),
        endif(),
        *cl("Acceptance",
            ["The ", ("b", "Customer"), " may test the ", ("b", "Product"), " against the ",
             ("b", "Documentation"), " for ", "{{ terms.acceptance_days }}", " after delivery or, where the ",
             ("b", "Order"), " includes installation or the ", ("b", "Product"), " is hosted, after the ",
             ("b", "Supplier"), " notifies the ", ("b", "Customer"), " that it is ready for use. If the ",
             ("b", "Customer"), " notifies a material non-conformity within that period, describing it in "
             "reasonable detail, the ", ("b", "Supplier"), " shall correct it and the ", ("b", "Customer"),
             " may test again for the same period."],
            ["The ", ("b", "Product"), " is accepted when the ", ("b", "Customer"), " confirms acceptance in "
             "writing, when the test period ends without a notice of material non-conformity, or when the ",
             ("b", "Customer"), " first uses the ", ("b", "Product"), " in live operation, whichever happens "
             "first. Acceptance does not limit the warranties in this agreement."]),
        *hosted_service(),
    ]


def license_article(doc):
    return ([h1("License")] + license_grant(doc) + license_term() + license_keys() +
            (hosted_service() if doc == "eula" else []) + license_restrictions())


def fees_article(doc):
    """Fees only between the parties who pay each other (issue 14, point 5):
    in a channel deal the Customer pays the Reseller, and no amount is shown."""
    direct_what = {
        "contract": ("for the perpetual license, any hardware included in the ", " and the updates, support "
                     "and maintenance for their initial term", "for the subscription for its initial term, "
                     "including any hardware, installation, training and support that it includes"),
        "eula": ("for the perpetual license and the updates, support and maintenance for their initial term",
                 None, "for the subscription for its initial term"),
    }[doc]
    if doc == "contract":
        perpetual = ["The ", ("b", "Customer"), " shall pay the ", ("b", "Supplier"), " ", "{{ terms.fees }}",
                     " " + direct_what[0], ("b", "Product"), direct_what[1], "."]
    else:
        perpetual = ["The ", ("b", "Customer"), " shall pay the ", ("b", "Supplier"), " ", "{{ terms.fees }}",
                     " " + direct_what[0] + "."]
    subscription = ["The ", ("b", "Customer"), " shall pay the ", ("b", "Supplier"), " ", "{{ terms.fees }}",
                    " " + direct_what[2] + "."]
    return [
        h1("Fees and Payment"),
        if_("not reseller"),
        clause_heading("Fees"),
        if_("license == perpetual"), body(perpetual), endif(),
        if_("license == subscription"), body(subscription), endif(),
        body(["The ", ("b", "Supplier"), " shall invoice the fees when it first delivers the ", ("b", "Product"),
              " or makes it available, and the ", ("b", "Customer"), " shall pay each invoice within ",
              "{{ terms.payment_days }}", " of its date. Fees for any renewal are as the parties agree in "
              "writing."]),
        *cl("Taxes",
            ["The fees are exclusive of value added tax, sales tax and similar taxes, which the ",
             ("b", "Customer"), " shall pay in addition where they apply. If the law requires the ",
             ("b", "Customer"), " to withhold tax from a payment, it shall pay the additional amount needed for "
             "the ", ("b", "Supplier"), " to receive the full amount invoiced, and give the ", ("b", "Supplier"),
             " the receipts it needs to claim any credit."]),
        *cl("Disputed and Late Payments",
            ["The ", ("b", "Customer"), " shall notify the ", ("b", "Supplier"), " in writing of any good-faith "
             "dispute about an invoice before the invoice is due, and pay the undisputed part when due. Any "
             "amount not paid when due bears interest at one per cent a month, or the highest rate the law "
             "permits if lower, from the due date until it is paid."]),
        endif(),
        if_("reseller"),
        *cl("Price Agreed with the Reseller",
            ["The ", ("b", "Customer"), " pays for the ", ("b", "Product"), " and its support the price "
             "agreed between the ", ("b", "Customer"), " and the ", ("b", "Reseller"), ", to the ",
             ("b", "Reseller"), " and on the terms agreed between them. No fee is payable by the ",
             ("b", "Customer"), " to the ", ("b", "Supplier"), " under this agreement, and a dispute about that "
             "price is a matter between the ", ("b", "Customer"), " and the ", ("b", "Reseller"), "."]),
        endif(),
    ]


def channel_continuity():
    # Issue 14, point 11: the licence outlives the Reseller's appointment.
    return cl("If the Reseller Stops Acting",
              ["The ", ("b", "Customer"), "'s license does not depend on the ", ("b", "Reseller"),
               "'s appointment. If the ", ("b", "Reseller"), " stops being an authorized reseller of the ",
               ("b", "Supplier"), ", or cannot continue to support the ", ("b", "Customer"), ", this agreement "
               "and the license continue, and the ", ("b", "Supplier"), " shall provide the updates, support "
               "and maintenance that have been paid for, itself or through another authorized reseller that it "
               "names to the ", ("b", "Customer"), " in writing, for the rest of the term paid for."])


def reseller_role():
    return cl("Role of the Reseller",
              ["The ", ("b", "Reseller"), " is not the ", ("b", "Supplier"), "'s agent. It has no authority to "
               "vary this agreement, to give any warranty or make any promise for the ", ("b", "Supplier"),
               ", or to receive notices or reports under this agreement for the ", ("b", "Supplier"), ". The ",
               ("b", "Customer"), " shall make every report that this agreement requires to the ",
               ("b", "Supplier"), ", as this agreement provides."])


# --- warranties, liability, indemnity, confidentiality

def warranties_article(doc):
    out = [h1("Warranties"),
           *cl("Authority",
               ["Each party warrants that it has the power and authority to enter into and perform this "
                "agreement, and that the person signing it for that party is authorized to do so."])]
    if doc == "reseller":
        out += cl("Product Warranty",
                  ["The ", ("b", "Supplier"), " gives its warranties for the ", ("b", "Product"), " to each ",
                   ("b", "End User"), " in the ", ("b", "End User License"), ". The ", ("b", "Reseller"),
                   " shall not give any warranty or make any statement about the ", ("b", "Product"),
                   " on the ", ("b", "Supplier"), "'s behalf, and is responsible to its ", ("b", "End Users"),
                   " for any warranty it gives in its own name."])
    else:
        out += cl("Product Warranty",
                  ["The ", ("b", "Supplier"), " warrants that, for ", "{{ terms.warranty_days }}", " from "
                   "delivery or from the date the ", ("b", "Product"), " is first made available, whichever is "
                   "later:"],
                  ("items",
                   ["the ", ("b", "Product"), " will perform materially in accordance with the ",
                    ("b", "Documentation"), ";"],
                   ["any hardware included in the ", ("b", "Product"), " will be free from material defects "
                    "in materials and workmanship; and"],
                   ["any installation, training, support or other work the ", ("b", "Supplier"), " performs will "
                    "be done with reasonable skill and care by suitably qualified people."]),
                  ["If the ", ("b", "Customer"), " notifies a breach of this warranty within that period, the ",
                   ("b", "Supplier"), " shall repair or replace the non-conforming item or perform the work "
                   "again and, if it cannot do so within a reasonable time, refund the price paid for that item "
                   "or work. This is the ", ("b", "Customer"), "'s only remedy for a breach of this warranty."],
                  ["The warranty does not cover a non-conformity caused by use other than in accordance with the ",
                   ("b", "Documentation"), " or this agreement, by a modification or repair made by anyone other "
                   "than the ", ("b", "Supplier"), ", or by equipment, software or data that the ",
                   ("b", "Supplier"), " did not supply."])
    out += cl("Disclaimer",
              ["Except for the warranties expressly given in this agreement, the ", ("b", "Supplier"),
               " gives no warranty, and every warranty or condition implied by law, including of "
               "merchantability, satisfactory quality, fitness for a particular purpose and non-infringement, "
               "is excluded to the fullest extent the law allows. The ", ("b", "Supplier"), " does not warrant "
               "that the ", ("b", "Product"), " will operate without interruption or error, or that any result "
               "it produces, including any match, identification, alert or analysis, is accurate or complete. "
               "Whoever uses the ", ("b", "Product"), " is responsible for deciding whether and how to act on "
               "a result, and for having results checked by a person wherever this agreement requires it."])
    return out


def liability_article(doc):
    """Caps and carve-outs. The carve-outs keep a breach of the safeguards,
    confidentiality and the indemnity outside the cap (issue 14, point 1)."""
    if doc == "reseller":
        cap = ["the total amounts paid and payable by the ", ("b", "Reseller"), " to the ", ("b", "Supplier"),
               " under this agreement in the twelve (12) months before the event giving rise to the liability."]
        user = ("b", "Reseller")
        guard = ("the provisions of this agreement on end use, use restrictions, export controls and sanctions, "
                 "due diligence on End Users and the passing on of safeguards to them;")
        exceptions = [
            ["any liability of the ", user, " for a breach of " + guard],
            "any liability of either party for a breach of its obligations of confidentiality;",
            ["the ", ("b", "Reseller"), "'s obligation to pay the prices due under this agreement; or"],
            "liability for death or personal injury caused by negligence, for fraud, or for anything else that "
            "the law does not allow to be limited or excluded.",
        ]
    else:
        if doc == "eula":
            # a channel customer pays the Reseller, not the Supplier: what was
            # paid for its supply still counts
            cap = ["the total price paid and payable for everything supplied to the ", ("b", "Customer"),
                   " under this agreement in the twelve (12) months before the event giving rise to the liability, "
                   "whether paid to the ", ("b", "Supplier"), " or to an authorized reseller."]
        else:
            cap = ["the total price paid and payable for everything supplied to the ", ("b", "Customer"),
                   " under this agreement in the twelve (12) months before the event giving rise to the liability, "
                   "whether paid to the ", ("b", "Supplier"), " or to an authorized reseller."]
        exceptions = [
            ["any liability of the ", ("b", "Customer"), " for a breach of the provisions of this agreement that "
             "limit the purpose or manner of use of the ", ("b", "Product"), ", or of those on export controls "
             "and sanctions;"],
            "any liability of either party for a breach of its obligations of confidentiality;",
            ["the ", ("b", "Supplier"), "'s obligations under the intellectual property indemnity in this "
             "agreement;"],
            ["the ", ("b", "Customer"), "'s obligation to pay any fees due under this agreement; or"],
            "liability for death or personal injury caused by negligence, for fraud, or for anything else that "
            "the law does not allow to be limited or excluded.",
        ]
    return [
        h1("Limitation of Liability"),
        *cl("Excluded Losses",
            ["Neither party is liable to the other, whether in contract, tort (including negligence) or "
             "otherwise, for any loss of profit, revenue, business, goodwill or anticipated savings, or for any "
             "indirect, special or consequential loss, even if it was foreseeable."]),
        *cl("Limit", ["Each party's total liability arising out of or in connection with this agreement is "
                      "limited to "] + cap),
        *cl("Exceptions",
            ["The exclusion and the limit in this article do not apply to:"],
            ("items", *exceptions)),
    ]


def indemnity_article():
    return [
        h1("Intellectual Property Indemnity"),
        *cl("Indemnity",
            ["The ", ("b", "Supplier"), " shall defend the ", ("b", "Customer"), " against any claim by a third "
             "party that the ", ("b", "Product"), ", as supplied by the ", ("b", "Supplier"), " and used in "
             "accordance with this agreement, infringes that third party's patent, copyright, trade mark or "
             "trade secret, and shall pay the damages and costs finally awarded against the ", ("b", "Customer"),
             " on that claim or agreed in a settlement that the ", ("b", "Supplier"), " approves."]),
        *cl("Conduct of Claims",
            ["The ", ("b", "Customer"), " shall notify the ", ("b", "Supplier"), " of the claim promptly in "
             "writing, let the ", ("b", "Supplier"), " control its defence and settlement, and give reasonable "
             "help at the ", ("b", "Supplier"), "'s expense. The ", ("b", "Supplier"), " shall not settle a "
             "claim in a way that requires the ", ("b", "Customer"), " to admit fault or to pay money without "
             "the ", ("b", "Customer"), "'s consent."]),
        *cl("Exclusions",
            ["The ", ("b", "Supplier"), " has no obligation under this article for a claim arising from a "
             "modification not made by the ", ("b", "Supplier"), "; from a combination with anything the ",
             ("b", "Supplier"), " did not supply, where the claim would not have arisen without it; from use in "
             "breach of this agreement or outside the ", ("b", "Authorized Purpose"), "; or from the ",
             ("b", "Supplier"), "'s compliance with designs or instructions the ", ("b", "Customer"),
             " gave."]),
        *cl("Remedies",
            ["If the ", ("b", "Product"), " is, or in the ", ("b", "Supplier"), "'s opinion is likely to be, the "
             "subject of such a claim, the ", ("b", "Supplier"), " may obtain the right for the ",
             ("b", "Customer"), " to continue using it, or modify or replace it so that it no longer infringes "
             "without a material loss of function. If neither is reasonably possible, the ", ("b", "Supplier"),
             " may end the license of the affected part and refund the fees prepaid for the rest of the "
             "subscription or, for a perpetual license or hardware, the price paid less one-fifth for each year "
             "since delivery. This article states the ", ("b", "Supplier"), "'s entire liability, and the ",
             ("b", "Customer"), "'s only remedy, for infringement of a third party's intellectual property."]),
    ]


def confidentiality_article():
    return [
        h1("Confidentiality"),
        *cl("Confidential Information",
            ["Information that a party (the discloser) gives the other party (the recipient) under this "
             "agreement is the discloser's confidential information (", ("b", "Confidential Information"),
             ") if it is marked as confidential or a reasonable person would understand it to be confidential, "
             "including the terms of this agreement and non-public technical information about the ",
             ("b", "Product"), ". It does not include information that is or becomes public other than through a "
             "breach of this agreement, that the recipient already lawfully had or lawfully receives from "
             "someone else without a duty of confidence, or that the recipient develops independently."]),
        *cl("Use and Protection",
            ["The recipient shall use the discloser's ", ("b", "Confidential Information"), " only to perform "
             "this agreement and exercise its rights under it, protect it with at least reasonable care, and "
             "disclose it only to its employees, contractors, auditors and professional advisers who need it "
             "for that purpose and are bound by duties of confidence at least as protective as this article. "
             "The recipient may also disclose it where the law, a court or a regulator requires, after giving "
             "the discloser prompt notice where the law allows, and only to the extent required."]),
        *cl("Reports Are Not Restricted",
            ["Nothing in this agreement prevents any person from reporting a suspected violation of the law or "
             "of human rights involving the ", ("b", "Product"), " to the ", ("b", "Supplier"), ", to a "
             "competent authority or to a regulator, or limits any disclosure that another provision of this "
             "agreement expressly permits."]),
        *cl("Duration and Return",
            ["These obligations continue for ", "{{ terms.confidentiality_months }}", " after this agreement "
             "ends and, for trade secrets, for as long as they remain trade secrets. On request after this "
             "agreement ends, the recipient shall return or destroy the discloser's ",
             ("b", "Confidential Information"), ", except copies that the law requires it to keep, copies in "
             "routine backups, and records that this agreement requires it to preserve."]),
    ]


# --- term and general

def term_clause(doc):
    if doc == "reseller":
        return cl("Term",
                  ["This agreement starts on the ", ("b", "Effective Date"), " and continues for the term of the ",
                   ("b", "Reseller"), "'s appointment, unless ended earlier under this agreement."])
    return cl("Term",
              ["This agreement starts on the ", ("b", "Effective Date"), " and continues for as long as the "
               "license, or any support or hosting under this agreement, continues, unless ended earlier under this "
               "agreement."])


def general_clauses(doc, addendum=False):
    """The boilerplate every agreement needs, in plain terms (Common Paper /
    Bonterms style); the addendum takes the three it needs."""
    other = "Reseller" if doc == "reseller" else "Customer"
    entire = ["This agreement", " (with each ", ("b", "Order"), ")" if doc == "contract" else "",
              " is the whole agreement between the parties about its subject, and replaces every earlier "
              "agreement, proposal and representation about it. Each party confirms that it has not relied on "
              "any statement that is not set out in this agreement. Terms in a purchase order or other document "
              "of the ", ("b", other), " do not apply. Nothing in this clause limits liability for fraud."]
    if doc != "contract":
        entire = entire[:1] + entire[4:]
    out = [*cl("Entire Agreement", entire)]
    if doc == "eula":
        out += [if_("reseller"),
                *cl("Agreement with the Reseller",
                    ["The ", ("b", "Customer"), "'s agreement with the ", ("b", "Reseller"), " on price and "
                     "payment is not part of this agreement and does not bind the ", ("b", "Supplier"), "."]),
                endif()]
    if doc == "reseller":
        assign = ["Neither party may assign or transfer this agreement, or any right or obligation under it, "
                  "without the other party's prior written consent. The ", ("b", "Supplier"), " may assign this "
                  "agreement to an affiliate or to a successor to the business that supplies the ",
                  ("b", "Product"), ", if the assignee takes on all the ", ("b", "Supplier"), "'s obligations "
                  "under it by written notice to the ", ("b", "Reseller"), "."]
        sub = ["The ", ("b", "Supplier"), " may use subcontractors and remains responsible for them. The ",
               ("b", "Reseller"), " shall not subcontract its obligations, or appoint a sub-reseller or agent, "
               "without the ", ("b", "Supplier"), "'s prior written consent, and is responsible for anyone it "
               "engages as for itself."]
    else:
        assign = ["Neither party may assign or transfer this agreement, or any right or obligation under it, "
                  "without the other party's prior written consent. The ", ("b", "Supplier"), " may refuse "
                  "consent where the transfer would put the ", ("b", "Product"), " in the hands of a person "
                  "it has not assessed under the safeguards of this agreement. The ", ("b", "Supplier"), " may "
                  "assign this agreement to an affiliate or to a successor to the business that supplies the ",
                  ("b", "Product"), ", if the assignee takes on all the ", ("b", "Supplier"), "'s obligations "
                  "under it by written notice to the ", ("b", "Customer"), "."]
        sub = ["The ", ("b", "Supplier"), " may use subcontractors to perform its obligations and remains "
               "responsible for them. The ", ("b", "Customer"), " may have the ", ("b", "Product"),
               " operated for it by a contractor only as far as this agreement permits for users of the ",
               ("b", "Product"), ", and is responsible for its contractors as for itself."]
    out += cl("Assignment", assign)
    out += cl("Subcontracting", sub)
    out += cl("Force Majeure",
              ["Neither party is liable for a delay or failure to perform an obligation, other than an obligation "
               "to pay money, that is caused by an event beyond its reasonable control, such as natural disaster, "
               "epidemic, war, terrorism, civil unrest, or an act of government other than an act of that party "
               "itself or of a public authority that controls it. The affected party shall notify the other "
               "promptly and use reasonable efforts to resume performance. If the event continues for more "
               "than ", "{{ terms.force_majeure_days }}", ", either party may end the affected supply by written "
               "notice. An event of force majeure never excuses compliance with the provisions of this agreement "
               "on end use, use restrictions or export controls."])
    out += cl("Relationship of the Parties",
              ["The parties are independent contractors. This agreement creates no partnership, joint venture, "
               "agency or employment relationship, and, except where it expressly says otherwise, no person "
               "other than the parties has any right to enforce it."])
    out += cl("Severability",
              ["If a court holds any provision of this agreement invalid or unenforceable, the rest of the "
               "agreement continues, and the provision applies with the least change needed to make it valid "
               "and enforceable, in the way that best gives effect to the parties' intention."])
    out += cl("Waiver",
              ["A failure or delay in exercising a right is not a waiver of it. A waiver is effective only if it "
               "is in writing and signed by the party giving it."])
    out += cl("Amendments",
              ["This agreement may be amended only by a written document that refers to it and is signed by "
               "authorized representatives of both parties."])
    out += counterparts()
    return out


def counterparts(what="This agreement"):
    return cl("Counterparts and Electronic Signature",
              ([what] if isinstance(what, str) else what) + [" may be signed in counterparts, including by electronic signature, and the "
               "counterparts together form one agreement."])


def notices(other, other_who, what="A notice under this agreement"):
    """Notices with both parties' addresses; written notice includes email
    to the address for notices (h14 shared decision)."""
    w1, w3 = 1700, 3200
    w2 = TEXT_W - 709 - w1 - w3
    addr, _ = party_cells(other_who)
    rows = [
        [cp("Party", True), cp("Address for notices", True), cp("For the attention of / email", True)],
        [cp([("b", "Supplier")]),
         [if_("seller.address"), cp("{{ seller.address }}"), endif(),
          if_("not seller.address"), cp([("i", "[address for notices]")]), endif()],
         cp("{{ terms.compliance_contact }}")],
        [cp([("b", other)]), addr[1:], cp([("i", "[name and email address for notices]")])],
    ]
    return cl("Notices",
              ([what] if isinstance(what, str) else what) + [" must be in writing, in English, and delivered by hand or by courier "
               "to the receiving party's address for notices, or sent by email to its email address for notices. "
               "A reference in this agreement to written notice, or to notice in writing, includes an email sent "
               "in this way. Each party's addresses for notices are those below, or any others it later gives the "
               "other party by notice."],
              table(rows, [w1, w2, w3], indent=709),
              ["A notice takes effect when it is received. An email is received when it reaches the recipient's "
               "mail server, unless the sender receives a message that it was not delivered; a notice received "
               "outside business hours at the place of receipt takes effect at the start of the next business "
               "day there."])


# ---------------------------------------------------------------- the contract

def contract():
    c = [
        title("Master License and Supply Agreement"),
        drafting_note("Contract"),
        *escalation_note(),
        preamble("Master License and Supply Agreement"),
        parties_table(("Supplier", "seller"), ("Customer", "customer")),
        p(""),
        p([("b", "RECITALS")], keep_next=True),
        *recital_product("A"),
        if_('end_use == "known"'),
        body(["(B) The ", ("b", "Customer"), " is ", "{{ customer.kind }}", ". It wishes to obtain the ",
              ("b", "Product"), " for use ", "{{ deployment }}", " and has told the ", ("b", "Supplier"),
              " that it will use it only for ", "{{ terms.authorized_purpose }}", "."]),
        endif(),
        if_('end_use == "unknown"'),
        body(["(B) The ", ("b", "Customer"), " is ", "{{ customer.kind }}", ". It wishes to obtain the ",
              ("b", "Product"), " for use ", "{{ deployment }}", ". It has not yet stated the end use of the ",
              ("b", "Product"), ", and the ", ("b", "Supplier"), " supplies it only for ",
              "{{ terms.authorized_purpose }}", " and on the end-use safeguards set out below."]),
        endif(),
        *recital_safeguards("C"),
        if_("reseller"),
        body(["(D) The ", ("b", "Customer"), " obtains the ", ("b", "Product"), " through ", "{{ reseller.name }}",
              " (the ", ("b", "Reseller"), "), an authorized reseller of the ", ("b", "Supplier"),
              ", and pays the ", ("b", "Reseller"), " for it. The ", ("b", "Supplier"), " supplies and licenses "
              "the ", ("b", "Product"), " to the ", ("b", "Customer"), " directly under this agreement."]),
        endif(),
        agree(),
        h1("Definitions and Interpretation"),
        clauses("definitions"),
        *supply_article(),
        *license_article("contract"),
        *fees_article("contract"),
        *article("End Use and Export Controls", "end-use", "export-control", "use-restrictions"),
        *article("Data Protection", "data-handling"),
        *article("Access, Updates and Support", "access-control", "update-denial"),
        *article("Oversight and Remedy", "grievance", "reassessment", "audit"),
        if_("reseller"),
        h1("Reseller Channel"),
        *reseller_role(),
        *channel_continuity(),
        *cl("End User License",
            ["If the ", ("b", "Customer"), " also accepts the ", ("b", "Supplier"), "'s end user license "
             "agreement for the ", ("b", "Product"), ", this agreement prevails over it wherever they differ."]),
        endif(),
        *warranties_article("contract"),
        *liability_article("contract"),
        *indemnity_article(),
        *confidentiality_article(),
        h1("Term and Termination"),
        *term_clause("contract"),
        clauses("termination"),
        h1("General"),
        *general_clauses("contract"),
        clauses(),
        *notices("Customer", "customer"),
        *signing(("the Supplier", "{{ seller.name }}"), ("the Customer", "{{ customer.name }}")),
    ]
    return c


# ---------------------------------------------------------------- the EULA

def eula():
    c = [
        title("End User License Agreement"),
        drafting_note("EULA"),
        *escalation_note(),
        preamble("End User License Agreement"),
        parties_table(("Supplier", "seller"), ("Customer", "customer")),
        p(""),
        p([("b", "BACKGROUND")], keep_next=True),
        *recital_product("A"),
        body(["(B) The ", ("b", "Customer"), " wishes to use the ", ("b", "Product"), " ", "{{ deployment }}",
              ", for ", "{{ terms.authorized_purpose }}", "."]),
        *recital_safeguards("C"),
        if_("reseller"),
        body(["(D) The ", ("b", "Customer"), " obtains the ", ("b", "Product"), " through ", "{{ reseller.name }}",
              " (the ", ("b", "Reseller"), "), an authorized reseller of the ", ("b", "Supplier"),
              ", and pays the ", ("b", "Reseller"), " for it. The license comes directly from the ",
              ("b", "Supplier"), " under this agreement."]),
        endif(),
        agree(),
        h1("Definitions and Interpretation"),
        clauses("definitions"),
        *license_article("eula"),
        *fees_article("eula"),
        if_("reseller"),
        h1("Supply through the Reseller"),
        *reseller_role(),
        endif(),
        *article("Restrictions on Use", "use-restrictions", "end-use"),
        *article("Export Controls", "export-control"),
        *article("Data", "data-handling"),
        *article("Updates, Support and Access", "update-denial", "access-control"),
        *article("Reporting Misuse", "grievance"),
        *article("Review and Audit", "reassessment", "audit"),
        *warranties_article("eula"),
        *liability_article("eula"),
        *indemnity_article(),
        *confidentiality_article(),
        h1("Term and Termination"),
        *term_clause("eula"),
        clauses("termination"),
        h1("General"),
        *general_clauses("eula"),
        clauses(),
        *notices("Customer", "customer"),
        *signing(("the Supplier", "{{ seller.name }}"), ("the Customer", "{{ customer.name }}")),
    ]
    return c


# ---------------------------------------------------------------- the reseller agreement

def reseller_terms_table():
    """The commercial details, like a cover page: the Territory and the prices
    the Reseller pays the Supplier."""
    w1 = 2600
    return table([
        [cp("Commercial details", True), cp("", True)],
        [cp("Territory"), cp("{{ reseller.country }}")],
        [cp("Initial term of the appointment"),
         cp(["{{ terms.initial_term_months }}", " from the Effective Date"])],
        [cp("Price payable by the Reseller to the Supplier"),
         [if_("license == perpetual"), cp(["{{ terms.fees }}", " for each perpetual license"]), endif(),
          if_("license == subscription"), cp(["{{ terms.fees }}", " for each subscription"]), endif()]],
        [cp("Payment"), cp(["Within ", "{{ terms.payment_days }}", " of the date of each invoice"])],
    ], [w1, TEXT_W - w1])


def reseller_agreement():
    c = [
        title("Reseller Agreement"),
        drafting_note("Reseller agreement"),
        *escalation_note(),
        preamble("Reseller Agreement"),
        parties_table(("Supplier", "seller"), ("Reseller", "reseller")),
        p(""),
        reseller_terms_table(),
        p(""),
        p([("b", "RECITALS")], keep_next=True),
        *recital_product("A"),
        body(["(B) The ", ("b", "Supplier"), " wishes to appoint the ", ("b", "Reseller"), " to resell the ",
              ("b", "Product"), " in the country named as the territory in the commercial details above (the ",
              ("b", "Territory"), "), on the terms of this agreement."]),
        if_('end_use == "known"'),
        body(["(C) The ", ("b", "Reseller"), " proposes to supply the ", ("b", "Product"), " first to the end "
              "customer named in this recital, ", "{{ customer.name }}", " (the ", ("b", "Customer"), "), which is ",
              "{{ customer.kind }}", " and has stated that it will use the ", ("b", "Product"), " only for ",
              "{{ terms.authorized_purpose }}", ". The ", ("b", "Customer"), " is not a party to this agreement."]),
        endif(),
        if_('end_use == "unknown"'),
        body(["(C) The ", ("b", "Reseller"), " proposes to supply the ", ("b", "Product"), " first to the end "
              "customer named in this recital, ", "{{ customer.name }}", " (the ", ("b", "Customer"), "), which is ",
              "{{ customer.kind }}", " and has not yet stated its end use of the ", ("b", "Product"), ". The ",
              ("b", "Supplier"), " permits that supply only for ", "{{ terms.authorized_purpose }}", ". The ",
              ("b", "Customer"), " is not a party to this agreement."]),
        endif(),
        body(["(D) Because the ", ("b", "Supplier"), " will not always know who ultimately uses the ",
              ("b", "Product"), ", it appoints the ", ("b", "Reseller"), " only on condition that the ",
              ("b", "Reseller"), " carries out the due diligence and passes on the safeguards set out below."]),
        # A state buyer needs the Supplier's prior approval under the library's
        # restricted-customers clause: the named first sale records it.
        if_("customer.kind in [government-agency, security-service, state-linked]"),
        body(["(E) The ", ("b", "Supplier"), " has reviewed the proposed supply to the ", ("b", "Customer"),
              " and, by signing this agreement, approves it for the purpose stated in recital (C) and on the "
              "terms of this agreement, including its safeguards for sales to governments and to entities "
              "that a government owns or controls. Any other supply to the ", ("b", "Customer"), " needs the ", ("b", "Supplier"),
              "'s approval under those safeguards."]),
        endif(),
        agree(),
        h1("Definitions and Interpretation"),
        clauses("definitions"),
        h1("Appointment"),
        *cl("Appointment",
            ["The ", ("b", "Supplier"), " appoints the ", ("b", "Reseller"), " as a non-exclusive reseller of the ",
             ("b", "Product"), " in the ", ("b", "Territory"), " for the initial term stated in the commercial "
             "details. The appointment renews only by written agreement of the parties. The ",
             ("b", "Reseller"), " shall not supply the ", ("b", "Product"), " for use outside the ",
             ("b", "Territory"), " without the ", ("b", "Supplier"), "'s prior written consent."]),
        *cl("Independent Reseller",
            ["The ", ("b", "Reseller"), " buys the ", ("b", "Product"), " from the ", ("b", "Supplier"),
             " and resells it in its own name and for its own account. It is not the ", ("b", "Supplier"),
             "'s agent and has no authority to bind the ", ("b", "Supplier"), ", to vary the ",
             ("b", "End User License"), ", or to make any statement or promise for the ", ("b", "Supplier"), "."]),
        *cl("Marketing and Support",
            ["During the appointment the ", ("b", "Supplier"), " permits the ", ("b", "Reseller"),
             " to market the ", ("b", "Product"), " in the ", ("b", "Territory"), ", to distribute it to ",
             ("b", "End Users"), " who have accepted the ", ("b", "End User License"), ", and to use it to "
             "demonstrate it and to support those ", ("b", "End Users"), ". The ", ("b", "Reseller"),
             " receives no other license. It shall give its ", ("b", "End Users"), " first-line support; the ",
             ("b", "Supplier"), " provides updates and further support under the ", ("b", "End User License"), "."]),
        h1("Orders and Delivery"),
        *cl("Orders",
            ["The ", ("b", "Reseller"), " shall order the ", ("b", "Product"), " by written purchase order "
             "naming the ", ("b", "End User"), ", the sites where it will be used and its intended use. An "
             "order binds the ", ("b", "Supplier"), " only when the ", ("b", "Supplier"), " accepts it in "
             "writing. The ", ("b", "Supplier"), " may decline an order, including where it has not completed "
             "its export and human-rights assessment of the ", ("b", "End User"), " or judges that the supply "
             "would be inconsistent with the safeguards of this agreement."]),
        *cl("Delivery, Title and Risk",
            ["The ", ("b", "Supplier"), " shall deliver any hardware to the address stated in the accepted "
             "order and make the software and license keys available to the ", ("b", "End User"), ". Delivery "
             "dates are estimates and every delivery is subject to the export authorizations this agreement "
             "refers to. Risk in hardware passes on delivery, and title to it passes when the ",
             ("b", "Reseller"), " has paid for it in full. Software is licensed directly by the ",
             ("b", "Supplier"), " to the ", ("b", "End User"), " under the ", ("b", "End User License"),
             ", and never to the ", ("b", "Reseller"), "."]),
        h1("Prices and Payment"),
        *cl("Prices",
            ["The ", ("b", "Reseller"), " shall pay the ", ("b", "Supplier"), " the price stated in the "
             "commercial details for each license it orders. The ", ("b", "Supplier"), " shall invoice each "
             "order when it accepts it, and the ", ("b", "Reseller"), " shall pay each invoice within the period "
             "stated in the commercial details."]),
        *cl("Resale Prices",
            ["The ", ("b", "Reseller"), " sets its own resale prices and terms of payment with its ",
             ("b", "End Users"), ". An ", ("b", "End User"), " owes the ", ("b", "Supplier"), " no fee for a "
             "license the ", ("b", "Reseller"), " has supplied, and the ", ("b", "Supplier"), " shall not "
             "disclose the ", ("b", "Reseller"), "'s buying price to any ", ("b", "End User"), "."]),
        *cl("Taxes and Late Payment",
            ["The prices are exclusive of value added tax, sales tax and similar taxes, which the ",
             ("b", "Reseller"), " shall pay in addition where they apply. The ", ("b", "Reseller"), " shall "
             "notify any good-faith dispute about an invoice before it is due and pay the undisputed part. Any "
             "amount not paid when due bears interest at one per cent a month, or the highest rate the law "
             "permits if lower, until it is paid."]),
        if_("deployment in [cloud, hybrid] or clauses.data-handling or clauses.access-control or "
            "clauses.update-denial"),
        h1("End User Accounts and Data"),
        if_("deployment in [cloud, hybrid]"),
        *cl("Hosted Accounts",
            ["Accounts for the parts of the ", ("b", "Product"), " that the ", ("b", "Supplier"), " hosts are "
             "issued by the ", ("b", "Supplier"), " directly to ", ("b", "End Users"), ", not by the ",
             ("b", "Reseller"), ", so that the ", ("b", "Supplier"), " can suspend access directly where this "
             "agreement or the ", ("b", "End User License"), " permits."]),
        endif(),
        clauses("data-handling", "access-control", "update-denial"),
        endif(),
        *article("Reseller Due Diligence", "reseller-diligence"),
        *article("End Use, Export Controls and Restrictions", "end-use", "export-control", "use-restrictions"),
        if_("clauses.grievance"),
        h1("Misuse Reporting and Grievances"),
        sdt_block("Grievance clauses", "clauses:grievance", 480211,
                  "Grievance and misuse-reporting clauses are inserted here."),
        endif(),
        *article("Reassessment and Audit", "reassessment", "audit"),
        *warranties_article("reseller"),
        *liability_article("reseller"),
        *confidentiality_article(),
        h1("Term and Termination"),
        *term_clause("reseller"),
        clauses("termination"),
        h1("General"),
        *general_clauses("reseller"),
        clauses(),
        *notices("Reseller", "reseller"),
        *signing(("the Supplier", "{{ seller.name }}"), ("the Reseller", "{{ reseller.name }}")),
    ]
    return c


# ---------------------------------------------------------------- the addendum

def addendum():
    """Human Rights and Export Safeguards Addendum: attaches to an agreement the
    parties already have (terms.existing_agreement), takes precedence over it on
    its subjects, and carries only the selected safeguards. No fees, no license."""
    c = [
        title("Human Rights and Export Safeguards Addendum"),
        drafting_note("Addendum"),
        *escalation_note(),
        p(["This Human Rights and Export Safeguards Addendum (this ", ("b", "Addendum"), ") is made on ",
           "{{ date }}", " (the ", ("b", "Effective Date"), ") between the parties named in the table below."]),
        parties_table(("Supplier", "seller"), ("Customer", "customer")),
        p(""),
        p([("b", "RECITALS")], keep_next=True),
        *recital_product("A"),
        body(["(B) The parties are parties to an existing agreement under which the ", ("b", "Supplier"),
              " supplies the ", ("b", "Product"), " to the ", ("b", "Customer"), ". This ", ("b", "Addendum"),
              " supplements ", "{{ terms.existing_agreement }}", " (the ", ("b", "Agreement"), ")."]),
        body(["(C) The ", ("b", "Customer"), " is ", "{{ customer.kind }}", " and uses the ", ("b", "Product"),
              " ", "{{ deployment }}", ", for ", "{{ terms.authorized_purpose }}", "."]),
        *recital_safeguards("D", "this Addendum"),
        agree(),
        h1("The Agreement and this Addendum"),
        *cl("Supplement",
            ["This ", ("b", "Addendum"), " supplements the ", ("b", "Agreement"), ", as amended before the ",
             ("b", "Effective Date"), ", and forms part of it from the ", ("b", "Effective Date"), ". It applies to the ", ("b", "Product"), " and to everything supplied under the ",
             ("b", "Agreement"), ", including what was supplied before the ", ("b", "Effective Date"), "."]),
        *cl("Precedence",
            ["This ", ("b", "Addendum"), " prevails over the ", ("b", "Agreement"), ", and over any order or other "
             "document under it, on the subjects this ", ("b", "Addendum"), " covers: end use, export controls "
             "and sanctions, data, access, updates and support as they bear on those subjects, reports, "
             "investigations, oversight and audit, the remedies for a breach of this ",
             ("b", "Addendum"), ", and the resolution of disputes about it. A later document changes this ",
             ("b", "Addendum"), " only if it says so expressly."]),
        *cl("Interpretation",
            ["In the clauses of this ", ("b", "Addendum"), ", \u201cthis agreement\u201d means the ",
             ("b", "Agreement"), " as supplemented by this ", ("b", "Addendum"), ", and a term defined in this ",
             ("b", "Addendum"), " has the meaning given here even where the ", ("b", "Agreement"),
             " defines it differently."]),
        *cl("Measures under this Addendum",
            ["Where the ", ("b", "Supplier"), " suspends, withholds or ends anything as this ", ("b", "Addendum"),
             " permits, that is not a breach of the ", ("b", "Agreement"), ", does not count against any "
             "availability, service level or support commitment in it, and gives no right to service credits "
             "or to a reduction of any fee."]),
        *cl("The Agreement Continues",
            ["Except as this ", ("b", "Addendum"), " provides, the ", ("b", "Agreement"), " continues unchanged "
             "and in full force. This ", ("b", "Addendum"), " changes no fee, price or license under the ",
             ("b", "Agreement"), ", and continues for as long as the ", ("b", "Agreement"), " does and after it "
             "as its own provisions on survival say."]),
        h1("Definitions"),
        clauses("definitions"),
        *article("End Use and Export Controls", "end-use", "export-control", "use-restrictions"),
        *article("Data Protection", "data-handling"),
        *article("Access, Updates and Support", "access-control", "update-denial"),
        *article("Oversight and Remedy", "grievance", "reassessment", "audit"),
        *article("Suspension and Termination", "termination"),
        h1("General"),
        *cl("Entire Agreement on its Subject",
            ["The ", ("b", "Agreement"), " as supplemented by this ", ("b", "Addendum"), " is the whole agreement "
             "between the parties on the subjects of this ", ("b", "Addendum"), ", and replaces every earlier "
             "agreement, proposal and representation about them. Nothing in this clause limits liability for "
             "fraud."]),
        *cl("Amendments",
            ["This ", ("b", "Addendum"), " may be amended only by a written document that refers to it and is "
             "signed by authorized representatives of both parties."]),
        *counterparts(["This ", ("b", "Addendum")]),
        clauses(),
        *notices("Customer", "customer", ["A notice under this ", ("b", "Addendum"), ", or under the ",
                                          ("b", "Agreement"), " on a subject this ", ("b", "Addendum"),
                                          " covers,"]),
        *signing(("the Supplier", "{{ seller.name }}"), ("the Customer", "{{ customer.name }}")),
    ]
    return c


TEMPLATES = [
    ("contract.docx", "Contract", "Master License and Supply Agreement", contract),
    ("eula.docx", "EULA", "End User License Agreement", eula),
    ("reseller-agreement.docx", "Reseller agreement", "Reseller Agreement", reseller_agreement),
    ("addendum.docx", "Addendum", "Human Rights and Export Safeguards Addendum", addendum),
]


def main(argv):
    outdir = argv[1] if len(argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for fname, _short, doc_title, build in TEMPLATES:
        LISTS["next"] = 3  # each document numbers its own lists
        write_docx(os.path.join(outdir, fname), doc_title, doc_title, build())
        print("wrote", os.path.join(outdir, fname))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
