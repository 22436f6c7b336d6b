"""Pieces shared by the skeleton converters.

Every converter reads a folder of per-sequence files and builds MMAction2's
``PoseDataset`` pickle::

    dict(split=dict(name=[frame_dir, ...]),
         annotations=[dict(frame_dir=str, label=int, total_frames=int,
                           keypoint=float32 (M, T, V, C), ...), ...])

A file that cannot be converted raises :class:`BadSampleError`, which names
the file and the line or frame at fault. :class:`SkipCounter` either lets
the error through (the default) or, with ``skip_bad=True``, logs and counts
it. A run that cannot go on at all (no input, a bad option, a bad split
file) raises :class:`ConversionError`. The pickle is written at the very end
by :func:`dump_pickle_atomic`, so an aborted run leaves nothing behind.
"""
import logging
import os
import os.path as osp
import pickle
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional, Tuple

import numpy as np
from mmengine.logging import print_log

Splits = Dict[str, List[str]]
"""Sample names per split, as in the ``split`` entry of the pickle."""


class ConversionError(ValueError):
    """A problem that stops the whole run (not one sample)."""


class BadSampleError(ValueError):
    """An input file that cannot be converted.

    Args:
        path (str): The file at fault.
        reason (str): What is wrong.
        line (int, optional): 1-based line number in a text file.
            Defaults to None.
        frame (int | str, optional): The frame at fault (as numbered by the
            input format). Defaults to None.
    """

    def __init__(self,
                 path: str,
                 reason: str,
                 line: Optional[int] = None,
                 frame: Optional[object] = None) -> None:
        self.path = path
        self.reason = reason
        self.line = line
        self.frame = frame
        where = str(path)
        if line is not None:
            where += f', line {line}'
        if frame is not None:
            where += f', frame {frame}'
        super().__init__(f'{where}: {reason}')


class SkipCounter:
    """Raise bad samples, or log and count them when skipping is allowed.

    Args:
        skip_bad (bool): Skip bad samples instead of raising.
            Defaults to False.

    Examples:
        >>> counter = SkipCounter(skip_bad=True)
        >>> counter.add(BadSampleError('a.json', 'no frames'))
        >>> len(counter)
        1
    """

    def __init__(self, skip_bad: bool = False) -> None:
        self.skip_bad = skip_bad
        self.skipped: List[BadSampleError] = []

    def add(self, err: BadSampleError) -> None:
        """Count ``err`` (``skip_bad``) or raise it.

        Args:
            err (BadSampleError): The problem with one sample.
        """
        if not self.skip_bad:
            raise err
        self.skipped.append(err)
        print_log(f'skipped {err}', logger='current', level=logging.WARNING)

    @property
    def paths(self) -> List[str]:
        """list[str]: The skipped files, in the order met."""
        return [err.path for err in self.skipped]

    def __len__(self) -> int:
        return len(self.skipped)


@dataclass
class ConversionResult:
    """What a converter returns.

    Args:
        data (dict): The ``PoseDataset`` pickle content.
        skipped (list[BadSampleError]): Samples left out by ``skip_bad``.
    """

    data: dict
    skipped: List[BadSampleError] = field(default_factory=list)

    def summary(self) -> Dict[str, object]:
        """Count samples, frames, persons, empty frames and skips.

        Returns:
            dict: ``samples``, ``frames`` (sum of ``total_frames``),
            ``min_frames``, ``max_frames``, ``persons`` (``{M: samples}``),
            ``empty_frames`` (frames whose keypoints are all zero),
            ``labels`` (number of distinct labels), ``splits``
            (``{name: size}``) and ``skipped``.
        """
        annos = self.data['annotations']
        lengths = [a['total_frames'] for a in annos]
        persons = Counter(a['keypoint'].shape[0] for a in annos)
        empty = sum(count_empty_frames(a['keypoint']) for a in annos)
        return dict(
            samples=len(annos),
            frames=int(sum(lengths)),
            min_frames=min(lengths, default=0),
            max_frames=max(lengths, default=0),
            persons=dict(sorted(persons.items())),
            empty_frames=empty,
            labels=len(set(a['label'] for a in annos)),
            splits={
                k: len(v)
                for k, v in self.data['split'].items()
            },
            skipped=len(self.skipped))


def count_empty_frames(keypoint: np.ndarray) -> int:
    """Count the frames where every person's keypoints are zero.

    Args:
        keypoint (np.ndarray): Keypoints of shape ``(M, T, V, C)``.

    Returns:
        int: The number of all-zero frames.
    """
    return int((~keypoint.any(axis=(0, 2, 3))).sum())


def list_files(root: str, suffix: str, recursive: bool = True) -> List[str]:
    """List the files under ``root`` whose name ends with ``suffix``.

    Args:
        root (str): The folder to scan.
        suffix (str): File name ending, e.g. ``'.json'``.
        recursive (bool): Scan sub-folders too. Defaults to True.

    Returns:
        list[str]: Sorted paths.

    Raises:
        ConversionError: If ``root`` is not a folder or holds no such file.
    """
    if not osp.isdir(root):
        raise ConversionError(f'{root} is not a folder')
    paths = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        paths.extend(
            osp.join(folder, name) for name in sorted(files)
            if name.endswith(suffix))
        if not recursive:
            break
    if not paths:
        raise ConversionError(f'no *{suffix} file in {root}')
    return paths


def convert_files(paths: Iterable[str],
                  convert_one: Callable[[str], Optional[dict]],
                  skip_bad: bool = False) -> Tuple[List[dict], SkipCounter]:
    """Convert files one by one, handling bad samples.

    Args:
        paths (Iterable[str]): The input files.
        convert_one (Callable): Maps a path to an annotation dict, or to
            None for a file that is not a sample at all (it is ignored).
            It raises :class:`BadSampleError` for a bad sample.
        skip_bad (bool): Skip and count bad samples instead of raising.
            Defaults to False.

    Returns:
        tuple[list[dict], SkipCounter]: The annotations and the skips.

    Raises:
        BadSampleError: The first bad sample, unless ``skip_bad``.
        ConversionError: If two files give the same ``frame_dir`` or no
            sample is left.
    """
    counter = SkipCounter(skip_bad)
    annotations, seen = [], {}
    for path in paths:
        try:
            anno = convert_one(path)
        except BadSampleError as err:
            counter.add(err)
            continue
        if anno is None:
            continue
        name = anno['frame_dir']
        if name in seen:
            raise ConversionError(
                f'{path} and {seen[name]} both give the sample name '
                f'{name!r}; sample names must be unique')
        seen[name] = path
        annotations.append(anno)
    if not annotations:
        raise ConversionError(
            f'no sample could be converted ({len(counter)} skipped)')
    return annotations, counter


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
                   annotations: List[dict],
                   skipped: Iterable[str] = (),
                   source: str = 'split file') -> Dict[str, List[str]]:
    """Map the file names of a split file onto ``frame_dir`` names.

    A name may be the file name (``a.json``) or its stem (``a``). Names of
    skipped samples are dropped (and logged); a name that matches no input
    file is an error.

    Args:
        splits (dict[str, list[str]]): File names per split.
        annotations (list[dict]): The converted samples; each has
            ``frame_dir`` and ``filename`` (the input file name).
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
    for anno in annotations:
        lookup[anno['frame_dir']] = anno['frame_dir']
        lookup[anno['filename']] = anno['frame_dir']
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


def make_pose_pickle(annotations: List[dict], split: Splits) -> dict:
    """Assemble the ``PoseDataset`` pickle and drop helper keys.

    Args:
        annotations (list[dict]): The samples; a ``filename`` key (the
            input file name, used to resolve splits) is removed.
        split (dict[str, list[str]]): ``frame_dir`` names per split.

    Returns:
        dict: ``dict(split=split, annotations=annotations)``.
    """
    for anno in annotations:
        anno.pop('filename', None)
    return dict(split=split, annotations=annotations)


def dump_pickle_atomic(obj: object, path: str) -> None:
    """Pickle ``obj`` to ``path`` through a temporary file and a rename.

    The temporary file lives in the target folder, so ``os.replace`` is
    atomic: ``path`` either keeps its old content or gets the complete new
    one, and no half-written file remains after an error.

    Args:
        obj (object): What to write.
        path (str): Destination; its folder is created if needed.
    """
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        dir=folder, prefix=osp.basename(path) + '.', suffix='.tmp')
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates it 0600
        with os.fdopen(fd, 'wb') as f:
            pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise


def format_summary(summary: Dict[str, object]) -> str:
    """Render :meth:`ConversionResult.summary` as one line of text.

    Args:
        summary (dict): The summary.

    Returns:
        str: e.g. ``'16 samples (16 labels), 1234 frames (40-300 per
        sample), persons {1: 14, 2: 2}, 0 empty frames, splits {...},
        0 skipped'``.
    """
    s = summary
    return (f'{s["samples"]} samples ({s["labels"]} labels), '
            f'{s["frames"]} frames ({s["min_frames"]}-{s["max_frames"]} '
            f'per sample), persons {s["persons"]}, {s["empty_frames"]} '
            f'empty frames, splits {s["splits"]}, {s["skipped"]} skipped')


def to_float_array(values: object, shape: Tuple[int, ...],
                   what: str) -> np.ndarray:
    """Check a JSON value is a list of finite numbers of a given shape.

    Args:
        values (object): The decoded JSON value.
        shape (tuple[int]): The expected array shape.
        what (str): Name of the value, for the message.

    Returns:
        np.ndarray: float64 array of shape ``shape``.

    Raises:
        ValueError: With a message naming ``what`` and the problem.
    """
    if not isinstance(values, (list, tuple)):
        raise ValueError(f'{what} is not a list')
    flat = np.ravel(np.asarray(values, dtype=object))
    if any(isinstance(v, (str, bool)) or v is None for v in flat):
        raise ValueError(f'{what} has a non-numeric value')
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f'{what} is not a regular array of numbers') \
            from None
    if array.size != int(np.prod(shape)) or (array.ndim > 1
                                             and array.shape != shape):
        raise ValueError(f'{what} has shape {array.shape} ({array.size} '
                         f'values), expected {shape}')
    if not np.isfinite(array).all():
        raise ValueError(f'{what} has a non-finite value')
    return array.reshape(shape)
