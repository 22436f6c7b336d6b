"""Random rotation of skeleton coordinates (MMAction2 1.2.0 has none)."""
from typing import Dict

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


def rotation_matrix(angles: np.ndarray) -> np.ndarray:
    """``Rz @ Ry @ Rx`` for angles ``(ax, ay, az)`` in radians."""
    ax, ay, az = angles
    cx, sx, cy, sy, cz, sz = (np.cos(ax), np.sin(ax), np.cos(ay),
                              np.sin(ay), np.cos(az), np.sin(az))
    rx = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rz = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    return rz @ ry @ rx


@TRANSFORMS.register_module()
class RandomRot(BaseTransform):
    """Rotate all joints of a sample by one random rotation.

    3D coordinates (``C >= 3``; channels past the third are kept) get
    ``R = Rz @ Ry @ Rx`` with each angle drawn from ``U(-theta, theta)``, as
    ACLNet's training pipeline. 2D coordinates (``C == 2``) get an
    in-plane rotation by one angle from ``U(-theta, theta)`` (the
    reference's 2D branch draws from ``U(-theta, 1)`` by mistake). Zero
    (missing) joints stay zero.

    Required Keys:

        - keypoint ``(M, T, V, C)``

    Modified Keys:

        - keypoint

    Args:
        theta (float): Largest angle in radians. Defaults to 0.2.
    """

    def __init__(self, theta: float = 0.2) -> None:
        if theta < 0:
            raise ValueError(f'theta must be >= 0, got {theta}')
        self.theta = theta

    def transform(self, results: Dict) -> Dict:
        keypoint = results['keypoint']
        C = keypoint.shape[-1]
        if C == 2:
            a = np.random.uniform(-self.theta, self.theta)
            rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
            dims = 2
        else:
            if C < 3:
                raise ValueError(f'RandomRot needs 2 or >= 3 channels, got '
                                 f'{C}')
            rot = rotation_matrix(
                np.random.uniform(-self.theta, self.theta, size=3))
            dims = 3
        out = keypoint.copy()
        out[..., :dims] = (keypoint[..., :dims] @ rot.T).astype(
            keypoint.dtype)
        results['keypoint'] = out
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(theta={self.theta})'
