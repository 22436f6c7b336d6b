"""Intra-class margin contrastive loss of ACLNet (spec section 2.3)."""
import math

import torch
import torch.nn as nn
from mmaction.registry import MODELS

from ..utils.dist_utils import gather_batches
from ..utils.precision import float32_forward

_EPS = 1e-12


@MODELS.register_module()
class IntraMarginContrastiveLoss(nn.Module):
    """Margin contrastive loss of each sample against a memory bank.

    Features are projected, L2-normalised and contrasted with the last
    ``memory_size - N`` stored features plus the current batch ``N`` (the
    anchors). For anchor ``a`` and each positive ``p`` (same label, not
    ``a``), with ``s = z z^T / temperature`` (row max subtracted)::

        l_ap = -(s_ap - log(omega * exp(s_ap) + sum_n exp(s_an) + 1e-6))

    where ``n`` runs over the other-label entries and ``omega =
    exp(-epsilon)``: an additive-margin InfoNCE in which each positive meets
    only the negatives. The loss is the mean over anchors of the mean over
    their positives (anchors without a positive count as 0).

    The memory is a ring buffer in persistent buffers (``memory``,
    ``memory_labels``, ``ptr``, ``filled``), so it is checkpointed. It is
    active once ``filled + N >= memory_size``, for any memory and batch size
    (the reference crashes when they do not divide). Under DDP every rank
    writes the features of all ranks (all-gathered, in rank order), so the
    memory is identical on every rank and safe for ``SyncBuffersHook``;
    with one process this is exactly the reference's FIFO bank.

    Args:
        in_channels (int): Length of the affinity feature, ``V * V``.
        embed_channels (int): Projection size ``D``. Defaults to 256.
        memory_size (int): Memory slots. Defaults to 512.
        temperature (float): Defaults to 0.1.
        epsilon (float): Margin, ``omega = exp(-epsilon)``. Defaults to 0.1.
        loss_weight (float): Factor on the returned loss. Defaults to 1.0.
    """

    def __init__(self,
                 in_channels: int,
                 embed_channels: int = 256,
                 memory_size: int = 512,
                 temperature: float = 0.1,
                 epsilon: float = 0.1,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if memory_size < 1:
            raise ValueError(f'memory_size must be >= 1, got {memory_size}')
        if temperature <= 0:
            raise ValueError(f'temperature must be > 0, got {temperature}')
        self.memory_size = memory_size
        self.temperature = temperature
        self.epsilon = epsilon
        self.omega = math.exp(-epsilon)
        self.loss_weight = loss_weight
        self.proj = nn.Linear(in_channels, embed_channels)
        self.register_buffer('memory', torch.zeros(memory_size,
                                                   embed_channels))
        self.register_buffer('memory_labels',
                             torch.full((memory_size, ), -1,
                                        dtype=torch.long))
        # next slot to write, and number of valid slots (<= memory_size)
        self.register_buffer('ptr', torch.zeros((), dtype=torch.long))
        self.register_buffer('filled', torch.zeros((), dtype=torch.long))

    @float32_forward
    def forward(self, feats: torch.Tensor,
                labels: torch.Tensor) -> torch.Tensor:
        """Compute the loss; in training mode also enqueue the batch.

        Note:
            In training mode this writes the (gathered) batch into the
            memory after computing the loss.

        Args:
            feats (torch.Tensor): Affinity features ``(N, V * V)``.
            labels (torch.Tensor): Class indices ``(N, )``.

        Returns:
            torch.Tensor: Scalar loss times ``loss_weight``; during warm-up
            a zero still connected to the projection.
        """
        emb = self.proj(feats)
        emb = emb / (emb.norm(p=2, dim=1, keepdim=True) + _EPS)
        labels = labels.long()
        N = emb.shape[0]
        if int(self.filled) + N >= self.memory_size:
            loss = self.loss_weight * self._contrast(emb, labels)
        else:
            loss = emb.sum() * 0.
        if self.training:
            self._enqueue(emb.detach(), labels)
        return loss

    def _recent(self, count: int):
        """The ``count`` most recent entries, oldest first."""
        idx = (self.ptr - count + torch.arange(
            count, device=self.ptr.device)) % self.memory_size
        return self.memory[idx], self.memory_labels[idx]

    def _contrast(self, emb: torch.Tensor,
                  labels: torch.Tensor) -> torch.Tensor:
        N = emb.shape[0]
        old = max(self.memory_size - N, 0)
        mem_z, mem_y = self._recent(old)
        z = torch.cat([mem_z, emb])  # (old + N, D)
        y = torch.cat([mem_y, labels])
        logits = emb @ z.t() / self.temperature  # anchors: (N, old + N)
        logits = logits - logits.max(dim=1, keepdim=True)[0].detach()
        same = labels[:, None] == y[None]
        is_self = torch.zeros_like(same)
        is_self[:, old:] = torch.eye(N, dtype=torch.bool, device=emb.device)
        pos = same & ~is_self
        exp = logits.exp()
        neg_sum = (exp * ~same).sum(dim=1, keepdim=True)
        log_prob = logits - torch.log(self.omega * exp + neg_sum + 1e-6)
        num_pos = pos.sum(dim=1).clamp(min=1)
        per_anchor = (log_prob * pos).sum(dim=1) / num_pos
        return -per_anchor.mean()

    @torch.no_grad()
    def _enqueue(self, emb: torch.Tensor, labels: torch.Tensor) -> None:
        emb = gather_batches(emb)
        labels = gather_batches(labels)
        n = emb.shape[0]
        keep = min(n, self.memory_size)
        slots = (self.ptr + n - keep + torch.arange(
            keep, device=emb.device)) % self.memory_size
        self.memory[slots] = emb[n - keep:].to(self.memory.dtype)
        self.memory_labels[slots] = labels[n - keep:]
        self.ptr.copy_((self.ptr + n) % self.memory_size)
        self.filled.copy_(torch.clamp(self.filled + n, max=self.memory_size))

    def extra_repr(self) -> str:
        return (f'memory_size={self.memory_size}, '
                f'temperature={self.temperature}, epsilon={self.epsilon}')
