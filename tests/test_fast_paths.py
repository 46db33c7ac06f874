"""The shortcuts the extraction takes for speed give what the long way gives."""

from __future__ import annotations

import os

import spacy
from airace.extract.pipeline import DEFAULT_MODEL, MODEL_SETTING, _patterns

# Our own sentences: known names next to unknown ones, a gloss, a heading, odd spacing and a table cell.
TEXTS = [
    "Zhipu AI and Moonshot AI trained new models in Beijing, while Nvidia shipped the H20 to China.",
    "Model Performance\n\nAlibaba Cloud said its Qwen 2.5-Max beat GPT-4o ;  the  Tsinghua University team ( Ping An , Baidu ) agreed.",
    "Two suppliers, Hubei Kehong (鼎龙) and Xian Ruida (北方华创), added capacity in the Gui'an Cluster in 2024.",
    "yi-large-preview",
    "",
]


def _plain_pipeline():
    """The same pipeline without the list's labels hidden from the NER."""
    plain = spacy.load(os.environ.get(MODEL_SETTING) or DEFAULT_MODEL)
    ruler = plain.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True})
    with plain.select_pipes(enable=[]):
        ruler.add_patterns(_patterns())
    plain.add_pipe("airace_name_shapes", after="ner")
    return plain


def test_hiding_the_list_labels_from_the_ner_changes_nothing_but_its_moves(nlp):
    ner = nlp.get_pipe("ner")
    moves = ner.moves.n_moves
    plain = _plain_pipeline()
    for ours, theirs in zip(nlp.pipe(TEXTS), plain.pipe(TEXTS)):
        assert [(ent.start, ent.end, ent.label_, ent.ent_id_) for ent in ours.ents] == \
               [(ent.start, ent.end, ent.label_, ent.ent_id_) for ent in theirs.ents]
        assert [(token.ent_iob, token.ent_type, token.ent_id, token.is_sent_start) for token in ours] == \
               [(token.ent_iob, token.ent_type, token.ent_id, token.is_sent_start) for token in theirs]
    assert ner.moves.n_moves == moves  # the list's classes were never added to the NER
    assert plain.get_pipe("ner").moves.n_moves > moves


def test_articles_read_in_one_run_of_the_pipeline_give_what_each_gives_alone(nlp):
    from pathlib import Path

    from airace.extract.document import extract, extract_many
    from airace.extract.reader import Article, read_article
    from airace.extract.statements import triples

    corpus = sorted((Path(__file__).resolve().parent.parent / "corpus").glob("*.md"))
    # the built-in articles (tables among them), our short texts, and an empty one, in one batch
    articles = [read_article(path) for path in corpus]
    articles += [Article(f"short-{index}.txt", text, f"{index:064x}") for index, text in enumerate(TEXTS)]
    together = extract_many(articles, nlp)
    assert len(together) == len(articles)
    for article, extraction in zip(articles, together):
        alone = extract(article, nlp)
        assert extraction.article is article
        assert set(triples(extraction)) == set(triples(alone)), article.name
    assert any(extraction.figures for extraction in together) and any(extraction.facts for extraction in together)
