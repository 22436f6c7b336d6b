"""Smoke test of ``tools/analysis/benchmark_losses.py --quick``."""
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tool_loader import load_tool

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / 'tools' / 'analysis' / 'benchmark_losses.py'
SETTINGS = ('K=60 B=16 V=25', 'K=400 B=64 V=20')
NUMBER = r'[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|nan|inf)'


def _run_quick() -> str:
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        [str(ROOT)] + [p for p in [env.get('PYTHONPATH')] if p])
    # one thread: fast and stable when other processes share the CPU
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), '--quick', '--threads', '1'],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        universal_newlines=True,
        timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_benchmark_losses_quick():
    out = _run_quick()
    assert 'torch ' in out and 'threads 1' in out
    assert 'CPU: ' in out
    for name in SETTINGS:
        # table row: name, T, reps, then five numbers
        rows = [
            line for line in out.splitlines()
            if line.startswith(name + ' ') and '%' not in line
        ]
        assert len(rows) == 1, out
        fields = rows[0][len(name):].split()
        assert len(fields) == 7, rows[0]
        assert int(fields[0]) == 8 and int(fields[1]) == 2, rows[0]
        values = [float(v) for v in fields[2:]]
        # timings: only that they are numbers (their values depend on the
        # machine and its load; the arithmetic is checked with a fake clock
        # in test_ratios_from_a_fake_clock)
        for value in values:
            assert math.isfinite(value) and value >= 0, rows[0]
        loss_pct = values[2]
        # the loss target line
        target = re.search(
            re.escape(name) + r': losses <= 5 % of backbone\s+(' + NUMBER +
            r') %\s+(PASS|FAIL)', out)
        assert target is not None, out
        assert float(target.group(1)) == loss_pct
    rebuild = re.search(
        r'K=400 B=64 V=20: rebuild < 20 ms\s+(' + NUMBER +
        r') ms\s+(PASS|FAIL)', out)
    assert rebuild is not None, out
    assert math.isfinite(float(rebuild.group(1)))


class _FakeBench:
    """Bench with fixed step times (s), in the order run_setting takes them.

    Backbone: a warm-up, then 10, 20 and 80 ms in repetitions 0-2; losses:
    two warm-up steps, then 3 steps of 1, 4 and 8 ms in repetitions 0-2.
    """

    def __init__(self, *args):
        self.backbone = iter([0.5, 0.010, 0.020, 0.080])
        self.losses = iter([0.5, 0.5] + [0.001] * 3 + [0.004] * 3 +
                           [0.008] * 3)

    def activate_losses(self):
        pass

    def backbone_step(self):
        return next(self.backbone)

    def loss_step(self):
        return next(self.losses)

    def rebuild_step(self):
        return 0.001


def test_ratios_from_a_fake_clock(monkeypatch):
    monkeypatch.syspath_prepend(str(SCRIPT.parent))  # bench_env beside it
    tool = load_tool(SCRIPT)
    monkeypatch.setattr(tool, 'Bench', _FakeBench)
    args = tool.parse_args(['--quick', '--repeats', '3'])
    res = tool.run_setting('K=60 B=16 V=25', 60, 16, 'nturgb+d', 25, 512,
                           args)
    assert res['repeats'] == 3
    # the medians of the times (warm-up steps left out)
    assert res['backbone_ms'] == pytest.approx(20.)
    assert res['losses_ms'] == pytest.approx(4.)
    assert res['rebuild_ms'] == pytest.approx(1.)
    # the median of the paired ratios 1/10, 4/20, 8/80 (not 4 / 20)
    assert res['loss_pct'] == pytest.approx(10.)
    assert res['rebuild_pct'] == pytest.approx(5.)  # 1/10, 1/20, 1/80
