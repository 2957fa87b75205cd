"""The catalog importer and the topic tagger: on small listings written here, and on the real
listings in ../shared/data/catalog when they are there."""
from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest

from assistant.catalog_import import FIELDS, import_files
from assistant.listing_formats import edx_hours, edx_price, guess_language, parse_count, parse_hours, parse_list
from assistant.knowledge import DEFAULT_KNOWLEDGE_DIR, load_topics
from assistant.models import Topic
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


def edx_row(title, **overrides) -> list[str]:
    row = {"title": title, "summary": "summary prose", "n_enrolled": "1,000", "course_type": "Self-paced on your time",
           "institution": "edX", "instructors": "A Teacher", "Level": "Introductory", "subject": "Computer Science",
           "language": "English", "subtitles": "English", "course_effort": "2–4 hours per week",
           "course_length": "6 Weeks", "price": "FREE-Add a Verified Certificate for $49 USD",
           "course_description": SECRET_PROSE, "course_syllabus": "syllabus prose", "course_url": "https://www.edx.org/course/x"}
    row.update(overrides)
    return [row[c] for c in EDX]


@pytest.fixture
def listings(tmp_path) -> list[Path]:
    # file names say nothing: the importer must tell the listings apart by their columns
    coursera = write(tmp_path / "one.csv", COURSERA, [
        [1, "Python for Everybody", "University of Michigan", "Specialization", "3 - 6 Months", "4.8", "267.9k",
         "Beginner", "https://www.coursera.org/specializations/python", "1,552,603",
         "['Python Programming', 'SQL', 'Python Programming']", "['summary prose']",
         SECRET_PROSE + "\nwith a second line"],
        [2, "Deep Learning", "DeepLearning.AI", "Specialization", "3 - 6 Months", "4.9", "9.9k", "Intermediate",
         "https://www.coursera.org/specializations/deep-learning", "25,442", "[]", "[]",
         "neural networks again and neural networks; tableau once"],
        [3, "用 Python 做商管程式設計", "National Taiwan University", "Course", "1 - 3 Months", "", "", "Mixed",
         "https://www.coursera.org/learn/pbc1", "", "not a list", "[]", ""],
        [4, "Google Data Analytics (DE)", "Google", "Professional Certificate", "3 - 6 Months", "4.8", "1.2m",
         "Beginner", "https://www.coursera.org/professional-certificates/google-data-analytics-de", "900", "[]",
         "[]", ""],
        [5, "", "Nobody", "Course", "1 - 4 Weeks", "4.0", "3", "Beginner", "https://www.coursera.org/learn/x",
         "10", "[]", "[]", ""],
    ])
    edx = write(tmp_path / "two.csv", EDX, [
        edx_row("How to Learn Online", n_enrolled="124,980", instructors="Nina Huntemann-Robyn Belair",
                subject="Education & Teacher Training", course_effort="2–3 hours per week", course_length="2 Weeks",
                course_description=SECRET_PROSE + "\nIt spans lines,\n\"quoted\" too.",
                course_url="https://www.edx.org/course/how-to-learn-online"),
        edx_row("How to Learn Online", n_enrolled="124,980", instructors="Nina Huntemann-Robyn Belair",
                subject="Education & Teacher Training", course_effort="2–3 hours per week", course_length="2 Weeks",
                course_description=SECRET_PROSE + "\nIt spans lines,\n\"quoted\" too.",
                course_url="https://www.edx.org/course/how-to-learn-online"),
        edx_row("Estructuras de Datos con Python", institution="University of Michigan", Level="Advanced",
                language="Español", course_effort="4–6 hours per week", course_length="7 Weeks",
                price="FREE-Add a Verified Certificate for $99 USD", course_url="https://www.edx.org/course/y"),
        edx_row("Paid Negotiation", Level="Intermediate", subject="Business & Management", price="$300 USD",
                course_effort="", n_enrolled="NA", course_url="https://www.edx.org/course/z"),
    ])
    udemy = write(tmp_path / "three.csv", UDEMY, [
        ["1070968", "Ultimate Investment Banking Course", "https://www.udemy.com/ultimate-investment-banking-course/",
         "True", "200", "2147", "23", "51", "All Levels", "1.5", "2017-01-18T20:58:58Z", "Business Finance"],
        ["1070968", "Ultimate Investment Banking Course", "https://www.udemy.com/ultimate-investment-banking-course/",
         "True", "200", "2147", "23", "51", "All Levels", "1.5", "2017-01-18T20:58:58Z", "Business Finance"],
        ["99", "Free Guitar Basics", "https://www.udemy.com/free-guitar/", "False", "0", "5000", "300", "10",
         "Beginner Level", "2", "2016-01-01T00:00:00Z", "Musical Instruments"],
        ["100", "Free Guitar Basics", "https://www.udemy.com/free-guitar-2/", "True", "20", "50", "3", "10",
         "Expert Level", "1.0", "2016-01-01T00:00:00Z", "Musical Instruments"],
    ])
    return [coursera, edx, udemy]


def run_import(paths, tmp_path, name="out/courses.jsonl"):
    output = tmp_path / name
    summary = import_files(paths, output=output, topics_path=TOPICS)
    text = output.read_text(encoding="utf-8")
    records = [json.loads(line) for line in text.splitlines()]
    return summary, records, text


@pytest.fixture
def imported(listings, tmp_path):
    summary, records, text = run_import(listings, tmp_path)
    by_title = {}
    for record in records:
        by_title.setdefault(record["title"], record)
    return summary, by_title, records, text


# ---------------------------------------------------------------- the import on small listings

def test_summary_counts_duplicates_and_skipped_rows(imported):
    summary, _, records, _ = imported
    assert summary["per_provider"] == {"Coursera": 4, "edX": 3, "Udemy": 3}
    assert summary["written"] == len(records) == 10
    assert summary["read"] == 5 + 4 + 4
    assert summary["duplicates"] == 2          # the edX twin row and the repeated Udemy row
    assert any("one.csv" in s and "no title" in s for s in summary["skipped"])


def test_every_line_has_the_catalog_fields_in_order_and_unique_ids(imported):
    _, _, records, text = imported
    assert all(list(r) == list(FIELDS) for r in records)
    assert len({r["id"] for r in records}) == len(records)
    assert [(r["provider"].casefold(), r["id"]) for r in records] == sorted((r["provider"].casefold(), r["id"])
                                                                          for r in records)
    assert text.endswith("\n") and "\\u" not in text      # ensure_ascii=False: 中文 stays readable


def test_no_description_summary_or_syllabus_text_is_written(imported):
    text = imported[3]
    for prose in (SECRET_PROSE, "second line", "spans lines", "summary prose", "syllabus prose"):
        assert prose not in text


def test_coursera_facts(imported):
    _, records, _, _ = imported
    python = records["Python for Everybody"]
    assert python["id"] == "coursera-python-for-everybody"
    assert python["provider"] == "Coursera" and python["organization"] == "University of Michigan"
    assert python["rating"] == 4.8 and python["reviews"] == 267900 and python["enrolled"] == 1552603
    assert python["skills"] == ["Python Programming", "SQL"]
    assert python["level"] == "Beginner" and python["duration"] == "3 - 6 Months" and python["hours"] is None
    assert python["kind"] == "Specialization" and "Specialization" in python["certificate"]
    assert python["free"] is None and python["price"] is None and python["language"] == "English"
    assert python["topics"] == ["python", "sql"]
    deep = records["Deep Learning"]
    assert deep["reviews"] == 9900 and deep["enrolled"] == 25442
    assert records["Google Data Analytics (DE)"]["reviews"] == 1200000
    taiwan = records["用 Python 做商管程式設計"]
    assert taiwan["language"] == "中文" and taiwan["rating"] is None and taiwan["skills"] == []
    assert taiwan["reviews"] is None and taiwan["enrolled"] is None
    assert records["Google Data Analytics (DE)"]["language"] == "Deutsch"


def test_a_description_must_name_a_topic_twice(imported):
    deep = imported[1]["Deep Learning"]
    assert "dl" in deep["topics"]                  # title, and "neural networks" twice
    assert "data-analysis" not in deep["topics"]   # "tableau" once in the description


def test_edx_facts(imported):
    _, records, _, _ = imported
    online = records["How to Learn Online"]
    assert online["provider"] == "edX" and online["organization"] == "edX"
    assert online["free"] is True and online["price"] is None
    assert online["certificate"] == "Verified certificate ($49)"
    assert online["instructors"] == ["Nina Huntemann", "Robyn Belair"]
    assert online["level"] == "Beginner" and online["enrolled"] == 124980
    assert online["duration"] == "2 Weeks" and online["hours"] == 5.0          # 2.5 hours a week, 2 weeks
    assert online["kind"] == "Self-paced on your time" and online["subject"] == "Education & Teacher Training"
    assert "education" in online["topics"]
    spanish = records["Estructuras de Datos con Python"]
    assert spanish["language"] == "Español" and spanish["level"] == "Advanced" and spanish["hours"] == 35.0
    assert spanish["certificate"] == "Verified certificate ($99)"
    paid = records["Paid Negotiation"]
    assert paid["free"] is False and paid["price"] == 300.0 and paid["hours"] is None and paid["enrolled"] is None
    assert paid["level"] == "Intermediate" and {"business", "management", "leadership"} <= set(paid["topics"])


def test_udemy_facts(imported):
    _, records, all_records, _ = imported
    banking = records["Ultimate Investment Banking Course"]
    assert banking["id"] == "udemy-ultimate-investment-banking-course"       # from the title, not 1070968
    assert banking["free"] is False and banking["price"] == 200 and banking["level"] == "Mixed"
    assert banking["hours"] == 1.5 and banking["duration"] == "1.5 hours"
    assert banking["enrolled"] == 2147 and banking["reviews"] == 23 and banking["rating"] is None
    assert banking["certificate"] == "Certificate of completion" and banking["subject"] == "Business Finance"
    assert {"finance", "business"} <= set(banking["topics"])
    guitars = [r for r in all_records if r["title"] == "Free Guitar Basics"]
    free = next(r for r in guitars if r["free"])
    assert free["price"] is None and free["certificate"] is None and free["level"] == "Beginner"
    assert free["hours"] == 2.0 and {"guitar", "music"} <= set(free["topics"])
    paid = next(r for r in guitars if not r["free"])
    assert paid["level"] == "Advanced" and paid["duration"] == "1 hour"


def test_namesakes_get_distinct_ids_that_do_not_depend_on_row_order(listings, tmp_path):
    _, records, _ = run_import(listings, tmp_path)
    ids = sorted(r["id"] for r in records if r["title"] == "Free Guitar Basics")
    # the more enrolled keeps the plain id; Udemy lists no organization, so the other is numbered
    assert ids == ["udemy-free-guitar-basics", "udemy-free-guitar-basics-2"]
    assert next(r for r in records if r["id"] == "udemy-free-guitar-basics")["enrolled"] == 5000
    udemy = listings[2]
    header, *rows = list(csv.reader(udemy.open(encoding="utf-8", newline="")))
    write(udemy, header, rows[::-1])
    _, again, _ = run_import(listings[::-1], tmp_path, "again.jsonl")
    assert {r["id"]: r["url"] for r in again} == {r["id"]: r["url"] for r in records}


def test_the_same_import_twice_gives_the_same_file(listings, tmp_path):
    first = run_import(listings, tmp_path, "a.jsonl")[2]
    assert run_import(listings, tmp_path, "b.jsonl")[2] == first


def test_a_udemy_row_whose_quotes_swallow_the_next_row_is_split_back(tmp_path):
    # the shape of udemy_2017.csv line 2040: an opened quote that closes only on the next line
    text = (",".join(UDEMY) + "\n"
            + '1052180,"How to play \'Electric Guitar"",https://www.udemy.com/electric-guitar/,true,50,1105,5,20,'
              'Beginner Level,2 hours,2016-12-29T00:24:06Z\n'
            + '42038,Learn Piano Today: Quick Lessons""",https://www.udemy.com/learnpianotoday/,True,100,6271,68,75,'
              'All Levels,5.0,2013-06-27T21:55:17Z,Musical Instruments\n')
    path = tmp_path / "udemy.csv"
    path.write_text(text, encoding="utf-8")
    summary, records, _ = run_import([path], tmp_path)
    by_title = {r["title"]: r for r in records}
    assert set(by_title) == {"How to play 'Electric Guitar", "Learn Piano Today: Quick Lessons"}
    guitar = by_title["How to play 'Electric Guitar"]
    assert guitar["free"] is False and guitar["price"] == 50 and guitar["hours"] == 2.0 and guitar["subject"] is None
    assert by_title["Learn Piano Today: Quick Lessons"]["enrolled"] == 6271
    assert len(summary["repaired"]) == 2 and summary["skipped"] == []


def test_odd_rows_are_reported_not_fatal(tmp_path):
    path = write(tmp_path / "odd.csv", UDEMY, [
        ["1", "Fine Course", "https://www.udemy.com/fine/", "True", "20", "10", "1", "5", "All Levels", "1.0", "", "Web Development"],
        ["2", "Too Many Fields", "https://www.udemy.com/many/", "True", "20", "10", "1", "5", "All Levels", "1", "", "x", "extra"],
        ["3", "Short Row", "not-a-url", "maybe", "lots"],
        ["4", "   ", "https://www.udemy.com/blank/", "True", "20", "10", "1", "5", "All Levels", "1.0", "", "Web Development"],
    ])
    summary, records, _ = run_import([path], tmp_path)
    by_title = {r["title"]: r for r in records}
    assert set(by_title) == {"Fine Course", "Short Row"}
    short = by_title["Short Row"]
    assert short["url"] is None and short["free"] is None and short["price"] is None and short["hours"] is None
    assert len(summary["skipped"]) == 2
    assert any("odd.csv:3" in s and "fields" in s for s in summary["skipped"])
    assert any("odd.csv:5" in s and "no title" in s for s in summary["skipped"])


def test_an_unknown_listing_is_refused_before_anything_is_written(listings, tmp_path):
    output = tmp_path / "kept.jsonl"
    output.write_text("the catalog as it was\n", encoding="utf-8")
    odd = write(tmp_path / "odd.csv", ["name", "cost"], [["x", "1"]])
    with pytest.raises(ValueError, match="unrecognised listing"):
        import_files([*listings, odd], output=output, topics_path=TOPICS)
    assert output.read_text(encoding="utf-8") == "the catalog as it was\n"


# ---------------------------------------------------------------- small parsers

def test_parsers():
    assert parse_count("9.9k") == 9900 and parse_count("1.2m") == 1200000 and parse_count("484") == 484
    assert parse_count("25,442") == 25442 and parse_count("") is None and parse_count("NA") is None
    assert parse_list("['a', 'b', 'a']") == ["a", "b"] and parse_list("[broken") == [] and parse_list("") == []
    assert parse_list("__import__('os').system('true')") == []          # read as a literal, never run
    assert parse_hours("1.5") == 1.5 and parse_hours("4.5 hours") == 4.5 and parse_hours("30 mins") == 0.5
    assert parse_hours("0") is None
    assert edx_hours("2–4 hours per week", "6 Weeks") == 18.0 and edx_hours("3 hours per week", "4 Weeks") == 12.0
    assert edx_hours("", "6 Weeks") is None
    assert edx_price("FREE-Add a Verified Certificate for $49.99 USD") == (True, None, "Verified certificate ($49.99)")
    assert edx_price("$300 USD") == (False, 300.0, "Verified certificate") and edx_price("") == (None, None, None)


def test_language_guesses_err_towards_english():
    assert guess_language("Aprende a tocar la guitarra desde cero") == "Español"
    assert guess_language("Curso de Violão Popular") == "Português"
    assert guess_language("Google UX Design (DE)") == "Deutsch"
    assert guess_language("Introduction to Psychology | 心理学概论") is None     # bilingual, opens in English
    assert guess_language("Google データアナリティクス") == "日本語"
    for english in ("Introduction to Data Science in Python", "Learn Spanish: Basic Spanish Vocabulary",
                    "Foundations of Information Technology (IT)", "Tour de France Cycling Analytics"):
        assert guess_language(english) is None, english


# ---------------------------------------------------------------- the topic tagger

@pytest.fixture(scope="module")
def tagger():
    return TopicTagger(load_topics(TOPICS))


def test_tagger_finds_synonyms_and_abbreviations(tagger):
    assert tagger.tag("Intro to ML with Python") == ["ml", "python"]
    assert tagger.tag("Machine Learning Specialization") == ["ml"]
    assert tagger.tag("Deep Learning Specialization") == ["dl"]
    assert tagger.tag("neural networks from scratch") == ["dl"]
    assert tagger.tag("NLP and natural language processing") == ["nlp"]
    assert tagger.tag("Statistical inference for stats lovers") == ["stats"]
    assert tagger.tag("PostgreSQL and MySQL") == ["sql"]
    assert tagger.tag("JS for the web") == ["javascript"]


def test_tagger_reads_symbols_in_names(tagger):
    assert tagger.tag("C++ and C# for game developers") == ["cpp", "csharp", "game-dev"]
    assert tagger.tag("cpp basics") == ["cpp"]
    assert tagger.tag("Node.js APIs") == ["javascript", "api"]
    assert tagger.tag("ASP.NET MVC") == ["csharp"]
    assert tagger.tag("CI/CD pipelines") == ["devops"]
    assert tagger.tag("Front-End Development") == tagger.tag("front end development") == ["web-dev"]


def test_tagger_matches_whole_words_only(tagger):
    assert tagger.tag("a reader of drama") == []            # no "r" inside words
    assert tagger.tag("mlops for the masses") == ["mlops"]   # "mlops" is not "ml"
    assert tagger.tag("Javanese cooking") == []              # "java" is not inside "javanese"
    assert tagger.tag("Pythonic ideas") == []
    assert tagger.tag("cloudy weather") == []


def test_r_only_as_a_word_of_its_own(tagger):
    assert tagger.tag("Data Science: R Basics") == ["data-science", "r"]
    assert tagger.tag("Statistics and R.") == ["stats", "r"]
    assert tagger.tag("Introducción a R") == ["r"]
    assert "r" not in tagger.tag("Piano Lessons for the R&B Fan")
    assert "r" not in tagger.tag("R&D budgets")
    assert "r" not in tagger.tag("E-R diagrams") and "r" not in tagger.tag("Trading with a D.A.R.T.")


def test_longest_phrase_wins_and_can_steer_a_word_away(tagger):
    assert tagger.tag("Financial Engineering") == ["finance"]       # not "engineering"
    assert tagger.tag("Electrical Engineering") == ["science"]
    assert tagger.tag("anything on api design") == ["api"]          # "design" alone is too vague
    assert tagger.tag("a course teaching tensorflow") == ["tensorflow"]


def test_a_phrase_under_two_topics_tags_both(tagger):
    assert tagger.tag("Game Design: Art and Concepts") == ["game-dev", "design"]     # in topics.yaml order
    assert tagger.tag("Business & Management") == ["business", "management"]


def test_tagger_counts_mentions():
    tagger = TopicTagger([Topic("python", "Python", ("python", "pandas")), Topic("ml", "ML", ("machine learning", "ml"))])
    assert tagger.count("python and more python, pandas; machine learning") == {"python": 3, "ml": 1}
    assert tagger.tag("") == [] and tagger.count("") == {}


def test_every_topic_id_the_project_relies_on_is_in_the_vocabulary():
    ids = {topic.id for topic in load_topics(TOPICS)}
    assert {"python", "ml", "dl", "nlp", "cv", "stats", "math", "linear-algebra", "calculus", "probability", "sql",
            "data-science", "data-analysis", "data-engineering", "big-data", "cloud", "mlops", "docker", "web-dev",
            "javascript", "java", "cpp", "r", "excel", "business", "marketing", "finance", "management",
            "leadership", "communication", "design", "music", "iot", "security", "ai", "pytorch", "tensorflow",
            "programming", "algorithms", "software-engineering", "devops", "api", "git"} <= ids


# ---------------------------------------------------------------- the real listings

needs_listings = pytest.mark.skipif(not SHARED_CATALOG.is_dir(),
                                    reason=f"the course listings are not at {SHARED_CATALOG} (../shared/data/catalog)")


@pytest.fixture(scope="module")
def real_import(tmp_path_factory):
    output = tmp_path_factory.mktemp("catalog") / "courses.jsonl"
    summary = import_files(sorted(SHARED_CATALOG.glob("*.csv")), output=output, topics_path=TOPICS)
    text = output.read_text(encoding="utf-8")
    return summary, [json.loads(line) for line in text.splitlines()], text


@needs_listings
def test_real_listings_counts(real_import):
    summary, records, _ = real_import
    # Udemy: 3,683 rows once five pairs run together by broken quoting are split, less 6 repeated ids
    assert summary["per_provider"] == {"Coursera": 1000, "edX": 974, "Udemy": 3677}
    assert summary["duplicates"] == 7 and summary["skipped"] == [] and len(summary["repaired"]) == 10
    assert len({r["id"] for r in records}) == len(records) == 5651


@needs_listings
def test_real_listings_known_courses(real_import):
    _, records, _ = real_import
    by_key = {(r["provider"], r["title"], r["organization"]): r for r in records}
    python = by_key[("Coursera", "Python for Everybody", "University of Michigan")]
    assert python["id"] == "coursera-python-for-everybody"
    assert python["rating"] == 4.8 and python["reviews"] == 267900 and python["enrolled"] == 1552603
    assert "python" in python["topics"]
    online = by_key[("edX", "How to Learn Online", "edX")]
    assert online["free"] is True and online["certificate"] == "Verified certificate ($49)" and online["hours"] == 5.0
    assert any(r["provider"] == "edX" and r["language"] == "Español" for r in records)
    banking = next(r for r in records if r["title"] == "Ultimate Investment Banking Course")
    assert banking["price"] == 200 and banking["enrolled"] == 2147 and banking["id"].startswith("udemy-")
    piano = next(r for r in records if r["url"] == "https://www.udemy.com/learnpianotoday/")
    assert piano["title"] == "Learn Piano Today: How to Play Piano Course in Quick Lessons"   # once a run-on row


@needs_listings
def test_real_listings_leave_their_prose_behind(real_import):
    _, records, text = real_import
    assert max(len(r["title"]) for r in records) < 250
    rng = random.Random(7)
    for name, columns in (("coursera_2023.csv", ("course_description",)),
                          ("edx_2021.csv", ("summary", "course_description", "course_syllabus"))):
        with (SHARED_CATALOG / name).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        for row in rng.sample(rows, 60):
            for column in columns:
                prose = " ".join((row[column] or "").split())
                if len(prose) >= 80:
                    assert prose[:80] not in text, f"{name}: {column} of {row.get('title') or row.get('course_title')!r}"


@needs_listings
def test_the_shipped_catalog_is_the_import_of_the_listings(real_import):
    shipped = (DEFAULT_KNOWLEDGE_DIR / "catalog" / "courses.jsonl").read_text(encoding="utf-8").splitlines()
    fresh = real_import[2].splitlines()
    # compared line by line: a diff of two 3 MB strings would take pytest minutes to print
    first = next((n for n, (a, b) in enumerate(zip(fresh, shipped), 1) if a != b), None)
    assert first is None and len(fresh) == len(shipped), (
        f"knowledge/catalog/courses.jsonl is stale (first difference on line {first}, {len(shipped)} lines "
        f"shipped, {len(fresh)} imported): run 'course-assistant catalog import ../shared/data/catalog/*.csv'")
