"""A joint-affinity graph derived from any backbone's feature map."""
import torch


def feature_affinity(feats: torch.Tensor, eps: float = 1e-12) -> torch.Tensor:
    """Per-sample joint affinity from a feature map ``(N, M, C, T, V)``.

    For every person the joints' features are averaged over time and
    L2-normalised; their cosine similarities ``(V, V)`` are turned into a
    distribution per row by a softmax over the target joint, and the
    persons are averaged. This mirrors the adaptive topology of ACLGCN's
    graph convolution (a row softmax of joint inner products), so the ACL
    losses see the same kind of object whichever backbone produced the
    features; it is differentiable and costs one ``(V, C) @ (C, V)``
    product per person. Rows of an all-zero (padded) person are uniform.

    Args:
        feats (torch.Tensor): Backbone features ``(N, M, C, T, V)``.
        eps (float): Added to the norms. Defaults to 1e-12.

    Returns:
        torch.Tensor: ``(N, V * V)``, row-major (row ``v`` = source joint).
    """
    if feats.dim() != 5:
        raise ValueError('feature_affinity expects (N, M, C, T, V), got '
                         f'shape {tuple(feats.shape)}')
    N, M, C, T, V = feats.shape
    joint = feats.mean(dim=3)  # (N, M, C, V)
    joint = joint / (joint.norm(p=2, dim=2, keepdim=True) + eps)
    cosine = torch.einsum('nmcv,nmcw->nmvw', joint, joint)
    return cosine.softmax(dim=-1).mean(dim=1).reshape(N, V * V)
