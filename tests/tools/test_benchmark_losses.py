"""Smoke test of ``tools/analysis/benchmark_losses.py --quick``."""
import math
import os
import re
import subprocess
import sys
from pathlib import Path

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
        for value in values:
            assert math.isfinite(value) and value > 0, rows[0]
        backbone, losses, loss_pct, rebuild, rebuild_pct = values
        # the paired ratios roughly agree with the ratios of the medians
        for pct, ms in ((loss_pct, losses), (rebuild_pct, rebuild)):
            ratio = pct / (100 * ms / backbone)
            assert 1 / 50 < ratio < 50, rows[0]
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
    assert float(rebuild.group(1)) > 0
