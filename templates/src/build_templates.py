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
         "Authorized Purpose", "Services", "End User License"}


def defined_terms(spec):
    out, drop_paren = [], False
    for i, item in enumerate(spec):
        if drop_paren and isinstance(item, str):
            item, drop_paren = item[1:], False  # the ")" of a "(the Product)" left out
        if isinstance(item, tuple) and item[0] == "b" and item[1] in TERMS:
            prev = out[-1] if out and isinstance(out[-1], str) else None
            nxt = spec[i + 1] if i + 1 < len(spec) and isinstance(spec[i + 1], str) else None
            if prev is not None and prev.endswith("(the ") and nxt is not None and nxt.startswith(")"):
                if item[1] == "Product":
                    out[-1] = prev[:-len(" (the ")] if prev.endswith(" (the ") else prev[:-len("(the ")]
                    drop_paren = True
                else:
                    out[-1] = prev + "\u201c"
                    out.append(("b", item[1]))
                    out.append("\u201d")
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


def sdt_block(alias, tag, sdt_id, placeholder):
    return (
        "<w:sdt><w:sdtPr>"
        '<w:alias w:val="%s"/><w:tag w:val="%s"/><w:id w:val="%d"/>'
        "<w:showingPlcHdr/>"
        "</w:sdtPr><w:sdtContent>%s</w:sdtContent></w:sdt>"
        % (escape(alias), escape(tag), sdt_id, p([("i", placeholder)], "ClauseBody"))
    )


# ---------------------------------------------------------------- tables

def cell(paragraphs, width, shade=None):
    shd = '<w:shd w:val="clear" w:color="auto" w:fill="%s"/>' % shade if shade else ""
    if isinstance(paragraphs, str):
        paragraphs = [paragraphs]
    return '<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>%s</w:tcPr>%s</w:tc>' % (
        width, shd, "".join(paragraphs))


def table(rows, widths, header_row=True, borders=True):
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
    tblpr = ('<w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="%d" w:type="dxa"/>%s'
             '<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
             'w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
             % (sum(widths), tblborders))
    return "<w:tbl>%s<w:tblGrid>%s</w:tblGrid>%s</w:tbl>" % (tblpr, grid, "".join(out))


def cp(spec, bold=False):
    """A paragraph inside a table cell."""
    if bold and isinstance(spec, str):
        spec = [("b", spec)]
    return p(spec, "TableText")


def signature_table(*parties):
    w = TEXT_W // len(parties)

    def block(role, name_placeholder):
        return [
            cp([("b", "Signed for and on behalf of %s" % role)]),
            cp(name_placeholder),
            cp(""),
            cp("Signature: _____________________"),
            cp("Name: __________________________"),
            cp("Title: _________________________"),
            cp("Date: __________________________"),
        ]

    widths = [w] * (len(parties) - 1) + [TEXT_W - w * (len(parties) - 1)]
    return table([[block(*party) for party in parties]], widths, header_row=False, borders=False)


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

def drafting_note(doc_name):
    return p([("i", "Drafting note (delete before sending): %s for deal " % doc_name), ("i", "{{ id }}"),
              ("i", ", risk tier "), ("i", "{{ tier }}"),
              ("i", ". Safeguard clauses are drawn from the clause library for this deal; do not edit "
                    "them here without the compliance office.")])


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


def notices():
    return [
        # Governing law and disputes come from the clause library
        # (audit.governing-law-disputes), so the template does not repeat them.
        clause_heading("Notices and Compliance Contact"),
        body(["Notices concerning export control, misuse or human rights under this agreement shall be sent "
              "to ", "{{ terms.compliance_contact }}", ", and reports of suspected misuse may also be made at ",
              "{{ terms.grievance_url }}", " or ", "{{ terms.grievance_email }}", "."]),
    ]


def commercial_terms(payee_role):
    return [
        # The library writes the amount with its currency ("USD 1,250,000") and
        # periods with their unit ("thirty (30) days"): no unit after them here.
        body(["The fees for the ", ("b", "Product"), " are ", "{{ terms.fees }}",
              ", payable by the ", ("b", payee_role), " within ",
              "{{ terms.payment_days }}", " of the date of each invoice."]),
        if_("license == perpetual"),
        body(["The license is perpetual, subject to the rights of suspension and termination in this "
              "agreement. Updates, support and the other ", ("b", "Services"), " are provided for an initial term of ",
              "{{ terms.initial_term_months }}", " from the ", ("b", "Effective Date"),
              " and renew only by written agreement of the parties."]),
        endif(),
        if_("license == subscription"),
        body(["The license is a subscription for an initial term of ",
              "{{ terms.initial_term_months }}", " from the ", ("b", "Effective Date"),
              ". It renews only by written agreement of the parties and ends when the "
              "subscription ends."]),
        endif(),
    ]


# ---------------------------------------------------------------- the contract

def contract():
    w1, w2, w3 = 2000, 3513, TEXT_W - 2000 - 3513
    parties = table([
        [cp("Party", True), cp("Name and address", True), cp("Jurisdiction / country", True)],
        [cp([("b", "Supplier")]), [cp("{{ seller.name }}"), cp("{{ seller.address }}")],
         cp("{{ seller.jurisdiction }}")],
        [cp([("b", "Customer")]),
         [cp(["{{ customer.", ("xml", '<w:proofErr w:type="spellStart"/>'), "name }}"]),
          cp(["The ", ("b", "Customer"), " is ", "{{ customer.kind }}", "."]),
          if_("reseller"),
          cp(["Supplied through the authorized reseller ", "{{ reseller.name }}", " (",
              "{{ reseller.country }}", ")."]),
          endif()],
         cp("{{ customer.country }}")],
    ], [w1, w2, w3])
    c = [
        title("Master License and Supply Agreement"),
        drafting_note("Contract"),
        *escalation_note(),
        p(["This Master License and Supply Agreement is made on ",
           "{{ date }}", " (the ", ("b", "Effective Date"), ") between the parties below."]),
        parties,
        p(""),
        p([("b", "RECITALS")], keep_next=True),
        # A product without listed capabilities (the ordinary low-risk sale)
        # gets the recital without the list.
        if_("product.capabilities"),
        body(["(A) The ", ("b", "Supplier"), " develops and supplies ", "{{ product.name }}",
              " (the ", ("b", "Product"), "), which has the following capabilities: ",
              "{{ product.capabilities }}", "."]),
        endif(),
        if_("not product.capabilities"),
        body(["(A) The ", ("b", "Supplier"), " develops and supplies ", "{{ product.name }}",
              " (the ", ("b", "Product"), ")."]),
        endif(),
        if_('end_use == "known"'),
        body(["(B) The ", ("b", "Customer"), " wishes to license the ", ("b", "Product"),
              " for use ", "{{ deployment }}", " and has told the ", ("b", "Supplier"),
              " that it will use it only for ", "{{ terms.authorized_purpose }}", "."]),
        endif(),
        if_('end_use == "unknown"'),
        body(["(B) The ", ("b", "Customer"), " wishes to license the ", ("b", "Product"),
              " for use ", "{{ deployment }}", ". It has not yet stated the end use of the ",
              ("b", "Product"), ", and the ", ("b", "Supplier"), " licenses it only for ",
              "{{ terms.authorized_purpose }}", " and on the end-use safeguards set out below."]),
        endif(),
        body(["(C) Products of this kind can be misused to violate human rights. The parties therefore "
              "agree the safeguards set out in this agreement, and the ",
              ("b", "Supplier"), " enters into this agreement in reliance on them."]),
        if_("reseller"),
        body(["(D) The ", ("b", "Customer"), " has been introduced to the ", ("b", "Supplier"),
              " by ", "{{ reseller.name }}", " (the ", ("b", "Reseller"), "), an authorized channel partner "
              "of the ", ("b", "Supplier"), " (territory: ", "{{ reseller.country }}", "), and the ", ("b", "Supplier"),
              " contracts directly with the ", ("b", "Customer"), " on the terms below."]),
        endif(),
        p("The parties agree as follows:"),
        h1("Definitions and Interpretation"),
        clauses("definitions"),
        h1("License and Commercial Terms"),
        clause_heading("License"),
        body(["Subject to this agreement, the ", ("b", "Supplier"), " grants the ", ("b", "Customer"),
              " a non-exclusive, non-transferable license to use the ", ("b", "Product"),
              " for the ", ("b", "Authorized Purpose"), " and for no other purpose."]),
        clause_heading("Fees and Term"),
    ] + commercial_terms("Customer") + [
        if_("deployment in [cloud, hybrid]"),
        clause_heading("Hosted Service and Service Levels"),
        body(["Where the ", ("b", "Product"), " is provided as a hosted service, the ", ("b", "Supplier"),
              " shall make it available with a monthly availability of at least 99.5 per cent, excluding "
              "scheduled maintenance notified at least five (5) days in advance, and shall host customer data only "
              "in facilities it operates or has approved in writing."]),
        endif(),
        *article("End Use and Export Controls", "end-use", "export-control", "use-restrictions"),
        *article("Data Protection", "data-handling"),
        *article("Access, Updates and Support", "access-control", "update-denial"),
        *article("Oversight and Remedy", "grievance", "reassessment", "audit"),
        if_("reseller"),
        h1("Reseller Channel"),
        body(["The ", ("b", "Customer"), " acknowledges that ", "{{ reseller.name }}",
              " acts as the ", ("b", "Supplier"), "'s reseller for this supply, that the ",
              ("b", "Reseller"), " has no authority to vary this agreement, and that the ",
              ("b", "Customer"), " shall report any suspected misuse directly to the ", ("b", "Supplier"),
              " as well as to the ", ("b", "Reseller"), "."]),
        endif(),
        *article("Term and Termination", "termination"),
        h1("General"),
        clauses(),
    ] + notices() + [
        p(""),
        p("Signed by the authorized representatives of the parties on the dates below.", keep_next=True),
        signature_table(("the Supplier", "{{ seller.name }}"), ("the Customer", "{{ customer.name }}")),
    ]
    return c


# ---------------------------------------------------------------- the EULA

def eula():
    w1 = 2000
    parties = table([
        [cp("Party", True), cp("Details", True)],
        [cp([("b", "Supplier"), " (licensor)"]), [cp("{{ seller.name }}"), cp("{{ seller.address }}"),
                                  cp(["Jurisdiction: ", "{{ seller.jurisdiction }}"])]],
        [cp([("b", "Customer"), " (end user)"]),
         [cp("{{ customer.name }}"), cp(["Country: ", "{{ customer.country }}"])]],
        [cp([("b", "Obtained through")]),
         [if_("reseller"),
          cp(["{{ reseller.name }}", " (", "{{ reseller.country }}", "), authorized reseller"]),
          endif(),
          if_("not reseller"),
          cp("Directly from the Supplier"),
          endif()]],
    ], [w1, TEXT_W - w1])
    c = [
        title("End User License Agreement"),
        drafting_note("EULA"),
        *escalation_note(),
        p(["This End User License Agreement governs the use of ",
           "{{ product.name }}", " (the ", ("b", "Product"), ") by the end user named below as the ", ("b", "Customer"),
           ", licensed by the ", ("b", "Supplier"), " named below. It takes effect on ", "{{ date }}", " (the ", ("b", "Effective Date"), ")."]),
        parties,
        p(""),
        p([("b", "BACKGROUND")], keep_next=True),
        if_("product.capabilities"),
        body(["(A) The ", ("b", "Product"), " has these capabilities: ", "{{ product.capabilities }}",
              ". Capabilities of this kind can be misused to violate human rights."]),
        endif(),
        if_("not product.capabilities"),
        body(["(A) The ", ("b", "Supplier"), " develops the ", ("b", "Product"),
              " and licenses it to end users."]),
        endif(),
        body(["(B) The ", ("b", "Supplier"), " licenses the ", ("b", "Product"), " only on the condition that the ",
              ("b", "Customer"), " accepts and complies with the safeguards in this agreement", "."]),
        if_("reseller"),
        body(["(C) The ", ("b", "Customer"), " obtained the ", ("b", "Product"), " through ", "{{ reseller.name }}",
              ". This agreement is nevertheless made directly between the ", ("b", "Supplier"), " and the ",
              ("b", "Customer"), ", and the reseller cannot vary it."]),
        endif(),
        h1("Definitions"),
        clauses("definitions"),
        h1("License Grant"),
        clause_heading("Grant"),
        body(["The ", ("b", "Supplier"), " grants the ", ("b", "Customer"), " a non-exclusive, "
              "non-transferable license, for the term set out below, to use the ", ("b", "Product"),
              " ", "{{ deployment }}", ", for the ", ("b", "Customer"), "'s own internal use for "
              "the ", ("b", "Authorized Purpose"), "."]),
        clause_heading("Fees"),
    ] + commercial_terms("Customer") + [
        if_("deployment in [cloud, hybrid]"),
        clause_heading("Hosted Service"),
        body(["Where the ", ("b", "Supplier"), " hosts the ", ("b", "Product"), ", the ", ("b", "Customer"),
              " receives access to the hosted service only through accounts the ", ("b", "Supplier"),
              " issues, and the ", ("b", "Supplier"), " may monitor use of the hosted service to the extent "
              "needed to operate it securely and enforce this agreement."]),
        endif(),
        *article("Restrictions on Use", "use-restrictions", "end-use"),
        *article("Export Controls", "export-control"),
        *article("Data", "data-handling"),
        *article("Updates, Support and Access", "update-denial", "access-control"),
        *article("Reporting Misuse", "grievance"),
        *article("Review and Audit", "reassessment", "audit"),
        *article("Term and Termination", "termination"),
        h1("General"),
        clauses(),
    ] + notices() + [
        p(""),
        p("Accepted by the Customer:", keep_next=True),
        signature_table(("the Supplier", "{{ seller.name }}"), ("the Customer", "{{ customer.name }}")),
    ]
    return c


# ---------------------------------------------------------------- the reseller agreement

def reseller_agreement():
    w1, w2, w3 = 2000, 3513, TEXT_W - 2000 - 3513
    parties = table([
        [cp("Party", True), cp("Name and address", True), cp("Jurisdiction / territory", True)],
        [cp([("b", "Supplier")]), [cp("{{ seller.name }}"), cp("{{ seller.address }}")],
         cp("{{ seller.jurisdiction }}")],
        [cp([("b", "Reseller")]), cp(["{{ reseller.", ("xml", '<w:proofErr w:type="gramStart"/>'),
                                       "name }}", ("xml", '<w:proofErr w:type="gramEnd"/>')]),
         cp(["Territory: ", "{{ reseller.country }}"])],
        [cp([("b", "Customer"), " (first end user)"]),
         [cp("{{ customer.name }}"), cp(["The ", ("b", "Customer"), " is ", "{{ customer.kind }}", "."])],
         cp("{{ customer.country }}")],
    ], [w1, w2, w3])
    c = [
        title("Reseller Agreement"),
        drafting_note("Reseller agreement"),
        *escalation_note(),
        p(["This Reseller Agreement is made on ", "{{ date }}",
           " between the parties below."]),
        parties,
        p(""),
        p([("b", "RECITALS")], keep_next=True),
        if_("product.capabilities"),
        body(["(A) The ", ("b", "Supplier"), " develops ", "{{ product.name }}", " (the ", ("b", "Product"),
              "), with these capabilities: ", "{{ product.capabilities }}", "."]),
        endif(),
        if_("not product.capabilities"),
        body(["(A) The ", ("b", "Supplier"), " develops ", "{{ product.name }}", " (the ", ("b", "Product"),
              ")."]),
        endif(),
        if_('end_use == "known"'),
        body(["(B) The ", ("b", "Reseller"), " wishes to resell the ", ("b", "Product"), " to ", ("b", "End Users"),
              " in its territory, ", "{{ reseller.country }}", ". The first ", ("b", "End User"), ", ",
              "{{ customer.name }}",
              " (the ", ("b", "Customer"), "), has stated that it will use the ", ("b", "Product"),
              " only for ", "{{ terms.authorized_purpose }}", "."]),
        endif(),
        if_('end_use == "unknown"'),
        body(["(B) The ", ("b", "Reseller"), " wishes to resell the ", ("b", "Product"), " to ", ("b", "End Users"),
              " in its territory, ", "{{ reseller.country }}", ". The first ", ("b", "End User"), ", ",
              "{{ customer.name }}",
              " (the ", ("b", "Customer"), "), has not yet stated its end use of the ", ("b", "Product"),
              ". The ", ("b", "Supplier"), " permits its supply only for ", "{{ terms.authorized_purpose }}", "."]),
        endif(),
        body(["(C) Because the ", ("b", "Supplier"), " will not always know who ultimately uses the ",
              ("b", "Product"), ", it appoints the ", ("b", "Reseller"), " only on condition that the ",
              ("b", "Reseller"), " carries out the due diligence and passes on the safeguards set out below."]),
        p("The parties agree as follows:"),
        h1("Definitions and Interpretation"),
        clauses("definitions"),
        h1("Appointment"),
        clause_heading("Non-exclusive Appointment"),
        body(["The ", ("b", "Supplier"), " appoints the ", ("b", "Reseller"), " as its non-exclusive "
              "reseller of the ", ("b", "Product"), " in its territory (", "{{ reseller.country }}",
              ") for an initial term of ", "{{ terms.initial_term_months }}", ". The ", ("b", "Reseller"),
              " shall not appoint sub-resellers or agents without the ", ("b", "Supplier"),
              "'s prior written consent."]),
        clause_heading("Prices and Payment"),
        if_("license == perpetual"),
        body(["The ", ("b", "Reseller"), " shall pay ", "{{ terms.fees }}",
              " for each perpetual license ordered, within ",
              "{{ terms.payment_days }}", " of the date of each invoice."]),
        endif(),
        if_("license == subscription"),
        body(["The ", ("b", "Reseller"), " shall pay ", "{{ terms.fees }}",
              " for each subscription ordered, within ",
              "{{ terms.payment_days }}", " of the date of each invoice."]),
        endif(),
        *article("Reseller Due Diligence", "reseller-diligence"),
        *article("End Use, Export Controls and Restrictions", "end-use", "export-control", "use-restrictions"),
        h1("Flow-down to End Users"),
        body(["The ", ("b", "Reseller"), " shall supply the ", ("b", "Product"),
              " to an ", ("b", "End User"), " only after the ", ("b", "End User"), " has accepted the ",
              ("b", "End User License"), " in the form the ", ("b", "Supplier"), " issues for the ",
              ("b", "Product"), ", which repeats the safeguards of this agreement on end use, use restrictions "
              "and export controls that bind users of the ", ("b", "Product"), ", and shall give the ",
              ("b", "Supplier"), " a copy of each acceptance on request."]),
        if_("deployment in [cloud, hybrid]"),
        body(["Where the ", ("b", "Product"), " is used ", "{{ deployment }}",
              ", ", ("b", "End User"), " accounts are issued by the ", ("b", "Supplier"), " and not by the ",
              ("b", "Reseller"), ", so that access can be suspended directly if misuse is suspected."]),
        endif(),
        clauses("data-handling", "access-control", "update-denial"),
        if_("clauses.grievance"),
        h1("Misuse Reporting and Grievances"),
        sdt_block("Grievance clauses", "clauses:grievance", 480211,
                  "Grievance and misuse-reporting clauses are inserted here."),
        endif(),
        *article("Reassessment and Audit", "reassessment", "audit"),
        *article("Term and Termination", "termination"),
        h1("General"),
        clauses(),
    ] + notices() + [
        p(""),
        p("Signed by the authorized representatives of the parties on the dates below.", keep_next=True),
        signature_table(("the Supplier", "{{ seller.name }}"), ("the Reseller", "{{ reseller.name }}"),
                        ("the Customer", "{{ customer.name }}")),
    ]
    return c


TEMPLATES = [
    ("contract.docx", "Contract", "Master License and Supply Agreement", contract),
    ("eula.docx", "EULA", "End User License Agreement", eula),
    ("reseller-agreement.docx", "Reseller agreement", "Reseller Agreement", reseller_agreement),
]


def main(argv):
    outdir = argv[1] if len(argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for fname, _short, doc_title, build in TEMPLATES:
        write_docx(os.path.join(outdir, fname), doc_title, doc_title, build())
        print("wrote", os.path.join(outdir, fname))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
