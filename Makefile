# Stocksync — see README.md. Every target works on a fresh machine with Go installed.
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X github.com/stocksync/stocksync/core/version.Version=$(VERSION)
UNAME    := $(shell uname -s)
BUILD    := build
APP      := $(BUILD)/Stocksync.app
SIGN_IDENTITY ?= -

.PHONY: all run test check fmt vet check-darwin cross-build build app dmg self-test bench reliability fuzz clean

all: build

## run: the main job — the demo on Linux, the menu-bar app on macOS
ifeq ($(UNAME),Darwin)
run: app
	open $(APP)
else
run: build
	$(BUILD)/stocksync demo
endif

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BUILD)/stocksync ./cmd/stocksync

## test: every test, with the race detector
test:
	$(GO) test -race -count=1 ./...

## check: formatting, vet (linux, darwin, windows), the macOS type-check and the darwin and windows cross-builds
check: fmt vet check-darwin cross-build

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...
	GOOS=darwin CGO_ENABLED=0 $(GO) vet ./cmd/stocksync/... ./core/...
	GOOS=windows CGO_ENABLED=0 $(GO) vet ./cmd/stocksync/... ./core/...

## check-darwin: type-check every package as built for macOS (arm64, amd64), cgo opaque
check-darwin:
	$(GO) run ./internal/tools/darwincheck ./...

cross-build:
	GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/stocksync
	GOOS=darwin GOARCH=amd64 CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/stocksync
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/stocksync

## bench: reproduce every figure in docs/BENCHMARKS.md
bench:
	$(GO) run ./internal/tools/benchreport -out docs/BENCHMARKS.md

## reliability: reproduce every figure in docs/RELIABILITY.md
reliability:
	$(GO) run ./internal/tools/reliability -out docs/RELIABILITY.md

ifeq ($(UNAME),Darwin)
# The app supports macOS 12 (LSMinimumSystemVersion): cgo's clang and Go's
# linker both read this, so the binary does not demand the build machine's macOS.
export MACOSX_DEPLOYMENT_TARGET = 12.0
# A Developer ID signature needs a secure timestamp for notarization; ad-hoc has none.
ifeq ($(SIGN_IDENTITY),-)
TIMESTAMP := --timestamp=none
else
TIMESTAMP := --timestamp
endif

## app: build/Stocksync.app, universal (arm64 + amd64), signed (ad-hoc unless SIGN_IDENTITY is set)
# The CLI goes in Contents/Helpers: next to Contents/MacOS/Stocksync, "stocksync"
# would be the same file on a case-insensitive disk and overwrite the app.
app:
	rm -rf $(APP)
	mkdir -p $(BUILD)/arm64 $(BUILD)/amd64 $(APP)/Contents/MacOS $(APP)/Contents/Helpers $(APP)/Contents/Resources
	CGO_ENABLED=1 GOARCH=arm64 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BUILD)/arm64/Stocksync ./cmd/stocksync-app
	CGO_ENABLED=1 GOARCH=amd64 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BUILD)/amd64/Stocksync ./cmd/stocksync-app
	CGO_ENABLED=0 GOARCH=arm64 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BUILD)/arm64/stocksync-cli ./cmd/stocksync
	CGO_ENABLED=0 GOARCH=amd64 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BUILD)/amd64/stocksync-cli ./cmd/stocksync
	lipo -create -output $(APP)/Contents/MacOS/Stocksync $(BUILD)/arm64/Stocksync $(BUILD)/amd64/Stocksync
	lipo -create -output $(APP)/Contents/Helpers/stocksync $(BUILD)/arm64/stocksync-cli $(BUILD)/amd64/stocksync-cli
	$(GO) run ./internal/tools/plistver -in Info.plist -out $(APP)/Contents/Info.plist -version $(VERSION)
	cp resources/AppIcon.icns $(APP)/Contents/Resources/
	codesign --force --options runtime $(TIMESTAMP) --sign '$(SIGN_IDENTITY)' $(APP)/Contents/Helpers/stocksync
	codesign --force --options runtime $(TIMESTAMP) --sign '$(SIGN_IDENTITY)' $(APP)
	@if [ -n "$(NOTARY_PROFILE)" ]; then \
		ditto -c -k --keepParent $(APP) $(BUILD)/Stocksync.zip && \
		xcrun notarytool submit $(BUILD)/Stocksync.zip --keychain-profile '$(NOTARY_PROFILE)' --wait && \
		xcrun stapler staple $(APP); fi

## dmg: build/Stocksync.dmg — the app beside an /Applications link; the image signed (with a Developer ID
## SIGN_IDENTITY), and with NOTARY_PROFILE notarized and stapled
# The link invites dragging the app out first: run from the image (or translocated), it would register its login
# item and privacy grants for the wrong path. ditto keeps the bundle's signature; the staging folder is temporary.
DMG := $(BUILD)/Stocksync.dmg
dmg: app
	@if [ -n "$(NOTARY_PROFILE)" ] && [ '$(SIGN_IDENTITY)' = '-' ]; then \
		echo "make dmg: NOTARY_PROFILE needs a Developer ID SIGN_IDENTITY; an ad-hoc signature cannot be notarized" >&2; exit 2; fi
	rm -rf $(BUILD)/dmg $(DMG)
	mkdir -p $(BUILD)/dmg
	ditto $(APP) $(BUILD)/dmg/Stocksync.app
	ln -s /Applications $(BUILD)/dmg/Applications
	hdiutil create -volname Stocksync -srcfolder $(BUILD)/dmg -ov -format UDZO $(DMG)
	rm -rf $(BUILD)/dmg
	@if [ '$(SIGN_IDENTITY)' = '-' ]; then \
		echo "make dmg: ad-hoc build: $(DMG) is not signed (set SIGN_IDENTITY to a Developer ID Application identity)"; \
	else \
		codesign --force $(TIMESTAMP) --sign '$(SIGN_IDENTITY)' $(DMG) && codesign --verify --verbose $(DMG); fi
	@if [ -n "$(NOTARY_PROFILE)" ]; then \
		xcrun notarytool submit $(DMG) --keychain-profile '$(NOTARY_PROFILE)' --wait && \
		xcrun stapler staple $(DMG) && xcrun stapler validate $(DMG); fi
else
app dmg:
	@echo "make $@ builds the macOS app bundle and needs macOS with the Xcode command line tools; on $(UNAME) use 'make run' for the demo." >&2; exit 2
endif

## self-test: build the app and run Stocksync.app --self-test (macOS): a temporary data folder on the demo server,
## every AppKit path, a sync, a backup and Quit; a JSON report of each step, a non-zero exit on any failure
ifeq ($(UNAME),Darwin)
self-test: app
	$(APP)/Contents/MacOS/Stocksync --self-test
else
self-test:
	@echo "make self-test runs the macOS app and needs macOS; on $(UNAME) run 'go test ./core/app/...' for the controller's part." >&2; exit 2
endif

clean:
	rm -rf $(BUILD)
