#!/usr/bin/python3
"""Edits a DOCX the way a negotiator would, in a real LibreOffice, and saves it
back as DOCX: the round trip `clasm inspect` must survive.

usage: lo_edit.py IN.docx OUT.docx PROFILE_DIR [--replace OLD NEW]... [--delete-clause TITLE]...
                  [--replace-clause-body TITLE PARA...]...

--replace OLD NEW     replaces the first occurrence of OLD with NEW (an edit inside a clause)
--delete-clause TITLE deletes the paragraph whose text is TITLE and the body paragraphs after
                      it, up to the next heading (a clause struck out in negotiation)
--replace-clause-body TITLE PARA...
                      makes the body of the clause headed TITLE read PARA... (every argument
                      up to the next one starting with --), as a negotiator pasting an agreed
                      text over it would: a body paragraph that already reads as a PARA is
                      kept as it is (its fields and formatting too), a paragraph in the place
                      of a changed one gets its text, the rest are deleted or inserted. In a
                      PARA, "#" stands for a clause number a cross-reference prints ("clause
                      #"); such a PARA must match a paragraph that is kept, since a
                      cross-reference cannot be typed in.

Starts soffice headless on a private pipe with its own profile, drives it over
UNO (Debian's python3-uno), and stops it. Exit 0 on success.
"""
import os
import re
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def connect(pipe, proc):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.time() + 60
    while True:
        try:
            return resolver.resolve(
                "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
        except Exception:
            if time.time() > deadline or proc.poll() is not None:
                raise
            time.sleep(0.3)


def is_heading(par):
    try:
        style = par.ParaStyleName or ""
    except Exception:
        return False
    # LibreOffice shows the display names: "Heading 1", "Clause Heading", "Title"
    return "Heading" in style or style == "Title"


def body_of(doc, title):
    """The heading paragraph whose text is title and the body paragraphs after
    it, up to the next heading or anything that is not a paragraph."""
    pars = list(doc.Text.createEnumeration())
    start = None
    for k, par in enumerate(pars):
        if par.supportsService("com.sun.star.text.Paragraph") and \
                par.getString().strip() == title:
            start = k
            break
    if start is None:
        sys.exit("clause not found: " + title)
    end = start + 1
    while end < len(pars) and pars[end].supportsService(
            "com.sun.star.text.Paragraph") and not is_heading(pars[end]):
        end += 1
    return pars[start], pars[start + 1:end]


def reads_as(text, want):
    """Whether a paragraph's text reads as want, "#" in want standing for a
    clause number (7, 7.3)."""
    pattern = r"\d+(?:\.\d+)*".join(re.escape(part) for part in want.split("#"))
    return re.fullmatch(pattern, text.strip()) is not None


def replace_body(doc, title, wanted):
    from com.sun.star.text.ControlCharacter import PARAGRAPH_BREAK
    _, body = body_of(doc, title)
    have = [par.getString() for par in body]
    # the longest run of paragraphs kept as they are, in order (LCS)
    n, m = len(have), len(wanted)
    lcs = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            lcs[i][j] = lcs[i + 1][j + 1] + 1 if reads_as(have[i], wanted[j]) \
                else max(lcs[i + 1][j], lcs[i][j + 1])
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if reads_as(have[i], wanted[j]) and lcs[i][j] == lcs[i + 1][j + 1] + 1:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif lcs[i + 1][j] >= lcs[i][j + 1]:
            i += 1
        else:
            j += 1
    pairs.append((n, m))
    text = doc.Text
    i = j = 0
    for ki, kj in pairs:
        olds, news = body[i:ki], wanted[j:kj]
        for t in news:
            if "#" in t:
                sys.exit("a new paragraph with a cross-reference cannot be typed in: " + t)
        # changed paragraphs take the new texts in order, keeping their style
        for par, t in zip(olds, news):
            par.setString(t)
        for par in olds[len(news):]:
            par.dispose()
        extra = news[len(olds):]
        if extra:
            if ki < n:
                # before the next kept paragraph, which the new ones resemble
                cursor = text.createTextCursorByRange(body[ki].getStart())
                for t in extra:
                    text.insertString(cursor, t, False)
                    text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
            else:
                # after the last changed or kept paragraph
                anchor = olds[-1] if olds else (body[i - 1] if i > 0 else None)
                if anchor is None:
                    sys.exit("no paragraph to add the body of %s after" % title)
                cursor = text.createTextCursorByRange(anchor.getEnd())
                for t in extra:
                    text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
                    text.insertString(cursor, t, False)
        i, j = ki + 1, kj + 1
    got = [par.getString() for par in body_of(doc, title)[1]]
    if len(got) != m or not all(reads_as(g, w) for g, w in zip(got, wanted)):
        sys.exit("the body of %s did not come out as asked: %r" % (title, got))


def main(argv):
    src, dst, profile = os.path.abspath(argv[1]), os.path.abspath(argv[2]), argv[3]
    replaces, deletes, bodies = [], [], []
    i = 4
    while i < len(argv):
        if argv[i] == "--replace-clause-body":
            k = i + 2
            while k < len(argv) and not argv[k].startswith("--"):
                k += 1
            if i + 1 >= len(argv) or k == i + 2:
                sys.exit("--replace-clause-body needs a TITLE and at least one paragraph")
            bodies.append((argv[i + 1], argv[i + 2:k]))
            i = k
        elif argv[i] == "--replace":
            replaces.append((argv[i + 1], argv[i + 2]))
            i += 3
        elif argv[i] == "--delete-clause":
            deletes.append(argv[i + 1])
            i += 2
        else:
            sys.exit("unknown argument " + argv[i])
    pipe = "clasm_lo_edit_%d" % os.getpid()
    env = dict(os.environ, HOME=profile)
    proc = subprocess.Popen(
        ["soffice", "--headless", "--norestore", "--nologo", "--nodefault",
         "-env:UserInstallation=file://" + os.path.abspath(profile),
         "--accept=pipe,name=%s;urp;" % pipe],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ctx = connect(pipe, proc)
        smgr = ctx.ServiceManager
        desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0,
                                           (prop("Hidden", True),))
        for old, new in replaces:
            search = doc.createSearchDescriptor()
            search.SearchString = old
            # as written: a heading is not found in lower case in a sentence
            search.SearchCaseSensitive = True
            found = doc.findFirst(search)
            if found is None:
                sys.exit("text not found: " + old)
            found.setString(new)
        for title, paras in bodies:
            replace_body(doc, title, paras)
        for title in deletes:
            heading, body = body_of(doc, title)
            for par in reversed([heading] + body):
                # dispose() removes a paragraph from the text
                par.dispose()
        doc.storeToURL(uno.systemPathToFileUrl(dst),
                       (prop("FilterName", "MS Word 2007 XML"),))
        doc.close(True)
        try:
            desktop.terminate()
        except Exception:
            pass  # the bridge goes away as soffice quits
    finally:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
