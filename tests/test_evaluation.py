"""Understanding must not regress: the evaluation's figures stay above these floors
(a little below what `course-assistant eval` measured when they were set)."""
from pathlib import Path

import pytest

from assistant.evaluation import DEFAULT_NEGATIVES, run_evaluation
from assistant.knowledge import PROJECT_ROOT

FRESH = PROJECT_ROOT / "tests" / "data" / "eval_fresh.yaml"
FAQ_UNSEEN = PROJECT_ROOT / "tests" / "data" / "eval_faq_unseen.yaml"
FAQ_AFTER = PROJECT_ROOT / "tests" / "data" / "eval_faq_after.yaml"
NO_NEGATIVES = Path("/nonexistent/negatives.json")


@pytest.fixture(scope="module")
def report():
    return run_evaluation()


@pytest.fixture(scope="module")
def fresh():
    # The second held-out set; the CLINC150 negatives are measured once, with eval.yaml.
    return run_evaluation(data_path=FRESH, negatives_path=NO_NEGATIVES)


@pytest.fixture(scope="module")
def faq_unseen():
    # The third held-out set: FAQ questions only, two per entry.
    return run_evaluation(data_path=FAQ_UNSEEN, negatives_path=NO_NEGATIVES)


def test_intents_and_answers(report):
    assert report["items"] >= 300
    assert report["intent_accuracy"] >= 0.95
    assert report["constraint_precision_at_3"] >= 0.97
    assert report["faq_top1"] >= 0.95
    assert report["filter_exact_match"] >= 0.97


def test_typo_variants_within_five_points_of_their_clean_twins(report):
    assert report["typo_pairs"] >= 40
    assert report["typo_accuracy"] >= report["typo_clean_twin_accuracy"] - 0.05


def test_out_of_scope_is_refused_and_in_scope_is_not(report):
    assert report["in_scope_refusal_rate"] <= 0.03
    if not DEFAULT_NEGATIVES.exists():
        pytest.skip(f"CLINC150 negatives not found at {DEFAULT_NEGATIVES}")
    assert report["negatives"] > 3000
    assert report["false_accept_rate"] <= 0.025


def test_the_second_held_out_set(fresh):
    assert fresh["items"] >= 150
    assert fresh["intent_accuracy"] >= 0.94
    assert fresh["faq_top1"] >= 0.94
    assert fresh["constraint_precision_at_3"] >= 0.93
    assert fresh["filter_exact_match"] >= 0.94
    assert fresh["in_scope_refusal_rate"] <= 0.03
    assert fresh["typo_pairs"] >= 10
    assert fresh["typo_accuracy"] >= fresh["typo_clean_twin_accuracy"] - 0.05


def test_the_third_held_out_set_of_faq_questions(faq_unseen):
    assert faq_unseen["items"] >= 80
    assert faq_unseen["faq_top1"] >= 0.92
    assert faq_unseen["intent_accuracy"] >= 0.94
    assert faq_unseen["in_scope_refusal_rate"] <= 0.03


def test_the_fourth_held_out_set_written_after_the_faq_work():
    after = run_evaluation(data_path=FAQ_AFTER, negatives_path=NO_NEGATIVES)
    assert after["items"] >= 41
    assert after["faq_top1"] >= 0.95
    assert after["in_scope_refusal_rate"] <= 0.03
