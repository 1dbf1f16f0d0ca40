# clasm — build, test, install. See README.md.
CC ?= gcc
BUILD ?= build
PREFIX ?= /usr/local
# The library's packages; the server (libmicrohttpd) is the client's alone.
LIB_PKGS = libxml-2.0 libzip libdeflate yaml-0.1 jansson libcrypto
PKGS = $(LIB_PKGS) libmicrohttpd
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# screen.c: libunistring (Unicode normalisation and case folding; no
# pkg-config file on Debian) and libm (its token weights).
LIB_LIBS = $(shell pkg-config --libs $(LIB_PKGS) 2>/dev/null) -lunistring -lm -lpthread
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lunistring -lm -lpthread
OPT ?= -O2
CFLAGS ?= $(OPT) -g
WARN = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Werror
# Debian's iso-codes (ISO 3166-1 countries, ISO 4217 currencies) as JSON:
# where its pkg-config file says, else /usr. $CLASM_ISO_CODES overrides it
# at run time.
ISO_CODES_PREFIX := $(shell pkg-config --variable=prefix iso-codes 2>/dev/null)
ISO_CODES_DIR ?= $(if $(ISO_CODES_PREFIX),$(ISO_CODES_PREFIX),/usr)/share/iso-codes/json
DATA_DEFS = -DCLASM_DATADIR='"$(PREFIX)/share/clasm"' -DCLASM_ISO_CODES_DIR='"$(ISO_CODES_DIR)"'
# The library's sources see its own headers (assembler/, assembler/docx/);
# its clients (assembler/cli/, assembler/server/) see clasm.h and their own
# folder's only (tests/e2e/layers.sh checks it).
ALL_CFLAGS = $(WARN) $(CFLAGS) $(SAN) $(PKG_CFLAGS) -Iassembler $(DATA_DEFS)
LIB_INC = -Iassembler/docx
LDFLAGS ?=

# The layers, a folder each: the library (assembler/*.c, its public API
# assembler/clasm.h) with its WordprocessingML and package part
# (assembler/docx/); its clients, the command line (assembler/cli/: main.c
# and one cmd_<command>.c per command) and clasm serve's HTTP server
# (assembler/server/, on libmicrohttpd), which use clasm.h alone.
SERVER_SRC = $(wildcard assembler/server/*.c)
SERVER_OBJ = $(SERVER_SRC:assembler/%.c=$(BUILD)/obj/%.o)
CLI_SRC = $(wildcard assembler/cli/*.c)
CLI_OBJ = $(CLI_SRC:assembler/%.c=$(BUILD)/obj/%.o) $(SERVER_OBJ)
LIB_SRC = $(wildcard assembler/*.c assembler/docx/*.c)
LIB_HDR = $(wildcard assembler/*.h assembler/docx/*.h)
# clasm serve's page (web/*) is embedded into the client as byte arrays by
# web/embed.c, generated under $(BUILD): no file is read at run time.
WEB_SRC = $(sort $(wildcard web/*.html web/*.css web/*.js web/*.svg))
CLI_OBJ += $(BUILD)/obj/web_assets.o
LIB_OBJ = $(LIB_SRC:assembler/%.c=$(BUILD)/obj/%.o)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
# The public header from C++ (tests/unit/test_cxx_header.cpp), with the C++
# compiler of the C one's family, so that sanitizer runtimes match.
CXX_FOR_CC = $(if $(findstring clang,$(CC)),clang++,g++)
CXX_SRC = $(wildcard tests/unit/test_*.cpp)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%) $(CXX_SRC:tests/unit/%.cpp=$(BUILD)/tests/%)
# Every fuzz harness, built with the test build's compiler and sanitizers over
# a plain driver (fuzz/replay.c), replays its saved crash inputs in make test.
REPLAY_BIN = $(patsubst fuzz/%.c,$(BUILD)/replay/%,$(wildcard fuzz/fuzz_*.c))

.PHONY: all deps demo test unit e2e asan valgrind install uninstall clean format format-check bench bench-screen fuzz fuzz-build

all: $(BUILD)/clasm

$(BUILD)/obj/%.o: assembler/%.c $(LIB_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LIB_INC) -c $< -o $@

$(BUILD)/obj/cli/%.o: assembler/cli/%.c assembler/clasm.h $(wildcard assembler/cli/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iassembler/server -c $< -o $@

$(BUILD)/obj/server/%.o: assembler/server/%.c assembler/clasm.h $(wildcard assembler/server/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/gen/embed: web/embed.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O2 -o $@ $<

$(BUILD)/gen/web_assets.c: $(BUILD)/gen/embed $(WEB_SRC)
	$(BUILD)/gen/embed $@ $(WEB_SRC)

$(BUILD)/obj/web_assets.o: $(BUILD)/gen/web_assets.c assembler/server/server.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iassembler/server -c $< -o $@

$(BUILD)/libclasm.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/clasm: $(CLI_OBJ) $(BUILD)/libclasm.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libclasm.a $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LIB_INC) $(LDFLAGS) -Itests/unit -o $@ $< $(BUILD)/libclasm.a \
		$(LIB_LIBS) -lcmocka

# The server's suites link the server too.
SERVER_TESTS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_server*.c))
$(SERVER_TESTS): $(BUILD)/tests/%: tests/unit/%.c $(SERVER_OBJ) $(BUILD)/libclasm.a \
		$(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LIB_INC) -Iassembler/server $(LDFLAGS) -Itests/unit -o $@ $< \
		$(SERVER_OBJ) $(BUILD)/libclasm.a $(PKG_LIBS) -lcmocka

$(BUILD)/tests/%: tests/unit/%.cpp $(BUILD)/libclasm.a assembler/clasm.h
	@mkdir -p $(dir $@)
	$(CXX_FOR_CC) -std=c++11 -pedantic -Wall -Wextra -Werror $(CFLAGS) $(SAN) $(PKG_CFLAGS) \
		-Iassembler $(LDFLAGS) -o $@ $< $(BUILD)/libclasm.a $(LIB_LIBS) -lcmocka

$(BUILD)/replay/fuzz_%: fuzz/fuzz_%.c fuzz/replay.c fuzz/fuzz_util.h $(BUILD)/libclasm.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LIB_INC) $(LDFLAGS) -DFUZZ_ROOT='"$(CURDIR)"' -o $@ $< fuzz/replay.c \
		$(BUILD)/libclasm.a $(LIB_LIBS)

# Installs the build and test dependencies on Debian (as root or via sudo).
deps:
	sh tests/install-deps.sh

# Builds and assembles the bundled example deal into a DOCX in this folder.
demo: $(BUILD)/clasm
	./$(BUILD)/clasm assemble examples/deals/direct-biometric-security-service.yaml

unit: $(UNIT_BIN)
	BUILD=$(BUILD) sh tests/run-unit.sh $(UNIT_BIN)

e2e: $(BUILD)/clasm $(REPLAY_BIN)
	BUILD=$(BUILD) sh tests/run-e2e.sh

test: $(BUILD)/clasm $(UNIT_BIN) $(REPLAY_BIN)
	BUILD=$(BUILD) sh tests/run-all.sh $(UNIT_BIN)

# Unit suites and the binary's end-to-end scripts under valgrind memcheck.
valgrind:
	$(MAKE) BUILD=build-valgrind OPT=-O1 build-valgrind/clasm $(UNIT_BIN:$(BUILD)/%=build-valgrind/%)
	BUILD=build-valgrind sh tests/run-valgrind.sh $(UNIT_BIN:$(BUILD)/%=build-valgrind/%)

asan:
	$(MAKE) BUILD=build-asan OPT=-O1 \
		SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" test

install: $(BUILD)/clasm
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/clasm
	install -m 755 $(BUILD)/clasm $(DESTDIR)$(PREFIX)/bin/clasm
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 assembler/cli/clasm.1 $(DESTDIR)$(PREFIX)/share/man/man1/clasm.1
	rm -rf $(DESTDIR)$(PREFIX)/share/clasm/clauses $(DESTDIR)$(PREFIX)/share/clasm/templates
	cp -R clauses templates $(DESTDIR)$(PREFIX)/share/clasm/

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/bin/clasm $(DESTDIR)$(PREFIX)/share/clasm \
		$(DESTDIR)$(PREFIX)/share/man/man1/clasm.1

# libFuzzer harnesses fuzz/fuzz_<target>.c (fuzz/README.md), built with clang
# and sanitizers over the library sources into $(FUZZ_BUILD) and each run for
# FUZZ_SECONDS on seeds from the project's fixtures.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS = $(WARN) -O1 -g $(FUZZ_SAN) $(PKG_CFLAGS) -Iassembler $(LIB_INC) $(DATA_DEFS) \
	-DFUZZ_ROOT='"$(CURDIR)"'
FUZZ_OBJ = $(LIB_SRC:assembler/%.c=$(FUZZ_BUILD)/fuzz/obj/%.o)
FUZZ_BIN = $(patsubst fuzz/%.c,$(FUZZ_BUILD)/fuzz/%,$(wildcard fuzz/fuzz_*.c))

$(FUZZ_BUILD)/fuzz/obj/%.o: assembler/%.c $(LIB_HDR)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_BUILD)/fuzz/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz_util.h $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(LIB_LIBS)

# Keep the sanitizer objects between runs (make would delete them as
# intermediates of the pattern rules).
.SECONDARY: $(FUZZ_OBJ)

fuzz-build: $(FUZZ_BIN)

fuzz: $(FUZZ_BIN)
	FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) sh fuzz/run.sh $(FUZZ_BIN)

FORMAT_SRC = assembler/*.c assembler/*.h assembler/*/*.c assembler/*/*.h tests/unit/*.c $(wildcard tests/unit/*.h tests/unit/*.cpp fuzz/*.c web/*.c)

format:
	clang-format -i $(FORMAT_SRC)

# CI: the code is as clang-format (.clang-format) writes it.
format-check:
	clang-format --dry-run -Werror $(FORMAT_SRC)

bench: $(BUILD)/clasm
	sh bench/run.sh

# Screening (bench/RESULTS.md, "Screening"): a program over the library, not
# part of it, on a generated 20 000-entry list and its labelled queries.
$(BUILD)/bench/screen_bench: bench/screen_bench.c assembler/screen.h $(BUILD)/libclasm.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libclasm.a $(LIB_LIBS)

bench-screen: $(BUILD)/bench/screen_bench
	python3 tests/screen/gen_list.py $(BUILD)/bench/screen
	/usr/bin/time -v $(BUILD)/bench/screen_bench $(BUILD)/bench/screen/list.csv \
		$(BUILD)/bench/screen/queries.tsv

clean:
	rm -rf build build-*
