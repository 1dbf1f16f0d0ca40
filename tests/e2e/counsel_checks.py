#!/usr/bin/python3
"""Checks a senior counsel makes on the drafts of the example deals (issue 14),
on LibreOffice's text of each draft.

Usage: counsel_checks.py DEALS_DIR TXT_DIR JSON_DIR LIBRARY_YAML

DEALS_DIR holds the deals (*.yaml); TXT_DIR the LibreOffice text of each draft
(<id>-<document>.txt); JSON_DIR the `clasm inspect --format json` of each draft
(<id>-<document>.json), whose clause titles mark where each safeguard clause
starts in the text, and the `clasm select --format json` plan of each deal
(<id>.plan.json, for its tier). Prints one line per problem; exit 1 when there is any.

The checks:
- reseller agreements: the Customer is not a party and does not sign (its
  name is never alone on a line, as a parties-table or signature-block cell
  is, and no line signs or accepts for it);
- fees: the deal's fee amount appears in exactly one document of its pack;
- retention: the sentences that say how long data or records are kept stand
  under one heading per draft (others cite that clause by number);
- another agency's access to data: at most one kind of trigger per draft
  (prior consent, notice before, or notice after);
- state buyers (government agency, security service, state-linked): each draft
  the buyer is a party to (not the reseller agreement) has arbitration and a
  waiver of immunity, and no submission to courts' exclusive jurisdiction;
  other drafts: no arbitration;
- the frame fits the deal (issue 14 round 2): one rule on license keys (the
  frame's "License Keys" or the library's periodically renewed keys, never
  both); every agreement has ordinary termination for breach or insolvency and
  (contract, EULA) what an ending does; a hosted (cloud) contract or EULA has no
  perpetual license, no title to hardware and not the license-and-supply title;
  a direct deal's drafts never mention a reseller; an addendum reaches the
  Agreement only as it concerns the Product and changes no fee or price; where
  a draft has the clause on government demands for data, confidentiality's
  disclosure to authorities is subject to it; no clause number runs into its
  heading;
- proportionality: the safeguards of a baseline-tier deal's draft (the text
  under the library's clause headings, less the definitions and the disputes
  clauses, which frame the whole agreement) stay near a page, and well under
  those of every elevated or higher draft.
"""
import json
import os
import re
import sys

import yaml

STATE_KINDS = {"government-agency", "security-service", "state-linked"}
HEADING = re.compile(r"^\d+(\.\d+)*\.?[ \t]+(?=\S)")
PERIOD = re.compile(r"\((\d+)\)\s+(?:calendar\s+|business\s+)?(day|month|year)s?\b"
                    r"|\b(\d+)\s+(?:calendar\s+|business\s+)?(day|month|year)s?\b")
# A sentence that says how long data or logs are kept, or when they must go.
RETENTION = re.compile(r"\b(retain\w*|retention|keep|keeps|kept|store|stores|stored|hold|held)\b[^.;]{0,120}"
                       r"\b(for|until|no longer than|longer than|beyond)\b[^.;]{0,60}"
                       r"(?-i:\b(days?|months?|years?|life|lifetime|term|expiry|end)\b)"
                       r"|\b(delete|deleted|erase|erased|destroy|destroyed)\b[^.;]{0,120}"
                       r"\b(no later than|after|within)\b[^.;]{0,60}\b(days?|months?|years?)\b",
                       re.I)
OTHERS = re.compile(r"\b(another|any other|other)\s+(agency|agencies|authority|authorities|"
                    r"public body|government body|state body|body|entity|entities|unit|units)\b"
                    r"|\bthird part(y|ies)\b", re.I)
ACCESS = re.compile(r"\b(access|disclos\w*|shar\w*|transfer\w*|provid\w* .*data)\b", re.I)
# About a page: an A4 page of the templates' 11-point clause text holds some 600-700 words.
BASELINE_MAX_WORDS = 800
# Library clauses that frame the agreement rather than safeguard: the definitions
# (which serve the whole draft) and the disputes rules.
FRAME_CLAUSES = ("definitions.", "audit.governing-law-disputes", "audit.arbitration",
                 "audit.sovereign-immunity")


def sentences(text):
    """(heading, sentence) for every sentence, under the numbered heading it follows."""
    out, heading = [], ""
    for line in text.splitlines():
        line = re.sub(r"\s+", " ", line).strip()
        if HEADING.match(line) and len(line) < 120:
            heading = line
        out += [(heading, s.strip()) for s in re.split(r"(?<=[.;:])\s+(?=[A-Z(])", line)
                if s.strip()]
    return out


def periods(sentence):
    out = set()
    for m in PERIOD.finditer(sentence):
        n, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        out.add("%s %s" % (n, unit.lower()))
    return out


def trigger_kinds(sentence):
    s = sentence.lower()
    kinds = set()
    if re.search(r"\b(prior|written)?\s*consent\b", s) and re.search(r"\b(before|prior|without)\b", s):
        kinds.add("prior consent")
    if re.search(r"\b(noti(ce|fy|fies|fied)|tell|inform)\b", s):
        if re.search(r"\b(before|in advance|prior to|at least)\b", s):
            kinds.add("notice before")
        elif re.search(r"\b(after|within)\b", s):
            kinds.add("notice after")
    return kinds


def clause_words(lines, titles):
    """Words of the text under each heading line whose title is one of titles."""
    words, inside = 0, False
    for line in lines:
        line = line.rstrip("\r")
        if HEADING.match(line) or line.strip() in titles:
            title = HEADING.sub("", line).strip()
            inside = title in titles
            continue
        if inside:
            words += len(line.split())
    return words


def main(argv):
    deals_dir, txt_dir, json_dir, library = argv[1:5]
    lib = yaml.safe_load(open(library, encoding="utf-8"))
    default_currency = str(lib["terms"].get("currency", {}).get("default", ""))
    problems = []
    tiers = {}
    for name in sorted(os.listdir(deals_dir)):
        if not name.endswith(".yaml"):
            continue
        deal = yaml.safe_load(open(os.path.join(deals_dir, name), encoding="utf-8"))
        did = deal["id"]
        texts = {}
        for doc in deal["documents"]:
            path = os.path.join(txt_dir, "%s-%s.txt" % (did, doc))
            if not os.path.exists(path):
                problems.append("%s: no text for its %s draft" % (name, doc))
                continue
            texts[doc] = open(path, encoding="utf-8").read().replace("\r\n", "\n")
        terms = deal.get("terms") or {}
        cname = deal["customer"]["name"]

        # The Customer is no party to the reseller agreement.
        ra = texts.get("reseller-agreement")
        if ra is not None:
            for i, line in enumerate(ra.splitlines(), 1):
                if line.strip() == cname:
                    problems.append("%s: reseller agreement line %d: the Customer's name alone, "
                                    "as a party or signatory: %r" % (name, i, line))
                if re.search(r"\b(signed|accepted|executed)\b.*\bCustomer\b", line, re.I) or \
                        re.search(r"\bfor and on behalf of\b.*\bCustomer\b", line, re.I) or \
                        line.strip() in ("Customer", "the Customer", "Customer (end user)"):
                    problems.append("%s: reseller agreement line %d: the Customer signs or is a "
                                    "party: %r" % (name, i, line))

        # A fee amount in exactly one document of the pack.
        fees = terms.get("fees")
        if fees is not None:
            amount = "%s %s" % (terms.get("currency", default_currency), fees)
            having = [doc for doc, t in texts.items() if str(fees) in t]
            if len(having) != 1:
                problems.append("%s: the fee %s appears in %d documents of the pack (%s), not one"
                                % (name, amount, len(having), ", ".join(having) or "none"))
            elif amount not in texts[having[0]]:
                problems.append("%s: the %s shows the fee without its currency (%s)"
                                % (name, having[0], amount))

        for doc, text in texts.items():
            where = "%s %s" % (did, doc)
            ss = sentences(text)
            # One retention rule: the sentences that say how long data or records
            # are kept stand under one heading. (A sentence that cites a clause
            # applies that clause's rule; export records follow the export laws.)
            kept = {}
            for h, s in ss:
                if RETENTION.search(s) and not re.search(r"\bclauses? \d", s) and \
                        not re.search(r"\bExport Control Laws\b|\brecords of (its|their) exports\b", s):
                    kept.setdefault(h, s)
            if len(kept) > 1:
                problems.append("%s: %d retention rules: %s" % (
                    where, len(kept), " | ".join("%s: %r" % (h or "(no heading)", s[:140])
                                                 for h, s in kept.items())))
            # One trigger for another body's access.
            triggers = {}
            for _, s in ss:
                if OTHERS.search(s) and ACCESS.search(s):
                    for k in trigger_kinds(s):
                        triggers.setdefault(k, s)
            if len(triggers) > 1:
                problems.append("%s: %d triggers for another body's access to data: %s" % (
                    where, len(triggers), " | ".join("%s in %r" % (k, s[:140]) for k, s in
                                                     sorted(triggers.items()))))
            # Disputes fit the buyer.
            low = text.lower()
            # (A reseller agreement is between the Supplier and the Reseller: the
            # state buyer is no party to it, so it cannot arbitrate or waive
            # immunity there; it keeps the courts, like any other buyer's.)
            if deal["customer"]["kind"] in STATE_KINDS and doc != "reseller-agreement":
                if "arbitrat" not in low:
                    problems.append("%s: a state buyer's draft without arbitration" % where)
                if not re.search(r"waive[sd]?\b[^.]{0,200}\bimmunit", low):
                    problems.append("%s: a state buyer's draft without a waiver of immunity" % where)
                if re.search(r"submit\w*\s+to\s+the\s+exclusive\s+jurisdiction", low):
                    problems.append("%s: a state buyer's draft also submits disputes to courts'"
                                    " exclusive jurisdiction" % where)
            elif "arbitrat" in low:
                problems.append("%s: arbitration in a draft for a %s customer" % (
                    where, deal["customer"]["kind"]))

            problems += ["%s: %s" % (where, p) for p in frame_problems(deal, doc, text)]

            # The words of the safeguards, by the clause titles inspect found.
            jpath = os.path.join(json_dir, "%s-%s.json" % (did, doc))
            if os.path.exists(jpath):
                rep = json.load(open(jpath, encoding="utf-8"))
                titles = {c["title"] for c in rep.get("clauses", [])
                          if c.get("title") and not c["id"].startswith(FRAME_CLAUSES)}
                tiers[where] = (deal_tier(json_dir, did), clause_words(text.splitlines(), titles))
    return problems, tiers


def heading(text, title):
    return re.search(r"^\d+\.\d+[ \t]+%s[ \t]*$" % re.escape(title), text, re.M) is not None


def frame_problems(deal, doc, text):
    """What the template frame must get right for this deal (issue 14 round 2)."""
    out = []
    if heading(text, "License Keys") and heading(text, "Periodically Renewed License Keys"):
        out.append("two rules on license keys (License Keys and Periodically Renewed License Keys)")
    if doc != "addendum" and not heading(text, "Termination for Breach or Insolvency"):
        out.append("no termination for breach or insolvency")
    if doc in ("contract", "eula") and not heading(text, "Effect of Termination"):
        out.append("no clause on the effect of termination")
    if deal.get("deployment") == "cloud" and doc in ("contract", "eula"):
        for what, rx in (("a perpetual license", r"\bperpetual\b"), ("title to hardware", r"Title and Risk"),
                         ("the license-and-supply title", r"Master License and Supply Agreement")):
            if re.search(rx, text):
                out.append("a hosted deal's draft has %s" % what)
    if not deal.get("reseller") and re.search(r"\breseller\b", text, re.I):
        out.append("a direct deal's draft mentions a reseller")
    if doc == "addendum":
        if "so far as it concerns the Product" not in text:
            out.append("the addendum does not limit \u201cthis agreement\u201d to the Product")
        if "changes no fee or price" not in text:
            out.append("the addendum does not say it changes no fee or price")
        if re.search(r"even where the Agreement defines it differently", text):
            out.append("the addendum's definitions override the Agreement's")
    if heading(text, "Government Demands for Data") and heading(text, "Use and Protection") and \
            "subject to any provisions of this agreement on government demands for data" not in text:
        out.append("confidentiality lets a party disclose to authorities outside the clause on "
                   "government demands for data")
    for m in re.finditer(r"^(\d+\.\d+)(?=[A-Z])", text, re.M):
        out.append("the clause number %s runs into its heading" % m.group(1))
    return out


def deal_tier(json_dir, did):
    path = os.path.join(json_dir, "%s.plan.json" % did)
    if not os.path.exists(path):
        return None
    plan = json.load(open(path, encoding="utf-8"))
    return (plan[0] if isinstance(plan, list) else plan).get("tier")


if __name__ == "__main__":
    problems, words = main(sys.argv)
    tiers = {w: t for w, (t, n) in words.items()}
    base = {w: n for w, (t, n) in words.items() if t == "baseline"}
    rest = {w: n for w, (t, n) in words.items() if t not in (None, "baseline")}
    for w, n in sorted(base.items()):
        if n > BASELINE_MAX_WORDS:
            problems.append("%s: the baseline draft's safeguards run to %d words (at most %d, "
                            "about a page)" % (w, n, BASELINE_MAX_WORDS))
        for w2, n2 in sorted(rest.items()):
            if n * 2 > n2:
                problems.append("%s: the baseline draft's safeguards (%d words) are not well under"
                                " those of %s (%d words, tier %s)" % (w, n, w2, n2, tiers[w2]))
    for w, (t, n) in sorted(words.items()):
        print("safeguard words %s (%s): %d" % (w, t, n), file=sys.stderr)
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)
