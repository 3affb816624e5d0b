# SPDX-License-Identifier: GPL-2.0
#
# ipvs-udp: IPVS modules for UDP services (SIP, DNS, RADIUS), their control
# library and CLI, and the User-Mode Linux test harness.
#
# Everyday targets:
#   make demo          SIP calls through the sip scheduler vs. stock IPVS (UML)
#   make check         every test: style, compile checks, KUnit, scenarios
#   make               modules for KDIR (default: the running kernel)
#   make modules-uml   modules for the UML test kernel (build/uml/)
#   make test-kernel   the UML test kernels (cached in $(IPVS_UDP_CACHE))
#   make modules-uml-newest  modules for the second UML kernel, from the
#                      newest Debian kernel's source (build/uml-newest/)
#   make distro-check  build against Debian 12's 6.1 and 6.12 headers, trixie's
#                      6.12, sid's kernel, the newest Debian kernel (sid or
#                      trixie-backports), and trixie's with clang
#   make style         checkpatch --strict and clang-format
#   make userspace     C/C++ tools, library and unit tests (build/cmake/)
#   make install       modules (KDIR) and install-userspace: library, headers,
#                      ipvs-udp.pc, CMake package, CLI under PREFIX (/usr/local)
#   make fuzz          the libFuzzer targets for FUZZ_SECONDS (600) each
#   make deps          install the Debian packages all of this needs
#   make dkms-install  register, build and install the modules with DKMS
#                      for KERNELRELEASE (default: the running kernel)
#   make debs          Debian packages in build/debs/ (scripts/build-debs)
#   make check-qemu    Debian's own kernels under QEMU with our modules: trixie's
#                      6.12, sid's newest, Debian 12's 6.1 and 6.12
#   make check-all     make check and the steps it leaves out (README)
#   make debs-clean-system-check  the .debs installed with apt on a clean
#                      bookworm and a clean trixie (debootstrap), each
#                      booted on its Debian kernel
#   make torture       the seeded torture run under the debug kernel for
#                      SECONDS (600); SEED=S replays a seed
#   make bench         every benchmark in bench/ (not a test; an hour or
#                      more): outputs in build/bench/results/, the cost-curve
#                      plots in docs/ (docs/benchmarks.md has the tables)

KERNELRELEASE ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build
IPVS_UDP_CACHE ?= /var/cache/ipvs-udp
export IPVS_UDP_CACHE

BUILD := $(CURDIR)/build
KSRC_FILES := Kbuild $(shell find kernel include -type f 2>/dev/null)
UML_KDIR = $(shell scripts/build-test-kernel --print-dir)
UML_KDIR_DEBUG = $(shell scripts/build-test-kernel --debug --print-dir)
UML_KDIR_NEWEST = $(shell scripts/build-test-kernel --source newest --print-dir)
DISTRO_KDIRS = $(sort $(wildcard /usr/src/linux-headers-6.1.*-amd64) \
	$(lastword $(sort $(wildcard /usr/src/linux-headers-6.12.*+deb12-amd64))))

# Build the modules of this tree in $(1) (a symlink farm) against KDIR $(2),
# with extra make arguments $(3), then collect the .ko files in $(1).
define build_modules
	@mkdir -p $(1)
	@mkdir -p $(1)/bench
	@cp -asf $(CURDIR)/Kbuild $(CURDIR)/kernel $(CURDIR)/include $(1)/
	@cp -asf $(CURDIR)/bench/kmod $(1)/bench/
	$(MAKE) -C $(2) M=$(1) $(3) modules
	@find $(1)/kernel $(1)/bench -name '*.ko' -exec cp -f {} $(1)/ \;
endef

.PHONY: all module modules clean install modules-uml modules-uml-debug \
	modules-uml-debug-own-limits modules-uml-newest test-kernel-newest \
	test-kernel test-kernel-debug distro-check style userspace check check-all demo \
	deps kunit scenarios install-userspace ipvs-patched scenarios-patched fuzz \
	dkms-source dkms-install dkms-uninstall debs check-qemu \
	debs-clean-system-check torture bench

all: module
module modules:
	$(call build_modules,$(BUILD)/host,$(KDIR),)

install: install-userspace module
	$(MAKE) -C $(KDIR) M=$(BUILD)/host modules_install

# Library, headers, ipvs-udp.pc, CMake package, CLI (DESTDIR honoured).
PREFIX ?= /usr/local
install-userspace: userspace
	cmake --install $(BUILD)/cmake --prefix $(PREFIX)

test-kernel:
	scripts/build-test-kernel
test-kernel-debug:
	scripts/build-test-kernel --debug
# The second UML kernel: the newest Debian kernel's source.
test-kernel-newest:
	scripts/build-test-kernel --source newest
ipvs-patched: test-kernel
	scripts/build-ipvs-patched

modules-uml: test-kernel
	$(call build_modules,$(BUILD)/uml,$(UML_KDIR),ARCH=um IPVS_UDP_WERROR=1)
modules-uml-debug: test-kernel-debug
	$(call build_modules,$(BUILD)/uml-debug,$(UML_KDIR_DEBUG),ARCH=um IPVS_UDP_WERROR=1)
modules-uml-newest: test-kernel-newest
	$(call build_modules,$(BUILD)/uml-newest,$(UML_KDIR_NEWEST),ARCH=um IPVS_UDP_WERROR=1)
# The debug modules with ip_vs_icmp_vip's own ICMP rate limits, which
# kernels after 6.12 need (UML 6.1 exports the kernel's): make check-all.
modules-uml-debug-own-limits: test-kernel-debug
	$(call build_modules,$(BUILD)/uml-debug-own-limits,$(UML_KDIR_DEBUG),ARCH=um IPVS_UDP_WERROR=1 IPVS_UDP_OWN_ICMP_LIMITS=1)

distro-check:
	scripts/distro-check $(DISTRO_KDIRS) suite:trixie suite:sid suite:newest llvm:trixie

style:
	scripts/style-check

userspace:
	cmake -S . -B $(BUILD)/cmake -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIPVS_UDP_WERROR=ON >/dev/null
	cmake --build $(BUILD)/cmake -j$$(nproc)

kunit: modules-uml
	tests/run-kunit

scenarios: modules-uml
	tests/run-scenarios

# Scenarios that need kernel-patches/6.1/ applied (IPv4 ICMP from the VIP for
# stock schedulers): the normal UML kernel with a patched ip_vs.ko.
scenarios-patched: modules-uml
	tests/run-scenarios-patched

deps:
	scripts/install-deps

# DKMS: sources in $(DKMS_SRC)/ipvs-udp-$(VERSION) (dkms.conf, kernel/,
# include/uapi/), then dkms add + install for KERNELRELEASE.
VERSION := $(shell sed -n 's/^project.ipvs-udp VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
DKMS ?= dkms
DKMS_SRC ?= /usr/src
DKMS_DIR = $(DKMS_SRC)/ipvs-udp-$(VERSION)
dkms-source:
	rm -rf $(DKMS_DIR)
	mkdir -p $(DKMS_DIR)
	find kernel include/uapi -type f \( -name '*.[ch]' -o -name 'Kbuild*' \) \
		-exec cp --parents {} $(DKMS_DIR)/ \;
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf >$(DKMS_DIR)/dkms.conf
dkms-install: dkms-source
	$(DKMS) status -m ipvs-udp -v $(VERSION) | grep -q . || \
		$(DKMS) add -m ipvs-udp -v $(VERSION)
	$(DKMS) install --force -m ipvs-udp -v $(VERSION) -k $(KERNELRELEASE)
dkms-uninstall:
	$(DKMS) remove -m ipvs-udp -v $(VERSION) --all
	rm -rf $(DKMS_DIR)

debs:
	scripts/build-debs

# Debian 13's 6.12 and the newest Debian kernel (make check), Debian 12's
# own 6.1 and 6.12 (make check-all).
check-qemu:
	tests/qemu/run suite:trixie suite:sid suite:newest $(notdir $(DISTRO_KDIRS:/usr/src/linux-headers-%=%))

debs-clean-system-check: debs
	scripts/debs-clean-system-check
	scripts/debs-clean-system-check --suite trixie

# The libFuzzer targets for longer than make check runs them
# (FUZZ_SECONDS each, default 600).
FUZZ_SECONDS ?= 600
fuzz:
	IPVS_UDP_FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/userspace-test

# The torture run (tests/scenarios/torture.sh) for longer than make check
# runs it, under the debug kernel.
SECONDS ?= 600
torture: modules-uml-debug userspace
	IPVS_UDP_TORTURE_SECONDS=$(SECONDS) $(if $(SEED),IPVS_UDP_TORTURE_SEED=$(SEED)) \
		IPVS_UDP_SCENARIO_TIMEOUT=$$(($(SECONDS) * 3 + 600)) \
		tests/run-scenarios --debug torture lifecycle

check:
	scripts/check

# make check and what it leaves out to stay within 45 minutes (README,
# "make check-all").
check-all:
	IPVS_UDP_CHECK_ALL=1 scripts/check

# One after another, never two at a time: each measures a loaded machine
# otherwise. Needs what the anchors compare with: dnsdist and kamailio.
BENCHES := sip-kernel-cost sip-throughput reply-throughput reply-scale \
	radius-throughput dns-anchor sip-anchor
bench:
	@scripts/install-bench-deps
	@mkdir -p $(BUILD)/bench/results
	@for b in $(BENCHES); do \
		echo "bench/$$b.sh -> $(BUILD)/bench/results/$$b.txt"; \
		bench/$$b.sh >$(BUILD)/bench/results/$$b.txt 2>&1 || \
			echo "# bench/$$b.sh exited $$?"; \
		grep -E '^[|#]' $(BUILD)/bench/results/$$b.txt | tail -n 12; \
	done

demo:
	scripts/demo

clean:
	rm -rf $(BUILD)
