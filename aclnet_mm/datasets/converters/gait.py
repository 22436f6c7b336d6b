"""Gait pose data (CASIA-B and alike) to a ``PoseDataset`` pickle.

Three inputs are read, each giving one annotation per walking sequence
with the usual ``PoseDataset`` fields (``frame_dir``, ``label``,
``total_frames``, ``keypoint`` float32 ``(1, T, 17, 2)`` in pixels,
``keypoint_score`` float32 ``(1, T, 17)``, ``img_shape``,
``original_shape``) plus the gait metadata ``subject_id`` (``'075'``),
``condition`` (``'nm-05'``) and ``view`` (``'090'``):

- **GaitGraph CSV** (``tteepe/GaitGraph``, ``casia-b_pose_coco.csv`` and
  its split files): a header ``image_name,nose_x,nose_y,nose_conf,...``
  (17 COCO joints x (x, y, conf)) and one row per detected frame, with
  ``image_name`` = ``<dir>/<sid>-<cond>-<seq>-<view>/<frame>.jpg``.
  ``frame_dir`` is ``<sid>-<cond>-<seq>-<view>`` (the CASIA-B video name).
- **OpenGait / FastPoseGait pose tree**: ``<sid>/<cond-seq>/<view>/*.pkl``,
  one pickle per sequence holding an array ``(T, 17, 3)`` of
  (x, y, score); ``frame_dir`` is ``<sid>-<cond-seq>-<view>``. Other files
  (FastPoseGait's ``mapping.txt``) are ignored. Pickles are code: convert
  only trusted trees.
- **A folder of per-sequence AlphaPose/MMPose JSON files** (read by
  :func:`~.coco_json.read_pose_json`), searched recursively; a regex on
  the file name gives the named groups ``subject``, ``view``,
  ``condition`` and, optionally, ``seq`` and ``direction``.
  ``frame_dir`` is the file's stem.

Decisions:

- IDs: an all-digit subject or view is zero-padded to 3 digits (PsyMo's
  ``'90'`` becomes ``'090'``, ``'75'`` becomes ``'075'``), so all three
  inputs name things as CASIA-B does.
- Condition of the folder format: with a ``seq`` group, the condition is
  ``f'{condition}-{run:02d}'`` where ``run = int(seq) - seq_start + 1``;
  ``seq_start`` (default: the smallest ``seq`` found) is the number of the
  first run, so PsyMo's 0-based runs give ``nm-01`` and ``nm-02`` and
  CASIA-B-style 1-based ones keep their number. Without ``seq`` the
  ``condition`` group is used as it is (it may hold ``nm-01`` itself).
- Walking direction (PsyMo's ``direction`` group) is part of the sequence
  identity, not of the condition or the view: it stays in ``frame_dir``
  (the file stem) and is stored as the extra field ``direction``. Both
  directions of a run therefore share ``subject_id``/``condition``/``view``
  and both count as gallery or probe sequences for the metric.
- One person per sequence (``M = 1``). Frames with several detections
  keep the best one: for JSON, the rule of :func:`~.coco_json.coco_sample`
  with ``max_person=1`` (the best track when every detection has a track
  ID, else the best detection score of each frame); for the CSV, the row
  with the highest mean joint confidence. Such frames are counted.
- A sequence runs from its first to its last frame with a detection;
  frames missing in between are zeros (score 0) and are counted. For the
  OpenGait tree (no frame numbers), all-zero frames are counted as
  missing.
- A sequence without any detection is an *empty sequence*: it is left
  out, logged and counted, whatever ``skip_bad`` says. A file that cannot
  be read (broken JSON or pickle, wrong shape, non-numeric value, a name
  that does not parse) is a *bad sample*: it raises
  :class:`~.common.BadSampleError` naming the file (and the line for the
  CSV) unless ``skip_bad``, which logs, counts and skips it.
- Labels: training subjects get contiguous labels ``0..K-1`` in subject
  order; test subjects get ``-1`` (they are not classes; the gait metric
  matches on ``subject_id``). Subjects in neither range are dropped and
  counted.
"""
import csv
import logging
import os
import os.path as osp
import pickle
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.logging import print_log

from .coco_json import coco_sample, read_pose_json
from .common import (BadSampleError, ConversionError, ConversionResult,
                     SkipCounter, convert_files, list_files, make_pose_pickle)

NUM_JOINTS = 17

#: ``(h, w)`` of a video.
ImgShape = Tuple[int, int]

#: COCO-17 joint names, as in the GaitGraph CSV header.
COCO_KEYPOINTS = ('nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear',
                  'left_shoulder', 'right_shoulder', 'left_elbow',
                  'right_elbow', 'left_wrist', 'right_wrist', 'left_hip',
                  'right_hip', 'left_knee', 'right_knee', 'left_ankle',
                  'right_ankle')

#: Header of a GaitGraph CSV.
GAITGRAPH_CSV_HEADER = ('image_name', ) + tuple(f'{name}_{c}'
                                                for name in COCO_KEYPOINTS
                                                for c in ('x', 'y', 'conf'))

#: ``(h, w)`` of the CASIA-B videos (320x240).
CASIA_B_IMG_SHAPE = (240, 320)

#: ``(h, w)`` of the PsyMo videos (1920x1080).
PSYMO_IMG_SHAPE = (1080, 1920)

#: The CASIA-B split (OpenGait's ``CASIA-B.json``): train 001-074.
CASIA_B_TRAIN_SUBJECTS = '1-74'

#: The CASIA-B split: test 075-124.
CASIA_B_TEST_SUBJECTS = '75-124'

#: File-name regexes of the folder format, by preset name.
PATTERN_PRESETS = {
    # PsyMo: <ID>_<view>_<direction>_<run>_<condition>.json
    'psymo': (r'^(?P<subject>\d{3})_(?P<view>\d{2})_(?P<direction>\d)_'
              r'(?P<seq>\d)_(?P<condition>[a-z]+)\.json$'),
    # CASIA-B video names: <sid>-<cond>-<seq>-<view>.json
    'casia-b': (r'^(?P<subject>\d{3})-(?P<condition>[a-z]{2})-'
                r'(?P<seq>\d{2})-(?P<view>\d{3})\.json$'),
}

#: Input formats of :func:`convert_gait`.
GAIT_FORMATS = ('gaitgraph-csv', 'opengait-pkl', 'folder')

_GAITGRAPH_NAME = re.compile(r'(?:^|/)(?P<subject>\d+)-(?P<condition>[a-z]+)-'
                             r'(?P<seq>\d+)-(?P<view>\d+)/(?P<frame>\d+)\.'
                             r'[A-Za-z]+$')
_OPENGAIT_TYPE = re.compile(r'^[A-Za-z]+-\d+$')


def normalize_id(value: str) -> str:
    """Zero-pad an all-digit ID to 3 digits; keep any other ID as is.

    Args:
        value (str): A subject or view ID.

    Returns:
        str: e.g. ``'075'`` for ``'75'``, ``'090'`` for ``'90'``.

    Examples:
        >>> normalize_id('90'), normalize_id('1234'), normalize_id('nm')
        ('090', '1234', 'nm')
    """
    return f'{int(value):03d}' if value.isdigit() else value


class IdRanges:
    """A set of integer subject IDs written as ranges, e.g. ``'1-59,60-74'``.

    Args:
        text (str): Comma-separated items, each ``'a-b'`` (both ends
            included) or a single integer.

    Raises:
        ConversionError: On an item that is not a range of non-negative
            integers or a range whose end is below its start.

    Examples:
        >>> ranges = IdRanges('1-74')
        >>> 74 in ranges, 75 in ranges
        (True, False)
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.ranges: List[Tuple[int, int]] = []
        for item in str(text).split(','):
            match = re.fullmatch(r'\s*(\d+)\s*(?:-\s*(\d+)\s*)?', item)
            if match is None:
                raise ConversionError(
                    f'bad subject range {item!r} in {text!r}: expected '
                    '"a-b" or "a", comma-separated')
            low = int(match.group(1))
            high = int(match.group(2) or low)
            if high < low:
                raise ConversionError(
                    f'bad subject range {item!r} in {text!r}: end < start')
            self.ranges.append((low, high))

    def __contains__(self, subject: int) -> bool:
        return any(low <= subject <= high for low, high in self.ranges)

    def overlaps(self, other: 'IdRanges') -> bool:
        """Whether some ID is in both ``self`` and ``other``."""
        return any(a <= d and c <= b for a, b in self.ranges
                   for c, d in other.ranges)

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}({self.text!r})'


@dataclass
class GaitStats:
    """What the readers decided along the way.

    Args:
        missing_frames (int): Zero-filled frames inside sequences.
        multi_person_frames (int): Frames with several detections, of
            which the best was kept.
        multi_person_sequences (int): Sequences with such a frame.
        empty (list[BadSampleError]): Sequences without any detection,
            left out.
        unmatched (list[str]): Files of the folder format whose name does
            not match the pattern, ignored.
        outside_split (list[str]): ``frame_dir`` of sequences whose subject
            is in neither split, dropped.
    """

    missing_frames: int = 0
    multi_person_frames: int = 0
    multi_person_sequences: int = 0
    empty: List[BadSampleError] = field(default_factory=list)
    unmatched: List[str] = field(default_factory=list)
    outside_split: List[str] = field(default_factory=list)

    def add_empty(self, err: BadSampleError) -> None:
        """Count and log one empty sequence."""
        self.empty.append(err)
        print_log(
            f'left out empty sequence {err}',
            logger='current',
            level=logging.WARNING)

    def count_frames(self, num_missing: int, num_multi: int) -> None:
        """Add the missing and multi-detection frames of one sequence."""
        self.missing_frames += num_missing
        self.multi_person_frames += num_multi
        self.multi_person_sequences += int(num_multi > 0)


@dataclass
class GaitConversionResult(ConversionResult):
    """:class:`~.common.ConversionResult` plus the gait decisions.

    Args:
        data (dict): The ``PoseDataset`` pickle content.
        skipped (list[BadSampleError]): Bad samples left out by
            ``skip_bad``.
        stats (GaitStats): Missing, multi-detection, empty, unmatched and
            out-of-split counts.
    """

    stats: GaitStats = field(default_factory=GaitStats)

    def summary(self) -> Dict[str, object]:
        """The base summary plus the gait counts.

        Returns:
            dict: :meth:`ConversionResult.summary` plus ``subjects``
            (``{split: number of subjects}``), ``conditions`` and ``views``
            (``{name: sequences}``), ``missing_frames``,
            ``multi_person_frames``, ``multi_person_sequences``,
            ``empty_sequences``, ``unmatched_files`` and ``outside_split``.
        """
        summary = super().summary()
        annos = self.data['annotations']
        by_name = {a['frame_dir']: a for a in annos}
        summary['subjects'] = {
            split: len({by_name[n]['subject_id']
                        for n in names})
            for split, names in self.data['split'].items()
        }
        summary['conditions'] = dict(
            sorted(Counter(a['condition'] for a in annos).items()))
        summary['views'] = dict(
            sorted(Counter(a['view'] for a in annos).items()))
        s = self.stats
        summary.update(
            missing_frames=s.missing_frames,
            multi_person_frames=s.multi_person_frames,
            multi_person_sequences=s.multi_person_sequences,
            empty_sequences=len(s.empty),
            unmatched_files=len(s.unmatched),
            outside_split=len(s.outside_split))
        return summary


def format_gait_summary(summary: Dict[str, object]) -> str:
    """Render :meth:`GaitConversionResult.summary` as text lines.

    Args:
        summary (dict): The summary.

    Returns:
        str: Several lines: samples and splits, subjects, conditions,
        views and the decision counts.
    """
    s = summary
    return '\n'.join([
        f'{s["samples"]} sequences, {s["frames"]} frames '
        f'({s["min_frames"]}-{s["max_frames"]} per sequence), splits '
        f'{s["splits"]}, subjects {s["subjects"]}',
        f'conditions {s["conditions"]}',
        f'views {s["views"]}',
        f'{s["missing_frames"]} missing frames (zero-filled), '
        f'{s["multi_person_frames"]} frames with several detections (in '
        f'{s["multi_person_sequences"]} sequences, best kept), '
        f'{s["empty_sequences"]} empty sequences left out, '
        f'{s["skipped"]} skipped, {s["unmatched_files"]} files not '
        f'matching the pattern, {s["outside_split"]} sequences outside '
        'the splits',
    ])


def gait_annotation(frame_dir: str, subject_id: str, condition: str, view: str,
                    keypoint: np.ndarray, keypoint_score: np.ndarray,
                    img_shape: ImgShape) -> dict:
    """Assemble one sequence's annotation (label ``-1`` until the split).

    Args:
        frame_dir (str): The sample name.
        subject_id (str): e.g. ``'075'``.
        condition (str): e.g. ``'nm-05'``.
        view (str): e.g. ``'090'``.
        keypoint (np.ndarray): ``(1, T, 17, 2)``.
        keypoint_score (np.ndarray): ``(1, T, 17)``.
        img_shape (tuple[int, int]): ``(h, w)`` of the video.

    Returns:
        dict: The annotation.
    """
    return dict(
        frame_dir=frame_dir,
        label=-1,
        total_frames=int(keypoint.shape[1]),
        keypoint=keypoint.astype(np.float32),
        keypoint_score=keypoint_score.astype(np.float32),
        img_shape=tuple(img_shape),
        original_shape=tuple(img_shape),
        subject_id=subject_id,
        condition=condition,
        view=view)


def _stack_best(
    frames: Dict[int, List[Tuple[float, np.ndarray]]]
) -> Tuple[np.ndarray, np.ndarray, int, int]:
    """Keep the best detection of each frame and zero-fill the gaps.

    Args:
        frames (dict[int, list[tuple[float, np.ndarray]]]): ``(score,
            values)`` of the detections of each frame, ``values`` being
            ``(17 * 3, )`` (x, y, conf); at least one frame.

    Returns:
        tuple: ``keypoint`` ``(1, T, 17, 2)``, ``keypoint_score``
        ``(1, T, 17)``, the number of missing frames and the number of
        frames with several detections.
    """
    first, last = min(frames), max(frames)
    values = np.zeros((1, last - first + 1, NUM_JOINTS, 3), np.float32)
    for t, dets in frames.items():
        # max keeps the first of equal scores
        values[0, t - first] = max(dets, key=lambda d: d[0])[1].reshape(-1, 3)
    num_multi = sum(len(dets) > 1 for dets in frames.values())
    return (values[..., :2], values[..., 2], values.shape[1] - len(frames),
            num_multi)


def _check_header(path: str, header: Optional[List[str]]) -> None:
    if header is None:
        raise ConversionError(f'{path} is empty')
    header = [h.strip() for h in header]
    if len(header) != len(GAITGRAPH_CSV_HEADER) or header[0] != 'image_name':
        raise ConversionError(
            f'{path}, line 1: not a GaitGraph CSV header (expected '
            f'"image_name" and {3 * NUM_JOINTS} columns '
            f'{GAITGRAPH_CSV_HEADER[1]},...,{GAITGRAPH_CSV_HEADER[-1]}; got '
            f'{len(header)} columns starting {header[0]!r})')


def read_gaitgraph_csv(path: str,
                       img_shape: ImgShape = CASIA_B_IMG_SHAPE,
                       skip_bad: bool = False
                       ) -> Tuple[List[dict], SkipCounter, GaitStats]:
    """Read a GaitGraph pose CSV.

    Rows may come in any order; rows repeating an ``image_name`` are
    several detections of that frame (the one with the highest mean
    confidence is kept).

    Args:
        path (str): The CSV file.
        img_shape (tuple[int, int]): ``(h, w)`` of the videos.
            Defaults to ``CASIA_B_IMG_SHAPE`` (240, 320).
        skip_bad (bool): Skip (log, count) bad rows and the sequences they
            belong to instead of raising. Defaults to False.

    Returns:
        tuple[list[dict], SkipCounter, GaitStats]: The annotations (label
        ``-1``), the bad samples and the decisions.

    Raises:
        ConversionError: If the file is missing, empty or has no
            GaitGraph header.
        BadSampleError: On a bad row (naming the file and line), unless
            ``skip_bad``.
    """
    if not osp.isfile(path):
        raise ConversionError(f'{path} is not a file')
    counter, stats = SkipCounter(skip_bad), GaitStats()
    sequences: Dict[Tuple[str, str, str, str], Dict[int, list]] = {}
    bad_sequences: set = set()
    with open(path, encoding='utf-8', newline='') as f:
        reader = csv.reader(f)
        try:
            _check_header(path, next(reader, None))
            for row in reader:
                if any(cell.strip() for cell in row):
                    _read_csv_row(path, reader.line_num, row, sequences,
                                  bad_sequences, counter)
        except (csv.Error, UnicodeDecodeError) as err:
            raise BadSampleError(
                path, f'unreadable CSV: {err}', line=reader.line_num) from None
    annotations = []
    for key in sorted(sequences):
        if key in bad_sequences:
            continue
        subject, condition, view, name = key
        keypoint, score, num_missing, num_multi = _stack_best(sequences[key])
        stats.count_frames(num_missing, num_multi)
        annotations.append(
            gait_annotation(name, subject, condition, view, keypoint, score,
                            img_shape))
    if not annotations:
        raise ConversionError(
            f'{path}: no sequence could be read ({len(counter)} skipped)')
    return annotations, counter, stats


def _sequence_key(match: re.Match) -> Tuple[str, str, str, str]:
    """``(subject_id, condition, view, frame_dir)`` of a CSV image name."""
    subject = normalize_id(match.group('subject'))
    condition = f'{match.group("condition")}-{int(match.group("seq")):02d}'
    view = normalize_id(match.group('view'))
    return subject, condition, view, f'{subject}-{condition}-{view}'


def _read_csv_row(path: str, lineno: int, row: List[str],
                  sequences: Dict[tuple, Dict[int, list]], bad_sequences: set,
                  counter: SkipCounter) -> None:
    """Add one CSV row to ``sequences``.

    A bad row is handed to ``counter`` (which raises unless skipping); its
    sequence then goes to ``bad_sequences`` and is left out as a whole.
    """
    name = row[0].strip().replace('\\', '/')
    match = _GAITGRAPH_NAME.search(name)
    if match is None:
        counter.add(
            BadSampleError(
                path, f'image_name {name!r} is not '
                '"<dir>/<sid>-<cond>-<seq>-<view>/<frame>.jpg"',
                line=lineno))
        return
    key = _sequence_key(match)
    if key in bad_sequences:
        return
    try:
        if len(row) != len(GAITGRAPH_CSV_HEADER):
            raise ValueError(f'{len(row) - 1} values, expected '
                             f'{3 * NUM_JOINTS} (17 x (x, y, conf))')
        values = np.array([float(v) for v in row[1:]], dtype=np.float32)
        if not np.isfinite(values).all():
            raise ValueError('a non-finite value')
    except ValueError as err:
        counter.add(
            BadSampleError(path, f'sequence {key[3]}: {err}', line=lineno))
        bad_sequences.add(key)
        return
    score = float(values[2::3].sum()) / NUM_JOINTS  # mean confidence
    frames = sequences.setdefault(key, {})
    frames.setdefault(int(match.group('frame')), []).append((score, values))


def _opengait_files(root: str) -> Iterator[Tuple[str, Tuple[str, ...]]]:
    """Yield ``(path, (sid, type, view))`` of every ``.pkl`` under root."""
    seen: Dict[str, str] = {}
    for path in list_files(root, '.pkl'):
        parts = osp.relpath(path, root).split(os.sep)
        if len(parts) != 4:
            raise ConversionError(
                f'{path}: expected <sid>/<cond-seq>/<view>/<view>.pkl under '
                f'{root} (is SRC the folder holding the subject folders?)')
        folder = osp.dirname(path)
        if folder in seen:
            raise ConversionError(
                f'{folder} holds several pickles ({osp.basename(seen[folder])}'
                f', {parts[3]}); expected one sequence per view folder')
        seen[folder] = path
        yield path, tuple(parts[:3])


def _load_pickle(path: str) -> object:
    try:
        with open(path, 'rb') as f:
            return pickle.load(f)
    except Exception as err:  # any unpickling failure is a bad file
        raise BadSampleError(path, f'cannot be unpickled: {err!r}') from None


def opengait_sample(path: str, ids: Tuple[str, ...], img_shape: ImgShape,
                    stats: GaitStats) -> Optional[dict]:
    """Convert one OpenGait/FastPoseGait sequence pickle.

    Args:
        path (str): ``.../<sid>/<cond-seq>/<view>/<view>.pkl``.
        ids (tuple[str, ...]): The folder names
            ``(sid, cond-seq, view)``.
        img_shape (tuple[int, int]): ``(h, w)`` of the video.
        stats (GaitStats): Where empty sequences and missing frames are
            counted.

    Returns:
        dict | None: The annotation, or None for an empty sequence.

    Raises:
        BadSampleError: On an unreadable pickle, a badly named folder or
            an array that is not ``(T, 17, 3)`` finite numbers.
    """
    sid, cond, view = ids
    if not _OPENGAIT_TYPE.match(cond):
        raise BadSampleError(
            path, f'sequence folder {cond!r} is not "<condition>-<seq>" '
            '(e.g. nm-01)')
    subject, view = normalize_id(sid), normalize_id(view)
    name = f'{subject}-{cond}-{view}'
    content = _load_pickle(path)
    try:
        array = np.asarray(content, dtype=np.float64)
    except (TypeError, ValueError):
        raise BadSampleError(
            path, f'holds a {type(content).__name__}, not an array of '
            'numbers (T, 17, 3)') from None
    if array.ndim != 3 or array.shape[1:] != (NUM_JOINTS, 3):
        if array.size == 0:
            array = array.reshape(0, NUM_JOINTS, 3)
        else:
            raise BadSampleError(
                path, f'array of shape {array.shape}, expected (T, '
                f'{NUM_JOINTS}, 3) of (x, y, score)')
    if not np.isfinite(array).all():
        raise BadSampleError(path, 'array has a non-finite value')
    present = array.any(axis=(1, 2))
    if not present.any():
        stats.add_empty(
            BadSampleError(path, f'sequence {name} has no detection'))
        return None
    stats.count_frames(int((~present).sum()), 0)
    return gait_annotation(name, subject, cond, view, array[None, ..., :2],
                           array[None, ..., 2], img_shape)


def read_opengait_pkl(root: str,
                      img_shape: ImgShape = CASIA_B_IMG_SHAPE,
                      skip_bad: bool = False
                      ) -> Tuple[List[dict], SkipCounter, GaitStats]:
    """Read an OpenGait/FastPoseGait pose tree.

    Args:
        root (str): The folder holding the subject folders.
        img_shape (tuple[int, int]): ``(h, w)`` of the videos.
            Defaults to ``CASIA_B_IMG_SHAPE`` (240, 320).
        skip_bad (bool): Skip (log, count) bad files instead of raising.
            Defaults to False.

    Returns:
        tuple[list[dict], SkipCounter, GaitStats]: The annotations (label
        ``-1``), the bad samples and the decisions.

    Raises:
        ConversionError: On a tree that is not ``sid/type/view/*.pkl`` or
            when no sequence is left.
        BadSampleError: On the first bad file, unless ``skip_bad``.
    """
    stats = GaitStats()
    files = dict(_opengait_files(root))
    annotations, counter = convert_files(
        files,
        lambda path: opengait_sample(path, files[path], img_shape, stats),
        skip_bad)
    return annotations, counter, stats


class FolderNameParser:
    """Read subject, condition and view from a pose file's name.

    Args:
        pattern (str): A regex (or a key of :data:`PATTERN_PRESETS`)
            matched with ``re.search`` on the file name (no folder), with
            the named groups ``subject``, ``view`` and ``condition``, and
            optionally ``seq`` and ``direction``.
        seq_start (int, optional): The ``seq`` number of a condition's
            first run; see the module notes. None means the smallest
            ``seq`` of the matched files. Defaults to None.

    Raises:
        ConversionError: On a bad regex or a missing group.
    """

    REQUIRED = ('subject', 'view', 'condition')

    def __init__(self, pattern: str, seq_start: Optional[int] = None) -> None:
        self.pattern_text = PATTERN_PRESETS.get(pattern, pattern)
        try:
            self.pattern = re.compile(self.pattern_text)
        except re.error as err:
            raise ConversionError(f'bad pattern {pattern!r}: {err}') from None
        missing = [
            g for g in self.REQUIRED if g not in self.pattern.groupindex
        ]
        if missing:
            raise ConversionError(
                f'pattern {self.pattern_text!r} lacks the named groups '
                f'{missing} (needs (?P<subject>...), (?P<view>...), '
                '(?P<condition>...); (?P<seq>...) and (?P<direction>...) '
                'are optional)')
        self.seq_start = seq_start

    def match(self, path: str) -> Optional[Dict[str, str]]:
        """The groups of ``path``'s name, or None if it does not match."""
        match = self.pattern.search(osp.basename(path))
        if match is None:
            return None
        return {k: v for k, v in match.groupdict().items() if v is not None}

    def infer_seq_start(self, groups: Sequence[Dict[str, str]]) -> None:
        """Set ``seq_start`` to the smallest ``seq`` if it is None."""
        if self.seq_start is None:
            numbers = [
                int(g['seq']) for g in groups if g.get('seq', '').isdigit()
            ]
            self.seq_start = min(numbers, default=1)

    def ids(self, path: str, groups: Dict[str, str]) -> Dict[str, str]:
        """``subject_id``, ``condition``, ``view`` (and ``direction``).

        Raises:
            BadSampleError: If a group is empty or ``seq`` is not a
                number >= ``seq_start``.
        """
        for key in self.REQUIRED:
            if not groups.get(key):
                raise BadSampleError(
                    path, f'the file name gives no {key!r} (pattern '
                    f'{self.pattern_text!r})')
        condition = groups['condition']
        if 'seq' in groups:
            seq = groups['seq']
            start = 1 if self.seq_start is None else self.seq_start
            if not seq.isdigit() or int(seq) < start:
                raise BadSampleError(
                    path, f'seq {seq!r} is not an integer >= seq_start '
                    f'{start}')
            condition = f'{condition}-{int(seq) - start + 1:02d}'
        ids = dict(
            subject_id=normalize_id(groups['subject']),
            condition=condition,
            view=normalize_id(groups['view']))
        if groups.get('direction'):
            ids['direction'] = groups['direction']
        return ids


def folder_sample(path: str, ids: Dict[str, str], img_shape: ImgShape,
                  stats: GaitStats) -> Optional[dict]:
    """Convert one per-sequence AlphaPose/MMPose JSON file.

    Args:
        path (str): The file.
        ids (dict[str, str]): ``subject_id``, ``condition``, ``view`` (and
            ``direction``), see :meth:`FolderNameParser.ids`.
        img_shape (tuple[int, int]): ``(h, w)`` of the video.
        stats (GaitStats): Where empty sequences, missing and
            multi-detection frames are counted.

    Returns:
        dict | None: The annotation (``frame_dir`` is the file stem), or
        None for an empty sequence.

    Raises:
        BadSampleError: See :func:`~.coco_json.read_pose_json`.
    """
    frames = {t: d for t, d in read_pose_json(path).items() if d}
    if not frames:
        stats.add_empty(BadSampleError(path, 'no detection'))
        return None
    anno = coco_sample(path, -1, max_person=1, img_shape=tuple(img_shape))
    num_multi = sum(len(dets) > 1 for dets in frames.values())
    stats.count_frames(anno['total_frames'] - len(frames), num_multi)
    anno.update(ids)
    return anno


def read_pose_folder(root: str,
                     pattern: str,
                     seq_start: Optional[int] = None,
                     img_shape: ImgShape = PSYMO_IMG_SHAPE,
                     skip_bad: bool = False
                     ) -> Tuple[List[dict], SkipCounter, GaitStats]:
    """Read a folder (searched recursively) of per-sequence pose JSON.

    Args:
        root (str): The folder.
        pattern (str): File-name regex or preset, see
            :class:`FolderNameParser`; ``.json`` files that do not match
            are ignored and counted.
        seq_start (int, optional): See :class:`FolderNameParser`.
            Defaults to None.
        img_shape (tuple[int, int]): ``(h, w)`` of the videos.
            Defaults to ``PSYMO_IMG_SHAPE`` (1080, 1920).
        skip_bad (bool): Skip (log, count) bad files instead of raising.
            Defaults to False.

    Returns:
        tuple[list[dict], SkipCounter, GaitStats]: The annotations (label
        ``-1``), the bad samples and the decisions.

    Raises:
        ConversionError: On a bad pattern, an empty folder, no matching
            file or when no sequence is left.
        BadSampleError: On the first bad file, unless ``skip_bad``.
    """
    parser = FolderNameParser(pattern, seq_start)
    stats = GaitStats()
    groups = {}
    for path in list_files(root, '.json'):
        match = parser.match(path)
        if match is None:
            stats.unmatched.append(path)
        else:
            groups[path] = match
    if stats.unmatched:
        print_log(
            f'{len(stats.unmatched)} .json files do not match the pattern '
            f'{parser.pattern_text!r} and are ignored, e.g. '
            f'{stats.unmatched[0]}',
            logger='current',
            level=logging.WARNING)
    if not groups:
        raise ConversionError(f'no .json file in {root} matches the pattern '
                              f'{parser.pattern_text!r}')
    parser.infer_seq_start(list(groups.values()))
    annotations, counter = convert_files(
        list(groups), lambda path: folder_sample(
            path, parser.ids(path, groups[path]), img_shape, stats), skip_bad)
    return annotations, counter, stats


def make_gait_pickle(annotations: List[dict], train_subjects: IdRanges,
                     test_subjects: IdRanges, stats: GaitStats) -> dict:
    """Label the sequences and split them by subject.

    Args:
        annotations (list[dict]): The sequences, with ``subject_id``.
        train_subjects (IdRanges): Training subjects (integer IDs).
        test_subjects (IdRanges): Test subjects.
        stats (GaitStats): Where dropped sequences are recorded.

    Returns:
        dict: The ``PoseDataset`` pickle with splits ``train`` and
        ``test``; annotations sorted by subject, condition, view and
        ``frame_dir``.

    Raises:
        ConversionError: On overlapping ranges, a subject ID that is not
            an integer, or no sequence in either split.
    """
    if train_subjects.overlaps(test_subjects):
        raise ConversionError(
            f'train subjects {train_subjects.text!r} and test subjects '
            f'{test_subjects.text!r} overlap')
    kept = []
    for anno in annotations:
        sid = anno['subject_id']
        if not sid.isdigit():
            raise ConversionError(
                f'sample {anno["frame_dir"]}: subject {sid!r} is not an '
                'integer, so it cannot be split by subject ranges')
        if int(sid) in train_subjects or int(sid) in test_subjects:
            kept.append(anno)
        else:
            stats.outside_split.append(anno['frame_dir'])
    if stats.outside_split:
        print_log(
            f'dropped {len(stats.outside_split)} sequences whose subject is '
            f'in neither train ({train_subjects.text}) nor test '
            f'({test_subjects.text}), e.g. {stats.outside_split[0]}',
            logger='current',
            level=logging.WARNING)
    if not kept:
        raise ConversionError(
            f'no sequence has a subject in train ({train_subjects.text}) or '
            f'test ({test_subjects.text})')
    kept.sort(key=lambda a: (int(a['subject_id']), a['condition'], a['view'],
                             a['frame_dir']))
    train_ids = sorted({
        int(a['subject_id'])
        for a in kept if int(a['subject_id']) in train_subjects
    })
    label_of = {sid: label for label, sid in enumerate(train_ids)}
    split: Dict[str, List[str]] = dict(train=[], test=[])
    for anno in kept:
        sid = int(anno['subject_id'])
        anno['label'] = label_of.get(sid, -1)
        split['train' if sid in label_of else 'test'].append(anno['frame_dir'])
    for name, names in split.items():
        if not names:
            print_log(
                f'split {name!r} is empty',
                logger='current',
                level=logging.WARNING)
    return make_pose_pickle(kept, split)


def convert_gait(src: str,
                 fmt: str,
                 pattern: Optional[str] = None,
                 train_subjects: str = CASIA_B_TRAIN_SUBJECTS,
                 test_subjects: str = CASIA_B_TEST_SUBJECTS,
                 img_shape: Optional[Sequence[int]] = None,
                 seq_start: Optional[int] = None,
                 skip_bad: bool = False) -> GaitConversionResult:
    """Convert gait pose data to a pickle with splits ``train``/``test``.

    Args:
        src (str): The GaitGraph CSV file, or the root folder of the
            other formats.
        fmt (str): One of :data:`GAIT_FORMATS`.
        pattern (str, optional): File-name regex or preset of the
            ``'folder'`` format (required there, unused otherwise).
            Defaults to None.
        train_subjects (str): Training subject ranges, e.g. ``'1-74'``.
            Defaults to ``CASIA_B_TRAIN_SUBJECTS``.
        test_subjects (str): Test subject ranges, e.g. ``'75-124'``.
            Defaults to ``CASIA_B_TEST_SUBJECTS``.
        img_shape (Sequence[int], optional): ``(h, w)`` of the videos.
            None means (240, 320) (CASIA-B) for the CSV and OpenGait
            formats and (1080, 1920) (PsyMo) for the folder format.
            Defaults to None.
        seq_start (int, optional): See :class:`FolderNameParser`.
            Defaults to None.
        skip_bad (bool): Skip (log, count) bad samples instead of raising.
            Defaults to False.

    Returns:
        GaitConversionResult: The pickle content, skipped samples and
        decision counts.

    Raises:
        ConversionError: On bad options, an unreadable input or when no
            sequence is left.
        BadSampleError: On the first bad sample, unless ``skip_bad``.
    """
    if fmt not in GAIT_FORMATS:
        raise ConversionError(
            f'unknown format {fmt!r}; choose from {GAIT_FORMATS}')
    if (pattern is None) == (fmt == 'folder'):
        raise ConversionError(
            'the folder format needs a pattern; the others take none')
    if img_shape is None:
        img_shape = PSYMO_IMG_SHAPE if fmt == 'folder' else CASIA_B_IMG_SHAPE
    if len(img_shape) != 2 or min(img_shape) <= 0:
        raise ConversionError(
            f'img_shape must be two positive numbers (h, w), got {img_shape}')
    img_shape = tuple(int(x) for x in img_shape)
    train, test = IdRanges(train_subjects), IdRanges(test_subjects)
    if fmt == 'gaitgraph-csv':
        annotations, counter, stats = read_gaitgraph_csv(
            src, img_shape, skip_bad)
    elif fmt == 'opengait-pkl':
        annotations, counter, stats = read_opengait_pkl(
            src, img_shape, skip_bad)
    else:
        annotations, counter, stats = read_pose_folder(src, pattern, seq_start,
                                                       img_shape, skip_bad)
    data = make_gait_pickle(annotations, train, test, stats)
    print_log(
        f'{stats.missing_frames} missing frames zero-filled; '
        f'{stats.multi_person_frames} frames with several detections (in '
        f'{stats.multi_person_sequences} sequences): best kept',
        logger='current')
    return GaitConversionResult(data, counter.skipped, stats)
