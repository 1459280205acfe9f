"""Question answering over implementation plans (实施方案): clauses, duties, retrieval, answers.

reading/ (sources → segment → duties, units) → index/ (tokenize → bm25 → retrieve)
→ answering/ (understand → answerers → compose, conversation), wired by assistant.py;
records.py, vocabulary.py and state.py are shared below them.
"""

from .assistant import Assistant
from .index.retrieve import RetrievalSettings
from .reading.corpus import Corpus, load_corpus
from .records import Answer, Clause, Intent, Question
from .state import StateStore

__all__ = [
    "Answer",
    "Assistant",
    "Clause",
    "Corpus",
    "Intent",
    "Question",
    "RetrievalSettings",
    "StateStore",
    "load_corpus",
]
