# dosed — the two commands of the README, plus helpers.
#   make demo   run the daemon on the simulated demo ward
#   make test   run the whole test suite
SWIFT      ?= swift
DEMO_SCALE ?= 60
DEMO_CONFIG ?= config/demo-ward.toml
SUDO       := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: all deps test-deps build release demo test bench bench-check lint format check-config clean

all: build

# libudev-dev and libusb-1.0-0-dev are the system packages the build needs that a fresh Debian
# lacks.
deps:
	@pkg-config --exists libudev 2>/dev/null || { \
	  echo "libudev-dev is missing; installing it with apt-get (Debian package libudev-dev)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libudev-dev; }
	@pkg-config --exists libusb-1.0 2>/dev/null || { \
	  echo "libusb-1.0-0-dev is missing; installing it with apt-get"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libusb-1.0-0-dev; }

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Runs in the foreground; Ctrl-C stops it cleanly. Query it from another terminal:
#   DOSED_SOCKET=/tmp/dosed-demo/dosed.sock .build/debug/dosectl status
demo: build
	@echo "demo ward: simulated time runs $(DEMO_SCALE)x real time; socket /tmp/dosed-demo/dosed.sock"
	@echo "in another terminal: DOSED_SOCKET=/tmp/dosed-demo/dosed.sock .build/debug/dosectl status"
	.build/debug/dosed --config $(DEMO_CONFIG) --time-scale $(DEMO_SCALE)

# The tests also need socat, pymodbus (a real Modbus RTU peer), radiacode (an independent
# encoder for the RadiaCode codec), radioactivedecay (ICRP-107 decay oracle) and glowgreen
# (patient clearance oracle).
test-deps: deps
	@command -v socat >/dev/null || { echo "installing socat"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq socat; }
	@python3 -c "import pymodbus, serial" 2>/dev/null || { echo "installing pymodbus"; \
	  python3 -m pip install -q "pymodbus[serial]==3.16.1" 2>/dev/null \
	  || python3 -m pip install -q --break-system-packages "pymodbus[serial]==3.16.1"; }
	@python3 -c "import radiacode" 2>/dev/null || { echo "installing radiacode"; \
	  python3 -m pip install -q "radiacode==0.4.0" 2>/dev/null \
	  || python3 -m pip install -q --break-system-packages "radiacode==0.4.0"; }
	@python3 -c "import radioactivedecay" 2>/dev/null || { echo "installing radioactivedecay"; \
	  python3 -m pip install -q "radioactivedecay==0.6.1" 2>/dev/null \
	  || python3 -m pip install -q --break-system-packages "radioactivedecay==0.6.1"; }
	@python3 -c "import glowgreen" 2>/dev/null || { echo "installing glowgreen"; \
	  python3 -m pip install -q "glowgreen==0.1.1" 2>/dev/null \
	  || python3 -m pip install -q --break-system-packages "glowgreen==0.1.1"; }

test: test-deps
	$(SWIFT) build --build-tests
	.build/debug/dosed --check-config --config config/dosed.toml
	.build/debug/dosed --check-config --config config/demo-ward.toml
	$(SWIFT) test

# The measurement-science benchmark (docs/measurement.md §7): release build, about a minute.
bench: deps
	$(SWIFT) build -c release --product dosebench
	.build/release/dosebench

# Its statistical targets only (seeded, so the same on every machine); exits 1 on a miss.
bench-check: deps
	$(SWIFT) build -c release --product dosebench
	.build/release/dosebench --only detect_step,clearance --check

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

clean:
	rm -rf .build
