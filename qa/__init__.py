"""Question answering over implementation plans (实施方案): clauses, duties, retrieval, answers."""
from .assistant import Assistant
from .corpus import Corpus, load_corpus
from .retrieve import Settings
from .records import Answer, Clause
from .sessions import StateStore

__all__ = ["Answer", "Assistant", "Clause", "Corpus", "Settings", "StateStore", "load_corpus"]
