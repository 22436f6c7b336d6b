"""matplotlib figures of the superclass state and the affinity graphs.

Every function returns a :class:`matplotlib.figure.Figure` built without
pyplot (no display, no global state); save it with ``fig.savefig(path)``,
PNG, SVG or PDF by the file's extension.
"""
from typing import Dict, List, Optional, Sequence

import numpy as np

#: Colour per temperature step (0.1, 0.5, 1.0 in the paper).
TEMPERATURE_COLOURS = ('#1f77b4', '#ff7f0e', '#d62728', '#2ca02c')


def _figure(width: float, height: float):
    from matplotlib.figure import Figure
    return Figure(figsize=(width, height), layout='constrained')


def _names_on(ax, names: Sequence[str], order: np.ndarray, size: float):
    ticks = np.arange(len(order))
    ax.set_xticks(ticks, [names[k] for k in order], rotation=90,
                  fontsize=size)
    ax.set_yticks(ticks, [names[k] for k in order], fontsize=size)


def plot_confusion(confusion: np.ndarray,
                   order: np.ndarray,
                   names: Sequence[str],
                   superclass: Optional[np.ndarray] = None,
                   top: Optional[int] = None,
                   title: str = 'Confusion counts'):
    """The confusion-count matrix with classes in ``order``.

    Args:
        confusion (np.ndarray): ``(K, K)`` counts (row: true class).
        order (np.ndarray): Class order (e.g. :func:`superclass_order`).
        names (Sequence[str]): Class names.
        superclass (np.ndarray, optional): ``(K, K)`` table; its members
            are outlined.
        top (int, optional): Keep only the ``top`` classes with the most
            confusion mass (rows + columns), in ``order``: for large K.
        title (str): Figure title.
    """
    confusion = np.asarray(confusion, dtype=np.float64)
    order = np.asarray(order)
    if top is not None and top < len(order):
        mass = confusion.sum(0) + confusion.sum(1)
        keep = set(np.argsort(-mass, kind='stable')[:top].tolist())
        order = np.asarray([k for k in order if k in keep])
    K = len(order)
    sub = confusion[np.ix_(order, order)]
    size = max(6., min(16., 0.22 * K + 4))
    fig = _figure(size + 1.5, size)
    ax = fig.add_subplot()
    image = ax.imshow(np.log1p(sub), cmap='viridis', interpolation='nearest')
    fig.colorbar(image, ax=ax, shrink=0.8, label='log(1 + count)')
    if superclass is not None:
        members = np.asarray(superclass, bool)[np.ix_(order, order)]
        rows, cols = np.nonzero(members)
        ax.scatter(cols, rows, s=max(2., 300. / K), facecolors='none',
                   edgecolors='white', linewidths=0.6)
        title = f'{title} (circles: superclass members)'
    if K <= 80:
        _names_on(ax, names, order, max(4., min(9., 400. / K)))
    ax.set_xlabel('confused with')
    ax.set_ylabel('true class')
    ax.set_title(title)
    return fig


def plot_superclass_graph(superclass: np.ndarray,
                          temperature: np.ndarray,
                          order: np.ndarray,
                          names: Sequence[str],
                          temperatures: Sequence[float] = (0.1, 0.5, 1.0),
                          title: str = 'Superclasses'):
    """Classes on a circle in ``order``, an edge per superclass member.

    Node colour is the class's temperature; an edge ``k -- j`` is drawn
    when ``j`` is in ``S(k)`` or ``k`` in ``S(j)`` (darker when both).
    """
    members = np.asarray(superclass, bool)
    K = len(order)
    angle = 2 * np.pi * np.arange(K) / K
    pos = np.zeros((members.shape[0], 2))
    pos[order] = np.stack([np.sin(angle), np.cos(angle)], axis=1)
    fig = _figure(8, 8)
    ax = fig.add_subplot()
    for k in range(K):
        for j in range(k + 1, K):
            both = members[k, j] and members[j, k]
            if members[k, j] or members[j, k]:
                ax.plot(*zip(pos[k], pos[j]), color='0.2' if both else '0.6',
                        linewidth=1.2 if both else 0.6, zorder=1)
    steps = list(temperatures)
    colours = [
        TEMPERATURE_COLOURS[int(np.argmin(np.abs(np.asarray(steps) - t)))
                            % len(TEMPERATURE_COLOURS)]
        for t in np.asarray(temperature)
    ]
    ax.scatter(pos[:, 0], pos[:, 1], s=max(20., 3000. / K), c=colours,
               zorder=2, edgecolors='black', linewidths=0.5)
    if K <= 80:
        for k in range(K):
            x, y = pos[k] * 1.08
            ax.text(x, y, names[k], fontsize=max(4., min(9., 400. / K)),
                    ha='left' if x >= 0 else 'right', va='center',
                    rotation=np.degrees(np.arctan2(y, x)) if K > 24 else 0,
                    rotation_mode='anchor')
    for i, t in enumerate(steps):
        ax.scatter([], [], c=TEMPERATURE_COLOURS[i % 4], label=f'tau = {t:g}',
                   edgecolors='black', linewidths=0.5)
    ax.legend(loc='lower left', fontsize=8, framealpha=0.8)
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-1.6, 1.6)
    ax.set_aspect('equal')
    ax.axis('off')
    ax.set_title(title)
    return fig


def plot_affinity(graph: np.ndarray,
                  pose: np.ndarray,
                  edges: Sequence,
                  title: str = 'Joint affinity',
                  top_pairs: int = 40):
    """One class's mean affinity graph, on the skeleton and as a heatmap.

    The dynamic graph carries a large common offset (the softmax term
    spreads over all joints), so both panels show each entry's deviation
    from the mean of the graph. Left: the skeleton (grey bones) with the
    ``top_pairs`` joint pairs deviating most (symmetrised, off-diagonal),
    width by size, red above the mean, blue below; joint size by the
    diagonal's deviation. Right: the ``V x V`` deviations.
    """
    from matplotlib import colormaps
    graph = np.asarray(graph, dtype=np.float64)
    offset = float(graph.mean())
    graph = graph - offset
    V = graph.shape[0]
    sym = (graph + graph.T) / 2
    fig = _figure(11, 5.2)
    left, right = fig.subplots(1, 2, width_ratios=[1, 1.15])
    for child, parent in edges:
        left.plot(*zip(pose[child], pose[parent]), color='0.75',
                  linewidth=3, zorder=1, solid_capstyle='round')
    iu = np.triu_indices(V, k=1)
    values = sym[iu]
    strongest = np.argsort(-np.abs(values), kind='stable')[:top_pairs]
    peak = np.abs(values[strongest]).max() if len(strongest) else 1.
    peak = peak if peak > 0 else 1.
    cmap = colormaps['coolwarm']
    for idx in strongest[::-1]:  # strongest drawn last, on top
        a, b = iu[0][idx], iu[1][idx]
        v = values[idx] / peak
        left.plot(*zip(pose[a], pose[b]), color=cmap(0.5 + 0.5 * v),
                  linewidth=0.5 + 4 * abs(v), alpha=0.85, zorder=2)
    diag = np.abs(np.diag(graph))
    left.scatter(pose[:, 0], pose[:, 1],
                 s=20 + 120 * diag / (diag.max() if diag.max() > 0 else 1),
                 color='black', zorder=3)
    for v in range(V):
        left.annotate(str(v), pose[v], fontsize=6, color='0.3',
                      xytext=(3, 3), textcoords='offset points')
    left.set_aspect('equal')
    left.axis('off')
    left.set_title(f'{min(top_pairs, len(values))} joint pairs furthest '
                   'from the mean')
    lim = np.abs(graph).max() or 1.
    image = right.imshow(graph, cmap='coolwarm', vmin=-lim, vmax=lim,
                         interpolation='nearest')
    fig.colorbar(image, ax=right, shrink=0.8)
    right.set_xlabel('joint')
    right.set_ylabel('joint')
    right.set_title(f'V x V affinity minus its mean ({offset:.3g})')
    fig.suptitle(title)
    return fig


#: acl/* scalars that are fractions in [0, 1] (the others are counts).
_FRACTIONS = ('share', 'jaccard', 'fill', 'active')


def plot_curves(records: List[Dict], title: str = 'Training'):
    """Loss terms, validation accuracy and the ``acl/*`` scalars.

    Args:
        records (list[dict]): The lines of ``vis_data/scalars.json``.
    """
    def series(key):
        pts = [(r['step'], r[key]) for r in records if key in r]
        return tuple(zip(*pts)) if pts else ((), ())

    fig = _figure(17, 4.2)
    losses, acc, fractions, counts = fig.subplots(1, 4)
    for key in ('loss', 'loss_cls', 'loss_inter', 'loss_intra'):
        x, y = series(key)
        if x:
            losses.plot(x, y, label=key, linewidth=1)
    losses.set_xlabel('iteration')
    losses.set_title('losses')
    losses.legend(fontsize=8)
    for key in sorted({k for r in records for k in r if k.startswith('acc/')}):
        x, y = series(key)
        acc.plot(x, y, marker='o', markersize=3, label=key, linewidth=1)
    acc.set_xlabel('epoch')
    acc.set_title('validation accuracy')
    if acc.lines:
        acc.legend(fontsize=8)
    keys = sorted({k for r in records for k in r if k.startswith('acl/')})
    mass = None
    for key in keys:
        x, y = series(key)
        name = key[4:]
        if name == 'active_classes' or not any(f in name
                                               for f in _FRACTIONS):
            if name == 'confusion_mass_epoch':
                mass = (x, y)
                continue
            counts.plot(x, y, marker='.', label=name, linewidth=1)
        else:
            fractions.plot(x, y, marker='.', label=name, linewidth=1)
    if mass is not None:
        twin = counts.twinx()
        twin.bar(mass[0], mass[1], width=max(1, (max(mass[0]) or 1) / 60),
                 color='0.8', zorder=0, label='confusion mass (epoch)')
        twin.set_ylabel('confusions counted in the epoch')
        counts.set_zorder(twin.get_zorder() + 1)
        counts.patch.set_visible(False)
    for ax, name in ((fractions, 'acl/* fractions'),
                     (counts, 'acl/* superclass sizes')):
        ax.set_xlabel('iteration (end of epoch)')
        ax.set_title(name)
        if ax.lines:
            ax.legend(fontsize=7)
    fig.suptitle(title)
    return fig
