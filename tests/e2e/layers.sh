#!/bin/sh
# The layers are folders, and the library's clients use it through clasm.h
# alone: the command line (assembler/cli/) and clasm serve's HTTP server
# (assembler/server/) include no other header of the library (the CLI may
# include the server's), the library (assembler/, assembler/docx/) includes
# no client's, and the library's archive has no HTTP server in it (the fuzz
# harnesses and the library's unit suites link without libmicrohttpd). The
# include check is shown to fail on a doctored copy.
. "$(dirname "$0")/lib.sh"
W=$(workdir layers)
LIB=$(dirname "$CLASM")/libclasm.a

# The project's headers a source includes (#include "..."), other than the
# public API and those of the folders given.
headers_of() { for d in "$@"; do (cd "$ROOT/assembler/$d" && ls *.h); done; }
foreign_includes() {
    f=$1
    shift
    sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
        grep -v -x -F -e clasm.h $(headers_of "$@" | sed 's/^/-e /')
}
# layer FOLDER ALLOWED...: every source of FOLDER includes only clasm.h and
# the headers of the ALLOWED folders.
layer() {
    bad=""
    dir=$1
    for f in "$ROOT/assembler/$dir"/*.[ch]; do
        inc=$(foreign_includes "$f" "$@")
        [ -n "$inc" ] && bad="$bad $(basename "$f"): $(echo "$inc" | tr '\n' ' ')"
    done
    echo "$bad"
}
bad=$(layer cli server)
check "the CLI includes only clasm.h of the library${bad:+ (not:$bad)}" [ -z "$bad" ]
bad=$(layer server)
check "the server includes only clasm.h of the library${bad:+ (not:$bad)}" [ -z "$bad" ]
bad=$(layer . docx)
check "the library includes no client's header${bad:+ (not:$bad)}" [ -z "$bad" ]
bad=$(layer docx .)
check "the library's docx part includes no client's header${bad:+ (not:$bad)}" [ -z "$bad" ]
for d in cli server docx; do
    check "assembler/$d/ holds its layer's sources" [ -n "$(ls "$ROOT/assembler/$d"/*.c 2>/dev/null)" ]
done

printf '#include "server.h"\n#include "library.h"\n' >"$W/doctored.c"
check "the include check finds a library header in a doctored client" \
    [ "$(foreign_includes "$W/doctored.c" cli server)" = library.h ]
printf '#include "docx_text.h"\n#include "cmd.h"\n' >"$W/doctored-lib.c"
check "the include check finds a client's header in a doctored library source" \
    [ "$(foreign_includes "$W/doctored-lib.c" . docx)" = cmd.h ]

if [ -f "$LIB" ]; then
    nm -A "$LIB" >"$W/nm.txt" 2>/dev/null
    check "libclasm.a holds no HTTP server (no MHD_ symbol, no server object)" \
        sh -c "! grep -q -e ' MHD_' -e 'server\.o:' '$W/nm.txt'"
    check "libclasm.a holds the library (clasm_assemble_buffer)" \
        grep -q ' T clasm_assemble_buffer$' "$W/nm.txt"
    check "the catalogue and diagnostics JSON are the library's (clasm.h)" \
        sh -c "grep -q ' T clasm_catalogue_json$' '$W/nm.txt' && grep -q ' T clasm_diags_json$' '$W/nm.txt'"
else
    fail "libclasm.a is beside clasm" "$LIB"
fi
replay=$(dirname "$CLASM")/replay/fuzz_assemble
if [ -x "$replay" ]; then
    check "a fuzz harness links without libmicrohttpd" \
        sh -c "! ldd '$replay' | grep -q microhttpd"
    check "the clasm binary links libmicrohttpd (the check above can fail)" \
        sh -c "ldd '$CLASM' | grep -q microhttpd"
else
    skip "a fuzz harness links without libmicrohttpd" "no $replay"
fi
