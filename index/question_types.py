"""What a question asks for, as spaCy entity labels: rules on the wh-word and its head noun.

`answer_types("Which team did he join?") == {"ORG"}`. Empty when the rules are unsure: a head
noun they do not know ("which colour"), "why", "what did", a statement to complete.
"""
from __future__ import annotations

import re

from .text import sentence_spans

PEOPLE = frozenset({"PERSON", "ORG", "NORP"})
PERSON = frozenset({"PERSON"})
ORG = frozenset({"ORG"})
PLACE = frozenset({"GPE", "LOC"})
WHERE = frozenset({"GPE", "LOC", "FAC"})
WHEN = frozenset({"DATE", "TIME"})
HOW_MANY = frozenset({"CARDINAL", "QUANTITY"})
HOW_MUCH = frozenset({"MONEY", "QUANTITY", "PERCENT"})
MONEY = frozenset({"MONEY"})
PERCENT = frozenset({"PERCENT"})
WORK = frozenset({"WORK_OF_ART"})
EVENT = frozenset({"EVENT"})
PRODUCT = frozenset({"PRODUCT"})
LAW = frozenset({"LAW"})
AGE = frozenset({"DATE", "CARDINAL"})
QUANTITY = frozenset({"QUANTITY"})


def _nouns(labels: frozenset[str], words: str) -> dict[str, frozenset[str]]:
    return dict.fromkeys(words.split(), labels)


HEAD_NOUNS: dict[str, frozenset[str]] = {
    **_nouns(PERSON, """person man woman boy girl actor actress star celebrity player athlete singer rapper
        musician artist author writer novelist poet playwright composer director filmmaker producer comedian
        host presenter leader president king queen prince princess pope politician lawmaker senator
        congressman congresswoman governor mayor candidate nominee figure official executive ceo founder
        billionaire entrepreneur judge lawyer scientist astronaut coach manager footballer quarterback
        pitcher golfer swimmer skier gymnast boxer driver dancer chef journalist anchor republican
        democrat couple speaker secretary chancellor minister ambassador activist rider cyclist legend icon
        royal son daughter wife husband mother father chairman chairwoman emperor dictator ruler monarch
        sprinter runner striker goalkeeper batter shortstop designer hero villain
        suspect victim defendant spokesperson commander general premier tycoon heir influencer youtuber"""),
    **_nouns(frozenset({"ORG", "GPE"}), "team side"),  # national teams are named by their country
    **_nouns(frozenset({"PERSON", "ORG"}), "broadcaster opponent rival winner"),
    **_nouns(ORG, """club company firm corporation business brand chain retailer store supermarket network
        channel organization organisation agency airline carrier automaker carmaker manufacturer bank
        lender insurer university college school league institution platform outlet newspaper magazine
        publisher studio union charity department ministry court council committee startup maker provider
        service website conference pharmacy cartel militia giant label franchise
        restaurant coalition alliance bloc federation association regulator watchdog board"""),
    **_nouns(frozenset({"ORG", "NORP"}), "party"),
    **_nouns(frozenset({"ORG", "PERSON"}), "band group"),
    **_nouns(PLACE, """country nation state city town village capital province county region territory island
        continent destination river lake sea ocean mountain desert volcano planet neighborhood neighbourhood
        district suburb borough peninsula coast"""),
    **_nouns(frozenset({"FAC", "GPE", "LOC", "ORG"}), """venue stadium arena airport bridge building museum theater
        theatre landmark monument prison hospital zoo park palace cathedral church"""),
    **_nouns(WORK, """film movie book show series song album novel play musical sitcom cartoon comedy drama opera
        painting documentary anthem poem single memoir sequel"""),
    **_nouns(EVENT, """event tournament festival championship competition contest race war battle games olympics
        summit hurricane storm cyclone typhoon"""),
    **_nouns(frozenset({"EVENT", "DATE"}), "holiday"),
    **_nouns(frozenset({"PRODUCT", "ORG"}), "app"),
    **_nouns(PRODUCT, """product phone car vehicle device rocket spacecraft spaceship ship aircraft plane jet
        satellite gadget console software chatbot missile toy smartphone"""),
    **_nouns(LAW, "law act bill amendment treaty constitution policy regulation"),
    **_nouns(frozenset({"LANGUAGE"}), "language dialect"),
    **_nouns(frozenset({"NORP"}), "nationality religion ethnicity"),
    **_nouns(frozenset({"DATE"}), "year date day month week decade century season birthday anniversary"),
    **_nouns(frozenset({"TIME", "DATE"}), "time hour"),
    **_nouns(AGE, "age"),
    **_nouns(frozenset({"CARDINAL", "QUANTITY"}), "number magnitude population"),
    **_nouns(frozenset({"CARDINAL"}), "score"),
    **_nouns(MONEY, "price cost fee fine salary sum budget"),
    **_nouns(frozenset({"MONEY", "QUANTITY", "CARDINAL"}), "amount total"),
    **_nouns(PERCENT, "percentage percent proportion rate"),
    **_nouns(QUANTITY, "temperature distance height weight speed length depth"),
}
TIME_UNITS = frozenset("seconds minutes hours days weeks months years decades centuries times".split())
VAGUE = frozenset("type kind sort form breed species variety".split())
"""Heads that ask for a category ("which type of ..."), never a named entity."""
HOW = {
    "old": AGE, "long": frozenset({"DATE", "TIME", "QUANTITY"}), "far": QUANTITY, "tall": QUANTITY,
    "high": QUANTITY, "big": QUANTITY, "heavy": QUANTITY, "deep": QUANTITY, "wide": QUANTITY,
    "large": QUANTITY, "fast": QUANTITY, "hot": QUANTITY, "cold": QUANTITY,
}
VERBS = frozenset(
    """won became made said took got went came saw told gave left lost held led ran set hit put wrote sold paid
    met began broke chose drew drove fell felt found flew grew kept knew laid meant rose sent shot spent stood
    stole struck threw wore"""
    .split()
)
"""Past tenses without -ed: after a head noun they end its phrase ("which team won")."""
STOP = frozenset(
    """is was are were be been being has have had did does do will would can could should may might must
    shall in on at of for to by with from after before during into over under about against since until
    than as that who whom whose which what when where why how this these those recently now reportedly
    officially once just also not a an , ; : and or but""".split()
)
PREPOSITIONS = frozenset("in on at of for to by with from after before during into over since until about".split())
BE = frozenset("is was are were".split())
DETERMINERS = frozenset("the its their his her this that these those".split())
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[,;:]")


def _tokens(clause: str) -> list[str]:
    """Lower-cased words (possessive 's dropped) and clause punctuation."""
    out = []
    for token in _TOKEN.findall(clause):
        token = token.lower().replace("’", "'")
        out.append(token[:-2] if token.endswith("'s") and len(token) > 2 else token)
    return out


def _noun(word: str) -> frozenset[str] | None:
    """Labels of a known head noun, also in the plural."""
    for form in (word, word[:-3] + "y" if word.endswith("ies") else "", word[:-2] if word.endswith("es") else "",
                 word[:-1] if word.endswith("s") else ""):
        if form in HEAD_NOUNS:
            return HEAD_NOUNS[form]
    return None


def _verbish(word: str) -> bool:
    return word in VERBS or word.endswith(("ed", "s"))


def _head(tokens: list[str], start: int) -> frozenset[str]:
    """Labels of the noun phrase starting at `start`: its last known noun before a verb or preposition.

    Empty when the phrase ends in a word it does not know ("which host tree appears": not a host).
    """
    found: frozenset[str] | None = None
    unknown_after = False
    for token in tokens[start : start + 6]:
        if token in VAGUE:
            return frozenset()
        labels = _noun(token)
        if labels is not None:
            found, unknown_after = labels, False
        elif token in STOP or (found is not None and (_verbish(token) or token.endswith("ly"))):
            break
        elif found is not None:
            unknown_after = True
    return frozenset() if found is None or unknown_after else found


def _after_what(tokens: list[str], i: int) -> frozenset[str]:
    """Labels asked for by "which/what" at `i`: "which team", "what is the name of the film", "what is the show called"."""
    j = i + 1
    if tokens[j : j + 1] == ["of"]:  # which of these companies
        j += 2 if tokens[j + 1 : j + 2] and tokens[j + 1] in DETERMINERS | {"the", "following"} else 1
        return _head(tokens, j)
    if tokens[j : j + 1] and tokens[j] in BE:
        j += 1
        if not (tokens[j : j + 1] and tokens[j] in DETERMINERS | {"the"}):
            return frozenset()  # what is X doing / what was Y offering
        j += 1
        if tokens[j : j + 2] == ["name", "of"]:
            j += 3 if tokens[j + 2 : j + 3] and tokens[j + 2] in DETERMINERS | {"the", "a", "an"} else 2
        elif "name" in tokens[j : j + 4]:  # what was the rocket's name
            return _head(tokens[: j + tokens[j:].index("name")], j)
    return _head(tokens, j)


def _how(tokens: list[str], i: int) -> frozenset[str]:
    after = tokens[i + 1 : i + 4]
    if not after:
        return frozenset()
    if after[0] == "many":
        return frozenset({"DATE", "CARDINAL"}) if after[1:2] and after[1] in TIME_UNITS else HOW_MANY
    if after[0] == "much":
        return MONEY if after[1:2] == ["money"] else HOW_MUCH
    return HOW.get(after[0], frozenset())


def _clause_types(clause: str, *, last_resort: bool) -> frozenset[str] | None:
    """Labels an interrogative in `clause` asks for; None when it has none."""
    tokens = _tokens(clause)
    relative: list[int] = []
    for i, token in enumerate(tokens):
        before = tokens[i - 1] if i else ""
        opens = i == 0 or before in PREPOSITIONS or before in (";", ":")
        if token == "how":
            return _how(tokens, i)
        if token in ("who", "whom", "whose"):
            if opens or i == len(tokens) - 1:
                return PEOPLE
            relative.append(i)
        elif token in ("where", "when"):
            if opens or i == len(tokens) - 1:
                return WHERE if token == "where" else WHEN
        elif token == "why":
            return frozenset()
        elif token in ("which", "what"):
            if before != ",":
                return _after_what(tokens, i)
            relative.append(i)  # ", which has ..." — a relative clause, unless nothing else asks
        elif token == "name" and i == 0:  # Name the ...
            return _head(tokens, 2 if tokens[1:2] and tokens[1] in DETERMINERS | {"the", "a"} else 1)
    if relative and last_resort:
        i = relative[0]
        return _after_what(tokens, i) if tokens[i] in ("which", "what") else PEOPLE
    return None


def _this_noun(clause: str) -> frozenset[str]:
    """A quiz statement's "this <noun>" ("talks with this leader:"), times aside ("this week")."""
    tokens = _tokens(clause)
    for i, token in enumerate(tokens[:-1]):
        if token == "this":
            labels = _head(tokens, i + 1)
            if labels and not labels & {"DATE", "TIME"}:
                return labels
    return frozenset()


def answer_types(question: str) -> frozenset[str]:
    """The spaCy entity labels the answer to `question` would carry; empty when unsure."""
    clauses = [question[a:b] for a, b in sentence_spans(question)] or [question]
    ordered = [c for c in reversed(clauses) if c.rstrip().endswith("?")] + list(reversed(clauses))
    for last_resort in (False, True):
        for clause in ordered:
            labels = _clause_types(clause, last_resort=last_resort)
            if labels is not None:
                return labels
    return _this_noun(clauses[-1])
