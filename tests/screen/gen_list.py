#!/usr/bin/env python3
"""A synthetic screening list in the layout of the Consolidated Screening
List's CSV download, with labelled queries, to measure and test clasm's
screening (assembler/screen.c).

    gen_list.py [--entries N] [--seed S] [--queries Q] OUTDIR

writes OUTDIR/list.csv (N entries, default 20 000: the real file's header
and columns, quoted as the real file quotes them) and OUTDIR/queries.tsv:

    id  kind  category  name  country  expected

kind is "hit" (the query names the entry whose _id is `expected`, written
another way) or "miss" (a near miss: it names no entry; `expected` is
empty). country is an ISO 3166-1 alpha-2 code or empty.

Every person and company name is invented: surnames and company words are
built from syllables, and the generator checks that no two entries share a
name. Given names are common ones with their usual spelling variants
(Mohammed and Muhammad, Aleksandr and Alexander), the variants that
screening has to see through. Standard library only; the same seed writes
the same files."""
import argparse
import csv
import hashlib
import os
import random
import sys

HEADER = ["_id", "source", "entity_number", "type", "programs", "name", "title", "addresses",
          "federal_register_notice", "start_date", "end_date", "standard_order",
          "license_requirement", "license_policy", "call_sign", "vessel_type", "gross_tonnage",
          "gross_registered_tonnage", "vessel_flag", "vessel_owner", "remarks", "source_list_url",
          "alt_names", "citizenships", "dates_of_birth", "nationalities", "places_of_birth",
          "source_information_url", "ids"]

# The lists the CSL merges (their names as its source column writes them),
# with how often an entry comes from each, and whether the list numbers its
# entries (Treasury's do).
SOURCES = [
    ("Specially Designated Nationals (SDN) - Treasury Department", 60, True),
    ("Entity List (EL) - Bureau of Industry and Security", 18, False),
    ("Sectoral Sanctions Identifications List (SSI) - Treasury Department", 4, True),
    ("Denied Persons List (DPL) - Bureau of Industry and Security", 4, False),
    ("Unverified List (UVL) - Bureau of Industry and Security", 2, False),
    ("Military End User (MEU) List - Bureau of Industry and Security", 2, False),
    ("Nonproliferation Sanctions (ISN) - State Department", 3, False),
    ("ITAR Debarred (DTC) - State Department", 3, False),
    ("Foreign Sanctions Evaders (FSE) - Treasury Department", 2, True),
    ("Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department", 2,
     True),
]
PROGRAMS = ["SDGT", "IRAN", "IFSR", "NPWMD", "RUSSIA-EO14024", "UKRAINE-EO13662", "CYBER2",
            "SDNTK", "GLOMAG", "SYRIA", "DPRK3", "VENEZUELA-EO13850", "BELARUS-EO14038"]

# Given names and their spelling variants: a query may write any of a group.
GIVEN_VARIANTS = [
    ["Mohammed", "Muhammad", "Mohamed", "Mohammad", "Muhammed"],
    ["Aleksandr", "Alexander", "Aleksander", "Alexandr"],
    ["Sergei", "Sergey", "Serguei"],
    ["Yusuf", "Youssef", "Yousef"],
    ["Hussein", "Husayn", "Husain", "Hossein"],
    ["Dmitri", "Dmitry", "Dmitriy"],
    ["Yevgeny", "Evgeny", "Evgeniy"],
    ["Ahmad", "Ahmed"],
    ["Mikhail", "Mikhael"],
    ["Tatiana", "Tatyana"],
    ["Omar", "Umar"],
    ["Hassan", "Hasan"],
    ["Nikolai", "Nikolay"],
    ["Yuri", "Yury", "Iouri"],
    ["Fyodor", "Fedor"],
    ["Abdulrahman", "Abdul Rahman", "Abdelrahman"],
    ["Olga", "Olha"],
    ["Andrei", "Andrey"],
    ["Aleksei", "Alexei", "Alexey"],
    ["Jose", "José"],
    ["Jurgen", "Jürgen"],
    ["Khalid", "Khaled"],
]
GIVEN_PLAIN = ["Ivan", "Pavel", "Reza", "Karim", "Farid", "Elena", "Viktor", "Igor", "Anton",
               "Boris", "Leila", "Samir", "Tariq", "Nadia", "Ibrahim", "Rashid", "Yasmin", "Wei",
               "Jian", "Min", "Hyun", "Jae", "Ali", "Maryam", "Zainab", "Ramon", "Lucia", "Goran",
               "Milan", "Vera", "Kamal", "Nasser", "Irina", "Oleg", "Roman", "Timur", "Arman",
               "Daniyar", "Bahrom", "Said", "Walid", "Amir", "Faisal", "Hamid"]

ONSETS = ["b", "d", "f", "g", "h", "k", "kh", "l", "m", "n", "p", "r", "s", "sh", "t", "v",
          "z", "zh", "ch", "dr", "gr", "kr", "st", "tr", "br", "y"]
VOWELS = ["a", "e", "i", "o", "u", "a", "o", "e"]
CODAS = ["", "", "", "n", "r", "l", "s", "k", "m", "t"]
SURNAME_ENDS = [("ov", 6), ("ev", 3), ("in", 3), ("enko", 2), ("sky", 2), ("ovich", 1),
                ("yan", 2), ("i", 3), ("zadeh", 1), ("", 6)]
INDUSTRY = ["Trading", "Industrial", "Shipping", "Electronics", "Logistics", "Petrochemical",
            "Engineering", "Technologies", "Import Export", "Aviation", "Machinery", "Metals",
            "Energy", "Marine Services", "Holding", "Investment", "Systems", "Chemicals",
            "Construction", "Telecom", "Precision Instruments", "Semiconductor", "Pharma",
            "Research Institute", "Freight"]
LEGAL = ["LLC", "Ltd.", "Limited", "GmbH", "JSC", "OOO", "FZE", "Co., Ltd.", "S.A.", "Inc.",
         "Corporation", "PJSC", "AG", "Company", "LLP", "Sdn Bhd", "S.R.L."]
# Countries an entry's address may be in, and cities of the addresses.
COUNTRIES = ["RU", "IR", "CN", "AE", "TR", "SY", "KP", "BY", "HK", "VE", "LB", "IQ", "CY", "DE",
             "GB", "MY", "SG", "PK", "UA", "KZ", "AM", "GE", "IN", "US", "CH"]
STREETS = ["Ulitsa", "Street", "Road", "Avenue", "Boulevard", "Lane"]
ACCENTS = {"a": "áàâä", "e": "éèêë", "i": "íî", "o": "óôö", "u": "úüû", "c": "ç", "s": "ş",
           "n": "ñ", "z": "ž", "g": "ğ"}


def syllable(r):
    return r.choice(ONSETS) + r.choice(VOWELS) + r.choice(CODAS)


def word(r, n):
    return "".join(syllable(r) for _ in range(n)).capitalize()


def surname(r):
    ends = [e for e, w in SURNAME_ENDS for _ in range(w)]
    base = word(r, r.choice([1, 2, 2, 3]))
    s = base + r.choice(ends)
    if r.random() < 0.08:
        s = "Al-" + s
    return s


def given(r):
    if r.random() < 0.55:
        g = r.choice(GIVEN_VARIANTS)
        return r.choice(g), g
    return r.choice(GIVEN_PLAIN), None


def variant_of(r, name, group):
    others = [g for g in group if g != name]
    return r.choice(others) if others else name


def surname_variant(r, s):
    """A transliteration of an invented surname another list or a deal may
    use: -ov/-off, -sky/-ski, kh/h, y/i, ou/u, a doubled or single letter."""
    rules = [("ov", "off"), ("ev", "eff"), ("sky", "ski"), ("kh", "h"), ("y", "i"),
             ("ou", "u"), ("zh", "j"), ("ch", "tch"), ("i", "y"), ("ss", "s"), ("sh", "ch")]
    r.shuffle(rules)
    low = s.lower()
    for a, b in rules:
        k = low.rfind(a)
        if k > 0:
            out = low[:k] + b + low[k + len(a):]
            return out.capitalize() if s[0].isupper() else out
    # No rule applies: double a consonant.
    for k in range(len(low) - 1, 0, -1):
        if low[k] not in "aeiouy-":
            out = low[:k] + low[k] + low[k:]
            return out.capitalize()
    return s


def accented(r, s):
    letters = [i for i, c in enumerate(s) if c.lower() in ACCENTS]
    r.shuffle(letters)
    out = list(s)
    for i in letters[:r.choice([1, 2])]:
        a = r.choice(ACCENTS[s[i].lower()])
        out[i] = a.upper() if s[i].isupper() else a
    return "".join(out)


def typo(r, s):
    """One letter of a word longer than four swapped, doubled or left out."""
    idx = [i for i in range(1, len(s) - 1) if s[i].isalpha() and s[i - 1].isalpha()]
    if not idx:
        return s
    i = r.choice(idx)
    k = r.randrange(3)
    if k == 0 and s[i + 1].isalpha():
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    if k == 1:
        return s[:i] + s[i] + s[i:]
    return s[:i] + s[i + 1:]


def address(r, country):
    n = r.randrange(1, 200)
    city = word(r, 2)
    if r.random() < 0.15:
        return country  # the list often knows only the country
    postal = str(r.randrange(10000, 999999)) if r.random() < 0.6 else ""
    parts = [f"{n} {word(r, 2)} {r.choice(STREETS)}", city]
    if postal:
        parts.append(postal)
    parts.append(country)
    return ", ".join(parts)


def pick_source(r):
    total = sum(w for _, w, _ in SOURCES)
    x = r.uniform(0, total)
    for s, w, numbered in SOURCES:
        x -= w
        if x <= 0:
            return s, numbered
    return SOURCES[0][0], SOURCES[0][2]


class Entry:
    pass


def make_person(r, used):
    while True:
        g, group = given(r)
        middle, mgroup = (given(r) if r.random() < 0.35 else (None, None))
        s = surname(r)
        key = (g, middle, s.lower())
        if key not in used and s.lower() not in used:
            used.add(key)
            used.add(s.lower())
            break
    e = Entry()
    e.kind = "person"
    e.given, e.group, e.middle, e.mgroup, e.surname = g, group, middle, mgroup, s
    first = g + (" " + middle if middle else "")
    e.style = r.choice(["sdn", "first-last", "first-last"])
    e.name = f"{s.upper()}, {first}" if e.style == "sdn" else f"{first} {s.upper()}"
    e.alts = []
    if group and r.random() < 0.5:
        v = variant_of(r, g, group)
        e.alts.append(f"{v} {s.upper()}" if e.style != "sdn" else f"{s.upper()}, {v}")
    if r.random() < 0.3:
        e.alts.append(f"{g} {surname_variant(r, s).upper()}")
    return e


def make_company(r, used):
    while True:
        brand = word(r, r.choice([2, 3, 3]))
        ind = r.choice(INDUSTRY)
        if brand.lower() not in used:
            used.add(brand.lower())
            break
    e = Entry()
    e.kind = "company"
    e.brand, e.industry = brand, ind
    e.legal = r.choice(LEGAL) if r.random() < 0.75 else ""
    parts = [brand, ind] + ([e.legal] if e.legal else [])
    e.name = " ".join(parts)
    if r.random() < 0.4:
        e.name = e.name.upper()
    e.alts = []
    if r.random() < 0.35:  # a former name, another brand
        while True:
            b2 = word(r, 3)
            if b2.lower() not in used:
                used.add(b2.lower())
                break
        e.former = f"{b2} {r.choice(INDUSTRY)}"
        e.alts.append(e.former)
    if r.random() < 0.25:
        e.alts.append(f"{r.choice(['LLC', 'OOO', 'JSC', 'Limited Liability Company'])} {brand}")
    return e


def make_vessel(r, used):
    while True:
        v = word(r, 2).upper() + (f" {r.randrange(1, 9)}" if r.random() < 0.3 else "")
        if v.lower() not in used:
            used.add(v.lower())
            break
    e = Entry()
    e.kind = "vessel"
    e.name = v
    e.alts = []
    return e


def build_entries(r, n):
    used = set()
    entries = []
    for i in range(n):
        x = r.random()
        e = make_person(r, used) if x < 0.45 else make_company(r, used) if x < 0.95 \
            else make_vessel(r, used)
        e.index = i
        e.source, numbered = pick_source(r)
        e.number = str(5000 + i * 3 + r.randrange(3)) if numbered else ""
        e.id = e.number if numbered else hashlib.sha256(f"{i}:{e.name}".encode()).hexdigest()[:56]
        e.countries = []
        k = r.choice([0, 1, 1, 1, 2, 2, 3])
        home = r.choice(COUNTRIES)
        for j in range(k):
            e.countries.append(home if j == 0 or r.random() < 0.5 else r.choice(COUNTRIES))
        e.addresses = [address(r, c) for c in e.countries]
        e.nationality = home if e.kind == "person" and r.random() < 0.4 else ""
        if e.kind == "person" and not e.countries and e.nationality:
            e.countries.append(e.nationality)
        e.programs = "; ".join(sorted(set(r.sample(PROGRAMS, r.choice([1, 1, 2])))))
        entries.append(e)
    return entries


def row(e, r):
    kind = {"person": "Individual", "company": "Entity", "vessel": "Vessel"}[e.kind]
    treasury = "Treasury" in e.source
    cells = {h: "" for h in HEADER}
    cells.update({
        "_id": e.id, "source": e.source, "entity_number": e.number,
        "type": kind if treasury else "", "programs": e.programs if treasury else "",
        "name": e.name, "addresses": "; ".join(e.addresses),
        "alt_names": "; ".join(e.alts),
        "citizenships": e.nationality if r.random() < 0.5 else "",
        "nationalities": e.nationality,
        "start_date": f"20{r.randrange(10, 25):02d}-{r.randrange(1, 13):02d}-{r.randrange(1, 29):02d}",
        "source_list_url": "https://example.invalid/list",
        "source_information_url": "https://example.invalid/info",
        "remarks": "Synthetic entry for tests; not a listed party." if r.random() < 0.1 else "",
    })
    if e.kind == "vessel":
        cells["vessel_type"] = "Crude Oil Tanker"
        cells["vessel_flag"] = "Synthetic Flag"
    return [cells[h] for h in HEADER]


# ---- queries ----

def reorder(r, e):
    first = e.given + (" " + e.middle if e.middle else "")
    forms = [f"{first} {e.surname}", f"{e.surname} {first}", f"{e.surname}, {first}"]
    current = e.name.lower()
    forms = [f for f in forms if f.lower() != current.replace(",", "").lower() and f.lower() !=
             current]
    return r.choice(forms)


def query_for(r, e, cat):
    """A way of writing entry e of category cat, or None when it has none."""
    if cat == "translit":
        if e.kind != "person":
            return None
        g = variant_of(r, e.given, e.group) if e.group else e.given
        s = surname_variant(r, e.surname) if (not e.group or r.random() < 0.5) else e.surname
        m = (" " + variant_of(r, e.middle, e.mgroup) if e.mgroup else " " + e.middle) \
            if e.middle else ""
        return f"{g}{m} {s}"
    if cat == "reorder":
        if e.kind == "person":
            return reorder(r, e)
        if e.kind == "company":
            return f"{e.industry} {e.brand}" + (f" {e.legal}" if e.legal else "")
        return None
    if cat == "legal-form":
        if e.kind != "company":
            return None
        others = [lf for lf in LEGAL if lf != e.legal]
        base = f"{e.brand} {e.industry}"
        k = r.randrange(3)
        if k == 0 and e.legal:
            return base
        if k == 1:
            return f"{r.choice(['OOO', 'JSC', 'LLC', 'Limited Liability Company'])} {base}"
        return f"{base} {r.choice(others)}"
    if cat == "accents":
        if e.kind == "person":
            return accented(r, f"{e.given} {e.surname}")
        if e.kind == "company":
            return accented(r, f"{e.brand} {e.industry}")
        return None
    if cat == "punctuation":
        name = e.name
        k = r.randrange(4)
        if k == 0:
            return name.lower().replace(" ", "-", 1)
        if k == 1:
            return name.title().replace(",", " ,").replace(" ", "  ")
        if k == 2:
            return name.replace(" ", ". ", 1) + "."
        return '"' + name.upper() + '"'
    if cat == "alt-name":
        if not e.alts:
            return None
        return r.choice(e.alts)
    if cat == "typo":
        if e.kind == "person":
            return f"{e.given} {typo(r, e.surname)}"
        if e.kind == "company":
            return f"{typo(r, e.brand)} {e.industry}"
        return None
    if cat == "middle-dropped":
        if e.kind != "person" or not e.middle:
            return None
        return f"{e.given} {e.surname}"
    raise ValueError(cat)


HIT_CATEGORIES = ["translit", "reorder", "legal-form", "accents", "punctuation", "alt-name",
                  "typo", "middle-dropped"]


def levenshtein(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


class Words:
    """The list's distinctive words (surnames, company and vessel names),
    to keep a near miss at an edit distance of 3 or more from every one:
    a different name, not a misspelling. Candidates are found by shared
    letter pairs (an edit changes at most two)."""

    def __init__(self, words):
        self.words = sorted(set(words))
        self.index = {}
        for k, w in enumerate(self.words):
            for bg in self.bigrams(w):
                self.index.setdefault(bg, []).append(k)

    @staticmethod
    def bigrams(w):
        return {w[i:i + 2] for i in range(len(w) - 1)}

    def far(self, w, d=3):
        w = w.lower()
        bgs = self.bigrams(w)
        counts = {}
        for bg in bgs:
            for k in self.index.get(bg, ()):
                counts[k] = counts.get(k, 0) + 1
        need = len(bgs) - 2 * (d - 1)
        for k, c in counts.items():
            if c >= need and levenshtein(w, self.words[k]) < d:
                return False
        return need > 0 or all(levenshtein(w, x) >= d for x in self.words if
                               abs(len(x) - len(w)) < d)

    def add(self, w):
        w = w.lower()
        k = len(self.words)
        self.words.append(w)
        for bg in self.bigrams(w):
            self.index.setdefault(bg, []).append(k)


def near_misses(r, entries, n, words):
    """Names that are none of the list's: a given name shared with an entry
    and another surname; a company sharing one word (its trade) and its
    legal form; a company name that looks like one (its first syllable
    shared) but is another. The word that tells them apart is at an edit
    distance of 3 or more from every distinctive word of the list."""
    persons = [e for e in entries if e.kind == "person"]
    companies = [e for e in entries if e.kind == "company"]
    out = []
    kinds = ["other-surname", "one-word-overlap", "look-alike"]
    while len(out) < n:
        kind = kinds[len(out) % 3]
        if kind == "other-surname":
            e = r.choice(persons)
            s = surname(r)
            if not words.far(s):
                continue
            words.add(s)
            out.append((kind, f"{e.given} {s}", e))
        elif kind == "one-word-overlap":
            e = r.choice(companies)
            b = word(r, r.choice([2, 3]))
            if not words.far(b):
                continue
            words.add(b)
            out.append((kind, f"{b} {e.industry}" + (f" {e.legal}" if e.legal else ""), e))
        else:
            e = r.choice(companies)
            head = e.brand[:3]
            b = (head + word(r, 2).lower())
            if not words.far(b):
                continue
            words.add(b)
            out.append((kind, f"{b} {e.industry}", e))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--entries", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=20261207)
    ap.add_argument("--queries", type=int, default=800, help="queries that must hit")
    ap.add_argument("--misses", type=int, default=400, help="near misses")
    a = ap.parse_args()
    r = random.Random(a.seed)
    os.makedirs(a.outdir, exist_ok=True)
    entries = build_entries(r, a.entries)
    with open(os.path.join(a.outdir, "list.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n")
        w.writerow(HEADER)
        for e in entries:
            w.writerow(row(e, r))
    distinctive = []
    for e in entries:
        if e.kind == "person":
            distinctive += [x for x in e.surname.lower().replace("-", " ").split() if x != "al"]
        elif e.kind == "company":
            distinctive.append(e.brand.lower())
            if getattr(e, "former", None):
                distinctive.append(e.former.split()[0].lower())
        else:
            distinctive.append(e.name.lower().split()[0])
    words = Words(distinctive)
    queries = []
    per = max(1, a.queries // len(HIT_CATEGORIES))
    for cat in HIT_CATEGORIES:
        got = 0
        tries = 0
        while got < per and tries < per * 50:
            tries += 1
            e = r.choice(entries)
            q = query_for(r, e, cat)
            if not q:
                continue
            x = r.random()
            if e.countries and x < 0.7:
                country = r.choice(e.countries)
            elif x < 0.8:  # moved, or a front company elsewhere
                country = r.choice([c for c in COUNTRIES if c not in e.countries])
            else:
                country = ""
            queries.append(("hit", cat, q, country, e.id))
            got += 1
    for kind, q, e in near_misses(r, entries, a.misses, words):
        x = r.random()
        if x < 0.4 and e.countries:
            country = r.choice(e.countries)  # the same country as the look-alike entry
        elif x < 0.7:
            country = r.choice(COUNTRIES)
        else:
            country = ""
        queries.append(("miss", kind, q, country, ""))
    with open(os.path.join(a.outdir, "queries.tsv"), "w", encoding="utf-8") as f:
        f.write("id\tkind\tcategory\tname\tcountry\texpected\n")
        for i, (kind, cat, q, country, exp) in enumerate(queries, 1):
            f.write(f"q{i}\t{kind}\t{cat}\t{q}\t{country}\t{exp}\n")
    sys.stderr.write(f"gen_list: {len(entries)} entries, {len(queries)} queries in {a.outdir}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
