#!/usr/bin/env bash
# How much faster two cores can score than one on this machine, against what kaoping gets.
#
#   benches/ceiling.sh DATA.csv [ROUNDS] [REPS]      (defaults: 5 rounds of 15 scorings)
#
# Each round measures, one after the other:
# - alone: one process scoring DATA's columns on one core (median of REPS);
# - pair: two such processes at once, each its own median. No code is shared between them, so
#   their combined speed over one alone, alone × (1/pair₁ + 1/pair₂), is the most any parallel
#   code could get here: the machine's ceiling, below 2 wherever the two cores share caches,
#   memory bandwidth or a physical core with another tenant;
# - two threads: two threads of one process, each scoring everything on its own core, against one
#   alone (`cab-quick … twins`): what sharing one process costs, whatever the split;
# - two threads apart: the same, but each thread at its own pace (`cab-quick … apart`), as the
#   two processes run;
# - kaoping: one core then all cores in one process (`cab-quick … pairs`), its median ratio;
# - controls, two threads against one as for two threads, none of them touching shared memory
#   or allocating: `spin` (one chain of dependent arithmetic in registers: leaves a core's units
#   mostly idle), `chains` (four independent chains: keeps the scalar units busy), `cached` (each
#   thread rewriting its own 256 KiB in a loop that vectorises, within a core's L2 as a chunk's
#   temporaries are) and `stream` (each thread reading its own 64 MiB: what memory traffic from
#   both costs). Where a control loses against `spin`, the two vCPUs were sharing a physical
#   core's units with each other or with another tenant.
# The rounds' figures are printed as they come and their medians at the end. Not part of the
# test command.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:?usage: benches/ceiling.sh DATA.csv [ROUNDS] [REPS]}
ROUNDS=${2:-5}
REPS=${3:-15}
cargo build --release --locked -q -p kaoping-bench --bin cab-quick
QUICK=target/release/cab-quick
LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT

# The median of the numbers given (the lower middle one of an even count).
mid() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
# The median wall time of the scorings in a cab-quick log.
median() { mid $(grep -o ' in [0-9.]*s' "$1" | tr -d 'ins '); }
# The median speed-up a cab-quick log of one of MODES reports.
reported() { sed -n 's/.*median \([0-9.]*\).*/\1/p' "$1"; }

# cab-quick's modes that report a speed-up, each with its label in the rounds' lines.
MODES=(twins apart pairs spin chains cached stream)
declare -A LABEL=([twins]="two threads" [apart]="two threads apart" [pairs]="kaoping all cores / one core"
    [spin]="spin" [chains]="chains" [cached]="cached" [stream]="stream")
ceilings=()
declare -A rounds=()  # mode -> its speed-up in every round so far
for round in $(seq "$ROUNDS"); do
    "$QUICK" "$DATA" "$REPS" columns serial 2> "$LOGS/alone"
    # Both load, then start scoring at the same instant (loading takes a few seconds).
    start=$(awk 'BEGIN {srand(); print srand() + 8}')
    CAB_QUICK_START=$start "$QUICK" "$DATA" "$REPS" columns serial 2> "$LOGS/pair1" &
    CAB_QUICK_START=$start "$QUICK" "$DATA" "$REPS" columns serial 2> "$LOGS/pair2"
    wait
    cat "$LOGS/pair1" "$LOGS/pair2" | grep -h 'may not overlap' >&2 || true
    alone=$(median "$LOGS/alone") p1=$(median "$LOGS/pair1") p2=$(median "$LOGS/pair2")
    ceiling=$(awk -v a="$alone" -v p="$p1" -v q="$p2" 'BEGIN {printf "%.2f", a * (1 / p + 1 / q)}')
    ceilings+=("$ceiling")
    line="round $round: one alone ${alone}s, two at once ${p1}s and ${p2}s: ceiling $ceiling"
    for mode in "${MODES[@]}"; do
        "$QUICK" "$DATA" "$REPS" columns "$mode" 2> "$LOGS/$mode"
        got=$(reported "$LOGS/$mode")
        rounds[$mode]+=" $got"
        line+="; ${LABEL[$mode]} $got"
    done
    echo "$line"
done
summary="median of $ROUNDS rounds: machine ceiling $(mid "${ceilings[@]}")"
for mode in "${MODES[@]}"; do
    # shellcheck disable=SC2086 # one word per round
    summary+="; ${LABEL[$mode]} $(mid ${rounds[$mode]})"
done
echo "$summary"
