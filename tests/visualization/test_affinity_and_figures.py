"""The per-class affinity average and every plot_acl.py command."""
import copy
import os
import runpy
import sys

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner
from tiny_setup import PIPELINE, make_pose_pickle, tiny_cfg

from aclnet_mm.visualization import canonical_pose, collect_class_affinity

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, 'tools', 'analysis', 'plot_acl.py')


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    """A 3-epoch tiny run with a val loader, its config file and work dir."""
    root = tmp_path_factory.mktemp('plots')
    ann = make_pose_pickle(root / 'tiny.pkl')
    cfg = tiny_cfg(root / 'run', ann, max_epochs=3, start_epoch=2,
                   extra_hooks=[dict(type='SuperclassStatsHook')])
    cfg['val_dataloader'] = dict(
        batch_size=3, num_workers=0,
        sampler=dict(type='DefaultSampler', shuffle=False),
        dataset=dict(cfg['train_dataloader']['dataset'], split='val',
                     test_mode=True, pipeline=copy.deepcopy(PIPELINE)))
    cfg['val_cfg'] = dict(type='ValLoop')
    cfg['val_evaluator'] = [dict(type='AccMetric')]
    cfg['visualizer'] = dict(type='Visualizer',
                             vis_backends=[dict(type='LocalVisBackend')])
    runner = Runner.from_cfg(copy.deepcopy(cfg))
    runner.train()
    config = root / 'tiny_config.py'
    Config(cfg).dump(str(config))
    return runner, str(config), root / 'run' / 'epoch_3.pth', root / 'run'


def test_class_average_equals_a_direct_loop(trained):
    runner, _, _, _ = trained
    model = runner.model
    loader = runner.val_dataloader
    mean, count = collect_class_affinity(model, loader, 4, 25)
    # direct: one sample at a time through the backbone, then class means
    want = {k: [] for k in range(4)}
    for batch in loader:
        for i in range(len(batch['data_samples'])):
            one = dict(inputs=[batch['inputs'][i]],
                       data_samples=[batch['data_samples'][i]])
            data = model.data_preprocessor(one, False)
            with torch.no_grad():
                _, graph = model.backbone(data['inputs'][:, 0])
            label = int(batch['data_samples'][i].gt_label)
            want[label].append(graph[0].double().numpy())
    for k in range(4):
        assert count[k] == len(want[k]) == 2
        np.testing.assert_allclose(mean[k].reshape(-1),
                                   np.mean(want[k], axis=0), rtol=1e-6,
                                   atol=1e-9)


def _png(path):
    with open(path, 'rb') as f:
        head = f.read(8)
    return head == b'\x89PNG\r\n\x1a\n' and os.path.getsize(path) > 5000


@pytest.mark.parametrize('command', ['confusion', 'superclasses', 'affinity',
                                     'curves'])
def test_each_command_writes_a_png(trained, tmp_path, monkeypatch,
                                   command):
    _, config, ckpt, work_dir = trained
    out = tmp_path / f'{command}.png'
    if command == 'curves':
        argv = [str(work_dir), '--out', str(out)]
    else:
        argv = [config, str(ckpt), '--out', str(out)]
    if command == 'affinity':
        argv += ['--classes', '1', '2']
    monkeypatch.setattr(sys, 'argv', [TOOL, command] + argv)
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_path(TOOL, run_name='__main__')
    assert exit_info.value.code == 0
    if command == 'affinity':
        assert _png(tmp_path / 'affinity_1.png')
        assert _png(tmp_path / 'affinity_2.png')
    else:
        assert _png(out)


def test_svg_by_extension_and_a_clear_error(trained, tmp_path, monkeypatch,
                                            capsys):
    _, config, ckpt, _ = trained
    out = tmp_path / 'confusion.svg'
    monkeypatch.setattr(sys, 'argv',
                        [TOOL, 'superclasses', config, str(ckpt), '--out',
                         str(out)])
    with pytest.raises(SystemExit):
        runpy.run_path(TOOL, run_name='__main__')
    assert out.read_text().lstrip().startswith('<?xml')
    monkeypatch.setattr(sys, 'argv',
                        [TOOL, 'confusion', config, str(tmp_path / 'no.pth')])
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_path(TOOL, run_name='__main__')
    assert 'no.pth is not a file' in str(exit_info.value.code)


def test_canonical_poses_have_one_point_per_joint():
    from aclnet_mm.layouts import get_layout
    for layout in ('nturgb+d', 'coco', 'coco_new', 'openpose', 'kinect_v1'):
        pose = canonical_pose(layout)
        V = get_layout(layout).num_node
        assert pose.shape == (V, 2)
        assert len({tuple(p) for p in np.round(pose, 6)}) == V  # distinct


def test_curves_give_each_fraction_its_own_strip():
    """Equal fractions (0 or 1 for most of a run) must not hide each other."""
    from aclnet_mm.visualization.figures import plot_curves
    fractions = ['inter_active', 'memory_fill', 'table_jaccard',
                 'tau_0.1_share', 'tau_0.5_share', 'tau_1_share']
    records = [dict(step=s, loss=1.0, loss_cls=0.9) for s in (1, 2, 3)]
    records += [{'step': s, 'acc/top1': 0.5, 'acc/mean1': 0.5}
                for s in (1, 2, 3)]
    records += [dict({f'acl/{name}': 1.0 for name in fractions},
                     step=s, **{'acl/superclass_size_min': 2.0,
                                'acl/superclass_size_max': 2.0,
                                'acl/confusion_mass_epoch': 10.0})
                for s in (10, 20, 30)]
    fig = plot_curves(records)
    for name in fractions:
        holders = [ax for ax in fig.axes
                   if name in [t.get_text() for t in ax.texts]]
        assert len(holders) == 1, name
        assert len(holders[0].lines) == 1
    # identical curves elsewhere are told apart by their style
    for labels in (('acc/top1', 'acc/mean1'),
                   ('superclass_size_min', 'superclass_size_max')):
        lines = [ln for ax in fig.axes for ln in ax.lines
                 if ln.get_label() in labels]
        assert len(lines) == 2
        styles = {(ln.get_marker(), ln.get_linestyle()) for ln in lines}
        assert len(styles) == 2
