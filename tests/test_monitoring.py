"""docs/monitoring: the alert rules pass promtool (syntax and their own unit tests), and every
metric the rules and the dashboard use is one the bot exports."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from prometheus_client.metrics import MetricWrapperBase
from prometheus_client.parser import text_string_to_metric_families

from bot.ops.scrape import exposition
from bot.store import Stats
from bot.telemetry import metrics

MONITORING = Path(__file__).resolve().parent.parent / "docs" / "monitoring"
RULES, RULE_TESTS, DASHBOARD = "alerts.yml", "alerts_test.yml", "dashboard.json"
METRIC = re.compile(r"\b(kudos_[a-z_]+|up)\b")
SUFFIXES = {"counter": ["_total"], "histogram": ["_bucket", "_sum", "_count"], "gauge": [""]}


def promtool(*args: str) -> str:
    """promtool from Debian's prometheus package (`make test` installs it: never skipped)."""
    exe = shutil.which("promtool")
    assert exe, "promtool is not installed: run `make promtool` (apt-get install prometheus)"
    done = subprocess.run([exe, *args], cwd=MONITORING, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_alert_rules_pass_promtool() -> None:
    assert "SUCCESS: 9 rules found" in promtool("check", "rules", RULES)


def test_each_alert_fires_on_its_symptom() -> None:
    assert "SUCCESS" in promtool("test", "rules", RULE_TESTS)


def exported() -> set[str]:
    """Every sample name the bot can export: its metrics, and the gauges read from Redis."""
    names = {"up"}  # Prometheus's own, per target
    for metric in vars(metrics).values():
        if isinstance(metric, MetricWrapperBase):
            names |= {metric._name + suffix for suffix in SUFFIXES[str(metric._type)]}
    full = Stats({"achievers": 1}, 1, 2.0, {"cultureamp": 3.0})
    families = text_string_to_metric_families(exposition(full).decode())
    return names | {sample.name for family in families for sample in family.samples}


def used_by_rules() -> set[str]:
    return set(METRIC.findall((MONITORING / RULES).read_text()))


def used_by_dashboard() -> set[str]:
    panels = json.loads((MONITORING / DASHBOARD).read_text())["panels"]
    assert len(panels) >= 12 and all(panel["targets"] for panel in panels)
    return {name for p in panels for t in p["targets"] for name in METRIC.findall(t["expr"])}


def test_rules_and_dashboard_use_only_exported_metrics() -> None:
    used = used_by_rules() | used_by_dashboard()
    assert len(used) > 10
    assert used - exported() == set()


def test_the_dashboard_shows_every_metric() -> None:
    def family(name: str) -> str:
        return re.sub(r"_(total|bucket|sum|count)$", "", name)

    shown = {family(name) for name in used_by_dashboard()}
    ours = {family(name) for name in exported() if name.startswith("kudos_")}
    assert ours - shown == set()
