"""Small distributed helpers that degrade to no-ops in one process."""
import torch
from mmengine import dist


def gather_batches(tensor: torch.Tensor) -> torch.Tensor:
    """Concatenate a tensor from every rank along dim 0, in rank order.

    Ranks may hold different numbers of rows (a short last batch): rows are
    padded to the largest count for the collective and trimmed afterwards.

    Args:
        tensor (torch.Tensor): Shape ``(N_r, ...)`` on rank ``r``.

    Returns:
        torch.Tensor: Shape ``(sum_r N_r, ...)``; the input itself when not
        distributed.
    """
    if dist.get_world_size() == 1:
        return tensor
    size = torch.tensor([tensor.shape[0]], device=tensor.device)
    sizes = [int(s) for s in dist.all_gather(size)]
    longest = max(sizes)
    if tensor.shape[0] < longest:
        pad = tensor.new_zeros((longest - tensor.shape[0], ) +
                               tensor.shape[1:])
        tensor = torch.cat([tensor, pad])
    parts = dist.all_gather(tensor.contiguous())
    return torch.cat([part[:n] for part, n in zip(parts, sizes)])


def all_reduce_mean_(tensor: torch.Tensor) -> torch.Tensor:
    """Average a tensor over ranks in place (no-op in one process)."""
    if dist.get_world_size() > 1:
        dist.all_reduce(tensor, op='mean')
    return tensor
