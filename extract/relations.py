"""Relation rules: small named functions over one parsed sentence.

Each rule takes the sentence's :class:`~airace.extract.context.Context` (the sentence,
its resolved entities, what the paragraph named before) and yields
``(subject, predicate, object)``, where subject is a Mention and object a Mention
or a plain Python value (for attributes). Each registers in :mod:`.rules` with
its example sentence and the exact facts it must yield; the country rules are
in :mod:`.countries`, and the rules over one table row (kind ``row``) end this
module.
"""

from __future__ import annotations

import re
from itertools import combinations
from typing import Iterator

from spacy.tokens import Span

from .context import Context
from .entities import kind_by_shape
from .figures import parse_period
from .groups import Found, Yield, group_members, with_conjuncts
from .kinds import COUNTRY_ABLE
from .lexicon import mapping, words
from .mentions import Mention, known, named
from .reference import ORGANISATION_CLASSES, key, lookup
from .rules import rule

__all__ = ["Found", "Yield"]

_QUOTES = {"“", "”", '"', "‘", "'"}


def _thing_relation(owner: Mention, thing: Mention) -> str | None:
    """What "owner's thing" says: a model is developed, a chip designed, a data centre operated,
    a person employed and a unit owned by the organisation; a country locates what is in it."""
    if owner.kind == "Country":
        return "country" if thing.kind in COUNTRY_ABLE else None
    if not owner.is_organisation:
        return None
    if thing.is_organisation:
        return "parentOrganisation"
    return {"AIModel": "developedBy", "Chip": "designedBy", "DataCentre": "operatedBy", "Person": "affiliatedWith"}.get(thing.kind)


@rule("relation", 1, (
    "Huawei's locally made Ascend 910B and 910C accelerators trail Nvidia's A100, while Stanford University's Center for Human-Centered Artificial Intelligence keeps score.",
    {
        ("A100", "designedBy", "Nvidia"),
        ("Ascend 910B", "designedBy", "Huawei"),
        ("Ascend 910C", "designedBy", "Huawei"),
        ("Stanford HAI", "parentOrganisation", "Stanford University"),
    }))
def possessive_product(context: Context) -> Iterator[Yield]:
    sentence, found = context.sentence, context.found
    for owner, owner_span in found:
        after = sentence.doc[owner_span.end:owner_span.end + 1]
        if not after or after[0].text not in ("'s", "’s", "'"):
            continue
        things = [(thing, span) for thing, span in found if span.start > owner_span.end]
        if not things:
            continue
        thing, span = things[0]
        if span.end < sentence.end and re.fullmatch(r"(?:19|20)\d\d", sentence.doc[span.end].text):
            continue  # "Stanford University's Emerging Technology Review 2025": an edition of a work, no body
        gap = sentence.doc[owner_span.end + 1:span.start]
        if len(gap) > 4 or any(token.pos_ in ("VERB", "AUX", "ADP", "PUNCT", "CCONJ") and token.text not in _QUOTES
                               and token.dep_ not in ("amod", "advmod", "compound") for token in gap):
            continue
        predicate = _thing_relation(owner, thing)
        if predicate is None:
            continue
        for member in with_conjuncts(found, (thing, span)):
            yield member, predicate, owner


_AGENT_VERBS = mapping("agent-verbs")


def _subject_mentions(verb, found: list[Found], before: int) -> list[Mention]:
    """The mentions in the verb's subject, all members of an enumeration ("A, B and C were founded")."""
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            indices = {token.i for token in child.subtree}
            inside = [m for m, span in found if span.root.i in indices and span.end <= before]
            if inside:
                return inside
    return []


def _named_after(sentence: Span, found: list[Found], at: int) -> list[Mention]:
    """The data centre a clause names a little later: "owned by xAI and dubbed “Colossus”"."""
    for token in sentence.doc[at:min(sentence.end, at + 8)]:
        if token.lower_ in ("dubbed", "called", "named", "nicknamed"):
            return [m for m, span in found if m.kind == "DataCentre" and 0 < span.start - token.i <= 2][:1]
    return []


@rule("relation", 1, ('The Ascend 910B, designed by Huawei, is made by SMIC on a 7nm process; Baichuan AI and Zhipu AI were both founded by Tsinghua University graduates; the largest cluster, owned by xAI and dubbed “Colossus,” grows.',
    {
        ("Ascend 910B", "designedBy", "Huawei"),
        ("Ascend 910B", "fabricatedBy", "Semiconductor Manufacturing International Corporation"),
        ("Baichuan AI", "foundedBy", "Tsinghua University"),
        ("Colossus", "operatedBy", "xAI"),
        ("Zhipu AI", "foundedBy", "Tsinghua University"),
    }))
def passive_agent(context: Context) -> Iterator[Yield]:
    sentence, found = context.sentence, context.found
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
            # the participle must describe the model ("R1, developed by DeepSeek") or have it as subject,
            # not describe something else the sentence names after it ("techniques like GQA, first developed by …")
            models = [m for m, span in found if m.kind == "AIModel" and span.end <= verb.i
                      and (verb.head.i in range(span.start, span.end) or span.root.i in {t.i for c in verb.children
                           if c.dep_ == "nsubjpass" for t in c.subtree})]
            if models:
                yield models[-1], "developedBy", agent
        elif predicate in ("parentOrganisation", "foundedBy") and not _named_after(sentence, found, token.i):
            subjects = [m for m in _subject_mentions(verb, found, verb.i) if m.is_organisation] or \
                [m for m in before if m.is_organisation][-1:]
            if agent.is_organisation or predicate == "foundedBy":
                for organisation in subjects:
                    yield organisation, predicate, agent
        if predicate in ("operatedBy", "parentOrganisation") and agent.is_organisation:
            centres = [m for m in before if m.kind == "DataCentre"] or _named_after(sentence, found, token.i)
            if centres:
                yield centres[-1], "operatedBy", agent


_RELEASE_VERBS = words("release-verbs")
_FABRICATE_VERBS = words("fabricate-verbs")
_PRONOUNS = {"it", "they", "its", "their"}


def _makers(verb, found: list[Found]) -> list[Mention]:
    """The organisations in a verb's subject; a pronoun subject ("Meta announced that it had
    trained ...") stands for the subject of the verb it reports to."""
    for child in verb.children:
        if child.dep_ != "nsubj":
            continue
        if child.lower_ in _PRONOUNS and verb.dep_ in ("ccomp", "xcomp", "conj", "advcl") and verb.head is not verb:
            return _makers(verb.head, found)
        indices = {token.i for token in child.subtree}
        makers = [(m, span) for m, span in found if m.is_organisation and span.root.i in indices]
        # a name that only modifies another word comes last: "TikTok owner ByteDance" is ByteDance
        return [m for m, span in sorted(makers, key=lambda pair: pair[1].root.dep_ in ("compound", "poss", "nmod", "amod"))]
    if verb.dep_ in ("xcomp", "conj") and verb.head is not verb:
        return _makers(verb.head, found)
    return []


def _owned_by_another(span: Span, maker: Mention, found: list[Found]) -> bool:
    """Whether another organisation's possessive opens the model's noun phrase: "OpenAI's then
    state-of-the-art o1" is not DeepSeek's."""
    doc = span.doc
    for mention, other in found:
        if not mention.is_organisation or mention.iri == maker.iri or not 0 <= span.start - other.end <= 10:
            continue
        if other.end < len(doc) and doc[other.end].text in ("'s", "’s"):
            phrase = doc[other.end + 1:span.start]
            if not any(token.pos_ in ("VERB", "AUX") or token.text in (",", ";") for token in phrase):
                return True
    return False


def _in_a_clause_below(token, verb) -> bool:
    """Whether a verb stands between the token and the verb it hangs from: in "released R1, a model
    competing with o1", o1 belongs to "competing", not to "released"."""
    for ancestor in token.ancestors:
        if ancestor == verb or ancestor.lower_ in ("as", "including", "like"):
            return False  # "models trained to …, such as CyberHost": examples of the object still are the object
        if ancestor.pos_ in ("VERB", "AUX") and ancestor.dep_ in ("acl", "relcl", "advcl", "ccomp", "xcomp"):
            return True
    return False


@rule("relation", 1, ("Early in 2025 DeepSeek released R1; SMIC makes 7nm processors for Huawei's Ascend 910B; Meta said that it had trained Llama 3.",
    {
        ("Ascend 910B", "fabricatedBy", "Semiconductor Manufacturing International Corporation"),
        ("DeepSeek-R1", "developedBy", "DeepSeek"),
        ("Llama 3", "developedBy", "Meta"),
    }))
def active_agent(context: Context) -> Iterator[Yield]:
    sentence, found = context.sentence, context.found
    for token in sentence:
        lemma = token.lemma_.lower()
        if token.pos_ != "VERB" or lemma not in _RELEASE_VERBS | _FABRICATE_VERBS:
            continue
        makers = _makers(token, found)
        if not makers:
            continue
        # the parser sometimes takes a versioned name ("Llama 3") for an adverbial noun phrase
        objects = [child for child in token.children if child.dep_ in ("dobj", "attr", "oprd", "npadvmod")]
        object_tokens = {t.i for child in objects for t in child.subtree}
        for thing, span in found:
            if span.root.i not in object_tokens or _in_a_clause_below(span.root, token) or (
                    thing.kind == "AIModel" and _owned_by_another(span, makers[0], found)):
                continue  # a chip made for "Huawei's Ascend 910B" is still made by the maker; a model is not
            if thing.kind == "AIModel" and lemma in _RELEASE_VERBS:
                yield thing, "developedBy", makers[0]
            elif thing.kind == "Chip" and lemma in _FABRICATE_VERBS:
                yield thing, "fabricatedBy", makers[0]
            elif thing.kind == "Chip" and lemma in ("develop", "build", "launch", "unveil", "release", "introduce"):
                yield thing, "designedBy", makers[0]


_AUTHORING = words("authoring-verbs")


@rule("relation", 1, ('Researchers from Xiamen University and Microsoft Research Asia won a prize for proposing a novel language model, RHO-1.',
    {
        ("RHO-1", "developedBy", "Microsoft Research Asia"),
        ("RHO-1", "developedBy", "Xiamen University"),
    }))
def researchers_from(context: Context) -> Iterator[Yield]:
    sentence, found = context.sentence, context.found
    for token in sentence:
        if token.lower_ != "from" or token.i == sentence.start or sentence.doc[token.i - 1].lemma_.lower() not in (
                "researcher", "scientist", "author", "engineer", "team"):
            continue
        teams = [m for m in group_members(sentence, found, token.i + 1) if m.is_organisation]
        if not teams:
            continue
        for verb in sentence.doc[token.i:sentence.end]:
            # the verb must be the researchers' own: "Researchers from Google said OpenAI released …" is not
            others = [child for child in verb.children if child.dep_ in ("nsubj", "nsubjpass") and token.i not in {t.i for t in child.subtree}]
            if verb.pos_ == "VERB" and verb.lemma_.lower() in _AUTHORING and not others:
                models = [m for m, span in found if m.kind == "AIModel" and span.start > verb.i
                          and verb.i in {t.i for t in span.root.ancestors} | {span.root.head.i}]
                models = models or [m for m, span in found if m.kind == "AIModel" and verb.i < span.start <= verb.i + 8]
                for model in models[:1]:
                    for team in teams:
                        yield model, "developedBy", team
                break


@rule("relation", 1, ('Chinese models like 01.AI Yi models and the Nvidia H100 drew attention.',
    {
        ("H100", "designedBy", "Nvidia"),
        ("Yi", "developedBy", "01.AI"),
    }))
def maker_before_product(context: Context) -> Iterator[Yield]:
    found = context.found
    for (maker, maker_span), (thing, span) in zip(found, found[1:]):
        if maker.is_organisation and span.start == maker_span.end:
            if thing.kind == "AIModel":
                yield thing, "developedBy", maker
            elif thing.kind == "Chip":
                yield thing, "designedBy", maker


_STRONG_SUFFIX = re.compile(r"\b(?:Corporation|Corp|Company|Group|Inc|Ltd|University|Academy of Sciences|Academy|Holdings)\.?$")
_UNIT_HEADS = re.compile(r"^(?:\w+\s+){0,4}(?:Institute|Academy|Laboratory|Lab|School|College|Center|Centre|Department|Division|Bureau)\b")


def _organisations_by_key(found: list[Found]) -> dict[str, Mention]:
    """The sentence's organisations by the key of their canonical name and of their surface."""
    known = {key(m.label or m.surface): m for m, _ in found if m.is_organisation}
    known.update({key(m.surface): m for m, _ in found if m.is_organisation})
    return known


def _parents_in_name(name: str, known: dict[str, Mention]) -> list[Mention]:
    """The organisations a unit's name names as its own, among the sentence's (``known``, by key) or
    the reference list's: "Microsoft Research Asia" → Microsoft Research and Microsoft, "Institute of
    Automation of the Chinese Academy of Sciences" → the academy."""
    words = name.split()
    parents = []
    for length in range(len(words) - 1, 0, -1):
        prefix = " ".join(words[:length])
        parent = known.get(key(prefix)) or _reference_organisation(prefix)
        if parent is not None and parent.iri not in {p.iri for p in parents}:
            parents.append(parent)
    if parents or not _UNIT_HEADS.match(name):
        return parents
    for match in re.finditer(r"\bof (?:the )?(?=[A-Z])", name):
        tail = name[match.end():]
        parent = known.get(key(tail)) or _reference_organisation(tail)
        if parent is None and _STRONG_SUFFIX.search(tail) and len(tail.split()) >= 2 and " of " not in tail:
            kind = kind_by_shape(tail) or "Organisation"
            parent = named(kind, tail, 0, 0)
        if parent is not None:
            return [parent]
    return []


def _reference_organisation(name: str) -> Mention | None:
    reference = lookup(name)
    if reference is None or reference.kind not in ORGANISATION_CLASSES:
        return None
    return known(reference, reference.name, 0, 0)


@rule("relation", 1, ('Tencent Cloud, Google Research and the Institute of Automation of the Chinese Academy of Sciences publish papers.',
    {
        ("Google Research", "parentOrganisation", "Google"),
        ("Institute of Automation of the Chinese Academy of Sciences", "parentOrganisation", "Chinese Academy of Sciences"),
        ("Tencent Cloud", "parentOrganisation", "Tencent"),
    }))
def parent_by_name(context: Context) -> Iterator[Yield]:
    found = context.found
    known = _organisations_by_key(found)  # the same for every name of the sentence
    for mention, _ in found:
        if not mention.is_organisation:
            continue
        for parent in _parents_in_name(mention.label or mention.surface, known):
            if parent.iri != mention.iri:
                yield mention, "parentOrganisation", parent


@rule("relation", 1, ('Volcano Engine (owned by ByteDance) and Tencent Cloud (腾讯云, a subsidiary of Tencent) signed on.',
    {
        ("Tencent Cloud", "parentOrganisation", "Tencent"),
        ("Volcano Engine", "parentOrganisation", "ByteDance"),
    }))
def owned_by(context: Context) -> Iterator[Yield]:
    sentence, found = context.sentence, context.found
    text = context.text
    for child, child_span in found:
        if not child.is_organisation:
            continue
        tail = text[child_span.end_char - sentence.start_char:]
        match = re.match(r"\s*[,(]?\s*(?:[\u3400-\u9fff]+\s*,\s*)?(?:which is |a |an |the )?(?:wholly[- ])?(?:owned by|(?:a )?subsidiary of|part of|(?:a )?unit of|(?:a )?division of|(?:a )?project under)\s", tail)
        if not match:
            continue
        at = child_span.end_char + match.end()
        for parent, parent_span in found:
            if parent.is_organisation and 0 <= parent_span.start_char - at <= 4:
                yield child, "parentOrganisation", parent
                break


_COLLABORATION = re.compile(r"\bco-?authored\b|\bcollaborat|\bjointly\b|\bpartner(?:ed|ship|s)?\b|\bresearchers from\b|\bjoint (?:paper|study|lab|venture)|\bconsortium\b|\balliance\b|\bworking group\b.*\b(?:comprising|including|with)\b|\bteamed up\b|\bin cooperation with\b", re.I)


def _team(sentence: Span, found: list[Found]) -> list[Mention]:
    """The organisations a sentence names as the team, when it says so: "researchers from A and B",
    "co-authored by A and B", "a partnership between A and B"; other names in the sentence (the
    conference, the sponsor) are no part of it."""
    for token in sentence:
        if token.lower_ in ("from", "by", "between", "with") and token.i > sentence.start and sentence.doc[token.i - 1].lemma_.lower() in (
                "researcher", "scientist", "author", "co-authored", "coauthored", "authored", "partnership",
                "collaboration", "cooperation", "venture", "team"):
            members = [m for m in group_members(sentence, found, token.i + 1) if m.is_organisation]
            if len(members) >= 2:
                return members
    return []


@rule("relation", 1, ('Joint work keeps growing at NeurIPS: one study, co-authored by scientists from ByteDance and Peking University, took a prize.',
    {
        ("ByteDance", "collaboratesWith", "Peking University"),
    }))
def co_authored(context: Context) -> Iterator[Yield]:
    sentence, found = context.sentence, context.found
    if not _COLLABORATION.search(context.text):
        return
    team = _team(sentence, found)
    teams = [team] if team else _coordinated(found)
    for team in teams:
        organisations = []
        for mention in team:
            if mention.is_organisation and mention.iri not in {m.iri for m in organisations}:
                organisations.append(mention)
        if len(organisations) > 8:
            continue  # a long list is a survey of a field, not a team
        for first, second in combinations(organisations, 2):
            yield first, "collaboratesWith", second


def _coordinated(found: list[Found]) -> list[list[Mention]]:
    """The organisations the parse joins by "and", "or" or commas, list by list: in "the CCP
    committee at Tongji University, whose researchers co-authored NeurIPS papers", nothing is
    joined, so nobody collaborates; in "Baidu, Huawei and iFlytek worked together", all three do."""
    def head_of_list(token):
        while token.dep_ == "conj" and token.head is not token:
            token = token.head
        return token.i

    lists: dict[int, list[Mention]] = {}
    for mention, span in found:
        if mention.is_organisation:
            lists.setdefault(head_of_list(span.root), []).append(mention)
    return [members for members in lists.values() if len(members) >= 2]


@rule("relation", 1, ('A new standards panel, led by SHLAB and including firms such as Baidu, Huawei and Alibaba, met in Shanghai.',
    {
        ("Baidu", "collaboratesWith", "Alibaba"),
        ("Baidu", "collaboratesWith", "Huawei"),
        ("Huawei", "collaboratesWith", "Alibaba"),
        ("Shanghai AI Laboratory", "collaboratesWith", "Alibaba"),
        ("Shanghai AI Laboratory", "collaboratesWith", "Baidu"),
        ("Shanghai AI Laboratory", "collaboratesWith", "Huawei"),
    }))
def group_led_by(context: Context) -> Iterator[Yield]:
    sentence, found = context.sentence, context.found
    for token in sentence:
        if token.lower_ != "by" or token.i == sentence.start or sentence.doc[token.i - 1].lower_ not in ("led", "headed", "chaired", "coordinated"):
            continue
        leaders = [(m, span) for m, span in found if m.is_organisation and span.start == token.i + 1]
        if not leaders:
            continue
        leader, span = leaders[0]
        for marker in sentence.doc[span.end:min(sentence.end, span.end + 4)]:
            if marker.lower_ in ("comprising", "including", "with", "joined", "bringing"):
                members = [m for m in group_members(sentence, found, marker.i + 1) if m.is_organisation and m.iri != leader.iri]
                for member in members:
                    yield leader, "collaboratesWith", member
                for first, second in combinations(members, 2):  # members of one group work together too
                    if first.iri != second.iri:
                        yield first, "collaboratesWith", second
                break


_TITLES = r"(?:co-?founder|founder|ceo|chief executive(?: officer)?|chairman|chairwoman|president|head|director|cto|chief scientist|professor|researcher|scientist|analyst|engineer|secretary)"


@rule("relation", 1, ('Databricks co-founder Andy Konwinski, Sam Altman, CEO of OpenAI, and Maria L. Chen of Soka University of America spoke.',
    {
        ("Andy Konwinski", "affiliatedWith", "Databricks"),
        ("Maria L. Chen", "affiliatedWith", "Soka University of America"),
        ("Sam Altman", "affiliatedWith", "OpenAI"),
    }))
def title_affiliation(context: Context) -> Iterator[Yield]:
    sentence, found = context.sentence, context.found
    text = context.text
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
                if re.fullmatch(rf"\s*,\s*(?:the\s+)?(?:[\w-]+\s+)?{_TITLES}(?:\s+\w+){{0,3}}\s+(?:of|at)\s+(?:the\s+)?", between, re.I) \
                        or re.fullmatch(r"\s+(?:of|at)\s+(?:the\s+)?", between):  # "Ryan M. Allen of Soka University"
                    yield person, "affiliatedWith", organisation


_USE = re.compile(r"\b(?:access to|uses?|using|used|trained on|train(?:ed|s)? (?:it |them )?on|deploy(?:s|ed)?|runs? on|powered by|bought|buys|acquired|purchas\w+|stockpil\w+|hoard\w+|equipped with|relies on|rely on)\b", re.I)


@rule("relation", 1, ('DeepSeek reportedly has access to some 20,000 H800s, and SiliconFlow serves DeepSeek models using Huawei’s locally built Ascend 910B AI chips.',
    {
        ("DeepSeek", "usesChip", "H800"),
        ("SiliconFlow", "usesChip", "Ascend 910B"),
    }))
def uses_chip(context: Context) -> Iterator[Yield]:
    sentence, found = context.sentence, context.found
    def names_a_product(span):  # "DeepSeek models", "Nvidia's NVLink": the maker of a thing, not a user
        possessive = span.end < len(span.doc) and span.doc[span.end].text in ("'s", "’s")
        return possessive or span.root.dep_ == "compound" and span.root.head.pos_ in ("NOUN", "PROPN")

    for user, user_span in found:
        if not (user.is_organisation or user.kind == "DataCentre") or names_a_product(user_span):
            continue
        for chip, chip_span in found:
            if chip.kind != "Chip" or chip_span.start <= user_span.end:
                continue
            between = sentence.doc[user_span.end:chip_span.start]
            others = [s for m, s in found if m.is_organisation and user_span.end <= s.start < chip_span.start
                      and not names_a_product(s)]
            if len(between) <= 16 and _USE.search(re.sub(r"\s+", " ", between.text)) and not others:
                yield user, "usesChip", chip


_COMPETE = re.compile(r"\bcompet\w*|\brival\w*|\bcomparable\b|\bon par with\b|\bsimilar (?:elo )?(?:score|performance)|\bmatch(?:es|ed|ing)?\b|\boutperform\w*", re.I)


_RIVAL_GAP = re.compile(r"\s*(?:,|and|or|, and|, or)\s*(?:[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*\s*['’]s\s*)?")


@rule("relation", 1, ("Alibaba Cloud's Qwen 2.5 is pitched against rivals such as Anthropic's Claude 3.5 Sonnet and OpenAI's GPT-4o.",
    {
        ("Qwen 2.5", "competesWith", "Claude 3.5 Sonnet"),
        ("Qwen 2.5", "competesWith", "GPT-4o"),
    }))
def competing_models(context: Context) -> Iterator[Yield]:
    sentence, found = context.sentence, context.found
    match = _COMPETE.search(context.text)
    if not match:
        return
    at = sentence.start_char + match.start()
    models = [(m, span) for m, span in found if m.kind == "AIModel"]
    before = [m for m, span in models if span.end_char <= at]
    after = [(m, span) for m, span in models if span.start_char >= at]
    if not before or not after:
        return
    rivals, previous = [after[0][0]], after[0][1]
    for model, span in after[1:]:  # "Claude 3.5 Sonnet and OpenAI's GPT-4o": the list goes on
        gap = sentence.doc[previous.end:span.start].text
        if not _RIVAL_GAP.fullmatch(gap):
            break
        rivals.append(model)
        previous = span
    for rival in rivals:
        if rival.iri != before[-1].iri:
            yield before[-1], "competesWith", rival


_OPEN = re.compile(r"open[- ](?:source[d]?|weights?)\s*$", re.I)
_OPEN_WORD = re.compile(r"open[- ]?(?:source[d]?|weights?)", re.I)  # tried on every token


@rule("relation", 1, ('Several labs now publish open-weights models (notably DeepSeek R1 and Llama 3), as well as the open-source DeepSeek-V3 model.',
    {
        ("DeepSeek-R1", "openWeights", True),
        ("DeepSeek-V3", "openWeights", True),
        ("Llama 3", "openWeights", True),
    }))
def open_weights(context: Context) -> Iterator[Yield]:
    sentence, found = context.sentence, context.found
    for token in sentence:
        if _OPEN_WORD.fullmatch(token.text) or (
                token.lower_ == "open" and token.i + 2 < sentence.end and sentence.doc[token.i + 1].text == "-"
                and sentence.doc[token.i + 2].lower_ in ("source", "weights", "weight", "sourced")):
            for mention in group_members(sentence, found, token.i + 1):
                if mention.kind == "AIModel":
                    yield mention, "openWeights", True
    for model, span in found:
        if model.kind != "AIModel":
            continue
        before = sentence.doc[max(sentence.start, span.start - 4):span.start].text
        after = sentence.doc[span.end:min(sentence.end, span.end + 8)].text
        if _OPEN.search(before) or _OPEN.search(re.sub(r"\b(?:the|an?|its|model|series)\b\s*$", "", before, flags=re.I).strip()) \
                or re.match(r"\s*,?\s*(?:an?|the)?\s*(?:[\w-]+,?\s+){0,3}open[- ](?:source|weights?)\b", after, re.I):
            yield model, "openWeights", True


_RESTRICTED = re.compile(r"\bexport (?:control|restriction|ban)s?\b|\bbanned\b|\brestricted\b|\bsmuggl\w+|\bblack market\b|\bentity list\b", re.I)


@rule("relation", 1, ("Export controls cut off China's access to Nvidia's H100.",
    {
        ("H100", "exportRestricted", True),
    }))
def export_restricted(context: Context) -> Iterator[Yield]:
    found = context.found
    if not _RESTRICTED.search(context.text):
        return
    for chip, _ in found:
        if chip.kind == "Chip":
            yield chip, "exportRestricted", True


_NODE = re.compile(r"(?<![\d.])(\d{1,2}(?:\.\d)?)\s?-?\s?(?:nm|nanometer|nanometre)s?\b", re.I)


@rule("relation", 1, ('Huawei has begun volume output of 7-nanometer (nm) Ascend 910B and 910C parts.',
    {
        ("Ascend 910B", "processNodeNm", 7.0),
        ("Ascend 910C", "processNodeNm", 7.0),
    }))
def process_node(context: Context) -> Iterator[Yield]:
    sentence, found = context.sentence, context.found
    chips = [(m, span) for m, span in found if m.kind == "Chip"]
    if not chips:
        return
    for match in _NODE.finditer(context.text):
        if not float(match.group(1)):
            continue  # "0nm" is no process node (and the shapes want a positive number)
        at = sentence.start_char + match.start()
        nearest = min(chips, key=lambda pair: abs(pair[1].start_char - at))
        if abs(nearest[1].start_char - at) <= 60 and not re.search(r"sub-?\s*$", context.text[:match.start()]):
            for chip in with_conjuncts(found, nearest):
                yield chip, "processNodeNm", float(match.group(1))


_RELEASED = re.compile(r"\b(?:released|launched|debuted|unveiled|introduced|release of|launch of|debut of)\b", re.I)


@rule("relation", 1, ('The o1 model from OpenAI, first released in September 2024, came long after the release of ChatGPT in November 2022.',
    {
        ("ChatGPT", "releaseDate", "2022-11"),
        ("o1", "releaseDate", "2024-09"),
    }))
def release_date(context: Context) -> Iterator[Yield]:
    sentence, found = context.sentence, context.found
    models = [(m, span) for m, span in found if m.kind == "AIModel"]
    if not models:
        return
    for match in _RELEASED.finditer(context.text):
        at = sentence.start_char + match.start()
        end = sentence.start_char + match.end()
        dates = [ent for ent in sentence.ents if ent.label_ == "DATE" and 0 <= ent.start_char - end <= 25]
        period = parse_period(dates[0].text) if dates else None
        if period is None or len(period) != 7:
            continue  # a month and a year, or nothing: a year alone is too coarse to be a release date
        if match.group().lower().endswith(" of"):
            after = [m for m, span in models if 0 <= span.start_char - end <= 3]
            if after:
                yield after[0], "releaseDate", period
            continue
        before = [(m, span) for m, span in models if span.end_char <= at and at - span.end_char <= 40
                  and not re.search(r"[;.]", context.text[span.end_char - sentence.start_char:match.start()])]
        if before:
            yield before[-1][0], "releaseDate", period


_HOSTING = re.compile(r"^\s*(?:\(\w+\)\s*)?(?:now |also |which )*(?:serves?|host(?:s|ed)?|offers?|distributes?|provides? access to)\s+$", re.I)


@rule("relation", 1, ("Amazon Web Services (AWS) also serves Anthropic's Claude models to its cloud customers.",
    {
        ("Amazon Web Services", "collaboratesWith", "Anthropic"),
    }))
def serves_models_of(context: Context) -> Iterator[Yield]:
    sentence, found = context.sentence, context.found
    for host, host_span in found:
        if not host.is_organisation:
            continue
        for maker, maker_span in found:
            if not maker.is_organisation or maker_span.start <= host_span.end or maker.iri == host.iri:
                continue
            between = context.text[host_span.end_char - sentence.start_char:maker_span.start_char - sentence.start_char]
            tail = sentence.doc[maker_span.end:min(sentence.end, maker_span.end + 4)].text.lower()
            if _HOSTING.match(between) and re.match(r"(?:['’]s\s+)?(?:[\w.-]+\s+){0,2}models?\b", tail):
                yield host, "collaboratesWith", maker
            break


@rule("row", 1, ('Sector\tEntity\tPapers\nGovernment (SOE)\tIntelligent Science and Technology Academy of China Aerospace Science and Industry Corporation\t12',
    {
        ("Intelligent Science and Technology Academy of China Aerospace Science and Industry Corporation", "parentOrganisation", "China Aerospace Science and Industry Corporation"),
    }))
def row_parent(cells: list[str], mentions: list[Mention]) -> Iterator[Yield]:
    """(the academy belongs to the corporation its name ends with)."""
    for mention in mentions:
        if mention.is_organisation:
            for parent in _parents_in_name(mention.label or mention.surface, {}):
                if parent.iri != mention.iri:
                    yield mention, "parentOrganisation", parent
