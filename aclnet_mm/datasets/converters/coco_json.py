"""Per-sequence COCO-17 pose JSON (AlphaPose or MMPose) to a pickle.

This is the converter for users' own videos: run a pose estimator, keep
one JSON file per sequence, name the labels and the splits. Two layouts
are read (detected from the content):

- **AlphaPose**: a list of detections
  ``{"image_id": "<frame>.jpg", "keypoints": [x, y, score] * 17,
  "score": float, "idx": track id, ...}``. The frame number is the last
  integer in ``image_id``. ``idx`` is a track ID only when it is a number
  (AlphaPose writes a list such as ``[0.0]`` when it does not track).
- **MMPose** (``--save-predictions`` of the demos, or the inferencer's
  video output): ``{"meta_info": ..., "instance_info": [{"frame_id": int,
  "instances": [...]}, ...]}`` or the bare list of those frame entries;
  each instance has ``keypoints`` (17 x 2), ``keypoint_scores`` (17) and
  optionally ``bbox_score`` and ``track_id``.

Decisions:

- Frames are ordered by their number. The sequence runs from the first to
  the last frame with a detection (the formats cannot tell leading or
  trailing frames without a person from frames outside the video); frames
  missing in between are zeros.
- If every detection has a track ID and no ID repeats within a frame, the
  ``max_person`` tracks with the largest summed detection score are kept,
  one slot per track. Otherwise persons are ranked per frame by detection
  score (``score``/``bbox_score``, else the mean keypoint score), slot 0
  being the best of each frame. ``M`` is the number of slots used.
- A sequence without any detection is a bad sample.
"""
import csv
import os.path as osp
import re
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np

from .common import (BadSampleError, ConversionError, ConversionResult,
                     convert_files, list_files, make_pose_pickle,
                     read_splits_file, resolve_splits, to_float_array)
from .kinetics_json import load_json

NUM_JOINTS = 17


class Detection(NamedTuple):
    """One person in one frame."""

    score: float
    track_id: Optional[int]
    keypoint: np.ndarray  # (17, 2)
    keypoint_score: np.ndarray  # (17, )


def _number(value: object) -> Optional[float]:
    """Return ``value`` as a float if it is a JSON number, else None."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) \
            and np.isfinite(value):
        return float(value)
    return None


def _track_id(value: object) -> Optional[int]:
    """Return an integer-valued number as a track ID, else None."""
    number = _number(value)
    if number is None or number != int(number):
        return None
    return int(number)


def frame_number(image_id: object) -> int:
    """Read the frame number of an AlphaPose ``image_id``.

    Args:
        image_id (object): e.g. ``'12.jpg'``, ``'frame_000012.png'`` or 12.

    Returns:
        int: The last integer in the name (without folder and extension).

    Raises:
        ValueError: If there is no integer.

    Examples:
        >>> frame_number('video/frame_0012.jpg')
        12
    """
    if _track_id(image_id) is not None:
        return _track_id(image_id)
    if isinstance(image_id, str):
        stem = osp.splitext(osp.basename(image_id))[0]
        digits = re.findall(r'\d+', stem)
        if digits:
            return int(digits[-1])
    raise ValueError(f'image_id {image_id!r} has no frame number')


def _alphapose_frames(path: str,
                      detections: list) -> Dict[int, List[Detection]]:
    frames: Dict[int, List[Detection]] = {}
    for i, det in enumerate(detections):
        if not isinstance(det, dict):
            raise BadSampleError(path, f'detection {i} is not an object')
        try:
            frame = frame_number(det.get('image_id'))
        except ValueError as err:
            raise BadSampleError(path, f'detection {i}: {err}') from None
        try:
            values = to_float_array(
                det.get('keypoints'), (NUM_JOINTS, 3), '"keypoints"')
        except ValueError as err:
            raise BadSampleError(
                path, f'detection {i}: {err} (COCO-17: {NUM_JOINTS} joints '
                'of x, y, score)',
                frame=frame) from None
        score = _number(det.get('score'))
        if score is None:
            score = float(values[:, 2].mean())
        frames.setdefault(frame, []).append(
            Detection(score, _track_id(det.get('idx')), values[:, :2],
                      values[:, 2]))
    return frames


def _mmpose_frames(path: str, entries: list) -> Dict[int, List[Detection]]:
    frames: Dict[int, List[Detection]] = {}
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(
                entry.get('instances'), list):
            raise BadSampleError(path,
                                 f'frame entry {i} has no "instances" list')
        frame = entry.get('frame_id', i)
        if _track_id(frame) is None:
            raise BadSampleError(
                path, f'frame entry {i}: "frame_id" is {frame!r}, expected '
                'an integer')
        frame = _track_id(frame)
        if frame in frames:
            raise BadSampleError(path, 'frame_id appears twice', frame=frame)
        frames[frame] = []
        for j, inst in enumerate(entry['instances']):
            try:
                if not isinstance(inst, dict):
                    raise ValueError('is not an object')
                keypoint = to_float_array(
                    inst.get('keypoints'), (NUM_JOINTS, 2), '"keypoints"')
                keypoint_score = to_float_array(
                    inst.get('keypoint_scores'), (NUM_JOINTS, ),
                    '"keypoint_scores"')
            except ValueError as err:
                raise BadSampleError(
                    path, f'instance {j}: {err} (COCO-17: {NUM_JOINTS} '
                    'joints)',
                    frame=frame) from None
            score = _number(inst.get('bbox_score'))
            if score is None:
                score = float(keypoint_score.mean())
            frames[frame].append(
                Detection(score, _track_id(inst.get('track_id')), keypoint,
                          keypoint_score))
    return frames


def read_pose_json(path: str) -> Dict[int, List[Detection]]:
    """Read an AlphaPose or MMPose JSON file.

    Args:
        path (str): The file.

    Returns:
        dict[int, list[Detection]]: Detections per frame number (frames
        listed without detection map to an empty list).

    Raises:
        BadSampleError: On invalid JSON, an unknown layout, a missing or
            non-numeric field or a wrong joint count.
    """
    obj = load_json(path)
    if isinstance(obj, dict) and isinstance(obj.get('instance_info'), list):
        return _mmpose_frames(path, obj['instance_info'])
    if isinstance(obj, list):
        if not obj:
            return {}
        if isinstance(obj[0], dict) and 'image_id' in obj[0]:
            return _alphapose_frames(path, obj)
        if isinstance(obj[0], dict) and 'instances' in obj[0]:
            return _mmpose_frames(path, obj)
    raise BadSampleError(
        path, 'unknown layout: expected an AlphaPose list of detections '
        'with "image_id", or MMPose frames with "instances"')


def _tracked(frames: Dict[int, List[Detection]]) -> bool:
    """Whether every detection has a track ID, unique within its frame."""
    for dets in frames.values():
        ids = [d.track_id for d in dets]
        if None in ids or len(set(ids)) != len(ids):
            return False
    return True


def coco_sample(path: str,
                label: int,
                max_person: int = 2,
                img_shape: Optional[Tuple[int, int]] = None) -> dict:
    """Convert one pose JSON file.

    Args:
        path (str): The file.
        label (int): Its label.
        max_person (int): Persons kept. Defaults to 2.
        img_shape (tuple[int, int], optional): ``(h, w)`` of the video,
            stored as ``img_shape`` and ``original_shape`` when given.
            Defaults to None.

    Returns:
        dict: ``frame_dir`` (the file's stem), ``filename``, ``label``,
        ``total_frames``, ``keypoint`` float32 ``(M, T, 17, 2)`` in pixels
        and ``keypoint_score`` float32 ``(M, T, 17)``.

    Raises:
        BadSampleError: See :func:`read_pose_json`; also for a sequence
            without any detection.
    """
    frames = {t: dets for t, dets in read_pose_json(path).items() if dets}
    if not frames:
        raise BadSampleError(path, 'empty sequence: no detection')
    first, last = min(frames), max(frames)
    num_frames = last - first + 1
    slots: Dict[int, List[Optional[Detection]]] = {}
    if _tracked(frames):
        totals: Dict[int, float] = {}
        for dets in frames.values():
            for det in dets:
                totals[det.track_id] = totals.get(det.track_id, 0.) + det.score
        # Equal totals: the smaller track ID comes first.
        kept = sorted(sorted(totals), key=lambda k: -totals[k])[:max_person]
        slot_of = {track: m for m, track in enumerate(kept)}
        for t, dets in frames.items():
            slots[t] = [None] * len(kept)
            for det in dets:
                if det.track_id in slot_of:
                    slots[t][slot_of[det.track_id]] = det
        num_person = len(kept)
    else:
        for t, dets in frames.items():
            slots[t] = sorted(dets, key=lambda d: -d.score)[:max_person]
        num_person = max(len(dets) for dets in slots.values())
    keypoint = np.zeros((num_person, num_frames, NUM_JOINTS, 2),
                        dtype=np.float32)
    keypoint_score = np.zeros(keypoint.shape[:3], dtype=np.float32)
    for t, dets in slots.items():
        for m, det in enumerate(dets):
            if det is not None:
                keypoint[m, t - first] = det.keypoint
                keypoint_score[m, t - first] = det.keypoint_score
    name = osp.basename(path)
    anno = dict(
        frame_dir=osp.splitext(name)[0],
        filename=name,
        label=label,
        total_frames=num_frames,
        keypoint=keypoint,
        keypoint_score=keypoint_score)
    if img_shape is not None:
        anno.update(
            img_shape=tuple(img_shape), original_shape=tuple(img_shape))
    return anno


def load_class_names(path: str) -> List[str]:
    """Read class names, one per line (blank lines ignored).

    Args:
        path (str): The file.

    Returns:
        list[str]: The names; a name's label is its index.

    Raises:
        ConversionError: If the file has no name or a repeated one.
    """
    with open(path, encoding='utf-8') as f:
        names = [line.strip() for line in f if line.strip()]
    if not names:
        raise ConversionError(f'{path}: no class name')
    if len(set(names)) != len(names):
        raise ConversionError(f'{path}: a class name appears twice')
    return names


def load_labels_csv(path: str) -> Dict[str, Tuple[int, str]]:
    """Read a ``filename,label`` CSV (an optional header row is skipped).

    Args:
        path (str): The CSV file.

    Returns:
        dict[str, tuple[int, str]]: File name -> (line number, raw label).

    Raises:
        ConversionError: On a row that is not two fields or a file listed
            twice.
    """
    labels: Dict[str, Tuple[int, str]] = {}
    with open(path, encoding='utf-8', newline='') as f:
        for lineno, row in enumerate(csv.reader(f), 1):
            row = [x.strip() for x in row]
            if not any(row):
                continue
            if lineno == 1 and [x.lower()
                                for x in row] == ['filename', 'label']:
                continue
            if len(row) != 2 or not all(row):
                raise ConversionError(
                    f'{path}, line {lineno}: expected "filename,label", '
                    f'got {",".join(row)!r}')
            if row[0] in labels:
                raise ConversionError(
                    f'{path}, line {lineno}: {row[0]} is listed twice')
            labels[row[0]] = (lineno, row[1])
    if not labels:
        raise ConversionError(f'{path}: no label row')
    return labels


class LabelResolver:
    """Give each pose file its label, from a CSV or a file-name regex.

    Exactly one of ``labels_csv`` and ``label_pattern`` must be given. A
    raw label is an integer or, with ``class_names``, a class name.

    Args:
        labels_csv (str, optional): ``filename,label`` CSV; the file name
            may be given with or without ``.json``. Defaults to None.
        label_pattern (str, optional): Regex searched in the file name with
            a named group ``label``, e.g. ``r'^(?P<label>\\d{3})_'``.
            Defaults to None.
        class_names (str, optional): File of class names, one per line.
            Defaults to None.

    Raises:
        ConversionError: On a bad combination, regex, CSV or class file.
    """

    def __init__(self,
                 labels_csv: Optional[str] = None,
                 label_pattern: Optional[str] = None,
                 class_names: Optional[str] = None) -> None:
        if (labels_csv is None) == (label_pattern is None):
            raise ConversionError(
                'give exactly one of labels_csv and label_pattern')
        self.csv_file = labels_csv
        self.class_file = class_names
        self.names = None
        if class_names is not None:
            self.names = {
                n: i
                for i, n in enumerate(load_class_names(class_names))
            }
        self.table = None
        self.pattern = None
        if labels_csv is not None:
            self.table = load_labels_csv(labels_csv)
        else:
            try:
                self.pattern = re.compile(label_pattern)
            except re.error as err:
                raise ConversionError(
                    f'bad label pattern {label_pattern!r}: {err}') from None
            if 'label' not in self.pattern.groupindex:
                raise ConversionError(
                    f'label pattern {label_pattern!r} has no (?P<label>...) '
                    'group')

    def _parse(self, path: str, raw: str, where: str) -> int:
        if re.fullmatch(r'\d+', raw):
            label = int(raw)
            if self.names is not None and label >= len(self.names):
                raise BadSampleError(
                    path, f'unknown label {label} ({where}): '
                    f'{self.class_file} has {len(self.names)} classes')
            return label
        if self.names is not None and raw in self.names:
            return self.names[raw]
        hint = (f'not a class of {self.class_file}' if self.names is not None
                else 'not an integer (pass class names to map names)')
        raise BadSampleError(path, f'unknown label {raw!r} ({where}): {hint}')

    def __call__(self, path: str) -> int:
        """Return the label of ``path``.

        Raises:
            BadSampleError: If the file has no label or an unknown one.
        """
        name = osp.basename(path)
        if self.table is not None:
            key = name if name in self.table else osp.splitext(name)[0]
            if key not in self.table:
                raise BadSampleError(
                    path, f'unknown label: {name} is not in {self.csv_file}')
            lineno, raw = self.table[key]
            return self._parse(path, raw, f'{self.csv_file}, line {lineno}')
        match = self.pattern.search(name)
        if match is None or match.group('label') is None:
            raise BadSampleError(
                path, f'unknown label: the file name does not match the '
                f'label pattern {self.pattern.pattern!r}')
        return self._parse(path, match.group('label'), 'from the file name')


def convert_coco_json(pose_dir: str,
                      labels_csv: Optional[str] = None,
                      label_pattern: Optional[str] = None,
                      class_names: Optional[str] = None,
                      splits_file: Optional[str] = None,
                      max_person: int = 2,
                      img_shape: Optional[Sequence[int]] = None,
                      skip_bad: bool = False) -> ConversionResult:
    """Convert a folder (searched recursively) of COCO-17 pose JSON files.

    Args:
        pose_dir (str): The input folder.
        labels_csv (str, optional): See :class:`LabelResolver`.
            Defaults to None.
        label_pattern (str, optional): See :class:`LabelResolver`.
            Defaults to None.
        class_names (str, optional): See :class:`LabelResolver`.
            Defaults to None.
        splits_file (str, optional): Lines ``split_name file_name`` (see
            :func:`~.common.read_splits_file`); None gives a single split
            ``'all'`` with every sample. Defaults to None.
        max_person (int): Persons kept. Defaults to 2.
        img_shape (Sequence[int], optional): ``(h, w)`` of the videos.
            Defaults to None (``PreNormalize2D`` then assumes 1080x1920).
        skip_bad (bool): Skip (log, count) bad files instead of raising.
            Defaults to False.

    Returns:
        ConversionResult: The pickle content and the skipped files.

    Raises:
        ConversionError: On bad options, label or split files, an empty
            folder or when no sample is left.
        BadSampleError: On the first bad file, unless ``skip_bad``.
    """
    if max_person < 1:
        raise ConversionError(f'max_person must be >= 1, got {max_person}')
    if img_shape is not None and (len(img_shape) != 2 or min(img_shape) <= 0):
        raise ConversionError(
            f'img_shape must be two positive numbers (h, w), got {img_shape}')
    resolve_label = LabelResolver(labels_csv, label_pattern, class_names)
    splits = read_splits_file(splits_file) if splits_file else None
    paths = list_files(pose_dir, '.json')

    def convert_one(path: str) -> dict:
        return coco_sample(path, resolve_label(path), max_person,
                           None if img_shape is None else tuple(img_shape))

    annotations, skipped = convert_files(paths, convert_one, skip_bad)
    if splits is None:
        split = dict(all=[a['frame_dir'] for a in annotations])
    else:
        split = resolve_splits(splits, annotations, skipped.paths, splits_file)
    return ConversionResult(
        make_pose_pickle(annotations, split), skipped.skipped)
