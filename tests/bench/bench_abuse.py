"""Abuse benchmark: another token's probe latency while four clients send an expensive document.

    .venv/bin/python -m tests.bench.bench_abuse
    .venv/bin/python -m tests.bench.bench_abuse --seconds 20 --redis-url redis://127.0.0.1:6379/3

A real `segmentql serve` (one process, a new PostgreSQL database, REDIS_URL memory:// by
default or --redis-url) answers two read tokens. The probe token sends `{ websites { id
} }` every --probe-interval seconds and its latencies are recorded. Phases, each
--seconds long:

1. baseline: the probe alone;
2. attack: --attackers clients (in a child process, so they do not slow the probe's
   client) share one other read token and send, back to back, without waiting, the
   document of issue 8 (`{ websites { id } ... }` 800 times, about 13 KB), each copy
   made unique by a trailing comment so no cache helps; the server runs with its
   default limits (documents refused before validation, 20 requests/s per token);
3. attack, no rate limit: the same with SEGMENTQL_RATE_LIMIT_PER_SECOND=0 (a server
   restarted with it), so only the document limits protect the probe.

Printed per phase: probe p50/p95/max, and the attackers' answers by HTTP status.
Target: probe p95 under attack < 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.bench.harness import log, percentile
from tests.e2e.processes import Segmentql, free_port, fresh_pg_database, wait_ready

TARGET_P95_MS = 100.0
PROBE = {"query": "{ websites { id } }"}
ATTACK = "{" + " websites { id }" * 800 + "}"


@dataclass
class Phase:
    name: str
    probe_ms: list[float] = field(default_factory=list)
    probe_failures: int = 0
    attack_statuses: Counter[int] = field(default_factory=Counter)

    def report(self) -> str:
        ms = sorted(self.probe_ms)
        attacks = ", ".join(f"{s}: {n}" for s, n in sorted(self.attack_statuses.items()))
        return (
            f"{self.name:<24} probe n={len(ms):<4} p50={percentile(ms, 0.5):7.1f} ms  "
            f"p95={percentile(ms, 0.95):7.1f} ms  max={ms[-1]:7.1f} ms  "
            f"failed={self.probe_failures}  attack answers: {attacks or '-'}"
        )


async def probe(base_url: str, token: str, until: float, interval: float, phase: Phase) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as http:
        while time.perf_counter() < until:
            started = time.perf_counter()
            response = await http.post("/graphql", json=PROBE, headers=headers)
            elapsed = time.perf_counter() - started
            if response.status_code == 200 and "errors" not in response.json():
                phase.probe_ms.append(elapsed * 1000)
            else:
                phase.probe_failures += 1
            await asyncio.sleep(max(0.0, interval - elapsed))


async def attacker(base_url: str, token: str, until: float, number: int, phase: Phase) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    sent = 0
    async with httpx.AsyncClient(base_url=base_url, timeout=60.0) as http:
        while time.perf_counter() < until:
            sent += 1
            # A unique text per request: a comment defeats every per-text cache.
            body = {"query": f"{ATTACK} # {number}-{sent}"}
            response = await http.post("/graphql", json=body, headers=headers)
            phase.attack_statuses[response.status_code] += 1


async def attack(base_url: str, token: str, seconds: float, attackers: int) -> Counter[int]:
    """The attackers' loop (run in a child process); HTTP statuses they got."""
    phase = Phase("attack")
    until = time.perf_counter() + seconds
    await asyncio.gather(*(attacker(base_url, token, until, n, phase) for n in range(attackers)))
    return phase.attack_statuses


async def run_phase(
    name: str, base_url: str, tokens: dict[str, str], args: argparse.Namespace, attack: bool
) -> Phase:
    phase = Phase(name)
    child = None
    if attack:
        # Attackers in their own process: in this one they would delay the probe's own
        # event loop, and the probe would measure the client instead of the server.
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.bench.bench_abuse",
            "--attack-child",
            json.dumps([base_url, tokens["attack"], args.seconds, args.attackers]),
            stdout=asyncio.subprocess.PIPE,
        )
    await probe(
        base_url, tokens["probe"], time.perf_counter() + args.seconds, args.probe_interval, phase
    )
    if child is not None:
        out, _ = await child.communicate()
        statuses = json.loads(out.decode().strip().splitlines()[-1])
        phase.attack_statuses.update({int(k): v for k, v in statuses.items()})
    log(phase.report())
    return phase


async def serve(cli: Segmentql, port: int, **env: str) -> str:
    cli.env.update(env)
    server = cli.start("serve", "--port", str(port), log_name=f"serve-{port}")
    base_url = f"http://127.0.0.1:{port}"
    await wait_ready(base_url, [server])
    return base_url


async def main(args: argparse.Namespace) -> list[Phase]:
    with tempfile.TemporaryDirectory() as scratch:
        async with fresh_pg_database() as database_url:
            cli = Segmentql(Path(scratch), DATABASE_URL=database_url, REDIS_URL=args.redis_url)
            await cli.run("migrate")
            await cli.run("import", "-", stdin=b'{"type": "website", "id": 1, "code": "base"}\n')
            tokens = {
                role: (await cli.run("token", "create", "--name", role, "--scope", "read"))
                .strip()
                .splitlines()[-1]
                for role in ("probe", "attack")
            }
            phases = []
            try:
                base_url = await serve(cli, free_port())
                await run_phase("warm-up", base_url, tokens, args, attack=False)
                phases.append(await run_phase("baseline", base_url, tokens, args, False))
                phases.append(await run_phase("attack", base_url, tokens, args, True))
                await cli.stop_all()
                base_url = await serve(cli, free_port(), SEGMENTQL_RATE_LIMIT_PER_SECOND="0")
                await run_phase("warm-up", base_url, tokens, args, attack=False)
                phases.append(
                    await run_phase("attack, no rate limit", base_url, tokens, args, True)
                )
            finally:
                await cli.stop_all()
            return phases


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--attackers", type=int, default=4, help="clients sending the attack")
    parser.add_argument("--probe-interval", type=float, default=0.05, help="seconds")
    parser.add_argument("--redis-url", default="memory://", help="REDIS_URL of the server")
    parser.add_argument("--attack-child", help=argparse.SUPPRESS)
    return parser.parse_args()


def attack_child(spec: str) -> None:
    base_url, token, seconds, attackers = json.loads(spec)
    statuses = asyncio.run(attack(base_url, token, seconds, attackers))
    print(json.dumps(statuses))


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.attack_child:
        attack_child(arguments.attack_child)
        sys.exit(0)
    results = asyncio.run(main(arguments))
    print()
    for result in results:
        print(result.report())
    baseline, attacked = results[0], results[1]
    p95 = percentile(attacked.probe_ms, 0.95)
    verdict = "ok" if p95 < TARGET_P95_MS else "over target"
    print(
        f"probe p95 under attack {p95:.1f} ms vs baseline "
        f"{percentile(baseline.probe_ms, 0.95):.1f} ms "
        f"(target < {TARGET_P95_MS:.0f} ms: {verdict})"
    )
