"""Smoke test of ``tools/analysis/benchmark_train.py --quick``."""
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / 'tools' / 'analysis' / 'benchmark_train.py'


def test_benchmark_train_quick_prints_the_table():
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        [str(ROOT)] + [p for p in [env.get('PYTHONPATH')] if p])
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), '--quick', '--threads', '1',
         '--precision', 'bf16'],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert 'precision bf16' in out and 'threads 1' in out
    rows = {}
    for line in out.splitlines():
        m = re.match(r'(aclnet|aclnet_ce|stgcnpp)\s+([\d,]+)\s+[\d.]+\s+'
                     r'([\d.]+)\s+([\d.]+)\s+(\S+)\s+([\d.]+)x$', line)
        if m:
            rows[m.group(1)] = m.groups()
    assert set(rows) == {'aclnet', 'aclnet_ce', 'stgcnpp'}, out
    assert rows['stgcnpp'][5] == '1.00'  # the reference of the ratio
    # the ACL losses add parameters (two projections) and nothing else
    assert int(rows['aclnet'][1].replace(',', '')) > int(
        rows['aclnet_ce'][1].replace(',', ''))
    for _, _, ms, clips, _, _ in rows.values():
        assert float(ms) > 0 and float(clips) > 0
    assert re.search(r'ACL overhead .*: [-+][\d.]+ %', out)
    assert 'ctrgcn' in out
