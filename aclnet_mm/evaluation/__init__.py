from .ensemble import (SAMPLE_ID_KEYS, STREAM_WEIGHTS, StreamDump, check_dumps,
                       evaluate_scores, find_mismatches, fuse_scores,
                       load_dump, resolve_weights)
from .functional import (cmc, cross_view_rank1, mean_average_precision,
                         pairwise_distance)
from .metrics import GaitRank1Metric, ReIDRetrievalMetric

__all__ = [
    'SAMPLE_ID_KEYS', 'STREAM_WEIGHTS', 'StreamDump', 'check_dumps',
    'evaluate_scores', 'find_mismatches', 'fuse_scores', 'load_dump',
    'resolve_weights', 'cmc', 'cross_view_rank1', 'mean_average_precision',
    'pairwise_distance', 'GaitRank1Metric', 'ReIDRetrievalMetric'
]
