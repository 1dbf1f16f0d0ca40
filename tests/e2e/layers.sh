#!/bin/sh
# The library's clients use it through clasm.h alone: the command line
# (main.c, cmd_*.c) and clasm serve's HTTP server (server*.c) include no
# other header of the library, and the library's archive has no HTTP server
# in it (the fuzz harnesses and the library's unit suites link without
# libmicrohttpd). The include check is shown to fail on a doctored copy.
. "$(dirname "$0")/lib.sh"
W=$(workdir layers)
LIB=$(dirname "$CLASM")/libclasm.a

# The project's headers a client source includes (#include "..."), other
# than the public API and the clients' own.
foreign_includes() {
    sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$1" |
        grep -v -x -e clasm.h -e cmd.h -e server.h -e server_guard.h
}

bad=""
for f in "$ROOT"/assembler/main.c "$ROOT"/assembler/cmd_*.c "$ROOT"/assembler/server*.c \
    "$ROOT"/assembler/cmd.h "$ROOT"/assembler/server*.h; do
    inc=$(foreign_includes "$f")
    [ -n "$inc" ] && bad="$bad $(basename "$f"): $(echo "$inc" | tr '\n' ' ')"
done
check "the CLI and the server include only clasm.h of the library${bad:+ (not:$bad)}" [ -z "$bad" ]

printf '#include "server.h"\n#include "library.h"\n' >"$W/doctored.c"
check "the include check finds a library header in a doctored client" \
    [ "$(foreign_includes "$W/doctored.c")" = library.h ]

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
