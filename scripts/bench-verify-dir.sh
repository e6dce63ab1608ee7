#!/bin/sh
# bench-verify-dir.sh BIN_DIR [N]: directory verification against batch
# issuance, in one run on the same machine. Issues N credentials (10,000 by
# default; BENCH_VERIFY_N overrides too) with a roster (eddsa-rdfc-2022,
# status entries, all cores) and notes its credentials/s, then publishes
# the status lists and runs `ob-verifier verify DIR` over them (offline,
# the lists and nothing else given with --doc), printing credentials/s,
# the rate per core, its ratio to the roster's rate per core and the
# verifier's peak RSS. On a machine others are using too, the rates per
# core by the clock say more about the others than about obkit: the CPU
# seconds each run used (user + system, from the shell's `times`) give a
# second, load-proof rate per CPU second and its ratio. Exits non-zero
# unless every credential verifies.
# The target (issue 13): the ratio >= 0.90, with a peak RSS that does not
# grow with N.
BIN=${1:?usage: sh scripts/bench-verify-dir.sh BIN_DIR [N]}
N=${2:-${BENCH_VERIFY_N:-10000}}
IS="$BIN/ob-issuer"
VF="$BIN/ob-verifier"
[ -x "$IS" ] && [ -x "$VF" ] || { echo "bench-verify-dir: no $IS or $VF" >&2; exit 3; }
T=$(mktemp -d "${TMPDIR:-/tmp}/bench-verify-dir.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
# the bench reads and writes no user cache or configuration
export XDG_CACHE_HOME="$T/cache" XDG_CONFIG_HOME="$T/config"
CORES=$(nproc 2>/dev/null || echo 1)
now() { date +%s.%N; }
# CPU seconds (user + system) the shell's finished children had used when
# `times >FILE` ran (in this shell: a subshell counts its own children)
cpu() { awk 'NR == 2 { n = split($0, f, /[ ms]+/); t = 0; for (i = 1; i + 1 <= n; i += 2) t += f[i] * 60 + f[i + 1]; print t }' "$1"; }
die() { echo "bench-verify-dir: $*" >&2; exit 1; }

"$IS" --home "$T/h" init --name "Bench College" --url https://bench.example.edu >/dev/null 2>&1 ||
	die "ob-issuer init failed"
for a in weld-101 cad-200 safety-1; do
	"$IS" --home "$T/h" achievement add --id $a --name "Course $a" --description "Bench course $a" \
		--criteria "Complete $a" >/dev/null || die "achievement add failed"
done
awk -v n="$N" 'BEGIN {
	print "name,recipient,achievement,result"
	split("weld-101 cad-200 safety-1", a, " ")
	for (i = 0; i < n; i++)
		printf "Learner %d,learner%d@bench.example.edu,%s,%d\n", i, i, a[i % 3 + 1], 50 + i % 50
}' >"$T/roster.csv"
times >"$T/c0"
"$IS" --home "$T/h" issue --roster "$T/roster.csv" -o "$T/creds" --suite eddsa-rdfc-2022 \
	>/dev/null 2>"$T/err" || { tail -n 5 "$T/err" >&2; die "the roster failed"; }
times >"$T/c1"
summary=$(grep "rows:" "$T/err")
echo "$summary" | grep -q "$N issued" || die "the roster did not issue $N: $summary"
irate=$(echo "$summary" | sed -n 's/.*, \([0-9]*\) credentials\/s.*/\1/p')
rm -f "$T/creds/manifest.jsonl"
files=$(ls "$T/creds" | wc -l)
[ "$files" -eq "$N" ] || die "the roster made $files files, want $N"
"$IS" --home "$T/h" publish "$T/site" >"$T/map" 2>/dev/null || die "publish failed"
grep -E '^https?://[^ ]+=' "$T/map" | grep /status/ | sed 's/^/--doc=/' >"$T/docs"
[ -s "$T/docs" ] || die "publish wrote no status list"

times >"$T/c2"
t0=$(now)
if [ -n "$MAXRSS" ] && [ -x "$MAXRSS" ]; then
	# shellcheck disable=SC2046
	"$MAXRSS" "$T/rss" "$VF" verify --offline $(cat "$T/docs") "$T/creds" >"$T/out" 2>"$T/verr"
	rc=$?
	kb=$(cat "$T/rss")
else
	# shellcheck disable=SC2046
	"$VF" verify --offline $(cat "$T/docs") "$T/creds" >"$T/out" 2>"$T/verr" &
	pid=$!
	kb=0
	while kill -0 "$pid" 2>/dev/null; do
		while read -r k v _; do
			[ "$k" = VmHWM: ] && [ "$v" -gt "$kb" ] && kb=$v
		done <"/proc/$pid/status" 2>/dev/null
		sleep 0.2
	done
	wait "$pid"
	rc=$?
fi
t1=$(now)
times >"$T/c3"
valid=$(grep -c '^valid ' "$T/out")
if [ "$rc" -ne 0 ] || [ "$valid" -ne "$N" ]; then
	head -n 3 "$T/verr" >&2
	grep -v '^valid ' "$T/out" | head -n 3 >&2
	die "ob-verifier exited $rc with $valid of $N valid"
fi
awk -v n="$N" -v a="$t0" -v b="$t1" -v c="$CORES" -v ir="$irate" -v kb="$kb" \
	-v ic="$(cpu "$T/c0")" -v ic1="$(cpu "$T/c1")" -v vc="$(cpu "$T/c2")" -v vc1="$(cpu "$T/c3")" 'BEGIN {
	s = b - a; r = n / s; pc = r / c; ipc = ir / c
	printf "bench-verify-dir: roster: %d credentials (eddsa-rdfc-2022, status entries, %d cores): %d credentials/s, %.0f per core\n", n, c, ir, ipc
	printf "bench-verify-dir: verify DIR of %d: %.2f s, %.0f credentials/s, %.0f per core; peak RSS %.1f MB\n", n, s, r, pc, kb / 1024
	printf "bench-verify-dir: per-core rate of verify DIR / roster: %.2f (target >= 0.90: %s)\n", pc / ipc, (pc / ipc >= 0.9) ? "met" : "not met"
	icpu = ic1 - ic; vcpu = vc1 - vc
	if (icpu > 0 && vcpu > 0)
		printf "bench-verify-dir: per CPU second: roster %.0f, verify DIR %.0f credentials (%.1f and %.1f CPU s); ratio %.2f\n", n / icpu, n / vcpu, icpu, vcpu, icpu / vcpu
}'
