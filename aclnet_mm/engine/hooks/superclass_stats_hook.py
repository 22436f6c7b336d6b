"""Per-epoch scalars of ACLNet's superclass state, for the visualizer."""
from typing import Dict, Optional

import torch
from mmaction.registry import HOOKS
from mmengine.hooks import Hook

from .head_lookup import find_head

PREFIX = 'acl/'


def superclass_stats(superclass: torch.Tensor, temperature: torch.Tensor,
                     temperatures, previous: Optional[torch.Tensor] = None
                     ) -> Dict[str, float]:
    """Summaries of one superclass table ``(K, K)`` bool.

    Args:
        superclass (torch.Tensor): Row ``k`` marks the members of ``S(k)``.
        temperature (torch.Tensor): ``(K, )`` temperature of each class.
        temperatures (Sequence[float]): The temperature steps, for shares.
        previous (torch.Tensor, optional): The table before the rebuild.

    Returns:
        dict: ``superclass_size_min/mean/max``, ``active_classes`` (classes
        with a non-empty superclass), ``tau_<t>_share`` per step and, with
        ``previous``, ``table_jaccard``: the mean over classes of the
        Jaccard index of the old and new row (1 where both are empty).
    """
    members = superclass.bool()
    sizes = members.sum(dim=1).double()
    stats = dict(
        superclass_size_min=float(sizes.min()),
        superclass_size_mean=float(sizes.mean()),
        superclass_size_max=float(sizes.max()),
        active_classes=float((sizes > 0).sum()))
    for tau in temperatures:
        share = torch.isclose(temperature.double(),
                              torch.tensor(float(tau), dtype=torch.float64,
                                           device=temperature.device))
        stats[f'tau_{tau:g}_share'] = float(share.double().mean())
    if previous is not None:
        old = previous.bool()
        inter = (members & old).sum(dim=1).double()
        union = (members | old).sum(dim=1).double()
        jaccard = torch.where(union > 0, inter / union.clamp(min=1),
                              torch.ones_like(union))
        stats['table_jaccard'] = float(jaccard.mean())
    return stats


@HOOKS.register_module()
class SuperclassStatsHook(Hook):
    """Write ``acl/*`` scalars through MMEngine's visualizer every epoch.

    After each training epoch (after :class:`SuperclassRebuildHook`): the
    superclass sizes (min/mean/max), the number of classes with a
    superclass, the share of classes at each temperature, how much the
    table changed in the rebuild (mean row Jaccard), the confusion mass
    counted in the epoch and the fill of the intra loss's memory. They go
    to every visualizer backend of the config (``LocalVisBackend``'s
    ``scalars.json``, TensorBoard, W&B) at the epoch's last iteration.

    Args:
        head_attr (str): Attribute path of the head on the model.
            Defaults to ``'cls_head'``.
    """

    priority = 75  # after SuperclassRebuildHook (LOW, 70)

    def __init__(self, head_attr: str = 'cls_head') -> None:
        self.head_attr = head_attr
        self._table = None
        self._mass = 0.

    def _head(self, runner):
        return find_head(runner, self.head_attr)

    def before_train_epoch(self, runner) -> None:
        inter = getattr(self._head(runner), 'loss_inter', None)
        if inter is not None:
            self._table = inter.superclass.detach().clone()
            self._mass = float(inter.confusion.sum())

    def after_train_epoch(self, runner) -> None:
        head = self._head(runner)
        scalars = {}
        inter = getattr(head, 'loss_inter', None)
        if inter is not None:
            if bool(inter.active):
                scalars.update(
                    superclass_stats(inter.superclass, inter.temperature,
                                     inter.temperatures, self._table))
            scalars['confusion_mass_epoch'] = float(
                inter.confusion.sum()) - self._mass
            scalars['inter_active'] = float(bool(inter.active))
        intra = getattr(head, 'loss_intra', None)
        if intra is not None:
            scalars['memory_fill'] = float(intra.filled) / intra.memory_size
        if scalars:
            runner.visualizer.add_scalars(
                {PREFIX + k: v
                 for k, v in scalars.items()},
                step=runner.iter)
