"""What the reading tests compare two readings of one plan by (a plan read from .txt and from .pdf/.ofd/.doc)."""

from __future__ import annotations


def comparable(clauses):
    """Each clause as the reading gives it, text without white space (a layout wraps lines differently)."""
    return [(c.kind, c.path, c.title, "".join(c.text.split()), c.lead, c.cooperate, c.deadline) for c in clauses]
