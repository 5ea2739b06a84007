"""Load on `cqfacts serve`, over loopback only: 600 searches from 24 threads, then 200
one after another on one keep-alive connection.

Usage:  python benchmarks/serve_load.py [--requests 600] [--threads 24] [--sequential 200]

Starts `cqfacts serve` on 127.0.0.1 at a free port (the server prints it), sends the
searches with varied queries (Chinese, pinyin, initials, English, traditional, numbers,
nothing found), each thread on its own keep-alive connection, then the sequential ones
on a single connection (each request after the first reuses it: without TCP_NODELAY on
the server's side each of those waited ~40 ms for a delayed ACK), then stops the server.
Prints req/s and latency percentiles of both; exits 1 on any error, a p95 of 250 ms or
more under load, or a keep-alive p50 of 10 ms or more.
Bounded: at most --requests + --sequential requests and --deadline seconds.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import platform
import signal
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

QUERIES = [
    "高新技术企业", "gxjsqy", "jsjjr", "技術經紀人", "technology brokers", "研发投入",
    "R&D", "7565", "1133", "科技型企业", "kjxqy", "专精特新", "high-tech enterprises",
    "技术合同成交额", "jishu hetong", "西部科学城", "zzzzqqq", "人才", "院士", "2.45%",
    "创新平台", "qiye", "重庆", "科技金融",
]  # fmt: skip
P95_BUDGET = 0.250
KEEPALIVE_P50_BUDGET = 0.010


def start(host: str) -> tuple[subprocess.Popen[str], str, int]:
    process = subprocess.Popen(
        [sys.executable, "-m", "cqfacts", "serve", "--host", host, "--port", "0"],
        stdout=subprocess.PIPE, text=True, encoding="utf-8",
    )  # fmt: skip
    line = process.stdout.readline() if process.stdout else ""
    if "http://" not in line:
        process.kill()
        sys.exit(f"the server printed no URL: {line!r}")
    url = line.split(" at ")[1].split()[0]
    address, port = url.removeprefix("http://").strip("/").rsplit(":", 1)
    return process, address, int(port)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--threads", type=int, default=24)
    parser.add_argument("--sequential", type=int, default=200, help="on one connection")
    parser.add_argument("--deadline", type=float, default=120.0, help="seconds, at most")
    args = parser.parse_args()

    process, host, port = start("127.0.0.1")
    assert host == "127.0.0.1", host  # loopback only
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    local = threading.local()
    deadline = time.monotonic() + args.deadline

    def one(number: int) -> None:
        if time.monotonic() > deadline:
            with lock:
                errors.append("deadline passed")
            return
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = local.connection = http.client.HTTPConnection(host, port, timeout=10)
        query = QUERIES[number % len(QUERIES)]
        path = f"/api/search?q={quote(query)}&limit={1 + number % 20}"
        began = time.perf_counter()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            elapsed = time.perf_counter() - began
            if response.status != 200 or not isinstance(json.loads(body), list):
                raise ValueError(f"status {response.status}: {body[:80]!r}")
        except (OSError, ValueError, http.client.HTTPException) as error:
            local.connection = None
            with lock:
                errors.append(f"{query}: {error}")
            return
        with lock:
            latencies.append(elapsed)

    try:
        # One request first: the server's first search compiles patterns, a cold cost.
        one(0)
        latencies.clear()
        began = time.perf_counter()
        with ThreadPoolExecutor(args.threads) as pool:
            list(pool.map(one, range(args.requests)))
        wall = time.perf_counter() - began
        kept = keep_alive_latencies(host, port, args.sequential, deadline, errors)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()

    latencies.sort()

    def percentile(p: float, values: list[float] = latencies) -> float:
        return values[min(len(values) - 1, math.ceil(p * len(values)) - 1)] * 1000

    print(f"cqfacts serve, {platform.python_implementation()} {platform.python_version()}, "
          f"{args.requests} searches from {args.threads} threads over loopback")  # fmt: skip
    if latencies:
        print(
            f"{len(latencies) / wall:.0f} req/s; latency p50 {percentile(0.50):.1f} ms, "
            f"p95 {percentile(0.95):.1f} ms, p99 {percentile(0.99):.1f} ms, "
            f"max {latencies[-1] * 1000:.1f} ms, mean {statistics.mean(latencies) * 1000:.1f} ms"
        )
    if kept:
        print(
            f"keep-alive, {len(kept)} searches one after another on one connection: "
            f"p50 {percentile(0.50, kept):.1f} ms, p95 {percentile(0.95, kept):.1f} ms, "
            f"max {kept[-1] * 1000:.1f} ms"
        )
    print(f"errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    ok = (
        not errors and latencies and percentile(0.95) < P95_BUDGET * 1000
        and kept and percentile(0.50, kept) < KEEPALIVE_P50_BUDGET * 1000
    )  # fmt: skip
    print(
        "PASS"
        if ok
        else f"FAIL: errors, p95 under load not under {P95_BUDGET * 1000:.0f} ms, "
        f"or keep-alive p50 not under {KEEPALIVE_P50_BUDGET * 1000:.0f} ms"
    )
    return 0 if ok else 1


def keep_alive_latencies(
    host: str, port: int, count: int, deadline: float, errors: list[str]
) -> list[float]:
    """``count`` searches in turn on one connection, the first (which opens it) untimed:
    sorted seconds per request."""
    connection = http.client.HTTPConnection(host, port, timeout=10)
    latencies: list[float] = []
    for number in range(count + 1):
        if time.monotonic() > deadline:
            errors.append("deadline passed")
            break
        path = f"/api/search?q={quote(QUERIES[number % len(QUERIES)])}&limit=5"
        began = time.perf_counter()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as error:
            errors.append(f"keep-alive: {error}")
            break
        if response.status != 200 or response.will_close:
            errors.append(f"keep-alive: status {response.status}, closing {response.will_close}")
            break
        if number:
            latencies.append(time.perf_counter() - began)
        del body
    connection.close()
    return sorted(latencies)


if __name__ == "__main__":
    sys.exit(main())
