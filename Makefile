# Build and install gradcli: the static release binary, its manual page and shell completions.
#   make install PREFIX=$HOME/.local     (default PREFIX=/usr/local; DESTDIR is honoured)
# CONFIG=debug installs a debug build instead (quicker to build, slower to run).
PREFIX ?= /usr/local
CONFIG ?= release
SWIFT ?= swift
# One fully static executable: no dynamic loader work at start-up (half a one-shot's
# instructions with --static-swift-stdlib were symbol lookups), and it runs on any x86-64 Linux.
BUILD_COMMAND = $(SWIFT) build -c $(CONFIG) -Xswiftc -static-executable
ROOT = $(DESTDIR)$(PREFIX)

.PHONY: build install uninstall test

build:
	$(BUILD_COMMAND)

# The commit is not compiled in (SwiftPM takes no value without flags): it goes, with the build
# command, into share/gradcli/build-info, which `gradcli --version` reads.
install: build
	install -d $(ROOT)/bin $(ROOT)/share/gradcli $(ROOT)/share/man/man1 \
	  $(ROOT)/share/bash-completion/completions $(ROOT)/share/zsh/site-functions $(ROOT)/share/fish/vendor_completions.d
	install -m 755 .build/$(CONFIG)/gradcli $(ROOT)/bin/gradcli
	{ commit=$$(git rev-parse --short=12 HEAD 2>/dev/null) && \
	  { git diff --quiet HEAD 2>/dev/null || commit="$$commit (with uncommitted changes)"; } && \
	  echo "commit=$$commit"; echo "build=$(BUILD_COMMAND)"; } > $(ROOT)/share/gradcli/build-info
	$(ROOT)/bin/gradcli manual > $(ROOT)/share/man/man1/gradcli.1
	$(ROOT)/bin/gradcli completions bash > $(ROOT)/share/bash-completion/completions/gradcli
	$(ROOT)/bin/gradcli completions zsh > $(ROOT)/share/zsh/site-functions/_gradcli
	$(ROOT)/bin/gradcli completions fish > $(ROOT)/share/fish/vendor_completions.d/gradcli.fish

uninstall:
	rm -f $(ROOT)/bin/gradcli $(ROOT)/share/man/man1/gradcli.1 $(ROOT)/share/bash-completion/completions/gradcli \
	  $(ROOT)/share/zsh/site-functions/_gradcli $(ROOT)/share/fish/vendor_completions.d/gradcli.fish
	rm -rf $(ROOT)/share/gradcli

test:
	$(SWIFT) test
