"""Smoke test of ``tools/analysis/benchmark_reference_losses.py --quick``.

The reference code is not part of the project: a stand-in with the same
file names and constructor signatures checks the loading and the table.
"""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / 'tools' / 'analysis' / 'benchmark_reference_losses.py'

STAND_IN = '''
import torch
import torch.nn as nn


class {name}(nn.Module):
    def __init__(self, n_class, memory=None, n_channel=625, **kwargs):
        super().__init__()
        self.n_class, self.mem = n_class, memory
        self.cl_fc = nn.Linear(n_channel, 8)
        self.Neighborhood_Bank = [dict() for _ in range(n_class)]
        self.class_mask_list, self.affinitive_list = [], []
        self.Feature_Bank = []
        self.start_epoch = 30

    def get_neighborhood(self, lbl):
        self.affinitive_list = [[0]] * self.n_class

    def forward(self, feature, lbl, logit=None):
        if logit is None:
            self.Feature_Bank.extend(feature.detach())
        return self.cl_fc(feature).pow(2).mean()
'''


def _run(*args):
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        [str(ROOT)] + [p for p in [env.get('PYTHONPATH')] if p])
    proc = subprocess.run([sys.executable, str(SCRIPT), '--quick', *args],
                          cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    return proc


def test_ours_only(tmp_path):
    proc = _run()
    assert proc.returncode == 0, proc.stderr
    rows = [ln for ln in proc.stdout.splitlines() if ln.startswith('K=')]
    assert len(rows) == 1 and ' ours ' in rows[0]


def test_with_a_reference_checkout(tmp_path):
    losses = tmp_path / 'aclnet' / 'models' / 'losses'
    losses.mkdir(parents=True)
    for name in ('Inter_Affinitive_Contrastive_Loss',
                 'Intra_Affinitive_Contrastive_Loss'):
        (losses / f'{name}.py').write_text(STAND_IN.format(name=name))
    proc = _run('--ref-dir', str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    rows = [ln.split() for ln in proc.stdout.splitlines()
            if ln.startswith('K=')]
    assert [r[2] for r in rows] == ['ours', 'reference']
    assert rows[1][-2].endswith('x') and rows[1][-1].endswith('x')


def test_missing_checkout_is_one_clear_line(tmp_path):
    proc = _run('--ref-dir', str(tmp_path))
    assert proc.returncode != 0
    assert 'not found' in proc.stderr and 'Traceback' not in proc.stderr
