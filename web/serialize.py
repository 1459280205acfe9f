"""Answers and clauses as the JSON the API and the pages share; an answer's JSON is made once and kept."""

from __future__ import annotations

from collections.abc import Callable

import orjson
from flask import url_for
from werkzeug.routing import Map

from qa import Answer, Assistant, Clause
from qa.memo import IdentityMemo
from qa.plans import Catalogue

__all__ = ["AnswerBodies", "answer_json", "clause_json", "response_body"]
CLAUSES_KEPT = 20_000  # clauses whose JSON AnswerBodies keeps (a compilation cites from its ~12,000)


def clause_json(clause: Clause, link: Callable[[str], str] | None = None) -> dict:
    """A clause with the fields of the answer contract, and a link to it in the plan view (made by `link`
    from its id; by url_for in a request)."""
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
        "url": link(clause.id) if link else url_for("pages.clause", clause_id=clause.id),
    }


def answer_json(answer: Answer, link: Callable[[str], str] | None = None, catalogue: Catalogue | None = None,
                clause: Callable[[Clause], dict] | None = None) -> dict:
    """An answer as POST /api/ask returns it (see ../shared/eval/README.md); `link` as for clause_json;
    `catalogue` (the assistant's plans) names the plan of each citation and the plans that answer; `clause`
    makes a citation's clause_json (kept ones, by AnswerBodies) instead of clause_json with `link`."""
    as_json = clause or (lambda c: clause_json(c, link))
    related = {c.id for c in answer.related}
    plan_of = catalogue.plan_of if catalogue is not None else (lambda clause: "")
    plans = [catalogue.by_id[p].to_dict() for p in answer.plans if p in catalogue.by_id] if catalogue else []
    return {
        "answer": answer.answer,
        "found": answer.found,
        "intent": answer.intent,
        "units": list(answer.units),
        "citations": [dict(as_json(c), related=c.id in related, plan=plan_of(c)) for c in answer.citations],
        # the plans that answer, in the answer's order: several when a question that names none is on a topic
        # several plans hold (each citation's `plan` says whose it is)
        "plans": plans,
        "roles": [{"unit": u, "role": r} for u, r in answer.unit_roles],
        "highlight": list(answer.highlight),
        # For a unit's tasks: the unit(s) asked about and the role (lead | cooperate | any).
        "subject": {"units": list(answer.subject_units), "role": answer.subject_role},
        # The question as read when some of its words were read otherwise (slips, short forms): a wrong
        # guess shows; "" when it was read as typed.
        "understood_as": answer.understood_as,
        # Questions the plans do answer, for the page to offer as buttons: with a refusal, what to ask instead;
        # with an answer, what to ask next (made from it, each checked: qa/answering/suggest.py).
        "suggestions": list(answer.suggestions),
    }


class AnswerBodies:
    """Each answer's JSON, made once: the assistant hands back the same Answer object for the same question,
    so the bytes are kept beside it (least recently used dropped first; all dropped when the plans reload).

    A body is the JSON object without its closing brace: the request's own fields (elapsed_ms, answer_id)
    are appended to it by `response_body`.
    """

    def __init__(self, url_map: Map, size: int = 4096):
        self.url_map = url_map
        self._bodies: IdentityMemo[bytes] = IdentityMemo(size)
        self._owner: Assistant | None = None
        # each cited clause's JSON with its link, made once per prefix: a new question's answer cites clauses
        # cited before, and building a link through the URL map cost more than the rest of the JSON
        self._clauses: dict[tuple[str, str], dict] = {}

    def open_body(self, assistant: Assistant, answer: Answer, root: str) -> bytes:
        """The answer's JSON without its closing brace, links made under `root` (nginx's prefix, or '')."""
        if assistant is not self._owner:  # the plans were reloaded: every kept answer is stale
            self._bodies.clear()
            self._clauses = {}
            self._owner = assistant
        body = self._bodies.get((answer,), root)
        if body is None:
            body = orjson.dumps(answer_json(answer, catalogue=assistant.catalogue,
                                            clause=lambda c: self._clause(c, root)))
            body = self._bodies.put((answer,), body[:-1], root)
        return body

    def _clause(self, clause: Clause, root: str) -> dict:
        """A clause's JSON with its link under `root`, kept (CLAUSES_KEPT at most: then all are made anew)."""
        found = self._clauses.get((clause.id, root))
        if found is None or found["text"] is not clause.text:
            links = self.url_map.bind("localhost", script_name=root or "/")
            found = clause_json(clause, lambda i: links.build("pages.clause", {"clause_id": i}))
            if len(self._clauses) >= CLAUSES_KEPT:
                self._clauses = {}
            self._clauses[clause.id, root] = found
        return found

    def __len__(self) -> int:
        return len(self._bodies)


def response_body(open_body: bytes, elapsed_ms: float, answer_id: str) -> bytes:
    """A kept answer body closed with this request's own fields."""
    return b'%s,"elapsed_ms":%s,"answer_id":%s}' % (
        open_body, orjson.dumps(round(elapsed_ms, 3)), orjson.dumps(answer_id)
    )
