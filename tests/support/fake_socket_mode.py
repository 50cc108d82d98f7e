"""A stand-in for Slack's Socket Mode server: a WebSocket endpoint on loopback.

Speaks just enough RFC 6455 for slack_sdk's built-in client (handshake, text frames, ping and
pong, close) and Slack's envelope protocol on top: `hello` on connect, then envelopes the test
sends, each acknowledged by the app with its `envelope_id` (and the response payload, if any).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import socket
import struct
import threading
import time
import uuid
from typing import Any

_WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_TEXT, _CLOSE, _PING, _PONG = 0x1, 0x8, 0x9, 0xA


class FakeSocketMode:
    """Accepts the app's WebSocket, sends it envelopes, and collects its acknowledgements."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._condition = threading.Condition()
        self._connection: socket.socket | None = None
        self._send_lock = threading.Lock()
        self.acks: dict[str, dict[str, Any]] = {}
        self.connections = 0
        threading.Thread(target=self._accept_forever, daemon=True).start()

    @property
    def url(self) -> str:
        """What `apps.connections.open` hands the app."""
        port = self._listener.getsockname()[1]
        return f"ws://127.0.0.1:{port}/link/?ticket=fake-ticket&app_id=A0APP"

    def wait_connected(self, timeout: float = 20.0) -> None:
        self._wait(lambda: self._connection is not None, timeout, "the app never connected")

    def send(self, kind: str, payload: dict[str, Any]) -> str:
        """Deliver one envelope (`slash_commands`, `interactive`, `events_api`); its id."""
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": 0,
            "retry_reason": "",
        }
        with self._condition:
            connection = self._connection
        assert connection is not None, "no app connected"
        self._send_frame(connection, _TEXT, json.dumps(envelope).encode())
        return envelope_id

    def wait_for_ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """The app's acknowledgement of an envelope: `{"envelope_id": …, "payload": …}`."""
        self._wait(lambda: envelope_id in self.acks, timeout, f"no ack for {envelope_id}")
        return self.acks[envelope_id]

    def close(self) -> None:
        with self._condition:
            connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(OSError):
                self._send_frame(connection, _CLOSE, struct.pack(">H", 1000))
            connection.close()
        self._listener.close()

    # -- the wire ---------------------------------------------------------------------------

    def _wait(self, done: Any, timeout: float, failure: str) -> None:
        deadline = time.monotonic() + timeout
        with self._condition:
            while not done():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(failure)
                self._condition.wait(remaining)

    def _accept_forever(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        try:
            self._handshake(connection)
            hello = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0APP"}}
            self._send_frame(connection, _TEXT, json.dumps(hello).encode())
            with self._condition:
                self._connection = connection
                self.connections += 1
                self._condition.notify_all()
            while True:
                opcode, data = _read_frame(connection)
                if opcode == _PING:
                    self._send_frame(connection, _PONG, data)
                elif opcode == _TEXT:
                    ack = json.loads(data)
                    with self._condition:
                        self.acks[ack["envelope_id"]] = ack
                        self._condition.notify_all()
                elif opcode == _CLOSE:
                    return
        except (OSError, ConnectionError):
            return
        finally:
            with self._condition:
                if self._connection is connection:
                    self._connection = None
            connection.close()

    @staticmethod
    def _handshake(connection: socket.socket) -> None:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = connection.recv(1024)
            if not chunk:
                raise ConnectionError("closed during the handshake")
            request += chunk
        headers = dict(
            line.split(": ", 1) for line in request.decode().split("\r\n")[1:] if ": " in line
        )
        key = headers["Sec-WebSocket-Key"].strip()
        # RFC 6455 fixes SHA-1 here; it proves the server read the key, nothing more.
        digest = hashlib.sha1((key + _WEBSOCKET_GUID).encode(), usedforsecurity=False).digest()
        accept = base64.b64encode(digest)
        connection.sendall(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n"
        )

    def _send_frame(self, connection: socket.socket, opcode: int, data: bytes) -> None:
        # A server's frames are not masked.
        size = len(data)
        if size < 126:
            header = struct.pack(">BB", 0x80 | opcode, size)
        elif size < 1 << 16:
            header = struct.pack(">BBH", 0x80 | opcode, 126, size)
        else:
            header = struct.pack(">BBQ", 0x80 | opcode, 127, size)
        with self._send_lock:
            connection.sendall(header + data)


def _read_frame(connection: socket.socket) -> tuple[int, bytes]:
    first, second = _read_exactly(connection, 2)
    size = second & 0x7F
    if size == 126:
        (size,) = struct.unpack(">H", _read_exactly(connection, 2))
    elif size == 127:
        (size,) = struct.unpack(">Q", _read_exactly(connection, 8))
    # A client's frames are masked (RFC 6455 5.3).
    mask = _read_exactly(connection, 4) if second & 0x80 else b"\0\0\0\0"
    data = _read_exactly(connection, size)
    return first & 0x0F, bytes(byte ^ mask[n % 4] for n, byte in enumerate(data))


def _read_exactly(connection: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = connection.recv(count - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data
