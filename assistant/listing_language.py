"""The language of a course from its title (and URL), for listings that give none."""
from __future__ import annotations

import re

from assistant.textnorm import fold

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
