"""NTU RGB+D raw ``.skeleton`` files to a ``PoseDataset`` pickle.

A ``.skeleton`` file is text (LF or CRLF; numbers split on whitespace)::

    <frame count>
    per frame:  <body count>
    per body:   <10 body fields: bodyID clippedEdges handLeftConfidence
                 handLeftState handRightConfidence handRightState
                 isRestricted leanX leanY trackingState>
                <joint count = 25>
                25 x <x y z depthX depthY colorX colorY
                      orientW orientX orientY orientZ trackingState>

The file name ``SsssCcccPpppRrrrAaaa`` gives setup, camera, performer,
replication and action; the label is ``A - 1``.

Multi-person decisions (documented here, tested in
``tests/datasets/converters/test_ntu_skeleton.py``):

- Bodies are tracked by their body ID. At most ``max_person`` bodies are
  kept, ranked by motion energy: the sum over joints and coordinates of the
  variance over time of the 3D position (metres, also in 2D mode, so both
  modes keep the same bodies). Slot 0 holds the most energetic body; a tie
  keeps the body seen first. ``M`` is the number of bodies kept (1 for a
  single-person file), as in PYSKL's NTU pickles.
- A frame where a kept body is absent is zero for that body.
- A frame with no body at all is kept, all zeros, so ``total_frames`` is
  the file's frame count; these frames are counted in the summary.
  ``PreNormalize3D`` drops all-zero frames before training.
- A file with 0 frames or with no body in any frame is a bad sample.
"""
import os.path as osp
import re
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from .common import (BadSampleError, ConversionError, ConversionResult,
                     convert_files, list_files, make_pose_pickle)

NUM_JOINTS = 25
NUM_BODY_FIELDS = 10
NUM_JOINT_FIELDS = 12
IMG_SHAPE = (1080, 1920)
"""(h, w) of the Kinect v2 colour camera, the frame of the 2D keypoints."""

TRACKING_SCORE = {0: 0., 1: .5, 2: 1.}
"""2D ``keypoint_score`` per joint tracking state (0 not tracked,
1 inferred, 2 tracked)."""

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

NUM_CLASSES = {'ntu60': 60, 'ntu120': 120}

_NAME_RE = re.compile(r'S(\d{3})C(\d{3})P(\d{3})R(\d{3})A(\d{3})')
_NAME_KEYS = ('setup', 'camera', 'performer', 'replication', 'action')


def parse_ntu_name(name: str) -> Dict[str, int]:
    """Read setup, camera, performer, replication and action from a name.

    Args:
        name (str): ``SsssCcccPpppRrrrAaaa`` with an optional folder and
            extension.

    Returns:
        dict[str, int]: The five numbers (1-based, as in the name).

    Raises:
        ValueError: If the name does not follow the pattern.

    Examples:
        >>> parse_ntu_name('S001C002P003R002A013.skeleton')['action']
        13
    """
    stem = osp.splitext(osp.basename(name))[0]
    match = _NAME_RE.fullmatch(stem)
    if match is None:
        raise ValueError(f'file name {stem!r} is not SsssCcccPpppRrrrAaaa')
    return dict(zip(_NAME_KEYS, map(int, match.groups())))


class _LineReader:
    """Hand out the non-blank lines of a text file as number lists."""

    def __init__(self, path: str) -> None:
        self.path = path
        try:
            with open(path, encoding='ascii') as f:
                self.lines = f.read().splitlines()
        except UnicodeDecodeError as err:
            raise BadSampleError(path, f'not a text file ({err.reason})')
        self.pos = 0

    def _next(self, what: str) -> Tuple[int, List[str]]:
        while self.pos < len(self.lines):
            self.pos += 1
            fields = self.lines[self.pos - 1].split()
            if fields:
                return self.pos, fields
        raise BadSampleError(
            self.path,
            f'file ends early (truncated?): expected {what}',
            line=len(self.lines) + 1)

    def ints(self, what: str, count: int = 1) -> Tuple[int, List[int]]:
        lineno, fields = self._next(what)
        if len(fields) != count:
            raise BadSampleError(
                self.path,
                f'expected {what} ({count} integer(s)), got {len(fields)} '
                'field(s)',
                line=lineno)
        try:
            return lineno, [int(x) for x in fields]
        except ValueError:
            raise BadSampleError(
                self.path,
                f'expected {what}, got non-integer {" ".join(fields)!r}',
                line=lineno) from None

    def floats(self, what: str,
               count: int) -> Tuple[int, List[str], List[float]]:
        lineno, fields = self._next(what)
        if len(fields) != count:
            raise BadSampleError(
                self.path,
                f'expected {what} ({count} numbers), got {len(fields)}',
                line=lineno)
        try:
            values = [float(x) for x in fields]
        except ValueError:
            raise BadSampleError(
                self.path,
                f'non-numeric field in {what}: {" ".join(fields)!r}',
                line=lineno) from None
        return lineno, fields, values

    def check_end(self, num_frames: int, count_line: int) -> None:
        while self.pos < len(self.lines):
            self.pos += 1
            if self.lines[self.pos - 1].strip():
                raise BadSampleError(
                    self.path,
                    f'unexpected data after the last of the {num_frames} '
                    f'frames announced on line {count_line}',
                    line=self.pos)


def read_ntu_skeleton(path: str) -> List[List[Tuple[str, np.ndarray]]]:
    """Parse a ``.skeleton`` file.

    Args:
        path (str): The file.

    Messages number frames, bodies and joints from 1, as the NTU
    documentation does.

    Returns:
        list[list[tuple[str, np.ndarray]]]: Per frame, the bodies as
        ``(body_id, joints)`` with ``joints`` float64 of shape ``(25, 12)``
        (the 12 joint columns of the file).

    Raises:
        BadSampleError: On a truncated file, a wrong count, a non-numeric
            field or trailing data, naming the line.
    """
    reader = _LineReader(path)
    if not any(line.strip() for line in reader.lines):
        raise BadSampleError(path, 'empty sequence: the file is empty')
    count_line, (num_frames, ) = reader.ints('the frame count')
    if num_frames < 0:
        raise BadSampleError(path, 'negative frame count', line=count_line)
    frames = []
    for t in range(1, num_frames + 1):
        lineno, (num_bodies, ) = reader.ints(f'the body count of frame {t}')
        if num_bodies < 0:
            raise BadSampleError(path, 'negative body count', line=lineno)
        bodies = []
        for b in range(1, num_bodies + 1):
            where = f'body {b} of frame {t}'
            _, info, _ = reader.floats(f'the body fields of {where}',
                                       NUM_BODY_FIELDS)
            lineno, (num_joints, ) = reader.ints(f'the joint count of {where}')
            if num_joints != NUM_JOINTS:
                raise BadSampleError(
                    path,
                    f'{where} has {num_joints} joints, expected {NUM_JOINTS}',
                    line=lineno)
            linenos, joints = [], []
            for j in range(1, NUM_JOINTS + 1):
                lineno, _, values = reader.floats(f'joint {j} of {where}',
                                                  NUM_JOINT_FIELDS)
                linenos.append(lineno)
                joints.append(values)
            joints = np.array(joints, dtype=np.float64)
            finite = np.isfinite(joints).all(axis=1)
            if not finite.all():
                j = int(np.argmin(finite))
                raise BadSampleError(
                    path,
                    f'non-finite number in joint {j + 1} of {where}',
                    line=linenos[j])
            bodies.append((info[0], joints))
        frames.append(bodies)
    reader.check_end(num_frames, count_line)
    return frames


def _track_bodies(
    frames: List[List[Tuple[str, np.ndarray]]]
) -> Dict[str, Dict[int, np.ndarray]]:
    """Group joints by body ID: ``{body_id: {frame: joints}}``.

    A body ID seen twice in one frame (not expected from the Kinect SDK)
    gets its second copy tracked as ``'<id>#1'`` and so on.
    """
    tracks: Dict[str, Dict[int, np.ndarray]] = {}
    for t, bodies in enumerate(frames):
        seen: Dict[str, int] = {}
        for body_id, joints in bodies:
            copy = seen.get(body_id, 0)
            seen[body_id] = copy + 1
            key = body_id if copy == 0 else f'{body_id}#{copy}'
            tracks.setdefault(key, {})[t] = joints
    return tracks


def tracking_score(states: np.ndarray) -> np.ndarray:
    """Map joint tracking states to 2D keypoint scores.

    Args:
        states (np.ndarray): Tracking states (0, 1 or 2), shape ``(V, )``.

    Returns:
        np.ndarray: Scores from :data:`TRACKING_SCORE` (0 for an unknown
        state), shape ``(V, )``.
    """
    return np.array([TRACKING_SCORE.get(int(s), 0.) for s in states])


def motion_energy(joints: np.ndarray) -> float:
    """Sum over joints and coordinates of the variance over time.

    Args:
        joints (np.ndarray): Positions of shape ``(T, V, C)``.

    Returns:
        float: The energy (0 for a single frame).
    """
    return float(joints.var(axis=0).sum())


def ntu_sample(path: str,
               mode: str = '3d',
               max_person: int = 2,
               dataset: str = 'ntu60') -> dict:
    """Convert one ``.skeleton`` file to a ``PoseDataset`` annotation.

    Args:
        path (str): The file, named ``SsssCcccPpppRrrrAaaa.skeleton``.
        mode (str): ``'3d'`` (camera space, metres) or ``'2d'`` (colour
            image, pixels, with ``keypoint_score`` and image shapes).
            Defaults to ``'3d'``.
        max_person (int): Bodies kept. Defaults to 2.
        dataset (str): ``'ntu60'`` or ``'ntu120'``; bounds the action
            number. Defaults to ``'ntu60'``.

    Returns:
        dict: ``frame_dir``, ``filename``, ``label``, ``total_frames``,
        ``keypoint`` float32 ``(M, T, 25, 3 | 2)`` and, in 2D mode,
        ``keypoint_score`` float32 ``(M, T, 25)``, ``img_shape`` and
        ``original_shape``.

    Raises:
        BadSampleError: On a bad name, an action outside the dataset, a
            malformed file or an empty sequence.
    """
    name = osp.basename(path)
    try:
        fields = parse_ntu_name(name)
    except ValueError as err:
        raise BadSampleError(path, str(err)) from None
    num_classes = NUM_CLASSES[dataset]
    if not 1 <= fields['action'] <= num_classes:
        raise BadSampleError(
            path, f'unknown label: action A{fields["action"]:03d} is not '
            f'one of the {num_classes} {dataset} actions')
    frames = read_ntu_skeleton(path)
    if not frames:
        raise BadSampleError(path, 'empty sequence: 0 frames', line=1)
    tracks = _track_bodies(frames)
    if not tracks:
        raise BadSampleError(
            path, f'empty sequence: no body in any of the {len(frames)} '
            'frames')

    energy = {
        key: motion_energy(np.stack([j[:, :3] for j in track.values()]))
        for key, track in tracks.items()
    }
    # sorted() is stable: equal energies keep the order of first sight.
    kept = sorted(tracks, key=lambda k: -energy[k])[:max_person]

    if mode == '3d':
        columns = [0, 1, 2]
    else:
        columns = [5, 6]
    num_frames = len(frames)
    keypoint = np.zeros((len(kept), num_frames, NUM_JOINTS, len(columns)),
                        dtype=np.float32)
    score = np.zeros(keypoint.shape[:3], dtype=np.float32)
    for m, key in enumerate(kept):
        for t, joints in tracks[key].items():
            keypoint[m, t] = joints[:, columns]
            score[m, t] = tracking_score(joints[:, 11])
    anno = dict(
        frame_dir=osp.splitext(name)[0],
        filename=name,
        label=fields['action'] - 1,
        total_frames=num_frames,
        keypoint=keypoint)
    if mode == '2d':
        anno.update(
            keypoint_score=score,
            img_shape=IMG_SHAPE,
            original_shape=IMG_SHAPE)
    return anno


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


def convert_ntu(raw_dir: str,
                dataset: str = 'ntu60',
                mode: str = '3d',
                max_person: int = 2,
                skip_bad: bool = False,
                files: Optional[Sequence[str]] = None) -> ConversionResult:
    """Convert a folder of NTU RGB+D ``.skeleton`` files.

    Args:
        raw_dir (str): Folder with the ``.skeleton`` files (not searched
            recursively).
        dataset (str): ``'ntu60'`` or ``'ntu120'``. Defaults to ``'ntu60'``.
        mode (str): ``'3d'`` or ``'2d'``. Defaults to ``'3d'``.
        max_person (int): Bodies kept per sample. Defaults to 2.
        skip_bad (bool): Skip (log, count) bad files instead of raising.
            Defaults to False.
        files (Sequence[str], optional): Convert only these paths instead
            of every ``.skeleton`` file in ``raw_dir``. Defaults to None.

    Returns:
        ConversionResult: The pickle content and the skipped files.

    Raises:
        ConversionError: On a bad option, an empty folder or when no
            sample is left.
        BadSampleError: On the first bad file, unless ``skip_bad``.
    """
    if dataset not in NUM_CLASSES:
        raise ConversionError(
            f'dataset must be one of {sorted(NUM_CLASSES)}, got {dataset!r}')
    if mode not in ('3d', '2d'):
        raise ConversionError(f"mode must be '3d' or '2d', got {mode!r}")
    if max_person < 1:
        raise ConversionError(f'max_person must be >= 1, got {max_person}')
    if files is None:
        files = list_files(raw_dir, '.skeleton', recursive=False)
    annotations, skipped = convert_files(
        files,
        lambda p: ntu_sample(p, mode, max_person, dataset),
        skip_bad=skip_bad)
    split = ntu_splits([a['frame_dir'] for a in annotations], dataset)
    return ConversionResult(
        make_pose_pickle(annotations, split), skipped.skipped)
