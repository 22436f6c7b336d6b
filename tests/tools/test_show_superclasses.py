import os
import sys

import torch
from tool_loader import load_tool

from aclnet_mm.datasets import SYNTHETIC_GROUPS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def _load_tool():
    path = os.path.join(ROOT, 'tools', 'analysis', 'show_superclasses.py')
    return load_tool(path)


def test_reports_members_and_group_agreement(tmp_path, monkeypatch, capsys):
    K = 12
    members = torch.zeros(K, K, dtype=torch.bool)
    for group in SYNTHETIC_GROUPS:
        for k in group:
            for j in group:
                members[k, j] = k != j
    members[0, 11] = True  # one member outside its planted group
    confusion = members.double() * 5
    state = {
        'cls_head.loss_inter.superclass': members,
        'cls_head.loss_inter.temperature': torch.full((K, ), 0.1),
        'cls_head.loss_inter.confusion': confusion,
        'cls_head.loss_inter.active': torch.tensor(True),
    }
    ckpt = tmp_path / 'epoch_1.pth'
    torch.save(dict(state_dict=state, meta=dict(epoch=1)), ckpt)
    monkeypatch.setattr(sys, 'argv', [
        'show_superclasses.py',
        os.path.join(ROOT, 'configs', 'aclnet_demo.py'),
        str(ckpt)
    ])
    _load_tool().main()
    out = capsys.readouterr().out
    assert 'inside the planted group: 24 / 25' in out
    assert 'wave right hand fast (5)' in out
