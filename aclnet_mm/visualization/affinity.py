"""The per-class mean of the backbone's joint-affinity graph over a split."""
from typing import Iterable, Optional, Tuple

import numpy as np
import torch


@torch.no_grad()
def collect_class_affinity(model,
                           batches: Iterable,
                           num_classes: int,
                           num_nodes: int,
                           progress: Optional[object] = None
                           ) -> Tuple[np.ndarray, np.ndarray]:
    """Average the backbone's affinity graph per ground-truth class.

    The model runs in eval mode through its data preprocessor and
    backbone (``extract_feat(stage='backbone')``), which for ACLGCN
    returns ``(features, affinity (N * clips, V * V))``; the clips of a
    sample are averaged first, then the samples of each class.

    Args:
        model: A ``RecognizerGCN`` with an ACLGCN backbone.
        batches (Iterable): Batches as a dataloader yields them.
        num_classes (int): ``K``.
        num_nodes (int): ``V``.
        progress: Object with ``update()`` called once per sample (e.g.
            ``mmengine.utils.ProgressBar``). Defaults to None.

    Returns:
        tuple[np.ndarray, np.ndarray]: The means ``(K, V, V)`` (NaN for a
        class without samples) and the sample count per class ``(K, )``.
    """
    model.eval()
    total = np.zeros((num_classes, num_nodes * num_nodes))
    count = np.zeros(num_classes, dtype=np.int64)
    for batch in batches:
        data = model.data_preprocessor(batch, False)
        inputs, samples = data['inputs'], data['data_samples']
        out, _ = model.extract_feat(inputs, stage='backbone')
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise TypeError('the backbone returns no affinity graph: '
                            'collect_class_affinity needs ACLGCN')
        graph = out[1].double().cpu()
        graph = graph.view(inputs.shape[0], -1, graph.shape[-1]).mean(1)
        for g, sample in zip(graph.numpy(), samples):
            label = int(sample.gt_label.reshape(-1)[0])
            total[label] += g
            count[label] += 1
            if progress is not None:
                progress.update()
    with np.errstate(invalid='ignore', divide='ignore'):
        mean = total / count[:, None]
    mean[count == 0] = np.nan
    return mean.reshape(num_classes, num_nodes, num_nodes), count
