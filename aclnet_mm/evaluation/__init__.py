from .ensemble import (SAMPLE_ID_KEYS, STREAM_WEIGHTS, StreamDump, check_dumps,
                       evaluate_scores, find_mismatches, fuse_scores,
                       load_dump, resolve_weights)

__all__ = [
    'SAMPLE_ID_KEYS', 'STREAM_WEIGHTS', 'StreamDump', 'check_dumps',
    'evaluate_scores', 'find_mismatches', 'fuse_scores', 'load_dump',
    'resolve_weights'
]
