"""The NER model on real news sentences, what questions ask for, and which sentences hold an answer of that type."""
from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from index import entities
from index.entities import answer_types, passages_entities, sentence_entities, type_match
from index.text import sentence_spans

NEWS = (
    "President Joe Biden met executives from Microsoft in Paris on Monday. "
    "The company pledged $4 billion for new data centres and said it would hire 300 engineers."
)


def _named(text: str) -> list[tuple[str, str]]:
    per_sentence = sentence_entities(text, sentence_spans(text))
    return [(text[a:b], label) for sentence in per_sentence for a, b, label in sentence]


def test_the_model_labels_people_organizations_places_dates_money_and_numbers() -> None:
    found = _named(NEWS)
    assert ("Joe Biden", "PERSON") in found
    assert ("Microsoft", "ORG") in found
    assert ("Paris", "GPE") in found
    assert ("Monday", "DATE") in found
    assert ("$4 billion", "MONEY") in found
    assert ("300", "CARDINAL") in found


def test_entities_are_grouped_by_sentence_with_offsets_into_the_passage() -> None:
    spans = sentence_spans(NEWS)
    assert len(spans) == 2
    first, second = sentence_entities(NEWS, spans)
    assert {NEWS[a:b] for a, b, _ in first} >= {"Joe Biden", "Microsoft", "Paris", "Monday"}
    assert {NEWS[a:b] for a, b, _ in second} >= {"$4 billion", "300"}
    assert all(spans[1][0] <= a < spans[1][1] for a, _, _ in second)
    assert {label for sentence in (first, second) for _, _, label in sentence} <= entities.LABELS


def test_a_batch_gives_what_each_passage_gives_alone() -> None:
    texts = [NEWS, "The Bank of England raised rates to 5.25% in August.", "no names here at all"]
    items = [(t, sentence_spans(t)) for t in texts]
    assert passages_entities(items, batch=2) == [sentence_entities(t, s) for t, s in items]
    assert passages_entities([]) == []
    assert sentence_entities("no names here at all", [(0, 20)]) == [[]]


def test_the_pipeline_is_ner_only_loaded_once_and_safe_across_threads() -> None:
    nlp = entities.pipeline()
    assert nlp.pipe_names == ["ner"] and entities.pipeline() is nlp
    assert nlp.meta["name"] == "core_web_sm" or "core_web_sm" in nlp.meta["name"]
    texts = [f"Angela Merkel visited Berlin in {1990 + n}." for n in range(16)]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda t: _named(t), texts))
    assert all(("Angela Merkel", "PERSON") in r and ("Berlin", "GPE") in r for r in results)


def test_loading_the_model_does_not_pull_in_torch_when_nothing_else_did() -> None:
    entities.pipeline()
    if "torch" not in sys.modules:  # another test may have loaded the torch embedder
        assert not getattr(sys.modules.get("thinc.compat"), "has_torch", False)


PEOPLE = {"PERSON", "ORG", "NORP"}


@pytest.mark.parametrize(
    "question, wanted",
    [
        ("Who won Best Director at the 2023 Golden Globes?", PEOPLE),
        ("Who is he now tied with for major singles titles?", PEOPLE),
        ("Whose statue was unveiled outside the stadium?", PEOPLE),
        ("Which Hollywood star was seen working at a coffee shop this week?", {"PERSON"}),
        ("Which US President signed the bill into law?", {"PERSON"}),
        ("Which Republican presidential candidate dropped out of the race?", {"PERSON"}),
        ("Which of these musicians was in attendance at the address?", {"PERSON"}),
        ("NFL player Damar Hamlin collapsed on the field. He is a member of which team?", {"ORG", "GPE"}),
        ("Which tech company is being sued over unpaid rent?", {"ORG"}),
        ("Which movie theater chain will price tickets by seat?", {"ORG"}),
        ("Which news organization agreed to the settlement?", {"ORG"}),
        ("Which agency approved the vaccine?", {"ORG"}),
        ("Which party won the most seats?", {"ORG", "NORP"}),
        ("Which country was named the world's happiest?", {"GPE", "LOC"}),
        ("Burger chain In-N-Out is expanding to which state?", {"GPE", "LOC"}),
        ("Which U.S. city closed its schools this week?", {"GPE", "LOC"}),
        ("In which nation did every citizen become younger?", {"GPE", "LOC"}),
        ("Where will the 2024 Olympic Games be held?", {"GPE", "LOC", "FAC"}),
        ("The rocket launched from where?", {"GPE", "LOC", "FAC"}),
        ("When is the deadline to file your taxes this year?", {"DATE", "TIME"}),
        ("They last went on strike in what year?", {"DATE"}),
        ("The border rule is set to expire in which month?", {"DATE"}),
        ("How many troops does the US keep in Syria?", {"CARDINAL", "QUANTITY"}),
        ("The vaccines' protection wanes after how many months?", {"DATE", "CARDINAL"}),
        ("How much did the ticket cost?", {"MONEY", "QUANTITY", "PERCENT"}),
        ("Approximately how much money did the PAC spend?", {"MONEY"}),
        ("What percentage of Brits suffer from misophonia?", {"PERCENT"}),
        ("By what percentage will supply charges fall?", {"PERCENT"}),
        ("How old was the singer when she died?", {"DATE", "CARDINAL"}),
        ("At what age did he retire?", {"DATE", "CARDINAL"}),
        ("How long could the strike last?", {"DATE", "TIME", "QUANTITY"}),
        ("Which film scored the most Oscar nominations?", {"WORK_OF_ART"}),
        ("Which famous Seuss book will get a sequel?", {"WORK_OF_ART"}),
        ("What is the name of the anthem composed for the coronation?", {"WORK_OF_ART"}),
        ("The longest-running musical closed this week. What is the show called?", {"WORK_OF_ART"}),
        ("Which language is spoken most widely in the region?", {"LANGUAGE"}),
        ("What nationality is the new champion?", {"NORP"}),
        ("Which law lets drivers pump their own gas?", {"LAW"}),
        ("Which Constitutional Amendment abolished slavery?", {"LAW"}),
        ("Which tournament did the protesters disrupt?", {"EVENT"}),
        ("Thousands were stranded at which festival?", {"EVENT"}),
        ("Which app was banned in the state?", {"PRODUCT", "ORG"}),
        ("What was the rocket's name?", {"PRODUCT"}),
        ("What was the magnitude of the quake?", {"CARDINAL", "QUANTITY"}),
        ("Name the actor who played the detective.", {"PERSON"}),
        ("Biden held talks with this leader, his Mexican counterpart:", {"PERSON"}),
        ("Starlink, which has how many satellites in orbit?", {"CARDINAL", "QUANTITY"}),
        ("A balloon, which officials said was a spy craft, fell off the coast of which state?", {"GPE", "LOC"}),
        ("Pat Sajak, who hosted it for decades, is leaving which game show?", {"WORK_OF_ART"}),
    ],
)
def test_answer_types_of_question_forms(question: str, wanted: set[str]) -> None:
    assert answer_types(question) == frozenset(wanted)


@pytest.mark.parametrize(
    "question",
    [
        "Which color is it?",
        "The newest cookie has which type of filling?",
        "Which kind of severe weather event hit the South?",
        "Why did the bridge close?",
        "What caused the crash?",
        "What was the bakery offering to customers?",
        "Which invasive host tree do the insects prefer?",
        "True or false: the team won its first title.",
        "The Bruins set the regular season record for the most:",
        "Which popular food costs the most?",
        "",
    ],
)
def test_answer_types_are_empty_when_unsure(question: str) -> None:
    assert answer_types(question) == frozenset()


PASSAGE = "Joe Biden visited London on Monday. He met Rishi Sunak there. Talks lasted hours."


def test_type_match_marks_sentences_holding_a_new_entity_of_a_wanted_type() -> None:
    per_sentence = sentence_entities(PASSAGE, sentence_spans(PASSAGE))
    matched = type_match(frozenset({"PERSON"}), per_sentence, "Who did Joe Biden meet?", PASSAGE)
    assert matched.dtype == np.float32
    assert matched.tolist() == [0.0, 1.0, 0.0]  # Biden is in the question: not the answer


def test_type_match_counts_a_name_the_question_says_in_another_form_as_said() -> None:
    per_sentence = sentence_entities(PASSAGE, sentence_spans(PASSAGE))
    matched = type_match(frozenset({"PERSON"}), per_sentence, "Who met JOE BIDEN’S counterpart?", PASSAGE)
    assert matched.tolist()[0] == 0.0


def test_type_match_is_all_zeros_when_nothing_is_wanted_or_nothing_fits() -> None:
    per_sentence = sentence_entities(PASSAGE, sentence_spans(PASSAGE))
    assert type_match(frozenset(), per_sentence, "Why?", PASSAGE).tolist() == [0.0, 0.0, 0.0]
    assert type_match(frozenset({"MONEY"}), per_sentence, "How much?", PASSAGE).tolist() == [0.0, 0.0, 0.0]
    assert type_match(frozenset({"PERSON"}), [], "Who?", "").shape == (0,)


def test_type_match_with_answer_types_end_to_end() -> None:
    text = "The deal was signed in Geneva. It is worth $3 million."
    per_sentence = sentence_entities(text, sentence_spans(text))
    assert type_match(answer_types("How much is the deal worth?"), per_sentence, "How much is the deal worth?", text).tolist() == [0.0, 1.0]
    assert type_match(answer_types("Where was the deal signed?"), per_sentence, "Where was the deal signed?", text).tolist() == [1.0, 0.0]
