#!/bin/sh
# make bench [N=1000] [BUILD=build] [PEERS=0]: clasm batch against
# docxtemplater, docxtpl and the floor on N generated EULA deals, in one run
# on this machine; writes bench/RESULTS.md and prints it. PEERS=0 leaves the
# peer tools out (for N=10000: flat memory and identical bytes, in minutes).
# See bench/README.md.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
N=${N:-1000}
PEERS=${PEERS:-1}
if [ "$PEERS" = 0 ]; then RESULTS=${RESULTS:-$ROOT/bench/RESULTS-scale.md}; else RESULTS=${RESULTS:-$ROOT/bench/RESULTS.md}; fi
CLASM=$BUILD/clasm
W=$BUILD/bench
TEMPLATE=${TEMPLATE:-$ROOT/templates/eula.docx}
LIBRARY=$ROOT/clauses
CORES=$(nproc)
PY=/usr/bin/python3
say() { echo "bench: $*" >&2; }

[ -x "$CLASM" ] || { say "build clasm first (make BUILD=$BUILD)"; exit 2; }

# Tools: installed here, never vendored.
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
need_apt=""
[ -x /usr/bin/time ] || need_apt="$need_apt time"
[ "$PEERS" = 0 ] || $PY -c 'import docxtpl' 2>/dev/null || need_apt="$need_apt python3-docxtpl"
$PY -c 'import yaml' 2>/dev/null || need_apt="$need_apt python3-yaml"
if [ -n "$need_apt" ]; then
    say "installing$need_apt with apt-get"
    as_root apt-get install -y $need_apt >&2
fi
if [ "$PEERS" != 0 ] && [ ! -d "$ROOT/bench/node_modules/docxtemplater" ] || [ ! -d "$ROOT/bench/node_modules/pizzip" ]; then
    say "installing docxtemplater and pizzip with npm ci"
    (cd "$ROOT/bench" && npm ci --no-audit --no-fund >&2)
fi

rm -rf "$W"
mkdir -p "$W"
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
say "building the floors"
cc -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -Wall -Wextra -Werror \
    $(pkg-config --cflags libxml-2.0 libzip) "$ROOT/bench/floor.c" -o "$W/floor" \
    $(pkg-config --libs libxml-2.0 libzip)
# The write floor uses clasm's own package and output code: the library
# archive of the build being measured.
LIBS="libxml-2.0 libzip libdeflate yaml-0.1 jansson libcrypto"
cc -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -Wall -Wextra -Werror \
    $(pkg-config --cflags $LIBS) -I"$ROOT/assembler" -I"$ROOT/assembler/docx" \
    "$ROOT/bench/write_floor.c" -o "$W/write_floor" "$(dirname "$CLASM")/libclasm.a" \
    $(pkg-config --libs $LIBS) -lpthread

say "generating $N deals"
$PY "$ROOT/bench/gen_deals.py" "$N" "$W/deals" --document eula
$PY "$ROOT/bench/gen_deals.py" 20 "$W/deals-20" --document eula --prefix S
if [ "$PEERS" != 0 ]; then
    say "preparing the peers' templates and data (clasm select per deal; not timed)"
    $PY "$ROOT/bench/prepare.py" "$CLASM" "$TEMPLATE" "$LIBRARY" "$W/deals" "$W/prep"
fi

: >"$W/tools"
now() { date +%s.%N; }
# measure NAME LABEL CMD...: runs CMD under /usr/bin/time -v; its stdout is
# one line per document, "<seconds> <output>" (latencies) or clasm's lines.
measure() {
    name=$1 label=$2
    shift 2
    rm -rf "$W/out-$name"
    mkdir -p "$W/out-$name"
    say "timing $label"
    sync
    t0=$(now)
    /usr/bin/time -v -o "$W/$name.time" "$@" >"$W/$name.out" 2>"$W/$name.err" || true
    t1=$(now)
    echo "$t1 - $t0" | bc -l >"$W/$name.wall"
    find "$W/out-$name" -name '*.docx' | wc -l | tr -d ' ' >"$W/$name.count"
    echo "$name|$label" >>"$W/tools"
}
deals_list() { ls "$W/deals"/*.yaml; }
data_list() { ls "$W/prep/data"/*.json; }
raw_list() { ls "$W/prep/data-raw"/*.json; }

# clasm at --jobs 1: per-deal latency is the gap between consecutive
# per-deal lines (each printed and flushed when its deal is written), the
# first gap dropped (it holds start-up and the first pass over all deals).
measure clasm-j1 "clasm batch --jobs 1" sh -c \
    '"$1" batch "$2" -t "$3" -o "$4" --library "$5" --jobs 1 2>/dev/null | "$6" "$7"' _ \
    "$CLASM" "$W/deals" "$TEMPLATE" "$W/out-clasm-j1" "$LIBRARY" "$PY" "$ROOT/bench/stamp.py"
awk '$2 == "ok" { if (prev != "") print $1 - prev; prev = $1 }' "$W/clasm-j1.out" | tail -n +2 \
    >"$W/clasm-j1.lat"
measure clasm-jall "clasm batch --jobs $CORES" "$CLASM" batch "$W/deals" -t "$TEMPLATE" \
    -o "$W/out-clasm-jall" --library "$LIBRARY" --jobs "$CORES"
: >"$W/clasm-jall.lat"
if [ "$PEERS" != 0 ]; then
measure docxtemplater "docxtemplater $(node -p 'require("'"$ROOT"'/bench/node_modules/docxtemplater/package.json").version')" \
    node "$ROOT/bench/peer_docxtemplater.js" "$W/prep/docxtemplater.docx" "$W/out-docxtemplater" $(data_list)
cut -d' ' -f1 "$W/docxtemplater.out" >"$W/docxtemplater.lat"
# The same tool's cheapest way to the same document: clasm's own clause XML
# (taken from clasm's drafts by prepare.py, not timed) inserted by {@raw} tags.
measure docxtemplater-raw "docxtemplater, clasm's clause XML as {@raw}" \
    node "$ROOT/bench/peer_docxtemplater.js" "$W/prep/docxtemplater-raw.docx" "$W/out-docxtemplater-raw" $(raw_list)
cut -d' ' -f1 "$W/docxtemplater-raw.out" >"$W/docxtemplater-raw.lat"
measure docxtpl "docxtpl $($PY -c 'import docxtpl; print(docxtpl.__version__)')" \
    $PY "$ROOT/bench/peer_docxtpl.py" "$W/prep/docxtpl.docx" "$W/out-docxtpl" $(data_list)
cut -d' ' -f1 "$W/docxtpl.out" >"$W/docxtpl.lat"
fi
# The template-copy floor (for reference: it writes the template, not a
# draft) deflates with libzip's zlib at clasm's level number (package.h).
LEVEL=$(awk '/#define CLASM_DEFLATE_LEVEL/ { print $3 }' "$ROOT/assembler/docx/package.h")
measure floor "floor (template copy)" "$W/floor" -l "$LEVEL" "$TEMPLATE" "$W/out-floor" $(deals_list)
cut -d' ' -f1 "$W/floor.out" >"$W/floor.lat"
# The write floor: clasm's drafts' exact bytes, deflated and zipped by
# clasm's package code and written as clasm writes them (synced), with no
# XML parsed or built. Its wall time is its timed loop: the drafts are read
# into memory before it.
measure write-floor "write floor (clasm's draft bytes zipped and written)" \
    "$W/write_floor" "$TEMPLATE" "$W/out-write-floor" $(ls "$W/out-clasm-j1"/*.docx)
sed -n 's/^write_floor: .* in \([0-9.]*\) s (timed)$/\1/p' "$W/write-floor.err" >"$W/write-floor.wall"
cut -d' ' -f1 "$W/write-floor.out" >"$W/write-floor.lat"
if (cd "$W/out-clasm-j1" && sha256sum -- *.docx) | (cd "$W/out-write-floor" && sha256sum -c --quiet -) >/dev/null 2>&1
then FLOOR_SAME=yes; else FLOOR_SAME=NO; fi
# Memory does not grow with the batch: the same command on 20 deals.
/usr/bin/time -v -o "$W/clasm-20.time" "$CLASM" batch "$W/deals-20" -t "$TEMPLATE" \
    -o "$W/out-clasm-20" --library "$LIBRARY" --jobs "$CORES" >/dev/null 2>&1 || true

# Same bytes whatever the number of threads.
(cd "$W/out-clasm-j1" && sha256sum -- *.docx) >"$W/sums-j1"
(cd "$W/out-clasm-jall" && sha256sum -- *.docx) >"$W/sums-jall"
if cmp -s "$W/sums-j1" "$W/sums-jall"; then SAME=yes; else SAME=NO; fi
rss() { awk -F: '/Maximum resident/ { printf "%.1f", $2 / 1024 }' "$1"; }
written=$(cat "$W/clasm-j1.count")
{
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
    echo "- load average at start: $LOAD; at end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on this machine makes the numbers noisy)"
    echo "- $N deals generated by bench/gen_deals.py across the example profiles, each drawing a EULA from $(basename "$TEMPLATE"); clasm wrote $written"
} >"$W/machine.txt"
{
    echo "- clasm outputs byte-identical between --jobs 1 and --jobs $CORES: $SAME"
    echo "- the write floor's outputs byte-identical to clasm's drafts: $FLOOR_SAME"
    echo "- clasm peak RSS on a 20-deal batch: $(rss "$W/clasm-20.time") MiB; on $N deals: $(rss "$W/clasm-jall.time") MiB (--jobs $CORES)"
    echo "- docs/s is documents ÷ wall time of the whole command (start-up, library and template load included). Latency: peers and floor time each document in-process; clasm --jobs 1 is the gap between consecutive per-deal output lines (first dropped); no latency is given at --jobs $CORES, where gaps overlap."
} >"$W/notes.txt"
$PY "$ROOT/bench/report.py" "$W" "$RESULTS"
[ "$SAME" = yes ] || { say "clasm's drafts differ between --jobs 1 and --jobs $CORES"; exit 1; }
[ "$FLOOR_SAME" = yes ] || { say "the write floor did not write clasm's bytes"; exit 1; }
