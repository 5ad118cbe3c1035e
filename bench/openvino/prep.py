"""Build texts.json: 1000 BBC paragraphs (spread), 300 disjoint calibration paragraphs, 50 questions."""
import json, hashlib
from pathlib import Path
root = Path("/work/shared/corpus/bbc")
seen_files, paras, seen = set(), [], set()
for f in sorted(root.glob("*/*.txt")):
    raw = f.read_bytes()
    try: text = raw.decode("utf-8")
    except UnicodeDecodeError: text = raw.decode("latin-1")
    h = hashlib.sha1(text.encode()).hexdigest()
    if h in seen_files: continue          # 98 duplicate articles
    seen_files.add(h)
    body = text.split("\n", 1)[1] if "\n" in text else ""
    for p in body.split("\n\n"):
        p = " ".join(p.split())
        if len(p.split()) >= 20 and p not in seen:
            seen.add(p); paras.append(p)
n = len(paras)
idx = [round(i * (n - 1) / 999) for i in range(1000)]
assert len(set(idx)) == 1000
chosen = set(idx)
rest = [i for i in range(n) if i not in chosen]
calib = [paras[rest[round(i * (len(rest) - 1) / 299)]] for i in range(300)]
squad = json.load(open("/work/shared/eval/squad-dev-1.1.json"))
qs = [q["question"] for a in squad["data"] for p in a["paragraphs"] for q in p["qas"]][:50]
json.dump({"paragraphs": [paras[i] for i in idx], "calibration": calib, "questions": qs}, open("texts.json", "w"))
print("qualifying paragraphs", n, "chosen 1000, calib 300, questions", len(qs))
print("mean words", sum(len(paras[i].split()) for i in idx) / 1000, "q words", sum(len(q.split()) for q in qs)/50)
