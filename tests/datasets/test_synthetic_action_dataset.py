import os.path as osp

import numpy as np
import pytest
import torch
from mmaction.registry import DATASETS
from mmaction.utils import register_all_modules
from tool_loader import load_tool

import aclnet_mm  # noqa: F401  (shims + registration) - before mmaction
from aclnet_mm.datasets import (SYNTHETIC_CLASSES, SYNTHETIC_GROUPS,
                                SyntheticActionDataset, make_synthetic_actions)
from aclnet_mm.datasets.synthetic_actions import VAL_SEED_OFFSET

register_all_modules(init_default_scope=True)

K = len(SYNTHETIC_CLASSES)
CLIP_LEN = 32
REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _pipeline(test_mode=False):
    sample = dict(type='UniformSampleFrames', clip_len=CLIP_LEN)
    if test_mode:
        sample.update(num_clips=1, test_mode=True)
    return [
        dict(type='PreNormalize3D', align_spine=False, align_shoulder=False),
        dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']), sample,
        dict(type='PoseDecode'),
        dict(type='FormatGCNInput', num_person=2),
        dict(type='PackActionInputs')
    ]


def _build(**kwargs):
    cfg = dict(type='SyntheticActionDataset', pipeline=_pipeline())
    cfg.update(kwargs)
    return DATASETS.build(cfg)


def test_registered_and_packed():
    ds = _build(num_per_class=4)
    assert isinstance(ds, SyntheticActionDataset)
    assert len(ds) == 4 * K
    for idx in (0, len(ds) - 1):
        item = ds[idx]
        inputs = item['inputs']
        assert isinstance(inputs, torch.Tensor)
        assert inputs.shape == (1, 2, CLIP_LEN, 25, 3)
        assert torch.isfinite(inputs).all()
        assert inputs[:, 0].abs().sum() > 0  # the person
        assert inputs[:, 1].abs().sum() == 0  # padding for the 2nd person
        label = int(item['data_samples'].gt_label)
        assert label == ds.get_data_info(idx)['label']
    info = ds.get_data_info(0)
    assert info['modality'] == 'Pose'
    assert info['frame_dir'].startswith('syn_train_')


def test_metainfo_and_labels():
    ds = _build(num_per_class=3)
    assert ds.metainfo['classes'] == SYNTHETIC_CLASSES
    assert ds.metainfo['groups'] == SYNTHETIC_GROUPS
    labels = [ds.get_data_info(i)['label'] for i in range(len(ds))]
    assert np.bincount(labels, minlength=K).tolist() == [3] * K
    # the class attribute is not modified by building datasets
    assert SyntheticActionDataset.METAINFO['classes'] == SYNTHETIC_CLASSES


def test_train_and_val_are_disjoint_draws():
    train = _build(num_per_class=3, seed=2)
    val = _build(
        num_per_class=3,
        seed=2,
        split='val',
        test_mode=True,
        pipeline=_pipeline(test_mode=True))
    assert len(train) == len(val) == 3 * K
    train_infos = [train.get_data_info(i) for i in range(len(train))]
    val_infos = [val.get_data_info(i) for i in range(len(val))]
    assert not ({x['frame_dir']
                 for x in train_infos}
                & {x['frame_dir']
                   for x in val_infos})
    for x, y in zip(train_infos, val_infos):
        assert x['label'] == y['label']
        assert x['keypoint'].shape != y['keypoint'].shape or not np.allclose(
            x['keypoint'], y['keypoint'])
    # exactly the generator's draws
    for infos, seed in ((train_infos, 2), (val_infos, 2 + VAL_SEED_OFFSET)):
        expected = make_synthetic_actions(3, seed=seed)
        for info, ann in zip(infos, expected):
            assert info['label'] == ann['label']
            np.testing.assert_array_equal(info['keypoint'], ann['keypoint'])
    # with the test pipeline, items are reproducible
    torch.testing.assert_close(val[5]['inputs'], val[5]['inputs'])


def test_seed_and_lengths_are_passed_on():
    a = _build(num_per_class=1, seed=1, min_frames=20, max_frames=24)
    b = _build(num_per_class=1, seed=1, min_frames=20, max_frames=24)
    c = _build(num_per_class=1, seed=9, min_frames=20, max_frames=24)
    for i in range(K):
        ka = a.get_data_info(i)['keypoint']
        assert 20 <= ka.shape[1] <= 24
        np.testing.assert_array_equal(ka, b.get_data_info(i)['keypoint'])
        kc = c.get_data_info(i)['keypoint']
        assert ka.shape != kc.shape or not np.allclose(ka, kc)


@pytest.mark.parametrize('kwargs', [
    dict(split='test'),
    dict(ann_file='x.pkl'),
    dict(modality='RGB'),
    dict(num_per_class=0),
    dict(min_frames=30, max_frames=20),
])
def test_invalid_arguments(kwargs):
    with pytest.raises(ValueError):
        _build(**kwargs)


def _load_cli():
    path = osp.join(REPO, 'tools', 'data', 'make_synthetic_actions.py')
    return load_tool(path)


def test_cli_pickle_matches_dataset(tmp_path, capsys):
    cli = _load_cli()
    out = tmp_path / 'sub' / 'synthetic.pkl'
    cli.main([str(out), '--num-per-class', '2', '--seed', '4'])
    assert out.is_file()
    assert [p.name for p in out.parent.iterdir()] == ['synthetic.pkl']
    assert 'synthetic.pkl' in capsys.readouterr().out
    for split in ('train', 'val'):
        pose = DATASETS.build(
            dict(
                type='PoseDataset',
                ann_file=str(out),
                split=split,
                pipeline=_pipeline()))
        synth = _build(num_per_class=2, seed=4, split=split)
        assert len(pose) == len(synth) == 2 * K
        for i in range(len(pose)):
            x, y = pose.get_data_info(i), synth.get_data_info(i)
            assert x['frame_dir'] == y['frame_dir']
            assert x['label'] == y['label']
            np.testing.assert_array_equal(x['keypoint'], y['keypoint'])
        assert pose[0]['inputs'].shape == (1, 2, CLIP_LEN, 25, 3)
    # invalid arguments exit with a message and leave the file alone
    before = out.read_bytes()
    with pytest.raises(SystemExit):
        cli.main([str(out), '--num-per-class', '0'])
    assert out.read_bytes() == before
