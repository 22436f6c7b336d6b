"""The headline NTU-60 config builds the paper-size model and steps."""
import os
import pickle
from unittest.mock import MagicMock

import numpy as np
import torch
from mmaction.registry import DATASETS, MODELS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def _fixture(path):
    rng = np.random.default_rng(0)
    annos = []
    for i, frames in enumerate((30, 120, 80)):
        persons = 1 + i % 2
        annos.append(
            dict(
                frame_dir=f's{i}',
                label=i,
                total_frames=frames,
                keypoint=rng.normal(size=(persons, frames, 25,
                                          3)).astype(np.float32)))
    with open(path, 'wb') as f:
        pickle.dump(
            dict(
                split=dict(xsub_train=['s0', 's1', 's2'], xsub_val=['s2']),
                annotations=annos), f)


def test_ntu60_config_recipe_and_steps(tmp_path):
    cfg = Config.fromfile(os.path.join(ROOT, 'configs', 'aclnet_ntu60.py'))
    # the recipe of the paper (spec section 6)
    assert cfg.train_dataloader.batch_size == 16
    assert cfg.train_cfg.max_epochs == 150
    assert cfg.optim_wrapper.optimizer == dict(
        type='SGD', lr=0.025, momentum=0.9, weight_decay=5e-4, nesterov=True)
    assert cfg.param_scheduler[0].convert_to_iter_based
    assert cfg.custom_hooks == [
        dict(type='EpochSeedHook'),
        dict(type='SuperclassRebuildHook', start_epoch=30),
        dict(type='SuperclassStatsHook')
    ]
    assert cfg.train_dataloader.persistent_workers is False  # exact resume
    assert cfg.model.cls_head.loss_intra.memory_size == 512
    assert cfg.test_dataloader.dataset.pipeline[2].num_clips == 10
    assert cfg.env_cfg.dist_cfg.backend == 'nccl'
    assert cfg.model_wrapper_cfg.find_unused_parameters is False

    model = MODELS.build(cfg.model)
    count = {
        name: sum(p.numel() for n, p in model.named_parameters()
                  if n.startswith(name))
        for name in ('backbone', 'cls_head.fc', 'cls_head.loss_inter',
                     'cls_head.loss_intra')
    }
    assert count == {
        'backbone': 3_705_696,
        'cls_head.fc': 23_100,
        'cls_head.loss_inter': 160_256,
        'cls_head.loss_intra': 160_256
    }

    ann = tmp_path / 'ntu60_fixture.pkl'
    _fixture(ann)
    train = DATASETS.build(
        dict(cfg.train_dataloader.dataset, ann_file=str(ann)))
    batch = pseudo_collate([train[i] for i in range(2)])
    assert batch['inputs'][0].shape == (1, 2, 100, 25, 3)
    optim = MagicMock()
    log_vars = model.train_step(batch, optim)
    assert {'loss_cls', 'loss_inter', 'loss_intra'} <= set(log_vars)
    optim.update_params.assert_called_once()

    test = DATASETS.build(dict(cfg.test_dataloader.dataset, ann_file=str(ann)))
    model.eval()
    with torch.no_grad():
        out = model.test_step(pseudo_collate([test[0]]))
    assert test[0]['inputs'].shape == (10, 2, 100, 25, 3)
    assert out[0].pred_score.shape == (60, )
    assert torch.isclose(out[0].pred_score.sum(), torch.tensor(1.))
