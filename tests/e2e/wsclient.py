"""A minimal graphql-transport-ws client over `websockets`, written out by hand on purpose:
the test checks the wire protocol a frontend speaks, not a client library's idea of it."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import websockets

PROTOCOL = "graphql-transport-ws"


class SubscriptionClient:
    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self._inbox: dict[str, asyncio.Queue[dict[str, Any]]] = defaultdict(asyncio.Queue)
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.connection:
            message = json.loads(raw)
            if message["type"] == "ping":
                await self.connection.send(json.dumps({"type": "pong"}))
            elif "id" in message:
                await self._inbox[message["id"]].put(message)

    async def subscribe(self, op_id: str, query: str, variables: dict[str, Any]) -> None:
        payload = {"query": query, "variables": variables}
        await self.connection.send(
            json.dumps({"id": op_id, "type": "subscribe", "payload": payload})
        )

    async def next(self, op_id: str, within: float) -> dict[str, Any]:
        """The next result of an operation; fails (never hangs) after `timeout` seconds."""
        try:
            message = await asyncio.wait_for(self._inbox[op_id].get(), within)
        except TimeoutError:
            raise AssertionError(f"no message for subscription {op_id!r} in {within}s") from None
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message["payload"]
        return message["payload"]["data"]

    async def quiet(self, op_id: str, within: float) -> None:
        """Assert that nothing (more) arrives for an operation during `within` seconds."""
        await asyncio.sleep(within)
        inbox = self._inbox[op_id]
        assert inbox.empty(), f"unexpected message for {op_id!r}: {inbox.get_nowait()}"

    async def error(self, op_id: str, within: float) -> list[dict[str, Any]]:
        message = await asyncio.wait_for(self._inbox[op_id].get(), within)
        if message["type"] == "next":
            assert message["payload"].get("errors"), message
            return message["payload"]["errors"]
        assert message["type"] == "error", message
        return message["payload"]

    async def complete(self, op_id: str) -> None:
        await self.connection.send(json.dumps({"id": op_id, "type": "complete"}))

    async def close(self) -> None:
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, websockets.ConnectionClosed):
            await self._reader
        await self.connection.close()


@contextlib.asynccontextmanager
async def subscription_client(
    url: str, token: str, within: float
) -> AsyncIterator[SubscriptionClient]:
    """Connect, authenticate in `connection_init`, and wait for the server's ack."""
    connection = await asyncio.wait_for(
        websockets.connect(url, subprotocols=[PROTOCOL]),  # type: ignore[list-item]
        within,
    )
    init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
    await connection.send(json.dumps(init))
    ack = json.loads(await asyncio.wait_for(connection.recv(), within))
    assert ack["type"] == "connection_ack", ack
    client = SubscriptionClient(connection)
    try:
        yield client
    finally:
        await client.close()


async def wait_subscribed(redis: Any, channel: str, expected: int, within: float) -> None:
    """Wait until the server holds `expected` subscriptions on `channel` (`*`: a pattern).

    The protocol has no "subscribed" acknowledgement, so tests ask Redis before they
    trigger what should be published.
    """
    deadline = asyncio.get_running_loop().time() + within
    while True:
        if "*" in channel:
            found = await redis.pubsub_numpat()
        else:
            found = dict(await redis.pubsub_numsub(channel)).get(channel.encode(), 0)
        if found == expected:
            return
        assert asyncio.get_running_loop().time() < deadline, (
            f"{channel}: {found} subscriptions, expected {expected}"
        )
        await asyncio.sleep(0.02)
