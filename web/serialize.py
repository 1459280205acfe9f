"""Answers and clauses as the JSON the API and the pages share."""

from __future__ import annotations

from flask import url_for

from qa import Answer, Clause


def clause_json(clause: Clause) -> dict:
    """A clause with the fields of the answer contract, and a link to it in the plan view."""
    return {
        "id": clause.id,
        "doc": clause.doc,
        "path": clause.path,
        "title": clause.title,
        "text": clause.text,
        "lead": list(clause.lead),
        "cooperate": list(clause.cooperate),
        "deadline": clause.deadline,
        "kind": clause.kind,
        "source": clause.source,
        "lines": list(clause.lines),
        "url": url_for("pages.clause", clause_id=clause.id),
    }


def answer_json(answer: Answer) -> dict:
    """An answer as POST /api/ask returns it (see ../shared/eval/README.md)."""
    related = {c.id for c in answer.related}
    return {
        "answer": answer.answer,
        "found": answer.found,
        "intent": answer.intent,
        "units": list(answer.units),
        "citations": [dict(clause_json(c), related=c.id in related) for c in answer.citations],
        "roles": [{"unit": u, "role": r} for u, r in answer.unit_roles],
        "highlight": list(answer.highlight),
        # For a unit's tasks: the unit(s) asked about and the role (lead | cooperate | any).
        "subject": {"units": list(answer.subject_units), "role": answer.subject_role},
        # The question as read when some of its words were read otherwise (slips, short forms): a wrong
        # guess shows; "" when it was read as typed.
        "understood_as": answer.understood_as,
        # With a refusal: questions the plans do answer, for the page to offer as clickable chips.
        "suggestions": list(answer.suggestions),
    }
