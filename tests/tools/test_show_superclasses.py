import copy
import os
import sys

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from tool_loader import load_tool

from aclnet_mm.datasets import SYNTHETIC_GROUPS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
DEMO = os.path.join(ROOT, 'configs', 'aclnet_demo.py')


def _load_tool():
    path = os.path.join(ROOT, 'tools', 'analysis', 'show_superclasses.py')
    return load_tool(path)


def _demo_state(num_classes=12):
    """The demo model's state dict, with ``num_classes`` classes."""
    model = copy.deepcopy(Config.fromfile(DEMO).model)
    model.cls_head.num_classes = num_classes
    return MODELS.build(model).state_dict()


def _run(monkeypatch, ckpt):
    monkeypatch.setattr(sys, 'argv',
                        ['show_superclasses.py', DEMO,
                         str(ckpt)])
    _load_tool().main()


def test_reports_members_and_group_agreement(tmp_path, monkeypatch, capsys):
    K = 12
    members = torch.zeros(K, K, dtype=torch.bool)
    for group in SYNTHETIC_GROUPS:
        for k in group:
            for j in group:
                members[k, j] = k != j
    members[0, 11] = True  # one member outside its planted group
    confusion = members.double() * 5
    state = _demo_state(K)
    state.update({
        'cls_head.loss_inter.superclass': members,
        'cls_head.loss_inter.temperature': torch.full((K, ), 0.1),
        'cls_head.loss_inter.confusion': confusion,
        'cls_head.loss_inter.active': torch.tensor(True),
    })
    ckpt = tmp_path / 'epoch_1.pth'
    torch.save(dict(state_dict=state, meta=dict(epoch=1)), ckpt)
    _run(monkeypatch, ckpt)
    out = capsys.readouterr().out
    assert 'inside the planted group: 24 / 25' in out
    assert 'wave right hand fast (5)' in out


def test_checkpoint_of_another_class_count_is_one_clear_error(
        tmp_path, monkeypatch, capsys):
    # on the old code: KeyError: 12 (the demo's groups know 12 classes)
    K = 14
    state = _demo_state(K)
    members = torch.eye(K, dtype=torch.bool)
    members[0, 13] = members[13, 0] = True
    state.update({
        'cls_head.loss_inter.superclass': members,
        'cls_head.loss_inter.confusion': members.double(),
        'cls_head.loss_inter.active': torch.tensor(True),
    })
    ckpt = tmp_path / 'k14.pth'
    torch.save(dict(state_dict=state, meta=dict(epoch=1)), ckpt)
    with pytest.raises(SystemExit) as err:
        _run(monkeypatch, ckpt)
    message = str(err.value)
    assert len(message.splitlines()) == 1
    assert message.startswith(f'show_superclasses.py: checkpoint {ckpt} '
                              'does not fit the model of ')
    assert 'cls_head.fc.weight (14, 32) vs (12, 32)' in message
    assert 'seems to fit a model with K=14 classes' in message
    assert capsys.readouterr().out == ''  # nothing printed as if it fit
