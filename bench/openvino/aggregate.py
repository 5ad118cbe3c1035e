import json, glob, statistics as st, collections
g = collections.defaultdict(list)
for f in sorted(glob.glob("runs/*_*.json")):
    if f.endswith("_0.json"): continue  # run 0 = vector-saving warm-up run, not counted
    r = json.load(open(f)); g[f.split("/")[-1].rsplit("_", 1)[0]].append(r)
print("| variant | runs | paragraphs/s (median) | per-run | question p50 ms (median) | start-up to 1st embedding s | peak RSS MB | OV precision/hint |")
print("|---|---|---|---|---|---|---|---|")
for k, rs in g.items():
    m = lambda key: st.median(r[key] for r in rs)
    per = "/".join("%.1f" % r["paras_per_s"] for r in rs)
    ov = "%s / %s" % (rs[0].get("INFERENCE_PRECISION_HINT", "-").replace("<Type: ", "").replace(">", ""), rs[0].get("PERFORMANCE_HINT", "-")) if "NUM_STREAMS" in rs[0] else "-"
    print(f"| {k} | {len(rs)} | {m('paras_per_s'):.1f} | {per} | {m('q_p50_ms'):.2f} | {m('startup_s'):.2f} | {m('peak_rss_mb'):.0f} | {ov} |")
