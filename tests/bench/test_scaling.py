"""Scale-out read with its CPU accounting, and `--runs` spreads: pure functions over results."""

from __future__ import annotations

from bench.measure import Result
from bench.options import Options, parse
from bench.report import Report
from bench.scaling import scale_rows
from bench.spread import spread_table
from bench.stats import Latency


def throughput(server: str, rps: float, cores: dict[str, float], held: list[int]) -> Result:
    """A run whose server processes (#1, #2... each with an equal share of the server's cores)
    held `held` connections."""
    latency = Latency(3000, 0, 10.0, 20.0, 30.0, 40.0, rps, 3000 / rps, {})
    each = cores[server] / len(held)
    workers = {f"#{n}": each for n in range(1, len(held) + 1)}
    connections = {f"#{n}": count for n, count in enumerate(held, 1)}
    return Result("throughput", server, 64, latency, cores | workers, connections=connections)


def three(one: float, two: float, four: float) -> list[Result]:
    """1, 2 and 4 processes: two cores, minus 0.1 loadgen and 0.1 Redis, left to the server."""
    others = {"redis": 0.1, "loadgen": 0.1, "fakes": 0.0}
    return [
        throughput("bot", one, {"bot": 1.0, **others}, [64]),
        throughput("bot x2", two, {"bot x2": 1.8, **others}, [40, 24]),
        throughput("bot x4", four, {"bot x4": 1.5, **others}, [16, 16, 16, 16]),
    ]


def test_each_run_reads_its_cores_per_request_and_what_stopped_it() -> None:
    one, two, four = scale_rows(three(2000, 3600, 2700), total=2)
    assert (one.processes, two.processes, four.processes) == (1, 2, 4)
    assert one.left_cores == two.left_cores == 1.8
    assert (one.rps_per_core, two.rps_per_core, four.rps_per_core) == (2000, 2000, 1800)
    assert two.loadgen_ms_per_request == round(1000 * 0.1 / 3600, 3)
    assert one.bound == "CPU: the server used 1.00 of the 1.00 cores it could (one per process)"
    assert two.bound.startswith("CPU: the server used 1.80 of the 1.80 cores it could (what the")
    assert four.bound.startswith("not CPU")
    assert two.per_process == [(40, 0.9), (24, 0.9)]


def test_the_rest_of_a_shared_machine_is_not_left_to_the_server() -> None:
    cores = {"bot x2": 1.0, "redis": 0.1, "loadgen": 0.1, "fakes": 0.0, "machine": 2.0}
    (row,) = scale_rows([throughput("bot x2", 2000, cores, [32, 32])], total=2)
    assert row.cores["others"] == 0.8
    assert row.left_cores == 1.0
    assert row.bound.startswith("CPU: the server used 1.00 of the 1.00 cores it could (what the")


def test_a_process_left_with_few_connections_is_named_as_the_bound() -> None:
    run = throughput("bot x2", 2000, {"bot x2": 1.2, "redis": 0.1, "loadgen": 0.1}, [60, 4])
    run.cores |= {"#1": 0.95, "#2": 0.25}
    (row,) = scale_rows([run], total=2)
    assert row.bound == (
        "uneven connections: a process holding 4 used 0.25 cores, one holding 60 0.95"
    )


def test_a_busy_load_generator_is_named_as_the_bound() -> None:
    run = throughput("bot x2", 1500, {"bot x2": 0.6, "redis": 0.1, "loadgen": 0.95}, [32, 32])
    (row,) = scale_rows([run], total=2)
    assert row.bound.startswith("the load generator")


def test_runs_print_each_figure_and_ratio_as_min_to_max() -> None:
    reports = [Report(Options()), Report(Options())]
    reports[0].results = three(2000, 3600, 2700)
    reports[1].results = three(2000, 3400, 2900)
    shown = spread_table(reports)
    assert "spread over 2 runs" in shown
    assert "3400–3600" in shown  # req/s of bot x2
    assert "2 processes ÷ 1: 1.7–1.8x" in shown
    assert "4 processes ÷ 1: 1.35–1.45x" in shown
    assert "2 server processes vs 1, status throughput: meets" in shown


def test_runs_is_an_option() -> None:
    assert parse(["--runs", "3"]).runs == 3
    assert parse(["--quick"]).runs == 1
