"""ACLHead: classification head with ACLNet's affinity contrastive losses."""
from typing import Dict, List, Optional, Tuple, Union

import torch
import torch.nn as nn
from mmaction.models.heads.base import BaseHead
from mmaction.registry import MODELS
from mmaction.utils import SampleList
from mmengine.logging import MessageHub

from ...layouts import LayoutType, get_layout
from ..utils.feature_affinity import feature_affinity

#: Where the contrastive losses take their input from.
AFFINITY_SOURCES = ('backbone', 'features', 'embedding')

FeatType = Union[torch.Tensor, Tuple[torch.Tensor, torch.Tensor]]


@MODELS.register_module()
class ACLHead(BaseHead):
    """Pooling + linear classifier, trained with CE and two affinity losses.

    The training loss is ``loss_cls + loss_inter + loss_intra`` (each term
    already weighted by its config's ``loss_weight``; 1.0, 0.1 and 0.1 by
    default) and each term is logged on its own. The contrastive losses
    read, by ``affinity``: the backbone's affinity graph ``(N, V * V)``
    (``'backbone'``, ACLGCN's second output), a graph derived from any
    backbone's feature map (``'features'``, see
    :func:`~aclnet_mm.models.utils.feature_affinity.feature_affinity`; for
    MMAction2's STGCN, STGCN++, AAGCN), or the pooled embedding ``(N, C)``
    (``'embedding'``). The graph size is derived from ``layout``, so no
    dataset names are involved. At test time only the classifier runs and
    clip scores are averaged as probabilities.

    Args:
        num_classes (int): Number of classes ``K``.
        in_channels (int): Channels of the backbone feature map.
        layout (str | dict): The skeleton layout of the backbone (sets
            ``V``). Defaults to ``'nturgb+d'``.
        affinity (str): ``'backbone'``, ``'features'`` or ``'embedding'``
            (see above). Defaults to ``'backbone'``.
        loss_cls (dict): Classification loss. Defaults to
            ``dict(type='CrossEntropyLoss')``.
        loss_inter (dict, optional): Config of
            :class:`InterAffinityContrastiveLoss` (``in_channels`` and
            ``num_classes`` are filled in). None disables it. Defaults to
            ``dict(type='InterAffinityContrastiveLoss', loss_weight=0.1)``.
        loss_intra (dict, optional): Config of
            :class:`IntraMarginContrastiveLoss` (``in_channels`` filled in).
            None disables it. Defaults to
            ``dict(type='IntraMarginContrastiveLoss', loss_weight=0.1)``.
        dropout (float): Dropout before the classifier. Defaults to 0.
        check_finite (bool): Stop training with a ``FloatingPointError``
            naming the iteration and the loss term at the first non-finite
            classifier score, affinity or loss, before the losses update
            their state (one device sync per step); and stop validation,
            testing and inference at the first batch with a non-finite
            classifier score, naming the samples. Defaults to True.
        average_clips (str): Clip averaging at test time. Defaults to
            ``'prob'``.
        init_cfg (dict or list[dict]): Defaults to a normal init (std 0.01)
            of the classifier only; the projections keep PyTorch's default
            init, as in the reference.
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 layout: LayoutType = 'nturgb+d',
                 affinity: str = 'backbone',
                 loss_cls: Optional[Dict] = None,
                 loss_inter: Optional[Dict] = dict(
                     type='InterAffinityContrastiveLoss', loss_weight=0.1),
                 loss_intra: Optional[Dict] = dict(
                     type='IntraMarginContrastiveLoss', loss_weight=0.1),
                 dropout: float = 0.,
                 check_finite: bool = True,
                 average_clips: str = 'prob',
                 init_cfg: Optional[Union[Dict, List[Dict]]] = dict(
                     type='Normal', std=0.01, override=dict(name='fc')),
                 **kwargs) -> None:
        super().__init__(
            num_classes,
            in_channels,
            loss_cls=loss_cls or dict(type='CrossEntropyLoss'),
            average_clips=average_clips,
            init_cfg=init_cfg,
            **kwargs)
        if affinity not in AFFINITY_SOURCES:
            raise ValueError(f'affinity must be one of {AFFINITY_SOURCES}, '
                             f'got {affinity!r}')
        self.affinity = affinity
        num_nodes = get_layout(layout).num_node
        self.graph_channels = (in_channels if affinity == 'embedding' else
                               num_nodes * num_nodes)
        self.dropout = nn.Dropout(dropout) if dropout > 0 else None
        self.check_finite = check_finite
        self.fc = nn.Linear(in_channels, num_classes)
        self.loss_inter = None
        self.loss_intra = None
        if loss_inter is not None:
            self.loss_inter = MODELS.build(
                dict(
                    loss_inter,
                    in_channels=self.graph_channels,
                    num_classes=num_classes))
        if loss_intra is not None:
            self.loss_intra = MODELS.build(
                dict(loss_intra, in_channels=self.graph_channels))

    def forward(self, x: FeatType, **kwargs) -> torch.Tensor:
        """Classify pooled features.

        Args:
            x (torch.Tensor | tuple): The backbone feature map
                ``(N, M, C, T, V)``, or the backbone's ``(feature map,
                affinity graph)`` pair (the graph is ignored here).

        Returns:
            torch.Tensor: Class scores ``(N, K)``.
        """
        if isinstance(x, (tuple, list)):
            x = x[0]
        x = self.pool(x)
        if self.dropout is not None:
            x = self.dropout(x)
        return self.fc(x)

    @staticmethod
    def pool(x: torch.Tensor) -> torch.Tensor:
        """``(N, M, C, T, V) -> (N, C)``: mean over T, V, then persons."""
        return x.mean(dim=(3, 4)).mean(dim=1)

    def loss(self, feats: FeatType, data_samples: SampleList,
             **kwargs) -> Dict:
        """Classification loss plus the two affinity contrastive losses.

        Note:
            In training mode the contrastive losses update their state
            (prototypes, confusion counts, memory).

        Args:
            feats (tuple[torch.Tensor]): ``(feature map (N, M, C, T, V),
                affinity graph (N, V * V))`` from :class:`ACLGCN`.
            data_samples (list[ActionDataSample]): Samples with
                ``gt_label``.

        Returns:
            dict: ``loss_cls``, ``loss_inter``, ``loss_intra`` and the
            top-k accuracies.
        """
        x, graph = self.affinity_input(feats)
        if graph.shape[-1] != self.graph_channels:
            raise ValueError(
                f'ACLHead was built for an affinity graph of '
                f'{self.graph_channels} values (its layout), but the '
                f'backbone gave {graph.shape[-1]}: set the same layout on '
                'the backbone and the head')
        # float32 scores: MMAction2's accuracy goes through numpy, which has
        # no bfloat16 (bf16 autocast), and the CE is computed in float32
        cls_scores = self(x, **kwargs).float()
        losses = self.loss_by_feat(cls_scores, data_samples)
        if self.check_finite:
            # before the contrastive losses touch prototypes, counts, memory
            self._raise_if_not_finite(
                dict(classifier_scores=cls_scores, affinity_graph=graph,
                     **losses))
        labels = torch.stack([s.gt_label for s in data_samples]).to(
            cls_scores.device).view(-1)
        if self.loss_inter is not None:
            losses['loss_inter'] = self.loss_inter(graph, labels, cls_scores)
        if self.loss_intra is not None:
            losses['loss_intra'] = self.loss_intra(graph, labels)
        if self.check_finite:
            self._raise_if_not_finite(
                {k: v for k, v in losses.items() if k.startswith('loss')})
        return losses

    def predict(self, feats: FeatType, data_samples: SampleList,
                **kwargs) -> SampleList:
        """Class scores of each sample, averaged over its clips.

        Note:
            Sets ``pred_score`` and ``pred_label`` on each data sample (in
            place), as :meth:`BaseHead.predict` does.

        Args:
            feats (torch.Tensor | tuple): The backbone feature map
                ``(N * num_clips, M, C, T, V)`` or the ``(feature map,
                affinity graph)`` pair.
            data_samples (list[ActionDataSample]): The ``N`` samples.

        Returns:
            list[ActionDataSample]: The samples with their scores.

        Raises:
            FloatingPointError: With ``check_finite``, when a score is not
                finite; names the samples of the batch it belongs to.
        """
        cls_scores = self(feats, **kwargs)
        if self.check_finite and not torch.jit.is_tracing():
            self._raise_if_scores_not_finite(cls_scores, data_samples)
        return self.predict_by_feat(cls_scores, data_samples)

    @staticmethod
    def _raise_if_scores_not_finite(cls_scores: torch.Tensor,
                                    data_samples: SampleList) -> None:
        """Raise FloatingPointError naming the samples with NaN/inf scores.

        One device sync when every score is finite (the common case).
        """
        finite = torch.isfinite(cls_scores).flatten(1).all(dim=1)
        if bool(finite.all()):
            return
        N = len(data_samples)
        clips = max(cls_scores.shape[0] // max(N, 1), 1)
        bad = sorted({int(i) // clips for i in (~finite).nonzero()[:, 0]})
        names = []
        for i in bad:
            meta = data_samples[i].metainfo if i < N else {}
            name = next((meta[k] for k in ('frame_dir', 'video_id',
                                           'filename') if k in meta), None)
            names.append(f'{i} ({name!r})' if name is not None else str(i))
        raise FloatingPointError(
            f'ACLHead: classifier_scores is not finite for sample '
            f'{", ".join(names)} of a batch of {N} in prediction '
            '(validation, test or inference); its scores and any metric '
            'would be meaningless. Check the input data (e.g. NaN '
            'keypoints: CheckedPoseDataset names the file and sample) or '
            'the checkpoint\'s weights.')

    def affinity_input(self, feats: FeatType):
        """Split the backbone output into (feature map, loss input).

        Returns:
            tuple: The feature map ``(N, M, C, T, V)`` and what the
            contrastive losses read: ``(N, V * V)`` or, for
            ``affinity='embedding'``, ``(N, C)``.
        """
        pair = isinstance(feats, (tuple, list))
        if self.affinity == 'backbone':
            if not pair or len(feats) != 2:
                raise TypeError(
                    "ACLHead(affinity='backbone') needs the (feature map, "
                    'affinity graph) pair that ACLGCN returns; for other '
                    "backbones set affinity='features' or 'embedding'")
            return feats[0], feats[1]
        x = feats[0] if pair else feats
        if self.affinity == 'features':
            return x, feature_affinity(x)
        return x, self.pool(x)

    @staticmethod
    def _raise_if_not_finite(tensors: Dict[str, torch.Tensor]) -> None:
        """Raise FloatingPointError naming the first non-finite tensor.

        One device sync when everything is finite (the common case).
        """
        tensors = {
            k: v
            for k, v in tensors.items()
            if isinstance(v, torch.Tensor) and v.is_floating_point()
        }
        finite = torch.stack([torch.isfinite(v).all() for v in
                              tensors.values()])
        if bool(finite.all()):
            return
        name = list(tensors)[int((~finite).nonzero()[0])]
        hub = MessageHub.get_current_instance()
        where = ''
        if hub.get_info('iter') is not None:
            where = (f' at training iteration {hub.get_info("iter") + 1} '
                     f'(epoch {hub.get_info("epoch", 0) + 1})')
        raise FloatingPointError(
            f'ACLHead: {name} is not finite{where}. Training stops here, '
            'before the NaN/inf can reach the prototypes, confusion counts, '
            'memory bank, optimizer or a checkpoint. Check the input data '
            '(e.g. NaN keypoints: CheckedPoseDataset rejects them) or lower '
            'the learning rate.')

    def set_counting(self, enabled: bool) -> None:
        """Turn confusion counting of the inter loss on or off.

        Note:
            Mutates the ``counting`` buffer of ``loss_inter``.
        """
        if self.loss_inter is not None:
            self.loss_inter.counting.fill_(bool(enabled))

    def rebuild_superclasses(self) -> Optional[torch.Tensor]:
        """Rebuild the inter loss's superclasses from its counts.

        Note:
            Mutates the inter loss's buffers (see
            :meth:`InterAffinityContrastiveLoss.rebuild_superclasses`).

        Returns:
            torch.Tensor or None: The superclass sizes ``(K, )``, or None
            without an inter loss.
        """
        if self.loss_inter is None:
            return None
        self.loss_inter.rebuild_superclasses()
        return self.loss_inter.superclass.sum(dim=1)
