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

    Two rows: losses and validation accuracy; superclass sizes (with the
    confusion mass counted per epoch as grey bars) and the fractions in
    ``[0, 1]``, one strip per fraction so that equal values never hide
    each other. Legends sit outside the data.

    Args:
        records (list[dict]): The lines of ``vis_data/scalars.json``.
        title (str): The figure's title.
    """
    def series(key):
        pts = [(r['step'], r[key]) for r in records if key in r]
        return tuple(zip(*pts)) if pts else ((), ())

    def legend_below(ax, ncol):
        if ax.lines:
            ax.legend(fontsize=8, loc='upper center', ncol=ncol,
                      bbox_to_anchor=(0.5, -0.16), frameon=False)

    keys = sorted({k for r in records for k in r if k.startswith('acl/')})
    fraction_keys = [
        k for k in keys if k[4:] != 'active_classes' and any(
            f in k[4:] for f in _FRACTIONS)
    ]
    count_keys = [
        k for k in keys
        if k not in fraction_keys and k[4:] != 'confusion_mass_epoch'
    ]
    fig = _figure(12, 8.5)
    outer = fig.add_gridspec(2, 2)
    losses = fig.add_subplot(outer[0, 0])
    acc = fig.add_subplot(outer[0, 1])
    counts = fig.add_subplot(outer[1, 0])
    for key in ('loss', 'loss_cls', 'loss_inter', 'loss_intra'):
        x, y = series(key)
        if x:
            losses.plot(x, y, label=key, linewidth=1.2)
    losses.set_xlabel('iteration')
    losses.set_title('losses')
    legend_below(losses, 4)
    # equal curves (top1 = mean1, min = mean = max) stay visible: each has
    # its own open marker and dash
    def styled(ax, keys, strip=0):
        styles = [('v', ':'), ('o', '-'), ('^', '--'), ('s', '-.')]
        for i, key in enumerate(keys):
            x, y = series(key)
            marker, dash = styles[i % len(styles)]
            ax.plot(x, y, marker=marker, linestyle=dash, markersize=5,
                    fillstyle='none', label=key[strip:], linewidth=1.2)

    styled(acc,
           sorted({k for r in records for k in r if k.startswith('acc/')}))
    acc.set_xlabel('epoch')
    acc.set_title('validation accuracy')
    legend_below(acc, 3)
    styled(counts, count_keys, strip=4)
    x, y = series('acl/confusion_mass_epoch')
    if x:
        twin = counts.twinx()
        twin.bar(x, y, width=max(1, (max(x) or 1) / 60), color='0.85',
                 zorder=0)
        twin.set_ylabel('confusions counted in the epoch (grey bars)',
                        fontsize=8)
        counts.set_zorder(twin.get_zorder() + 1)
        counts.patch.set_visible(False)
    counts.set_xlabel('iteration (end of epoch)')
    counts.set_title('acl/* superclass sizes')
    legend_below(counts, 2)
    if fraction_keys:
        strips = outer[1, 1].subgridspec(len(fraction_keys), 1, hspace=0.08)
        first = None
        for i, key in enumerate(fraction_keys):
            ax = fig.add_subplot(strips[i], sharex=first)
            first = first or ax
            x, y = series(key)
            ax.plot(x, y, marker='.', linewidth=1.2, color=f'C{i}')
            ax.set_ylim(-0.15, 1.15)
            ax.set_yticks([0, 1])
            ax.tick_params(labelsize=7)
            ax.text(0.01, 0.5, key[4:], transform=ax.transAxes, fontsize=8,
                    va='center', ha='left',
                    bbox=dict(facecolor='white', edgecolor='none',
                              alpha=0.8, pad=1))
            if i == 0:
                ax.set_title('acl/* fractions (0 to 1, one strip each)')
            if i < len(fraction_keys) - 1:
                ax.tick_params(labelbottom=False)
            else:
                ax.set_xlabel('iteration (end of epoch)')
    fig.suptitle(title)
    return fig
