"""Failure classes seen on real news (issue 15), each on a small article written for it."""
from __future__ import annotations

import numpy as np
import pytest

from index.answer import build_quote, leans_back
from index.library import Library
from index.models import Article, Passage, StoredArticle
from index.scoring import Hit
from index.text import sentence_spans
from tests.conftest import settings_for

CINEMA = Article(
    title="Leeds picture house reopens after restoration",
    paragraphs=(
        "The last gaslit cinema reopened its doors on Friday after a two-year restoration costing millions.",
        "Volunteers repainted the ceiling and rebuilt the organ.",
    ),
    source="North Post", origin="cinema.txt",
)
OTHER_CINEMA = Article(
    title="Arts round-up",
    paragraphs=("The gaslit cinema in the old port was sold on Friday after a long restoration dispute.",),
    source="Arts Weekly", origin="arts.txt",
)


async def test_a_term_only_in_the_headline_counts_for_its_passages(library: Library) -> None:
    await library.ingest_articles([OTHER_CINEMA, CINEMA])
    _, hits = await library.ask_ranked("When did the Leeds gaslit cinema reopen?")
    assert hits[0].title == CINEMA.title
    assert "reopened its doors on Friday" in hits[0].passage.text


TEAM = Article(
    title="Cup final report",
    paragraphs=(
        "Riverside Rovers beat Hill Town 2-1 in the county cup final on Saturday. "
        "The team will play in the national cup next season, its first time in the competition.",
    ),
    source="County Sport", origin="cup.txt",
)


def test_a_bare_the_team_leans_back_but_a_named_subject_does_not() -> None:
    assert leans_back("The team will play in the national cup next season.")
    assert leans_back("This show returns in May.")
    assert not leans_back("Riverside Rovers beat Hill Town 2-1.")
    assert not leans_back("Team sheets were handed in at noon.")


async def test_a_quote_whose_subject_is_the_team_names_the_team(library: Library) -> None:
    await library.ingest_articles([TEAM])
    answer = await library.ask("Which club will play in the national cup next season for the first time?")
    quote = answer.quotes[0]
    assert quote.text.startswith("Riverside Rovers beat Hill Town")
    marked = quote.text[quote.highlights[0][0] : quote.highlights[0][1]]
    assert "The team will play in the national cup" in marked


STORY = StoredArticle(7, "Cinema news", "North Post", "", "2023-05-01", "", "", 1, "", "")


def _hit(text: str, marked: int, types: list[float]) -> Hit:
    spans = sentence_spans(text)
    cosine = np.zeros(len(spans), np.float32)
    cosine[marked] = 1.0
    return Hit(Passage(70, 7, 1, text), 0.8, 0.8, 0.0, spans=spans, sentence_cosine=cosine,
               sentence_coverage=np.zeros(len(spans), np.float32), sentence_types=np.array(types, np.float32))


def test_the_next_sentence_joins_the_quote_when_it_holds_what_the_question_asks_for() -> None:
    text = ("Bad weather delayed the ferry. The last gaslit cinema in the world is to reopen after a restoration. "
            "It stands on a corner in Leeds, a short walk from the station. Tickets go on sale next week.")
    quote = build_quote(_hit(text, 1, [0, 0, 1, 0]), STORY, None)
    assert quote.text == ("The last gaslit cinema in the world is to reopen after a restoration. "
                          "It stands on a corner in Leeds, a short walk from the station.")
    start, end = quote.highlights[0]
    assert quote.text[start:end] == quote.text


def test_no_neighbour_is_added_when_the_marked_sentence_has_the_answer_kind() -> None:
    text = "The cinema reopened in Leeds on Friday. It has 300 seats. Tickets go on sale next week."
    quote = build_quote(_hit(text, 0, [1, 1, 0]), STORY, None)
    assert quote.text == "The cinema reopened in Leeds on Friday."


SUMMIT = Article(
    title="Leaders gather for climate summit",
    paragraphs=(
        "Leaders from forty countries are expected to attend the climate summit next month for talks "
        "on cutting emissions and paying for flood defences.",
        "The summit will be held in Nairobi, Kenya, at the United Nations office on the city's north side.",
        "Campaigners say the talks are the last chance to agree on a fund before the rainy season.",
    ),
    source="World Desk", origin="summit.txt",
)


@pytest.mark.model
async def test_a_where_question_gets_the_paragraph_naming_the_place(tmp_path, real_embedder) -> None:  # type: ignore[no-untyped-def]
    async with Library(settings_for(tmp_path / "home"), embedder=real_embedder) as library:
        await library.ingest_articles([SUMMIT])
        answer = await library.ask("Where will the climate summit take place?")
    assert not answer.refused
    assert "Nairobi" in answer.quotes[0].text
