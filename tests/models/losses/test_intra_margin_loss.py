import pytest
import reference_impl as ref
import torch

from aclnet_mm.models.losses import IntraMarginContrastiveLoss


def _fifo_reference(loss, steps, mem):
    """Replay ``steps`` [(feats, labels)] against a Python-list FIFO."""
    seen_z, seen_y, values = [], [], []
    for feats, labels in steps:
        emb = loss.proj(feats)
        emb = emb / (emb.norm(dim=1, keepdim=True) + 1e-12)
        b = len(labels)
        if len(seen_z) + b >= mem:
            keep = max(mem - b, 0)
            old_z = seen_z[len(seen_z) - keep:] if keep else []
            old_y = seen_y[len(seen_y) - keep:] if keep else []
            z = torch.cat([torch.stack(old_z), emb]) if old_z else emb
            y = torch.cat([torch.stack(old_y), labels]) if old_y else labels
            values.append(ref.intra_loss(z, y, b))
        else:
            values.append(None)
        seen_z.extend(emb.detach())
        seen_y.extend(labels)
    return values


@pytest.mark.parametrize('K,B,mem,steps', [(60, 16, 512, 40),
                                           (400, 64, 2048, 40),
                                           (7, 16, 50, 6), (5, 8, 5, 3)])
def test_matches_fifo_transcription(K, B, mem, steps, device):
    gen = torch.Generator().manual_seed(K + B + mem)
    torch.manual_seed(mem)
    loss = IntraMarginContrastiveLoss(12, memory_size=mem).to(device)
    batches = []
    for i in range(steps):
        b = B if i % 5 != 4 else B // 2 + 1  # short batches too
        batches.append((torch.randn(b, 12, generator=gen),
                        torch.randint(0, K, (b, ), generator=gen)))
    values = []
    for feats, labels in batches:
        values.append(loss(feats.to(device), labels.to(device)).cpu())
    expected = _fifo_reference(loss.to('cpu'), batches, mem)
    # compare the last few steps exactly (earlier ones are warm-up zeros)
    for got, want in zip(values, expected):
        if want is None:
            assert got.item() == 0 and got.requires_grad
        else:
            torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-6)
    assert expected[-1] is not None


def test_gradient_matches_transcription():
    gen = torch.Generator().manual_seed(0)
    loss = IntraMarginContrastiveLoss(10, memory_size=40)
    for _ in range(3):
        loss(torch.randn(16, 10, generator=gen),
             torch.randint(0, 4, (16, ), generator=gen))
    old_z = list(loss.memory[(loss.ptr - 24 + torch.arange(24)) % 40])
    old_y = list(loss.memory_labels[(loss.ptr - 24 + torch.arange(24)) % 40])
    feats = torch.randn(16, 10, generator=gen, requires_grad=True)
    labels = torch.randint(0, 4, (16, ), generator=gen)
    loss(feats, labels).backward()
    got = feats.grad.clone()
    feats.grad = None
    emb = loss.proj(feats)
    emb = emb / (emb.norm(dim=1, keepdim=True) + 1e-12)
    z = torch.cat([torch.stack(old_z), emb])
    y = torch.cat([torch.stack(old_y), labels])
    ref.intra_loss(z, y, 16).backward()
    torch.testing.assert_close(got, feats.grad, rtol=1e-4, atol=1e-6)


def test_ring_buffer_keeps_latest():
    loss = IntraMarginContrastiveLoss(4, embed_channels=3, memory_size=5)
    for step in range(4):  # 12 entries through 5 slots
        loss(torch.randn(3, 4), torch.full((3, ), step))
    assert int(loss.filled) == 5 and int(loss.ptr) == 12 % 5
    recent = loss.memory_labels[(loss.ptr - 5 + torch.arange(5)) % 5]
    assert recent.tolist() == [2, 2, 3, 3, 3]


def test_eval_mode_does_not_enqueue():
    loss = IntraMarginContrastiveLoss(4, memory_size=8).eval()
    loss(torch.randn(3, 4), torch.tensor([0, 1, 2]))
    assert int(loss.filled) == 0 and int(loss.ptr) == 0


def test_invalid_arguments():
    with pytest.raises(ValueError):
        IntraMarginContrastiveLoss(4, memory_size=0)
    with pytest.raises(ValueError):
        IntraMarginContrastiveLoss(4, temperature=0)
