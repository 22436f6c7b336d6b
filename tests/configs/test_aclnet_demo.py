"""The embedded demo trains (shortened through cfg options) and learns."""
import os

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from aclnet_mm.datasets import SYNTHETIC_GROUPS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


@pytest.mark.slow
def test_demo_config_trains_above_chance(tmp_path):
    cfg = Config.fromfile(os.path.join(ROOT, 'configs', 'aclnet_demo.py'))
    epochs = 4
    cfg.merge_from_dict({
        'work_dir': str(tmp_path),
        'train_cfg.max_epochs': epochs,
        'param_scheduler.0.T_max': epochs,
        'custom_hooks.1.start_epoch': 2,
        'train_dataloader.dataset.num_per_class': 20,
        'val_dataloader.dataset.num_per_class': 8,
        'default_hooks.logger.interval': 1,
        'log_level': 'WARNING',
    })
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.val_loop.run()
    chance = 1 / 12
    assert metrics['acc/top1'] > 3 * chance, metrics

    head = runner.model.cls_head
    inter = head.loss_inter
    # the superclass size comes from the default rule, not the config
    assert cfg.model.cls_head.loss_inter.num_neighbors is None
    assert (inter.num_neighbors, inter.coincidence) == (2, 1)
    assert bool(inter.active) and inter.confusion.sum() > 0
    assert int(head.loss_intra.filled) == head.loss_intra.memory_size
    # superclasses were built; most members sit in the planted groups
    group = {c: g for g, members in enumerate(SYNTHETIC_GROUPS)
             for c in members}
    pairs = torch.nonzero(inter.superclass).tolist()
    inside = sum(group[k] == group[j] for k, j in pairs)
    assert pairs and inside / len(pairs) > 0.5, (inside, len(pairs))
