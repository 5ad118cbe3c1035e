"""Boilerplate in scraped news pages: navigation, captions, ads, promos, credits among the paragraphs.

Cleaning only ever drops whole paragraphs, or strips a leading agency dateline ("CNN —",
"(AP) —") and keeps the rest of that paragraph exactly, so every stored paragraph
is still a verbatim piece of the page. Each rule is a pattern of a kind of line, not a list of
one site's strings; `repeated` adds lines that recur verbatim across many articles of one source.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from .errors import RejectedInput
from .models import Article, IngestResult

_DASH = r"(?:—|–|--?)"
_UPPER_PLACE = r"[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+)*(?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)?)?"
_MIXED_PLACE = r"[A-Z][\w.'’-]*(?:,? [A-Z][\w.'’-]*){0,4}"
_AGENCY = r"(?:\((?:AP|Reuters|AFP|UPI|CNN)\)|CNN(?: ?Business)?)"
_DATELINE = re.compile(
    rf"^(?:{_AGENCY}|{_UPPER_PLACE}(?: {_AGENCY})?|{_MIXED_PLACE} {_AGENCY}) {_DASH}(?: |$)"
)
_AGENCY_ONLY = re.compile(rf"^{_AGENCY} {_DASH} ")
_REST_START = re.compile(r"[A-Z0-9\"'“‘(]")

_CAPTION = re.compile(
    r"^(?:show|hide|toggle|view|expand|close) (?:caption|gallery|image|photos?)\b|^caption\b"
    r"|^enlarge this image$|^(?:image|photo|slide) \d+ of \d+$|^\d+ (?:of|/) \d+$"
    r"|^\(?(?:image|photo|picture|video)(?: credit)?s?\s*:|^\(?(?:credit|photograph|courtesy)\s*:",
    re.IGNORECASE,
)
_CREDIT_NAME = r"[A-Z][\w.'’-]*[^\W_](?: [A-Z][\w.'’-]*[^\W_]){0,3}"
_PHOTO_CREDIT = re.compile(
    rf"(?:{_CREDIT_NAME}/{_CREDIT_NAME}(?:/{_CREDIT_NAME})*|(?:via |/)?Getty Images(?: [A-Z][\w ]*)?"
    rf"|AP Photo(?:/{_CREDIT_NAME})?|Courtesy(?: of)? {_CREDIT_NAME}|Shutterstock|iStock(?:photo)?)\)?$"
)
_AD = re.compile(
    r"^(?:advertisement|sponsored(?: content| links?)?|paid (?:content|post)|ad feedback|skip ad"
    r"|story continues (?:below|after)\b.*|continue reading (?:below|after)\b.*)$"
    r"|\b(?:we|USA TODAY|CNN|this site) (?:may )?(?:earns?|receives?) (?:a )?(?:commission|compensation)"
    r"|^prices (?:were|are) accurate at the time",
    re.IGNORECASE,
)
_PROMO = re.compile(
    r"(?:^|[.:!?)] ?|\b(?:here|please|today)[:,]? )(?:sign up|subscribe|register)(?: now| today| here)?"
    r"(?: for| to| here| now| at|[.!]|$)"
    r"|\bnewsletter\b.*\b(?:sign up|subscribe|inbox)\b|\b(?:sign up|subscribe)\b.*\bnewsletter\b"
    r"|\b(?:delivered|sent) (?:directly |right )?to your inbox|\bin your inbox\b"
    r"|^(?:support|help support|to empower) (?:local |quality |our )?(?:journalism|work)\b"
    r"|\bthank you for supporting our journalism\b|\bplease consider a subscription\b"
    r"|\bbecome a (?:digital )?(?:subscriber|member)\b|\bsubscribe & save\b"
    r"|^(?:would you like to receive|not a subscriber\?)",
    re.IGNORECASE,
)
_RELATED = re.compile(
    r"^[►▶•»*>\s]*(?:read more|more|related(?: stories| coverage| articles?)?|see also|also read|also see"
    r"|don[’']t miss|up next|recommended(?: for you)?|most (?:read|popular)|trending(?: now)?"
    r"|watch|listen|opinion|click here|learn more|more from [\w ]+|top stories|what to know)\b\s*[:>]*"
    r"(?=$|\s*\S)(?:$|\s*[:>])",
    re.IGNORECASE,
)
_SOCIAL = re.compile(
    r"^(?:share(?: this(?: article| story)?)?(?: on| via| with)?(?: facebook| twitter| email| whatsapp)?"
    r"|tweet|email|print|copy link|comments?|pin it|reddit|linkedin|facebook|twitter|whatsapp"
    r"|(?:join|follow) us on [\w ,&]+\.?|join the conversation\b.*)$"
    r"|^follow (?:\w+ ){1,4}on (?:twitter|x|instagram|facebook|tiktok)\b.{0,40}$"
    r"|\bjoin us on (?:twitter|facebook|instagram)\b",
    re.IGNORECASE,
)
_UPDATE = re.compile(
    r"^\(?(?:editor[’']s note:\s*)?(?:(?:this|the) (?:story|article|post|report) (?:has been|was|will be)"
    r" (?:updated(?: with| to include) (?:additional|further|new|more|the latest)\b|updated\.?$|updated as\b"
    r"|(?:first|originally) (?:published|appeared)\b)|(?:a version of )?this (?:story|article)"
    r" (?:first |originally )?appear(?:ed|s) (?:in|on)\b|a version of this (?:story|article)\b)",
    re.IGNORECASE,
)
_CONTACT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|(?<![\w@])@\w{2,}|\(?\d{3}\)?[ .-]\d{3}-\d{4}")
_BIO = re.compile(
    r"^(?:contact|reach|email|e-mail|follow|send|shoot)\b|\b(?:can be reached|reach (?:him|her|them|me)"
    r"|follow (?:him|her|them|me|along)|email (?:him|her|them|me)|on twitter|send (?:him|her|them) an email)\b",
    re.IGNORECASE,
)
_CONTRIBUTING = re.compile(
    r"^(?:contributing(?: reporting)?|contributors?|additional reporting(?: by)?|reporting by|edited by"
    r"|written by|compiled by)\b\s*:?|^(?:from|by) [\w ]+ (?:and|&) wire reports\.?$"
    r"|^(?:the )?(?:associated press|reuters|afp|ap|upi)$|^special to [\w .]+$",
    re.IGNORECASE,
)
_SIGNOFF = re.compile(rf"^{_DASH} ?[A-Z][\w.'’-]*(?: [\w.'’&-]+){{0,7}}(?:, [\w.'’& -]+)?$")
_CONSENT = re.compile(
    r"\b(?:we use cookies|(?:accept|manage|reject) (?:all )?cookies|cookie (?:policy|settings|preferences)"
    r"|(?:read|see|review|view) our (?:privacy|cookie|terms)|you agree to (?:the|our)|(?:please )?tick here\b"
    r"|(?:information|details) (?:you have|you've) shared|your data in this way|consent to (?:the|our) use)",
    re.IGNORECASE,
)
_LETTER = re.compile(r"[^\W\d_]")
_ALNUM = re.compile(r"[^\W_]")
_AFTER_SENTENCE = re.compile(r"[.!?…][\"'”’)\]]* $")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


def strip_dateline(paragraph: str) -> str:
    """Empty for a lone dateline ("London CNN —"), the rest after a bare agency one ("CNN — The..."), else as is.

    A place dateline before text ("MOSCOW (AP) — The...") stays: it says where the story was reported.
    """
    match = _DATELINE.match(paragraph)
    if not match:
        return paragraph
    rest = paragraph[match.end() :]
    if not rest:
        return ""
    if not _AGENCY_ONLY.match(paragraph) or not _REST_START.match(rest):
        return paragraph
    return rest


def _words(paragraph: str) -> int:
    return len(paragraph.split())


def _caption(p: str) -> bool:
    if _CAPTION.search(p):
        return True
    if "/" not in p and not any(k in p for k in ("Getty", "Courtesy", "Shutterstock", "iStock")):
        return False
    credits = len(re.findall(r"/(?:AFP|AP|Getty Images|Reuters|Bloomberg|Pool)\b|Getty Images", p))
    credit = _PHOTO_CREDIT.search(p)
    if credit is None or not credits and not _AFTER_SENTENCE.search(p[: credit.start()]):
        return credits >= 3  # "Reading v Stockport/Swansea" names no agency and ends no sentence
    return _words(p) <= 80 or credits >= 2


def _nav_header(p: str) -> bool:
    """A bare "Read more:", "Related stories", "UP NEXT": a label with nothing after it."""
    match = _RELATED.match(p)
    return match is not None and not _LETTER.search(p[match.end() :])


def _bio(p: str) -> bool:
    return _words(p) <= 80 and bool(_CONTACT.search(p)) and bool(_BIO.search(p))


def _rule(keywords: tuple[str, ...], test: Callable[[str], bool]) -> Callable[[str], bool]:
    """`test`, tried only on paragraphs holding one of `keywords` (lowercase): regexes are slow."""
    return lambda p: any(k in p.lower() for k in keywords) and test(p)


RULES: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("no words", lambda p: not _ALNUM.search(p)),
    ("dateline", lambda p: strip_dateline(p) == ""),
    ("caption", _caption),
    ("advertisement", _rule(("advertis", "sponsor", "paid", "ad ", "continue", "commission", "compensation",
                             "accurate"), lambda p: bool(_AD.search(p)) and _words(p) <= 40)),
    ("promo", _rule(("sign up", "subscri", "register", "inbox", "journalism", "work", "member", "receive"),
                    lambda p: bool(_PROMO.search(p)) and _words(p) <= 60)),
    ("navigation", _nav_header),
    ("social", lambda p: _words(p) <= 25 and bool(_SOCIAL.search(p))),
    ("update note", lambda p: bool(_UPDATE.match(p)) and _words(p) <= 60),
    ("author bio", _rule(("@", "-"), _bio)),
    ("credit", lambda p: _words(p) <= 25 and bool(_CONTRIBUTING.search(p))),
    ("signoff", lambda p: bool(_SIGNOFF.match(p)) and not _SENTENCE_END.search(p)),
    ("consent", _rule(("cookie", "our", "agree", "tick", "shared", "your data", "consent"),
                      lambda p: bool(_CONSENT.search(p)) and _words(p) <= 80)),
)
"""Each rule names a kind of boilerplate paragraph; the first that matches decides."""


def junk_rule(paragraph: str) -> str | None:
    """The name of the rule `paragraph` is boilerplate by, or None for a paragraph to keep."""
    for name, matches in RULES:
        if matches(paragraph):
            return name
    return None


def _repeat(paragraph: str, drop: frozenset[str], kept: set[str]) -> str | None:
    """"repeated" for a line in `drop`; a real sentence among them is kept once per import."""
    if paragraph not in drop:
        return None
    if _SENTENCE_END.search(paragraph) and _words(paragraph) >= 8 and paragraph not in kept:
        kept.add(paragraph)  # an explainer's fact repeated by a site's articles: keep one copy
        return None
    return "repeated"


def clean_paragraphs(
    paragraphs: Iterable[str],
    drop: frozenset[str] = frozenset(),
    counts: Counter[str] | None = None,
    kept: set[str] | None = None,
) -> list[str]:
    """Paragraphs without boilerplate (and without the lines in `drop`), datelines stripped.

    `counts`, when given, is increased per rule name for each paragraph dropped or stripped;
    `kept` holds the sentences of `drop` already kept once in this import.
    """
    kept = set() if kept is None else kept
    out: list[str] = []
    for paragraph in paragraphs:
        rule = junk_rule(paragraph) or _repeat(paragraph, drop, kept)
        if rule is None:
            stripped = strip_dateline(paragraph)
            if stripped != paragraph:
                rule = "dateline stripped"
            paragraph = stripped
        if counts is not None and rule is not None:
            counts[rule] += 1
        if rule is None or rule == "dateline stripped":
            out.append(paragraph)
    return out


REPEAT_MIN_ARTICLES = 5
REPEAT_MAX_WORDS = 40


def repeated(articles: Iterable[tuple[str, Iterable[str]]]) -> frozenset[str]:
    """Short paragraphs appearing verbatim in at least REPEAT_MIN_ARTICLES articles of one source.

    `articles` are (source, paragraphs) pairs from one import; such lines are a site's furniture
    (section headings, standing credits, promos), not news.
    """
    seen: Counter[tuple[str, str]] = Counter()
    for source, paragraphs in articles:
        for paragraph in set(paragraphs):
            if _words(paragraph) <= REPEAT_MAX_WORDS:
                seen[(source, paragraph)] += 1
    return frozenset(p for (_, p), n in seen.items() if n >= REPEAT_MIN_ARTICLES)


def clean_article(
    article: Article,
    drop: frozenset[str] = frozenset(),
    counts: Counter[str] | None = None,
    kept: set[str] | None = None,
) -> Article:
    """`article` with its boilerplate paragraphs dropped (and counted in its `dropped`); raises
    RejectedInput if nothing is left."""
    own: Counter[str] = Counter()
    paragraphs = clean_paragraphs(article.paragraphs, drop, own, kept)
    if counts is not None:
        counts.update(own)
    if not paragraphs:
        raise RejectedInput(article.origin, "no article text (every paragraph is boilerplate: captions, links, promos)")
    return replace(article, paragraphs=tuple(paragraphs), dropped=dropped(own))


def clean_articles(
    items: Iterable[Article | RejectedInput], counts: Counter[str] | None = None
) -> list[Article | RejectedInput]:
    """Clean a bulk file's articles, dropping also the lines its articles of one source repeat."""
    items = list(items)
    articles = [item for item in items if isinstance(item, Article)]
    drop = repeated((article.source, article.paragraphs) for article in articles)
    kept: set[str] = set()
    out: list[Article | RejectedInput] = []
    for item in items:
        try:
            out.append(item if isinstance(item, RejectedInput) else clean_article(item, drop, counts, kept))
        except RejectedInput as exc:
            out.append(exc)
    return out


KEPT_RULES = frozenset({"dateline stripped"})
"""Rule counts of paragraphs kept (changed, not dropped): not in `dropped`."""

REASON_WORDS: dict[str, tuple[str, str]] = {
    "no words": ("line without words", "lines without words"),
    "dateline": ("lone dateline", "lone datelines"),
    "caption": ("photo caption or credit", "photo captions and credits"),
    "advertisement": ("ad", "ads"),
    "promo": ("newsletter or subscription promo", "newsletter and subscription promos"),
    "navigation": ("navigation label", "navigation labels"),
    "social": ("share or follow button", "share and follow buttons"),
    "update note": ("update note", "update notes"),
    "author bio": ("author contact line", "author contact lines"),
    "credit": ("byline or credit", "bylines and credits"),
    "signoff": ("sign-off", "sign-offs"),
    "consent": ("cookie or consent notice", "cookie and consent notices"),
    "repeated": ("line a site repeats in its articles", "lines a site repeats in its articles"),
}
"""Each rule's name in words a user understands, one and many."""


def dropped(counts: Mapping[str, int]) -> tuple[tuple[str, int], ...]:
    """The dropped paragraphs of `counts` (clean_paragraphs' rule counts) as (rule, count), most first."""
    return tuple(sorted(((r, n) for r, n in counts.items() if n > 0 and r not in KEPT_RULES),
                        key=lambda item: (-item[1], item[0])))


def dropped_in(items: Iterable[Article | IngestResult]) -> Counter[str]:
    """The paragraphs cleaning dropped from articles (or from the articles of ingest results), per rule."""
    total: Counter[str] = Counter()
    for item in items:
        total.update(dict(item.dropped))
    return total


def reason_words(rule: str, count: int) -> str:
    """`count` paragraphs dropped by `rule`, in words: "512 photo captions and credits"."""
    one, many = REASON_WORDS.get(rule, (rule, rule))
    return f"{count:,} {one if count == 1 else many}"


def dropped_summary(counts: Mapping[str, int]) -> str:
    """One line saying how many paragraphs cleaning dropped and why, most frequent reason first;
    "" when none was: "dropped 1,204 paragraphs that carry no content: 512 photo captions and credits, ..."."""
    reasons = dropped(counts)
    total = sum(n for _, n in reasons)
    if not total:
        return ""
    what = "paragraph that carries" if total == 1 else "paragraphs that carry"
    return f"dropped {total:,} {what} no content: " + ", ".join(reason_words(r, n) for r, n in reasons)
