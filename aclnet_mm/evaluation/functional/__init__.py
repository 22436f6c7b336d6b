from .retrieval import (DISTANCE_METRICS, cmc, cross_view_rank1,
                        has_gallery_match, mean_average_precision,
                        pairwise_distance, view_averaged_rank1)

__all__ = [
    'DISTANCE_METRICS', 'cmc', 'cross_view_rank1', 'has_gallery_match',
    'mean_average_precision', 'pairwise_distance', 'view_averaged_rank1'
]
