# The portal's everyday commands. `make run` and `make test` need nothing but Go and PostgreSQL's server
# programs (Debian: apt-get install postgresql); both start a private PostgreSQL when DATABASE_URL is not set.
GO  ?= go
BIN := bin/portal

.PHONY: build run test vet fmt-check axe fuzz race soak screenshots bench bench-figures clean

build:
	$(GO) build -o $(BIN) .

## run: build and start the portal on http://localhost:8080 with its own PostgreSQL and demo data
run: build
	./$(BIN) serve --seed-if-empty

## test: formatting, vet, every test against a real (private, throwaway) PostgreSQL, the race detector, fuzzing
test: build fmt-check vet axe
	./$(BIN) devdb -- $(GO) test -count=1 -timeout 45m ./...
	$(MAKE) --no-print-directory race
	$(MAKE) --no-print-directory fuzz

## race: the tests where goroutines meet, under Go's race detector (it needs cgo, so a C compiler): the mail
## workers, the page cache, signups racing for the last seats, roll calls (with concurrent phones) and the model
## test's sequences (150 steps, with signups at once). The rest
## of the suite is left out because the detector makes it five to ten times slower.
RACE_TESTS ?= ^Test(KilledWorker|WorkersOfOneProcess|StoppedWorker|PageCache|SignupRace|AttendanceTalliesUnderConcurrentRollCalls|RollCall|ModelSequences|RaisingSeats)
race: build
	CGO_ENABLED=1 MODEL_STEPS=150 ./$(BIN) devdb -- $(GO) test -race -count=1 -timeout 20m -run '$(RACE_TESTS)' ./mail ./app ./handlers

## fuzz: every fuzz target of the parsers and validators, FUZZTIME each (the seeded corpus runs in every test).
# A count, not a duration: Go 1.26's fuzz coordinator can report a bare "context deadline exceeded" when a
# wall-clock budget ends while a worker is busy (golang/go#75804); a count has no deadline to race.
FUZZTIME ?= 5000x
fuzz: build
	./$(BIN) devdb -- sh -c 'for pkg in ./app ./handlers; do \
		for f in $$($(GO) test -list "^Fuzz" $$pkg | grep "^Fuzz"); do \
			echo "fuzz $$pkg $$f"; $(GO) test $$pkg -run "^$$" -fuzz "^$$f$$" -fuzztime $(FUZZTIME) >/tmp/portal-fuzz.log 2>&1 \
				|| { cat /tmp/portal-fuzz.log; exit 1; }; \
		done; done'

## soak: the fault suite (internal/faultproxy, about a minute in make test) three times over with faults three
## times as long: PostgreSQL and the SMTP server cut, frozen, slowed and reset under two portals while signups and
## mail flow; every signup saved once, every mail delivered once. Then the model test (app/model_test.go) runs
## new random sequences for MODEL_SOAK_FOR (10m) and reports how many steps it ran.
MODEL_SOAK_FOR ?= 10m
soak: build
	FAULT_SOAK=1 ./$(BIN) devdb -- $(GO) test -count=1 -timeout 60m -v -run 'TestSignupsAndMailSurviveEveryFault' ./internal/faultproxy/
	MODEL_SOAK=1 MODEL_SOAK_FOR=$(MODEL_SOAK_FOR) ./$(BIN) devdb -- $(GO) test -count=1 -timeout 60m -v \
		-run '^TestModelSequencesKeepEveryInvariant$$' ./app/

## bench-figures: the yearly figures and their page on 1,000,000 attendance rows (a minute of setup each)
bench-figures: build
	./$(BIN) devdb -- $(GO) test ./app ./handlers -run '^$$' -bench 'Figures' -benchtime 20x -timeout 30m

# axe-core (npm) for the accessibility checks of the browser tests; installed once when npm is there.
axe:
	@if [ ! -f tools/axe/node_modules/axe-core/axe.min.js ] && command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tools/axe --no-audit --no-fund --silent; fi

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l .); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

## screenshots: every page at phone and desktop size into docs/screenshots (needs Chromium)
screenshots: build
	rm -f docs/screenshots/*.jpg
	SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots ./$(BIN) devdb -- $(GO) test ./handlers/ -run '^TestScreenshots$$' -count=1

## bench: the performance proof, in about two minutes on loopback: this machine's ceilings (a bare Fiber handler,
## pgbench running the signup transaction), the portal under the same load, its footprint, and a table of ratios.
## It measures the binary as it ships. BENCHFLAGS="-duration 10s" for longer phases (see tools/bench).
BENCHFLAGS ?=
bench:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags="-s -w" -o bin/portal-release .
	$(GO) build -o bin/bench ./tools/bench
	./bin/portal-release devdb -- ./bin/bench -portal bin/portal-release $(BENCHFLAGS)

clean:
	rm -rf bin
