"""What a user sees in an answer: the marked sentence, widening to the speaker, one quote per article,
near-duplicates collapsed, refusals with suggestions."""
from __future__ import annotations

import pytest

from index.answer import choose_quotes, near_duplicate, through_attribution, widen
from index.embed import HashEmbedder
from index.library import Library
from index.models import Answer, Article, Passage
from index.scoring import Hit
from index.text import sentence_spans
from tests.conftest import SHIPPED, settings_for


def stored_text(paragraphs: list[Passage]) -> str:
    return "\n\n".join(p.text for p in paragraphs)


async def assert_verbatim(library: Library, answer: Answer) -> None:
    for quote in answer.quotes:
        assert quote.text in stored_text(await library.passages(quote.article_id))
        assert quote.context[quote.offset : quote.offset + len(quote.text)] == quote.text
        for start, end in quote.highlights:
            assert 0 <= start < end <= len(quote.text)


BRIDGE = Article(
    title="Town bridge reopens",
    paragraphs=(
        "The old stone bridge closed in March for repairs. Engineers replaced the cracked arches. "
        "The council paid 2 million euros for the work. Traffic returned on Friday morning.",
        "Mayor Ana Silva opened the bridge with a ribbon.",
        "She said the town had waited too long. \"It was worth every cent,\" she added.",
    ),
    source="Valley Post",
    origin="bridge.txt",
)


async def test_the_answering_sentence_is_marked_and_the_quote_is_short(library: Library) -> None:
    await library.ingest_articles([BRIDGE])
    answer = await library.ask("How much did the council pay for the bridge work?")
    quote = answer.quotes[0]
    start, end = quote.highlights[0]
    assert quote.text[start:end] == "The council paid 2 million euros for the work."
    assert quote.text == "The council paid 2 million euros for the work."
    assert quote.context == BRIDGE.paragraphs[0] and quote.paragraph == 1
    await assert_verbatim(library, answer)


async def test_pronoun_sentence_widens_back_to_the_named_speaker(library: Library) -> None:
    await library.ingest_articles([BRIDGE])
    answer = await library.ask("Was the money worth every cent?")
    quote = answer.quotes[0]
    start, end = quote.highlights[0]
    assert "worth every cent" in quote.text[start:end]
    assert quote.text.startswith("Mayor Ana Silva opened the bridge")  # across the paragraph boundary
    assert quote.paragraph == 3 and "\n\n" in quote.text
    await assert_verbatim(library, answer)


async def test_expert_on_ammunition_is_quoted_with_lankov_named(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # the hash embedder's cosines are not the model's, which the confidence was learned on: no refusal here
    async with Library(settings_for(tmp_path / "home", NEWSDESK_MIN_SCORE="0"), embedder=HashEmbedder()) as library:
        await library.ingest_paths([SHIPPED])
        answer = await library.ask("What did the expert say about ammunition?")
        await assert_verbatim(library, answer)
    quote = answer.quotes[0]
    start, end = quote.highlights[0]
    assert "never enough ammunition" in quote.text[start:end]
    assert quote.text.startswith("Lankov noted")
    assert quote.text.endswith('he said.')
    assert quote.text in SHIPPED.read_text(encoding="utf-8")


@pytest.mark.model
async def test_real_model_quotes_lankov_for_the_ammunition_question(tmp_path, real_embedder) -> None:  # type: ignore[no-untyped-def]
    async with Library(settings_for(tmp_path / "home"), embedder=real_embedder) as library:
        await library.ingest_paths([SHIPPED])
        answer = await library.ask("What did the expert say about ammunition?")
        quote = answer.quotes[0]
        assert "Lankov" in quote.text and "ammunition" in quote.text[slice(*quote.highlights[0])]
        await assert_verbatim(library, answer)
        assert (await library.ask("What is the capital of France?")).refused


def test_widen_steps_back_over_leaning_sentences() -> None:
    text = "Ana Silva runs the mill. She hired ten people. They start on Monday."
    spans = sentence_spans(text)
    assert widen(text, spans, 2) == 0
    assert widen("Ana runs the mill. The mill is old.", sentence_spans("Ana runs the mill. The mill is old."), 1) == 1


def test_a_quotation_is_quoted_through_its_bare_attribution() -> None:
    text = '"There is never enough. The demand is immense," he said. Prices rose.'
    spans = sentence_spans(text)
    assert through_attribution(text, spans, 0) == 1
    assert through_attribution(text, spans, 2) == 2


WIRE = (
    "Heavy rain flooded the river valley on Sunday, and 300 residents left their homes before dawn. "
    "Rescue teams used boats to reach farms cut off by the water, and the regional government opened "
    "two schools as shelters for families who could not stay with relatives."
)


async def test_the_same_wire_story_twice_is_one_quote_listing_both_sources(library: Library) -> None:
    first = Article(title="Valley floods", paragraphs=(WIRE,), source="Daily One", origin="a.txt")
    second = Article(title="Floods in the valley", paragraphs=(WIRE.replace("Sunday", "Sunday night"),),
                     source="Evening Two", origin="b.txt")
    other = Article(title="Rain records", paragraphs=("Residents left homes as heavy rain hit the valley town.",),
                    source="Weather Desk", origin="c.txt")
    await library.ingest_articles([first, second, other])
    answer = await library.ask("How many residents left their homes after the flood?")
    titles = [q.title for q in answer.quotes]
    assert len(titles) == len(set(titles))
    assert len([t for t in titles if t in ("Valley floods", "Floods in the valley")]) == 1
    twins = answer.quotes[0].also_in
    assert [t["source"] for t in twins] in (["Evening Two"], ["Daily One"])
    await assert_verbatim(library, answer)


def test_near_duplicate_needs_nearly_the_same_words() -> None:
    assert near_duplicate(WIRE, WIRE.replace("Sunday", "Sunday night"))
    assert not near_duplicate(WIRE, "Heavy rain flooded the town square on Monday, closing shops.")


def _hit(article_id: int, number: int, score: float, text: str = "") -> Hit:
    text = text or f"Paragraph {number} of article {article_id} says something different each time {article_id * 10 + number}."
    return Hit(Passage(article_id * 100 + number, article_id, number, text), score, score, 0.0)


def test_a_second_passage_of_the_best_article_beats_a_far_weaker_article() -> None:
    hits = [_hit(1, 1, 0.80), _hit(1, 2, 0.78), _hit(2, 1, 0.62)]
    chosen = [(h.passage.article_id, h.passage.number) for h, _ in choose_quotes(hits, 3)]
    assert chosen[:2] == [(1, 1), (1, 2)]


def test_a_close_second_article_keeps_its_place_before_a_second_passage() -> None:
    hits = [_hit(1, 1, 0.80), _hit(1, 2, 0.78), _hit(2, 1, 0.77)]
    chosen = [(h.passage.article_id, h.passage.number) for h, _ in choose_quotes(hits, 3)]
    assert chosen == [(1, 1), (2, 1), (1, 2)]


def test_quotes_far_below_the_first_are_dropped() -> None:
    hits = [_hit(1, 1, 0.80), _hit(2, 1, 0.50), _hit(3, 1, 0.45)]
    assert [h.passage.article_id for h, _ in choose_quotes(hits, 3)] == [1]


def test_a_near_duplicate_from_another_article_joins_the_quote() -> None:
    hits = [_hit(1, 1, 0.80, WIRE), _hit(2, 1, 0.79, WIRE.replace("Sunday", "Sunday night")), _hit(3, 1, 0.75)]
    chosen = choose_quotes(hits, 3)
    assert [h.passage.article_id for h, _ in chosen] == [1, 3]
    assert [t.passage.article_id for t in chosen[0][1]] == [2]


async def test_unrelated_question_is_refused_with_closest_titles(library: Library) -> None:
    await library.ingest_articles([BRIDGE])
    answer = await library.ask("Which team won the basketball final?")
    assert answer.refused and answer.quotes == []
    assert answer.reason == "not found in the stored articles"
    assert answer.suggestions == ["Town bridge reopens"]
    assert answer.confidence < library.settings.min_score
    assert answer.to_dict()["confidence"] == round(answer.confidence, 4)
