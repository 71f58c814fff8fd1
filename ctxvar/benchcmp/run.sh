#!/usr/bin/env bash
# Runs the whole speed comparison once and prints markdown tables of
# medians (times, then memory per live goroutine) with the target ratios and
# PASS/FAIL marks. See README.md.
#
# Environment:
#   COUNT=5          runs of every Go benchmark (-count)
#   ROUNDS=1         times the Go benchmark binary is run, each with -count
#                    COUNT; the medians are over all ROUNDS×COUNT runs.
#                    COUNT=1 ROUNDS=5 interleaves the benchmarks, which keeps
#                    the ratios fairer when other work loads the machine.
#   BENCHTIME=500ms  -benchtime of every Go benchmark run but the memory rows
#   MEM_COUNT        measurements of every memory row per round, each in a
#                    process of its own (default: COUNT, at most 3; they vary
#                    little)
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
MEM_COUNT=${MEM_COUNT:-$((COUNT < 3 ? COUNT : 3))}
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
	echo "=== note $(go version); $(nproc 2>/dev/null || echo '?') CPUs; -count $COUNT -benchtime $BENCHTIME, $ROUNDS round(s), $MEM_COUNT memory measurement(s) per row and round; $(go list -m github.com/timandy/routine); $(go list -m github.com/cloudwego/localsession)"
	if [[ -r /proc/loadavg ]]; then
		echo "=== note load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine makes the numbers noisy)"
	fi
} >"$notes"

# benchonce FILE ARGS... runs the test binary once with ARGS, appending its
# output to FILE; on failure it shows the output and exits.
benchonce() {
	local file=$1
	shift
	if ! "$out/benchcmp.test" -test.run '^$' -test.benchmem -test.timeout 30m "$@" >"$out/round.txt" 2>&1; then
		cat "$out/round.txt" >&2
		log "benchmark run failed: $*"
		exit 1
	fi
	cat "$out/round.txt" >>"$file"
	rm -f "$out/round.txt"
}

# benchrun FILE ARGS... runs the test binary ROUNDS times with -count COUNT
# and -benchtime BENCHTIME, into FILE.
benchrun() {
	local file=$1 round
	shift
	: >"$file"
	for ((round = 1; round <= ROUNDS; round++)); do
		benchonce "$file" -test.count "$COUNT" -test.benchtime "$BENCHTIME" "$@"
	done
}

log "Go benchmarks (-count $COUNT -benchtime $BENCHTIME, $ROUNDS round(s))"
benchrun "$out/go.txt" -test.bench '^Benchmark(Ctxvar|ContextValue|Routine|Localsession|BareGoWait|Server|Service|Middleware)$'
log "Go RunParallel benchmarks (-cpu 1,2)"
benchrun "$out/parallel.txt" -test.bench '^BenchmarkParallel$' -test.cpu 1,2

# The memory rows (BenchmarkMemory's sub-benchmarks): each measurement is
# one run (-benchtime 1x) in a process of its own, so that none sees what an
# earlier one left behind. localsession's session maps, for one, keep their
# capacity for good (Go maps do not shrink): in a process that had parked
# 100,000 goroutines before, its entries would cost nothing new.
mem_rows=(Ctxvar/SpawnReader Routine/GoReader Localsession/GoReader Ctxvar/BareSet Routine/BareSet Localsession/BareSet)
log "Go memory benchmarks (${#mem_rows[@]} rows, $MEM_COUNT measurement(s) each per round, $ROUNDS round(s))"
: >"$out/memory.txt"
for ((i = 1; i <= MEM_COUNT * ROUNDS; i++)); do
	for row in "${mem_rows[@]}"; do
		benchonce "$out/memory.txt" -test.count 1 -test.benchtime 1x \
			-test.bench "^BenchmarkMemory\$/^${row%%/*}\$/^${row#*/}\$"
	done
done

# The Python statements, each timed after one of two setups: v without a
# value ("unset") or with one ("set"), the prior states of the Go rows they
# are compared with.
py=$out/python.txt
py_unset='import contextvars; v = contextvars.ContextVar("v")'
py_set="$py_unset; v.set(0)"
py_specs=(
	'py-get|set|v.get()'
	'py-setreset-unset|unset|v.reset(v.set(1))'
	'py-setreset-set|set|v.reset(v.set(1))'
	'py-copy|set|contextvars.copy_context()'
)
if command -v "$PYTHON" >/dev/null 2>&1 && "$PYTHON" -c 'import contextvars, timeit' >/dev/null 2>&1; then
	log "Python timeit ($("$PYTHON" --version 2>&1), -r $PY_REPEAT)"
	{
		echo "=== note python: $("$PYTHON" --version 2>&1), timeit -r $PY_REPEAT; setup unset: $py_unset; setup set: $py_set"
		for spec in "${py_specs[@]}"; do
			IFS='|' read -r label scenario stmt <<<"$spec"
			setup=$py_unset
			if [[ $scenario == set ]]; then
				setup=$py_set
			fi
			echo "=== timeit $label"
			"$PYTHON" -m timeit -v -r "$PY_REPEAT" -s "$setup" "$stmt"
		done
	} >"$py"
else
	log "no $PYTHON with contextvars: Python rows skipped"
	for spec in "${py_specs[@]}"; do
		echo "=== skip ${spec%%|*} no $PYTHON with contextvars on PATH"
	done >"$py"
fi
if [[ -r /proc/loadavg ]]; then
	echo "=== note load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$notes"
fi

status=0
"$out/benchtable" ${STRICT:+-strict} "$notes" "$out/go.txt" "$out/parallel.txt" "$out/memory.txt" "$py" >"$out/table.md" || status=$?
cat "$out/table.md"
exit "$status"
