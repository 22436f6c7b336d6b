"""Class names for a model: a label-map file, the config, or a shipped map.

:func:`class_names_for` picks, first match wins:

1. the ``label_map`` file given by the user (one name per line, line ``i``
   is label ``i``; empty lines are skipped);
2. ``classes`` in the test dataset's ``metainfo`` in the config, or in the
   dataset class's ``METAINFO`` (e.g. ``SyntheticActionDataset``);
3. a label map shipped in ``aclnet_mm/apis/label_maps/`` whose class count
   equals the head's ``num_classes`` **and** whose keyword occurs in the
   test dataset's ``ann_file`` or ``type`` (lower case): ``ntu`` for
   NTU-60 (60) and NTU-120 (120), ``k400`` / ``kinetics`` for Kinetics-400
   (400), ``pku`` for PKU-MMD (51);
4. otherwise ``class_0``, ``class_1``, ...

Sources and licences of the shipped maps: ``label_maps/NOTICE``.
"""
import os.path as osp
from typing import Dict, List, Optional, Tuple

from mmengine.config import Config

from ..datasets.converters.labels import load_class_names

LABEL_MAP_DIR = osp.join(osp.dirname(osp.abspath(__file__)), 'label_maps')

#: Shipped maps: file stem -> (class count, keywords of the dataset).
SHIPPED_LABEL_MAPS: Dict[str, Tuple[int, Tuple[str, ...]]] = {
    'ntu60': (60, ('ntu', )),
    'ntu120': (120, ('ntu', )),
    'kinetics400': (400, ('k400', 'kinetics')),
    'pku_mmd': (51, ('pku', )),
}


def load_label_map(path: str) -> List[str]:
    """Read a label map: one class name per line, label ``i`` at index
    ``i`` (:func:`~aclnet_mm.datasets.converters.labels.load_class_names`).

    Raises:
        ValueError: If the file cannot be read, holds no name or repeats
            one.
    """
    return load_class_names(path)


def shipped_label_map(stem: str) -> List[str]:
    """The names of a shipped map, e.g. ``shipped_label_map('ntu60')``."""
    if stem not in SHIPPED_LABEL_MAPS:
        raise ValueError(f'no shipped label map {stem!r}; shipped: '
                         f'{sorted(SHIPPED_LABEL_MAPS)}')
    return load_label_map(osp.join(LABEL_MAP_DIR, f'{stem}.txt'))


def _metainfo_classes(dataset: Dict) -> Optional[List[str]]:
    classes = (dataset.get('metainfo') or {}).get('classes')
    if classes:
        return [str(c) for c in classes]
    from mmaction.registry import DATASETS
    cls = DATASETS.get(dataset.get('type', '')) if dataset.get(
        'type') else None
    classes = getattr(cls, 'METAINFO', {}).get('classes') if cls else None
    return [str(c) for c in classes] if classes else None


def class_names_for(cfg: Config,
                    num_classes: int,
                    label_map: Optional[str] = None) -> List[str]:
    """Class names for a model (see the module docstring for the order).

    Args:
        cfg (Config): The model's config.
        num_classes (int): Classes ``K`` the head scores.
        label_map (str, optional): A label-map file. Defaults to None.

    Returns:
        list[str]: ``K`` names.

    Raises:
        ValueError: If ``label_map`` (or the config's metainfo) does not
            hold exactly ``K`` names.
    """
    from .input_spec import test_dataset_cfg
    dataset = test_dataset_cfg(cfg)
    if label_map is not None:
        names, source = load_label_map(label_map), f'label map {label_map}'
    else:
        names, source = _metainfo_classes(dataset), 'the config metainfo'
    if names is not None:
        if len(names) != num_classes:
            raise ValueError(f'{source} has {len(names)} class names, the '
                             f'model scores {num_classes} classes')
        return names
    hint = f'{dataset.get("ann_file", "")} {dataset.get("type", "")}'.lower()
    for stem, (count, keywords) in SHIPPED_LABEL_MAPS.items():
        if count == num_classes and any(k in hint for k in keywords):
            return shipped_label_map(stem)
    return [f'class_{i}' for i in range(num_classes)]
