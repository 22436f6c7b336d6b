from . import transforms  # noqa: F401  (registers the transforms)
from .checked_pose_dataset import CheckedPoseDataset
from .gait_pose_dataset import GAIT_META_KEYS, GaitPoseDataset
from .pyskl_kinetics_dataset import KineticsPoseDataset
from .reid_pose_dataset import REID_META_KEYS, ReIDPoseDataset
from .sample_checks import InvalidSampleError, check_pose_sample
from .synthetic_action_dataset import SyntheticActionDataset
from .synthetic_actions import (SYNTHETIC_CLASSES, SYNTHETIC_GROUPS,
                                make_synthetic_actions)

__all__ = [
    'CheckedPoseDataset', 'InvalidSampleError', 'check_pose_sample',
    'GAIT_META_KEYS', 'GaitPoseDataset', 'KineticsPoseDataset',
    'REID_META_KEYS', 'ReIDPoseDataset', 'SyntheticActionDataset',
    'SYNTHETIC_CLASSES', 'SYNTHETIC_GROUPS', 'make_synthetic_actions'
]
