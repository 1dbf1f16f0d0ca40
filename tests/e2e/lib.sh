# Helpers for end-to-end scripts. Sourced; needs CLASM, ROOT, E2E_OUT, E2E_RESULTS.
set -u
pass() { echo "PASS $1" | tee -a "$E2E_RESULTS"; }
fail() { echo "FAIL $1: $2" | tee -a "$E2E_RESULTS"; }
skip() { echo "SKIP $1: $2" | tee -a "$E2E_RESULTS"; }
# A fresh work folder for one script.
workdir() { d="$E2E_OUT/$1"; rm -rf "$d"; mkdir -p "$d"; echo "$d"; }
# run_clasm ARGS...: sets RC, OUT (stdout), ERR (stderr)
run_clasm() {
    _o=$(mktemp); _e=$(mktemp)
    "$CLASM" "$@" >"$_o" 2>"$_e"; RC=$?
    OUT=$(cat "$_o"); ERR=$(cat "$_e"); rm -f "$_o" "$_e"
}
# check NAME COND... : runs the test command, PASS/FAIL
check() { _n=$1; shift; if "$@"; then pass "$_n"; else fail "$_n" "$*"; fi; }
has() { case "$1" in *"$2"*) return 0 ;; *) return 1 ;; esac; }
lacks() { ! has "$1" "$2"; }
# part DOCX NAME: prints one part of a package
part() { unzip -p "$1" "$2"; }
# docx_text DOCX: the text of word/document.xml, paragraphs on lines
docx_text() { unzip -p "$1" word/document.xml | sed -e 's#</w:p>#\n#g' -e 's/<[^>]*>//g'; }
# Material from outside the project (README "Building"): the corpus of real
# Word files and the OOXML validator, in $CLASM_SHARED, else a folder named
# shared beside the project.
SHARED=${CLASM_SHARED:-$ROOT/../shared}
have_shared() { [ -f "$SHARED/ooxml/validate_docx.py" ]; }
have_soffice() { command -v soffice >/dev/null 2>&1; }
# to_text DOCX OUTDIR: LibreOffice converts to text; prints the .txt path
to_text() {
    HOME="$2/home" soffice --headless --norestore --convert-to txt:Text --outdir "$2" "$1" >/dev/null 2>&1
    echo "$2/$(basename "${1%.docx}").txt"
}
# state: every file and folder of the work folder, with checksums.
state() { (find . -type d | sort && find . -type f -exec md5sum {} + | sort -k2); }

# refused NAME RC NEEDLE... -- ARGS...: clasm ARGS, run in the work folder,
# exits RC, stderr holds every NEEDLE, and the folder has not changed;
# the checks are named "$REFUSED_PREFIX: NAME".
refused() {
    _name="$REFUSED_PREFIX: $1" _rc=$2
    shift 2
    _needles=""
    while [ "$1" != -- ]; do
        _needles="$_needles$1
"
        shift
    done
    shift
    _before=$(state)
    run_clasm "$@"
    check "$_name: exits $_rc" [ "$RC" -eq "$_rc" ]
    _missing=""
    _old_ifs=$IFS
    IFS='
'
    set -f
    for _n in $_needles; do
        has "$ERR" "$_n" || _missing="$_missing '$_n'"
    done
    set +f
    IFS=$_old_ifs
    if [ -z "$_missing" ]; then
        pass "$_name: stderr says what and why"
    else
        fail "$_name: stderr says what and why" "it lacks$_missing; stderr: $ERR"
    fi
    _after=$(state)
    if [ "$_after" = "$_before" ]; then
        pass "$_name: nothing written, the draft unchanged"
    else
        printf '%s\n' "$_before" >"$E2E_OUT/$REFUSED_PREFIX.before"
        printf '%s\n' "$_after" >"$E2E_OUT/$REFUSED_PREFIX.after"
        fail "$_name: nothing written, the draft unchanged" \
            "$(diff "$E2E_OUT/$REFUSED_PREFIX.before" "$E2E_OUT/$REFUSED_PREFIX.after" | grep '^[<>]' | head -5 | tr '\n' ' ')"
    fi
}
