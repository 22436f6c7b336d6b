"""The CASIA-B gait config trains and tests end to end on generated walkers.

Shortened and narrowed through cfg options; the pipelines, dataset type,
embedding head and the CASIA-B metric are the config's own.
"""
import math
import os

import pytest
from gait_fixture import make_gait_pickle
from mmengine.config import Config
from mmengine.runner import Runner

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


@pytest.mark.slow
def test_gait_config_trains_and_reports_rank1(tmp_path):
    ann = make_gait_pickle(tmp_path / 'walkers.pkl')
    cfg = Config.fromfile(os.path.join(ROOT, 'configs',
                                       'aclnet_casiab_gait.py'))
    cfg.merge_from_dict({
        'work_dir': str(tmp_path / 'work'),
        'model.backbone.base_channels': 8,
        'model.backbone.num_stages': 2,
        'model.backbone.inflate_stages': (2, ),
        'model.backbone.down_stages': (2, ),
        'model.cls_head.num_classes': 4,
        'model.cls_head.in_channels': 16,
        'model.cls_head.loss_inter.num_neighbors': 2,
        'model.cls_head.loss_intra.memory_size': 32,
        'custom_hooks.1.start_epoch': 1,
        'train_cfg.max_epochs': 3,
        'train_cfg.val_interval': 3,
        'param_scheduler.0.T_max': 3,
        'train_dataloader.dataset.ann_file': str(ann),
        'val_dataloader.dataset.ann_file': str(ann),
        'test_dataloader.dataset.ann_file': str(ann),
        'train_dataloader.num_workers': 0,
        'train_dataloader.persistent_workers': False,
        'val_dataloader.num_workers': 0,
        'val_dataloader.persistent_workers': False,
        'test_dataloader.num_workers': 0,
        'test_dataloader.persistent_workers': False,
        'train_dataloader.batch_size': 8,
        'log_level': 'WARNING',
    })
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert bool(runner.model.cls_head.loss_inter.active)
    metrics = runner.test()
    for key in ('gait/NM', 'gait/BG', 'gait/CL', 'gait/mean'):
        assert 0 <= metrics[key] <= 100 and not math.isnan(metrics[key])
    assert metrics['gait/mean'] == pytest.approx(
        (metrics['gait/NM'] + metrics['gait/BG'] + metrics['gait/CL']) / 3)
