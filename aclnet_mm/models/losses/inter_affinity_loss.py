"""Inter-class affinity contrastive loss of ACLNet (spec section 2.2)."""
from typing import Optional, Sequence

import torch
import torch.nn as nn
from mmaction.registry import MODELS

from ..utils.dist_utils import all_reduce_mean_
from ..utils.precision import float32_forward
from ..utils.superclass import (confusion_increment,
                                default_superclass_params, rebuild)

_EPS = 1e-12


def _l2_normalize(x: torch.Tensor) -> torch.Tensor:
    # x / (||x|| + eps), as the reference (not F.normalize's max(||x||, eps))
    return x / (x.norm(p=2, dim=-1, keepdim=True) + _EPS)


@MODELS.register_module()
class InterAffinityContrastiveLoss(nn.Module):
    """Contrast each sample against the prototypes of its superclass.

    Each sample's affinity graph is projected to ``embed_channels`` and
    contrasted (InfoNCE) with the EMA prototype of its own class against the
    prototypes of the classes in its class's superclass, the classes it is
    most often confused with. The temperature depends on the superclass
    size (0.1 up to 10 members, 0.5 up to 20, 1.0 above).

    All state is in persistent buffers, so it is checkpointed and restored
    by ``--resume``:

    - ``prototypes (K, D)``: EMA of the projected features of correctly
      classified samples, per class, updated every training step.
    - ``confusion (K, K)`` float64: cumulative confusion counts (see
      :func:`~aclnet_mm.models.utils.superclass.confusion_increment`),
      accumulated while ``counting`` is set.
    - ``superclass (K, K)`` bool and ``temperature (K, )``: the table of the
      last :meth:`rebuild_superclasses`.
    - ``counting``, ``active`` (bool scalars): the schedule, driven by
      :class:`~aclnet_mm.engine.hooks.SuperclassRebuildHook`.

    Under DDP each rank counts its own batches; MMEngine's default
    ``SyncBuffersHook`` averages the counts after every epoch and
    :meth:`rebuild_superclasses` averages them again (idempotent), so every
    rank holds counts proportional to the sum over ranks and builds the same
    superclasses. Prototypes stay per rank within an epoch, as in the
    reference, and are averaged each epoch.

    The positive class in its own superclass: with few confusions the
    reference's top-10 tie rule can put class ``k`` into ``S(k)``; it then
    uses the positive prototype also as a negative, which bounds that
    sample's loss below by ``log 2``. By default the positive is never its
    own negative (``self_negative=False``); the temperature still follows
    the reference's superclass size. ``self_negative=True`` reproduces the
    reference exactly.

    Args:
        in_channels (int): Length of the affinity feature, ``V * V``.
        num_classes (int): Number of classes ``K``.
        embed_channels (int): Projection size ``D``. Defaults to 256.
        momentum (float): Weight of the old prototype in the EMA.
            Defaults to 0.9.
        num_neighbors (int, optional): Most-confused classes per
            superclass. None (the default) scales it with ``num_classes``
            (:func:`~aclnet_mm.models.utils.superclass.\
default_superclass_params`: the paper's 10 from 60 classes up).
        coincidence (int, optional): A class joins ``S(k)`` when it shares
            more than this many neighbours with ``k``. None (the default)
            scales it likewise (the paper's 4 from 60 classes up).
        size_bounds (Sequence[int]): Superclass sizes bounding the
            temperature steps. Defaults to ``(10, 20)``.
        temperatures (Sequence[float]): Temperatures per step. Defaults to
            ``(0.1, 0.5, 1.0)``.
        self_negative (bool): Keep the positive class among the negatives
            when it is in its own superclass (reference quirk). Defaults to
            False.
        loss_weight (float): Factor on the returned loss. Defaults to 1.0.
    """

    def __init__(self,
                 in_channels: int,
                 num_classes: int,
                 embed_channels: int = 256,
                 momentum: float = 0.9,
                 num_neighbors: Optional[int] = None,
                 coincidence: Optional[int] = None,
                 size_bounds: Sequence[int] = (10, 20),
                 temperatures: Sequence[float] = (0.1, 0.5, 1.0),
                 self_negative: bool = False,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if not 0 <= momentum < 1:
            raise ValueError(f'momentum must be in [0, 1), got {momentum}')
        if len(temperatures) != len(size_bounds) + 1:
            raise ValueError('temperatures needs one more entry than '
                             'size_bounds')
        self.num_classes = num_classes
        rule = default_superclass_params(num_classes)
        num_neighbors = rule[0] if num_neighbors is None else num_neighbors
        coincidence = rule[1] if coincidence is None else coincidence
        self.momentum = momentum
        self.num_neighbors = num_neighbors
        self.coincidence = coincidence
        self.size_bounds = tuple(size_bounds)
        self.temperatures = tuple(temperatures)
        self.self_negative = self_negative
        self.loss_weight = loss_weight
        self.proj = nn.Linear(in_channels, embed_channels)
        K = num_classes
        self.register_buffer('prototypes', torch.randn(K, embed_channels))
        self.register_buffer('confusion',
                             torch.zeros(K, K, dtype=torch.float64))
        self.register_buffer('superclass', torch.zeros(K, K,
                                                       dtype=torch.bool))
        self.register_buffer('temperature',
                             torch.full((K, ), self.temperatures[0]))
        self.register_buffer('counting', torch.tensor(False))
        self.register_buffer('active', torch.tensor(False))

    @float32_forward
    def forward(self, feats: torch.Tensor, labels: torch.Tensor,
                cls_scores: torch.Tensor) -> torch.Tensor:
        """Compute the loss; in training mode also update the state.

        Note:
            In training mode this updates ``prototypes`` and, while
            ``counting`` is set, ``confusion``.

        Args:
            feats (torch.Tensor): Affinity features ``(N, V * V)``.
            labels (torch.Tensor): Class indices ``(N, )``.
            cls_scores (torch.Tensor): Classifier scores ``(N, K)``; used
                only for predictions (detached).

        Returns:
            torch.Tensor: Scalar loss times ``loss_weight``. While the loss
            is inactive, a zero that is still connected to the projection
            (so DDP needs no ``find_unused_parameters``).
        """
        emb = self.proj(feats)  # (N, D)
        labels = labels.long()
        preds = cls_scores.detach().argmax(dim=1)
        if self.training and bool(self.counting):
            with torch.no_grad():
                self.confusion += confusion_increment(
                    labels, preds, self.num_classes)
        prototypes = self._updated_prototypes(emb, labels, preds)
        if self.training:
            self.prototypes.copy_(prototypes.detach())
        if not bool(self.active):
            return emb.sum() * 0.
        return self.loss_weight * self._contrast(emb, labels, prototypes)

    def _updated_prototypes(self, emb: torch.Tensor, labels: torch.Tensor,
                            preds: torch.Tensor) -> torch.Tensor:
        """EMA step; keeps the gradient through the new batch means."""
        hit = (preds == labels).to(emb.dtype)  # true positives
        onehot = torch.zeros(
            (emb.shape[0], self.num_classes),
            dtype=emb.dtype,
            device=emb.device)
        onehot.scatter_(1, labels[:, None], hit[:, None])
        count = onehot.sum(dim=0)  # (K, )
        mean = onehot.t() @ emb / (count[:, None] + _EPS)  # (K, D)
        old = self.prototypes.detach()
        mixed = self.momentum * old + (1 - self.momentum) * mean
        return torch.where((count > 0)[:, None], mixed, old)

    def _contrast(self, emb: torch.Tensor, labels: torch.Tensor,
                  prototypes: torch.Tensor) -> torch.Tensor:
        sim = _l2_normalize(emb) @ _l2_normalize(prototypes).t()  # (N, K)
        tau = self.temperature[labels][:, None]  # (N, 1)
        logits = sim / tau
        pos = logits.gather(1, labels[:, None])  # (N, 1)
        negatives = self.superclass[labels]  # (N, K)
        if not self.self_negative:
            negatives = negatives.scatter(1, labels[:, None], False)
        neg = logits.masked_fill(~negatives, float('-inf'))
        all_logits = torch.cat([pos, neg], dim=1)
        return (torch.logsumexp(all_logits, dim=1) - pos[:, 0]).mean()

    @torch.no_grad()
    def rebuild_superclasses(self) -> None:
        """Rebuild superclasses and temperatures from the counts.

        Note:
            Averages ``confusion`` over ranks (in place; idempotent, so it
            does not matter whether ``SyncBuffersHook`` ran first), then
            overwrites ``superclass`` and ``temperature`` and sets
            ``active``. Every rank gets the same table.
        """
        all_reduce_mean_(self.confusion)
        members, tau = rebuild(self.confusion, self.num_neighbors,
                               self.coincidence, self.size_bounds,
                               self.temperatures)
        self.superclass.copy_(members)
        self.temperature.copy_(tau)
        self.active.fill_(True)

    def extra_repr(self) -> str:
        return (f'num_classes={self.num_classes}, '
                f'num_neighbors={self.num_neighbors}, '
                f'coincidence={self.coincidence}, '
                f'temperatures={self.temperatures}, '
                f'self_negative={self.self_negative}')
