"""The catalog importer on small listings written here, and on the real ones when present."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from assistant.catalog_import import import_files, parse_count, parse_list
from assistant.knowledge import DEFAULT_KNOWLEDGE_DIR, load_topics
from assistant.topics import TopicTagger

ROOT = Path(__file__).resolve().parents[1]
SHARED_CATALOG = ROOT.parent / "shared" / "data" / "catalog"
TOPICS = DEFAULT_KNOWLEDGE_DIR / "topics.yaml"

COURSERA = ["", "course_title", "course_organization", "course_certificate_type", "course_time", "course_rating",
            "course_reviews_num", "course_difficulty", "course_url", "course_students_enrolled", "course_skills",
            "course_summary", "course_description"]
EDX = ["title", "summary", "n_enrolled", "course_type", "institution", "instructors", "Level", "subject", "language",
       "subtitles", "course_effort", "course_length", "price", "course_description", "course_syllabus", "course_url"]
UDEMY = ["course_id", "course_title", "url", "is_paid", "price", "num_subscribers", "num_reviews", "num_lectures",
         "level", "content_duration", "published_timestamp", "subject"]
SECRET_PROSE = "a sentence of description prose that must never reach the catalog"


def write(path: Path, header: list[str], rows: list[list]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def listings(tmp_path) -> list[Path]:
    coursera = write(tmp_path / "c.csv", COURSERA, [
        [1, "Python for Everybody", "University of Michigan", "Specialization", "3 - 6 Months", "4.8", "267.9k",
         "Beginner", "https://www.coursera.org/specializations/python", "1,552,603",
         "['Python Programming', 'SQL', 'Python Programming']", "[]", SECRET_PROSE + "\nwith a second line"],
        [2, "Deep Learning", "DeepLearning.AI", "Specialization", "3 - 6 Months", "4.9", "1.2m", "Intermediate",
         "https://www.coursera.org/specializations/deep-learning", "900", "[]", "[]",
         "neural networks again and neural networks"],
        [3, "用 Python 做商管程式設計", "National Taiwan University", "Course", "1 - 3 Months", "", "", "Mixed",
         "https://www.coursera.org/learn/pbc1", "", "not a list", "[]", ""],
    ])
    edx = write(tmp_path / "e.csv", EDX, [
        ["How to Learn Online", "summary prose", "124,980", "Self-paced on your time", "edX",
         "Nina Huntemann-Robyn Belair", "Introductory", "Education & Teacher Training", "English", "English",
         "2–3 hours per week", "2 Weeks", "FREE-Add a Verified Certificate for $49 USD", SECRET_PROSE, "syllabus",
         "https://www.edx.org/course/how-to-learn-online"],
        ["How to Learn Online", "summary prose", "124,980", "Self-paced on your time", "edX",
         "Nina Huntemann-Robyn Belair", "Introductory", "Education & Teacher Training", "English", "English",
         "2–3 hours per week", "2 Weeks", "FREE-Add a Verified Certificate for $49 USD", SECRET_PROSE, "syllabus",
         "https://www.edx.org/course/how-to-learn-online"],
        ["Estructuras de Datos con Python", "resumen", "3,000", "Self-paced on your time", "University of Michigan",
         "Charles Severance", "Advanced", "Computer Science", "Español", "Español", "4–6 hours per week",
         "7 Weeks", "FREE-Add a Verified Certificate for $99 USD", "", "", "https://www.edx.org/course/x"],
    ])
    udemy = write(tmp_path / "u.csv", UDEMY, [
        ["1070968", "Ultimate Investment Banking Course", "https://www.udemy.com/ultimate-investment-banking-course/",
         "True", "200", "2147", "23", "51", "All Levels", "1.5", "2017-01-18T20:58:58Z", "Business Finance"],
        ["1070968", "Ultimate Investment Banking Course", "https://www.udemy.com/ultimate-investment-banking-course/",
         "True", "200", "2147", "23", "51", "All Levels", "1.5", "2017-01-18T20:58:58Z", "Business Finance"],
        ["99", "Free Guitar Basics", "https://www.udemy.com/free-guitar/", "False", "0", "5000", "300", "10",
         "Beginner Level", "2", "2016-01-01T00:00:00Z", "Musical Instruments"],
    ])
    return [coursera, edx, udemy]


def imported(listings, tmp_path):
    output = tmp_path / "out" / "courses.jsonl"
    summary = import_files(listings, output=output, topics_path=TOPICS)
    records = {r["title"]: r for r in map(json.loads, output.read_text(encoding="utf-8").splitlines())}
    return summary, records, output.read_text(encoding="utf-8")


def test_counts_and_duplicates(listings, tmp_path):
    summary, records, _ = imported(listings, tmp_path)
    assert summary["per_provider"] == {"Coursera": 3, "edX": 2, "Udemy": 2}
    assert summary["duplicates"] == 2
    assert len({r["id"] for r in records.values()}) == len(records)


def test_coursera_facts(listings, tmp_path):
    _, records, text = imported(listings, tmp_path)
    python = records["Python for Everybody"]
    assert python["id"] == "coursera-python-for-everybody"
    assert python["rating"] == 4.8 and python["reviews"] == 267900 and python["enrolled"] == 1552603
    assert python["skills"] == ["Python Programming", "SQL"]
    assert python["level"] == "Beginner" and python["duration"] == "3 - 6 Months"
    assert {"python", "sql"} <= set(python["topics"])
    assert records["Deep Learning"]["reviews"] == 1200000 and "dl" in records["Deep Learning"]["topics"]
    taiwan = records["用 Python 做商管程式設計"]
    assert taiwan["language"] == "中文" and taiwan["rating"] is None and taiwan["skills"] == []
    assert SECRET_PROSE not in text and "second line" not in text and "summary prose" not in text


def test_edx_facts(listings, tmp_path):
    _, records, _ = imported(listings, tmp_path)
    online = records["How to Learn Online"]
    assert online["free"] is True and online["price"] is None
    assert online["certificate"] == "Verified certificate ($49)"
    assert online["instructors"] == ["Nina Huntemann", "Robyn Belair"]
    assert online["level"] == "Beginner" and online["hours"] == 5.0 and online["enrolled"] == 124980
    spanish = records["Estructuras de Datos con Python"]
    assert spanish["language"] == "Español" and spanish["level"] == "Advanced" and spanish["hours"] == 35.0


def test_udemy_facts(listings, tmp_path):
    _, records, _ = imported(listings, tmp_path)
    banking = records["Ultimate Investment Banking Course"]
    assert banking["free"] is False and banking["price"] == 200 and banking["level"] == "Mixed"
    assert banking["hours"] == 1.5 and banking["enrolled"] == 2147 and banking["rating"] is None
    guitar = records["Free Guitar Basics"]
    assert guitar["free"] is True and guitar["price"] is None and "guitar" in guitar["topics"]


def test_unknown_listings_are_refused_by_name(tmp_path):
    odd = write(tmp_path / "odd.csv", ["name", "cost"], [["x", "1"]])
    with pytest.raises(ValueError, match="unrecognised listing"):
        import_files([odd], output=tmp_path / "o.jsonl", topics_path=TOPICS)


def test_parsers():
    assert parse_count("9.9k") == 9900 and parse_count("25,442") == 25442 and parse_count("") is None
    assert parse_list("['a', 'b', 'a']") == ["a", "b"] and parse_list("[broken") == []


@pytest.mark.skipif(not SHARED_CATALOG.is_dir(), reason=f"the course listings are not at {SHARED_CATALOG}")
def test_the_real_listings(tmp_path):
    summary = import_files(sorted(SHARED_CATALOG.glob("*.csv")), output=tmp_path / "all.jsonl", topics_path=TOPICS)
    assert summary["per_provider"] == {"Coursera": 1000, "Udemy": 3672, "edX": 974}
    shipped = (DEFAULT_KNOWLEDGE_DIR / "catalog" / "courses.jsonl").read_text(encoding="utf-8")
    assert (tmp_path / "all.jsonl").read_text(encoding="utf-8") == shipped, "re-run the import: the shipped catalog is stale"


def test_topic_tagger_matches_whole_words_and_symbols():
    tagger = TopicTagger(load_topics(TOPICS))
    assert tagger.tag("Intro to ML with Python") == ["ml", "python"]
    assert tagger.tag("C++ and C# for game developers")[0] == "cpp"
    assert "javascript" in tagger.tag("Node.js APIs")
    assert tagger.tag("Deep Learning Specialization") == ["dl"]
    assert tagger.tag("a reader of drama") == []          # "r" only as a word of its own
    assert tagger.count("python and more python") == {"python": 2}
