"""`make bench` keeps working: every benchmark runs, at a tiny size, and prints its figures.

No figure is checked: speed is measured by `make bench`, never asserted by the test suite.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
RATIO = re.compile(r"\d+\.\d\dx \(\d+\.\d\d-\d+\.\d\d\)")


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> dict[str, ModuleType]:
    monkeypatch.syspath_prepend(str(BENCH))
    modules = {
        name: importlib.import_module(name) for name in ("_timing", "backends", "core_overhead")
    }
    monkeypatch.setattr(modules["_timing"], "ROUNDS", 3)
    monkeypatch.setattr(modules["backends"], "CALLS", 2)
    monkeypatch.setattr(modules["backends"], "MEMORY_CALLS", 2)
    monkeypatch.setattr(modules["backends"], "MEMORY_ROUNDS", 3)
    monkeypatch.setattr(modules["backends"], "FAN_OUT_ROUNDS", 3)
    monkeypatch.setattr(modules["core_overhead"], "ROUND", 3)
    monkeypatch.setattr(modules["core_overhead"], "IMPORT_SAMPLES", 1)
    return modules


@pytest.mark.parametrize("name", ["ssh", "fsm", "supportcenter", "cecenter", "spicecsm"])
def test_per_backend(
    bench: dict[str, ModuleType], name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    backends = bench["backends"]
    backends.per_backend(next(b for b in backends.BACKENDS if b.name == name))
    line = capsys.readouterr().out
    assert line.startswith(name) and len(RATIO.findall(line)) == 3, line


def test_fan_out(bench: dict[str, ModuleType], capsys: pytest.CaptureFixture[str]) -> None:
    backends = bench["backends"]
    cecenter = next(b for b in backends.BACKENDS if b.name == "cecenter")
    backends.fan_out(cecenter, calls=20, concurrency=4)
    assert len(RATIO.findall(capsys.readouterr().out)) == 2


def test_paging_xml_and_single_flight(
    bench: dict[str, ModuleType], capsys: pytest.CaptureFixture[str]
) -> None:
    backends = bench["backends"]
    backends.paging(items=1_000)
    backends.spicecsm_xml(count=50)
    backends.single_flight()
    out = capsys.readouterr().out
    assert "paging 1,000 items" in out
    assert "SpiceCSM 50 users" in out
    assert "token requests for 100 concurrent cold calls: 1 " in out


def test_engine_and_imports(
    bench: dict[str, ModuleType], capsys: pytest.CaptureFixture[str]
) -> None:
    bench["core_overhead"].main()
    out = capsys.readouterr().out
    assert len(RATIO.findall(out)) == 2, out
    assert "import servicehub_sdk.ssh:" in out


def test_fan_out_in_memory_and_over_loopback(
    bench: dict[str, ModuleType],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fan_out = importlib.import_module("fan_out")
    monkeypatch.setattr(fan_out, "ROUNDS", 3)
    fan_out.main(calls=20)
    out = capsys.readouterr().out
    assert "goal fan-out at 64, in memory, per call against one at a time: " in out, out
    assert "goal loopback, default path, calls/s at 64 in flight against 1: " in out, out
    kinds = ["SDK's own pool (default):", "httpx.AsyncClient() passed in:"]
    if fan_out._aiohttp() is not None:
        kinds.append("AiohttpClient passed in:")
    for kind in kinds:
        line = next(line for line in out.splitlines() if kind in line)
        assert all(f"{c} in flight " in line for c in (1, 8, 64)), line
        assert len(RATIO.findall(line)) == 1, line
    assert len(RATIO.findall(out)) == 3 + len(kinds), out


def test_throughput(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    throughput = importlib.import_module("throughput")
    monkeypatch.setattr(throughput, "CONCURRENCIES", (8,))  # one async run per latency is enough
    throughput.main(count=200, per_record=10)
    out = capsys.readouterr().out
    assert out.count("re-run:") == len(throughput.LATENCIES) and "x (async" in out, out
    runs = 2 + len(throughput.CONCURRENCIES)  # sync, sync in flight, async at each concurrency
    assert out.count("CPU per written record: client ") == runs * len(throughput.LATENCIES), out
    assert "goal master-data sync of 200 records at 50 ms" in out, out
    assert "goal client CPU per written record" in out, out


def test_anchors(bench: dict[str, ModuleType], capsys: pytest.CaptureFixture[str]) -> None:
    anchors = importlib.import_module("anchors")
    anchors.main(calls=2)
    out = capsys.readouterr().out
    assert "this SDK requests.get: " in out and RATIO.search(out), out
    assert "servicedesk-client get_request: " in out, out  # a figure, or "not installed"
    assert "openai-python models.list: " in out, out
    assert "goal this SDK below servicedesk-client" in out, out


def test_rate_limits(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    rate_limits = importlib.import_module("rate_limits")
    monkeypatch.setattr(rate_limits, "READS", 60)
    monkeypatch.setattr(rate_limits, "ADAPTIVE_READS", 200)
    rate_limits.limited()
    rate_limits.adaptive()
    out = capsys.readouterr().out
    assert out.count("  goal ") == 3, out
    assert "60 reads, 0 answered 429" in out, out


def test_follow(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    follow = importlib.import_module("follow")
    monkeypatch.setattr(follow, "CASES", 50)
    follow.main()
    out = capsys.readouterr().out
    assert out.count("  goal ") == 5, out
    assert "MISSED" not in out, out  # request counts, not speed: the same on every machine
