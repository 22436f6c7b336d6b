import numpy as np
import pytest
from mmaction.registry import TRANSFORMS

from aclnet_mm.datasets.transforms import COCO17To20


def test_hand_case():
    # joint v at (v, 10 v) with score v / 100; two frames, the second
    # shifted by (1, 1)
    v = np.arange(17, dtype=np.float32)
    kp = np.stack([v, 10 * v], axis=-1)[None, None].repeat(2, axis=1)
    kp[0, 1] += 1
    score = (v / 100)[None, None].repeat(2, axis=1)
    results = TRANSFORMS.build(dict(
        type='COCO17To20')).transform(dict(keypoint=kp, keypoint_score=score))
    out = results['keypoint']
    assert 'keypoint_score' not in results
    assert out.shape == (1, 2, 20, 3) and out.dtype == np.float32
    np.testing.assert_allclose(out[0, 0, 3], [3, 30, 0.03])
    # 17 mid-hip, 18 mid-spine, 19 neck
    np.testing.assert_allclose(
        out[0, 0, 17:],
        [[11.5, 115., 0.115], [8.5, 85., 0.085], [5.5, 55., 0.055]],
        rtol=1e-6)
    np.testing.assert_allclose(
        out[0, 1, 17:],
        [[12.5, 116., 0.115], [9.5, 86., 0.085], [6.5, 56., 0.055]],
        rtol=1e-6)


def test_premerged_input():
    kp = np.ones((1, 3, 17, 3), dtype=np.float32)
    out = COCO17To20().transform(dict(keypoint=kp))['keypoint']
    np.testing.assert_array_equal(out, np.ones((1, 3, 20, 3)))


def test_bad_input():
    with pytest.raises(ValueError):
        COCO17To20().transform(dict(keypoint=np.zeros((1, 2, 18, 2))))
    with pytest.raises(ValueError):
        COCO17To20().transform(
            dict(
                keypoint=np.zeros((1, 2, 17, 3)),
                keypoint_score=np.zeros((1, 2, 17))))
