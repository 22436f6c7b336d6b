"""A class order that puts each superclass in one block."""
from typing import Optional

import numpy as np


def superclass_order(superclass: np.ndarray,
                     confusion: Optional[np.ndarray] = None) -> np.ndarray:
    """Order classes so that classes sharing superclasses sit together.

    Classes are linked when either lies in the other's superclass; the
    connected groups come out as contiguous blocks, largest first (ties by
    their lowest class index). Inside a group the classes follow a
    breadth-first walk from its most-linked class, neighbours in order of
    decreasing confusion with the current class (then index), so the
    strongest confusions end up next to the diagonal.

    Args:
        superclass (np.ndarray): ``(K, K)`` bool, row ``k`` marks ``S(k)``.
        confusion (np.ndarray, optional): ``(K, K)`` counts, for the order
            inside a group. Defaults to None (index order).

    Returns:
        np.ndarray: A permutation of ``range(K)`` (int64).
    """
    links = np.asarray(superclass, dtype=bool)
    K = links.shape[0]
    if links.shape != (K, K):
        raise ValueError(f'superclass must be (K, K), got {links.shape}')
    links = links | links.T
    np.fill_diagonal(links, False)
    weight = (np.zeros((K, K)) if confusion is None else
              np.asarray(confusion, dtype=np.float64))
    weight = weight + weight.T
    seen = np.zeros(K, dtype=bool)
    groups = []
    for start in range(K):
        if seen[start]:
            continue
        group, stack = [], [start]
        seen[start] = True
        while stack:  # the connected group of start
            k = stack.pop()
            group.append(k)
            for j in np.flatnonzero(links[k] & ~seen):
                seen[j] = True
                stack.append(int(j))
        groups.append(sorted(group))
    groups.sort(key=lambda g: (-len(g), g[0]))
    order = []
    for group in groups:
        members = set(group)
        degree = links[np.ix_(group, group)].sum(axis=1)
        first = group[int(np.argmax(degree))]
        queue, placed = [first], {first}
        while queue:
            k = queue.pop(0)
            order.append(k)
            nxt = sorted((j for j in np.flatnonzero(links[k])
                          if int(j) in members and int(j) not in placed),
                         key=lambda j: (-weight[k, j], j))
            for j in nxt:
                placed.add(int(j))
                queue.append(int(j))
    return np.asarray(order, dtype=np.int64)
