import numpy as np
import pytest
from mmaction.registry import TRANSFORMS

from aclnet_mm.datasets.transforms import PartDrop

NTU_PARTS = [[4, 5, 6, 7, 22, 21], [12, 13, 14, 15], [8, 9, 10, 11, 24, 23],
             [16, 17, 18, 19]]


def _sample(num_node=25):
    rng = np.random.default_rng(0)
    # no exact zeros in the input, so zeroed joints are the dropped ones
    return dict(
        keypoint=rng.uniform(1, 2,
                             size=(2, 5, num_node, 3)).astype(np.float32),
        keypoint_score=rng.uniform(0.5, 1, size=(2, 5, num_node)))


def test_p1_zeroes_exactly_one_whole_group():
    drop = PartDrop(p=1.)
    assert [list(p) for p in drop.parts] == NTU_PARTS
    chosen = set()
    for seed in range(40):
        np.random.seed(seed)
        results = _sample()
        kp, score = results['keypoint'].copy(), results['keypoint_score']
        out = drop.transform(results)
        zero = np.all(out['keypoint'] == 0, axis=(0, 1, 3))
        hits = [i for i, part in enumerate(NTU_PARTS) if zero[part].all()]
        assert len(hits) == 1
        part = NTU_PARTS[hits[0]]
        assert zero.sum() == len(part)
        keep = np.setdiff1d(np.arange(25), part)
        kept = out['keypoint'][:, :, keep]
        np.testing.assert_array_equal(kept, kp[:, :, keep])
        assert np.all(out['keypoint_score'][:, :, part] == 0)
        assert np.all(score[:, :, part] > 0)  # the input was not modified
        chosen.add(hits[0])
    assert chosen == {0, 1, 2, 3}


def test_p0_is_identity():
    np.random.seed(0)
    results = _sample()
    kp = results['keypoint'].copy()
    out = PartDrop(p=0.).transform(results)
    np.testing.assert_array_equal(out['keypoint'], kp)


def test_probability():
    np.random.seed(1)
    drop = PartDrop(p=0.2)
    kp = _sample()['keypoint']
    drops = [
        np.any(drop.transform(dict(keypoint=kp))['keypoint'] == 0)
        for _ in range(300)
    ]
    assert 30 < sum(drops) < 90


def test_user_parts_on_chain():
    chain = dict(num_node=3, inward=[(1, 0), (2, 1)], center=0)
    drop = TRANSFORMS.build(
        dict(type='PartDrop', p=1., layout=chain, parts=[[1, 2]]))
    kp = np.array([[[[1., 2.], [3., 4.], [5., 6.]]]])
    out = drop.transform(dict(keypoint=kp))['keypoint']
    np.testing.assert_array_equal(out, [[[[1., 2.], [0., 0.], [0., 0.]]]])
    assert 'parts=((1, 2),)' in repr(drop)


@pytest.mark.parametrize('layout, num_node, limb', [('coco', 17, 3),
                                                    ('coco_new', 20, 3),
                                                    ('openpose', 18, 3),
                                                    ('kinect_v1', 20, 4)])
def test_other_layouts_drop_a_limb(layout, num_node, limb):
    np.random.seed(0)
    out = PartDrop(p=1., layout=layout).transform(_sample(num_node))
    zero = np.all(out['keypoint'] == 0, axis=(0, 1, 3))
    assert zero.sum() == limb


def test_bad_args():
    chain = dict(num_node=3, inward=[(1, 0), (2, 1)], center=0)
    with pytest.raises(ValueError):
        PartDrop(layout=chain)
    with pytest.raises(ValueError):
        PartDrop(layout=chain, parts=[[3]])
    with pytest.raises(ValueError):
        PartDrop(parts=[[]])
    with pytest.raises(ValueError):
        PartDrop(p=-0.1)
    with pytest.raises(ValueError):
        PartDrop(p=1.).transform(_sample(17))
