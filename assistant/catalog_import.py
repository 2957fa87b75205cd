"""Import course listings (CSV) into the catalog: one JSON object per course, facts only.

Three listing formats are recognised by their header columns (Coursera 2023, edX 2021, Udemy
2017). Descriptions, summaries and syllabi are read only to derive topic tags with the
project's own vocabulary; their text never reaches the output.
"""
from __future__ import annotations

import ast
import csv
import json
import re
import sys
from pathlib import Path

from assistant.knowledge import load_topics, slugify
from assistant.topics import TopicTagger

csv.field_size_limit(sys.maxsize)

COURSERA_COLUMNS = {"course_title", "course_organization", "course_rating", "course_difficulty"}
EDX_COLUMNS = {"title", "institution", "Level", "course_effort", "course_length"}
UDEMY_COLUMNS = {"course_id", "course_title", "is_paid", "num_subscribers", "content_duration"}

# A description names a topic in passing more often than a title does: ask it twice.
DESCRIPTION_MENTIONS_NEEDED = 2


def parse_count(text: str | None) -> int | None:
    """'9.9k' -> 9900, '1.2m' -> 1200000, '25,442' -> 25442, '' -> None."""
    if text is None:
        return None
    text = text.strip().lower().replace(",", "")
    if not text:
        return None
    scale = 1
    if text.endswith("k"):
        scale, text = 1_000, text[:-1]
    elif text.endswith("m"):
        scale, text = 1_000_000, text[:-1]
    try:
        return int(round(float(text) * scale))
    except ValueError:
        return None


def parse_float(text: str | None) -> float | None:
    try:
        return float(str(text).strip())
    except (TypeError, ValueError):
        return None


def parse_list(text: str | None) -> list[str]:
    """"['Python', 'SQL']" -> ['Python', 'SQL'], de-duplicated in order."""
    if not text or not text.strip():
        return []
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError):
        return []
    if not isinstance(value, (list, tuple)):
        return []
    items = [" ".join(str(v).split()) for v in value if str(v).strip()]
    return list(dict.fromkeys(items))


def script_language(title: str) -> str | None:
    """The language a title's script gives away (Coursera lists no language)."""
    if re.search(r"[\u3040-\u30ff]", title):
        return "日本語"
    if re.search(r"[\u4e00-\u9fff]", title):
        return "中文"
    if re.search(r"[\uac00-\ud7af]", title):
        return "한국어"
    if re.search(r"[\u0600-\u06ff]", title):
        return "اللغة العربية"
    if re.search(r"[\u0400-\u04ff]", title):
        return "Русский"
    return None


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(text.split())
    return text or None


# ---------------------------------------------------------------- one reader per listing

_COURSERA_LEVELS = {"beginner": "Beginner", "intermediate": "Intermediate", "advanced": "Advanced", "mixed": "Mixed"}


def _coursera(row: dict) -> tuple[dict, str]:
    kind = _clean(row.get("course_certificate_type"))
    record = {
        "title": _clean(row.get("course_title")),
        "provider": "Coursera",
        "organization": _clean(row.get("course_organization")),
        "level": _COURSERA_LEVELS.get((row.get("course_difficulty") or "").strip().lower(), "Mixed"),
        "rating": parse_float(row.get("course_rating")),
        "reviews": parse_count(row.get("course_reviews_num")),
        "enrolled": parse_count(row.get("course_students_enrolled")),
        "duration": _clean(row.get("course_time")),
        "certificate": (kind if "certificate" in kind.lower() else f"{kind} certificate") if kind else None,
        "kind": kind,
        "language": script_language(row.get("course_title") or "") or "English",
        "skills": parse_list(row.get("course_skills")),
        "url": _clean(row.get("course_url")),
    }
    if record["rating"] is not None and not 0 <= record["rating"] <= 5:
        record["rating"] = None
    prose = " ".join(filter(None, [row.get("course_description"), " ".join(parse_list(row.get("course_summary")))]))
    return record, prose


_EDX_LEVELS = {"introductory": "Beginner", "intermediate": "Intermediate", "advanced": "Advanced"}
_HOURS_PER_WEEK = re.compile(r"(\d+(?:\.\d+)?)\s*(?:[–—-]\s*(\d+(?:\.\d+)?))?\s*hours?\s*per\s*week", re.I)
_WEEKS = re.compile(r"(\d+(?:\.\d+)?)\s*weeks?", re.I)
_DOLLARS = re.compile(r"\$\s*(\d+(?:\.\d+)?)")


def _edx_price(text: str) -> tuple[bool | None, float | None, str | None]:
    """(free, price, certificate) from texts like 'FREE-Add a Verified Certificate for $49 USD'."""
    text = (text or "").strip()
    dollars = _DOLLARS.search(text)
    if text.upper().startswith("FREE"):
        certificate = f"Verified certificate (${dollars.group(1)})" if dollars else None
        return True, None, certificate
    if dollars:
        return False, float(dollars.group(1)), "Verified certificate"
    return None, None, None


def _edx(row: dict) -> tuple[dict, str]:
    free, price, certificate = _edx_price(row.get("price", ""))
    weeks = _WEEKS.search(row.get("course_length") or "")
    effort = _HOURS_PER_WEEK.search(row.get("course_effort") or "")
    hours = None
    if weeks and effort:
        low = float(effort.group(1))
        high = float(effort.group(2) or low)
        hours = round(float(weeks.group(1)) * (low + high) / 2, 1)
    instructors = [n.strip() for n in (row.get("instructors") or "").split("-") if n.strip()]
    record = {
        "title": _clean(row.get("title")),
        "provider": "edX",
        "organization": _clean(row.get("institution")),
        "instructors": instructors,
        "level": _EDX_LEVELS.get((row.get("Level") or "").strip().lower(), "Mixed"),
        "enrolled": parse_count(row.get("n_enrolled")),
        "duration": _clean(row.get("course_length")),
        "hours": hours,
        "price": price,
        "free": free,
        "certificate": certificate,
        "language": _clean(row.get("language")) or "English",
        "kind": _clean(row.get("course_type")),
        "subject": _clean(row.get("subject")),
        "url": _clean(row.get("course_url")),
    }
    prose = " ".join(filter(None, [row.get("summary"), row.get("course_description"), row.get("course_syllabus")]))
    return record, prose


_UDEMY_LEVELS = {"all levels": "Mixed", "beginner level": "Beginner", "intermediate level": "Intermediate",
                 "expert level": "Advanced"}


def _udemy(row: dict) -> tuple[dict, str]:
    paid = (row.get("is_paid") or "").strip().lower() == "true"
    price = parse_float(row.get("price"))
    hours = parse_float(row.get("content_duration"))
    record = {
        "title": _clean(row.get("course_title")),
        "provider": "Udemy",
        "level": _UDEMY_LEVELS.get((row.get("level") or "").strip().lower(), "Mixed"),
        "reviews": parse_count(row.get("num_reviews")),
        "enrolled": parse_count(row.get("num_subscribers")),
        "duration": f"{hours:g} hours" if hours else None,
        "hours": hours if hours else None,
        "price": price if paid and price else None,
        "free": not paid,
        "certificate": "Certificate of completion" if paid else None,
        "language": "English",
        "kind": "Course",
        "subject": _clean(row.get("subject")),
        "url": _clean(row.get("url")),
    }
    return record, ""


def _reader_for(columns: set[str]):
    if COURSERA_COLUMNS <= columns:
        return _coursera
    if UDEMY_COLUMNS <= columns:
        return _udemy
    if EDX_COLUMNS <= columns:
        return _edx
    return None


# ---------------------------------------------------------------- the import

def _topics_for(record: dict, prose: str, tagger: TopicTagger) -> list[str]:
    strong = " . ".join(filter(None, [record["title"], " . ".join(record.get("skills", [])), record.get("subject")]))
    topics = tagger.tag(strong)
    for topic, count in tagger.count(prose).items():
        if count >= DESCRIPTION_MENTIONS_NEEDED and topic not in topics:
            topics.append(topic)
    return topics


def _unique_id(record: dict, taken: set[str]) -> str:
    base = f"{slugify(record['provider'])}-{slugify(record['title'])}"[:90].rstrip("-")
    candidate = base
    if candidate in taken and record.get("organization"):
        candidate = f"{base}-{slugify(record['organization'])}"[:120].rstrip("-")
    number = 2
    while candidate in taken:
        candidate = f"{base}-{number}"
        number += 1
    return candidate


def read_listing(path: Path) -> tuple[list[tuple[dict, str]], list[str]]:
    """(records with their prose, problems) from one CSV listing."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        read = _reader_for(set(reader.fieldnames or []))
        if read is None:
            raise ValueError(f"{path}: unrecognised listing; columns are {', '.join(reader.fieldnames or [])}")
        rows, problems, seen = [], [], set()
        for number, row in enumerate(reader, start=2):
            fingerprint = tuple(sorted(row.items(), key=lambda kv: str(kv[0])))
            if fingerprint in seen:
                problems.append(f"{path.name}: row {number}: exact duplicate, dropped")
                continue
            seen.add(fingerprint)
            record, prose = read(row)
            if not record["title"]:
                problems.append(f"{path.name}: row {number}: no title, skipped")
                continue
            if record.get("url") and not record["url"].startswith(("http://", "https://")):
                record["url"] = None
            rows.append((record, prose, row.get("course_id")))
        return rows, problems


def import_files(paths: list[Path], output: Path, topics_path: Path) -> dict:
    """Import listings into `output` (JSON Lines, sorted by provider then id); return a summary."""
    tagger = TopicTagger(load_topics(Path(topics_path)))
    records, problems, duplicates = [], [], 0
    udemy_ids: set[str] = set()
    facts_seen: set[str] = set()
    read_count = 0
    for path in paths:
        rows, listing_problems = read_listing(Path(path))
        problems += listing_problems
        duplicates += sum("exact duplicate" in p for p in listing_problems)
        read_count += len(rows) + len(listing_problems)
        for record, prose, source_id in rows:
            if source_id:            # Udemy repeats some course ids
                if source_id in udemy_ids:
                    duplicates += 1
                    continue
                udemy_ids.add(source_id)
            facts = json.dumps(record, sort_keys=True)
            if facts in facts_seen:
                duplicates += 1
                continue
            facts_seen.add(facts)
            record["topics"] = _topics_for(record, prose, tagger)
            records.append(record)
    taken: set[str] = set()
    for record in sorted(records, key=lambda r: (r["provider"], r["title"].lower(), r.get("organization") or "")):
        record["id"] = _unique_id(record, taken)
        taken.add(record["id"])
    ordered = sorted(records, key=lambda r: (r["provider"], r["id"]))
    output.parent.mkdir(parents=True, exist_ok=True)
    fields = ["id", "title", "provider", "organization", "instructors", "level", "rating", "reviews", "enrolled",
              "duration", "hours", "price", "free", "certificate", "language", "kind", "subject", "skills",
              "topics", "url"]
    with output.open("w", encoding="utf-8") as handle:
        for record in ordered:
            line = {name: record.get(name) for name in fields}
            for name in ("instructors", "skills", "topics"):
                line[name] = line[name] or []
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    per_provider: dict[str, int] = {}
    for record in ordered:
        per_provider[record["provider"]] = per_provider.get(record["provider"], 0) + 1
    return {"read": read_count, "written": len(ordered), "duplicates": duplicates,
            "per_provider": per_provider, "output": str(output), "problems": problems[:20]}
