from . import transforms  # noqa: F401  (registers the transforms)
from .gait_pose_dataset import GAIT_META_KEYS, GaitPoseDataset
from .pyskl_kinetics_dataset import KineticsPoseDataset
from .reid_pose_dataset import REID_META_KEYS, ReIDPoseDataset
from .synthetic_action_dataset import SyntheticActionDataset
from .synthetic_actions import (SYNTHETIC_CLASSES, SYNTHETIC_GROUPS,
                                make_synthetic_actions)

__all__ = [
    'GAIT_META_KEYS', 'GaitPoseDataset', 'KineticsPoseDataset',
    'REID_META_KEYS', 'ReIDPoseDataset', 'SyntheticActionDataset',
    'SYNTHETIC_CLASSES', 'SYNTHETIC_GROUPS', 'make_synthetic_actions'
]
