import math

import pytest
import reference_impl as ref
import torch

from aclnet_mm.models.losses import InterAffinityContrastiveLoss


def _random_state(loss, K, gen):
    counts = torch.randint(0, 4, (K, K), generator=gen).double()
    counts *= torch.rand(K, K, generator=gen) < 5 / K  # ~5 per row: ties
    counts.fill_diagonal_(0)
    loss.confusion.copy_(counts)
    loss.rebuild_superclasses()
    bank = [{j: int(counts[k, j]) for j in range(K)} for k in range(K)]
    return ref.superclasses(bank, K)


def _batch(K, B, V2, gen):
    feats = torch.randn(B, V2, generator=gen, requires_grad=True)
    labels = torch.randint(0, K, (B, ), generator=gen)
    labels[: B // 4] = labels[0]  # a class with several samples
    scores = torch.randn(B, K, generator=gen)
    hit = torch.rand(B, generator=gen) < 0.5
    scores[hit, labels[hit]] += 10.  # about half predicted correctly
    return feats, labels, scores


@pytest.mark.parametrize('K,B,V', [(60, 16, 25), (400, 64, 20)])
@pytest.mark.parametrize('self_negative', [False, True])
def test_matches_loop_transcription(K, B, V, self_negative, device):
    gen = torch.Generator().manual_seed(K + B + self_negative)
    torch.manual_seed(K)
    loss = InterAffinityContrastiveLoss(V * V, K, self_negative=self_negative)
    lists = _random_state(loss, K, gen)
    assert any(k in lists[k] for k in range(K)), 'self case not covered'
    old = loss.prototypes.clone()
    feats, labels, scores = _batch(K, B, V * V, gen)

    # on the device under test; the loop transcription runs on the CPU
    loss.to(device)
    on_device = feats.detach().to(device).requires_grad_()
    value = loss(on_device, labels.to(device), scores.to(device))
    value.backward()
    grad_feats = on_device.grad.cpu()
    grad_w = loss.proj.weight.grad.cpu()
    loss.proj.weight.grad = None
    loss.to('cpu')
    value = value.detach().cpu()

    emb = loss.proj(feats)
    preds = scores.argmax(1)
    protos = ref.ema_prototypes(old, emb, labels, preds)
    expected = ref.inter_loss(emb, protos, labels, lists, self_negative)
    expected.backward()
    torch.testing.assert_close(value, expected, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(grad_feats, feats.grad, rtol=1e-4,
                               atol=1e-7)
    torch.testing.assert_close(grad_w, loss.proj.weight.grad, rtol=1e-4,
                               atol=1e-7)
    torch.testing.assert_close(loss.prototypes, protos.detach())


def test_self_in_superclass_quirk():
    # K=4, the paper's 10 neighbours and no counts: N(k) = all four
    # classes, so every class is in its own superclass; with self_negative
    # the positive is also a negative
    torch.manual_seed(0)
    feats = torch.randn(6, 9)
    labels = torch.tensor([0, 1, 2, 3, 0, 1])
    scores = torch.zeros(6, 4)
    values = {}
    for flag in (False, True):
        torch.manual_seed(1)
        loss = InterAffinityContrastiveLoss(9, 4, num_neighbors=10,
                                            coincidence=4,
                                            self_negative=flag)
        loss.rebuild_superclasses()
        assert loss.superclass.all()
        values[flag] = loss(feats, labels, scores)
    # each sample's loss with the duplicated positive is >= log 2
    assert values[True].item() >= math.log(2) - 1e-6
    assert values[True].item() > values[False].item()


def test_inactive_loss_is_connected_zero():
    loss = InterAffinityContrastiveLoss(16, 5)
    feats = torch.randn(4, 16, requires_grad=True)
    value = loss(feats, torch.tensor([0, 1, 2, 3]), torch.randn(4, 5))
    assert value.item() == 0 and value.requires_grad
    value.backward()
    assert loss.proj.weight.grad is not None
    assert loss.proj.weight.grad.abs().sum() == 0


def test_counting_only_when_enabled_and_training():
    loss = InterAffinityContrastiveLoss(16, 5)
    labels = torch.tensor([0, 0, 1, 2])
    scores = torch.zeros(4, 5)
    scores[:, 3] = 1.  # everything predicted as class 3
    feats = torch.randn(4, 16)
    loss(feats, labels, scores)
    assert loss.confusion.sum() == 0
    loss.counting.fill_(True)
    loss(feats, labels, scores)
    expected = torch.zeros(5, 5, dtype=torch.float64)
    expected[0, 3] = 2
    expected[1, 3] = expected[2, 3] = 1
    torch.testing.assert_close(loss.confusion, expected)
    loss.eval()
    before = {k: v.clone() for k, v in loss.state_dict().items()}
    loss(feats, labels, scores)
    for k, v in loss.state_dict().items():
        assert torch.equal(v, before[k]), f'{k} changed in eval mode'


def test_prototype_ema_only_for_true_positives():
    torch.manual_seed(0)
    loss = InterAffinityContrastiveLoss(4, 3, embed_channels=2, momentum=0.9)
    with torch.no_grad():
        loss.proj.weight.copy_(torch.eye(2, 4))
        loss.proj.bias.zero_()
    old = loss.prototypes.clone()
    feats = torch.tensor([[1., 2., 0., 0.], [3., 4., 0., 0.],
                          [5., 6., 0., 0.]])
    labels = torch.tensor([0, 0, 1])
    scores = torch.tensor([[1., 0., 0.], [1., 0., 0.], [1., 0., 0.]])
    loss(feats, labels, scores)  # samples 0, 1 hit class 0; 2 misses
    expected = old.clone()
    expected[0] = 0.9 * old[0] + 0.1 * torch.tensor([2., 3.])
    torch.testing.assert_close(loss.prototypes, expected)


def test_buffers_in_state_dict():
    keys = InterAffinityContrastiveLoss(16, 5).state_dict().keys()
    for name in ('prototypes', 'confusion', 'superclass', 'temperature',
                 'counting', 'active'):
        assert name in keys


def test_default_superclass_params_scale_with_the_classes():
    from aclnet_mm.models.utils.superclass import default_superclass_params
    assert default_superclass_params(60) == (10, 4)  # the paper
    assert default_superclass_params(400) == (10, 4)
    assert default_superclass_params(120) == (10, 4)
    assert default_superclass_params(12) == (2, 1)  # the demo's choice
    assert default_superclass_params(10) == (2, 1)
    assert default_superclass_params(6) == (1, 0)
    assert default_superclass_params(1) == (1, 0)
    for K in range(1, 500):
        n, c = default_superclass_params(K)
        assert 1 <= n <= 10 and 0 <= c < n
    loss = InterAffinityContrastiveLoss(16, 12)
    assert (loss.num_neighbors, loss.coincidence) == (2, 1)
    loss = InterAffinityContrastiveLoss(16, 60)
    assert (loss.num_neighbors, loss.coincidence) == (10, 4)
