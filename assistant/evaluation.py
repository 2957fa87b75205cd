"""`course-assistant eval`: how well the assistant understands, measured on a labelled set.

Every utterance is played end to end (a fresh session each) and judged on the reply: intent
precision/recall/F1, confused pairs, constraint precision of the top 3 courses, FAQ top-1, typo
variants against their clean twins, and the out-of-scope false-accept rate on the CLINC150 dev
negatives with a threshold sweep that recommends the out-of-scope threshold.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import yaml

from assistant.scope import decide_scope, read_scope
from assistant.engine import Assistant
from assistant.filters import Filters, extract_filters, org_key
from assistant.knowledge import PROJECT_ROOT

DEFAULT_NEGATIVES = PROJECT_ROOT.parent / "shared" / "data" / "negatives" / "clinc150_dev.json"
# CLINC150 intents a course assistant also handles (small talk): not negatives.
CLINC_IN_SCOPE = {"greeting", "goodbye", "thank_you", "what_can_i_ask_you"}
SWEEP = [round(0.20 + 0.05 * i, 2) for i in range(13)]


def load_eval_set(path: Path) -> list[dict]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(items, list):
        raise ValueError(f"{path}: expected a list of items")
    return items


def load_negatives(path: Path | None) -> list[str]:
    path = path or DEFAULT_NEGATIVES
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    texts = list(data.get("oos_train", [])) + list(data.get("oos_val", []))
    texts += [row["text"] for row in data.get("in_scope_val", []) if row["intent"] not in CLINC_IN_SCOPE]
    return texts


def _expected_filters(raw: dict) -> Filters:
    values = dict(raw or {})
    if "topics" in values:
        values["topics"] = tuple(values["topics"])
    return Filters(**values)


def _filters_equal(expected: Filters, got: Filters) -> bool:
    if expected.organization or got.organization:
        if not (expected.organization and got.organization and org_key(expected.organization) == org_key(got.organization)):
            return False
    a = expected.as_dict()
    b = got.as_dict()
    a.pop("organization", None)
    b.pop("organization", None)
    if "topics" in a or "topics" in b:
        if set(a.pop("topics", [])) != set(b.pop("topics", [])):
            return False
    return a == b


def _prf(gold: list[str], predicted: list[str]) -> dict:
    labels = sorted(set(gold) | set(predicted))
    table = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table[label] = {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
                        "support": sum(1 for g in gold if g == label)}
    return table


def run_evaluation(knowledge_dir=None, data_path: Path | None = None, negatives_path: Path | None = None,
                   assistant: Assistant | None = None) -> dict:
    bot = assistant or Assistant.load(knowledge_dir)
    brain = bot.brain
    items = load_eval_set(data_path or PROJECT_ROOT / "tests" / "data" / "eval.yaml")
    gold, predicted, outcome = [], [], {}
    constraint_hits = constraint_total = 0
    filter_hits = filter_total = 0
    faq_hits = faq_total = 0
    failures = defaultdict(list)
    in_scope_features = []
    for item in items:
        text, expected = item["text"], item["intent"]
        _, reply = bot.respond(None, text)
        got = reply["intent"]
        gold.append(expected)
        predicted.append(got)
        ok = got == expected
        if expected == "recommend" and "filters" in item:
            want = _expected_filters(item["filters"])
            corrected, _ = brain.spelling.correct(text)
            understood = extract_filters(corrected, brain.vocabulary)
            filter_total += 1
            if _filters_equal(want, understood):
                filter_hits += 1
            else:
                failures["filters"].append(f"{text!r}: expected {want.as_dict()} got {understood.as_dict()}")
            if got == "recommend":
                courses = [brain.course(c["id"]) for c in reply["courses"][:3]]
                satisfied = sum(1 for c in courses if c and brain.ranker.satisfies(c, want))
                constraint_hits += satisfied
                constraint_total += max(len(courses), 1)
                if satisfied < len(courses) or not courses:
                    failures["constraints"].append(f"{text!r}: {satisfied}/{len(courses)} satisfy {want.as_dict()}")
        if expected == "faq" and item.get("faq"):
            faq_total += 1
            source = next((s["id"] for s in reply["sources"] if s["kind"] == "faq"), None)
            if source == item["faq"]:
                faq_hits += 1
            else:
                ok = False
                failures["faq"].append(f"{text!r}: expected {item['faq']} got {source}")
        if got != expected:
            failures["intent"].append(f"{text!r}: expected {expected} got {got}")
        outcome[text] = ok
        if expected != "out_of_scope":
            reading = brain.reading(text)
            scores, _, evidence = read_scope(reading)
            in_scope_features.append((scores, evidence, reading.folded))
    accuracy = sum(g == p for g, p in zip(gold, predicted)) / len(gold)
    confused = Counter((g, p) for g, p in zip(gold, predicted) if g != p).most_common(6)

    twins = [(item, outcome.get(item["typo_of"])) for item in items if item.get("typo_of")]
    twins = [(item, clean) for item, clean in twins if clean is not None]
    typo_accuracy = sum(outcome[i["text"]] for i, _ in twins) / len(twins) if twins else None
    clean_accuracy = sum(bool(c) for _, c in twins) / len(twins) if twins else None

    negatives = load_negatives(negatives_path)
    negative_features, accepted = [], []
    for text in negatives:
        _, reply = bot.respond(None, text)
        if reply["intent"] != "out_of_scope":
            accepted.append(f"{text!r} -> {reply['intent']}")
        reading = brain.reading(text)
        scores, _, evidence = read_scope(reading)
        negative_features.append((scores, evidence, reading.folded))
    answered = dict(zip((i["text"] for i in items), predicted))
    in_scope = [i for i in items if i["intent"] != "out_of_scope"]
    refused = sum(1 for i in in_scope if answered[i["text"]] == "out_of_scope")

    sweep = []
    for threshold in SWEEP:
        fa = sum(decide_scope(brain, s, e, t, threshold)[0] != "out_of_scope" for s, e, t in negative_features)
        rr = sum(decide_scope(brain, s, e, t, threshold)[0] == "out_of_scope" for s, e, t in in_scope_features)
        sweep.append({"threshold": threshold,
                      "false_accept": round(fa / len(negative_features), 4) if negative_features else None,
                      "in_scope_refusal": round(rr / len(in_scope_features), 4) if in_scope_features else None})
    usable = [s for s in sweep if s["false_accept"] is not None]
    recommended = min(usable, key=lambda s: (s["false_accept"] + s["in_scope_refusal"], s["threshold"]))["threshold"] if usable else None

    return {
        "items": len(items),
        "intent_accuracy": round(accuracy, 4),
        "per_intent": _prf(gold, predicted),
        "confused_pairs": [{"expected": g, "got": p, "count": n} for (g, p), n in confused],
        "filter_exact_match": round(filter_hits / filter_total, 4) if filter_total else None,
        "constraint_precision_at_3": round(constraint_hits / constraint_total, 4) if constraint_total else None,
        "faq_top1": round(faq_hits / faq_total, 4) if faq_total else None,
        "typo_accuracy": round(typo_accuracy, 4) if typo_accuracy is not None else None,
        "typo_clean_twin_accuracy": round(clean_accuracy, 4) if clean_accuracy is not None else None,
        "typo_pairs": len(twins),
        "negatives": len(negatives),
        "false_accept_rate": round(len(accepted) / len(negatives), 4) if negatives else None,
        "in_scope_refusal_rate": round(refused / len(in_scope), 4) if in_scope else None,
        "threshold": brain.threshold,
        "threshold_sweep": sweep,
        "recommended_threshold": recommended,
        "examples_of_failures": {k: v[:12] for k, v in failures.items()},
        "false_accepts": accepted[:25],
    }


def format_report(report: dict) -> str:
    lines = [f"Evaluation on {report['items']} utterances", "",
             f"intent accuracy            {report['intent_accuracy']:.1%}", "",
             f"{'intent':<14}{'precision':>10}{'recall':>8}{'f1':>8}{'n':>6}"]
    for intent, row in report["per_intent"].items():
        lines.append(f"{intent:<14}{row['precision']:>10.3f}{row['recall']:>8.3f}{row['f1']:>8.3f}{row['support']:>6}")
    lines.append("")
    lines.append("most confused: " + (", ".join(f"{c['expected']}->{c['got']} ({c['count']})"
                                               for c in report["confused_pairs"]) or "none"))

    def pct(value):
        return "n/a" if value is None else f"{value:.1%}"
    lines += [
        f"filters exact match        {pct(report['filter_exact_match'])}",
        f"constraint precision@3     {pct(report['constraint_precision_at_3'])}",
        f"FAQ top-1                  {pct(report['faq_top1'])}",
        f"typo variants              {pct(report['typo_accuracy'])} (clean twins {pct(report['typo_clean_twin_accuracy'])}, {report['typo_pairs']} pairs)",
        f"out-of-scope false accepts {pct(report['false_accept_rate'])} of {report['negatives']} CLINC150 dev negatives",
        f"in-scope refusals          {pct(report['in_scope_refusal_rate'])}",
        "",
        f"threshold sweep (current {report['threshold']}, recommended {report['recommended_threshold']}):",
    ]
    for row in report["threshold_sweep"]:
        lines.append(f"  {row['threshold']:.2f}  false accept {pct(row['false_accept'])}  in-scope refusal {pct(row['in_scope_refusal'])}")
    for kind, examples in report["examples_of_failures"].items():
        lines.append("")
        lines.append(f"{kind} misses (first {len(examples)}):")
        lines.extend("  " + e for e in examples)
    if report["false_accepts"]:
        lines.append("")
        lines.append("false accepts (first 25):")
        lines.extend("  " + e for e in report["false_accepts"])
    return "\n".join(lines)
