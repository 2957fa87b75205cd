"""The three listing formats the catalog import reads (Coursera 2023, edX 2021, Udemy 2017): each
row converted to the catalog's facts (and the prose read only for topic tags), with the small
parsers they share (counts, hours, prices, lists, a title's language).
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Callable

from assistant.textnorm import fold

# ---------------------------------------------------------------- small values

def clean(text) -> str | None:
    """Text with runs of whitespace (newlines too) folded to one space; None when empty."""
    if text is None:
        return None
    text = " ".join(str(text).split())
    return text or None


def clean_title(text) -> str | None:
    """A title without the stray double quotes a broken CSV row leaves ('Options"' -> 'Options')."""
    text = clean(text)
    if text and text.count('"') % 2:
        text = clean(text.replace('"', ""))
    return text


def parse_count(text) -> int | None:
    """'9.9k' -> 9900, '1.2m' -> 1200000, '25,442' -> 25442, '' or 'NA' -> None."""
    text = (clean(text) or "").lower().replace(",", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    if scale != 1:
        text = text[:-1]
    try:
        value = float(text) * scale
    except ValueError:
        return None
    return int(round(value)) if value >= 0 else None


def parse_float(text) -> float | None:
    try:
        return float(str(text).strip())
    except (TypeError, ValueError):
        return None


def parse_list(text) -> list[str]:
    """"['Python', 'SQL', 'Python']" -> ['Python', 'SQL']: a Python list literal, read safely
    (literal_eval evaluates no code), de-duplicated in order; anything else -> []."""
    text = (text or "").strip()
    if not text.startswith("["):
        return []
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return []
    if not isinstance(value, (list, tuple)):
        return []
    items = (clean(item) for item in value if isinstance(item, (str, int, float)))
    return list(dict.fromkeys(item for item in items if item))


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def parse_hours(text) -> float | None:
    """Udemy's content length: '1.5' (hours), '4.5 hours', '43 mins' -> hours; 0 -> None."""
    text = (clean(text) or "").lower()
    number = _NUMBER.search(text)
    if not number:
        return None
    hours = float(number.group())
    if re.search(r"\bmin", text):
        hours /= 60
    return round(hours, 2) if hours > 0 else None


def hours_text(hours: float | None) -> str | None:
    if hours is None:
        return None
    if hours < 1:
        return f"{round(hours * 60)} minutes"
    return "1 hour" if hours == 1 else f"{hours:g} hours"


def http_url(text) -> str | None:
    text = clean(text)
    return text if text and text.startswith(("http://", "https://")) else None


# ---------------------------------------------------------------- language of a title

# Coursera lists no language and Udemy's 2017 listing none either, yet both carry courses taught
# in other languages. The script gives most away; for Latin-script titles, a few function words
# that English titles do not use. The guess errs towards English: two foreign words are needed,
# and more of them than English ones.
_SCRIPTS = ((re.compile(r"[\u3040-\u30ff]"), "日本語"), (re.compile(r"[\uac00-\ud7af]"), "한국어"),
            (re.compile(r"[\u4e00-\u9fff]"), "中文"), (re.compile(r"[\u0600-\u06ff]"), "اللغة العربية"),
            (re.compile(r"[\u0400-\u04ff]"), "Русский"), (re.compile(r"[\u0e00-\u0e7f]"), "ไทย"),
            (re.compile(r"[\u0900-\u097f]"), "हिन्दी"))
_LATIN_LETTER = re.compile(r"[A-Za-zÀ-ɏ]")
_FUNCTION_WORDS = {
    "English": "the and of for to with in your you how from on learn beginners introduction guide complete "
               "course master what why is are english",
    "Español": "de la el los las del para con y en tu tus una un al por sin sobre no curso aprende aprender "
               "aprendiendo cómo desde cero introducción principiantes básico básicos gestión análisis datos "
               "diseño negocios empresa dinero práctico fundamentos estrategias programar programación crear",
    "Português": "de do da dos das para com e em na no o os seu sua um uma ao sem você não curso aprenda básico "
                 "avançado gestão introdução análise dados iniciante iniciantes fundamentos ações financeira como "
                 "criar crie criando fazer sucesso quem jeito",
    "Français": "le la les des du de et pour en votre une un au aux avec sur dans sans comment cours apprendre "
                "débutants gestion données réussir projet fondamentaux découvrir devenez entreprise travail",
    "Deutsch": "der die das und für mit ein eine zum zur im um von auf lernen einführung grundlagen mein dein "
               "du dir deine wie alles rund spielen",
    "Italiano": "il lo la le di del della e per con un una corso impara basi tutti tuo creare diventa",
    "Türkçe": "ile ve için eğitim seti başlangıç temelleri",
}
# Letters only some of these languages write: each word carrying one is a vote.
_LETTER_VOTES = (("ñ", "Español"), ("ã", "Português"), ("õ", "Português"), ("ß", "Deutsch"),
                 ("ä", "Deutsch"), ("ö", "Deutsch"), ("ğ", "Türkçe"), ("ş", "Türkçe"), ("ı", "Türkçe"))
_LANGUAGE_WORDS = {language: {fold(w) for w in words.split()} for language, words in _FUNCTION_WORDS.items()}
# "Google UX Design (DE)", "Negociación exitosa ... (en español)": the listing says it outright.
_LANGUAGE_MARKS = {"DE": "Deutsch", "deutsch": "Deutsch", "PT": "Português", "portugues": "Português",
                   "ES": "Español", "espanol": "Español", "en espanol": "Español", "FR": "Français",
                   "francais": "Français", "en francais": "Français", "italiano": "Italiano"}
_MARK = re.compile(r"\(([^()]{2,12})\)\s*$")


def _language_mark(title: str) -> str | None:
    mark = _MARK.search(title)
    if not mark:
        return None
    text = mark.group(1).strip()
    # codes only in capitals: "(DE)" marks German, "(de)" could be anything
    return _LANGUAGE_MARKS.get(text if len(text) == 2 else fold(text))


def guess_language(title: str, url: str | None = None) -> str | None:
    """The language a course is taught in, as far as its title (and URL) give it away; None
    when they look English."""
    marked = _language_mark(title)
    if marked:
        return marked
    latin = len(_LATIN_LETTER.findall(title))
    first_letter = next((ch for ch in title if ch.isalpha()), "")
    for pattern, language in _SCRIPTS:
        script = len(pattern.findall(title))
        # Japanese kana anywhere, a title that opens in the script, or one written mostly in it;
        # a bilingual "Introduction to Psychology | 心理学概论" opens in English and reads on
        if script and (language == "日本語" or pattern.match(first_letter) or script * 2 >= latin):
            return language
    words = re.findall(r"[a-z]+", fold(title))
    slug = re.findall(r"[a-z]+", fold((url or "").rstrip("/").rsplit("/", 1)[-1]))
    scores = {language: sum(w in vocabulary for w in words) + sum(w in vocabulary for w in slug) / 2
              for language, vocabulary in _LANGUAGE_WORDS.items()}
    for word in title.lower().split():
        for letter, language in _LETTER_VOTES:
            if letter in word:
                scores[language] += 1
                break
    english = scores.pop("English")
    best = max(scores, key=scores.get)
    if scores[best] >= 2 and scores[best] > english:
        return best
    return None


# ---------------------------------------------------------------- one converter per listing
# Each takes a CSV row (column -> text) and returns (catalog facts, prose). The prose is only
# ever handed to the topic tagger.

_LEVELS = {"beginner": "Beginner", "introductory": "Beginner", "beginner level": "Beginner",
           "intermediate": "Intermediate", "intermediate level": "Intermediate",
           "advanced": "Advanced", "expert level": "Advanced",
           "mixed": "Mixed", "all levels": "Mixed"}


def _level(text) -> str:
    return _LEVELS.get((clean(text) or "").lower(), "Mixed")


def _coursera(row: dict) -> tuple[dict, str]:
    title = clean_title(row.get("course_title"))
    kind = clean(row.get("course_certificate_type"))
    url = http_url(row.get("course_url"))
    rating = parse_float(row.get("course_rating"))
    record = {
        "title": title,
        "provider": "Coursera",
        "organization": clean(row.get("course_organization")),
        "level": _level(row.get("course_difficulty")),
        "rating": rating if rating is not None and 0 <= rating <= 5 else None,
        "reviews": parse_count(row.get("course_reviews_num")),
        "enrolled": parse_count(row.get("course_students_enrolled")),
        "duration": clean(row.get("course_time")),       # a band ("3 - 6 Months"), not hours
        # every Coursera offering ends in a certificate of its kind: "Specialization certificate"
        "certificate": (kind if "certificate" in kind.lower() else f"{kind} certificate") if kind else None,
        "kind": kind,
        "language": guess_language(title or "", url) or "English",
        "skills": parse_list(row.get("course_skills")),
        "url": url,
    }
    prose = " ".join(filter(None, [row.get("course_description"), " ".join(parse_list(row.get("course_summary")))]))
    return record, prose


_EFFORT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:(?:[–—-]|to)\s*(\d+(?:\.\d+)?))?\s*(?:hours?|hrs?)\s*(?:per|a|/)\s*week", re.I)
_LENGTH = re.compile(r"(\d+(?:\.\d+)?)\s*(weeks?|months?)", re.I)
_DOLLARS = re.compile(r"\$\s*(\d+(?:,\d{3})*(?:\.\d+)?)")


def edx_hours(effort, length) -> float | None:
    """Total hours from '2–4 hours per week' (the midpoint, 3) times '6 Weeks': 18.0."""
    weekly = _EFFORT.search(effort or "")
    span = _LENGTH.search(length or "")
    if not (weekly and span):
        return None
    low = float(weekly.group(1))
    high = float(weekly.group(2) or low)
    weeks = float(span.group(1)) * (52 / 12 if span.group(2).lower().startswith("month") else 1)
    return round(weeks * (low + high) / 2, 1)


def edx_price(text) -> tuple[bool | None, float | None, str | None]:
    """(free, price, certificate) from the price text:
    'FREE-Add a Verified Certificate for $49 USD' -> (True, None, 'Verified certificate ($49)');
    '$300 USD' -> (False, 300.0, 'Verified certificate'); '' -> (None, None, None)."""
    text = clean(text) or ""
    dollars = _DOLLARS.search(text)
    amount = dollars.group(1).replace(",", "") if dollars else None
    if text.lower().startswith("free"):
        return True, None, (f"Verified certificate (${amount})" if amount else None)
    if amount:
        return False, float(amount), "Verified certificate"
    return None, None, None


def _edx(row: dict) -> tuple[dict, str]:
    free, price, certificate = edx_price(row.get("price"))
    hours = edx_hours(row.get("course_effort"), row.get("course_length"))
    # "Nina Huntemann-Robyn Belair": names are joined by hyphens (a hyphenated name splits too;
    # the listing leaves no way to tell them apart)
    instructors = list(dict.fromkeys(filter(None, (clean(n) for n in (row.get("instructors") or "").split("-")))))
    record = {
        "title": clean_title(row.get("title")),
        "provider": "edX",
        "organization": clean(row.get("institution")),
        "instructors": instructors,
        "level": _level(row.get("Level")),
        "enrolled": parse_count(row.get("n_enrolled")),
        "duration": clean(row.get("course_length")),
        "hours": hours,
        "price": price,
        "free": free,
        "certificate": certificate,
        "language": clean(row.get("language")) or "English",
        "kind": clean(row.get("course_type")),
        "subject": clean(row.get("subject")),
        "url": http_url(row.get("course_url")),
    }
    prose = " ".join(filter(None, [row.get("summary"), row.get("course_description"), row.get("course_syllabus")]))
    record["program"] = edx_program(prose)
    return record, prose


# edX's programmes, as a listing's text names the one a course is part of ("This course is part of
# a MicroMasters® Program"): the name each is written with in the catalog.
_EDX_PROGRAMS = {"micromasters": "MicroMasters", "microbachelors": "MicroBachelors", "xseries": "XSeries"}
_EDX_PROGRAM = re.compile(r"\b(micro ?masters|micro ?bachelors|xseries)\b", re.IGNORECASE)


def edx_program(prose: str) -> str | None:
    """The edX programme the listing's text first names, or None.

    >>> edx_program("Build foundations -- part of the MITx MicroMasters program in Statistics")
    'MicroMasters'
    >>> edx_program("An XSeries on Python") , edx_program("a course on series")
    ('XSeries', None)
    """
    found = _EDX_PROGRAM.search(prose or "")
    return _EDX_PROGRAMS[found.group(1).lower().replace(" ", "")] if found else None


def _udemy(row: dict) -> tuple[dict, str]:
    paid = {"true": True, "false": False}.get((clean(row.get("is_paid")) or "").lower())
    price = parse_float(row.get("price"))
    hours = parse_hours(row.get("content_duration"))
    title = clean_title(row.get("course_title"))
    url = http_url(row.get("url"))
    record = {
        "title": title,
        "provider": "Udemy",
        "level": _level(row.get("level")),
        "reviews": parse_count(row.get("num_reviews")),      # Udemy's listing has counts, no rating
        "enrolled": parse_count(row.get("num_subscribers")),
        "duration": hours_text(hours),
        "hours": hours,
        "price": price if paid and price else None,
        "free": None if paid is None else not paid,
        # Udemy gives a certificate of completion with paid courses only
        "certificate": "Certificate of completion" if paid else None,
        "language": guess_language(title or "", url) or "English",
        "kind": "Course",
        "subject": clean(row.get("subject")),
        "url": url,
    }
    return record, ""


@dataclass(frozen=True)
class ListingFormat:
    provider: str
    columns: frozenset[str]                       # header columns that identify the listing
    convert: Callable[[dict], tuple[dict, str]]
    multiline_fields: bool                        # may a quoted field hold newlines?
    source_id: str | None = None                  # the provider's own course id, when listed


FORMATS = (
    ListingFormat("Coursera", frozenset({"course_title", "course_organization", "course_certificate_type",
                                         "course_rating", "course_difficulty"}), _coursera, True),
    ListingFormat("edX", frozenset({"title", "institution", "Level", "course_effort", "course_length", "price"}),
                  _edx, True),
    # Udemy's titles are one line each: a record spanning lines is two rows run together
    ListingFormat("Udemy", frozenset({"course_id", "course_title", "is_paid", "num_subscribers",
                                      "content_duration"}), _udemy, False, source_id="course_id"),
)


def detect_format(columns) -> ListingFormat | None:
    columns = {c.strip() for c in columns if c}
    for listing in FORMATS:
        if listing.columns <= columns:
            return listing
    return None
