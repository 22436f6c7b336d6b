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


def test_paired_interval_by_hand():
    diffs, mean, low, high = _tool().paired_interval([50., 60., 70.],
                                                     [55., 62., 73.])
    assert diffs == [5., 2., 3.]
    # by hand: mean 10/3, sd sqrt(((5-10/3)^2+(2-10/3)^2+(3-10/3)^2)/2),
    # t(0.975, df=2) = 4.303
    sd = (((5 - 10 / 3)**2 + (2 - 10 / 3)**2 + (3 - 10 / 3)**2) / 2)**0.5
    assert mean == pytest.approx(10 / 3)
    assert low == pytest.approx(10 / 3 - 4.303 * sd / 3**0.5)
    assert high == pytest.approx(10 / 3 + 4.303 * sd / 3**0.5)
    assert _tool().paired_interval([1.], [2.])[2:] == (None, None)


def _dump(path, rows):
    import pickle

    import numpy as np
    with open(path, 'wb') as f:
        pickle.dump([{'pred_score': np.array(s, dtype=np.float32),
                      'gt_label': np.array([y])} for s, y in rows], f)


def test_groups_and_options_reach_the_runs(tmp_path, capsys, monkeypatch):
    tool = _tool()
    for variant, hits in (('ce', 1), ('acl', 2)):
        for seed in (0, 1):
            name = f'model_a_{variant}_seed{seed}'
            _fake_run(tmp_path, name, [0.5])
            # class 1: two clips, `hits` of them right; class 0 always right
            rows = [([0.9, 0.1], 0), ([0.2, 0.8], 1),
                    ([0.2, 0.8] if hits == 2 else [0.8, 0.2], 1)]
            _dump(tmp_path / name / 'val_predictions.pkl', rows)
    assert tool.main([str(tmp_path), '--seeds', '0', '1', '--configs',
                      'configs/x/model_a.py', '--groups', '0,1']) == 0
    out = capsys.readouterr().out
    assert 'ACL - CE per seed +0.0 / +0.0; mean +0.0' in out
    assert 'group 0,1 ce   0: 100.0, 1: 50.0' in out
    assert 'group 0,1 acl  0: 100.0, 1: 100.0' in out
    # a run still to do gets the options, {work} replaced by its folder
    launched = []
    monkeypatch.setattr(tool.subprocess, 'Popen',
                        lambda cmd, **kw: launched.append(cmd) or
                        type('P', (), {'poll': lambda s: 0,
                                       'wait': lambda s: 0})())
    tool.main([str(tmp_path / 'new'), '--seeds', '3', '--configs',
               'configs/x/model_b.py', '--option',
               'val_evaluator.1.out_file_path={work}/v.pkl'])
    work = tmp_path / 'new' / 'model_b_acl_seed3'
    assert any(f'val_evaluator.1.out_file_path={work}/v.pkl' in c
               for c in launched)
    assert all('{work}' not in c for c in launched)
