"""The callbacks' XML: read with defusedxml (no DOCTYPE, no entities),
written with CDATA as the platforms do."""

from __future__ import annotations

import re
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

# Characters XML 1.0 cannot carry even in CDATA; a reply holding one would be refused by the platform.
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class BadXML(ValueError):
    """A body that is not the flat <xml> document the platforms send."""


def parse(body: bytes | str) -> dict[str, str]:
    """The <xml> root's simple children as {tag: text}; BadXML for anything else.

    A DOCTYPE is refused as soon as the parser meets it, so no entity is ever declared or expanded
    (billion laughs, external entities); an undeclared entity reference is a parse error.
    """
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise BadXML(f"refused: {type(exc).__name__}") from None
    except (ParseError, ValueError) as exc:
        raise BadXML(f"not well-formed XML: {exc}") from None
    if root.tag != "xml":
        raise BadXML(f"the root element must be <xml>, got <{root.tag}>")
    return {child.tag: (child.text or "").strip() for child in root if len(child) == 0}


def cdata(text: str) -> str:
    """Text as CDATA, with "]]>" split across two sections and characters XML cannot hold dropped."""
    return "<![CDATA[" + NOT_XML.sub("", text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def render(fields: dict[str, str | int]) -> str:
    """An <xml> document of the fields in order: integers bare, strings as CDATA."""
    parts = [
        f"<{tag}>{value}</{tag}>" if isinstance(value, int) else f"<{tag}>{cdata(str(value))}</{tag}>"
        for tag, value in fields.items()
    ]
    return "<xml>" + "".join(parts) + "</xml>"
