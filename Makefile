# SPDX-License-Identifier: Apache-2.0
#
# ward: one entry point.
#   make            build/ward and build/rulesc, their man pages and shell completion
#                   (= make build; installs nothing)
#   make deps       install every Debian package the build and tests need (idempotent)
#   make run        deps, build, then run 'ward server' on its defaults (as root)
#   make test       deps, then unit, ASan+UBSan unit, fuzz corpus replay, rulesc, CLI
#                   contract, man pages and shell completion, examples, Kubernetes
#                   manifests, integration (root), VM tests
#   make static     deps, then build/static/ward, one statically linked binary
#   make image      deps, then build/image: ward's OCI image (no registry; docs/kubernetes.md)
#   make bench      deps, then benchmarks; figures go to docs/benchmarks.md by hand
#                   (BENCH="nginx capacity": only those suites, tests/bench/run.sh)
#   make fuzz       build the libFuzzer targets (tests/fuzz/fuzz_*.c)
#   make install    build/ward, build/rulesc, the pack's YAML, the unit, man pages and
#                   completions under PREFIX (/usr/local), DESTDIR; make uninstall
#   make deb        deps, then build/ward_VERSION_ARCH.deb (the static ward; docs/install.md)
#
# Quiet: one "  CC       build/obj/engine/enforce/alert.o" line per step; V=1 prints the commands.
# CC is honoured (make CC=clang); the fuzz targets need clang and use CLANG.
#
# Generated files checked in on purpose:
#   bpf/lib/vmlinux.h
#                   x86_64 kernel types for CO-RE: the build must not depend on the
#                   build host's BTF (or need one); regenerate: scripts/gen-vmlinux.sh
#   deploy/kubernetes/crd.yaml, configmap.yaml
#                   made by scripts/k8s-manifests.py (make k8s-manifests), checked in so
#                   kubectl apply -k deploy/kubernetes needs no build; test-kubernetes
#                   fails when they differ from what it makes
#   tests/data/rulesc/*.expected, *.dump and tests/data/seccomp/*.expected
#                   expected outputs the tool under test wrote (UPDATE=1 tests/rulesc/run.sh,
#                   UPDATE=1 build/tests/test_seccomp) and a person reviewed: the tests'
#                   contract, so a change to them shows in review
# Everything else generated (BPF objects, skeletons, the default pack bundle
# embedded in ward, the compiler's header dependencies *.d) goes to build/.

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
SHELL := /bin/bash

BUILD   ?= build
# make's built-in CC is cc: ours is gcc unless the command line or the environment sets one.
ifeq ($(origin CC),default)
CC      := gcc
endif
CLANG   ?= clang
BPFTOOL ?= bpftool
ARCH    := x86

VERSION := $(shell git describe --always --dirty 2>/dev/null || echo 0.1.0)
# The sources that compile WARD_VERSION in; they are rebuilt when VERSION changes (a commit,
# an edit), so `ward --version` of every binary, and the image's label read from it, is the
# version of the tree it was built from.
VERSION_STAMP := $(BUILD)/gen/version

V ?= 0
ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' '$(1)' '$(2)';
endif

# Header dependencies: the compiler writes TARGET.d beside each object or
# binary it compiles (-MP: a removed header is no error); included at the end.
# -MMD leaves out headers found through -isystem, which are the generated BPF
# skeletons: the rules that include them name $(BPF_SKELS) themselves.
DEPFLAGS = -MMD -MP -MT $@ -MF $@.d

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	    -Wformat=2 -Wno-unused-parameter -Wvla -Wpointer-arith -Wcast-qual
CFLAGS  ?= -O2 -g
# Hardening of every C binary (Debian's dpkg-buildflags hardening=+all; PIE is gcc's
# default here); the sanitizer builds undo FORTIFY, which their interceptors replace.
HARDEN_CFLAGS := -fstack-protector-strong -fstack-clash-protection -fcf-protection \
		 -D_FORTIFY_SOURCE=2
HARDEN_LDFLAGS := -Wl,-z,relro -Wl,-z,now
DEFAULT_PACK := $(BUILD)/gen/default.bundle
ALL_CFLAGS := -std=gnu11 $(WARNINGS) $(CFLAGS) $(HARDEN_CFLAGS) -D_GNU_SOURCE \
	      -DWARD_VERSION='"$(VERSION)"' -DWARD_DEFAULT_PACK='"$(DEFAULT_PACK)"' \
	      -isystem $(BUILD)/bpf/trace -isystem $(BUILD)/bpf/learn -isystem $(BUILD)/enforce \
	      -Iinclude -Iengine -Irulesc/include -fno-strict-aliasing -DWARD_TLS
# rulesc/include/ holds librulesc's public headers (rulesc.h, which re-exports
# rulesc/include/rulesc/*.h, and cli.h), all the engine sees of the compiler; the
# compiler's internal headers in rulesc/ are for its own sources and the tests
# (which test internals): $(rulesc_internal) adds them to every compile but the engine's.
rulesc_internal = $(if $(filter engine/%,$<),,-Irulesc)
# libevent (evhttp) serves metrics: Debian's libmicrohttpd needs GnuTLS, which cannot be
# linked statically (p11-kit has no static library); libevent can (engine/core/http.h).
# The network outputs (webhook, OTLP) post with libevent's HTTP client too, not libcurl
# (Debian's cannot be linked statically); https through libevent_openssl (WARD_TLS), in
# every build but the static one: static OpenSSL would take it past 4 MB. The control API's
# TCP listener is TLS with mbed TLS in every build (engine/core/tls.h): 0.6 MB static.
ENGINE_LIBS := -lbpf -lelf -lz -lzstd -ljansson -lseccomp -lcap -levent_extra -levent_openssl \
	       -levent_core -lhttp_parser -lssl -lcrypto -lmbedtls -lmbedx509 -lmbedcrypto -lpthread
# OpenSSL signs (rulesc sign, PEM private keys); libsodium hashes and verifies, so the
# engine, which only verifies, needs no OpenSSL (static libcrypto alone is 4.3 MB).
RULESC_LIBS := -lyaml -ljansson -lsodium -lcrypto -lseccomp -lcap

# ---- dependencies ---------------------------------------------------------
# Build: compilers, libraries. make deb: dpkg-dev (dpkg-shlibdeps). Tests: runc/crun
# containers, qemu VM, cmocka, fuzzers, systemd (the unit: systemd-analyze, a user manager),
# debootstrap (the package's clean root), lintian (the package's checks).
DEB_PKGS := gcc make clang llvm clang-format bpftool pkg-config \
	    libbpf-dev libelf-dev zlib1g-dev libzstd-dev libseccomp-dev libyaml-dev \
	    libcap-dev libssl-dev libsodium-dev libjansson-dev libevent-dev libhttp-parser-dev libmbedtls-dev \
	    libcmocka-dev \
	    libclang-rt-14-dev \
	    runc crun busybox-static cpio qemu-system-x86 iproute2 python3 jq bc \
	    openssl python3-jsonschema python3-yaml stress-ng zstd prometheus curl rsyslog \
	    nginx wrk bpftrace auditd nodejs npm scdoc man-db zsh dpkg-dev systemd debootstrap \
	    lintian umoci skopeo
# Services of those packages that must not run on their own (scripts/deps.sh): the nginx
# benchmark starts nginx and auditd itself.
DEB_NO_SERVICE := nginx auditd
# The tests' OTLP receiver decodes with npm's OpenTelemetry packages (tests/receivers/otlp).
NPM_DIRS := tests/receivers/otlp

.PHONY: deps
deps:
	@scripts/deps.sh $(addprefix --no-service ,$(DEB_NO_SERVICE)) $(DEB_PKGS)
	@scripts/deps-npm.sh $(NPM_DIRS)

# ---- BPF ------------------------------------------------------------------
# One object per tracker (bpf/trace/) and one for learning (bpf/learn/). Enforcement: one
# object per resource class, linked by libbpf's static linker (bpftool gen object) from
# the class's BPF-LSM hooks (lsm/CLASS.bpf.c) and its other programs, the fallbacks and
# tracking (bpf/enforce/CLASS.bpf.c); a class with only one kind has one file. What both
# halves define (maps, load-time settings, global functions) is __weak in the shared
# headers (bpf/lib/, bpf/enforce/), so the linked object holds it once.
BPF_PROGS   := $(wildcard bpf/trace/*.bpf.c bpf/learn/*.bpf.c)
ENF_CLASSES := $(sort $(basename $(basename $(notdir $(wildcard lsm/*.bpf.c bpf/enforce/*.bpf.c)))))
BPF_SKELS   := $(patsubst %.bpf.c,$(BUILD)/%.skel.h,$(BPF_PROGS)) \
	       $(patsubst %,$(BUILD)/enforce/%.skel.h,$(ENF_CLASSES))
# Keep intermediate objects (BPF objects, sanitizer and fuzzer objects) between runs.
.SECONDARY:
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	      -Wno-unused-function -Iinclude -Ibpf/lib -Ibpf/enforce -I$(BUILD)

$(BUILD)/%.bpf.o: %.bpf.c
	$(call msg,BPF,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -c $< -o $@.tmp
	$(Q)$(BPFTOOL) gen object $@ $@.tmp
	@rm -f $@.tmp

# An enforcement class's object: its halves (build/lsm/CLASS.bpf.o, build/bpf/enforce/
# CLASS.bpf.o) linked into build/enforce/CLASS.bpf.o, whose skeleton the engine loads.
enf_parts = $(patsubst %.bpf.c,$(BUILD)/%.bpf.o,$(wildcard lsm/$(1).bpf.c bpf/enforce/$(1).bpf.c))
$(foreach c,$(ENF_CLASSES),$(eval $(BUILD)/enforce/$(c).bpf.o: $(call enf_parts,$(c))))
$(BUILD)/enforce/%.bpf.o:
	$(call msg,BPFLINK,$@)
	@mkdir -p $(dir $@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(notdir $(basename $(basename $<)))_bpf > $@.tmp
	@mv $@.tmp $@

# ward's own objects: embedded compressed, once (scripts/skel-compress.sh).
define ward_skel
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(notdir $*)_bpf | \
		scripts/skel-compress.sh $< $(notdir $*)_bpf > $@.tmp
	@mv $@.tmp $@
endef
$(BUILD)/bpf/%.skel.h: $(BUILD)/bpf/%.bpf.o scripts/skel-compress.sh
	$(ward_skel)
$(BUILD)/enforce/%.skel.h: $(BUILD)/enforce/%.bpf.o scripts/skel-compress.sh
	$(ward_skel)

$(BUILD)/obj/rulesc $(BUILD)/tests $(BUILD)/static $(BUILD)/asan $(BUILD)/fuzz $(BUILD)/gen:
	@mkdir -p $@

.PHONY: FORCE
$(VERSION_STAMP): FORCE | $(BUILD)/gen
	@[ "$$(cat $@ 2>/dev/null)" = '$(VERSION)' ] || echo '$(VERSION)' >$@

# ---- rulesc (no libbpf) ---------------------------------------------------
RULESC_LIB_SRCS := $(filter-out rulesc/main.c,$(wildcard rulesc/*.c))
RULESC_LIB_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(RULESC_LIB_SRCS))

# The library's objects and the CLI's main.o.
$(BUILD)/obj/rulesc/%.o: rulesc/%.c | $(BUILD)/obj/rulesc
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(rulesc_internal) $(DEPFLAGS) -c $< -o $@

$(BUILD)/librulesc.a: $(RULESC_LIB_OBJS)
	$(call msg,AR,$@)
	@rm -f $@
	$(Q)$(AR) rcs $@ $^

$(BUILD)/rulesc: $(BUILD)/obj/rulesc/main.o $(BUILD)/librulesc.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(HARDEN_LDFLAGS) $^ -o $@ $(RULESC_LIBS)

# ---- the default pack (policies/), compiled and embedded in ward ----------
$(DEFAULT_PACK): $(wildcard policies/*.yaml) $(BUILD)/rulesc | $(BUILD)/gen
	$(call msg,RULESC,$@)
	$(Q)$(BUILD)/rulesc compile --output $@ policies

$(BUILD)/obj/engine/enforce/default_pack.o $(BUILD)/static/engine/enforce/default_pack.o \
$(BUILD)/asan/engine/enforce/default_pack.o $(BUILD)/fuzz/obj/engine/enforce/default_pack.o: $(DEFAULT_PACK)

# ---- engine ----------------------------------------------------------------
# One folder per stage or job (README.md, Layout): engine/cmd (the CLI, one file per
# subcommand; its main.c is ENGINE_MAIN, the others go into libward.a with the rest, so the
# unit tests can call a command), core, attribution, trace, enforce, learn, profile,
# seccomp. Objects mirror the source tree (build/obj/engine/trace/tcp.o), so files of one
# name in two folders (cmd/status.c, enforce/status.c) do not collide; the archive is
# written with q (append), which keeps both where r would replace one with the other.
ENGINE_DIRS := $(sort $(dir $(wildcard engine/*/*.c)))
ENGINE_MAIN := engine/cmd/main.c
ENGINE_LIB_SRCS := $(filter-out $(ENGINE_MAIN),$(wildcard $(addsuffix *.c,$(ENGINE_DIRS))))
ENGINE_LIB_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(ENGINE_LIB_SRCS))

$(BUILD)/obj/engine/%.o: engine/%.c $(BPF_SKELS)
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c $< -o $@

VERSION_SRCS := $(shell grep -l WARD_VERSION $(ENGINE_LIB_SRCS) $(ENGINE_MAIN) $(wildcard rulesc/*.c))
$(foreach d,obj static asan fuzz/obj,$(patsubst %.c,$(BUILD)/$(d)/%.o,$(VERSION_SRCS))): \
	$(VERSION_STAMP)

$(BUILD)/libward.a: $(ENGINE_LIB_OBJS)
	$(call msg,AR,$@)
	@rm -f $@
	$(Q)$(AR) qcs $@ $^

# The engine compiles and enforces policies: it links librulesc.
$(BUILD)/ward: $(patsubst %.c,$(BUILD)/obj/%.o,$(ENGINE_MAIN)) $(BUILD)/libward.a $(BUILD)/librulesc.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(HARDEN_LDFLAGS) $^ -o $@ $(ENGINE_LIBS) $(RULESC_LIBS)

# Example plugins (docs/plugins.md), loaded into ward server through the API by the tests.
PLUGIN_OBJS := $(patsubst %.bpf.c,$(BUILD)/%.bpf.o,$(wildcard examples/plugins/*.bpf.c))

# ---- man pages and shell completion ---------------------------------------------
# The man pages from docs/man/NAME.SECTION.scd (scdoc); the completion scripts written
# by the binaries themselves from their parsers' option tables (PROG completion bash|zsh).
# Both are what make install puts in place.
MAN_PAGES := $(BUILD)/man/ward.8 $(BUILD)/man/rulesc.1 $(BUILD)/man/ward.yaml.5 \
	     $(BUILD)/man/ward-policy.5
COMPLETIONS := $(BUILD)/completion/ward.bash $(BUILD)/completion/rulesc.bash \
	       $(BUILD)/completion/_ward $(BUILD)/completion/_rulesc

$(BUILD)/man/%: docs/man/%.scd
	$(call msg,SCDOC,$@)
	@mkdir -p $(dir $@)
	$(Q)scdoc <$< >$@.tmp
	@mv $@.tmp $@

$(BUILD)/completion/%.bash: $(BUILD)/%
	$(call msg,GEN,$@)
	@mkdir -p $(dir $@)
	$(Q)$< completion bash >$@.tmp
	@mv $@.tmp $@

$(BUILD)/completion/_%: $(BUILD)/%
	$(call msg,GEN,$@)
	@mkdir -p $(dir $@)
	$(Q)$< completion zsh >$@.tmp
	@mv $@.tmp $@

.PHONY: all build
all: build
build: $(BUILD)/ward $(BUILD)/rulesc $(PLUGIN_OBJS) $(MAN_PAGES) $(COMPLETIONS)

# The targets that install missing packages first build in a sub-make once
# deps is done, so that with -j nothing compiles before the packages are in.
SUBMAKE := $(MAKE) --no-print-directory

# The quickstart: build, then ward's main job on its embedded defaults.
.PHONY: run
run: deps
	$(Q)$(SUBMAKE) build
	$(BUILD)/ward server

# ---- static ----------------------------------------------------------------
STATIC_LIBS := -Wl,-Bstatic -l:libbpf.a -l:libelf.a -l:libjansson.a -l:libseccomp.a \
	       -l:libcap.a -l:libz.a -l:libzstd.a -l:libyaml.a -l:libsodium.a \
	       -l:libevent_extra.a -l:libevent_core.a -l:libhttp_parser.a -l:libmbedtls.a \
	       -l:libmbedx509.a -l:libmbedcrypto.a -lpthread
STATIC_CFLAGS := -Os -g0 -ffunction-sections -fdata-sections -UWARD_TLS
STATIC_ENGINE_OBJS := $(patsubst %.c,$(BUILD)/static/%.o,$(ENGINE_LIB_SRCS) $(ENGINE_MAIN))
STATIC_RULESC_OBJS := $(patsubst %.c,$(BUILD)/static/%.o,$(RULESC_LIB_SRCS))

$(BUILD)/static/rulesc/%.o: rulesc/%.c
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $(rulesc_internal) $(STATIC_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/static/engine/%.o: engine/%.c $(BPF_SKELS)
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $(STATIC_CFLAGS) $(DEPFLAGS) -c $< -o $@

# An archive, so only the rulesc objects the engine references are linked
# (not sign.o, which needs OpenSSL).
$(BUILD)/static/librulesc.a: $(STATIC_RULESC_OBJS)
	$(call msg,AR,$@)
	@rm -f $@
	$(Q)$(AR) qcs $@ $^

$(BUILD)/static/ward: $(STATIC_ENGINE_OBJS) $(BUILD)/static/librulesc.a
	$(call msg,LD,$@)
	$(Q)$(CC) -static $(HARDEN_LDFLAGS) -Wl,--gc-sections -s $^ -o $@ $(STATIC_LIBS)

.PHONY: static
static: deps
	$(Q)$(SUBMAKE) $(BUILD)/static/ward
	@ls -l $(BUILD)/static/ward | awk '{printf "static ward: %d bytes\n", $$5}'

# ---- install, uninstall, the Debian package -----------------------------------
# ward goes to sbin: most of what it does needs root and its manual is ward(8), as Debian
# installs bpftool and auditd; rulesc to bin: policy authors compile and test without root.
# The default pack is compiled into ward; its YAML is installed for users to copy and
# extend. examples/ward.yaml is documentation, not /etc/ward/ward.yaml: its outputs point
# at receivers a new machine does not have (docs/install.md).
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
DATADIR ?= $(PREFIX)/share
MANDIR  ?= $(DATADIR)/man
DOCDIR  ?= $(DATADIR)/doc/ward
UNITDIR ?= $(PREFIX)/lib/systemd/system
# The ward binary installed (make deb: the static one).
INSTALL_WARD ?= $(BUILD)/ward
# Man pages (MAN_PAGES: build/man/NAME.SECTION) and shell completions (COMPLETIONS:
# build/completion/NAME.bash, zsh's build/completion/_NAME) come from their rules above.

# What make install copies where, as SOURCE:DESTINATION (DESTDIR comes on top); make
# uninstall removes the destinations, and the unit (written from its .in) besides.
PACK_FILES  := $(wildcard policies/*.yaml policies/*/*.yaml)
INSTALL_BIN  = $(INSTALL_WARD):$(SBINDIR)/ward $(BUILD)/rulesc:$(BINDIR)/rulesc
INSTALL_DATA = $(foreach f,$(PACK_FILES),$(f):$(DATADIR)/ward/$(f)) \
	examples/ward.yaml:$(DOCDIR)/examples/ward.yaml \
	$(foreach m,$(MAN_PAGES),$(m):$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m))) \
	$(foreach c,$(filter %.bash,$(COMPLETIONS)),\
		$(c):$(DATADIR)/bash-completion/completions/$(basename $(notdir $(c)))) \
	$(foreach c,$(filter-out %.bash,$(COMPLETIONS)),$(c):$(DATADIR)/zsh/vendor-completions/$(notdir $(c)))
# The directories that are ward's own: uninstall removes them, deepest first, when empty.
INSTALL_DIRS = $(DATADIR)/ward $(patsubst %/,$(DATADIR)/ward/%,$(sort $(dir $(PACK_FILES)))) \
	$(DOCDIR) $(DOCDIR)/examples

.PHONY: install uninstall deb
install: $(INSTALL_WARD) $(BUILD)/rulesc $(MAN_PAGES) $(COMPLETIONS)
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)set -e; \
	for p in $(INSTALL_BIN); do install -D -m 755 "$${p%%:*}" "$(DESTDIR)$${p#*:}"; done; \
	for p in $(INSTALL_DATA); do install -D -m 644 "$${p%%:*}" "$(DESTDIR)$${p#*:}"; done; \
	install -d "$(DESTDIR)$(UNITDIR)"; \
	sed 's|@SBINDIR@|$(SBINDIR)|g' deploy/systemd/ward.service.in >"$(DESTDIR)$(UNITDIR)/ward.service"; \
	chmod 644 "$(DESTDIR)$(UNITDIR)/ward.service"

uninstall:
	$(call msg,UNINSTALL,$(DESTDIR)$(PREFIX))
	$(Q)for p in $(INSTALL_BIN) $(INSTALL_DATA) :$(UNITDIR)/ward.service; do \
		rm -f "$(DESTDIR)$${p#*:}"; done; \
	for d in $$(printf '%s\n' $(INSTALL_DIRS) | sort -r); do [ ! -d "$(DESTDIR)$$d" ] || \
		rmdir --ignore-fail-on-non-empty "$(DESTDIR)$$d"; done

# The package: make install's files under /usr (the unit in /lib/systemd/system, where
# bookworm's packages keep theirs) with the static ward, then scripts/deb.sh (the control
# files, deploy/debian/). Its version is the packaged ward's (VERSION when it was built).
DEB_ROOT := $(BUILD)/deb/root
deb: deps
	$(Q)$(SUBMAKE) $(BUILD)/static/ward $(BUILD)/rulesc $(MAN_PAGES) $(COMPLETIONS)
	@rm -rf $(DEB_ROOT)
	$(Q)$(SUBMAKE) install DESTDIR=$(DEB_ROOT) PREFIX=/usr UNITDIR=/lib/systemd/system \
		INSTALL_WARD=$(BUILD)/static/ward
	$(Q)scripts/deb.sh $(DEB_ROOT) $(BUILD)

# ---- the OCI image -------------------------------------------------------------
# $(IMAGE): an OCI image layout tagged with the version the binary reports, holding the
# static ward and the default pack's sources; $(IMAGE).tar the same as an oci-archive,
# $(IMAGE).spdx.json its SBOM (also in the image), naming the Debian packages of the
# static libraries linked (STATIC_LIBS, and glibc's libc.a). umoci, no registry, no daemon.
IMAGE := $(BUILD)/image
$(IMAGE)/index.json: $(BUILD)/static/ward $(wildcard policies/*.yaml) scripts/image.sh \
		scripts/image-sbom.py
	$(call msg,IMAGE,$(IMAGE))
	$(Q)scripts/image.sh $(BUILD)/static/ward policies $(IMAGE) $(CC) \
		$(patsubst -l:%,%,$(filter -l:%,$(STATIC_LIBS))) libc.a >/dev/null

.PHONY: image
image: deps
	$(Q)$(SUBMAKE) $(IMAGE)/index.json
	@echo "image: oci:$(IMAGE):$$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' \
		$(IMAGE)/index.json), $(IMAGE).tar (oci-archive), $(IMAGE).spdx.json (SBOM)"

# ---- Kubernetes ------------------------------------------------------------------
# deploy/kubernetes/crd.yaml (the CustomResourceDefinitions of ward's documents) and
# configmap.yaml (ward.yaml and policies/*.yaml as ConfigMaps) are generated and checked in;
# tests/kubernetes/check.py fails when they differ from what this makes.
K8S_DIR := deploy/kubernetes
K8S_POLICIES := $(sort $(wildcard policies/*.yaml))
$(K8S_DIR)/crd.yaml: scripts/k8s-manifests.py
	$(call msg,GEN,$@)
	$(Q)scripts/k8s-manifests.py crd >$@.tmp && mv $@.tmp $@
$(K8S_DIR)/configmap.yaml: scripts/k8s-manifests.py $(K8S_DIR)/config/ward.yaml $(K8S_POLICIES)
	$(call msg,GEN,$@)
	$(Q)scripts/k8s-manifests.py configmap $(K8S_DIR)/config/ward.yaml $(K8S_POLICIES) >$@.tmp && \
		mv $@.tmp $@

.PHONY: k8s-manifests
k8s-manifests: $(K8S_DIR)/crd.yaml $(K8S_DIR)/configmap.yaml

# ---- tests -----------------------------------------------------------------
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
ASAN_BINS := $(patsubst tests/unit/%.c,$(BUILD)/asan/%,$(UNIT_SRCS))
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	      -U_FORTIFY_SOURCE
ASAN_ENGINE_OBJS := $(patsubst %.c,$(BUILD)/asan/%.o,$(ENGINE_LIB_SRCS))
ASAN_RULESC_OBJS := $(patsubst %.c,$(BUILD)/asan/%.o,$(RULESC_LIB_SRCS))

$(BUILD)/tests/test_%: tests/unit/test_%.c $(BUILD)/libward.a $(BUILD)/librulesc.a | $(BUILD)/tests
	$(call msg,CC+LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(rulesc_internal) $(DEPFLAGS) -Itests/unit $< -o $@ $(BUILD)/libward.a \
		$(BUILD)/librulesc.a -lcmocka $(ENGINE_LIBS) $(RULESC_LIBS)

$(BUILD)/asan/%.o: %.c $(BPF_SKELS)
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $(rulesc_internal) -O1 $(ASAN_FLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/asan/test_%: tests/unit/test_%.c $(ASAN_ENGINE_OBJS) $(ASAN_RULESC_OBJS) | $(BUILD)/asan
	$(call msg,CC+LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(rulesc_internal) -O1 $(ASAN_FLAGS) $(DEPFLAGS) -Itests/unit $(filter %.c %.o,$^) -o $@ \
		-lcmocka $(ENGINE_LIBS) $(RULESC_LIBS)

# The differential test of the kernel lookup against rulesc's reference
# (tests/diff/): a SEC("syscall") harness run with BPF_PROG_TEST_RUN.
$(BUILD)/tests/diff:
	@mkdir -p $@

$(BUILD)/tests/diff/decide.bpf.o: | $(BUILD)/tests/diff

$(BUILD)/tests/test_decide: tests/diff/test_decide.c $(BUILD)/tests/diff/decide.skel.h \
		$(BUILD)/libward.a $(BUILD)/librulesc.a | $(BUILD)/tests
	$(call msg,CC+LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(rulesc_internal) $(DEPFLAGS) -Itests/diff -isystem $(BUILD)/tests/diff $< -o $@ \
		$(BUILD)/libward.a $(BUILD)/librulesc.a $(ENGINE_LIBS) $(RULESC_LIBS)

# Empty programs on the benchmarked hooks (tests/bench/empty_hooks.c): static, so the
# BPF-LSM VM can run it (tests/vm/bench/).
$(BUILD)/tests/bench:
	@mkdir -p $@

$(BUILD)/tests/bench/empty.bpf.o: | $(BUILD)/tests/bench

$(BUILD)/static/empty_hooks: tests/bench/empty_hooks.c $(BUILD)/tests/bench/empty.skel.h | $(BUILD)/static
	$(call msg,CC+LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -isystem $(BUILD)/tests/bench -static $< -o $@ \
		-Wl,-Bstatic -l:libbpf.a -l:libelf.a -l:libz.a -l:libzstd.a

$(BUILD)/static/bench_loop: tests/bench/bench_loop.c | $(BUILD)/static
	$(call msg,CC+LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -static $< -o $@

FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
# libFuzzer needs clang, whatever CC is; the flags (and warnings) are the build's.
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -g -O1 -U_FORTIFY_SOURCE
FUZZ_OBJS_DIR := $(BUILD)/fuzz/obj

$(FUZZ_OBJS_DIR)/%.o: %.c $(BPF_SKELS)
	$(call msg,CLANG,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CLANG) $(ALL_CFLAGS) $(rulesc_internal) $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(DEPFLAGS) -c $< -o $@

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c \
		$(patsubst %.c,$(FUZZ_OBJS_DIR)/%.o,$(ENGINE_LIB_SRCS) $(RULESC_LIB_SRCS)) | $(BUILD)/fuzz
	$(call msg,CLANG+LD,$@)
	$(Q)$(CLANG) $(ALL_CFLAGS) $(rulesc_internal) $(FUZZ_SAN) -fsanitize=fuzzer $(DEPFLAGS) $(filter %.c %.o,$^) -o $@ \
		$(ENGINE_LIBS) $(RULESC_LIBS)

.PHONY: fuzz test test-unit test-asan test-fuzz test-rulesc test-cli test-examples test-diff \
	test-kubernetes \
	test-integration test-vm test-vm-main test-vm-matrix \
	bench clean \
	format format-check

FORMAT_SRCS = $(filter-out bpf/lib/vmlinux.h,$(wildcard bpf/*/*.[ch] lsm/*.[ch] include/ward/*.h \
	      engine/*/*.[ch] rulesc/*.[ch] rulesc/include/*.h rulesc/include/rulesc/*.h \
	      tests/unit/*.c tests/fuzz/*.c tests/diff/*.[ch] tests/bench/*.c))
format:
	clang-format -i $(FORMAT_SRCS)
format-check:
	@tests/format-check.sh $(FORMAT_SRCS)
fuzz: $(FUZZ_BINS)

test-unit: $(UNIT_BINS)
	@tests/run-unit.sh unit $(UNIT_BINS)

test-asan: $(ASAN_BINS)
	@tests/run-unit.sh asan $(ASAN_BINS)

test-fuzz: $(FUZZ_BINS)
	@tests/fuzz/replay.sh $(FUZZ_BINS)

test-rulesc: $(BUILD)/rulesc
	@tests/rulesc/run.sh

# The CLI contract (docs/cli.md) for every subcommand of both binaries, then the man pages
# and the shell completion against the parsers; no root needed.
test-cli: build
	@tests/cli/contract.sh; rc=$$?; tests/cli/man-completion.sh || rc=1; exit $$rc

# examples/prometheus (promtool check/test rules) and examples/grafana against the metric
# families engine/metrics/ registers; no build, no root.
test-examples:
	@tests/examples/check.sh

# t-07-image runs the image's binary: it needs $(IMAGE).
# deploy/kubernetes/ without a cluster: manifests, generated files, the CRD schemas against
# rulesc (tests/kubernetes/check.py); no root, about 2 s.
test-kubernetes: $(BUILD)/rulesc
	@python3 tests/kubernetes/check.py

test-integration: build $(IMAGE)/index.json
	@tests/integration/run.sh

# 12,000 cases (the default pack and generated policies) against the kernel.
test-diff: $(BUILD)/tests/test_decide
	@$(BUILD)/tests/test_decide 12000

# The kernel matrix: the whole VM suite on Debian 12's 6.1, the verifier budget and one block
# and one audit alert per class on Debian 13's 6.12 and unstable's newest (7.x); and 6.1
# without BPF-LSM (lsm=capability), where the fallbacks must see i386 syscalls.
VM_MATRIX_SHORT := 02-verifier-budget 05-classes
# The guest is single-threaded TCG (one core): the short runs of the other kernels go on the
# other core meanwhile (their own kernel caches and apt state), their output after the suite's.
VM_DEPS := $(BUILD)/static/ward $(BUILD)/static/bench_loop
test-vm: test-vm-main test-vm-matrix
test-vm-main: $(VM_DEPS)
	@tests/vm/run.sh
test-vm-matrix: $(VM_DEPS)
	@m=0; for k in 6.12 7; do WARD_VM_KERNEL=$$k tests/vm/run.sh $(VM_MATRIX_SHORT) || m=1; \
	done; WARD_VM_SUITE=fallback WARD_VM_APPEND=lsm=capability tests/vm/run.sh || m=1; exit $$m

# One line per suite in $(BUILD)/test-results, summed at the end. The whole VM suite (about 13
# minutes of one core) runs beside the other suites, which use the other core; its output comes
# after theirs.
test: deps
	@rm -rf $(BUILD)/test-results; mkdir -p $(BUILD)/vm
	@$(SUBMAKE) -k build $(VM_DEPS); rc=$$?; \
	$(SUBMAKE) test-vm-main >$(BUILD)/vm/main.log 2>&1 & vm=$$!; \
	$(SUBMAKE) -k format-check test-unit test-asan test-fuzz test-rulesc test-cli \
		test-examples test-kubernetes test-diff test-integration test-vm-matrix || rc=1; \
	wait $$vm || rc=1; cat $(BUILD)/vm/main.log; \
	tests/summary.sh $(BUILD)/test-results || rc=1; exit $$rc

bench: deps
	$(Q)$(SUBMAKE) build $(BUILD)/tests/test_decide $(BUILD)/static/empty_hooks \
		$(BUILD)/static/bench_loop $(BUILD)/static/ward
	@BENCH='$(BENCH)' tests/bench/run.sh

clean:
	rm -rf $(BUILD)

# The compiler's header dependencies (DEPFLAGS) of every object and binary built so far.
-include $(wildcard $(BUILD)/bpf/*/*.d $(BUILD)/lsm/*.d $(BUILD)/obj/*/*.d $(BUILD)/obj/*/*/*.d \
	$(BUILD)/static/*.d $(BUILD)/static/*/*.d $(BUILD)/static/*/*/*.d $(BUILD)/asan/*.d \
	$(BUILD)/asan/*/*.d $(BUILD)/asan/*/*/*.d $(BUILD)/fuzz/*.d $(BUILD)/fuzz/obj/*/*.d \
	$(BUILD)/fuzz/obj/*/*/*.d $(BUILD)/tests/*.d $(BUILD)/tests/*/*.d)
