# SPDX-License-Identifier: MIT
# Installation of the manual pages, and a complete uninstall.
#
#   install-man    man/*.1, *.3, *.7 into $(DESTDIR)$(MANDIR)/manN; for
#                  every further .Nm name in the NAME section of a section-3
#                  page, a link NAME.3 -> PAGE.3, so that `man FUNCTION`
#                  finds each function.  Nothing to do without pages.
#   uninstall      removes every file `make install` installed (with the
#                  same PREFIX, LIBDIR, ... and DESTDIR), nothing else;
#                  directories stay.  uninstall-man alone for the pages.
#   check-install  tests/install-test.sh: install into a scratch tree, build
#                  an example against it with pkg-config (shared and
#                  --static), run both, uninstall, and find no file left.

MANDIR    ?= $(PREFIX)/share/man
MAN_PAGES := $(sort $(wildcard man/*.1 man/*.3 man/*.7))

.PHONY: install-man uninstall uninstall-man uninstall-lib uninstall-bin \
        uninstall-headers uninstall-pc uninstall-dropin check-install

install: install-man

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
	rm -f $(DESTDIR)$(LIBDIR)/libforkexec.a $(DESTDIR)$(LIBDIR)/libforkexec.so \
	      $(DESTDIR)$(LIBDIR)/libforkexec.so.$(SOMAJOR) \
	      $(DESTDIR)$(LIBDIR)/libforkexec.so.$(VERSION)

uninstall-bin:
	rm -f $(DESTDIR)$(BINDIR)/fxrun

uninstall-headers:
	rm -f $(addprefix $(DESTDIR)$(INCDIR)/,forkexec.h forkexec-io.h forkexec-linux.h \
	                                       forkexec-posix.h)

uninstall-pc:
	rm -f $(DESTDIR)$(PKGDIR)/forkexec.pc

uninstall-dropin:
	rm -f $(DESTDIR)$(DROPINDIR)/libforkexec-posix.so $(DESTDIR)$(DROPINDIR)/libforkexec-posix.a

uninstall: uninstall-lib uninstall-bin uninstall-headers uninstall-pc uninstall-dropin \
           uninstall-man

check-install:
	tests/install-test.sh

# forkexec.pc records PREFIX, LIBDIR and INCDIR: it is written again at
# each install, so that an install with other paths never ships the last
# one's.
.PHONY: $(BUILD)/forkexec.pc
