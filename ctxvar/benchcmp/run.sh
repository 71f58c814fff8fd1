#!/usr/bin/env bash
# Runs the whole speed comparison once and prints one markdown table of
# medians with the target ratios and PASS/FAIL marks. See README.md.
#
# Environment:
#   COUNT=5          runs of every Go benchmark (-count)
#   ROUNDS=1         times the Go benchmark binary is run, each with -count
#                    COUNT; the medians are over all ROUNDS×COUNT runs.
#                    COUNT=1 ROUNDS=5 interleaves the benchmarks, which keeps
#                    the ratios fairer when other work loads the machine.
#   BENCHTIME=500ms  -benchtime of every Go benchmark run
#   PY_REPEAT=7      timeit repeats (-r) of every Python statement
#   PYTHON=python3   the Python interpreter; rows are skipped when it is absent
#   OUT=dir          keep the raw outputs there (default: a temporary directory)
#   STRICT=1         exit with status 3 when a target is marked FAIL
#
# The table goes to standard output (and $OUT/table.md), progress to standard
# error. The exit status is non-zero only on real errors: a build or benchmark
# failure, unparsable output, a Go benchmark without results.
set -euo pipefail

COUNT=${COUNT:-5}
ROUNDS=${ROUNDS:-1}
BENCHTIME=${BENCHTIME:-500ms}
PY_REPEAT=${PY_REPEAT:-7}
PYTHON=${PYTHON:-python3}
STRICT=${STRICT:-}

cd "$(dirname "$0")"
if [[ -n ${OUT:-} ]]; then
	mkdir -p "$OUT"
	out=$(cd "$OUT" && pwd)
else
	out=$(mktemp -d "${TMPDIR:-/tmp}/benchcmp.XXXXXX")
fi
log() { echo "run.sh: $*" >&2; }

log "raw outputs in $out"
log "downloading modules and building"
go mod download
go build -o "$out/benchtable" ./cmd/benchtable
go test -c -o "$out/benchcmp.test" .

notes=$out/notes.txt
{
	echo "=== note $(go version); $(nproc 2>/dev/null || echo '?') CPUs; -count $COUNT -benchtime $BENCHTIME, $ROUNDS round(s); $(go list -m github.com/timandy/routine)"
	if [[ -r /proc/loadavg ]]; then
		echo "=== note load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine makes the numbers noisy)"
	fi
} >"$notes"

# benchrun FILE ARGS... runs the test binary ROUNDS times, appending to
# FILE; on failure it shows the output and exits.
benchrun() {
	local file=$1 round
	shift
	: >"$file"
	for ((round = 1; round <= ROUNDS; round++)); do
		if ! "$out/benchcmp.test" -test.run '^$' -test.benchmem -test.timeout 30m \
			-test.count "$COUNT" -test.benchtime "$BENCHTIME" "$@" >"$out/round.txt" 2>&1; then
			cat "$out/round.txt" >&2
			log "benchmark run failed: $*"
			exit 1
		fi
		cat "$out/round.txt" >>"$file"
	done
	rm -f "$out/round.txt"
}

log "Go benchmarks (-count $COUNT -benchtime $BENCHTIME, $ROUNDS round(s))"
benchrun "$out/go.txt" -test.bench '^Benchmark(Ctxvar|ContextValue|Routine|BareGoWait)$'
log "Go RunParallel benchmarks (-cpu 1,2)"
benchrun "$out/parallel.txt" -test.bench '^BenchmarkParallel$' -test.cpu 1,2

py=$out/python.txt
setup='import contextvars; v = contextvars.ContextVar("v"); v.set(0)'
if command -v "$PYTHON" >/dev/null 2>&1 && "$PYTHON" -c 'import contextvars, timeit' >/dev/null 2>&1; then
	log "Python timeit ($("$PYTHON" --version 2>&1), -r $PY_REPEAT)"
	{
		echo "=== note python: $("$PYTHON" --version 2>&1), timeit -r $PY_REPEAT, setup: $setup"
		for spec in 'py-get|v.get()' 'py-setreset|v.reset(v.set(1))' 'py-copy|contextvars.copy_context()'; do
			echo "=== timeit ${spec%%|*}"
			"$PYTHON" -m timeit -v -r "$PY_REPEAT" -s "$setup" "${spec#*|}"
		done
	} >"$py"
else
	log "no $PYTHON with contextvars: Python rows skipped"
	for label in py-get py-setreset py-copy; do
		echo "=== skip $label no $PYTHON with contextvars on PATH"
	done >"$py"
fi
if [[ -r /proc/loadavg ]]; then
	echo "=== note load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$notes"
fi

status=0
"$out/benchtable" ${STRICT:+-strict} "$notes" "$out/go.txt" "$out/parallel.txt" "$py" >"$out/table.md" || status=$?
cat "$out/table.md"
exit "$status"
