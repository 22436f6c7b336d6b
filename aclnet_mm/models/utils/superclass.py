"""Pure functions behind ACLNet's superclasses (no modules, no state).

A superclass ``S(k)`` is the set of classes most confusable with class
``k``: its ``num_neighbors`` most-confused classes ``N(k)`` from cumulative
confusion counts, plus every class ``j != k`` that shares more than
``coincidence`` of those neighbours (a shared-nearest-neighbour rule).
The reference computes an affinity value per pair and keeps only its
support, so only membership matters here. See the spec, section 2.2.
"""
from typing import Sequence, Tuple

import torch


def confusion_increment(labels: torch.Tensor, preds: torch.Tensor,
                        num_classes: int) -> torch.Tensor:
    """Confusion counts contributed by one batch.

    For every misclassified sample ``j`` (prediction ``p_j != y_j``):
    ``C[y_j, p_j] += 1`` (class ``y_j`` mistaken for ``p_j``) and
    ``C[p_j, y_j] += n_{p_j}``, the number of samples of class ``p_j`` in
    the batch (a false positive into ``p_j``, counted once per sample of
    ``p_j`` present, as the reference's double loop does). The diagonal is
    never incremented.

    Args:
        labels (torch.Tensor): Ground truth, shape ``(N, )``.
        preds (torch.Tensor): Predicted classes, shape ``(N, )``.
        num_classes (int): ``K``.

    Returns:
        torch.Tensor: Counts ``(K, K)``, float64 on the labels' device.
    """
    labels, preds = labels.long(), preds.long()
    counts = labels.new_zeros((num_classes, num_classes), dtype=torch.float64)
    wrong = preds != labels
    y, p = labels[wrong], preds[wrong]
    counts.index_put_((y, p), torch.ones_like(y, dtype=torch.float64),
                      accumulate=True)
    per_class = torch.bincount(labels, minlength=num_classes)
    counts.index_put_((p, y), per_class[p].to(torch.float64),
                      accumulate=True)
    return counts


def default_superclass_params(num_classes: int) -> Tuple[int, int]:
    """``(num_neighbors, coincidence)`` scaled to the number of classes.

    The paper uses 10 neighbours and a coincidence of 4 for 60 to 400
    classes. For fewer classes a neighbourhood of 10 covers most of the
    label set, so every class would join every superclass. The rule keeps
    the paper's ratios at K = 60 (one neighbour per 6 classes, a
    coincidence of 0.4 neighbours) and its values above:

        num_neighbors = min(10, max(1, round(K / 6)))
        coincidence = round(0.4 * num_neighbors)

    K = 60 and K = 400 give (10, 4); K = 12 (the demo) (2, 1), which are
    the demo's hand-picked values; K = 10 (2, 1); K = 6 (1, 0).

    Args:
        num_classes (int): ``K``.

    Returns:
        tuple[int, int]: ``(num_neighbors, coincidence)``.
    """
    if num_classes < 1:
        raise ValueError(f'num_classes must be >= 1, got {num_classes}')
    neighbors = min(10, max(1, int(round(num_classes / 6))))
    return neighbors, int(round(0.4 * neighbors))


def build_superclasses(confusion: torch.Tensor,
                       num_neighbors: int = 10,
                       coincidence: int = 4) -> torch.Tensor:
    """Superclass membership from cumulative confusion counts.

    ``N(k)`` is the first ``num_neighbors`` classes of row ``k`` sorted by
    count, descending, ties to the lower class index (a stable sort, as the
    reference's ``sorted``). It always has ``min(num_neighbors, K)``
    members, zero-count classes and ``k`` itself included when fewer
    classes have non-zero counts. ``S(k) = N(k) | {j != k : |N(k) & N(j)| >
    coincidence}``.

    Args:
        confusion (torch.Tensor): Counts ``(K, K)``; only their order
            within each row matters (any positive scaling gives the same
            result).
        num_neighbors (int): Size of ``N(k)``. Defaults to 10.
        coincidence (int): Shared neighbours needed are ``> coincidence``.
            Defaults to 4.

    Returns:
        torch.Tensor: Membership ``(K, K)`` bool, row ``k`` is ``S(k)``.
        ``S(k)`` may contain ``k`` (see :class:`InterAffinityContrastiveLoss`
        for how the loss treats that).
    """
    K = confusion.shape[0]
    top = min(num_neighbors, K)
    order = torch.sort(confusion, dim=1, descending=True, stable=True)[1]
    neighbors = torch.zeros((K, K), dtype=torch.float32,
                            device=confusion.device)
    neighbors.scatter_(1, order[:, :top], 1.)
    shared = neighbors @ neighbors.t()  # exact: small integer sums
    eye = torch.eye(K, dtype=torch.bool, device=confusion.device)
    return neighbors.bool() | ((shared > coincidence) & ~eye)


def superclass_temperature(
        sizes: torch.Tensor,
        bounds: Sequence[int] = (10, 20),
        values: Sequence[float] = (0.1, 0.5, 1.0)) -> torch.Tensor:
    """Dynamic temperature by superclass size.

    ``tau = values[i]`` for the first ``i`` with ``size <= bounds[i]``, else
    ``values[-1]``. The defaults give 0.1 up to 10 members, 0.5 up to 20
    and 1.0 above.

    Args:
        sizes (torch.Tensor): Superclass sizes ``(K, )``.
        bounds (Sequence[int]): Increasing inclusive upper bounds.
        values (Sequence[float]): ``len(bounds) + 1`` temperatures.

    Returns:
        torch.Tensor: Temperatures ``(K, )``, float32.
    """
    if len(values) != len(bounds) + 1:
        raise ValueError('need one more temperature than bounds, got '
                         f'{len(values)} and {len(bounds)}')
    idx = torch.bucketize(
        sizes.to(torch.float32),
        torch.tensor(bounds, dtype=torch.float32, device=sizes.device),
        right=False)
    return torch.tensor(values, dtype=torch.float32,
                        device=sizes.device)[idx]


def rebuild(confusion: torch.Tensor,
            num_neighbors: int = 10,
            coincidence: int = 4,
            bounds: Sequence[int] = (10, 20),
            values: Sequence[float] = (0.1, 0.5, 1.0)
            ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Superclass membership and per-class temperatures in one call."""
    members = build_superclasses(confusion, num_neighbors, coincidence)
    return members, superclass_temperature(members.sum(1), bounds, values)
