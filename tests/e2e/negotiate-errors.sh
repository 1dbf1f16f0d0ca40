#!/bin/sh
# Negotiation on the command line when something is wrong: redline, approve,
# inspect --as and a deal's positions. Each refusal is checked for its exit
# code, the words and error id on stderr, and that nothing is written: the
# work folder is the same afterwards, file for file and byte for byte (so
# the draft is untouched, no output appears and no staging file is left).
. "$(dirname "$0")/lib.sh"
W=$(workdir negotiate-errors)
cd "$W" || exit 1
DEAL="$ROOT/examples/deals/cloud-analytics-state-telecom.yaml"

# refused NAME RC NEEDLE... -- ARGS... (lib.sh), its checks named so:
REFUSED_PREFIX=negotiate-errors

# ---- drafts: as assembled, with one word of a clause that is not
# negotiable changed, without a manifest, without roles in its manifest.
run_clasm assemble "$DEAL" -o draft.docx
check "negotiate-errors: the draft assembles" [ "$RC" -eq 0 ]
if ! python3 - <<'PY'; then
import re, zipfile

def copy(src, dst, edit):
    zin = zipfile.ZipFile(src)
    zout = zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED)
    for info in zin.infolist():
        data = edit(info.filename, zin.read(info.filename))
        if data is not None:
            zout.writestr(info, data)
    zout.close()

def change_word(name, data):
    if name == "word/document.xml":
        old = b"Each party shall comply with the Export Control Laws"
        assert data.count(old) == 1, "the export-control sentence is not there once"
        data = data.replace(old, b"Each party may comply with the Export Control Laws")
    return data

def no_manifest(name, data):
    return None if name.startswith("customXml/") else data

def no_roles(name, data):
    if re.fullmatch(r"customXml/item\d+\.xml", name) and b"<clasm:manifest" in data:
        data, n = re.subn(rb"<clasm:roles .*?</clasm:roles>", b"", data, flags=re.S)
        assert n == 1, "no roles in the manifest"
    return data

copy("draft.docx", "changed.docx", change_word)
copy("changed.docx", "stripped.docx", no_manifest)
copy("changed.docx", "noroles.docx", no_roles)
PY
    fail "negotiate-errors" "the changed drafts could not be made"
    exit 0
fi
printf 'not a zip\n' >notdocx.docx
mkdir folder

run_clasm inspect changed.docx --format json
check "negotiate-errors: the changed draft has one deviation, for counsel" \
    sh -c 'printf "%s" "$1" | grep -q "\"position\": \"deviation\"" && printf "%s" "$1" | grep -q "\"approver\": \"counsel\""' _ "$OUT"

# ---- clasm redline
refused "redline a missing file" 3 "cannot open missing.docx" "[io-error]" -- \
    redline missing.docx
refused "redline a file that is not a DOCX" 1 "notdocx.docx is not a DOCX file" "[not-a-zip]" -- \
    redline notdocx.docx
refused "redline a DOCX without manifest" 1 "stripped.docx: error: the document has no clasm manifest" \
    "[no-manifest]" -- redline stripped.docx
refused "redline -o into a missing folder" 1 "cannot write nodir/x.docx: the folder nodir does not exist" \
    "[output-folder-missing]" -- redline changed.docx -o nodir/x.docx
refused "redline -o a folder" 1 "cannot write folder: it is a folder" "[output-is-folder]" -- \
    redline changed.docx -o folder
refused "redline -o the draft itself" 1 "the output changed.docx is the draft being read" "[output-is-input]" -- \
    redline changed.docx -o changed.docx
refused "redline --to fallback:0" 2 "--to is standard or fallback:N (N a fallback's number, 1 to 999), not fallback:0" -- \
    redline changed.docx --to fallback:0
refused "redline --to bogus" 2 "--to is standard or fallback:N (N a fallback's number, 1 to 999), not bogus" -- \
    redline changed.docx --to bogus
refused "redline --to fallback:x" 2 "not fallback:x" -- redline changed.docx --to fallback:x
refused "redline --date yesterday" 1 "the date of the changes, yesterday, is not a UTC time such as 2026-12-07T09:00:00Z" \
    "[invalid-date]" -- redline changed.docx --date yesterday -o rd.docx
refused "redline --date 2026-13-07T09:00:00Z" 1 "[invalid-date]" -- \
    redline changed.docx --date 2026-13-07T09:00:00Z -o rd.docx
refused "redline with a second draft" 2 "one draft only (extra argument other.docx)" -- \
    redline changed.docx other.docx
refused "redline with a missing library" 3 "[library-not-found]" -- \
    redline changed.docx --library "$W/no-library"
# What the refusals would have written: the default output beside the draft.
run_clasm redline changed.docx
check "negotiate-errors: redline without -o writes changed-redline.docx" \
    sh -c '[ "$1" -eq 0 ] && [ -s changed-redline.docx ]' _ "$RC"
rm -f changed-redline.docx

# ---- clasm approve: refused in place and with -o, the draft untouched
refused "approve without --clause" 2 "--clause ID, --as ROLE and --by NAME are required" -- \
    approve changed.docx --as counsel --by "A. Reyes"
refused "approve without --as" 2 "--clause ID, --as ROLE and --by NAME are required" -- \
    approve changed.docx --clause export-control.compliance --by "A. Reyes"
refused "approve without --by" 2 "--clause ID, --as ROLE and --by NAME are required" -- \
    approve changed.docx --clause export-control.compliance --as counsel
refused "approve --by ''" 2 "option --by needs a value" -- \
    approve changed.docx --clause export-control.compliance --as counsel --by ""
for o in "" "-o out.docx"; do
    at=${o:+" $o"}
    # shellcheck disable=SC2086 # $o is empty or two words
    refused "approve$at an unknown clause" 1 \
        "the draft has no clause 'export-control.complianse' (did you mean 'export-control.compliance'?) (clasm inspect lists its clauses)" \
        "[unknown-clause]" -- \
        approve changed.docx --clause export-control.complianse --as counsel --by "A. Reyes" $o
    # shellcheck disable=SC2086
    refused "approve$at as an unknown role" 1 \
        "--as boss: not a role of this draft; the roles are contract-manager, compliance-office or counsel" \
        "[unknown-role]" -- \
        approve changed.docx --clause export-control.compliance --as boss --by "A. Reyes" $o
    # shellcheck disable=SC2086
    refused "approve$at by a role too low" 1 \
        "the contract manager may not approve the deviation of clause export-control.compliance (Export Control and Sanctions Compliance): it needs counsel (the clause is not negotiable)" \
        "[approval-not-allowed]" -- \
        approve changed.docx --clause export-control.compliance --as contract-manager --by "A. Reyes" $o
    # shellcheck disable=SC2086
    refused "approve$at by the role just below" 1 \
        "the compliance office may not approve the deviation of clause export-control.compliance" \
        "[approval-not-allowed]" -- \
        approve changed.docx --clause export-control.compliance --as compliance-office --by "A. Reyes" $o
    # shellcheck disable=SC2086
    refused "approve$at a clause that needs none" 1 \
        "the clause audit.on-site-audit (Information, Audit and Cooperation) has the text the draft was made with, or the standard, so it needs no approval" \
        "[approval-not-needed]" -- \
        approve changed.docx --clause audit.on-site-audit --as counsel --by "A. Reyes" $o
    # shellcheck disable=SC2086
    refused "approve$at in a draft without manifest" 1 "the document has no clasm manifest" \
        "[no-manifest]" -- \
        approve stripped.docx --clause export-control.compliance --as counsel --by "A. Reyes" $o
    # shellcheck disable=SC2086
    refused "approve$at in a draft that records no roles" 1 \
        "the draft records no roles (it was assembled with a library without negotiation roles), so no approval can be recorded" \
        "[no-roles]" -- \
        approve noroles.docx --clause export-control.compliance --as counsel --by "A. Reyes" $o
    # shellcheck disable=SC2086
    refused "approve$at in a missing draft" 3 "cannot open missing.docx" "[io-error]" -- \
        approve missing.docx --clause export-control.compliance --as counsel --by "A. Reyes" $o
done
refused "approve -o into a missing folder" 1 "the folder nodir does not exist" "[output-folder-missing]" -- \
    approve changed.docx --clause export-control.compliance --as counsel --by "A. Reyes" -o nodir/o.docx
# -o naming the draft itself is what approve does without -o: in place.
cp changed.docx self.docx
run_clasm approve self.docx --clause export-control.compliance --as counsel --by "A. Reyes" -o self.docx
check "negotiate-errors: approve -o the draft itself records in place (exit 0)" [ "$RC" -eq 0 ]
run_clasm inspect self.docx --format json
check "negotiate-errors: approve -o the draft itself: the approval is in the draft" has "$OUT" '"by": "A. Reyes"'
rm -f self.docx
# The role needed: recorded, into -o only.
before=$(md5sum changed.docx)
run_clasm approve changed.docx --clause export-control.compliance --as counsel --by "A. Reyes" -o out.docx
check "negotiate-errors: approve as counsel -o out.docx exits 0 and writes out.docx only" \
    sh -c '[ "$1" -eq 0 ] && [ -s out.docx ] && [ "$2" = "$(md5sum changed.docx)" ]' _ "$RC" "$before"
rm -f out.docx

# A fallback the deal chose is the text the draft was made with: no approval.
sed '$a positions: {audit.on-site-audit: 1}' "$DEAL" >chosen.yaml
run_clasm assemble chosen.yaml -o chosen.docx
check "negotiate-errors: a deal with positions assembles" [ "$RC" -eq 0 ]
refused "approve the fallback the deal chose" 1 "the clause audit.on-site-audit" "[approval-not-needed]" -- \
    approve chosen.docx --clause audit.on-site-audit --as counsel --by "A. Reyes"

# ---- clasm inspect --as
refused "inspect --as nobody" 2 "clasm: --as nobody: not a role of this draft's playbook" -- \
    inspect changed.docx --as nobody
check "negotiate-errors: inspect --as nobody prints no report" [ -z "$OUT" ]
run_clasm inspect changed.docx --as compliance-office
check "negotiate-errors: inspect --as compliance-office exits 0" [ "$RC" -eq 0 ]
check "negotiate-errors: inspect --as compliance-office: the change needs counsel" has "$OUT" "needs counsel"
refused "inspect --as with no value" 2 "option --as needs a value" -- inspect changed.docx --as

# ---- a deal's positions through assemble and select: every error at its
# place, no draft (neither -o nor the default name).
cp "$DEAL" bad-positions.yaml
start=$(($(wc -l <bad-positions.yaml) + 2))
cat >>bad-positions.yaml <<'YAML'
positions:
  audit.on-site-audt: 1
  export-control.compliance: 1
  reassessment.change-notification: 1
  audit.arbitration: 5
  access-control.license-key-renewal: 2
YAML
l1=$start l2=$((start + 1)) l3=$((start + 2)) l4=$((start + 3)) l5=$((start + 4))
for o in "" "-o bad.docx"; do
    at=${o:+" $o"}
    # shellcheck disable=SC2086
    refused "assemble$at a deal with refused positions" 1 \
        "bad-positions.yaml:$l1:3: error: positions: the library has no clause 'audit.on-site-audt' (did you mean 'audit.on-site-audit'?) [unknown-clause]" \
        "bad-positions.yaml:$l2:3: error: positions: the clause export-control.compliance (Export Control and Sanctions Compliance) is not negotiable, so the deal can only take its standard text [not-negotiable]" \
        "bad-positions.yaml:$l3:3: error: positions: the clause reassessment.change-notification (Notice of Material Changes) has no approved fallback, so the deal can only take its standard text [not-negotiable]" \
        "bad-positions.yaml:$l4:3: error: positions: the clause audit.arbitration has 2 approved fallbacks, not 5 [unknown-fallback]" \
        "bad-positions.yaml:$l5:3: error: positions: fallback 2 of access-control.license-key-renewal may not be agreed above the elevated tier, and this deal is at the high tier" \
        "[position-not-allowed]" -- \
        assemble bad-positions.yaml $o
done
refused "select a deal with refused positions" 1 "[unknown-clause]" "[not-negotiable]" \
    "[unknown-fallback]" "[position-not-allowed]" -- select bad-positions.yaml

cp "$DEAL" zero.yaml
start=$(($(wc -l <zero.yaml) + 2))
printf 'positions:\n  audit.on-site-audit: 0\n  audit.arbitration: first\n  audit.sovereign-immunity: [1]\n' >>zero.yaml
refused "assemble a deal with positions that are not numbers" 1 \
    "zero.yaml:$start:24: error: positions.audit.on-site-audit must be the number of an approved fallback of the clause (1 for the first) [invalid-position]" \
    "zero.yaml:$((start + 1)):22: error: positions.audit.arbitration must be" \
    "zero.yaml:$((start + 2)):29: error: positions.audit.sovereign-immunity must be" -- \
    assemble zero.yaml -o zero.docx
