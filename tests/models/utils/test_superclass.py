import pytest
import reference_impl as ref
import torch

from aclnet_mm.models.utils.superclass import (build_superclasses,
                                               confusion_increment, rebuild,
                                               superclass_temperature)


def _bank_to_tensor(bank, K):
    return torch.tensor([[bank[k][j] for j in range(K)] for k in range(K)],
                        dtype=torch.float64)


@pytest.mark.parametrize('K,B', [(60, 16), (400, 64)])
def test_counting_matches_loop(K, B, device):
    gen = torch.Generator().manual_seed(K + B)
    bank = ref.empty_bank(K)
    counts = torch.zeros(K, K, dtype=torch.float64)
    for _ in range(20):
        # few classes per batch so that duplicates, hits and misses occur
        pool = torch.randperm(K, generator=gen)[:6]
        labels = pool[torch.randint(0, 6, (B, ), generator=gen)]
        preds = torch.where(
            torch.rand(B, generator=gen) < 0.5, labels,
            pool[torch.randint(0, 6, (B, ), generator=gen)])
        ref.count_confusions(bank, labels, preds)
        counts += confusion_increment(labels.to(device), preds.to(device),
                                      K).cpu()
    assert counts.sum() > 0
    torch.testing.assert_close(counts, _bank_to_tensor(bank, K), rtol=0,
                               atol=0)
    assert counts.diagonal().eq(0).all()


def test_counting_hand_case():
    # batch: two samples of class 0 (one predicted as 1), one of class 1
    labels = torch.tensor([0, 0, 1])
    preds = torch.tensor([0, 1, 1])
    counts = confusion_increment(labels, preds, 3)
    expected = torch.zeros(3, 3, dtype=torch.float64)
    expected[0, 1] = 1  # a 0 mistaken for 1
    expected[1, 0] = 1  # a false positive into 1, once per class-1 sample
    torch.testing.assert_close(counts, expected)


@pytest.mark.parametrize('K,high,density', [(60, 3, 0.08), (60, 50, 0.3),
                                            (400, 3, 0.02), (400, 50, 0.1)])
def test_rebuild_matches_loop(K, high, density, device):
    # small integer counts: many ties and rows with < 10 non-zero entries,
    # which exercises the tie rule and classes inside their own superclass
    gen = torch.Generator().manual_seed(K * high)
    counts = torch.randint(0, high, (K, K), generator=gen)
    counts *= torch.rand(K, K, generator=gen) < density
    counts.fill_diagonal_(0)
    bank = [{j: int(counts[k, j]) for j in range(K)} for k in range(K)]
    lists = ref.superclasses(bank, K)
    members, tau = rebuild(counts.double().to(device))
    members, tau = members.cpu(), tau.cpu()
    for k in range(K):
        assert torch.nonzero(members[k]).flatten().tolist() == lists[k]
        assert tau[k].item() == pytest.approx(ref.temperature(len(lists[k])))
    if high == 3:
        assert any(k in lists[k] for k in range(K)), 'tie case not covered'


def test_rebuild_is_scale_invariant():
    counts = torch.randint(0, 20, (60, 60)).double()
    a, _ = rebuild(counts)
    b, _ = rebuild(counts / 3)
    assert torch.equal(a, b)


def test_hand_made_groups():
    # two planted groups {0,1,2} and {3,4,5}; each class is confused with
    # its two partners only
    C = torch.zeros(6, 6, dtype=torch.float64)
    for group in ((0, 1, 2), (3, 4, 5)):
        for i in group:
            for j in group:
                if i != j:
                    C[i, j] = 5 + i + j
    members = build_superclasses(C, num_neighbors=2, coincidence=1)
    expected = torch.zeros(6, 6, dtype=torch.bool)
    for group in ((0, 1, 2), (3, 4, 5)):
        for i in group:
            for j in group:
                expected[i, j] = i != j
    assert torch.equal(members, expected)


def test_hand_made_ties_and_self():
    # row 0: classes 1, 2, 3 tie -> the two lowest indices win;
    # row 1: no counts at all -> N(1) = {0, 1}, so 1 is in its own S(1)
    C = torch.tensor([[0, 3, 3, 3], [0, 0, 0, 0], [1, 0, 0, 0],
                      [0, 0, 7, 0]],
                     dtype=torch.float64)
    members = build_superclasses(C, num_neighbors=2, coincidence=4)
    assert torch.nonzero(members[0]).flatten().tolist() == [1, 2]
    assert torch.nonzero(members[1]).flatten().tolist() == [0, 1]
    assert torch.nonzero(members[2]).flatten().tolist() == [0, 1]
    assert torch.nonzero(members[3]).flatten().tolist() == [0, 2]


def test_hand_made_shared_neighbours():
    # top-3 neighbours, ties to the lower index:
    #   N(0) = {1, 2, 3}, N(4) = {1, 2, 5}, N(1) = {2, 3, 4},
    #   rows 2, 3, 5 have no counts -> N = {0, 1, 2}
    # coincidence=1 (more than one shared class):
    #   S(0) = N(0) + 4 ({1,2} shared) + 5 ({1,2} shared)
    #   S(4) = N(4) + 0 ({1,2}) + 2 and 3 ({1,2} shared with {0,1,2})
    C = torch.zeros(6, 6, dtype=torch.float64)
    C[0, [1, 2, 3]] = torch.tensor([9., 8., 7.], dtype=torch.float64)
    C[4, [1, 2, 5]] = torch.tensor([9., 8., 7.], dtype=torch.float64)
    C[1, [2, 3, 4]] = 1
    members = build_superclasses(C, num_neighbors=3, coincidence=1)
    assert torch.nonzero(members[0]).flatten().tolist() == [1, 2, 3, 4, 5]
    assert torch.nonzero(members[4]).flatten().tolist() == [0, 1, 2, 3, 5]
    # S(1) = N(1) + 0 (shares {2,3}); 4 shares only {2}
    assert torch.nonzero(members[1]).flatten().tolist() == [0, 2, 3, 4]
    # known temperatures with bounds (4, 5): |S(1)| = 4 -> 0.1,
    # |S(0)| = |S(4)| = 5 -> 0.5; rows 2, 3, 5 are empty, N = {0, 1, 2}:
    # S(2) = N(2) + {3, 4, 5} (6, itself included) -> 1.0,
    # S(3) = N(3) + {4, 5} and S(5) = N(5) + {3, 4} (5 each) -> 0.5
    members, tau = rebuild(C, num_neighbors=3, coincidence=1, bounds=(4, 5))
    assert members.sum(1).tolist() == [5, 4, 6, 5, 5, 5]
    assert tau.tolist() == pytest.approx([0.5, 0.1, 1.0, 0.5, 0.5, 0.5])
    # with the default rule (> 4 shared) only the neighbours remain
    members = build_superclasses(C, num_neighbors=3, coincidence=4)
    assert torch.nonzero(members[0]).flatten().tolist() == [1, 2, 3]
    assert torch.nonzero(members[4]).flatten().tolist() == [1, 2, 5]


def test_temperature_steps():
    sizes = torch.tensor([1, 10, 11, 20, 21, 102])
    tau = superclass_temperature(sizes)
    assert tau.tolist() == pytest.approx([0.1, 0.1, 0.5, 0.5, 1.0, 1.0])
    for s, t in zip(sizes.tolist(), tau.tolist()):
        assert t == pytest.approx(ref.temperature(s))
    with pytest.raises(ValueError):
        superclass_temperature(sizes, bounds=(10, ), values=(0.1, ))


def test_hand_made_temperatures_by_size():
    # K=25, class 0 confused with 20 classes -> top-10 only; its superclass
    # grows through shared neighbours: classes 11..24 all have the same
    # top-10 as class 0 -> |S(0)| = 10 + 14 = 24 -> tau 1.0
    K = 25
    C = torch.zeros(K, K, dtype=torch.float64)
    C[0, 1:11] = 10.
    C[11:, 1:11] = 10.
    members, tau = rebuild(C)
    assert int(members[0].sum()) == 24
    assert tau[0].item() == pytest.approx(1.0)
    # class 1 has no counts: N(1) = {0, ..., 9} (itself included); every
    # other class shares >= 9 of those -> S(1) is all 25 classes, 1 too
    assert torch.nonzero(members[1]).flatten().tolist() == list(range(K))
    assert tau[1].item() == pytest.approx(1.0)
    # class 12: N = {1..10}; shares > 4 with every class but none of
    # ... itself excluded from the shared-neighbour rule
    assert not members[12, 12]
    assert int(members[12].sum()) == K - 1
