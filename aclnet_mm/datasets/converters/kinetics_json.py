"""ST-GCN Kinetics-Skeleton JSON files to a ``PoseDataset`` pickle.

One file per clip, named ``<video_id>.json``::

    {"data": [{"frame_index": 1,
               "skeleton": [{"pose": [x0, y0, ..., x17, y17],
                             "score": [s0, ..., s17]}, ...]}, ...],
     "label": "class name", "label_index": int}

Poses are OpenPose-18 with ``x`` and ``y`` normalised to ``[0, 1]``; they
are scaled to pixels with ``img_shape`` (default ``(256, 340)``, the
340x256 frames of ST-GCN). Decisions:

- ``frame_index`` is 1-based; frame ``i`` goes to index ``i - 1`` and
  ``total_frames`` is the largest ``frame_index`` (as ST-GCN's feeder).
  Missing frames and frames without a person are zeros.
- Persons are ranked per frame by their mean joint score; the best
  ``max_person`` are kept, slot 0 being the best of that frame (the format
  has no track IDs). ``M`` is the largest number kept in any frame.
- A file with no person in any frame is a bad sample.
- A label table found among the inputs (``{video_id: {"label_index": ...,
  ...}}``, as ST-GCN's ``kinetics_*_label.json``) is ignored, not an error.
"""
import json
import logging
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.logging import print_log

from .common import (BadSampleError, ConversionError, ConversionResult,
                     convert_files, list_files, make_pose_pickle,
                     to_float_array)

NUM_JOINTS = 18
IMG_SHAPE = (256, 340)
"""(h, w) of the Kinetics-Skeleton frames (ST-GCN resized to 340x256)."""

LabelMap = Tuple[str, Dict[str, int]]
"""``('video', {video_id: label})`` or ``('name', {class_name: label})``."""


def load_json(path: str) -> object:
    """Read a JSON file, turning decoding errors into bad samples.

    Args:
        path (str): The file.

    Returns:
        object: The decoded value.

    Raises:
        BadSampleError: If the file is not valid JSON (e.g. truncated),
            naming the line.
    """
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    except json.JSONDecodeError as err:
        raise BadSampleError(
            path, f'invalid JSON (truncated?): {err.msg} at column '
            f'{err.colno}',
            line=err.lineno) from None
    except UnicodeDecodeError as err:
        raise BadSampleError(path, f'not a UTF-8 text file ({err.reason})')


def is_label_table(obj: object) -> bool:
    """Tell whether ``obj`` is an ST-GCN label table, not a clip.

    Args:
        obj (object): A decoded JSON value.

    Returns:
        bool: True for a non-empty ``{video_id: {"label_index": ...}}``.
    """
    return (isinstance(obj, dict) and bool(obj) and 'data' not in obj and all(
        isinstance(v, dict) and 'label_index' in v for v in obj.values()))


def load_label_map(path: str) -> LabelMap:
    """Read a label map.

    Two forms are accepted:

    - ``.json``: an ST-GCN label table ``{video_id: {"label_index": int,
      ...}}``; labels are looked up by video ID.
    - anything else: class names, one per line (blank lines ignored), the
      label being the line's index (e.g. MMAction2's
      ``label_map_k400.txt``); labels are looked up by the clip's
      ``"label"`` name.

    Args:
        path (str): The label map file.

    Returns:
        tuple[str, dict[str, int]]: ``('video', {video_id: label})`` or
        ``('name', {class_name: label})``.

    Raises:
        ConversionError: If the file is not one of the two forms.
    """
    if path.endswith('.json'):
        try:
            with open(path, encoding='utf-8') as f:
                table = json.load(f)
        except json.JSONDecodeError as err:
            raise ConversionError(
                f'{path}, line {err.lineno}: invalid JSON: {err.msg}') \
                from None
        if not is_label_table(table):
            raise ConversionError(
                f'{path}: expected {{video_id: {{"label_index": int}}}}')
        labels = {}
        for video_id, entry in table.items():
            label = entry['label_index']
            if isinstance(label, int) and not isinstance(label, bool) \
                    and label >= 0:
                labels[video_id] = label
        return 'video', labels
    with open(path, encoding='utf-8') as f:
        names = [line.strip() for line in f if line.strip()]
    if not names:
        raise ConversionError(f'{path}: no class name')
    if len(set(names)) != len(names):
        raise ConversionError(f'{path}: a class name appears twice')
    return 'name', {name: i for i, name in enumerate(names)}


def _label(path: str, clip: dict, label_map: Optional[LabelMap],
           label_map_file: str) -> int:
    """Find the label of one clip (see :func:`load_label_map`)."""
    video_id = osp.splitext(osp.basename(path))[0]
    if label_map is None:
        label = clip.get('label_index')
        if not isinstance(label, int) or isinstance(label, bool) or label < 0:
            raise BadSampleError(
                path, f'unknown label: "label_index" is {label!r}, '
                'expected an integer >= 0')
        return label
    kind, table = label_map
    if kind == 'video':
        if video_id not in table:
            raise BadSampleError(
                path, f'unknown label: video {video_id!r} has no label in '
                f'{label_map_file}')
        return table[video_id]
    name = clip.get('label')
    if name not in table:
        raise BadSampleError(
            path, f'unknown label {name!r}: not a class of {label_map_file}')
    return table[name]


def kinetics_sample(path: str,
                    label_map: Optional[LabelMap] = None,
                    max_person: int = 2,
                    img_shape: Tuple[int, int] = IMG_SHAPE,
                    label_map_file: str = 'the label map') -> Optional[dict]:
    """Convert one Kinetics-Skeleton JSON file.

    Args:
        path (str): The clip's JSON file.
        label_map (tuple, optional): The output of :func:`load_label_map`;
            None uses the clip's ``label_index``. Defaults to None.
        max_person (int): Persons kept per frame. Defaults to 2.
        img_shape (tuple[int, int]): ``(h, w)`` that scales the normalised
            coordinates to pixels. Defaults to ``(256, 340)``.
        label_map_file (str): Name of the label map, for messages.
            Defaults to ``'the label map'``.

    Returns:
        dict | None: ``frame_dir`` (the video ID), ``filename``, ``label``,
        ``total_frames``, ``keypoint`` float32 ``(M, T, 18, 2)`` in pixels,
        ``keypoint_score`` float32 ``(M, T, 18)``, ``img_shape`` and
        ``original_shape``; None if the file is a label table.

    Raises:
        BadSampleError: On invalid JSON, a missing or bad field, a wrong
            joint count, an unknown label or an empty sequence.
    """
    clip = load_json(path)
    if is_label_table(clip):
        print_log(
            f'{path} is a label table, not a clip: ignored',
            logger='current',
            level=logging.INFO)
        return None
    if not isinstance(clip, dict) or not isinstance(clip.get('data'), list):
        raise BadSampleError(path, 'expected a JSON object with a "data" list')
    label = _label(path, clip, label_map, label_map_file)

    frames: Dict[int, List[Tuple[float, np.ndarray, np.ndarray]]] = {}
    for i, entry in enumerate(clip['data']):
        index = entry.get('frame_index') if isinstance(entry, dict) else None
        if not isinstance(index, int) or isinstance(index, bool) or index < 1:
            raise BadSampleError(
                path, f'data[{i}]: "frame_index" is {index!r}, expected an '
                'integer >= 1')
        if index in frames:
            raise BadSampleError(
                path, 'frame_index appears twice', frame=index)
        people = entry.get('skeleton')
        if not isinstance(people, list):
            raise BadSampleError(path, 'no "skeleton" list', frame=index)
        persons = []
        for p, person in enumerate(people):
            try:
                if not isinstance(person, dict):
                    raise ValueError('is not an object')
                pose = to_float_array(
                    person.get('pose'), (NUM_JOINTS, 2), '"pose"')
                score = to_float_array(
                    person.get('score'), (NUM_JOINTS, ), '"score"')
            except ValueError as err:
                raise BadSampleError(
                    path, f'person {p}: {err} (OpenPose-18: {NUM_JOINTS} '
                    'joints of (x, y) and a score each)',
                    frame=index) from None
            persons.append((score.mean(), pose, score))
        # Stable sort: equal mean scores keep the file order.
        persons.sort(key=lambda x: -x[0])
        frames[index] = persons[:max_person]

    num_frames = max(frames, default=0)
    num_person = max((len(p) for p in frames.values()), default=0)
    if num_person == 0:
        raise BadSampleError(
            path, f'empty sequence: no person in any of the {len(frames)} '
            'frames')
    keypoint = np.zeros((num_person, num_frames, NUM_JOINTS, 2),
                        dtype=np.float32)
    keypoint_score = np.zeros(keypoint.shape[:3], dtype=np.float32)
    h, w = img_shape
    for index, persons in frames.items():
        for m, (_, pose, score) in enumerate(persons):
            keypoint[m, index - 1] = pose * (w, h)
            keypoint_score[m, index - 1] = score
    return dict(
        frame_dir=osp.splitext(osp.basename(path))[0],
        filename=osp.basename(path),
        label=label,
        total_frames=num_frames,
        keypoint=keypoint,
        keypoint_score=keypoint_score,
        img_shape=tuple(img_shape),
        original_shape=tuple(img_shape))


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


def convert_kinetics_json(json_dir: str,
                          label_map_file: Optional[str] = None,
                          max_person: int = 2,
                          img_shape: Sequence[int] = IMG_SHAPE,
                          split: Optional[str] = None,
                          skip_bad: bool = False) -> ConversionResult:
    """Convert a folder (searched recursively) of Kinetics-Skeleton JSON.

    Args:
        json_dir (str): The input folder, e.g. with ``train/`` and ``val/``
            sub-folders.
        label_map_file (str, optional): See :func:`load_label_map`; None
            uses each clip's ``label_index``. Defaults to None.
        max_person (int): Persons kept per frame. Defaults to 2.
        img_shape (Sequence[int]): ``(h, w)`` in pixels.
            Defaults to ``(256, 340)``.
        split (str, optional): Put every clip in this split. None names the
            split after the sub-folder (see :func:`split_name`).
            Defaults to None.
        skip_bad (bool): Skip (log, count) bad files instead of raising.
            Defaults to False.

    Returns:
        ConversionResult: The pickle content and the skipped files.

    Raises:
        ConversionError: On a bad option or label map, an empty folder or
            when no sample is left.
        BadSampleError: On the first bad file, unless ``skip_bad``.
    """
    if max_person < 1:
        raise ConversionError(f'max_person must be >= 1, got {max_person}')
    if len(img_shape) != 2 or min(img_shape) <= 0:
        raise ConversionError(
            f'img_shape must be two positive numbers (h, w), got {img_shape}')
    label_map = None
    if label_map_file is not None:
        label_map = load_label_map(label_map_file)
    paths = list_files(json_dir, '.json')
    if label_map_file is not None:
        paths = [
            p for p in paths if osp.abspath(p) != osp.abspath(label_map_file)
        ]
    split_of = {p: split or split_name(p, json_dir) for p in paths}
    annotations, skipped = convert_files(
        paths,
        lambda p: kinetics_sample(p, label_map, max_person, tuple(img_shape),
                                  label_map_file),
        skip_bad=skip_bad)
    by_file = {osp.basename(p): split_of[p] for p in paths}
    splits: Dict[str, List[str]] = {}
    for anno in annotations:
        splits.setdefault(by_file[anno['filename']],
                          []).append(anno['frame_dir'])
    return ConversionResult(
        make_pose_pickle(annotations, splits), skipped.skipped)
