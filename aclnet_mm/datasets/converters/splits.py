"""Splits: split files, NTU RGB+D's benchmarks, splits named by folders."""
import os.path as osp
from typing import Dict, Iterable, List, Sequence

from .errors import ConversionError, warn
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
    """Read a split file of ``split_name file_name`` lines (blank lines
    and ``#`` comments ignored) into file names per split, in file order.

    Raises:
        ConversionError: On a line that is not two fields, or no line.
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
    """Map the file names of a split file onto the records' names.

    A file name may be given with or without its extension. Names of
    skipped samples are dropped, with one warning counting them.

    Args:
        splits (dict[str, list[str]]): File names per split.
        records (Sequence[PoseRecord]): The converted samples.
        skipped (Iterable[str]): Paths of the skipped samples.
        source (str): Where ``splits`` came from, for messages.

    Raises:
        ConversionError: If a name matches no input file.
    """
    lookup = {}
    for record in records:
        lookup[record.name] = lookup[osp.basename(record.source)] = \
            record.name
    names = [osp.basename(p) for p in skipped]
    gone = set(names) | {osp.splitext(n)[0] for n in names}
    result: Dict[str, List[str]] = {split: [] for split in splits}
    dropped = []
    for split, names in splits.items():
        for name in names:
            if name in lookup:
                result[split].append(lookup[name])
            elif name in gone:
                dropped.append(name)
            else:
                raise ConversionError(
                    f'{source}: {name} (split {split}) is not an input file')
    if dropped:
        warn(f'{source}: {len(dropped)} listed samples were skipped, e.g. '
             f'{dropped[0]}')
    return result


def ntu_splits(frame_dirs: Sequence[str],
               dataset: str = 'ntu60') -> Dict[str, List[str]]:
    """The official benchmark splits of ``SsssCcccPpppRrrrAaaa`` names, in
    input order: NTU-60 ``xsub_train/xsub_val`` and ``xview_train/
    xview_val``; NTU-120 ``xsub_train/xsub_val`` (53 training performers)
    and ``xset_train/xset_val`` (even setup numbers train)."""
    if dataset == 'ntu60':
        rules = dict(
            xsub=lambda f: f['performer'] in NTU60_XSUB_TRAIN,
            xview=lambda f: f['camera'] in NTU60_XVIEW_TRAIN)
    else:
        rules = dict(
            xsub=lambda f: f['performer'] in NTU120_XSUB_TRAIN,
            xset=lambda f: f['setup'] % 2 == 0)
    split = {f'{b}_{part}': [] for b in rules for part in ('train', 'val')}
    for name in frame_dirs:
        fields = parse_ntu_name(name)
        for bench, is_train in rules.items():
            part = 'train' if is_train(fields) else 'val'
            split[f'{bench}_{part}'].append(name)
    return split


def split_name(path: str, root: str) -> str:
    """The split of a file named after its folder: the first folder below
    ``root`` on the way to ``path``, or ``root``'s own name for a file
    directly in it."""
    rel = osp.relpath(path, root).split(osp.sep)
    if len(rel) > 1:
        return rel[0]
    return osp.basename(osp.normpath(osp.abspath(root)))
