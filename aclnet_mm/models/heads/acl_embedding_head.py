"""ACLHead that also returns a retrieval embedding at test time."""
from mmaction.registry import MODELS
from mmaction.utils import SampleList

from .acl_head import ACLHead, FeatType


@MODELS.register_module()
class ACLEmbeddingHead(ACLHead):
    """:class:`ACLHead` whose predictions also carry an embedding.

    Training (``loss``) and the class scores are those of
    :class:`ACLHead`. ``predict`` additionally stores, in each data
    sample's ``embedding`` field, the pooled pre-classifier feature
    (:meth:`ACLHead.pool`, before dropout and ``fc``) averaged over the
    sample's test clips, shape ``(C, )``. It is stored raw (not
    normalised): :class:`GaitRank1Metric` and :class:`ReIDRetrievalMetric`
    normalise it for the cosine distance. The evaluator and ``--dump``
    receive it through ``ActionDataSample.to_dict()``.

    Args:
        See :class:`ACLHead`.
    """

    def predict(self, feats: FeatType, data_samples: SampleList,
                **kwargs) -> SampleList:
        """Class scores as in :class:`ACLHead`, plus the embedding.

        Note:
            Sets ``pred_score``, ``pred_label`` and ``embedding`` on each
            data sample (in place).

        Args:
            feats (torch.Tensor | tuple): The backbone feature map
                ``(N * num_clips, M, C, T, V)`` (clips of one sample
                consecutive, as ``RecognizerGCN`` stacks them), or the
                ``(feature map, affinity graph)`` pair.
            data_samples (list[ActionDataSample]): The ``N`` samples.

        Returns:
            list[ActionDataSample]: The samples, each with an
            ``embedding`` of shape ``(C, )``.
        """
        x = feats[0] if isinstance(feats, (tuple, list)) else feats
        N = len(data_samples)
        if N == 0 or x.shape[0] % N:
            raise ValueError(f'{x.shape[0]} feature rows cannot be split '
                             f'into clips of {N} samples')
        data_samples = super().predict(feats, data_samples, **kwargs)
        pooled = self.pool(x).detach()  # (N * num_clips, C)
        embeddings = pooled.view(N, x.shape[0] // N, -1).mean(dim=1)
        for data_sample, embedding in zip(data_samples, embeddings):
            data_sample.embedding = embedding
        return data_samples
