"""acl/* scalars reach the visualizer's scalars.json, equal to the buffers."""
import glob
import json

import pytest
import torch
from mmengine.runner import Runner
from tiny_setup import make_pose_pickle, tiny_cfg

from aclnet_mm.engine.hooks import superclass_stats


def test_stats_of_a_hand_made_table():
    new = torch.tensor([[0, 1, 1], [1, 0, 0], [0, 0, 0]], dtype=torch.bool)
    old = torch.tensor([[0, 1, 0], [1, 0, 0], [0, 0, 0]], dtype=torch.bool)
    tau = torch.tensor([0.1, 0.1, 0.5])
    stats = superclass_stats(new, tau, (0.1, 0.5, 1.0), previous=old)
    assert stats['superclass_size_min'] == 0
    assert stats['superclass_size_max'] == 2
    assert stats['superclass_size_mean'] == pytest.approx(1.)
    assert stats['active_classes'] == 2
    assert stats['tau_0.1_share'] == pytest.approx(2 / 3)
    assert stats['tau_0.5_share'] == pytest.approx(1 / 3)
    assert stats['tau_1_share'] == 0
    # rows: 1/2, 1, and 1 for two empty rows
    assert stats['table_jaccard'] == pytest.approx((0.5 + 1 + 1) / 3)


def test_scalars_json_after_a_tiny_run(tmp_path):
    ann = make_pose_pickle(tmp_path / 'tiny.pkl')
    cfg = tiny_cfg(tmp_path / 'run', ann, max_epochs=3, start_epoch=2,
                   extra_hooks=[dict(type='SuperclassStatsHook')])
    cfg['visualizer'] = dict(type='Visualizer',
                             vis_backends=[dict(type='LocalVisBackend')])
    runner = Runner.from_cfg(cfg)
    runner.train()
    (path, ) = glob.glob(str(tmp_path / 'run' / '*' / 'vis_data' /
                             'scalars.json'))
    with open(path) as f:
        records = [json.loads(line) for line in f]
    acl = [r for r in records if any(k.startswith('acl/') for k in r)]
    assert len(acl) == 3  # one record per epoch
    assert [r['step'] for r in acl] == [4, 8, 12]  # 4 iterations an epoch
    assert [r['acl/inter_active'] for r in acl] == [0., 1., 1.]
    assert 'acl/superclass_size_mean' not in acl[0]  # nothing built yet
    head = runner.model.cls_head
    inter, intra = head.loss_inter, head.loss_intra
    want = superclass_stats(inter.superclass, inter.temperature,
                            inter.temperatures)
    for key, value in want.items():
        assert acl[-1]['acl/' + key] == pytest.approx(value), key
    # counting runs in epochs 2 and 3 only; the masses add up to the counts
    # (epoch 2's mass measured 17 to 20 over seeds 0-4, 1 and 2 threads)
    masses = [r['acl/confusion_mass_epoch'] for r in acl]
    assert masses[0] == 0 and masses[1] > 0
    assert sum(masses) == pytest.approx(float(inter.confusion.sum()))
    assert acl[-1]['acl/memory_fill'] == pytest.approx(
        float(intra.filled) / intra.memory_size)
    assert 0 <= acl[-1]['acl/table_jaccard'] <= 1


def test_tensorboard_backend_gets_the_scalars(tmp_path):
    pytest.importorskip('tensorboard')  # the [tensorboard] extra
    from tensorboard.backend.event_processing.event_accumulator import \
        EventAccumulator
    ann = make_pose_pickle(tmp_path / 'tiny.pkl')
    cfg = tiny_cfg(tmp_path / 'run', ann, max_epochs=2, start_epoch=1,
                   extra_hooks=[dict(type='SuperclassStatsHook')])
    cfg['visualizer'] = dict(
        type='Visualizer', vis_backends=[dict(type='TensorboardVisBackend')])
    Runner.from_cfg(cfg).train()
    (events, ) = glob.glob(str(tmp_path / 'run' / '*' / 'vis_data' /
                               'events.out.tfevents.*'))
    acc = EventAccumulator(events)
    acc.Reload()
    tags = acc.Tags()['scalars']
    assert 'acl/superclass_size_mean' in tags and 'acl/memory_fill' in tags
    assert len(acc.Scalars('acl/memory_fill')) == 2  # one per epoch
