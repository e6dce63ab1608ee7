# obkit: one library (shared/ -> libobkit.a), three tools, tests.
# `make` builds bin/; `make test` installs what is missing, builds normally
# and under ASan+UBSan, and runs every test; `make demo` runs the main path.

VERSION := $(shell cat VERSION)
PKGS := jansson libcrypto libcurl libqrencode sqlite3 libpng zlib libzstd zbar libjpeg libmicrohttpd libcbor cairo libpq
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CC ?= cc
OPT ?= -O2 -g
WERROR ?= -Werror
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wformat=2 -Wshadow $(WERROR) \
	$(OPT) -DOB_VERSION='"$(VERSION)"' -Ishared $(PKG_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -lpthread -lm $(LDLIBS)

# Out-of-tree builds: O=build (default) or O=build-asan.
O ?= build
BIN ?= bin

LIB_SRC := $(sort $(wildcard shared/*/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(O)/%.o)
LIB := $(O)/libobkit.a
TOOLS := issuer wallet verifier
TOOL_BINS := $(BIN)/ob-issuer $(BIN)/ob-wallet $(BIN)/ob-verifier
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)
CONF_SRC := $(sort $(wildcard tests/conformance/run_*.c))
CONF_BINS := $(CONF_SRC:tests/conformance/%.c=$(O)/tests/%)
BENCH_BIN := $(O)/tests/bench

ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: all deps test check check-asan tests-build demo bench bench-large bench-scale install clean check-headers

all: $(TOOL_BINS)

$(O)/%.o: %.c $(wildcard shared/*/*.h */*.h) VERSION
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

define tool_rule
$(BIN)/ob-$(1): $$(patsubst %.c,$(O)/%.o,$$(wildcard $(1)/*.c)) $(LIB)
	@mkdir -p $(BIN)
	$$(CC) $$(CFLAGS_ALL) -o $$@ $$^ $$(LDLIBS_ALL)
endef
$(foreach t,$(TOOLS),$(eval $(call tool_rule,$(t))))

$(O)/tests/%: tests/unit/%.c tests/unit/check.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/unit -o $@ $< $(LIB) $(LDLIBS_ALL)

$(O)/tests/run_%: tests/conformance/run_%.c tests/unit/check.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/unit -o $@ $< $(LIB) $(LDLIBS_ALL)

# Test helpers (a loopback HTTPS server): plain builds, no sanitizers, so
# they do not slow down or muddy the tests of the tools.
TEST_TOOLS := $(patsubst tests/tools/%.c,$(O)/tests/tools/%,$(wildcard tests/tools/*.c))
$(O)/tests/tools/%: tests/tools/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra $(WERROR) -o $@ $< -lssl -lcrypto

$(BENCH_BIN): tests/bench.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(LIB) $(LDLIBS_ALL)

tests-build: $(TOOL_BINS) $(UNIT_BINS) $(CONF_BINS) $(TEST_TOOLS)

deps:
	@sh scripts/install-deps.sh

# The full suite: normal build, then the ASan+UBSan build; every test runs
# under the sanitizers (leaks are failures), the tools' normal build is
# exercised by the CLI tests too.
test: deps
	$(MAKE) --no-print-directory tests-build
	$(MAKE) --no-print-directory tests-build O=build-asan BIN=build-asan/bin OPT="-O1 -g" EXTRA_CFLAGS="$(ASAN_FLAGS)" LDLIBS="$(ASAN_FLAGS)"
	sh tests/run.sh

check: test

check-asan: deps
	$(MAKE) --no-print-directory tests-build O=build-asan BIN=build-asan/bin OPT="-O1 -g" EXTRA_CFLAGS="$(ASAN_FLAGS)" LDLIBS="$(ASAN_FLAGS)"
	OBKIT_BUILD=build-asan sh tests/run.sh

demo: deps
	$(MAKE) --no-print-directory all
	sh scripts/demo.sh

bench: deps
	$(MAKE) --no-print-directory $(BENCH_BIN) OPT="-O2 -g -DNDEBUG"
	$(BENCH_BIN) 10000
	$(MAKE) --no-print-directory all $(O)/tests/tools/maxrss OPT="-O2 -g -DNDEBUG"
	@for b in scripts/bench-*.sh; do [ -f "$$b" ] || continue; [ "$$b" != scripts/bench-scale.sh ] || continue; \
		MAXRSS="$(CURDIR)/$(O)/tests/tools/maxrss" sh "$$b" "$(CURDIR)/$(BIN)" || exit 1; done

# Issuing on one machine: SQLite against PostgreSQL with 1, 2 and 4
# processes, and the status allocation under contention (issue 17).
bench-scale: deps
	$(MAKE) --no-print-directory all $(O)/tests/tools/maxrss OPT="-O2 -g -DNDEBUG"
	MAXRSS="$(CURDIR)/$(O)/tests/tools/maxrss" sh scripts/bench-scale.sh "$(CURDIR)/$(BIN)"

# The million-row roster (issue 13): one run, about four minutes.
bench-large: deps
	$(MAKE) --no-print-directory all $(O)/tests/tools/maxrss OPT="-O2 -g -DNDEBUG"
	MAXRSS="$(CURDIR)/$(O)/tests/tools/maxrss" sh scripts/bench-roster.sh "$(CURDIR)/$(BIN)" 1000000 1

check-headers:
	@for h in shared/*/*.h; do echo "#include \"$$h\"" | $(CC) $(CFLAGS_ALL) -x c -fsyntax-only - || exit 1; done; echo "headers ok"

PREFIX ?= /usr/local
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(TOOL_BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/

# What install put there, and nothing else (the directories stay, as
# automake's uninstall leaves them).
.PHONY: uninstall
uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,$(notdir $(TOOL_BINS)))
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/share/man/man1/,$(notdir $(wildcard man/*.1)))

clean:
	rm -rf build build-asan bin

# ---- fuzzing (tests/fuzz/README.md) ----
# `make fuzz` builds the libFuzzer targets with clang against a libobkit of
# their own (FUZZ_O, instrumented with -fsanitize=fuzzer-no-link and
# ASan+UBSan) and runs a campaign: FUZZ_RUNS executions per target
# (FUZZ_VERIFY_RUNS for verify), or FUZZ_TIME seconds each when set,
# FUZZ_PARALLEL targets at a time. Findings land in
# tests/fuzz/regress/<target>/ and fail the run; new corpus entries go to
# FUZZ_SCRATCH, outside the tree. `make test` replays every corpus and
# regression input through the same targets linked with tests/fuzz/replay.c
# instead of libFuzzer (FUZZ_REPLAY_BINS, built with the unit tests' flags,
# so under ASan+UBSan in build-asan).
FUZZ_TARGETS ?= verify json jsonld nquads jwt bake roster codec qr backup http ob2 certificate oid4vci ecdsa_sd oid4vp oid4vp_jar cborld
FUZZ_CC ?= clang
FUZZ_O ?= build-fuzz
FUZZ_RUNS ?= 1000000
FUZZ_VERIFY_RUNS ?= 2000000
FUZZ_TIME ?=
FUZZ_PARALLEL ?= 1
FUZZ_TIMEOUT ?= 25
FUZZ_SCRATCH ?= $(FUZZ_O)/corpus
FUZZ_FLAGS ?=
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SRC := $(FUZZ_TARGETS:%=tests/fuzz/fuzz_%.c)
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_O)/fuzz/fuzz_%)
FUZZ_REPLAY_BINS := $(FUZZ_TARGETS:%=$(O)/tests/fuzz/fuzz_%)

.PHONY: fuzz fuzz-build fuzz-clean

tests-build: $(FUZZ_REPLAY_BINS)

# the http target includes verifier/cmd_serve.c and links verifier/page.c
$(O)/tests/fuzz/fuzz_http $(O)/fuzz/fuzz_http: verifier/cmd_serve.c verifier/serve_answer.c verifier/serve_http.c verifier/serve_pool.c $(O)/verifier/page.o

$(O)/tests/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/fuzz -o $@ $< tests/fuzz/replay.c $(filter %.o,$^) $(LIB) $(LDLIBS_ALL)

# libFuzzer binaries: only built by fuzz-build (O=$(FUZZ_O), CC=clang)
$(O)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -fsanitize=fuzzer -Itests/fuzz -o $@ $< $(filter %.o,$^) $(LIB) $(LDLIBS_ALL)

# clang warns where gcc does not (-Wformat-nonliteral in shared/cli/cli.c):
# the library's -Werror is gcc's business, so not here
fuzz-build:
	$(MAKE) --no-print-directory $(FUZZ_BINS) O=$(FUZZ_O) CC=$(FUZZ_CC) WERROR= OPT="-O1 -g" \
		EXTRA_CFLAGS="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" LDLIBS="$(FUZZ_SAN)"

fuzz: deps fuzz-build
	FUZZ_O="$(FUZZ_O)" FUZZ_RUNS="$(FUZZ_RUNS)" FUZZ_VERIFY_RUNS="$(FUZZ_VERIFY_RUNS)" \
	FUZZ_TIME="$(FUZZ_TIME)" FUZZ_PARALLEL="$(FUZZ_PARALLEL)" FUZZ_TIMEOUT="$(FUZZ_TIMEOUT)" \
	FUZZ_SCRATCH="$(FUZZ_SCRATCH)" FUZZ_FLAGS="$(FUZZ_FLAGS)" \
		sh tests/fuzz/campaign.sh $(FUZZ_TARGETS)

fuzz-clean:
	rm -rf $(FUZZ_O)
