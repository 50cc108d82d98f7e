"""The page's HTTP plumbing: its replies, its own files, and the JSON it sends.

Only the page's own requests are read here; anything else is a `PageRequestError` (a 400).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from importlib import resources
from typing import Any

# The page's own requests are small; anything bigger is not from it.
MAX_BODY_BYTES = 256 * 1024
STATIC_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


class PageRequestError(ValueError):
    """The page sent something it never sends: a 400 with this text."""


@dataclass(frozen=True)
class PageReply:
    """One answer to the browser, before it is sent."""

    status: int
    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...] = ()


def json_reply(value: Any, status: int = 200) -> PageReply:
    """`value` as a JSON answer."""
    return PageReply(status, json.dumps(value).encode(), "application/json; charset=utf-8")


def send_page_reply(request: BaseHTTPRequestHandler, method: str, reply: PageReply) -> None:
    """Send `reply`, never to be cached; its body left out for a HEAD."""
    request.send_response(reply.status)
    request.send_header("Content-Type", reply.content_type)
    request.send_header("Content-Length", str(len(reply.body)))
    request.send_header("Cache-Control", "no-store")
    for name, value in reply.headers:
        request.send_header(name, value)
    request.end_headers()
    if method != "HEAD":
        request.wfile.write(reply.body)


def static_file(name: str) -> PageReply:
    """One of the page's own files, from the installed package."""
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    if "/" in name or name.startswith(".") or suffix not in STATIC_TYPES:
        return PageReply(404, b"not found", "text/plain; charset=utf-8")
    try:
        content = resources.files("bot.playground").joinpath("static", name).read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return PageReply(404, b"not found", "text/plain; charset=utf-8")
    return PageReply(200, content, STATIC_TYPES[suffix])


def is_json_media_type(content_type: str) -> bool:
    """Whether a Content-Type header is `application/json`, with at most a UTF-8 charset."""
    media_type, *parameters = content_type.split(";")
    if media_type.strip().lower() != "application/json":
        return False
    return all(_is_utf8_charset(parameter) for parameter in parameters if parameter.strip())


def _is_utf8_charset(parameter: str) -> bool:
    name, _, value = parameter.partition("=")
    return name.strip().lower() == "charset" and value.strip().strip('"').lower() == "utf-8"


def read_json(request: BaseHTTPRequestHandler) -> dict[str, Any]:
    """The JSON object the page posted."""
    # Another site's page can send a form or text without asking first, but JSON only after
    # a CORS preflight, which this server never grants. Hence the media type itself, parsed:
    # `text/plain; x=application/json` is text.
    if not is_json_media_type(request.headers.get("Content-Type") or ""):
        raise PageRequestError("the page sends JSON (Content-Type: application/json)")
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        raise PageRequestError("Content-Length must be a number") from None
    if not 0 < length <= MAX_BODY_BYTES:
        raise PageRequestError("a JSON body of at most 256 KiB is needed")
    try:
        body = json.loads(request.rfile.read(length))
    except ValueError:
        raise PageRequestError("the body is not JSON") from None
    if not isinstance(body, dict):
        raise PageRequestError("the body must be a JSON object")
    return body


def text_field(body: dict[str, Any], name: str) -> str:
    """The text field `name` of the page's request ("" if absent)."""
    value = body.get(name, "")
    if not isinstance(value, str):
        raise PageRequestError(f"{name} must be text")
    return value


def view_state(value: Any) -> dict[str, Any]:
    """`{"values": …}` as the page sends it, or an empty state."""
    if isinstance(value, dict) and isinstance(value.get("values"), dict):
        return {"values": value["values"]}
    return {"values": {}}


def first_value(query: dict[str, list[str]], name: str) -> str:
    """The first value of a query parameter ("" if absent)."""
    return query.get(name, [""])[0]


def since_version(value: str) -> int:
    """The workspace version the page last saw; -1 (anything is new) if it sent none."""
    return int(value) if value.isdigit() else -1
