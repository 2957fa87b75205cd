"""TF-IDF retrieval scored through the query terms' postings.

The index is scikit-learn's TF-IDF (CountVectorizer, TfidfTransformer) over weighted fields, stored column-wise (one posting
list per term), so a query touches only the documents that share a term with it: its cost grows
with the query's postings, not with the size of the catalog.

>>> r = TfidfRetriever({"title": ["Python basics", "SQL for data", "Deep learning", "Python for data"]})
>>> [i for i, _ in r.search("python data", k=2)]
[3, 0]
"""
from __future__ import annotations

import math
from collections import Counter

import numpy as np

from assistant.textnorm import tokenize

# Postings under 1/SPARSE_SHARE of the documents are summed over the documents they name.
SPARSE_SHARE = 4
# An index of at most this many documents (the FAQ, the roadmap's sections) also keeps each term's
# row over every document: a query's scores are then one product of its weights with its terms'
# rows, where going through postings would cost a few array operations a term.
DENSE_DOCS = 512


class TfidfRetriever:
    def __init__(self, fields: dict[str, list[str]], weights: dict[str, float] | None = None):
        if not fields:
            raise ValueError("TfidfRetriever needs at least one field")
        lengths = {len(texts) for texts in fields.values()}
        if len(lengths) != 1:
            raise ValueError(f"every field needs one text per document, got lengths {sorted(lengths)}")
        from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer   # building only
        from sklearn.preprocessing import normalize
        weights = weights or {}
        self.n_docs_ = lengths.pop()
        # scikit-learn's TfidfVectorizer is a CountVectorizer and a TfidfTransformer; they are used
        # apart so that each distinct text is tokenized and counted once (fields repeat texts: a
        # course's topics, its provider), its counts then taken for every document that has it. The vocabulary and the IDF are those of the whole documents
        # (all fields joined): a document's counts are the sum of its fields' counts, as the
        # tokenizer never joins words across the space that separates two fields.
        distinct = list(dict.fromkeys(text for texts in fields.values() for text in texts))
        counter = CountVectorizer(analyzer=tokenize, dtype=np.float32)
        counts = counter.fit_transform(distinct)
        row = {text: i for i, text in enumerate(distinct)}
        blocks = [counts[[row[text] for text in texts]] for texts in fields.values()]
        tfidf = TfidfTransformer(sublinear_tf=True, norm=None).fit(sum(blocks[1:], blocks[0]))
        # Each field is normalised on its own, then weighted: a long skills list must not dilute
        # a title that says exactly what the learner asked for.
        matrix = None
        total = sum(float(weights.get(name, 1.0)) for name in fields)
        for name, block in zip(fields, blocks):
            part = normalize(tfidf.transform(block), norm="l2", copy=False) * (float(weights.get(name, 1.0)) / total)
            matrix = part if matrix is None else matrix + part
        matrix = matrix.tocsc()
        matrix.sort_indices()
        self.vocabulary_ = counter.vocabulary_
        self.idf_ = tfidf.idf_.astype(np.float32)
        self._indptr = matrix.indptr
        self._indices = matrix.indices
        self._data = matrix.data
        self._rows = np.ascontiguousarray(matrix.T.toarray()) if self.n_docs_ <= DENSE_DOCS else None

    def query_terms(self, query: str) -> list[tuple[int, float]]:
        """(term id, weight) for the query's known terms, L2-normalised."""
        counts = Counter(t for t in tokenize(query) if t in self.vocabulary_)
        if not counts:
            return []
        terms = [(self.vocabulary_[t], (1.0 + math.log(c)) * float(self.idf_[self.vocabulary_[t]]))
                 for t, c in counts.items()]
        norm = math.sqrt(sum(w * w for _, w in terms))
        return [(term, w / norm) for term, w in terms]

    def scores(self, query: str) -> tuple[np.ndarray, np.ndarray]:
        """Documents sharing a term with the query, and their cosine scores (unsorted)."""
        terms = self.query_terms(query)
        if not terms:
            return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)
        if self._rows is not None:
            weights = np.fromiter((w for _, w in terms), dtype=np.float64, count=len(terms))
            summed = np.dot(weights, self._rows.take([t for t, _ in terms], axis=0))
            docs = np.flatnonzero(summed).astype(self._indices.dtype, copy=False)
            return docs, summed[docs].astype(np.float32)
        if len(terms) == 1:
            term, weight = terms[0]
            start, end = self._indptr[term], self._indptr[term + 1]
            return self._indices[start:end], self._data[start:end] * weight
        # Summed by a single bincount over the postings (in float64, in the query's term order): into
        # one dense row when they are many (a common term lists thousands of documents), else over
        # the documents they name (sorted once), which spares a pass over every document's slot.
        doc_parts, score_parts = [], []
        for term, weight in terms:
            start, end = self._indptr[term], self._indptr[term + 1]
            doc_parts.append(self._indices[start:end])
            score_parts.append(self._data[start:end] * weight)
        postings = np.concatenate(doc_parts)
        if len(postings) * SPARSE_SHARE < self.n_docs_:
            order = postings.argsort(kind="stable")     # stable: each document's parts in term order
            ordered = postings[order]
            first = np.empty(len(ordered), dtype=bool)
            first[0] = True
            np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
            summed = np.bincount(np.cumsum(first) - 1, weights=np.concatenate(score_parts)[order])
            return ordered[first], summed.astype(np.float32)
        summed = np.bincount(postings, weights=np.concatenate(score_parts), minlength=self.n_docs_)
        docs = np.flatnonzero(summed).astype(self._indices.dtype, copy=False)
        return docs, summed[docs].astype(np.float32)

    def key_term_documents(self, query: str) -> np.ndarray | None:
        """The documents holding the query's most distinctive known term (highest IDF), when the
        query has two known terms or more; else None."""
        terms = self.query_terms(query)
        if len(terms) < 2:
            return None
        term = max(terms, key=lambda t: (float(self.idf_[t[0]]), -t[0]))[0]
        return self._indices[self._indptr[term]:self._indptr[term + 1]]

    def search(self, query: str, k: int = 10) -> list[tuple[int, float]]:
        """The k best (document index, score) pairs, best first."""
        docs, scores = self.scores(query)
        if len(docs) == 0:
            return []
        if len(docs) > k:
            top = np.argpartition(-scores, k - 1)[:k]
            docs, scores = docs[top], scores[top]
        # At most k pairs: best score first, then the lower document index.
        order = np.lexsort((docs, -scores))
        return list(zip(docs[order].tolist(), scores[order].tolist()))
