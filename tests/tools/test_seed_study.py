"""The table of tools/analysis/seed_study.py from finished runs."""
import json
import os
from pathlib import Path

import pytest
from tool_loader import load_tool

ROOT = Path(__file__).resolve().parents[2]


def _tool():
    return load_tool(ROOT / 'tools' / 'analysis' / 'seed_study.py')


def _fake_run(root, name, accs):
    vis = root / name / '20260101_000000' / 'vis_data'
    vis.mkdir(parents=True)
    with open(vis / 'scalars.json', 'w') as f:
        for epoch, acc in enumerate(accs, 1):
            f.write(json.dumps({'loss': 1.0, 'step': epoch * 7}) + '\n')
            f.write(json.dumps({'acc/top1': acc, 'step': epoch}) + '\n')
    (root / name / 'done').touch()


def test_table_from_finished_runs(tmp_path, capsys, monkeypatch):
    tool = _tool()
    monkeypatch.setattr(tool, 'RUNS', ('configs/x/model_a.py', ))
    # (RUNS is read as the --configs default when main parses its args)
    for seed, final in ((0, 0.5), (1, 0.7)):
        _fake_run(tmp_path, f'model_a_ce_seed{seed}', [0.1, final])
        _fake_run(tmp_path, f'model_a_acl_seed{seed}', [0.2, final + 0.1])
    assert tool.final_metric(str(tmp_path / 'model_a_ce_seed1')) == \
        pytest.approx(70.)
    assert tool.main([str(tmp_path), '--seeds', '0', '1', '--configs',
                      'configs/x/model_a.py']) == 0
    rows = [ln.split() for ln in capsys.readouterr().out.splitlines()[1:]]
    assert rows[0][:4] == ['model_a', 'ce', '60.0', '14.1']
    assert rows[1][:4] == ['model_a', 'acl', '70.0', '14.1']
    assert os.path.exists(tmp_path / 'model_a_ce_seed0' / 'done')
