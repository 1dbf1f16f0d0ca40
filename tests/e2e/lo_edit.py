#!/usr/bin/python3
"""Edits a DOCX the way a negotiator would, in a real LibreOffice, and saves it
back as DOCX: the round trip `clasm inspect` must survive.

usage: lo_edit.py IN.docx OUT.docx PROFILE_DIR [--replace OLD NEW]... [--delete-clause TITLE]...

--replace OLD NEW     replaces the first occurrence of OLD with NEW (an edit inside a clause)
--delete-clause TITLE deletes the paragraph whose text is TITLE and the body paragraphs after
                      it, up to the next heading (a clause struck out in negotiation)

Starts soffice headless on a private pipe with its own profile, drives it over
UNO (Debian's python3-uno), and stops it. Exit 0 on success.
"""
import os
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


def main(argv):
    src, dst, profile = os.path.abspath(argv[1]), os.path.abspath(argv[2]), argv[3]
    replaces, deletes = [], []
    i = 4
    while i < len(argv):
        if argv[i] == "--replace":
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
        for title in deletes:
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
            for par in reversed(pars[start:end]):
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
