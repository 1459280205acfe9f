"""The OpenAPI 3.1 document of the JSON API, served at /openapi.json; tests check it against the app."""

from __future__ import annotations


def _object(properties: dict, required: list[str] | None = None, description: str = "") -> dict:
    """A closed JSON object schema: every property listed, the named ones (default: all) required."""
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _list(items: dict) -> dict:
    """An array of items."""
    return {"type": "array", "items": items}


def _ref(name: str) -> dict:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    """A response with a JSON body."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


STRING, STRINGS = {"type": "string"}, _list({"type": "string"})
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ERROR = _json(_ref("Error"), "The request was refused; `error` says why.")

CLAUSE_PROPERTIES = {
    "id": {"type": "string", "description": "Stable id of the clause.", "examples": ["028a20-31"]},
    "doc": {"type": "string", "description": "Title of the plan the clause belongs to."},
    "path": {"type": "string", "description": "Heading path, e.g. 二、(一)5; empty for the cover letter."},
    "title": {"type": "string", "description": "Title of the clause's heading."},
    "text": {"type": "string", "description": "The clause's own text, verbatim (wrapped lines joined)."},
    "lead": {**STRINGS, "description": "Units marked 牵头 (or named without a lead/cooperate split)."},
    "cooperate": {**STRINGS, "description": "Units marked 配合 or 按职责分工负责."},
    "deadline": {"type": "string", "description": "Completion deadline (完成时限) when the plan gives one."},
    "kind": {"type": "string", "enum": ["title", "letter", "preamble", "heading", "paragraph", "appendix"]},
    "source": {"type": "string", "description": "File name of the plan in the corpus folder."},
    "lines": {
        **_list({"type": "integer"}),
        "minItems": 2,
        "maxItems": 2,
        "description": "First and last line of the clause in its source file.",
    },
    "url": {"type": "string", "description": "Link to the clause, highlighted in the plan page."},
}


DAYS = {"name": "days", "in": "query", "required": False, "description": "The window, in days up to now.",
        "schema": {"type": "integer", "enum": [1, 7, 30, 90, 180], "default": 30}}
CHANNEL = {"name": "channel", "in": "query", "required": False, "description": "One channel only.",
           "schema": {"type": "string", "enum": ["", "web", "api", "wechat", "wecom", "dingtalk"]}}
LOGIN_REQUIRED = _json(_ref("Error"), "Not logged in to the admin area.")
LOG_DOWN = _json(_ref("Error"), "The question log's database cannot be read now.")
# The admin area's JSON (read-only; its pages under /admin change things, with CSRF-protected forms).
ADMIN_PATHS = {
    "/admin/api/questions": {
        "get": {
            "summary": "Logged questions: recent, unanswered, disliked, or the most asked",
            "operationId": "adminQuestions",
            "security": [{"adminSession": []}],
            "parameters": [
                {"name": "view", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": ["recent", "unanswered", "disliked", "top"],
                            "default": "recent"}},
                DAYS,
                CHANNEL,
            ],
            "responses": {
                "200": _json(
                    _object({
                        "view": STRING,
                        "days": {"type": "integer"},
                        "channel": STRING,
                        "questions": _list({"anyOf": [_ref("LoggedQuestion"), _ref("AskedQuestion")]}),
                    }),
                    "Newest first (top: most asked first), at most 1000.",
                ),
                "400": ERROR,
                "401": LOGIN_REQUIRED,
                "503": LOG_DOWN,
            },
        }
    },
    "/admin/api/stats": {
        "get": {
            "summary": "Totals and questions per day and channel, with the log's and the index's state",
            "operationId": "adminStats",
            "security": [{"adminSession": []}],
            "parameters": [DAYS],
            "responses": {
                "200": _json(
                    _object({
                        "days": {"type": "integer"},
                        "totals": _object({
                            "asked": {"type": "integer"},
                            "unanswered": {"type": "integer"},
                            "up": {"type": "integer"},
                            "down": {"type": "integer"},
                            "latency_ms": {"type": "number"},
                        }),
                        "per_day": _list(
                            _object({"day": STRING, "channel": STRING, "asked": {"type": "integer"}})
                        ),
                        "log": _ref("LogHealth"),
                        "corpus": _ref("CorpusStatus"),
                    }),
                    "The figures of the overview page.",
                ),
                "401": LOGIN_REQUIRED,
                "503": LOG_DOWN,
            },
        }
    },
    "/admin/api/status": {
        "get": {
            "summary": "The index this worker serves: its corpus version, a rebuild running, why one failed",
            "operationId": "adminStatus",
            "security": [{"adminSession": []}],
            "responses": {"200": _json(_ref("CorpusStatus"), "This worker's index."), "401": LOGIN_REQUIRED},
        }
    },
}


def openapi_spec(server: str = "/", max_question_length: int = 500) -> dict:
    """The OpenAPI document; `server` is where the API is mounted."""
    schemas = {
        "Error": _object({"error": STRING}),
        "AskRequest": {
            **_object(
                {
                    "question": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": max_question_length,
                        "pattern": "\\S",
                        "examples": ["简易注销有哪些配合单位？"],
                    },
                    "session_id": {
                        "type": ["string", "null"],
                        "maxLength": 200,
                        "description": "The same id continues a conversation (follow-ups keep the topic). "
                        "A string: a number is refused, so that 4242 and \"4242\" are never confused.",
                    },
                    "plan": {
                        "type": ["string", "null"],
                        "maxLength": 200,
                        "description": "Ask one plan alone: its id (from `plans` of an answer) or a name that names "
                        "it alone (锡盟, 三亚市, its title); \"all\", \"全部方案\" or empty for every plan. A question "
                        "that names a plan itself is answered from that plan. 400 for a name no loaded plan has.",
                        "examples": ["plan", "锡盟"],
                    },
                },
                required=["question"],
            ),
            "additionalProperties": True,
        },  # other fields are ignored, for newer clients
        "Clause": _object(CLAUSE_PROPERTIES),
        "Citation": _object(
            {
                **CLAUSE_PROPERTIES,
                "related": {
                    "type": "boolean",
                    "description": "A clause close to the best one, cited as related.",
                },
                "plan": {**STRING, "description": "The id of the plan the clause comes from."},
            }
        ),
        "Answer": _object(
            {
                "answer": {
                    "type": "string",
                    "description": "The reply as a person reads it, naming its source.",
                },
                "found": {
                    "type": "boolean",
                    "description": "false when the plans hold nothing that answers.",
                },
                "intent": {
                    "type": "string",
                    "description": "What was understood; set (tasks of units combined: both, either, one but "
                    "not the other), yes_no (the answer opens with 是 or 不是) and compare (which unit has more "
                    "tasks) answer over the whole duty table, citing every clause of the set.",
                    "examples": [
                        "lead", "cooperate", "who", "unit_tasks", "fact", "content", "set", "yes_no", "compare"
                    ],
                },
                "units": {**STRINGS, "description": "For a who-question, the units that answer it."},
                "citations": {
                    **_list(_ref("Citation")),
                    "description": "Best first; [] when found is false. When several plans answer, each plan's "
                    "own clause first, in the order of `plans`, then the first plan's related clauses.",
                },
                "plans": {
                    **_list(_object({
                        "id": STRING, "title": STRING, "short": STRING, "issuer": STRING, "date": STRING,
                        "number": STRING,
                    })),
                    "description": "The plans that answer, in the answer's order: several when a question that "
                    "names no plan is on a topic several loaded plans hold (each with its own units and clause; "
                    "`units` are the first plan's).",
                },
                "roles": {
                    **_list(
                        _object({"unit": STRING, "role": {"type": "string", "enum": ["lead", "cooperate"]}})
                    ),
                    "description": "Units of the best clause with their roles, for display.",
                },
                "highlight": {**STRINGS, "description": "The question's terms, to mark in quoted text."},
                "subject": {
                    **_object(
                        {
                            "units": STRINGS,
                            "role": {"type": "string", "enum": ["lead", "cooperate", "any", ""]},
                        }
                    ),
                    "description": "For a unit's tasks (intent unit_tasks), a set or a comparison: "
                    "the units asked about and the role.",
                },
                "understood_as": {
                    **STRING,
                    "description": "The question as read when some of its words were read otherwise "
                    "(input-method slips, short forms); empty when read as typed.",
                },
                "suggestions": {
                    **STRINGS,
                    "description": "Questions the plans do answer, for the page to offer as buttons. With a "
                    "refusal (found false): what to ask instead. With an answer (found true): what to ask next, "
                    "made from the answer (the unit's other role, the lead unit's other tasks, the neighbouring "
                    "task, the same topic in another plan), each answered by the plans before it is offered; "
                    "[] when none is.",
                },
                "elapsed_ms": {"type": "number", "description": "Time spent answering."},
                "answer_id": {
                    "type": "string",
                    "description": "Names this answer for POST /api/feedback (👍/👎); the question log keeps "
                    "the answer under it.",
                },
            }
        ),
        "FeedbackRequest": {
            **_object(
                {
                    "answer_id": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "\\S",
                                  "description": "The answer_id of an answer from /api/ask."},
                    "vote": {"type": "string", "enum": ["up", "down"]},
                    "comment": {"type": ["string", "null"], "maxLength": 500,
                                "description": "What was wrong or right, in the user's words."},
                },
                required=["answer_id", "vote"],
            ),
            "additionalProperties": True,
        },
        "ConversationRequest": {
            **_object(
                {
                    "questions": {
                        **_list({"type": "string", "minLength": 1, "maxLength": max_question_length,
                                 "pattern": "\\S"}),
                        "minItems": 1,
                        "maxItems": 40,
                        "description": "The conversation's questions in the order asked (follow-ups such as "
                        "那牵头单位呢？ continue the topic before them). Each is answered again by the server: no "
                        "answer or clause text is taken from the client.",
                        "examples": [["简易注销有哪些配合单位？", "那牵头单位呢？"]],
                    },
                    "plan": {
                        "type": ["string", "null"],
                        "maxLength": 200,
                        "description": "The plan the questions were asked of (its id or a name, as for "
                        "/api/ask); empty or absent: every plan. A name no loaded plan answers to (a plan "
                        "removed since it was chosen) is asked of every plan, and the file says so.",
                    },
                },
                required=["questions"],
            ),
            "additionalProperties": True,
        },
        "Ok": _object({"ok": {"type": "boolean", "const": True}}),
        "LogHealth": _object(
            {
                "status": {"type": "string", "enum": ["ok", "degraded", "off"]},
                "backend": {"type": "string", "examples": ["sqlite", "postgresql"]},
                "problem": {"type": "string"},
                "queued": {"type": "integer", "description": "Rows waiting to be written (queued or in hand)."},
                "dropped": {"type": "integer", "description": "Rows dropped because the queue was full."},
                "stalled_seconds": {"type": "number", "description": "How long the database has not answered "
                                    "the writer's current write (0: no write under way); degraded from 10 s."},
                "rows": {"type": "integer", "description": "Rows in the log when last measured."},
                "bytes": {"type": "integer", "description": "About how many bytes the log takes, when last "
                          "measured (rows and texts)."},
                "max_rows": {"type": "integer", "description": "LOG_MAX_ROWS: the oldest rows go beyond it."},
                "max_bytes": {"type": "integer", "description": "LOG_MAX_BYTES: the oldest rows go beyond it."},
            },
            description="The question log. Degraded: its database fails or has stopped answering (a stalled "
                        "writer), or rows were dropped in the last minute; answers go on, unlogged, meanwhile.",
        ),
        "LoggedQuestion": {
            "type": "object",
            "description": "A question of the log (views recent, unanswered, disliked).",
            "properties": {
                "answer_id": STRING,
                "asked_at": {"type": "string", "format": "date-time"},
                "day": {"type": "string", "description": "The server's local date."},
                "channel": {"type": "string", "enum": ["web", "api", "wechat", "wecom", "dingtalk"]},
                "user_hash": {"type": "string", "description": "A keyed hash of a WeChat/WeCom user id."},
                "question": STRING,
                "intent": STRING,
                "found": {"type": "boolean"},
                "top_clause": STRING,
                "top_title": STRING,
                "answer": STRING,
                "latency_ms": {"type": "number"},
                "vote": {"type": ["string", "null"], "enum": ["up", "down", None]},
                "comment": {"type": ["string", "null"]},
                "voted_at": {"type": ["string", "null"]},
            },
            "required": ["answer_id", "asked_at", "channel", "question", "intent", "found", "latency_ms"],
        },
        "AskedQuestion": {
            "type": "object",
            "description": "A question by how often it was asked (view top).",
            "properties": {
                "question": STRING,
                "asked": {"type": "integer"},
                "unanswered": {"type": "integer"},
                "up": {"type": "integer"},
                "down": {"type": "integer"},
                "last": {"type": "string", "format": "date-time"},
            },
            "required": ["question", "asked"],
        },
        "CorpusStatus": _object(
            {
                "version": {"type": "string", "description": "The corpus stamp the index was built for."},
                "building": {"type": "boolean"},
                "problem": {"type": "string", "description": "Why the last rebuild was not put in service."},
                "built_at": {"type": "number", "description": "When the index was built (Unix time)."},
                "rebuilds": {"type": "integer"},
                "documents": STRINGS,
                "clauses": {"type": "integer"},
                "pid": {"type": "integer", "description": "The worker process that answered."},
            }
        ),
        "UnitSummary": _object(
            {"unit": STRING, "lead": {"type": "integer"}, "cooperate": {"type": "integer"}}
        ),
        "UnitTasks": _object(
            {"unit": STRING, "lead": _list(_ref("Clause")), "cooperate": _list(_ref("Clause"))}
        ),
        "Health": _object(
            {
                "status": {"type": "string", "enum": ["ok", "degraded"]},
                "state": _object(
                    {
                        "status": {"type": "string", "enum": ["ok", "degraded"]},
                        "backend": {"type": "string", "enum": ["sqlite", "redis"]},
                        "problem": {"type": "string"},
                    },
                    description="The shared state (conversation context, WeChat's once-only replies). "
                    "Degraded: answers go on without context until it works again.",
                ),
                "log": _ref("LogHealth"),
                "documents": STRINGS,
                "clauses": {"type": "integer"},
                "build_seconds": {"type": "number"},
                "warnings": STRINGS,
            }
        ),
    }
    paths = {
        "/api/ask": {
            "post": {
                "summary": "Answer a question about the plans",
                "operationId": "ask",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("AskRequest")}},
                },
                "responses": {
                    "200": _json(_ref("Answer"), "The answer, citing the clauses it rests on."),
                    "400": ERROR,
                    "404": ERROR,  # a `plan` no loaded plan answers to
                    "413": ERROR,
                },
            }
        },
        "/api/feedback": {
            "post": {
                "summary": "👍 or 👎 (and a comment) on an answer",
                "operationId": "feedback",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("FeedbackRequest")}},
                },
                "responses": {
                    "200": _json(_ref("Ok"), "The vote is attached to the answer in the question log."),
                    "400": ERROR,
                    "404": ERROR,
                    "413": ERROR,
                },
            }
        },
        "/api/conversation.docx": {
            "post": {
                "summary": "The conversation as a Word file for the minutes (导出本次问答)",
                "description": "Each question answered again, in order, as one conversation: the question, the "
                "answer, the clauses it rests on in full (text, units by role, deadline), the related ones by "
                "name. A4, title, date and plans, page numbers. Errors are in Chinese.",
                "operationId": "conversationDocx",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("ConversationRequest")}},
                },
                "responses": {
                    "200": {
                        "description": "The .docx file (Content-Disposition: attachment; 问答记录-YYYYMMDD.docx).",
                        "content": {DOCX: {"schema": {"type": "string", "format": "binary"}}},
                    },
                    "400": ERROR,
                    "413": ERROR,
                },
            }
        },
        **ADMIN_PATHS,
        "/api/clauses": {
            "get": {
                "summary": "Every clause of every plan, in document order",
                "operationId": "clauses",
                "responses": {"200": _json(_list(_ref("Clause")), "The clauses.")},
            }
        },
        "/api/units": {
            "get": {
                "summary": "Every unit with the number of tasks it leads and cooperates in",
                "operationId": "units",
                "responses": {
                    "200": _json(_list(_ref("UnitSummary")), "The units, in the order the plans name them.")
                },
            }
        },
        "/api/units/{name}": {
            "get": {
                "summary": "One unit's tasks by role",
                "operationId": "unit",
                "parameters": [
                    {
                        "name": "name",
                        "in": "path",
                        "required": True,
                        "schema": STRING,
                        "description": "The unit's name or an alias from units.yaml (工商局 → 盟工商局).",
                    }
                ],
                "responses": {
                    "200": _json(_ref("UnitTasks"), "The clauses the unit leads and cooperates in."),
                    "404": ERROR,
                },
            }
        },
        "/healthz": {
            "get": {
                "summary": "Liveness and what is loaded",
                "operationId": "healthz",
                "responses": {"200": _json(_ref("Health"), "The service is up.")},
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "This document",
                "operationId": "openapi",
                "responses": {"200": _json({"type": "object"}, "The OpenAPI document.")},
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "方案问答助手 API",
            "version": "1.0.0",
            "description": "Questions and answers about implementation plans (实施方案), with the clauses "
            "they rest on and who leads or cooperates in each task.",
        },
        "servers": [{"url": server}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "adminSession": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "session",
                    "description": "The session cookie of a login at /admin/login (the password set with "
                    "`python app.py set-password`).",
                }
            },
        },
    }
