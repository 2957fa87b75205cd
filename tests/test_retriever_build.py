"""The course, FAQ and section indexes are built as scikit-learn's TfidfVectorizer would build them.

TfidfRetriever counts each field's tokens once and adds them up for the whole document, instead
of tokenizing the joined fields again; these tests hold it to the plain TfidfVectorizer recipe.
"""
import numpy as np
from hypothesis import given, settings, strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

import pytest

from assistant.retriever import DENSE_DOCS, SPARSE_SHARE, TfidfRetriever
from assistant.textnorm import tokenize

FIELDS = {
    "title": ["Python for Everybody", "Introducción a C++", "ASP.NET and .NET Core", "Node.js: the basics",
              "Python for Everybody", "", "SQL for Data Science", "C# fundamentals"],
    "skills": ["python programming", "c++ pointers", ".net c#", "node.js express javascript",
               "python", "python", "sql sql queries databases", "c# .net"],
    "topics": ["Programming Python", "Programming", "Programming Web development", "Web development",
               "Programming Python", "Programming Python", "Data science SQL", "Programming"],
    "context": ["Michigan Coursera", "Universidad Austral edX", "Microsoft edX", " Udemy",
                "Michigan Coursera", "Coursera ", "UC Davis Coursera", "Microsoft "],
}
WEIGHTS = {"title": 3.0, "skills": 1.5, "topics": 1.5, "context": 0.5}


def reference_matrix(fields, weights):
    """The index as TfidfVectorizer builds it: fit on the joined fields, then each field
    transformed, L2-normalised and weighted."""
    vectorizer = TfidfVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None,
                                 sublinear_tf=True, norm=None, dtype=np.float32)
    vectorizer.fit([" ".join(parts) for parts in zip(*fields.values())])
    total = sum(weights.get(name, 1.0) for name in fields)
    matrix = sum(normalize(vectorizer.transform(texts), norm="l2") * (weights.get(name, 1.0) / total)
                 for name, texts in fields.items())
    return vectorizer, matrix.tocsc()


def test_the_index_is_the_one_tfidfvectorizer_builds():
    retriever = TfidfRetriever(FIELDS, WEIGHTS)
    vectorizer, expected = reference_matrix(FIELDS, WEIGHTS)
    assert retriever.vocabulary_ == vectorizer.vocabulary_
    np.testing.assert_array_equal(retriever.idf_, vectorizer.idf_.astype(np.float32))
    expected.sort_indices()
    np.testing.assert_array_equal(retriever._indptr, expected.indptr)
    np.testing.assert_array_equal(retriever._indices, expected.indices)
    np.testing.assert_allclose(retriever._data, expected.data, rtol=1e-6)
    assert retriever.search("python programming", k=3)[0][0] in (0, 4)
    assert {i for i, _ in retriever.search("c# .net", k=2)} == {2, 7}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=30), min_size=1, max_size=5))
def test_joined_fields_tokenize_as_their_parts(parts):
    """What the index relies on to count each field apart: the space between two fields never
    makes or breaks a token."""
    assert tokenize(" ".join(parts)) == [token for part in parts for token in tokenize(part)]


def corpus(size: int) -> list[str]:
    rng = np.random.default_rng(7)
    vocabulary = ["python", "data", "sql", "web", "java", "course", "x"]
    return [" ".join(rng.choice(vocabulary, size=3)) for _ in range(size)] + ["rare python", "scarce data", "rare scarce"]


SMALL, LARGE = TfidfRetriever({"title": corpus(100)}), TfidfRetriever({"title": corpus(600)})


@pytest.mark.parametrize("retriever", [SMALL, LARGE], ids=["term rows", "postings"])
@settings(max_examples=200, deadline=None)
@given(query_words=st.lists(st.sampled_from(["python", "data", "sql", "web", "java", "rare", "scarce", "c++", "course", "x"]),
                            min_size=1, max_size=6))
def test_scores_are_the_cosines_whatever_the_path(retriever, query_words):
    """A small index sums its terms' rows; a large one sums a query's postings over the documents
    they name when they are few, else into a dense row: each gives every document sharing a term
    its cosine with the query, no other document."""
    assert (retriever._rows is not None) == (retriever.n_docs_ <= DENSE_DOCS)
    texts = corpus(retriever.n_docs_ - 3)
    vectorizer, matrix = reference_matrix({"title": texts}, {})
    query = normalize(vectorizer.transform([" ".join(query_words)]), norm="l2")
    expected = (matrix @ query.T).toarray().ravel()
    docs, scores = retriever.scores(" ".join(query_words))
    assert set(docs.tolist()) == set(np.flatnonzero(expected).tolist())
    np.testing.assert_allclose(scores, expected[docs], rtol=1e-5)
    assert list(docs) == sorted(docs)


def test_a_query_of_rare_terms_is_summed_over_its_postings():
    texts = ["python data"] * 600 + ["rare python", "scarce data", "rare scarce"]
    retriever = TfidfRetriever({"title": texts})
    assert retriever._rows is None
    postings = sum(retriever._indptr[t + 1] - retriever._indptr[t] for t, _ in retriever.query_terms("rare scarce"))
    assert postings * SPARSE_SHARE < retriever.n_docs_          # the path over the postings
    assert [i for i, _ in retriever.search("rare scarce", k=3)] == [602, 600, 601]
