"""What the analysis tools read from a config and an ACLNet checkpoint."""
from typing import Dict, List, Optional, Tuple

import torch

from ..engine.checkpoint_check import load_weights_strict
from ..engine.safe_loading import safe_torch_load

#: The inter loss's buffers the tools read, by name.
INTER_BUFFERS = ('superclass', 'temperature', 'confusion', 'active')


def load_inter_state(checkpoint: str,
                     cfg=None) -> Tuple[Dict[str, torch.Tensor], Dict]:
    """The inter loss's superclass state from a checkpoint (safe loader).

    Args:
        checkpoint (str): A checkpoint written by MMEngine.
        cfg (Config, optional): The config it is read with: its model is
            built and the checkpoint must fit it
            (:func:`~aclnet_mm.engine.checkpoint_check.load_weights_strict`),
            so the class count, names and groups are the checkpoint's.
            Defaults to None (no check).

    Returns:
        tuple[dict, dict]: The buffers of :data:`INTER_BUFFERS` (CPU
        tensors, ``superclass`` as bool) and the checkpoint's ``meta``.

    Raises:
        FileNotFoundError, CheckpointError: From
            :func:`~aclnet_mm.engine.safe_loading.safe_torch_load` and
            :func:`~aclnet_mm.engine.checkpoint_check.load_weights_strict`
            (a checkpoint of another model).
        ValueError: If the checkpoint has no (or several) inter losses.
    """
    ckpt = safe_torch_load(checkpoint)
    if cfg is not None:
        from mmaction.registry import MODELS
        name = getattr(cfg, 'filename', None) or 'the config'
        load_weights_strict(MODELS.build(cfg.model), ckpt, source=checkpoint,
                            target=f'the model of {name}')
    state = ckpt.get('state_dict', ckpt)
    buffers = {}
    for name in INTER_BUFFERS:
        suffix = f'loss_inter.{name}'
        keys = [k for k in state if k.endswith(suffix)]
        if len(keys) != 1:
            raise ValueError(
                f'expected one "*{suffix}" in {checkpoint}, found {keys}: '
                'is it an ACLNet checkpoint with the inter loss?')
        buffers[name] = state[keys[0]].cpu()
    buffers['superclass'] = buffers['superclass'].bool()
    return buffers, ckpt.get('meta', {})


def dataset_metainfo(cfg) -> Dict:
    """The training dataset's metainfo, as the dataset would have it.

    The class's ``METAINFO``, updated by the config's ``metainfo=dict(...)``
    (as MMEngine's ``BaseDataset`` merges them); may be empty.
    """
    from mmaction.registry import DATASETS
    dataset_cfg = cfg.train_dataloader.dataset
    dataset = DATASETS.get(dataset_cfg.type)
    info = dict(getattr(dataset, 'METAINFO', None) or {})
    info.update(dataset_cfg.get('metainfo') or {})
    return info


def class_names(cfg, num_classes: int,
                label_map: Optional[str] = None) -> List[str]:
    """Class names: a label-map file, else the dataset's ``classes``.

    Args:
        cfg: The config (its training dataset's ``METAINFO``).
        num_classes (int): ``K``.
        label_map (str, optional): A file with one name per line.

    Returns:
        list[str]: ``K`` names; indices when neither source has them.

    Raises:
        ValueError: If ``label_map`` does not hold ``K`` names.
    """
    if label_map:
        with open(label_map) as f:
            names = [line.strip() for line in f if line.strip()]
        if len(names) != num_classes:
            raise ValueError(f'{label_map} has {len(names)} names, the '
                             f'model {num_classes} classes')
        return names
    names = list(dataset_metainfo(cfg).get('classes', []))
    if len(names) == num_classes:
        return names
    return [str(k) for k in range(num_classes)]
