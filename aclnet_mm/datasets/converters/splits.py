"""Splits: split files, NTU RGB+D's benchmarks, splits named by folders."""
import logging
import os.path as osp
from typing import Dict, Iterable, List, Sequence

from mmengine.logging import print_log

from .errors import ConversionError
from .readers.ntu_skeleton import parse_ntu_name

NTU60_XSUB_TRAIN = (1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25, 27, 28,
                    31, 34, 35, 38)
"""Training performers of the NTU-60 cross-subject benchmark."""

NTU60_XVIEW_TRAIN = (2, 3)
"""Training cameras of the NTU-60 cross-view benchmark."""

NTU120_XSUB_TRAIN = (1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25, 27, 28,
                     31, 34, 35, 38, 45, 46, 47, 49, 50, 52, 53, 54, 55, 56,
                     57, 58, 59, 70, 74, 78, 80, 81, 82, 83, 84, 85, 86, 89,
                     91, 92, 93, 94, 95, 97, 98, 100, 103)
"""The 53 training performers of the NTU-120 cross-subject benchmark."""


def read_splits_file(path: str) -> Dict[str, List[str]]:
    """Read a split file of ``split_name file_name`` lines.

    Blank lines and lines starting with ``#`` are ignored. File names may
    be given with or without their extension; they are stored as given.

    Args:
        path (str): The split file.

    Returns:
        dict[str, list[str]]: File names per split, in file order.

    Raises:
        ConversionError: On a line that is not two fields.
    """
    splits: Dict[str, List[str]] = {}
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            fields = line.split()
            if not fields or fields[0].startswith('#'):
                continue
            if len(fields) != 2:
                raise ConversionError(
                    f'{path}, line {lineno}: expected "split_name '
                    f'file_name", got {line.strip()!r}')
            splits.setdefault(fields[0], []).append(fields[1])
    if not splits:
        raise ConversionError(f'{path}: no split line')
    return splits


def resolve_splits(splits: Dict[str, List[str]],
                   records: Sequence,
                   skipped: Iterable[str] = (),
                   source: str = 'split file') -> Dict[str, List[str]]:
    """Map the file names of a split file onto ``frame_dir`` names.

    A name may be the file name (``a.json``) or its stem (``a``). Names of
    skipped samples are dropped (and logged); a name that matches no input
    file is an error.

    Args:
        splits (dict[str, list[str]]): File names per split.
        records (list[PoseRecord]): The converted samples (their
            ``name`` and the file name of their ``source``).
        skipped (Iterable[str]): Paths of the skipped samples.
            Defaults to ().
        source (str): Where ``splits`` came from, for messages.
            Defaults to ``'split file'``.

    Returns:
        dict[str, list[str]]: ``frame_dir`` names per split.

    Raises:
        ConversionError: If a name matches no input file.
    """
    lookup = {}
    for record in records:
        lookup[record.name] = record.name
        lookup[osp.basename(record.source)] = record.name
    dropped = set()
    for path in skipped:
        name = osp.basename(path)
        dropped.update((name, osp.splitext(name)[0]))
    result: Dict[str, List[str]] = {}
    for split, names in splits.items():
        result[split] = []
        for name in names:
            if name in lookup:
                result[split].append(lookup[name])
            elif name in dropped:
                print_log(
                    f'{source}: {name} (split {split}) was skipped',
                    logger='current',
                    level=logging.WARNING)
            else:
                raise ConversionError(
                    f'{source}: {name} (split {split}) is not an input file')
    return result


def ntu_splits(frame_dirs: Sequence[str],
               dataset: str = 'ntu60') -> Dict[str, List[str]]:
    """Assign samples to the official benchmark splits.

    NTU-60 gets ``xsub_train/xsub_val`` and ``xview_train/xview_val``;
    NTU-120 gets ``xsub_train/xsub_val`` (53 training performers) and
    ``xset_train/xset_val`` (even setup numbers train).

    Args:
        frame_dirs (Sequence[str]): ``SsssCcccPpppRrrrAaaa`` names.
        dataset (str): ``'ntu60'`` or ``'ntu120'``. Defaults to ``'ntu60'``.

    Returns:
        dict[str, list[str]]: Names per split, in input order.
    """
    if dataset == 'ntu60':
        rules = dict(
            xsub=lambda f: f['performer'] in NTU60_XSUB_TRAIN,
            xview=lambda f: f['camera'] in NTU60_XVIEW_TRAIN)
    else:
        rules = dict(
            xsub=lambda f: f['performer'] in NTU120_XSUB_TRAIN,
            xset=lambda f: f['setup'] % 2 == 0)
    split: Dict[str, List[str]] = {}
    for bench in rules:
        split[f'{bench}_train'] = []
        split[f'{bench}_val'] = []
    for name in frame_dirs:
        fields = parse_ntu_name(name)
        for bench, is_train in rules.items():
            part = 'train' if is_train(fields) else 'val'
            split[f'{bench}_{part}'].append(name)
    return split


def split_name(path: str, root: str) -> str:
    """Name the split of a file after its folder.

    Args:
        path (str): A file under ``root``.
        root (str): The input folder.

    Returns:
        str: The first folder below ``root`` on the way to ``path``, or
        ``root``'s own name for a file directly in it.
    """
    rel = osp.relpath(path, root).split(osp.sep)
    if len(rel) > 1:
        return rel[0]
    return osp.basename(osp.normpath(osp.abspath(root)))
