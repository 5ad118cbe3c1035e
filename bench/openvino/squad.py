"""Dense-only R@1 on the first 2000 SQuAD v1.1 dev questions over all 2067 contexts: python squad.py VARIANT"""
import sys, json, time
variant = sys.argv[1]
import os
if variant == "ort_int8_project" and not sys.executable.startswith("/work/main/.venv"):  # project code needs its own venv (cache key)
    os.execv("/work/main/.venv/bin/python", ["/work/main/.venv/bin/python", *sys.argv])
sys.argv = ["bench.py", variant, "/dev/null"]
exec(open("/tmp/ovbench/bench.py").read().split("data = json.load")[0])  # same embedder construction as bench.py
squad = json.load(open("/work/shared/eval/squad-dev-1.1.json"))
contexts, qs, gold = [], [], []
for a in squad["data"]:
    for p in a["paragraphs"]:
        for q in p["qas"]:
            qs.append(q["question"]); gold.append(len(contexts))
        contexts.append(p["context"])
qs, gold = qs[:2000], np.array(gold[:2000])
t = time.perf_counter(); C = emb.embed(contexts); Q = emb.embed(qs); dt = time.perf_counter() - t
np.save(f"/tmp/ovbench/vecs/squad_{variant}_C.npy", C); np.save(f"/tmp/ovbench/vecs/squad_{variant}_Q.npy", Q)
S = Q @ C.T
r1 = float((S.argmax(1) == gold).mean())
rank = (S > S[np.arange(len(gold)), gold][:, None]).sum(1)
print(json.dumps(dict(variant=variant, contexts=len(contexts), questions=len(qs), R1=r1, R5=float((rank < 5).mean()),
                      MRR=float((1 / (rank + 1)).mean()), embed_s=dt)))
