#!/bin/sh
# clasm finds its library and templates from any folder: installed, in a
# build tree, and through the environment.
. "$(dirname "$0")/lib.sh"
W=$(workdir install)
BUILDDIR=$(dirname "$CLASM")
make -s -C "$ROOT" install PREFIX="$W/prefix" BUILD="$BUILDDIR" >/dev/null 2>&1
check "make install puts the binary in PREFIX/bin" [ -x "$W/prefix/bin/clasm" ]
check "make install puts the clauses in PREFIX/share/clasm" [ -f "$W/prefix/share/clasm/clauses/risks.yaml" ]
check "make install puts the templates in PREFIX/share/clasm" [ -f "$W/prefix/share/clasm/templates/contract.docx" ]
check "make install puts the man page in PREFIX/share/man/man1" [ -f "$W/prefix/share/man/man1/clasm.1" ]
check "the man page renders and documents every command" sh -c \
    'out=$(man -l "$1" 2>/dev/null) && for c in assemble select batch inspect redline approve lint serve; do echo "$out" | grep -Eq "clasm +$c" || exit 1; done' _ "$W/prefix/share/man/man1/clasm.1"
mkdir -p "$W/elsewhere"
cd "$W/elsewhere" || exit 1
cp "$ROOT/examples/deals/private-baseline.yaml" deal.yaml

# The build-tree binary from an unrelated folder.
run_clasm select deal.yaml
check "build-tree binary finds its library from any folder" [ "$RC" -eq 0 ]
run_clasm assemble deal.yaml
check "build-tree binary finds its templates; output lands in the working folder" \
    sh -c "[ $RC -eq 0 ] && ls ./*-contract.docx >/dev/null 2>&1"
rm -f ./*.docx

# An installed copy finds PREFIX/share/clasm from PREFIX/bin, wherever PREFIX is.
"$W/prefix/bin/clasm" assemble deal.yaml >/dev/null 2>"$W/err.txt"
check "installed binary assembles with the installed data" sh -c "ls ./*-contract.docx >/dev/null 2>&1"
rm -f ./*.docx
"$W/prefix/bin/clasm" assemble deal.yaml --memo memo.docx >/dev/null 2>"$W/err.txt"
check "installed binary writes the rationale memo from the installed memo.docx" [ -s memo.docx ]
rm -f ./*.docx

# The environment wins over the build tree; a wrong one is a clear I/O error.
CLASM_LIBRARY="$W/nowhere" "$CLASM" select deal.yaml >/dev/null 2>"$W/err.txt"
rc=$?
check "a CLASM_LIBRARY that does not exist exits 3" [ "$rc" -eq 3 ]
check "and says the variable names no folder" grep -q "CLASM_LIBRARY is set to $W/nowhere, which is not a folder: fix it, unset it, or pass --library DIR" "$W/err.txt"

# --library beats everything.
CLASM_LIBRARY="$W/nowhere" "$CLASM" select deal.yaml --library "$ROOT/clauses" >/dev/null 2>&1
check "--library beats CLASM_LIBRARY" [ $? -eq 0 ]
