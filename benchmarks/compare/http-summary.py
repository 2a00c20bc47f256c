import json,glob,sys,os,collections
out=sys.argv[1]; labels=sys.argv[2:]
res=collections.defaultdict(lambda: collections.defaultdict(list))
for f in glob.glob(out+'/*.result.json'):
    d=json.load(open(f)); l=d['system']; c=d['connections']
    res[c][l].append((d['throughput'], d['latencyUs']['p99']/1000, d['serverCpuPct']/100/d['throughput']*1e6 if d['throughput'] else 0))
rng=lambda xs,fmt: (fmt.format(min(xs))+"–"+fmt.format(max(xs))) if len(xs)>1 else fmt.format(xs[0])
print("| connections | build | purchases/s | p99 ms | server CPU µs/purchase | throughput vs before |")
print("|---|---|---|---|---|---|")
for c in sorted(res):
    b=[x[0] for x in res[c][labels[0]]]
    for l in labels:
        xs=res[c][l]
        if not xs: continue
        t=[x[0] for x in xs]; p=[x[1] for x in xs]; u=[x[2] for x in xs]
        ratio="" if l==labels[0] else f"{min(t)/max(b):.2f}–{max(t)/min(b):.2f}"
        print(f"| {c} | {l} | {rng(t,'{:,.0f}')} | {rng(p,'{:.1f}')} | {rng(u,'{:.0f}')} | {ratio} |")
