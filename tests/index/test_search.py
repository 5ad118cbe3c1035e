"""Hybrid retrieval: names and numbers found, rare terms weigh most, word forms count, sentence evidence
ranks passages, only the asked scopes are searched."""
from __future__ import annotations

from collections.abc import AsyncIterator

import numpy as np
import pytest

from index import search
from index.embed import HashEmbedder
from index.library import Library
from index.models import Article, Passage
from index.scoring import TermWeights, idf, score_passage, sentence_stems
from index.search import bm25_terms
from index.text import content_terms, sentence_spans, stem
from tests.conftest import SHIPPED, settings_for


@pytest.fixture
async def library(tmp_path) -> AsyncIterator[Library]:  # type: ignore[no-untyped-def]
    """These tests are about ranking, not refusal: no threshold (hash-embedder cosines run low)."""
    async with Library(settings_for(tmp_path / "home", NEWSDESK_MIN_SCORE="0"), embedder=HashEmbedder()) as lib:
        yield lib


CITY = Article(
    title="City council budget",
    paragraphs=(
        "The city council met on Tuesday to discuss the budget for next year.",
        "Councillor Margarethe Okonkwo proposed moving 4.5 million to the tram line.",
        "The budget debate lasted late into the night, and the council voted on Wednesday.",
        "Residents asked the council about the budget for parks and for the budget of libraries.",
    ),
    source="Metro Daily",
    origin="city.txt",
)


async def test_a_rare_name_finds_its_paragraph(library: Library) -> None:
    await library.ingest_articles([CITY])
    answer = await library.ask("What did Okonkwo propose?")
    assert answer.quotes[0].paragraph == 2


async def test_a_number_finds_its_paragraph(library: Library) -> None:
    await library.ingest_articles([CITY])
    _, hits = await library.ask_ranked("Where should the 4.5 million go?")
    assert hits[0].passage.number == 2


async def test_names_and_dates_in_the_shipped_article(library: Library) -> None:
    await library.ingest_paths([SHIPPED])
    for question, needle in [("Belousov", "Belousov"), ("Who is Lankov?", "Lankov")]:
        answer = await library.ask(question)
        assert needle in answer.quotes[0].text


SUMMIT = Article(
    title="Leaders meet at the harbour summit",
    paragraphs=(
        "The summit opened on Monday with a parade along the harbour and a dinner for the delegations.",
        "US officials criticised the fishing quotas agreed on the first day.",
        "Fishermen from three states united on the second day to criticise the quotas again.",
    ),
    source="Harbour Herald",
    origin="summit.txt",
)


async def test_a_country_written_out_or_dotted_finds_it_abbreviated(library: Library) -> None:
    await library.ingest_articles([SUMMIT])
    for question in ("What did the United States criticise?", "What did the U.S. criticise?", "What did the US criticise?"):
        answer = await library.ask(question)
        assert answer.quotes[0].paragraph == 2, question


def test_bm25_searches_the_rarest_terms_its_budget_allows() -> None:
    counts = {"council": 3_000, "okonkwo": 2, "budget": 1_500, "tram": 40}
    assert bm25_terms(counts, budget=2_000) == ["okonkwo", "tram", "budget"]
    assert bm25_terms(counts, budget=100) == ["okonkwo", "tram"]
    assert bm25_terms({"the": 9_000, "said": 6_000}, budget=5_000) == []  # only the dense search nominates


async def test_a_rare_name_is_found_when_the_common_words_are_over_budget(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "POSTINGS_BUDGET", 2)  # "council" and "budget" are each in 3 paragraphs
    await library.ingest_articles([CITY])
    answer = await library.ask("What did Okonkwo propose to the council about the budget?")
    assert answer.quotes[0].paragraph == 2
    assert "Okonkwo" in answer.quotes[0].text


def test_rare_terms_weigh_more_than_common_ones() -> None:
    assert idf(1, 1000) > idf(100, 1000) > idf(900, 1000) > 0
    weights = TermWeights({"budget": idf(3, 4), "okonkwo": idf(1, 4)})
    assert weights.coverage({"okonkwo"}) > weights.coverage({"budget"})
    assert weights.coverage({"okonkwo", "budget"}) == pytest.approx(1.0)
    assert TermWeights({}).coverage({"x"}) == 0.0


def test_question_terms_are_stemmed_content_words() -> None:
    assert [stem(t) for t in content_terms("Who accompanies Putin on the visits?")] == [
        stem("accompanies"), "putin", stem("visits")]
    assert stem("visits") == stem("visit")


def test_sentence_stems_split_by_sentence() -> None:
    text = "Trams run at night. Ferries run by day."
    whole, per = sentence_stems(text, sentence_spans(text))
    assert {"tram", "night", stem("ferries"), "day"} <= whole
    assert "tram" in per[0] and "tram" not in per[1] and stem("ferry") in per[1]


def test_the_passage_with_one_sentence_answering_outranks_scattered_words() -> None:
    terms = TermWeights({"tram": 1.0, "night": 1.0})
    qvec = np.array([1.0, 0.0], np.float32)
    focused = Passage(1, 1, 1, "Trams run at night. The depot is old.")
    scattered = Passage(2, 1, 2, "Trams are new. The city sleeps at night.")
    vecs = np.array([[0.8, 0.6], [0.0, 1.0]], np.float32)
    a = score_passage(focused, 0.5, 0.0, qvec, terms, (sentence_spans(focused.text), vecs))
    b = score_passage(scattered, 0.5, 0.0, qvec, terms, (sentence_spans(scattered.text), vecs))
    assert a.coverage == b.coverage == 1.0
    assert a.score > b.score


async def test_sentence_vectors_are_stored_at_ingest_and_made_for_old_passages(library: Library) -> None:
    [result] = await library.ingest_articles([CITY])
    passages = await library.passages(result.article_id)
    stored = await library.store.sentences_by_id([p.id for p in passages], library.embedder.inner.dim)
    assert set(stored) == {p.id for p in passages}
    spans, vectors = stored[passages[0].id]
    assert spans == sentence_spans(passages[0].text) and vectors.shape == (1, library.embedder.inner.dim)
    await library.store.clear_sentences()  # as after a change of embedder
    assert await library.store.sentences_by_id([passages[0].id], library.embedder.inner.dim) == {}
    assert (await library.ask("What did Okonkwo propose?")).quotes[0].paragraph == 2
    assert passages[1].id in await library.store.sentences_by_id([passages[1].id], library.embedder.inner.dim)


async def test_forgetting_an_article_drops_its_sentences(library: Library) -> None:
    [result] = await library.ingest_articles([CITY])
    ids = [p.id for p in await library.passages(result.article_id)]
    await library.forget(result.article_id)
    assert await library.store.sentences_by_id(ids, library.embedder.inner.dim) == {}


@pytest.mark.model
async def test_real_model_finds_names_and_dates(tmp_path, real_embedder) -> None:  # type: ignore[no-untyped-def]
    async with Library(settings_for(tmp_path / "home"), embedder=real_embedder) as library:
        await library.ingest_paths([SHIPPED])
        belousov = await library.ask("What is Belousov's job?")
        assert "Belousov" in belousov.quotes[0].text
        accompany = await library.ask("who accompanies Putin?")
        assert "Alexander Novak" in accompany.quotes[0].text


# ---- ranking on a tiny library ------------------------------------------------------------

ISLAND = Article(
    title="Island news",
    paragraphs=(
        "The ferries sailed at dawn from the north pier.",
        "The ferry company reported its annual profit on Friday.",
        "Fishermen mended their nets on the beach all morning.",
    ),
    origin="island.txt",
)
TRAMS = Article(
    title="Transport desk",
    paragraphs=(
        "The tram arrived late on Monday. The depot manager said nothing. The gates closed early.",
        "The tram depot closed because the roof leaked. Repairs start in May.",
        "Buses ran along the coast road while the rails were checked.",
    ),
    origin="trams.txt",
)


async def test_other_forms_of_the_questions_words_count(library: Library) -> None:
    """Asked about a ferry sailing, "ferries sailed" ranks above a paragraph with the exact word "ferry" only."""
    await library.ingest_articles([ISLAND])
    answer, hits = await library.ask_ranked("When did the ferry sail?")
    assert [h.passage.number for h in hits[:2]] == [1, 2]
    assert hits[0].coverage == pytest.approx(1.0) and hits[1].coverage < 1.0
    assert answer.quotes[0].text == "The ferries sailed at dawn from the north pier."


async def test_the_words_together_in_one_sentence_outrank_the_same_words_spread_out(library: Library) -> None:
    await library.ingest_articles([TRAMS])
    answer, hits = await library.ask_ranked("Why did the tram depot close?")
    spread, together = (await library.passages(hits[0].passage.article_id))[:2]
    assert {h.passage.id: h.coverage for h in hits[:2]} == pytest.approx({spread.id: 1.0, together.id: 1.0})  # every word
    assert hits[0].passage.id == together.id and hits[0].score > hits[1].score
    assert answer.quotes[0].text == "The tram depot closed because the roof leaked."


async def test_ranked_passages_are_best_first_and_only_from_the_asked_scopes(library: Library) -> None:
    await library.ingest_articles([TRAMS])
    [island] = await library.ingest_articles([ISLAND], scope="guild:7")
    _, elsewhere = await library.ask_ranked("When did the ferries sail?", scopes=("", "guild:8"))
    assert elsewhere and all(h.passage.article_id != island.article_id for h in elsewhere)
    _, here = await library.ask_ranked("When did the ferries sail?", scopes=("", "guild:7"))
    assert here[0].passage.article_id == island.article_id and here[0].passage.number == 1
    assert [h.score for h in here] == sorted((h.score for h in here), reverse=True)
