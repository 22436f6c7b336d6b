import numpy as np
import pytest

from aclnet_mm.datasets.transforms import RandomScale, RandomTemporalCrop


def test_random_scale_keeps_score_and_ratio():
    kp = np.arange(2 * 4 * 3 * 3, dtype=np.float32).reshape(2, 4, 3, 3) + 1
    np.random.seed(0)
    factor = np.random.uniform(0.8, 1.2)
    np.random.seed(0)
    out = RandomScale(scale=0.2, dims=2).transform(
        dict(keypoint=kp.copy()))['keypoint']
    np.testing.assert_allclose(out[..., :2], kp[..., :2] * factor, rtol=1e-6)
    np.testing.assert_array_equal(out[..., 2], kp[..., 2])
    with pytest.raises(ValueError):
        RandomScale(scale=1.5)


def test_random_temporal_crop_window():
    T = 40
    kp = np.arange(T, dtype=np.float32)[None, :, None, None] * np.ones(
        (2, T, 3, 2), np.float32)
    score = np.arange(T, dtype=np.float32)[None, :, None] * np.ones(
        (2, T, 3), np.float32)
    for seed in range(20):
        np.random.seed(seed)
        out = RandomTemporalCrop(ratio=(0.5, 0.8), min_frames=5).transform(
            dict(keypoint=kp, keypoint_score=score, total_frames=T))
        t = out['total_frames']
        assert 20 <= t <= 32 and out['keypoint'].shape[1] == t
        frames = out['keypoint'][0, :, 0, 0]
        # contiguous frames of the original sequence, scores aligned
        np.testing.assert_array_equal(frames, frames[0] + np.arange(t))
        np.testing.assert_array_equal(out['keypoint_score'][0, :, 0], frames)


def test_random_temporal_crop_short_sequence_and_args():
    kp = np.zeros((1, 6, 3, 2), np.float32)
    out = RandomTemporalCrop(ratio=(0.1, 0.2), min_frames=10).transform(
        dict(keypoint=kp, total_frames=6))
    assert out['total_frames'] == 6  # never longer than the sequence
    with pytest.raises(ValueError):
        RandomTemporalCrop(ratio=(0.8, 0.5))


def test_center_joint_per_frame_and_first_frame():
    from aclnet_mm.datasets.transforms import CenterJoint
    kp = np.arange(2 * 3 * 4 * 3, dtype=np.float32).reshape(2, 3, 4, 3)
    out = CenterJoint(joint=1).transform(dict(keypoint=kp))['keypoint']
    np.testing.assert_array_equal(out[:, :, 1], 0)
    np.testing.assert_array_equal(out[0, 2, 3], kp[0, 2, 3] - kp[0, 2, 1])
    out = CenterJoint(joint=1, per_frame=False).transform(
        dict(keypoint=kp))['keypoint']
    np.testing.assert_array_equal(out[1, 2, 0], kp[1, 2, 0] - kp[0, 0, 1])
    with pytest.raises(ValueError):
        CenterJoint(joint=9).transform(dict(keypoint=kp))
