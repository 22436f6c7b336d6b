import numpy as np
import pytest
import torch
from mmaction.datasets.transforms import JointToBone
from mmaction.registry import TRANSFORMS
from mmcv.transforms import Compose

from aclnet_mm.datasets.transforms import GenSkeFeatACL
from aclnet_mm.datasets.transforms.gen_ske_feat_acl import (bone_parents,
                                                            kbone_parents)

CHAIN = dict(num_node=3, inward=[(1, 0), (2, 1)], center=0)

# ACLNet's bone and k-bone tables (pose_related.py), written as the anchor
# joint of every joint 0..V-1 (an anchor equal to the joint means 0)
REF_BONE = {
    'nturgb+d': [
        1, 20, 20, 2, 20, 4, 5, 6, 20, 8, 9, 10, 0, 12, 13, 14, 0, 16, 17, 18,
        20, 22, 7, 24, 11
    ],
    'coco': [0, 0, 0, 1, 2, 0, 0, 5, 6, 7, 8, 0, 0, 11, 12, 13, 14],
    'coco_new':
    [19, 0, 0, 1, 2, 19, 19, 5, 6, 7, 8, 17, 17, 11, 12, 13, 14, 18, 19, 19],
    'openpose': [1, 1, 1, 2, 3, 1, 5, 6, 2, 8, 9, 5, 11, 12, 0, 0, 14, 15],
}
REF_KBONE = {
    'nturgb+d': [
        20, 1, 2, 20, 4, 20, 4, 5, 8, 20, 8, 9, 1, 0, 12, 13, 1, 0, 16, 17, 20,
        7, 6, 11, 10
    ],
    'coco': [0, 1, 2, 0, 0, 5, 6, 0, 0, 5, 6, 11, 12, 0, 0, 11, 12],
    'coco_new':
    [0, 19, 19, 0, 0, 5, 6, 19, 19, 5, 6, 18, 18, 17, 17, 11, 12, 19, 18, 19],
    'openpose': [0, 1, 2, 1, 2, 5, 1, 5, 1, 2, 8, 1, 5, 11, 1, 1, 0, 0],
}


def _chain_sample():
    # (M=1, T=2, V=3, C=3); frame 1 moves joints 1, 2 and lifts z by 1
    kp = np.array([[[[0, 0, 0], [1, 0, 0], [1, 2, 0]],
                    [[0, 0, 1], [2, 0, 1], [2, 3, 1]]]],
                  dtype=np.float32)
    return dict(keypoint=kp)


def _run(sample, **kwargs):
    return GenSkeFeatACL(**kwargs).transform(sample)['keypoint']


@pytest.mark.parametrize('layout', sorted(REF_BONE))
def test_parents_match_reference(layout):
    parents = bone_parents(layout)
    assert parents.tolist() == REF_BONE[layout]
    assert kbone_parents(parents).tolist() == REF_KBONE[layout]


def test_chain_hand_case():
    b = _run(_chain_sample(), layout=CHAIN, feats=['b'])
    np.testing.assert_array_equal(b[0], [[[0, 0, 0], [1, 0, 0], [0, 2, 0]],
                                         [[0, 0, 0], [2, 0, 0], [0, 3, 0]]])
    # joint 1 hangs from the root: no grand-parent, k-bone 0
    k = _run(_chain_sample(), layout=CHAIN, feats=['k'])
    np.testing.assert_array_equal(k[0], [[[0, 0, 0], [0, 0, 0], [1, 2, 0]],
                                         [[0, 0, 0], [0, 0, 0], [2, 3, 0]]])
    jm = _run(_chain_sample(), layout=CHAIN, feats=['jm'])
    np.testing.assert_array_equal(jm[0], [[[0, 0, 1], [1, 0, 1], [1, 1, 1]],
                                          np.zeros((3, 3))])
    km = _run(_chain_sample(), layout=CHAIN, feats=['km'])
    np.testing.assert_array_equal(km[0], [[[0, 0, 0], [0, 0, 0], [1, 1, 0]],
                                          np.zeros((3, 3))])


def test_feats_concatenate_in_order():
    out = _run(_chain_sample(), layout=CHAIN, feats=['k', 'j', 'bm'])
    assert out.shape == (1, 2, 3, 9)
    np.testing.assert_array_equal(
        out[..., 0:3], _run(_chain_sample(), layout=CHAIN, feats=['k']))
    np.testing.assert_array_equal(out[..., 3:6], _chain_sample()['keypoint'])
    np.testing.assert_array_equal(out[0, :, :, 6:],
                                  [[[0, 0, 0], [1, 0, 0], [0, 1, 0]],
                                   np.zeros((3, 3))])
    stacked = _run(_chain_sample(), layout=CHAIN, feats=['j', 'b'], axis=0)
    assert stacked.shape == (2, 2, 3, 3)


def test_no_leftover_streams():
    results = GenSkeFeatACL(feats=['bm']).transform(
        dict(keypoint=np.ones((1, 3, 25, 3), dtype=np.float32)))
    assert set(results) == {'keypoint'}


@pytest.mark.parametrize('layout, channels', [('nturgb+d', 3), ('coco', 3),
                                              ('coco', 2)])
def test_bone_equals_mmaction(layout, channels):
    rng = np.random.default_rng(0)
    num_node = 25 if layout == 'nturgb+d' else 17
    kp = rng.normal(size=(2, 6, num_node, channels)).astype(np.float32)
    ours = _run(dict(keypoint=kp.copy()), layout=layout, feats=['b'])
    theirs = JointToBone(dataset=layout).transform(dict(
        keypoint=kp.copy()))['keypoint']
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)


def test_openpose_root_differs_from_mmaction():
    kp = np.random.default_rng(0).normal(size=(1, 2, 18, 2))
    ours = _run(dict(keypoint=kp), layout='openpose', feats=['b'])
    np.testing.assert_allclose(
        ours[:, :, 0], kp[:, :, 0] - kp[:, :, 1], rtol=1e-6)
    assert np.all(ours[:, :, 1] == 0)


def test_motion_has_zero_last_frame():
    kp = np.random.default_rng(1).normal(size=(2, 7, 25, 3))
    out = _run(dict(keypoint=kp), feats=['jm', 'bm', 'km'])
    assert np.all(out[:, -1] == 0)
    np.testing.assert_allclose(
        out[:, :-1, :, :3], np.diff(kp, axis=1), rtol=1e-5, atol=1e-6)


def test_score_channel_handling():
    rng = np.random.default_rng(2)
    kp = rng.normal(size=(1, 3, 20, 2))
    score = rng.uniform(size=(1, 3, 20))
    feats = ['b', 'k', 'jm']

    def run(layout, num_node=20):
        return _run(
            dict(
                keypoint=kp[:, :, :num_node],
                keypoint_score=score[:, :, :num_node]),
            layout=layout,
            feats=feats)

    parent, grand = REF_BONE['coco_new'], REF_KBONE['coco_new']
    out = run('coco_new')
    assert out.shape == (1, 3, 20, 9)
    # b: mean score; k and jm of coco_new: plain differences (reference)
    np.testing.assert_allclose(
        out[..., 2], (score + score[:, :, parent]) / 2, rtol=1e-6)
    np.testing.assert_allclose(
        out[..., 5], score - score[:, :, grand], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(
        out[:, :-1, :, 8], np.diff(score, axis=1), rtol=1e-6)
    # coco: every stream averages the score
    grand = REF_KBONE['coco']
    out = run('coco', 17)
    s = score[:, :, :17]
    np.testing.assert_allclose(
        out[..., 5], (s + s[:, :, grand]) / 2, rtol=1e-6)
    np.testing.assert_allclose(
        out[:, :-1, :, 8], (s[:, 1:] + s[:, :-1]) / 2, rtol=1e-6)
    assert np.all(out[:, -1, :, 8] == 0)


def test_user_dict_with_score_averages():
    kp = np.array([[[[0, 0, 0.2], [1, 0, 0.4], [1, 2, 0.8]]]])
    b = _run(dict(keypoint=kp), layout=CHAIN, feats=['b'], score_channel=True)
    np.testing.assert_allclose(
        b[0, 0], [[0, 0, 0.2], [1, 0, 0.3], [0, 2, 0.6]], rtol=1e-6)


def test_bad_args():
    with pytest.raises(ValueError):
        GenSkeFeatACL(feats=['j', 'x'])
    with pytest.raises(ValueError):
        GenSkeFeatACL(feats=['j', 'j'])
    with pytest.raises(ValueError):
        GenSkeFeatACL(feats=[])
    with pytest.raises(ValueError):
        GenSkeFeatACL(layout='kinect')
    with pytest.raises(ValueError):
        GenSkeFeatACL().transform(
            dict(
                keypoint=np.zeros((1, 2, 25, 2)),
                keypoint_score=np.zeros((1, 2, 25))))
    with pytest.raises(ValueError):
        GenSkeFeatACL().transform(dict(keypoint=np.zeros((1, 2, 17, 3))))


def _build(cfgs):
    return Compose([TRANSFORMS.build(cfg) for cfg in cfgs])


def test_ntu_3d_pipeline():
    rng = np.random.default_rng(0)
    kp = rng.normal(size=(2, 20, 25, 3)).astype(np.float32)
    pipeline = _build([
        dict(type='PreNormalize3D', align_spine=False, align_shoulder=False),
        dict(type='RandomRot', theta=0.2),
        dict(type='SpatialFlip', layout='nturgb+d', p=0.5),
        dict(type='GenSkeFeatACL', layout='nturgb+d', feats=['k']),
        dict(type='UniformSampleFrames', clip_len=8),
        dict(type='PoseDecode'),
        dict(type='FormatGCNInput', num_person=2),
        dict(type='PackActionInputs'),
    ])
    np.random.seed(0)
    packed = pipeline(dict(keypoint=kp, total_frames=20, label=3))
    inputs = packed['inputs']
    assert isinstance(inputs, torch.Tensor)
    assert inputs.shape == (1, 2, 8, 25, 3)
    assert torch.all(inputs[..., 20, :] == 0)  # the spine centre is a root
    assert packed['data_samples'].gt_label.item() == 3


def test_coco_2d_pipeline():
    rng = np.random.default_rng(0)
    kp = rng.uniform(0, 480, size=(1, 30, 17, 2)).astype(np.float32)
    score = rng.uniform(size=(1, 30, 17)).astype(np.float32)
    pipeline = _build([
        dict(type='UniformSampleFrames', clip_len=8),
        dict(type='PoseDecode'),
        dict(
            type='Flip',
            flip_ratio=0.5,
            left_kp=[1, 3, 5, 7, 9, 11, 13, 15],
            right_kp=[2, 4, 6, 8, 10, 12, 14, 16]),
        dict(type='COCO17To20'),
        dict(type='GenSkeFeatACL', layout='coco_new', feats=['b']),
        dict(type='FormatGCNInput', num_person=2),
        dict(type='PackActionInputs'),
    ])
    np.random.seed(0)
    packed = pipeline(
        dict(
            keypoint=kp,
            keypoint_score=score,
            total_frames=30,
            img_shape=(480, 640),
            modality='Pose',
            label=1))
    inputs = packed['inputs']
    assert inputs.shape == (1, 2, 8, 20, 3)
    assert torch.all(inputs[:, 1] == 0)  # padded second person
    assert torch.all(inputs[0, 0, :, 19, :2] == 0)  # the neck is the root
    assert torch.all((inputs[0, 0, ..., 2] >= 0) & (inputs[0, 0, ..., 2] <= 1))
