#!/usr/bin/env bash
# Measures ctxvarlint against no-op drivers that load and type-check the same
# packages, on the standard library and on two generated modules of N and 2N
# packages that use ctxvar heavily, and prints one markdown table of medians
# with the target ratios and PASS/FAIL marks. See README.md.
#
# Environment:
#   ROUNDS=5   timed runs of every tool on every target; each round runs every
#              target once with every tool, in an order that rotates from
#              round to round, so that load from other work on the machine
#              spreads evenly over the tools
#   N=200      packages of the smaller generated module; the larger has 2N
#   STD=1      STD=0 leaves the standard library out (it is the slowest target)
#   GEN=1      GEN=0 leaves the generated modules out (and the scaling rows)
#   OUT=dir    keep the raw outputs there (default: a temporary directory)
#   STRICT=1   exit with status 3 when a target is marked FAIL
#
# The table goes to standard output (and $OUT/table.md), progress to standard
# error. The exit status is non-zero only on real errors: a build failure, a
# driver that fails (ctxvarlint's status 3, "findings reported", is not a
# failure), unparsable output.
set -euo pipefail

ROUNDS=${ROUNDS:-5}
N=${N:-200}
STD=${STD:-1}
GEN=${GEN:-1}
STRICT=${STRICT:-}
if [[ $STD != 1 && $GEN != 1 ]]; then
	echo "run.sh: STD=0 and GEN=0 leave nothing to measure" >&2
	exit 2
fi

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
if [[ -n ${OUT:-} ]]; then
	mkdir -p "$OUT"
	out=$(cd "$OUT" && pwd)
else
	out=$(mktemp -d "${TMPDIR:-/tmp}/ctxvarlint-bench.XXXXXX")
fi
log() { echo "run.sh: $*" >&2; }

log "raw outputs in $out"
log "building ctxvarlint, the no-op driver, genmodule and tally"
mkdir -p "$out/bin"
for cmd in cmd/ctxvarlint analyzers/bench/noop analyzers/bench/genmodule analyzers/bench/tally; do
	go build -o "$out/bin/" "./$cmd"
done
bin=$out/bin

# Everything below runs offline: the generated modules need only the module
# cache, and a download would distort the times.
export GOPROXY=off GOWORK=off

declare -A dir pattern limit
targets=()
if [[ $STD == 1 ]]; then
	# An empty directory: no main module, so std is all that is loaded.
	mkdir -p "$out/stdwd"
	targets+=(std)
	dir[std]=$out/stdwd pattern[std]=std limit[std]=1.05
fi
if [[ $GEN == 1 ]]; then
	for n in "$N" $((2 * N)); do
		t=gen$n
		log "generating $t"
		rm -rf "${out:?}/$t"
		"$bin/genmodule" -n "$n" -o "$out/$t" -ctxvar "$root" >&2
		targets+=("$t")
		dir[$t]=$out/$t pattern[$t]=./...
	done
	limit[gen$N]=1.25 limit[gen$((2 * N))]=0
fi

declare -A tool=(
	[ctxvarlint]="$bin/ctxvarlint"
	[noopfacts]="$bin/noop -noopfacts"
	[noop]="$bin/noop -noop"
)
tools=(ctxvarlint noopfacts noop)

# runtool TARGET TOOL [FLAGS...] runs one driver on one target, with its
# output in $out/last.out and $out/last.err, and returns its exit status.
runtool() {
	local t=$1 name=$2
	shift 2
	(
		cd "${dir[$t]}"
		# The generated modules get go.sum from genmodule; -mod=mod lets the go
		# command resolve the replaced ctxvar module without a vendor or
		# download step, as in the analyzers' tests.
		if [[ $t != std ]]; then export GOFLAGS=-mod=mod; fi
		# shellcheck disable=SC2086 # the tool strings hold flags
		exec ${tool[$name]} "$@" "${pattern[$t]}"
	) >"$out/last.out" 2>"$out/last.err"
}

# checkstatus TARGET TOOL STATUS stops the script when a driver failed.
checkstatus() {
	local t=$1 name=$2 status=$3
	if [[ $status == 0 || ($name == ctxvarlint && $status == 3) ]]; then
		return
	fi
	tail -n 30 "$out/last.err" >&2
	log "$name on $t exited with status $status"
	exit 1
}

raw=$out/raw.txt
{
	echo "# raw timings of analyzers/bench/run.sh; tally times reads them"
	echo "note Environment: $(go version), $(nproc 2>/dev/null || echo '?') CPUs, ROUNDS=$ROUNDS, working tree at commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown); load average before the run: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)."
} >"$raw"

# Untimed warm-up: each driver once on each target, so that the build cache
# (export data for the no-facts driver, go list results for all) is equally
# warm for every timed run. ctxvarlint's warm-up prints JSON, to count its
# findings.
for t in "${targets[@]}"; do
	pkgs=$(cd "${dir[$t]}" && { [[ $t == std ]] || export GOFLAGS=-mod=mod; } && go list -e -test -deps "${pattern[$t]}" | wc -l)
	echo "target $t ${limit[$t]} $pkgs" >>"$raw"
	for name in "${tools[@]}"; do
		log "warm-up: $name on $t"
		status=0
		if [[ $name == ctxvarlint ]]; then
			runtool "$t" "$name" -json || status=$?
			checkstatus "$t" "$name" "$status"
			cp "$out/last.out" "$out/findings-$t.json"
		else
			runtool "$t" "$name" || status=$?
			checkstatus "$t" "$name" "$status"
		fi
	done
	check=()
	if [[ $t == std ]]; then
		check=(-zero)
	else
		check=(-planted "${dir[$t]}/planted.json")
	fi
	status=0
	"$bin/tally" findings "${check[@]}" "$out/findings-$t.json" >"$out/findings-$t.txt" || status=$?
	case $status in
	0) verdict="as expected" ;;
	3) verdict="NOT as expected" ;;
	*) exit 1 ;;
	esac
	echo "note ctxvarlint's findings on $t ($verdict): $(tr '\n' ';' <"$out/findings-$t.txt" | tr -s '\t' ' ' | sed 's/;$//; s/;/; /g')" >>"$raw"
done
if [[ $GEN == 1 ]]; then echo "scale gen$N gen$((2 * N)) 2.2" >>"$raw"; fi

# cputicks prints the machine's busy and steal CPU time so far, in clock
# ticks: other work during the timed runs shows as busy time that the
# measured drivers did not use, and a host that withholds CPU as steal.
cputicks() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8, $9; exit }' /proc/stat 2>/dev/null || echo "0 0"
}

TIMEFORMAT='%3R %3U %3S'
read -r busy0 steal0 < <(cputicks)
for ((round = 0; round < ROUNDS; round++)); do
	log "round $((round + 1)) of $ROUNDS"
	for t in "${targets[@]}"; do
		for ((i = 0; i < ${#tools[@]}; i++)); do
			name=${tools[$(((i + round) % ${#tools[@]}))]}
			status=0
			{ time runtool "$t" "$name"; } 2>"$out/time.txt" || status=$?
			checkstatus "$t" "$name" "$status"
			echo "time $t $name $round $(tail -n 1 "$out/time.txt")" >>"$raw"
		done
	done
done
read -r busy1 steal1 < <(cputicks)
tick=$(getconf CLK_TCK 2>/dev/null || echo 100)
measured=$(awk '$1 == "time" { s += $6 + $7 } END { printf "%.0f", s }' "$raw")
{
	echo "note Load average after the run: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)." \
		"During the timed runs the CPUs were busy $(((busy1 - busy0) / tick)) s, of which the measured drivers used $measured s;" \
		"the hypervisor stole $(((steal1 - steal0) / tick)) s."
} >>"$raw"

status=0
"$bin/tally" times ${STRICT:+-strict} "$raw" >"$out/table.md" || status=$?
cat "$out/table.md"
exit "$status"
