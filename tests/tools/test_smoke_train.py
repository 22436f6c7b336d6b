import os
import re
import sys

from tiny_setup import make_pose_pickle
from tool_loader import load_tool

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def test_smoke_train_runs_all_losses(tmp_path, monkeypatch, capsys):
    ann = make_pose_pickle(tmp_path / 'tiny.pkl', num_classes=3,
                           per_class=6, frames=20)
    path = os.path.join(ROOT, 'tools', 'analysis', 'smoke_train.py')
    tool = load_tool(path)
    monkeypatch.setattr(sys, 'argv', [
        'smoke_train.py', str(ann), '--split', 'train', '--iters', '6',
        '--clip-len', '8'
    ])
    tool.main()
    out = capsys.readouterr().out
    assert '12 samples, 3 labels, inputs (1, 2, 8, 25, 3)' in out
    rows = re.findall(r'iter \d+: loss=(\S+) loss_cls=\S+ loss_inter=(\S+) '
                      r'loss_intra=(\S+)', out)
    assert len(rows) == 6
    assert all(float(r[0]) == float(r[0]) for r in rows)  # finite
    assert float(rows[-1][1]) > 0  # inter loss on after the rebuild


def test_smoke_train_never_unpickles_code(tmp_path, monkeypatch):
    from pickle_payloads import dump_payload

    from aclnet_mm.utils.safe_pickle import UnsafePickleError
    marker = tmp_path / 'ran'
    ann = tmp_path / 'evil.pkl'
    dump_payload(ann, 'os.system', marker)
    tool = load_tool(os.path.join(ROOT, 'tools', 'analysis',
                                  'smoke_train.py'))
    monkeypatch.setattr(sys, 'argv',
                        ['smoke_train.py', str(ann), '--split', 'train'])
    try:
        tool.main()
    except UnsafePickleError as err:
        assert 'os.system' in str(err) and str(ann) in str(err)
    else:
        raise AssertionError('the payload pickle was accepted')
    assert not marker.exists()
