#!/usr/bin/env bash
# Runs ctxvarlint over large code bases that do not use ctxvar — the standard
# library, golang.org/x/tools and honnef.co/go/tools, the last two copied from
# the module cache — and checks that it reports nothing and fails on nothing:
# zero findings, zero analyzer errors, no "internal error" and no "panic:" in
# its output. It also times each run against the no-op driver with facts,
# since code that cannot reach ctxvar must cost ctxvarlint nothing. See
# README.md.
#
# Environment:
#   XTOOLS=v0.52.0   version of golang.org/x/tools to check (from the module cache)
#   HONNEF=v0.8.2    version of honnef.co/go/tools to check (from the module cache)
#   OUT=dir          keep the copies and outputs there (default: a temporary directory)
#
# Everything runs offline (GOPROXY=off, GONOSUMDB='*', GOFLAGS=-mod=mod in the
# copies). When
# a copy's module graph needs a go.mod the module cache lacks, the
# requirement is moved to a version the cache holds, or else dropped (see
# copymodule); packages that fail to load for want of a module are left out.
# Both are listed under the table.
#
# Prints a markdown table to standard output (and $OUT/reliability.md). Exit
# status: 0 when every check passes, 3 when one fails, 1 on other errors.
set -euo pipefail

XTOOLS=${XTOOLS:-v0.52.0}
HONNEF=${HONNEF:-v0.8.2}

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
if [[ -n ${OUT:-} ]]; then
	mkdir -p "$OUT"
	out=$(cd "$OUT" && pwd)
else
	out=$(mktemp -d "${TMPDIR:-/tmp}/ctxvarlint-reliability.XXXXXX")
fi
log() { echo "reliability.sh: $*" >&2; }

log "outputs in $out"
mkdir -p "$out/bin"
for cmd in cmd/ctxvarlint analyzers/bench/noop analyzers/bench/tally; do
	go build -o "$out/bin/" "./$cmd"
done
bin=$out/bin
modcache=$(go env GOMODCACHE)
# Offline, the checksum database cannot be asked either: a requirement moved
# to the version the cache holds may be missing from the copy's go.sum, and
# the module cache verified its contents when it downloaded them.
export GOPROXY=off GOWORK=off GONOSUMDB='*'

# escape spells a module path as the module cache does: upper-case letters
# become ! and the lower-case letter.
escape() { sed 's/[A-Z]/!\L&/g' <<<"$1"; }

# hasmod PATH VERSION tells whether the module cache holds that go.mod.
hasmod() { [[ -f $modcache/cache/download/$(escape "$1")/@v/$2.mod ]]; }

# copymodule PATH VERSION DIR copies a module out of the (read-only) module
# cache and makes its go.mod load offline. A requirement whose source the
# cache holds extracted but whose metadata (.mod, .info) it lacks is replaced
# by that directory, since go/packages reports missing metadata as an error.
# If the module graph still does not load, a requirement whose go.mod the
# cache lacks is moved to the newest version the cache holds in full, and if
# that is not enough, the requirements still missing are dropped. The edits
# are listed in DIR.edits.
copymodule() {
	local path=$1 version=$2 dst=$3 src req ver alt
	src=$modcache/$(escape "$path")@$version
	if [[ ! -d $src ]]; then
		log "$path@$version is not in the module cache ($src)"
		exit 1
	fi
	rm -rf "$dst"
	cp -r "$src" "$dst"
	chmod -R u+w "$dst"
	: >"$dst.edits"
	while read -r req ver; do
		local cached=$modcache/cache/download/$(escape "$req")/@v/$ver
		if [[ ! -f $cached.mod || ! -f $cached.info ]] && [[ -f $modcache/$(escape "$req")@$ver/go.mod ]]; then
			(cd "$dst" && go mod edit -replace="$req@$ver=$modcache/$(escape "$req")@$ver")
			echo "$req $ver replaced by its extracted source in the module cache, whose metadata the cache lacks" >>"$dst.edits"
		fi
	done < <(requirements "$dst/go.mod")
	loads "$dst" && return
	while read -r req ver; do
		hasmod "$req" "$ver" && continue
		alt=$(newestcached "$req")
		if [[ -n $alt ]]; then
			(cd "$dst" && go mod edit -require="$req@$alt")
			echo "$req $ver → $alt, the newest version in the module cache" >>"$dst.edits"
		fi
	done < <(requirements "$dst/go.mod")
	loads "$dst" && return
	while read -r req ver; do
		if ! hasmod "$req" "$ver"; then
			(cd "$dst" && go mod edit -droprequire="$req")
			echo "$req $ver dropped: not in the module cache" >>"$dst.edits"
		fi
	done < <(requirements "$dst/go.mod")
	if ! loads "$dst"; then
		(cd "$dst" && GOFLAGS=-mod=mod go list -e -test ./... 2>&1 >/dev/null | tail -n 5) >&2
		log "the copy of $path@$version does not load offline"
		exit 1
	fi
}

# newestcached PATH prints the newest version of a module whose go.mod and
# zip the module cache holds, if any.
newestcached() {
	local v
	for v in "$modcache/cache/download/$(escape "$1")/@v/"*.zip; do
		if [[ -f ${v%.zip}.mod ]]; then basename "$v" .zip; fi
	done | sort -V | tail -n 1
}

# loads DIR tells whether the module graph of the module in DIR loads
# offline; packages that fail to load for want of a module do not count.
loads() { (cd "$1" && GOFLAGS=-mod=mod go list -e -test ./... >/dev/null 2>&1); }

# requirements GOMOD prints the path and version of each requirement.
requirements() {
	awk '/^require \(/ { r = 1; next } r && /^\)/ { r = 0 } r && NF >= 2 { print $1, $2 } /^require [^(]/ { print $2, $3 }' "$1"
}

declare -A dir pattern
targets=(std golang.org/x/tools honnef.co/go/tools)
mkdir -p "$out/stdwd"
dir[std]=$out/stdwd
log "copying golang.org/x/tools@$XTOOLS and honnef.co/go/tools@$HONNEF from the module cache"
copymodule golang.org/x/tools "$XTOOLS" "$out/xtools"
copymodule honnef.co/go/tools "$HONNEF" "$out/honnef"
dir[golang.org/x/tools]=$out/xtools
dir[honnef.co/go/tools]=$out/honnef

# runin TARGET CMD... runs a command in the target's directory, with
# -mod=mod in the module copies so that the go command may complete go.sum
# from the module cache.
runin() {
	local t=$1
	shift
	(
		cd "${dir[$t]}"
		if [[ $t != std ]]; then export GOFLAGS=-mod=mod; fi
		"$@"
	)
}

TIMEFORMAT='%3R'
status=0
table=$out/reliability.md
{
	echo "| code base | packages checked | left out | findings | analyzer errors | internal errors, panics | ctxvarlint wall | no-op, facts wall | ratio | result |"
	echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|"
} >"$table"
notes=()
for t in "${targets[@]}"; do
	name=${t//\//_}
	log "listing the packages of $t"
	if [[ $t == std ]]; then
		runin "$t" go list std >"$out/$name.pkgs"
		: >"$out/$name.skipped"
	else
		# A package is left out when it, its test variants or their
		# dependencies fail to load, or depend on a module whose metadata the
		# cache lacks (go/packages reports that as an error too).
		runin "$t" go list -e -test -deps -f '{{with .Module}}{{if .Error}}{{$.ImportPath}}{{end}}{{end}}' ./... 2>/dev/null >"$out/$name.moderr"
		runin "$t" go list -e -test -f '{{or .ForTest .ImportPath}}|{{if or .Error .DepsErrors}}error{{end}}|{{join .Deps ","}}' ./... 2>/dev/null |
			awk -F'|' '
				FILENAME == ARGV[1] { sub(/ \[.*/, ""); bad[$0] = 1; next }
				{
					root = $1; sub(/\.test$/, "", root)
					if ($2 != "") { print root; next }
					n = split($3, deps, ",")
					for (i = 1; i <= n; i++) {
						d = deps[i]; sub(/ \[.*/, "", d)
						if (d in bad) { print root; next }
					}
				}' "$out/$name.moderr" - | sort -u >"$out/$name.skipped"
		runin "$t" go list -e ./... 2>/dev/null | sort | comm -23 - "$out/$name.skipped" >"$out/$name.pkgs"
	fi
	npkgs=$(wc -l <"$out/$name.pkgs")
	nskip=$(wc -l <"$out/$name.skipped")
	log "ctxvarlint on $t: $npkgs packages and their tests ($nskip left out)"
	rc=0
	{ time runin "$t" xargs -a "$out/$name.pkgs" "$bin/ctxvarlint" -json >"$out/$name.json" 2>"$out/$name.err"; } 2>"$out/$name.time" || rc=$?
	lint_wall=$(tail -n 1 "$out/$name.time")
	log "no-op driver with facts on $t"
	nrc=0
	{ time runin "$t" xargs -a "$out/$name.pkgs" "$bin/noop" -noopfacts >/dev/null 2>"$out/$name.noop.err"; } 2>"$out/$name.noop.time" || nrc=$?
	noop_wall=$(tail -n 1 "$out/$name.noop.time")

	crashes=$(cat "$out/$name.err" "$out/$name.json" | grep -ciE 'internal error|panic:' || true)
	frc=0
	"$bin/tally" findings -zero "$out/$name.json" >"$out/$name.findings" || frc=$?
	[[ $frc == 0 || $frc == 3 ]] || exit 1
	nfind=$(awk '/^total:/ { print $2 }' "$out/$name.findings")
	nerr=$(awk '/^total:/ { print $4 }' "$out/$name.findings")
	result=PASS
	if [[ $rc != 0 || $nrc != 0 || $frc != 0 || $crashes != 0 ]]; then
		result=FAIL
		status=3
	fi
	ratio=$(awk -v a="$lint_wall" -v b="$noop_wall" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "—" }')
	echo "| $t | $npkgs | $nskip | $nfind | $nerr | $crashes | ${lint_wall} s | ${noop_wall} s | $ratio | $result |" >>"$table"
	if [[ $rc != 0 ]]; then
		notes+=("ctxvarlint exited with status $rc on $t; its standard error is in $out/$name.err:"$'\n'"$(head -n 20 "$out/$name.err" | sed 's/^/    /')")
	fi
	if [[ $nrc != 0 ]]; then
		notes+=("the no-op driver exited with status $nrc on $t; see $out/$name.noop.err")
	fi
	if [[ $nfind != 0 || $nerr != 0 ]]; then
		notes+=("ctxvarlint on $t:"$'\n'"$(sed 's/^/    /' "$out/$name.findings")")
	fi
	if [[ $nskip != 0 ]]; then
		notes+=("Left out of $t, because they or their tests need modules that the offline module cache lacks or holds incompletely: $(tr '\n' ' ' <"$out/$name.skipped")")
	fi
	if [[ -s ${dir[$t]}.edits ]]; then
		notes+=("go.mod of the $t copy: $(sed 's/$/;/' "${dir[$t]}.edits" | tr '\n' ' ' | sed 's/; $/./')")
	fi
done
{
	echo
	echo "Each code base is checked with its tests (ctxvarlint's default -test=true), once; ratio is ctxvarlint's wall time ÷ the no-op driver's (one run each, so expect noise of ±15% on a shared machine; run.sh measures speed properly). $(go version), $(nproc 2>/dev/null || echo '?') CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)."
	for n in "${notes[@]}"; do
		echo
		echo "$n"
	done
} >>"$table"
cat "$table"
exit "$status"
