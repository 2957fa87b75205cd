"""Import course listings (CSV) into the catalog: one JSON object per course, facts only.

Three listing formats are recognised by their header columns, whatever the files are called:
Coursera 2023, edX 2021 and Udemy 2017. Descriptions, summaries and syllabi are read only to
derive topic tags with the project's own vocabulary; their text never reaches the output.

    summary = import_files([Path("coursera_2023.csv"), ...], output=Path("knowledge/catalog/courses.jsonl"),
                           topics_path=Path("knowledge/topics.yaml"))
"""
from __future__ import annotations

import csv
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from assistant.knowledge import load_topics
from assistant.listing_formats import ListingFormat, clean, detect_format
from assistant.listing_language import _LATIN_LETTER
from assistant.knowledge_records import slugify
from assistant.topics import TopicTagger

csv.field_size_limit(sys.maxsize)      # edX syllabi run to tens of thousands of characters

# The catalog line, field by field, in the order docs/KNOWLEDGE.md lists them.
FIELDS = ("id", "title", "provider", "organization", "instructors", "level", "rating", "reviews", "enrolled",
          "duration", "hours", "price", "free", "certificate", "language", "kind", "program", "subject",
          "skills", "topics", "url")

# A description names topics in passing more often than a title does: it must name one twice
# before the course is tagged with it (a title, skill or subject needs to name it once).
DESCRIPTION_MENTIONS_NEEDED = 2

# Ids stay readable: a long title's slug is cut at a word boundary.
MAX_SLUG_LENGTH = 80


# ---------------------------------------------------------------- reading rows

@dataclass
class SourceRow:
    line: int                 # where the record starts in the file
    values: list[str]


class _LineTap:
    """Hands a csv reader one physical line at a time and keeps the lines of the record being
    read, so each record knows its line number and how it looked on disk."""

    def __init__(self, handle):
        self.handle = handle
        self.pending: list[str] = []
        self.lines_read = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self.handle)
        self.pending.append(line)
        self.lines_read += 1
        return line

    def take(self) -> list[str]:
        lines, self.pending = self.pending, []
        return lines


def _parse_lone_line(line: str, width: int) -> list[str] | None:
    """One physical line as a row on its own: first as proper CSV, then, for a line whose quotes
    never close, split on every comma with the quotes dropped. None when neither fits."""
    values = next(csv.reader([line.rstrip("\r\n")]), [])
    if len(values) == width:
        return values
    values = next(csv.reader([line.rstrip("\r\n")], quoting=csv.QUOTE_NONE), [])
    if 2 <= len(values) <= width:
        return [v.replace('"', "") for v in values]
    return None


def read_rows(path: Path, listing: ListingFormat, notes: dict[str, list[str]]) -> Iterator[tuple[list[str], SourceRow]]:
    """(header, row) for every record of a listing, in file order. A record that runs over
    several lines in a listing whose fields are one line each is split back into its lines."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        tap = _LineTap(handle)
        reader = csv.reader(tap)
        header = [h.strip() for h in next(reader, [])]
        tap.take()
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:           # e.g. a NUL byte: report the line, carry on
                lines = tap.take()
                notes["skipped"].append(f"{path.name}:{tap.lines_read - len(lines) + 1}: unreadable CSV ({exc})")
                continue
            lines = tap.take()
            start = tap.lines_read - len(lines) + 1
            if listing.multiline_fields or len(lines) == 1:
                yield header, SourceRow(start, values)
                continue
            for offset, line in enumerate(lines):
                if not line.strip():
                    continue
                split = _parse_lone_line(line, len(header))
                if split is None:
                    notes["skipped"].append(f"{path.name}:{start + offset}: broken quoting, row skipped")
                else:
                    notes["repaired"].append(f"{path.name}:{start + offset}: quoting ran into the next line; read on its own")
                    yield header, SourceRow(start + offset, split)


# ---------------------------------------------------------------- topics and ids

def derive_topics(record: dict, prose: str, tagger: TopicTagger) -> list[str]:
    """Topics named once in the title, a skill or the subject, then those the description
    names at least DESCRIPTION_MENTIONS_NEEDED times. Each field is tagged on its own, so no
    phrase is read across two of them."""
    fields = [record.get("title") or "", *record.get("skills", []), record.get("subject") or ""]
    topics = list(dict.fromkeys(t for text in fields for t in tagger.tag(text)))
    if prose:
        for topic, mentions in tagger.count(prose).items():
            if mentions >= DESCRIPTION_MENTIONS_NEEDED and topic not in topics:
                topics.append(topic)
    return topics


def _slug(text: str) -> str:
    # "C++" and "C#" would both slug to "c"
    text = re.sub(r"\b([cC])\+\+", r"\1pp", text)
    text = re.sub(r"\b([cCfF])#", r"\1sharp", text)
    return slugify(text)


def _cut(slug: str, limit: int = MAX_SLUG_LENGTH) -> str:
    if len(slug) <= limit:
        return slug
    cut = slug[:limit + 1]
    return cut[:cut.rfind("-")] if "-" in cut else slug[:limit]


def _base_id(record: dict) -> str:
    title = record["title"]
    name = _cut(_slug(title))
    letters = [ch for ch in title if ch.isalpha()]
    latin = sum(1 for ch in letters if _LATIN_LETTER.match(ch))
    if latin * 2 < len(letters) or not name:
        # a title mostly in another script slugs to little or nothing ("Google データ..." ->
        # "google"): the URL's last part is ASCII and names the course
        from_url = _cut(_slug((record.get("url") or "").rstrip("/").rsplit("/", 1)[-1]))
        name = from_url or name or "course"
    return f"{_slug(record['provider'])}-{name}"


def assign_ids(records: list[dict]) -> None:
    """`<provider>-<title slug>`; a clash adds the organization's slug, then a number. Records
    are taken in an order set by their content (most enrolled first among namesakes, then URL),
    not by file order, so the same listings give the same ids on every run."""
    taken: set[str] = set()

    def order(record):
        return (_base_id(record), -(record.get("enrolled") or 0), record.get("url") or "",
                record.get("organization") or "", record["title"])

    for record in sorted(records, key=order):
        base = _base_id(record)
        candidates = [base]
        organization = _cut(_slug(record.get("organization") or ""), 40)
        if organization and not base.endswith(f"-{organization}"):
            candidates.append(f"{base}-{organization}")
        stem = candidates[-1]
        candidate = next((c for c in candidates if c not in taken), None)
        number = 2
        while candidate is None:
            candidate = f"{stem}-{number}" if f"{stem}-{number}" not in taken else None
            number += 1
        record["id"] = candidate
        taken.add(candidate)


# ---------------------------------------------------------------- the import

def _catalog_line(record: dict) -> dict:
    line = {name: record.get(name) for name in FIELDS}
    for name in ("instructors", "skills", "topics"):
        line[name] = list(line[name] or [])
    return line


def _write_atomically(output: Path, lines: list[dict]) -> None:
    """Write the whole catalog or nothing: a failure half-way leaves the old file in place."""
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            for line in lines:
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
        # mkstemp makes the file private; the catalog keeps the old file's mode (or a readable one)
        os.chmod(temporary, output.stat().st_mode & 0o777 if output.exists() else 0o644)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _listing_of(path: Path) -> ListingFormat:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    listing = detect_format(header)
    if listing is None:
        raise ValueError(f"{path}: unrecognised listing; its columns are {', '.join(header) or '(none)'}; "
                         f"expected a Coursera, edX or Udemy listing")
    return listing


def import_files(paths: list[Path], output: Path, topics_path: Path) -> dict:
    """Import listings into `output` (JSON Lines, sorted by provider then id) and return a
    summary: rows read, courses written, duplicates dropped, courses per provider, and the rows
    skipped or repaired (file:line and why). Every file is recognised before anything is read,
    and the output is only replaced once the whole import has worked."""
    paths = [Path(p) for p in paths]
    output, tagger = Path(output), TopicTagger(load_topics(Path(topics_path)))
    listings = [(path, _listing_of(path)) for path in paths]

    notes: dict[str, list[str]] = {"skipped": [], "repaired": [], "duplicates": []}
    records: list[dict] = []
    read = 0
    seen_facts: set[str] = set()
    seen_source_ids: set[tuple[str, str]] = set()
    for path, listing in listings:
        seen_rows: set[tuple[str, ...]] = set()
        for header, row in read_rows(path, listing, notes):
            read += 1
            where = f"{path.name}:{row.line}"
            if len(row.values) > len(header):
                notes["skipped"].append(f"{where}: {len(row.values)} fields where the header has {len(header)}")
                continue
            if tuple(row.values) in seen_rows:
                notes["duplicates"].append(f"{where}: exact duplicate of an earlier row")
                continue
            seen_rows.add(tuple(row.values))
            values = dict(zip(header, row.values))
            try:
                record, prose = listing.convert(values)
            except Exception as exc:      # an odd row must not stop the import: report it
                notes["skipped"].append(f"{where}: unreadable row ({type(exc).__name__}: {exc})")
                continue
            if not record.get("title"):
                notes["skipped"].append(f"{where}: no title")
                continue
            source_id = clean(values.get(listing.source_id)) if listing.source_id else None
            if source_id and (listing.provider, source_id) in seen_source_ids:
                notes["duplicates"].append(f"{where}: {listing.provider} id {source_id} listed again")
                continue
            if source_id:
                seen_source_ids.add((listing.provider, source_id))
            facts = json.dumps(record, sort_keys=True, ensure_ascii=False)
            if facts in seen_facts:        # the same course in two files, or twice in one
                notes["duplicates"].append(f"{where}: same facts as an earlier course")
                continue
            seen_facts.add(facts)
            record["topics"] = derive_topics(record, prose, tagger)
            records.append(record)

    assign_ids(records)
    lines = [_catalog_line(r) for r in sorted(records, key=lambda r: (r["provider"].casefold(), r["id"]))]
    _write_atomically(output, lines)
    per_provider: dict[str, int] = {}
    for line in lines:
        per_provider[line["provider"]] = per_provider.get(line["provider"], 0) + 1
    return {"read": read, "written": len(lines), "duplicates": len(notes["duplicates"]),
            "per_provider": per_provider, "skipped": notes["skipped"], "repaired": notes["repaired"],
            "duplicate_rows": notes["duplicates"], "output": str(output)}
