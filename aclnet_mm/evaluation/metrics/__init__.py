from .gait_metric import CASIA_B, GaitRank1Metric
from .reid_metric import DEFAULT_SETTINGS, ReIDRetrievalMetric

__all__ = [
    'CASIA_B', 'DEFAULT_SETTINGS', 'GaitRank1Metric', 'ReIDRetrievalMetric'
]
