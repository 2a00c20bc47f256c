#!/usr/bin/env bash
# Interleaved JMH of several builds, ROUNDS rounds, the order rotating each round.
# usage: jmh.sh OUTDIR ROUNDS label=tree [label=tree ...]   (each tree built: benchmarks/target/benchmarks.jar)
# BENCH_REGEX picks the benchmarks, JMH_ARGS replaces the run options (default -f 1 -wi 2 -w 2s -i 4 -r 2s).
set -euo pipefail
out=$1; rounds=$2; shift 2
systems=("$@")
mkdir -p "$out"
run() { # label tree round
  local l=$1 t=$2 r=$3 ws
  # each build's own default wait strategy (lite-blocking exists only after issue 12's change)
  if unzip -l "$t/benchmarks/target/benchmarks.jar" >/dev/null 2>&1 && grep -q "lite-blocking" "$t/benchmarks/src/main/java/io/ledger/bench/PipelineBenchmark.java"; then ws=lite-blocking; else ws=blocking; fi
  (cd "$t" && java @config/jvm.options -Dledger.jvm.options="$t/config/jvm.options" -jar benchmarks/target/benchmarks.jar \
    "${BENCH_REGEX:-LedgerApplyBenchmark.purchase\$|LedgerApplyBenchmark.purchaseRefused|PipelineBenchmark|CodecBenchmark}" \
    -p waitStrategy=$ws ${JMH_ARGS:--f 1 -wi 2 -w 2s -i 4 -r 2s} -rf json -rff "$out/$l-$r.json" > "$out/$l-$r.log" 2>&1)
  echo "$(date +%T) $l round $r done (wait $ws; load $(cut -d' ' -f1-3 /proc/loadavg))"
}
n=${#systems[@]}
for r in $(seq 1 "$rounds"); do
  for k in $(seq 0 $((n-1))); do
    i=$(( (k + r - 1) % n )); s=${systems[$i]}
    run "${s%%=*}" "${s#*=}" "$r"
  done
done
python3 - "$out" "${systems[@]}" <<'PY'
import json,glob,sys,os,collections
out=sys.argv[1]; labels=[s.split('=')[0] for s in sys.argv[2:]]
res=collections.defaultdict(lambda: collections.defaultdict(list))
for f in sorted(glob.glob(out+'/*.json')):
    label=os.path.basename(f).rsplit('-',1)[0]
    for b in json.load(open(f)):
        p={k:v for k,v in (b.get('params') or {}).items() if k in ('journal','allocator','historyMemory')}
        key=b['benchmark'].split('.',3)[-1]+(' '+','.join(f'{k}={v}' for k,v in sorted(p.items())) if p else '')
        res[key][label].append(b['primaryMetric']['score'])
rng=lambda xs: (f"{min(xs):,.0f}–{max(xs):,.0f}" if len(xs)>1 else f"{xs[0]:,.0f}") if xs else "-"
print("| benchmark | "+" | ".join(f"{l} (ops/s)" for l in labels)+" | "+" | ".join(f"{l}/{labels[0]}" for l in labels[1:])+" |")
print("|---"*(1+2*len(labels)-1)+"|")
for k in sorted(res):
    row=[rng(res[k][l]) for l in labels]
    b=res[k][labels[0]]
    ratios=[]
    for l in labels[1:]:
        a=res[k][l]
        ratios.append(f"{min(a)/max(b):.2f}–{max(a)/min(b):.2f}" if a and b else "-")
    print(f"| {k} | "+" | ".join(row)+" | "+" | ".join(ratios)+" |")
PY
