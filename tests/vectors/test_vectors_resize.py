"""The vector store's index follows the library's size: Flat, then IVF trained aside and swapped in."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from index.embed import HashEmbedder, normalize
from index.library import Library
from index.models import Article
from index.vectors.faiss_index import build_index
from index.vectors.faiss_store import MMAP_BYTES, FaissStore
from tests.conftest import settings_for


def unit(n: int, seed: int = 0, dim: int = 16) -> np.ndarray:
    return normalize(np.random.default_rng(seed).normal(size=(n, dim)))


def test_rebuild_past_the_threshold_swaps_in_ivf_with_the_same_ids() -> None:
    data = unit(400)
    store = FaissStore(16, flat_max=200)
    store.add(np.arange(400), data)
    assert store.kind == "Flat" and store.needs_rebuild()
    store.begin_rebuild()
    store.finish_rebuild(build_index(data, np.arange(400), flat_max=200))
    assert store.kind.startswith("IVF") and not store.needs_rebuild()
    assert store.ids() == set(range(400)) and len(store) == 400
    assert store.search(data[123], 1)[0][0] == 123
    store.remove([123])
    store.add(np.array([999]), data[123:124])
    assert store.search(data[123], 1)[0][0] == 999 and 123 not in store.ids()


def test_writes_made_while_training_are_kept() -> None:
    data = unit(500)
    store = FaissStore(16, flat_max=200)
    store.add(np.arange(400), data[:400])
    store.begin_rebuild()  # as the library does: snapshot, build aside, then swap
    snapshot = (data[:400].copy(), np.arange(400))
    store.add(np.arange(400, 500), data[400:])  # lands in the old index and in the replay log
    store.remove([0, 1])
    store.finish_rebuild(build_index(*snapshot, flat_max=200))
    assert store.kind.startswith("IVF")
    assert store.ids() == set(range(2, 500))
    assert store.search(data[450], 1)[0][0] == 450


def test_a_large_ivf_file_opens_memory_mapped_and_accepts_writes(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    data = unit(600)
    store = FaissStore(16, build_index(data, np.arange(600), flat_max=200), flat_max=200)
    path = tmp_path / "vectors.faiss"
    store.save(path, {"generation": "7"})
    monkeypatch.setattr("index.vectors.faiss_store.MMAP_BYTES", 0)  # every file counts as large
    loaded = FaissStore.load(path, {"generation": "7"}, flat_max=200)
    assert loaded is not None and loaded.kind == store.kind and MMAP_BYTES > 0
    assert loaded.search(data[5], 1)[0][0] == 5
    loaded.add(np.array([1000]), data[5:6])  # the mapped lists are copied into memory first
    loaded.remove([5])
    assert loaded.search(data[5], 1)[0][0] == 1000 and len(loaded) == 600


async def top_passage(lib: Library, question: str) -> str:
    _, hits = await lib.ask_ranked(question)
    return hits[0].passage.text


ARTICLES = [
    Article(title=f"Report {n}", paragraphs=(f"Item {n} alpha{n} beta{n % 7} gamma{n % 11} on the river.",
                                             f"Second note {n} delta{n} about the harbour{n % 5}."),
            source="Wire", origin=f"r{n}.txt", url=f"https://example.test/{n}")
    for n in range(160)
]


async def test_library_swaps_to_ivf_past_the_threshold_and_answers_alike(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "home")
    question = "what about alpha42 and delta42?"
    async with Library(settings, embedder=HashEmbedder(), flat_max=200) as lib:
        await lib.ingest_articles(ARTICLES[:90])
        assert lib.vectors.kind == "Flat"
        flat_top = await top_passage(lib, question)
        assert "42" in flat_top
        await lib.ingest_articles(ARTICLES[90:])  # 320 passages: past 200
        assert lib.vectors.kind.startswith("IVF")
        assert len(lib.vectors.ids()) == 320
        assert await top_passage(lib, question) == flat_top
    stamp = json.loads((settings.home / "vectors.faiss.json").read_text())
    assert stamp["count"] == 320
    async with Library(settings, embedder=HashEmbedder(), flat_max=200) as lib:  # the saved IVF round-trips
        assert lib.vectors.kind.startswith("IVF") and len(lib.vectors) == 320
        assert await top_passage(lib, question) == flat_top
    stamp["generation"] = "0"  # a stale stamp: rebuilt from SQLite, still IVF
    (settings.home / "vectors.faiss.json").write_text(json.dumps(stamp))
    async with Library(settings, embedder=HashEmbedder(), flat_max=200) as lib:
        assert lib.vectors.kind.startswith("IVF") and lib.vectors.ids() == set(range(1, 321))
        assert await top_passage(lib, question) == flat_top


async def test_a_streamed_import_turns_ivf_as_it_grows_not_at_the_end(tmp_path: Path) -> None:
    folder = tmp_path / "import"
    folder.mkdir()
    for article in ARTICLES:  # 160 files, 32 a batch: 5 batches of 64 passages
        (folder / f"{article.origin}").write_text(f"{article.title}\n\n" + "\n\n".join(article.paragraphs))
    kinds = []
    async with Library(settings_for(tmp_path / "home"), embedder=HashEmbedder(), flat_max=200) as lib:
        async for _ in lib.ingest_stream([folder]):
            kinds.append((len(lib.vectors), lib.vectors.kind.split(",")[0][:3]))
        assert len(lib.vectors.ids()) == 320
        assert "42" in await top_passage(lib, "what about alpha42 and delta42?")
    assert kinds[0] == (64, "Fla") and kinds[3] == (256, "IVF")  # past 200 at the fourth batch, not after the last


def test_a_memory_mapped_index_saved_again_still_opens(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    data = unit(600)
    path, elsewhere = tmp_path / "vectors.faiss", tmp_path / "copy.faiss"
    FaissStore(16, build_index(data, np.arange(600), flat_max=200), flat_max=200).save(path, {"generation": "7"})
    monkeypatch.setattr("index.vectors.faiss_store.MMAP_BYTES", 0)  # every file counts as large
    mapped = FaissStore.load(path, {"generation": "7"}, flat_max=200)
    assert mapped is not None
    mapped.save(path, {"generation": "8"})  # nothing written to it since loading: only the stamp changes
    mapped.save(elsewhere, {"generation": "8"})  # FAISS would write a reference to the mapped file
    for saved in (path, elsewhere):
        loaded = FaissStore.load(saved, {"generation": "8"}, flat_max=200)
        assert loaded is not None and len(loaded) == 600 and loaded.search(data[9], 1)[0][0] == 9
    assert mapped.search(data[9], 1)[0][0] == 9
