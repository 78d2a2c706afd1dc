# SPDX-License-Identifier: MIT
# Every install and uninstall rule.  Included by the Makefile.
#
#   install        the libraries, fxrun, the headers, forkexec.pc, the
#                  posix_spawn drop-in (Linux) and the manual pages.
#   install-lib    libforkexec.a and the shared library, with the links
#                  that fit the platform: on Linux libforkexec.so.1 (the
#                  soname) and libforkexec.so (for -lforkexec); on Darwin
#                  libforkexec.dylib -> libforkexec.1.dylib (its install
#                  name) and no .so at all.
#   install-dropin libforkexec-posix.so and .a into DROPINDIR (Linux).
#   install-man    man/*.1, *.3, *.7 into $(DESTDIR)$(MANDIR)/manN; for
#                  every further .Nm name in the NAME section of a section-3
#                  page, a link NAME.3 -> PAGE.3, so that `man FUNCTION`
#                  finds each function.  Nothing to do without pages.
#   uninstall      removes every file `make install` installed (with the
#                  same PREFIX, LIBDIR, ... and DESTDIR), nothing else;
#                  directories stay.  uninstall-man alone for the pages.
#   check-install  tests/scripts/install-test.sh: install into a scratch tree, build
#                  an example against it with pkg-config (shared and
#                  --static), run both, uninstall, and find no file left.

MANDIR    ?= $(PREFIX)/share/man
MAN_PAGES := $(sort $(wildcard man/*.1 man/*.3 man/*.7))

# DROPINDIR: where install-dropin puts the drop-in (the Debian packages
# use a private directory, /usr/lib/<triplet>/forkexec: see debian/rules).
DROPINDIR ?= $(LIBDIR)
HEADERS   := include/forkexec.h include/forkexec-posix.h include/forkexec-io.h \
             include/forkexec-linux.h

.PHONY: install install-lib install-bin install-headers install-pc install-dropin \
        install-man uninstall uninstall-man uninstall-lib uninstall-bin \
        uninstall-headers uninstall-pc uninstall-dropin check-install

ifeq ($(OS),darwin)
INSTALL_DROPIN :=
LIB_LINKS      := libforkexec.dylib
else
INSTALL_DROPIN := install-dropin
LIB_LINKS      := libforkexec.so.$(SOMAJOR) libforkexec.so
endif

install: install-lib install-bin install-headers install-pc $(INSTALL_DROPIN) install-man

install-lib: $(STATIC_LIB) $(SHARED_LIB)
	install -d $(DESTDIR)$(LIBDIR)
	install -m 644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)/
ifeq ($(OS),darwin)
	ln -sf libforkexec.$(SOMAJOR).dylib $(DESTDIR)$(LIBDIR)/libforkexec.dylib
else
	ln -sf libforkexec.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libforkexec.so.$(SOMAJOR)
	ln -sf libforkexec.so.$(SOMAJOR) $(DESTDIR)$(LIBDIR)/libforkexec.so
endif

install-bin: $(BUILD)/fxrun
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(BUILD)/fxrun $(DESTDIR)$(BINDIR)/

install-headers:
	install -d $(DESTDIR)$(INCDIR)
	install -m 644 $(HEADERS) $(DESTDIR)$(INCDIR)/

$(BUILD)/forkexec.pc: forkexec.pc.in
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCDIR@|$(INCDIR)|' -e 's|@VERSION@|$(VERSION)|' $< > $@

install-pc: $(BUILD)/forkexec.pc
	install -d $(DESTDIR)$(PKGDIR)
	install -m 644 $(BUILD)/forkexec.pc $(DESTDIR)$(PKGDIR)/

install-dropin: $(DROPIN_SO) $(DROPIN_A)
	install -d $(DESTDIR)$(DROPINDIR)
	install -m 755 $(DROPIN_SO) $(DESTDIR)$(DROPINDIR)/
	install -m 644 $(DROPIN_A) $(DESTDIR)$(DROPINDIR)/

# man_links PAGE: "NAME PAGE" for each .Nm of PAGE's NAME section but the
# page's own name.  mdoc: ".Nm fx_attr_free ," one a line, up to .Nd.
man_links = for p in $(filter %.3,$(MAN_PAGES)); do \
	base=$${p\#\#*/}; \
	sed -n '/^\.Sh NAME/,/^\.Sh /{ s/^\.Nm \([A-Za-z_][A-Za-z0-9_]*\).*/\1/p; }' $$p | \
	while read -r name; do \
		[ "$$name.3" = "$$base" ] || echo "$$name $$base"; \
	done; \
done

install-man:
	@set -e; for p in $(MAN_PAGES); do \
		sec=$${p##*.}; \
		install -d $(DESTDIR)$(MANDIR)/man$$sec; \
		echo "install -m 644 $$p $(DESTDIR)$(MANDIR)/man$$sec/"; \
		install -m 644 $$p $(DESTDIR)$(MANDIR)/man$$sec/; \
	done
	@set -e; $(man_links) | while read -r name page; do \
		echo "ln -sf $$page $(DESTDIR)$(MANDIR)/man3/$$name.3"; \
		ln -sf $$page $(DESTDIR)$(MANDIR)/man3/$$name.3; \
	done

uninstall-man:
	@set -e; $(man_links) | while read -r name page; do \
		rm -f $(DESTDIR)$(MANDIR)/man3/$$name.3; \
	done
	@set -e; for p in $(MAN_PAGES); do \
		rm -f $(DESTDIR)$(MANDIR)/man$${p##*.}/$${p##*/}; \
	done

uninstall-lib:
	rm -f $(DESTDIR)$(LIBDIR)/libforkexec.a $(DESTDIR)$(LIBDIR)/$(notdir $(SHARED_LIB)) \
	      $(addprefix $(DESTDIR)$(LIBDIR)/,$(LIB_LINKS))

uninstall-bin:
	rm -f $(DESTDIR)$(BINDIR)/fxrun

uninstall-headers:
	rm -f $(addprefix $(DESTDIR)$(INCDIR)/,$(notdir $(HEADERS)))

uninstall-pc:
	rm -f $(DESTDIR)$(PKGDIR)/forkexec.pc

uninstall-dropin:
	rm -f $(DESTDIR)$(DROPINDIR)/libforkexec-posix.so $(DESTDIR)$(DROPINDIR)/libforkexec-posix.a

uninstall: uninstall-lib uninstall-bin uninstall-headers uninstall-pc $(INSTALL_DROPIN:install-%=uninstall-%) \
           uninstall-man

check-install:
	tests/scripts/install-test.sh

# forkexec.pc records PREFIX, LIBDIR and INCDIR: it is written again at
# each install, so that an install with other paths never ships the last
# one's.
.PHONY: $(BUILD)/forkexec.pc
