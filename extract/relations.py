"""Relation rules: small named functions over one parsed sentence.

Each rule takes the sentence (a spaCy ``Span``) and the entities found in it
(pairs of :class:`~airace.extract.entities.Mention` and their ``Span``) and
yields ``(subject, predicate, object)`` where subject is a Mention and object a
Mention or a plain Python value (for attributes). Its docstring names a
sentence it handles; ``tests/test_rules.py`` runs every such sentence through
the real pipeline and checks what the rule must yield. ``RULES`` lists them all.
"""

from __future__ import annotations

import re
from itertools import combinations
from typing import Callable, Iterable, Iterator

from spacy.tokens import Span

from .entities import Mention, country_of_adjective
from .reference import ID, lookup

__all__ = ["RULES", "Found", "Yield"]

Found = tuple[Mention, Span]
Yield = tuple[Mention, str, object]

COUNTRY_ABLE = {"Organisation", "Company", "University", "ResearchInstitute", "GovernmentBody", "Person", "DataCentre"}


def _is_org(mention: Mention) -> bool:
    return mention.is_organisation


def _between(sentence: Span, left: Span, right: Span) -> Span:
    return sentence.doc[left.end:right.start]


def possessive_product(sentence: Span, found: list[Found]) -> Iterator[Yield]:
    """Example: "Huawei's Ascend 910B chips compete with Nvidia's A100." (designedBy, and developedBy for models)."""
    for owner, owner_span in found:
        after = sentence.doc[owner_span.end:owner_span.end + 1]
        if not after or after[0].text not in ("'s", "’s", "'"):
            continue
        for thing, span in found:
            gap = _between(sentence, owner_span, span)
            if not (0 < len(gap) <= 4) or any(token.pos_ in ("VERB", "AUX", "ADP", "PUNCT", "CCONJ") for token in gap[1:]):
                continue
            if owner.is_organisation:
                if thing.kind == "AIModel":
                    yield thing, "developedBy", owner
                elif thing.kind == "Chip":
                    yield thing, "designedBy", owner
                elif thing.kind == "DataCentre":
                    yield thing, "operatedBy", owner
                elif thing.kind == "Person":
                    yield thing, "affiliatedWith", owner
            elif owner.kind == "Country" and thing.kind in COUNTRY_ABLE:
                yield thing, "country", owner
            break


_AGENT_VERBS = {
    "develop": "developedBy", "create": "developedBy", "build": "developedBy", "release": "developedBy",
    "train": "developedBy", "launch": "developedBy", "publish": "developedBy",
    "design": "designedBy", "make": "fabricatedBy", "manufacture": "fabricatedBy", "produce": "fabricatedBy",
    "fabricate": "fabricatedBy", "own": "parentOrganisation", "operate": "operatedBy", "run": "operatedBy",
    "found": "foundedBy", "co-found": "foundedBy", "cofound": "foundedBy",
}


def passive_agent(sentence: Span, found: list[Found]) -> Iterator[Yield]:
    """Example: "The Ascend 910B, designed by Huawei, is made by SMIC on a 7nm process."."""
    for token in sentence:
        if token.lower_ != "by" or token.head.lemma_.lower() not in _AGENT_VERBS:
            continue
        verb = token.head
        predicate = _AGENT_VERBS[verb.lemma_.lower()]
        agents = [m for m, span in found if span.start > token.i and span.start <= token.i + 3 and (m.is_organisation or m.kind == "Person")]
        if not agents:
            continue
        agent = agents[0]
        before = [m for m, span in found if span.end <= verb.i and m.iri != agent.iri]
        if predicate in ("designedBy", "fabricatedBy"):
            chips = [m for m in before if m.kind == "Chip"]
            models = [m for m in before if m.kind == "AIModel"]
            if chips and (agent.is_organisation or predicate == "designedBy"):
                yield chips[-1], predicate, agent
            elif models and agent.is_organisation:
                yield models[-1], "developedBy", agent
        elif predicate == "developedBy" and agent.is_organisation:
            models = [m for m in before if m.kind == "AIModel"]
            if models:
                yield models[-1], "developedBy", agent
        elif predicate in ("parentOrganisation", "foundedBy"):
            organisations = [m for m in before if m.is_organisation]
            if organisations and (agent.is_organisation or predicate == "foundedBy"):
                yield organisations[-1], predicate, agent
        elif predicate == "operatedBy" and agent.is_organisation:
            centres = [m for m in before if m.kind == "DataCentre"]
            if centres:
                yield centres[-1], "operatedBy", agent


_RELEASE_VERBS = {"release", "launch", "unveil", "introduce", "develop", "build", "publish", "train", "open-source", "debut", "announce"}


def subject_released_model(sentence: Span, found: list[Found]) -> Iterator[Yield]:
    """Example: "On January 20, 2025, DeepSeek released R1, an open reasoning model."."""
    for token in sentence:
        if token.pos_ != "VERB" or token.lemma_.lower() not in _RELEASE_VERBS:
            continue
        subjects = [child for child in token.children if child.dep_ in ("nsubj", "nsubjpass") and child.dep_ == "nsubj"]
        if not subjects:
            continue
        subject_tokens = set(t.i for t in subjects[0].subtree)
        makers = [m for m, span in found if m.is_organisation and span.root.i in subject_tokens]
        if not makers:
            continue
        objects = [child for child in token.children if child.dep_ in ("dobj", "attr", "oprd")]
        object_tokens = set(t.i for child in objects for t in child.subtree)
        for thing, span in found:
            if thing.kind == "AIModel" and span.root.i in object_tokens:
                yield thing, "developedBy", makers[0]


_LIST_GLUE = {",", "and", "or", "like", "such", "as", "including", "-", "&"}


def nationality_modifier(sentence: Span, found: list[Found]) -> Iterator[Yield]:
    """Example: "Chinese startups like DeepSeek and Moonshot AI publish open models."."""
    starts = {span.start: (m, span) for m, span in found}
    inside = {i for _, span in found for i in range(span.start, span.end)}
    for token in sentence:
        country = country_of_adjective(token.text)
        if country is None or token.i in inside or token.dep_ == "poss":
            continue
        reference = lookup(country)
        country_mentions = [Mention(f"{ID}country/{reference.slug}", "Country", reference.name, token.text, token.idx, token.idx + len(token))]
        index, seen_entity = token.i + 1, False
        while index < sentence.end and index - token.i <= 12:
            if index in starts:
                mention, span = starts[index]
                if mention.kind in COUNTRY_ABLE:
                    yield mention, "country", country_mentions[0]
                seen_entity = True
                index = span.end
                continue
            word = sentence.doc[index]
            if seen_entity and word.lower_ not in _LIST_GLUE:
                break
            if not seen_entity and not (word.pos_ in ("ADJ", "NOUN", "PROPN") or word.lower_ in _LIST_GLUE):
                break
            index += 1


_UNIT_WORDS = re.compile(r"^(?P<parent>.+?)\s+(?:Cloud|AI Lab|AI|Research(?: Asia| Institute)?|Labs?|Semiconductor|Capital|Ventures|Group)$")


def parent_by_name(sentence: Span, found: list[Found]) -> Iterator[Yield]:
    """Example: "Tencent Cloud and Tencent compete in the market." (Tencent Cloud's parent is Tencent)."""
    organisations = [m for m, _ in found if m.is_organisation]
    names = {m.label or m.surface: m for m in organisations}
    for mention in organisations:
        match = _UNIT_WORDS.match(mention.label or mention.surface)
        if match and match.group("parent") in names and names[match.group("parent")].iri != mention.iri:
            yield mention, "parentOrganisation", names[match.group("parent")]


def owned_by(sentence: Span, found: list[Found]) -> Iterator[Yield]:
    """Example: "Volcano Engine (owned by ByteDance) signed on to the project."."""
    text = sentence.text
    for child, child_span in found:
        if not child.is_organisation:
            continue
        tail = text[child_span.end_char - sentence.start_char:]
        match = re.match(r"\s*[,(]?\s*(?:which is |a |an |the )?(?:owned by|a subsidiary of|subsidiary of|part of|a unit of|unit of|division of)\s", tail)
        if not match:
            continue
        at = child_span.end_char + match.end()
        for parent, parent_span in found:
            if parent.is_organisation and 0 <= parent_span.start_char - at <= 4:
                yield child, "parentOrganisation", parent
                break


_COLLABORATION = re.compile(r"\bco-?authored\b|\bcollaborat|\bjointly\b|\bpartner(?:ed|ship)\b|\bresearchers from\b|\bjoint (?:paper|study|lab)", re.I)


def co_authored(sentence: Span, found: list[Found]) -> Iterator[Yield]:
    """Example: "A paper co-authored by researchers from ByteDance and Peking University won an award."."""
    if not _COLLABORATION.search(sentence.text):
        return
    organisations = []
    for mention, _ in found:
        if mention.is_organisation and mention.iri not in {m.iri for m in organisations}:
            organisations.append(mention)
    if len(organisations) > 6:
        return
    for first, second in combinations(organisations, 2):
        yield first, "collaboratesWith", second


_TITLES = r"(?:co-?founder|founder|ceo|chief executive(?: officer)?|chairman|chairwoman|president|head|director|cto|chief scientist|professor|researcher|scientist|analyst|engineer|secretary)"


def title_affiliation(sentence: Span, found: list[Found]) -> Iterator[Yield]:
    """Example: "Databricks co-founder Andy Konwinski and Sam Altman, CEO of OpenAI, spoke."."""
    text = sentence.text
    for person, person_span in found:
        if person.kind != "Person":
            continue
        for organisation, organisation_span in found:
            if not organisation.is_organisation:
                continue
            if organisation_span.end_char <= person_span.start_char:
                between = text[organisation_span.end_char - sentence.start_char:person_span.start_char - sentence.start_char]
                if re.fullmatch(rf"(?:['’]s)?\s*(?:[\w-]+\s+)?{_TITLES}\s*", between, re.I):
                    yield person, "affiliatedWith", organisation
            elif person_span.end_char <= organisation_span.start_char:
                between = text[person_span.end_char - sentence.start_char:organisation_span.start_char - sentence.start_char]
                if re.fullmatch(rf"\s*,\s*(?:the\s+)?(?:[\w-]+\s+)?{_TITLES}(?:\s+\w+){{0,3}}\s+(?:of|at)\s+(?:the\s+)?", between, re.I):
                    yield person, "affiliatedWith", organisation


_USE = re.compile(r"\b(?:access to|uses?|using|used|trained on|train(?:ed|s)? (?:it |them )?on|deploy(?:s|ed)?|runs? on|powered by|bought|buys|acquired|purchas\w+|stockpil\w+|hoard\w+|equipped with|relies on|rely on)\b", re.I)


def uses_chip(sentence: Span, found: list[Found]) -> Iterator[Yield]:
    """Example: "DeepSeek has access to an estimated 10,000 H800s."."""
    for user, user_span in found:
        if not (user.is_organisation or user.kind in ("AIModel", "DataCentre")):
            continue
        for chip, chip_span in found:
            if chip.kind != "Chip" or chip_span.start <= user_span.end:
                continue
            between = sentence.doc[user_span.end:chip_span.start]
            if len(between) <= 12 and _USE.search(re.sub(r"\s+", " ", between.text)) and not any(m.is_organisation for m, s in found if user_span.end <= s.start < chip_span.start):
                yield user, "usesChip", chip


_COMPETE = re.compile(r"\bcompet\w*|\brival\w*|\bcomparable\b|\bon par with\b|\bsimilar (?:elo )?(?:score|performance)|\bmatch(?:es|ed|ing)?\b|\boutperform\w*", re.I)


def competing_models(sentence: Span, found: list[Found]) -> Iterator[Yield]:
    """Example: "DeepSeek released R1, competing with OpenAI's o1."."""
    match = _COMPETE.search(sentence.text)
    if not match:
        return
    at = sentence.start_char + match.start()
    models = [(m, span) for m, span in found if m.kind == "AIModel"]
    before = [m for m, span in models if span.end_char <= at]
    after = [m for m, span in models if span.start_char >= at]
    if before and after and before[-1].iri != after[0].iri:
        yield before[-1], "competesWith", after[0]


_OPEN = re.compile(r"open[- ](?:source[d]?|weights?)\s*$", re.I)


def open_weights(sentence: Span, found: list[Found]) -> Iterator[Yield]:
    """Example: "Chinese labs lead with the open-source DeepSeek-V3 model."."""
    for model, span in found:
        if model.kind != "AIModel":
            continue
        before = sentence.doc[max(sentence.start, span.start - 4):span.start].text
        after = sentence.doc[span.end:min(sentence.end, span.end + 8)].text
        if _OPEN.search(before) or _OPEN.search(re.sub(r"\b(?:the|an?|its|model|series)\b\s*$", "", before, flags=re.I).strip()) \
                or re.match(r"\s*,?\s*(?:an?|the)?\s*(?:cost-efficient,?\s*)?open[- ](?:source|weights?)\b", after, re.I):
            yield model, "openWeights", True


_RESTRICTED = re.compile(r"\bexport (?:control|restriction|ban)s?\b|\bbanned\b|\brestricted\b|\bsmuggl\w+|\bblack market\b|\bentity list\b", re.I)


def export_restricted(sentence: Span, found: list[Found]) -> Iterator[Yield]:
    """Example: "Export controls cut off China's access to Nvidia's H100."."""
    if not _RESTRICTED.search(sentence.text):
        return
    for chip, _ in found:
        if chip.kind == "Chip":
            yield chip, "exportRestricted", True


_NODE = re.compile(r"(?<![\d.])(\d{1,2}(?:\.\d)?)\s?-?\s?(?:nm|nanometer|nanometre)s?\b", re.I)


def process_node(sentence: Span, found: list[Found]) -> Iterator[Yield]:
    """Example: "Huawei is now mass-producing 7-nanometer Ascend 910B chips."."""
    chips = [(m, span) for m, span in found if m.kind == "Chip"]
    if not chips:
        return
    for match in _NODE.finditer(sentence.text):
        at = sentence.start_char + match.start()
        nearest = min(chips, key=lambda pair: abs(pair[1].start_char - at))
        if abs(nearest[1].start_char - at) <= 60 and not re.search(r"sub-?\s*$", sentence.text[:match.start()]):
            yield nearest[0], "processNodeNm", float(match.group(1))


RULES: list[Callable[[Span, list[Found]], Iterable[Yield]]] = [
    possessive_product,
    passive_agent,
    subject_released_model,
    nationality_modifier,
    parent_by_name,
    owned_by,
    co_authored,
    title_affiliation,
    uses_chip,
    competing_models,
    open_weights,
    export_restricted,
    process_node,
]
