"""Subtract one joint's position from all joints."""
from typing import Dict

from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


@TRANSFORMS.register_module()
class CenterJoint(BaseTransform):
    """Centre skeletons on a joint, per frame or on the first frame.

    The skeleton re-ID line of work (Rao et al., TranSG) centres every frame
    on joint 0 (the hip centre of Kinect v1). ``PreNormalize3D`` centres on
    joint 1 only for 25-joint data, hence this transform.

    Required Keys:

        - keypoint ``(M, T, V, C)``

    Modified Keys:

        - keypoint

    Args:
        joint (int): Index of the centre joint. Defaults to 0.
        per_frame (bool): Centre each frame (True) or subtract person 0's
            centre joint in frame 0 from everything (False). Defaults to
            True.
        dims (int): Leading coordinate channels to centre. Defaults to 3.
    """

    def __init__(self, joint: int = 0, per_frame: bool = True,
                 dims: int = 3) -> None:
        if joint < 0 or dims < 1:
            raise ValueError(f'joint must be >= 0 and dims >= 1, got {joint} '
                             f'and {dims}')
        self.joint = joint
        self.per_frame = per_frame
        self.dims = dims

    def transform(self, results: Dict) -> Dict:
        keypoint = results['keypoint'].copy()
        if self.joint >= keypoint.shape[2]:
            raise ValueError(f'CenterJoint: joint {self.joint} out of range '
                             f'for {keypoint.shape[2]} joints')
        if self.per_frame:
            centre = keypoint[:, :, self.joint:self.joint + 1, :self.dims]
        else:
            centre = keypoint[0, 0, self.joint, :self.dims]
        keypoint[..., :self.dims] = keypoint[..., :self.dims] - centre
        results['keypoint'] = keypoint
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(joint={self.joint}, '
                f'per_frame={self.per_frame}, dims={self.dims})')
