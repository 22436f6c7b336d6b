"""ACL losses under autocast (--amp): float32 inside, finite, dtypes kept."""
import copy

import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from tiny_setup import TINY_MODEL

# bf16 carries 8 bits of mantissa; the losses themselves run in float32, so
# only the backbone and classifier differ (measured: < 1e-4 relative here).
LOSS_RTOL = 1e-2


def _samples(labels):
    return [ActionDataSample().set_gt_label(int(y)) for y in labels]


def _steady_model(device):
    """A tiny ACLNet with both losses active (superclasses, full memory)."""
    torch.manual_seed(0)
    model = MODELS.build(copy.deepcopy(TINY_MODEL)).to(device)
    model.init_weights()
    model.train()
    head = model.cls_head
    K = head.num_classes
    g = torch.Generator().manual_seed(1)
    table = torch.rand(K, K, generator=g) < 0.6
    head.loss_inter.superclass.copy_(table)
    head.loss_inter.active.fill_(True)
    head.loss_inter.counting.fill_(True)
    intra = head.loss_intra
    intra.memory.copy_(torch.nn.functional.normalize(
        torch.randn(intra.memory.shape, generator=g), dim=1))
    intra.memory_labels.copy_(torch.arange(intra.memory_size) % K)
    intra.filled.fill_(intra.memory_size)
    return model


def _dtypes(module):
    return {k: v.dtype for k, v in module.named_buffers()}


@pytest.mark.parametrize('loss_key', ['loss_inter', 'loss_intra'])
def test_losses_run_in_float32_under_autocast(device, loss_key):
    model = _steady_model(device)
    loss = getattr(model.cls_head, loss_key)
    feats = torch.randn(4, loss.proj.in_features, device=device)
    labels = torch.tensor([0, 1, 2, 3], device=device)
    scores = torch.randn(4, 4, device=device)
    args = (feats, labels)
    if loss_key == 'loss_inter':
        args = args + (scores, )
    before = copy.deepcopy(loss.state_dict())
    want = loss(*args)
    loss.load_state_dict(before)
    dtypes = _dtypes(loss)
    dtype = torch.bfloat16 if device == 'cpu' else torch.float16
    with torch.autocast(device_type=device, dtype=dtype):
        got = loss(*args)
    assert got.dtype == torch.float32
    assert torch.equal(got, want)  # autocast is off inside: bit-identical
    assert _dtypes(loss) == dtypes  # prototypes, memory, counts keep dtype


def test_recognizer_under_bf16_autocast_is_close_and_finite(device):
    inputs = torch.randn(4, 1, 2, 8, 25, 3, device=device)
    labels = [0, 1, 2, 3]
    fp32 = _steady_model(device)
    want = fp32.loss(inputs, _samples(labels))
    amp = _steady_model(device)
    with torch.autocast(device_type=device, dtype=torch.bfloat16):
        got = amp.loss(inputs, _samples(labels))
        total = sum(v for k, v in got.items() if k.startswith('loss'))
    total.backward()
    for key in ('loss_cls', 'loss_inter', 'loss_intra'):
        assert torch.isfinite(got[key])
        assert float(got[key]) > 0
        torch.testing.assert_close(got[key].float(), want[key].float(),
                                   rtol=LOSS_RTOL, atol=1e-3)
    grads = [p.grad for p in amp.parameters() if p.grad is not None]
    assert grads and all(torch.isfinite(g).all() for g in grads)
    inter = amp.cls_head.loss_inter
    assert inter.prototypes.dtype == torch.float32
    assert inter.confusion.dtype == torch.float64
    assert torch.isfinite(inter.prototypes).all()
