"""`--runs N`: the chosen scenarios N times over, and each figure's min–max across the runs,
so a noisy figure (latency, req/s, a ratio) is published with its spread from one command."""

from __future__ import annotations

from collections.abc import Callable

from bench.measure import Result
from bench.report import Report
from bench.scaling import scale_rows
from bench.targets import checks

Figure = Callable[[Result], float | None]
FIGURES: dict[str, Figure] = {
    "req/s": lambda r: r.latency.throughput_rps,
    "p50 ms": lambda r: r.latency.p50_ms,
    "p99 ms": lambda r: r.latency.p99_ms,
    "max ms": lambda r: r.latency.max_ms,
    "errors": lambda r: r.latency.errors,
    "cpu ms/req": lambda r: r.cpu_ms_per_request,
    "srv cores": lambda r: r.cores.get(r.server),
    "lg cores": lambda r: r.cores.get("loadgen"),
    "arrived": lambda r: r.arrived,
}


def span(values: list[float]) -> str:
    """'low–high' (one value when they agree), in as few digits as the values need."""
    shown = [f"{v:.3g}" if abs(v) < 10 else f"{v:.0f}" for v in (min(values), max(values))]
    return shown[0] if shown[0] == shown[1] else "–".join(shown)


def _result_lines(reports: list[Report]) -> list[str]:
    keys = list(dict.fromkeys((r.scenario, r.server) for rep in reports for r in rep.results))
    lines = [f"  {'scenario':<11}{'server':<10}" + "".join(f"{n:>13}" for n in FIGURES)]
    for key in keys:
        found = [r for rep in reports for r in rep.results if (r.scenario, r.server) == key]
        cells = []
        for figure in FIGURES.values():
            values = [float(v) for v in map(figure, found) if v is not None]
            cells.append(span(values) if values else "-")
        lines.append(f"  {key[0]:<11}{key[1]:<10}" + "".join(f"{c:>13}" for c in cells))
    return lines


def _scale_lines(reports: list[Report]) -> list[str]:
    """N processes ÷ 1 and per server core, across the runs that have both."""
    ratios: dict[int, list[tuple[float, float]]] = {}
    for report in reports:
        rows = scale_rows(report.results)
        if not rows or rows[0].processes != 1 or not rows[0].rps:
            continue
        one = rows[0]
        for row in rows[1:]:
            per_core = row.rps_per_core / one.rps_per_core if one.rps_per_core else 0.0
            ratios.setdefault(row.processes, []).append((row.rps / one.rps, per_core))
    return [
        f"  {n} processes ÷ 1: {span([r for r, _ in pairs])}x "
        f"(per server core {span([c for _, c in pairs])}x; {len(pairs)} runs)"
        for n, pairs in sorted(ratios.items())
    ]


def _verdicts(reports: list[Report]) -> list[str]:
    """Each target's verdict and value in every run, in run order."""
    seen: dict[str, list[str]] = {}
    for report in reports:
        for check in checks(report.results, report.platform_calls):
            seen.setdefault(check.name, []).append(f"{check.verdict} {check.value}")
    return [f"  {name}: " + " | ".join(runs) for name, runs in seen.items()]


def spread_table(reports: list[Report]) -> str:
    """What `--runs N` prints after the last run's table."""
    lines = [f"spread over {len(reports)} runs (min–max of each figure):"]
    lines += _result_lines(reports)
    scale = _scale_lines(reports)
    lines += ["", "scale-out across the runs:", *scale] if scale else []
    lines += ["", "targets, run by run:", *_verdicts(reports)]
    return "\n".join(lines)
