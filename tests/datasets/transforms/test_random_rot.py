import numpy as np
import pytest

from aclnet_mm.datasets.transforms import RandomRot
from aclnet_mm.datasets.transforms.random_rot import rotation_matrix


def test_rotation_matrix_hand_case():
    # 90 degrees about z maps x to y; about x maps y to z
    np.testing.assert_allclose(
        rotation_matrix(np.array([0, 0, np.pi / 2])) @ [1, 0, 0], [0, 1, 0],
        atol=1e-12)
    np.testing.assert_allclose(
        rotation_matrix(np.array([np.pi / 2, 0, 0])) @ [0, 1, 0], [0, 0, 1],
        atol=1e-12)
    # order: Rz @ Ry @ Rx
    a = np.array([0.1, -0.2, 0.3])
    rx = rotation_matrix(np.array([a[0], 0, 0]))
    ry = rotation_matrix(np.array([0, a[1], 0]))
    rz = rotation_matrix(np.array([0, 0, a[2]]))
    np.testing.assert_allclose(rotation_matrix(a), rz @ ry @ rx)


def test_3d_rotation_is_rigid_and_bounded():
    rng = np.random.default_rng(0)
    kp = rng.normal(size=(2, 5, 25, 3)).astype(np.float32)
    kp[1, 3] = 0  # a missing person-frame
    np.random.seed(1)
    out = RandomRot(theta=0.2).transform(dict(keypoint=kp.copy()))['keypoint']
    assert out.dtype == np.float32 and out.shape == kp.shape
    np.testing.assert_allclose(
        np.linalg.norm(out, axis=-1), np.linalg.norm(kp, axis=-1), rtol=1e-5)
    assert np.all(out[1, 3] == 0)
    # recover the rotation and check its angle is within 3 x theta
    R, *_ = np.linalg.lstsq(kp.reshape(-1, 3), out.reshape(-1, 3), rcond=None)
    angle = np.arccos(np.clip((np.trace(R) - 1) / 2, -1, 1))
    assert 0 < angle < 0.2 * np.sqrt(3) + 1e-6


def test_2d_rotation_in_plane():
    kp = np.array([[[[1., 0.], [0., 2.]]]], dtype=np.float32)
    np.random.seed(3)
    a = np.random.uniform(-0.5, 0.5)
    np.random.seed(3)
    out = RandomRot(theta=0.5).transform(dict(keypoint=kp))['keypoint']
    np.testing.assert_allclose(out[0, 0, 0], [np.cos(a), np.sin(a)],
                               rtol=1e-6)
    np.testing.assert_allclose(out[0, 0, 1],
                               [-2 * np.sin(a), 2 * np.cos(a)], rtol=1e-6)


def test_negative_theta_rejected():
    with pytest.raises(ValueError):
        RandomRot(theta=-1)
