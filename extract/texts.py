"""The text of a parsed doc and of its spans, read without joining the tokens again.

spaCy builds ``Doc.text`` and ``Span.text`` from the tokens on every access, a pass over
all of them each time; the rules look at a sentence's words many times over, so they read
them from one copy of the doc's text instead.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from spacy.tokens import Doc, Span

__all__ = ["doc_text", "span_text"]

# Per doc, dropped with it; a doc's text never changes (not even when its tokens are merged).
_TEXTS: WeakKeyDictionary[Doc, str] = WeakKeyDictionary()


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined once per doc."""
    text = _TEXTS.get(doc)
    if text is None:
        text = _TEXTS[doc] = doc.text
    return text


def span_text(span: Span) -> str:
    """``span.text``: the doc's text from the span's first character to its last."""
    return doc_text(span.doc)[span.start_char:span.end_char]
