import numpy as np
import pytest

from aclnet_mm.visualization import superclass_order


def _table(K, groups):
    table = np.zeros((K, K), dtype=bool)
    for group in groups:
        for k in group:
            for j in group:
                table[k, j] = k != j
    return table


@pytest.mark.parametrize('seed', range(4))
def test_hand_made_superclasses_sit_next_to_each_other(seed):
    rng = np.random.default_rng(seed)
    K = 15
    perm = rng.permutation(K)
    groups = [perm[:4], perm[4:7], perm[7:9]]  # the rest are singletons
    order = superclass_order(_table(K, groups))
    assert sorted(order.tolist()) == list(range(K))
    position = np.argsort(order)
    for group in groups:
        spots = np.sort(position[group])
        assert spots[-1] - spots[0] == len(group) - 1  # one block
    # largest block first
    assert set(order[:4].tolist()) == set(groups[0].tolist())


def test_one_sided_membership_links_and_confusion_orders_inside():
    K = 5
    table = np.zeros((K, K), dtype=bool)
    table[3, 0] = table[3, 4] = True  # 0 and 4 only in S(3)
    confusion = np.zeros((K, K))
    confusion[3, 4] = 9  # 4 is 3's strongest confusion
    confusion[3, 0] = 1
    order = superclass_order(table, confusion)
    assert order[:3].tolist() == [3, 4, 0]
    assert order[3:].tolist() == [1, 2]


def test_rejects_non_square():
    with pytest.raises(ValueError):
        superclass_order(np.zeros((3, 4), dtype=bool))


def test_k400_confusion_figure_with_a_top_block(tmp_path):
    from aclnet_mm.visualization import figures
    rng = np.random.default_rng(0)
    K = 400
    groups = [rng.permutation(K)[:3] + 0 for _ in range(30)]
    table = _table(K, groups)
    confusion = rng.poisson(0.05, size=(K, K)) + 20 * table
    order = superclass_order(table, confusion)
    fig = figures.plot_confusion(confusion, order,
                                 [f'class {k}' for k in range(K)], table,
                                 top=60)
    out = tmp_path / 'k400.png'
    fig.savefig(out, dpi=60)
    assert out.stat().st_size > 5000
    ax = fig.axes[0]
    assert len(ax.get_xticklabels()) == 60  # readable: names on the block
