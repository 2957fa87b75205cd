"""A broken knowledge file stops start-up with the file, the line and what is wrong."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.errors import KnowledgeError
from assistant.knowledge import DEFAULT_KNOWLEDGE_DIR, load_knowledge

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def knowledge_copy(tmp_path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, target)
    return target


def _append(path: Path, text: str) -> int:
    """Append text to a file; return the 1-based line where it starts."""
    content = path.read_text(encoding="utf-8")
    if not content.endswith("\n"):
        content += "\n"
    start = content.count("\n") + 1
    path.write_text(content + text, encoding="utf-8")
    return start


def _first_course(folder: Path) -> dict:
    return json.loads((folder / "catalog" / "courses.jsonl").read_text(encoding="utf-8").splitlines()[0])


def _catalog_line(folder: Path, course: dict) -> int:
    return _append(folder / "catalog" / "courses.jsonl", json.dumps(course) + "\n")


ANY_LINE = -1
FAQ_ENTRY = "- id: {id}\n  question: A question?\n  phrasings: [one way, another way]\n  answer: An answer.\n  section: {section}\n"


def broken_yaml(k):
    return "faq.yaml", _append(k / "faq.yaml", "- id: oops\n  phrasings: [unclosed, list\n") + 1, "broken YAML"


def missing_field(k):
    line = _append(k / "faq.yaml", "- id: no-answer\n  question: Where is the answer?\n  phrasings: [a, b]\n  section: faq\n")
    return "faq.yaml", line, "'answer' is missing"


def wrong_type(k):
    line = _append(k / "faq.yaml", "- id: bad-phrasings\n  question: Q?\n  phrasings: just one string\n  answer: A.\n  section: faq\n")
    return "faq.yaml", line + 2, "'phrasings' must be a list"


def duplicate_faq(k):
    line = _append(k / "faq.yaml", FAQ_ENTRY.format(id="degree", section="faq"))
    return "faq.yaml", line, "duplicate id"


def unknown_section(k):
    line = _append(k / "faq.yaml", FAQ_ENTRY.format(id="new-one", section="no-such-section"))
    return "faq.yaml", line + 4, "unknown roadmap section 'no-such-section'"


def heading_without_id(k):
    return "roadmap.md", _append(k / "roadmap.md", "\n## A heading with no id\n") + 1, "needs an id"


def duplicate_section(k):
    return "roadmap.md", _append(k / "roadmap.md", "\n## Again {#faq}\n") + 1, "already used"


def unknown_level(k):
    course = dict(_first_course(k), id="new-course-1", level="Expert-ish")
    return "courses.jsonl", _catalog_line(k, course), "unknown level 'Expert-ish'"


def duplicate_course(k):
    return "courses.jsonl", _catalog_line(k, _first_course(k)), "duplicate course id"


def broken_json(k):
    return "courses.jsonl", _append(k / "catalog" / "courses.jsonl", '{"id": "x", "title": \n'), "broken JSON"


def rating_out_of_range(k):
    course = dict(_first_course(k), id="new-course-2", rating=7.5)
    return "courses.jsonl", _catalog_line(k, course), "'rating' out of range"


def unknown_topic(k):
    course = dict(_first_course(k), id="new-course-3", topics=["astrology"])
    return "courses.jsonl", _catalog_line(k, course), "unknown topic 'astrology'"


def bad_url(k):
    course = dict(_first_course(k), id="new-course-4", url="javascript:alert(1)")
    return "courses.jsonl", _catalog_line(k, course), "must start with http"


def unknown_intent(k):
    return "intents.yaml", _append(k / "intents.yaml", "  chit_chat:\n    examples: [a, b, c, d, e]\n"), "unknown intent 'chit_chat'"


def duplicate_key(k):
    line = _append(k / "intents.yaml", "  thanks:\n    examples: [ta, cheers, thx, ty, merci]\n    replies: [Any time]\n")
    return "intents.yaml", line, "key 'thanks' appears twice"


def too_few_examples(k):
    import yaml
    data = yaml.safe_load((k / "intents.yaml").read_text(encoding="utf-8"))
    data["intents"]["thanks"]["examples"] = ["ta"]
    (k / "intents.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return "intents.yaml", ANY_LINE, "needs at least 5 items, has 1"


def topic_without_synonyms(k):
    line = _append(k / "topics.yaml", "- id: origami\n  name: Origami\n")
    return "topics.yaml", line, "'synonyms' needs at least 1"


def missing_file(k):
    (k / "faq.yaml").unlink()
    return "faq.yaml", None, "file is missing"


def featured_unknown_section(k):
    text = (k / "featured.yaml").read_text(encoding="utf-8")
    (k / "featured.yaml").write_text(text.replace("section: course-iot", "section: course-iott", 1), encoding="utf-8")
    line = next(i for i, l in enumerate((k / "featured.yaml").read_text().splitlines(), 1) if "course-iott" in l)
    return "featured.yaml", line, "unknown roadmap section 'course-iott'"


def concept_word_listed_twice(k):
    line = _append(k / "concepts.yaml", "- id: gardening\n  words: [garden, gardening, garden]\n")
    return "concepts.yaml", line + 1, "'garden' is listed twice"


def concept_with_one_word(k):
    line = _append(k / "concepts.yaml", "- id: origami\n  words: [origami]\n")
    return "concepts.yaml", line + 1, "'words' needs at least 2 items"


def decline_without_reply(k):
    line = _append(k / "declines.yaml", "- id: weather\n  words: [weather forecast]\n")
    return "declines.yaml", line, "'reply' is missing"


def decline_advise_not_a_flag(k):
    line = _append(k / "declines.yaml", "- id: weather\n  words: [weather forecast]\n  advise: sometimes\n  reply: No forecasts.\n")
    return "declines.yaml", line + 2, "'advise' must be true or false"


BREAKAGES = [broken_yaml, missing_field, wrong_type, duplicate_faq, unknown_section, heading_without_id,
             duplicate_section, unknown_level, duplicate_course, broken_json, rating_out_of_range,
             unknown_topic, bad_url, unknown_intent, duplicate_key, too_few_examples, topic_without_synonyms, missing_file,
             featured_unknown_section, concept_word_listed_twice, concept_with_one_word, decline_without_reply,
             decline_advise_not_a_flag]


@pytest.mark.parametrize("breakage", BREAKAGES, ids=[b.__name__ for b in BREAKAGES])
def test_broken_knowledge_names_file_line_and_reason(knowledge_copy, breakage):
    filename, line, reason = breakage(knowledge_copy)
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(knowledge_copy)
    error = caught.value
    assert Path(error.path).name == filename
    if line == ANY_LINE:
        assert error.line, str(error)
    elif line is not None:
        assert error.line == line, str(error)
    assert reason in str(error)


def test_start_up_stops_with_a_clear_message_not_a_stack_trace(knowledge_copy):
    unknown_level(knowledge_copy)
    run = subprocess.run([sys.executable, "-m", "assistant", "--knowledge", str(knowledge_copy), "check"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 2
    assert "courses.jsonl:" in run.stderr and "unknown level" in run.stderr
    assert "Traceback" not in run.stderr


def test_shipped_knowledge_is_valid_and_complete():
    knowledge = load_knowledge()
    counts = knowledge.counts()
    assert counts["courses"] > 5000
    assert counts["faqs"] >= 20
    assert {"Coursera", "edX", "Udemy"} <= set(counts["courses_per_provider"])
    assert all(len(f.phrasings) >= 2 for f in knowledge.faqs)
    assert all(len(i.examples) >= 15 for i in knowledge.intents.values())
    assert counts["concepts"] >= 20
    ids = {s.id for s in knowledge.sections}
    assert {"what-ml-engineers-do", "skills-math", "step-4-production", "how-long", "faq", "bottom-line"} <= ids


def test_a_folder_without_concepts_still_loads(knowledge_copy):
    (knowledge_copy / "concepts.yaml").unlink()
    assert load_knowledge(knowledge_copy).concepts == []
