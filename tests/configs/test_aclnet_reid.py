"""A re-ID config trains and tests end to end on generated per-axis npy.

Tiny walkers in TranSG's file layout go through the converter into the
config's dataset, the narrowed model trains two epochs and the test reports
CMC and mAP.
"""
import math
import os

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from aclnet_mm.datasets.converters import convert_reid_npy, write_pickle

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
F, J = 6, 20


def _write(folder, prefix, ids, rng, shapes):
    os.makedirs(folder)
    t = np.arange(F)[:, None]
    keypoint = np.stack([
        shapes[i] + 0.2 * np.sin(t + i)[..., None] +
        0.02 * rng.normal(size=(F, J, 3)) for i in ids
    ])  # (N, f, J, 3): identity-specific body shape and motion
    for c, axis in enumerate('xyz'):
        np.save(os.path.join(folder, f'{prefix}_{axis}_KGBD_{F}.npy'),
                keypoint[..., c].reshape(-1, J))
    np.save(os.path.join(folder, f'frame_id_KGBD_{F}.npy'), np.array(ids))


@pytest.mark.slow
def test_reid_config_trains_and_reports_cmc_and_map(tmp_path):
    rng = np.random.default_rng(0)
    shapes = {i: rng.normal(size=(J, 3)) for i in range(4)}
    base = tmp_path / 'Datasets' / 'KGBD' / str(F)
    _write(base / 'train_npy_data', 'source', [0, 1, 2, 3] * 6, rng, shapes)
    _write(base / 'test_npy_data' / 'probe', 't_source', [0, 1, 2, 3] * 2,
           rng, shapes)
    _write(base / 'test_npy_data' / 'gallery', 't_source', [0, 1, 2, 3] * 2,
           rng, shapes)
    result = convert_reid_npy(str(base), 'KGBD', frames=F)
    ann = str(tmp_path / 'kgbd.pkl')
    write_pickle(result.data, ann)

    cfg = Config.fromfile(os.path.join(ROOT, 'configs',
                                       'aclnet_reid_kgbd.py'))
    cfg.merge_from_dict({
        'work_dir': str(tmp_path / 'work'),
        'model.backbone.base_channels': 8,
        'model.backbone.num_stages': 2,
        'model.backbone.inflate_stages': (2, ),
        'model.backbone.down_stages': (2, ),
        'model.cls_head.num_classes': 4,
        'model.cls_head.in_channels': 16,
        'model.cls_head.loss_inter.num_neighbors': 2,
        'model.cls_head.loss_intra.memory_size': 16,
        'custom_hooks.1.start_epoch': 1,
        'train_cfg.max_epochs': 2,
        'train_cfg.val_interval': 2,
        'param_scheduler.0.T_max': 2,
        'train_dataloader.batch_size': 8,
        'log_level': 'WARNING',
    })
    for loader in ('train', 'val', 'test'):
        cfg[f'{loader}_dataloader'].update(
            num_workers=0, persistent_workers=False)
        cfg[f'{loader}_dataloader'].dataset.ann_file = ann
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.test()
    for key in ('R1', 'R5', 'R10', 'mAP'):
        value = metrics[f'reid/all/{key}']
        assert 0 <= value <= 100 and not math.isnan(value)
    assert metrics['reid/all/R1'] <= metrics['reid/all/R5']
    assert metrics['reid/all/unmatched_probes'] == 0
