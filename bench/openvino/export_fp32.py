import sys, time
sys.path.insert(0, "/work/main")
from pathlib import Path
from index.embed_onnx import _export_fp32, _model_dir, cache_key
t=time.time()
md=_model_dir(); print("model dir", md, "cache_key", cache_key(md))
_export_fp32(md, Path("/tmp/ovbench/models/model-fp32.onnx"))
print("export s", time.time()-t)
