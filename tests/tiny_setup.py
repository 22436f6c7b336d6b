"""Tiny generated fixtures and configs for runner-level tests."""
import copy
import itertools
import os
import pickle

import numpy as np


def make_pose_pickle(path, num_classes=4, per_class=6, frames=12,
                     num_joints=25, seed=0):
    """Write a small PoseDataset pickle with a learnable class signal."""
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(num_joints, 3)).astype(np.float32)
    annos, train, val = [], [], []
    for c in range(num_classes):
        for i in range(per_class):
            t = np.arange(frames, dtype=np.float32)[:, None, None]
            kp = base + 0.3 * np.sin(2 * np.pi * (c + 1) * t / frames)
            kp = kp + 0.05 * rng.normal(size=(1, frames, num_joints, 3))
            name = f'c{c}_{i}'
            annos.append(
                dict(
                    frame_dir=name,
                    label=c,
                    keypoint=kp.astype(np.float32),
                    total_frames=frames))
            (val if i % 3 == 0 else train).append(name)
    with open(path, 'wb') as f:
        pickle.dump(dict(split=dict(train=train, val=val), annotations=annos),
                    f)
    return path


PIPELINE = [
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    # test_mode sampling is deterministic: resume comparisons are exact
    dict(type='UniformSampleFrames', clip_len=8, num_clips=1,
         test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]

TINY_MODEL = dict(
    type='RecognizerGCN',
    backbone=dict(
        type='ACLGCN',
        graph_cfg=dict(layout='nturgb+d'),
        base_channels=8,
        num_stages=2,
        inflate_stages=(2, ),
        down_stages=(2, )),
    cls_head=dict(
        type='ACLHead',
        num_classes=4,
        in_channels=16,
        loss_inter=dict(
            type='InterAffinityContrastiveLoss',
            loss_weight=0.1,
            embed_channels=16,
            num_neighbors=2,
            coincidence=0),
        loss_intra=dict(
            type='IntraMarginContrastiveLoss',
            loss_weight=0.1,
            embed_channels=16,
            memory_size=12)))


_RUN_IDS = itertools.count()


def tiny_cfg(work_dir, ann_file, max_epochs=4, start_epoch=2,
             extra_hooks=(), batch_size=4):
    """A runner config without any validation loop.

    Each config gets its own ``experiment_name``: MMEngine names a run's
    logger and visualizer after it (the start second when a config has no
    file), and two runs started in the same second would share them, the
    second writing its log and ``scalars.json`` into the first's folder.
    """
    return dict(
        default_scope='mmaction',
        experiment_name=f'tiny_{os.getpid()}_{next(_RUN_IDS)}',
        work_dir=str(work_dir),
        model=copy.deepcopy(TINY_MODEL),
        train_dataloader=dict(
            batch_size=batch_size,
            num_workers=0,
            sampler=dict(type='DefaultSampler', shuffle=True),
            dataset=dict(
                type='PoseDataset',
                ann_file=str(ann_file),
                split='train',
                pipeline=copy.deepcopy(PIPELINE))),
        train_cfg=dict(by_epoch=True, max_epochs=max_epochs),
        optim_wrapper=dict(
            optimizer=dict(type='SGD', lr=0.05, momentum=0.9)),
        custom_hooks=[
            dict(type='SuperclassRebuildHook', start_epoch=start_epoch)
        ] + list(extra_hooks),
        default_hooks=dict(
            checkpoint=dict(type='CheckpointHook', interval=1),
            logger=dict(type='LoggerHook', interval=1),
            sync_buffers=dict(type='SyncBuffersHook')),
        randomness=dict(seed=0),
        log_level='WARNING')
