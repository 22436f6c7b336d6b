"""Tiny configs, checkpoints and skeleton files for the inference tests.

Three tiny recognizers stand for the three kinds of input pipeline:

- ``'3d'``: the demo's (``PreNormalize3D``, NTU 25 joints, 3D);
- ``'2d'``: MMAction2's 2D COCO one (``PreNormalize2D``, ``GenSkeFeat``
  for ``coco``, x/y/score);
- ``'kpfile'``: the K400 one (``DecompressPose`` on PYSKL's compressed
  kpfiles, ``COCO17To20`` to the 20-joint ``coco_new`` layout).
"""
import copy
import json
import os
import pickle

import numpy as np
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.runner import Runner
from tiny_setup import TINY_MODEL

from aclnet_mm.datasets.synthetic_actions import REST_SKELETON

CLIP = 8


def _model(layout, num_classes):
    """The runner tests' tiny recognizer, for ``layout`` and ``K``."""
    model = copy.deepcopy(TINY_MODEL)
    model['backbone']['graph_cfg']['layout'] = layout
    head = model['cls_head']
    head.update(num_classes=num_classes, layout=layout)
    head['loss_inter']['num_neighbors'] = 1
    head['loss_intra']['memory_size'] = 8
    return model


def _pipeline(kind, num_clips):
    sample = dict(
        type='UniformSampleFrames',
        clip_len=CLIP,
        num_clips=num_clips,
        test_mode=True)
    tail = [
        dict(type='FormatGCNInput', num_person=2),
        dict(type='PackActionInputs')
    ]
    if kind == '3d':
        return [
            dict(type='PreNormalize3D', align_spine=False,
                 align_shoulder=False),
            dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
            sample,
            dict(type='PoseDecode')
        ] + tail
    if kind == '2d':
        return [
            dict(type='PreNormalize2D'),
            dict(type='GenSkeFeat', dataset='coco', feats=['j']), sample,
            dict(type='PoseDecode')
        ] + tail
    return [
        dict(type='DecompressPose', squeeze=True), sample,
        dict(type='PoseDecode'),
        dict(type='COCO17To20'),
        dict(type='GenSkeFeatACL', layout='coco_new', feats=['j'])
    ] + tail


LAYOUT = {'3d': 'nturgb+d', '2d': 'coco', 'kpfile': 'coco_new'}


def tiny_config(kind, ann_file, num_classes=3, num_clips=2, extra=None):
    """A test-only config for ``kind`` reading ``ann_file``'s ``val``
    split (every clip of the K400 fixture)."""
    dataset = dict(
        type='PoseDataset',
        ann_file=str(ann_file),
        split=None if kind == 'kpfile' else 'val',
        pipeline=_pipeline(kind, num_clips),
        test_mode=True)
    if kind == 'kpfile':
        dataset.update(
            type='KineticsPoseDataset',
            kpfile_root=os.path.dirname(str(ann_file)),
            num_joints=17)
    cfg = dict(
        default_scope='mmaction',
        custom_imports=dict(imports=['aclnet_mm'],
                            allow_failed_imports=False),
        model=_model(LAYOUT[kind], num_classes),
        test_pipeline=_pipeline(kind, num_clips),
        test_dataloader=dict(
            batch_size=2,
            num_workers=0,
            sampler=dict(type='DefaultSampler', shuffle=False),
            dataset=dataset),
        test_evaluator=[dict(type='AccMetric')],
        test_cfg=dict(type='TestLoop'),
        log_level='WARNING')
    if extra:
        cfg.update(extra)
    return Config(cfg)


def save_config(cfg, path):
    """Write ``cfg`` as a ``.py`` config file; returns the path."""
    cfg.dump(str(path))
    return str(path)


def random_checkpoint(cfg, path, seed=0):
    """Save an initialised (untrained) model of ``cfg`` as a checkpoint.

    The dynamic-topology weights are made non-zero, as after training, so
    every part of the backbone shapes the scores.
    """
    torch.manual_seed(seed)
    model = MODELS.build(copy.deepcopy(cfg.model))
    model.init_weights()
    with torch.no_grad():
        for block in model.backbone.gcn:
            block.gcn.alpha.fill_(0.3)
            block.gcn.beta.fill_(0.2)
        model.cls_head.fc.weight.normal_(0., 3.)  # well-spread scores
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), str(path))
    return str(path)


def runner_test_scores(cfg, checkpoint, work_dir):
    """``(N, K)`` scores of MMEngine's test loop (what ``mim test`` runs)."""
    dump = os.path.join(str(work_dir), 'dump.pkl')
    cfg = copy.deepcopy(cfg)
    cfg.work_dir = str(work_dir)
    cfg.load_from = str(checkpoint)
    cfg.test_evaluator = [dict(type='DumpResults', out_file_path=dump)]
    Runner.from_cfg(cfg).test()
    with open(dump, 'rb') as f:
        results = pickle.load(f)
    return np.stack([np.asarray(r['pred_score']) for r in results])


def pose_pickle(path, kind, num=3, frames=14, seed=0):
    """A ``PoseDataset`` pickle of ``num`` random ``val`` samples.

    ``'3d'``: ``(2, T, 25, 3)`` metres; ``'2d'``: ``(2, T, 17, 2)`` pixels
    of a 480x640 video, with scores and ``img_shape``. Frames differ in
    length and the second person is absent in some frames.
    """
    rng = np.random.default_rng(seed)
    annos = []
    for i in range(num):
        T = frames + 3 * i
        if kind == '3d':
            kp = (i + 1) * rng.normal(size=(2, T, 25, 3)).astype(np.float32)
            extra = {}
        else:
            kp = rng.uniform(0, 200 * (i + 1), size=(2, T, 17, 2)).astype(
                np.float32)
            extra = dict(
                keypoint_score=rng.uniform(0.2, 1, size=(2, T, 17)).astype(
                    np.float32),
                img_shape=(480, 640),
                original_shape=(480, 640))
        kp[1, ::3] = 0  # person 2 missing in every third frame
        if 'keypoint_score' in extra:
            extra['keypoint_score'][1, ::3] = 0
        annos.append(
            dict(frame_dir=f's{i}', label=i % 3, keypoint=kp,
                 total_frames=T, **extra))
    with open(path, 'wb') as f:
        pickle.dump(
            dict(split=dict(val=[a['frame_dir'] for a in annos]),
                 annotations=annos), f)
    return str(path)


def two_action_clip(action, frames, seed, phase=0):
    """One person ``(1, T, 25, 3)`` doing one of two clearly different
    actions: 0 = arms raised (static), 1 = a deep squat bounce (period 6
    frames, starting ``phase`` frames into it).
    """
    rng = np.random.default_rng(seed)
    rest = np.asarray(REST_SKELETON, dtype=np.float32)
    kp = np.repeat(rest[None], frames, axis=0).copy()  # (T, 25, 3)
    t = np.arange(frames, dtype=np.float32) + phase
    if action == 0:
        arms = [4, 5, 6, 7, 21, 22, 8, 9, 10, 11, 23, 24]
        kp[:, arms, 1] += 0.6
    else:
        dip = 0.4 * (1 + np.sin(2 * np.pi * t / 6))[:, None]
        kp[:, :, 1] -= dip
    kp += 0.02 * rng.normal(size=kp.shape).astype(np.float32)
    return kp[None].astype(np.float32)


# ------------------------------------------------------------ file writers
def write_ntu_skeleton(path, frames=6, seed=0):
    """An NTU ``.skeleton`` file of one body; returns its (T, 25, 3)."""
    rng = np.random.default_rng(seed)
    xyz = rng.normal(size=(frames, 25, 3)) * 0.3 + (0, 0, 3)
    lines = [str(frames)]
    for t in range(frames):
        lines += ['1', '72057594037931101 0 1 1 1 1 0 -0.08 -0.47 2', '25']
        for j in range(25):
            x, y, z = xyz[t, j]
            lines.append(f'{x:.7g} {y:.7g} {z:.7g} 250 200 '
                         f'{100 + 10 * j} {200 + 5 * j} 1 0 0 0 2')
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return xyz.astype(np.float32)


def write_kinetics_json(path, frames=5, label_index=None, seed=0):
    """An ST-GCN Kinetics clip (OpenPose-18), one person per frame."""
    rng = np.random.default_rng(seed)
    data = []
    for t in range(frames):
        pose = rng.uniform(0.1, 0.9, size=(18, 2))
        data.append(
            dict(frame_index=t + 1,
                 skeleton=[dict(pose=pose.ravel().round(3).tolist(),
                                score=[0.9] * 18)]))
    clip = dict(data=data, label='x')
    if label_index is not None:
        clip['label_index'] = label_index
    with open(path, 'w') as f:
        json.dump(clip, f)
    return str(path)


def write_alphapose_json(path, frames=6, seed=0):
    """An AlphaPose COCO-17 result list, one person per frame."""
    rng = np.random.default_rng(seed)
    dets = []
    for t in range(frames):
        kp = np.concatenate(
            [rng.uniform(0, 300, size=(17, 2)),
             np.full((17, 1), 0.8)], axis=1)
        dets.append(
            dict(image_id=f'{t}.jpg', category_id=1,
                 keypoints=kp.ravel().round(2).tolist(), score=2.5))
    with open(path, 'w') as f:
        json.dump(dets, f)
    return str(path)


def write_reid_triple(folder, samples=2, frames=6, joints=25, seed=0):
    """TranSG-style ``source_{x,y,z}_KS20_<f>.npy``; returns the x path
    and the stacked ``(N, f, J, 3)`` array."""
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(samples, frames, joints, 3)).astype(np.float32)
    for i, axis in enumerate('xyz'):
        np.save(
            os.path.join(folder, f'source_{axis}_KS20_{frames}.npy'),
            values[..., i].reshape(samples * frames, joints))
    return os.path.join(folder, f'source_x_KS20_{frames}.npy'), values


# ------------------------------------------------------------------ video
def write_video(path, frames=40, size=(64, 48), fps=10):
    """A small generated video (a moving bright square); ``.mp4`` is
    written with mp4v, ``.avi`` with MJPG."""
    import cv2
    fourcc = 'MJPG' if str(path).endswith('.avi') else 'mp4v'
    w, h = size
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps,
                             (w, h))
    assert writer.isOpened(), f'cannot write {path} with {fourcc}'
    for t in range(frames):
        frame = np.full((h, w, 3), 40, np.uint8)
        x = 4 + t % (w - 12)
        frame[10:18, x:x + 8] = 230
        writer.write(frame)
    writer.release()
    return str(path)


def stub_coco_poses(frames=40, size=(64, 48), seed=0):
    """``(T, 2, 17, 2)`` pixel poses of two persons (the second absent in
    the first 10 frames) and their ``(T, 2, 17)`` scores."""
    rng = np.random.default_rng(seed)
    w, h = size
    base = rng.uniform(0, 1, size=(17, 2)) * (w / 3, h / 2)
    kp = np.zeros((frames, 2, 17, 2), np.float32)
    for t in range(frames):
        kp[t, 0] = base + (2 + t * 0.5, 5)
        kp[t, 1] = base + (w / 2, 10 + np.sin(t / 3.) * 4)
    kp[:10, 1] = 0
    scores = np.where(np.any(kp != 0, axis=-1), 0.9, 0.).astype(np.float32)
    return kp, scores
