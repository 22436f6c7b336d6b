import numpy as np
import pytest
from mmaction.registry import TRANSFORMS

from aclnet_mm.datasets.transforms import SpatialFlip

# ACLNet's NTU order (spec 5.1) and its OpenPose order
NTU_ORDER = [
    0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 16, 17, 18, 19, 12, 13, 14, 15, 20,
    23, 24, 21, 22
]
OPENPOSE_ORDER = [0, 1, 5, 6, 7, 2, 3, 4, 11, 12, 13, 8, 9, 10, 15, 14, 17, 16]
NUM_NODE = {
    'nturgb+d': 25,
    'coco': 17,
    'coco_new': 20,
    'openpose': 18,
    'kinect_v1': 20
}


def _sample(num_node, seed=0):
    rng = np.random.default_rng(seed)
    return dict(
        keypoint=rng.normal(size=(2, 4, num_node, 3)).astype(np.float32),
        keypoint_score=rng.uniform(size=(2, 4, num_node)).astype(np.float32))


def test_reference_orders():
    assert SpatialFlip('nturgb+d').permutation.tolist() == NTU_ORDER
    assert SpatialFlip('openpose').permutation.tolist() == OPENPOSE_ORDER
    coco = [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15]
    assert SpatialFlip('coco').permutation.tolist() == coco
    assert SpatialFlip('coco_new').permutation.tolist() == coco + [17, 18, 19]


def test_swaps_hands_without_mirroring():
    # joint v sits at (v, 10 v, 100 v)
    kp = np.arange(25, dtype=np.float32)[None, None, :, None] * [1, 10, 100]
    out = SpatialFlip(p=1.).transform(dict(keypoint=kp.copy()))['keypoint']
    left_hand, right_hand = [4, 5, 6, 7, 21, 22], [8, 9, 10, 11, 23, 24]
    np.testing.assert_array_equal(out[0, 0, left_hand], kp[0, 0, right_hand])
    np.testing.assert_array_equal(out[0, 0, right_hand], kp[0, 0, left_hand])
    # spine and head keep their place and their coordinates
    np.testing.assert_array_equal(out[0, 0, [0, 1, 2, 3, 20]],
                                  kp[0, 0, [0, 1, 2, 3, 20]])


@pytest.mark.parametrize('layout', sorted(NUM_NODE))
def test_involution_and_score(layout):
    results = _sample(NUM_NODE[layout])
    kp, score = results['keypoint'].copy(), results['keypoint_score'].copy()
    flip = SpatialFlip(layout=layout, p=1.)
    once = flip.transform(results)
    perm = flip.permutation
    assert not np.array_equal(once['keypoint'], kp)
    np.testing.assert_array_equal(once['keypoint_score'], score[:, :, perm])
    twice = flip.transform(once)
    np.testing.assert_array_equal(twice['keypoint'], kp)
    np.testing.assert_array_equal(twice['keypoint_score'], score)


def test_probability():
    np.random.seed(0)
    flip = SpatialFlip(p=0.5)
    kp = _sample(25)['keypoint']
    flips = [
        not np.array_equal(flip.transform(dict(keypoint=kp))['keypoint'], kp)
        for _ in range(200)
    ]
    assert 70 < sum(flips) < 130
    results = dict(keypoint=kp)
    assert SpatialFlip(p=0.).transform(results)['keypoint'] is kp


def test_user_permutation_and_registry():
    chain = dict(num_node=3, inward=[(1, 0), (2, 1)], center=0)
    flip = TRANSFORMS.build(
        dict(type='SpatialFlip', layout=chain, p=1., permutation=[2, 1, 0]))
    kp = np.array([[[[0., 1.], [2., 3.], [4., 5.]]]])
    out = flip.transform(dict(keypoint=kp))['keypoint']
    np.testing.assert_array_equal(out, [[[[4., 5.], [2., 3.], [0., 1.]]]])
    assert 'permutation=[2, 1, 0]' in repr(flip)


def test_bad_args():
    chain = dict(num_node=3, inward=[(1, 0), (2, 1)], center=0)
    with pytest.raises(ValueError):
        SpatialFlip(layout=chain)
    with pytest.raises(ValueError):
        SpatialFlip(layout=chain, permutation=[0, 0, 1])
    with pytest.raises(ValueError):
        SpatialFlip(permutation=[1, 0])
    with pytest.raises(ValueError):
        SpatialFlip(p=1.5)
    with pytest.raises(ValueError):
        SpatialFlip(layout='kinect')
    with pytest.raises(ValueError):
        SpatialFlip(p=1.).transform(_sample(17))


def test_kinect_v1_swaps_limbs_and_keeps_the_spine():
    perm = SpatialFlip(layout='kinect_v1', p=1.).permutation
    assert perm[4] == 8 and perm[8] == 4  # shoulders
    assert perm[15] == 19 and perm[19] == 15  # feet
    assert list(perm[:4]) == [0, 1, 2, 3]  # hip centre, spine, neck, head
