"""Reader of NTU RGB+D raw ``.skeleton`` files.

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
replication and action (the record's ``ids``).

Multi-person decisions:

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
- A file with 0 frames or with no body in any frame is an empty sample.
"""
import os.path as osp
import re
from typing import Dict, List, Tuple

import numpy as np

from ....layouts.kinect_v2 import NTU_RGBD
from ..errors import BadSampleError
from ..record import PoseRecord

NUM_JOINTS = NTU_RGBD.num_node
NUM_BODY_FIELDS = 10
NUM_JOINT_FIELDS = 12
IMG_SHAPE = (1080, 1920)
"""(h, w) of the Kinect v2 colour camera, the frame of the 2D keypoints."""

TRACKING_SCORE = {0: 0., 1: .5, 2: 1.}
"""2D ``keypoint_score`` per joint tracking state (0 not tracked,
1 inferred, 2 tracked)."""

_NAME_RE = re.compile(r'S(\d{3})C(\d{3})P(\d{3})R(\d{3})A(\d{3})')
_NAME_KEYS = ('setup', 'camera', 'performer', 'replication', 'action')


def parse_ntu_name(name: str) -> Dict[str, int]:
    """Read setup, camera, performer, replication and action (1-based, as
    in the name) from a name.

    Args:
        name (str): ``SsssCcccPpppRrrrAaaa`` with an optional folder and
            extension.

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
    """Hand out the non-blank lines of a text file as numbers."""

    def __init__(self, path: str) -> None:
        self.path = path
        try:
            with open(path, encoding='ascii') as f:
                lines = f.read().splitlines()
        except UnicodeDecodeError as err:
            raise BadSampleError(path, f'not a text file ({err.reason})')
        self.lines = [(n, line.split()) for n, line in enumerate(lines, 1)
                      if line.strip()]
        self.end, self.pos = len(lines) + 1, 0

    def numbers(self,
                what: str,
                count: int = 1,
                cast: type = int) -> Tuple[int, List[str], list]:
        """The next line as ``count`` numbers: its number, fields, values.
        """
        if self.pos == len(self.lines):
            raise BadSampleError(
                self.path,
                f'file ends early (truncated?): expected {what}',
                line=self.end)
        lineno, fields = self.lines[self.pos]
        self.pos += 1
        if len(fields) != count:
            raise BadSampleError(
                self.path, f'expected {what} ({count} '
                f'{"integer" if cast is int else "number"}(s)), got '
                f'{len(fields)} field(s)',
                line=lineno)
        try:
            return lineno, fields, [cast(x) for x in fields]
        except ValueError:
            raise BadSampleError(
                self.path,
                f'non-numeric field in {what}: {" ".join(fields)!r}',
                line=lineno) from None


def _read_frames(path: str) -> List[List[Tuple[str, np.ndarray]]]:
    """Per frame, ``(body_id, joints (25, 12) float64)`` of each body;
    messages number frames, bodies and joints from 1, as NTU does."""
    reader = _LineReader(path)
    if not reader.lines:
        raise BadSampleError(
            path, 'empty sequence: the file is empty', kind='empty')
    count_line, _, (num_frames, ) = reader.numbers('the frame count')
    if num_frames < 0:
        raise BadSampleError(path, 'negative frame count', line=count_line)
    frames = []
    for t in range(1, num_frames + 1):
        lineno, _, (
            num_bodies, ) = reader.numbers(f'the body count of frame {t}')
        if num_bodies < 0:
            raise BadSampleError(path, 'negative body count', line=lineno)
        bodies = []
        for b in range(1, num_bodies + 1):
            where = f'body {b} of frame {t}'
            _, info, _ = reader.numbers(f'the body fields of {where}',
                                        NUM_BODY_FIELDS, float)
            lineno, _, (
                num_joints, ) = reader.numbers(f'the joint count of {where}')
            if num_joints != NUM_JOINTS:
                raise BadSampleError(
                    path,
                    f'{where} has {num_joints} joints, expected {NUM_JOINTS}',
                    line=lineno,
                    kind='joints')
            joints = [
                reader.numbers(f'joint {j} of {where}', NUM_JOINT_FIELDS,
                               float)[2] for j in range(1, NUM_JOINTS + 1)
            ]
            bodies.append((info[0], np.array(joints, dtype=np.float64)))
        frames.append(bodies)
    if reader.pos < len(reader.lines):
        raise BadSampleError(
            path, f'unexpected data after the last of the {num_frames} '
            f'frames announced on line {count_line}',
            line=reader.lines[reader.pos][0])
    return frames


def _track_bodies(
    frames: List[List[Tuple[str, np.ndarray]]]
) -> Dict[str, Dict[int, np.ndarray]]:
    """``{body_id: {frame: joints}}``; a body ID repeated within a frame
    (not expected from the Kinect SDK) is tracked as ``'<id>#1'`` etc."""
    tracks: Dict[str, Dict[int, np.ndarray]] = {}
    for t, bodies in enumerate(frames):
        seen: Dict[str, int] = {}
        for body_id, joints in bodies:
            copy = seen.get(body_id, 0)
            seen[body_id] = copy + 1
            key = body_id if copy == 0 else f'{body_id}#{copy}'
            tracks.setdefault(key, {})[t] = joints
    return tracks


def read_ntu_record(path: str,
                    mode: str = '3d',
                    max_person: int = 2,
                    need_ids: bool = True) -> PoseRecord:
    """Read one ``.skeleton`` file into a record.

    Args:
        path (str): The file, named ``SsssCcccPpppRrrrAaaa.skeleton``.
        mode (str): ``'3d'`` (camera space, metres) or ``'2d'`` (colour
            image, pixels, with ``keypoint_score`` and the image shape).
            Defaults to ``'3d'``.
        max_person (int): Bodies kept. Defaults to 2.
        need_ids (bool): Refuse a file whose name is not
            ``SsssCcccPpppRrrrAaaa`` (the converter needs the label it
            gives). False (inference) reads any name, with empty ``ids``.
            Defaults to True.

    Returns:
        PoseRecord: ``keypoint`` float32 ``(M, T, 25, 3 | 2)`` (and in 2D
        ``keypoint_score`` ``(M, T, 25)``); ``ids`` are the five numbers of
        the name. Frames without a body are all zeros (the summary counts
        them as ``empty_frames``).

    Raises:
        BadSampleError: On a bad name (with ``need_ids``), a malformed file
            or an empty sequence.
    """
    name = osp.basename(path)
    try:
        ids = parse_ntu_name(name)
    except ValueError as err:
        if need_ids:
            raise BadSampleError(path, str(err)) from None
        ids = {}
    frames = _read_frames(path)
    if not frames:
        raise BadSampleError(
            path, 'empty sequence: 0 frames', line=1, kind='empty')
    tracks = _track_bodies(frames)
    if not tracks:
        raise BadSampleError(
            path, f'empty sequence: no body in any of the {len(frames)} '
            'frames',
            kind='empty')
    # Motion energy: summed variance over time of the 3D positions.
    energy = {
        key: float(np.stack([j[:, :3] for j in track.values()]).var(0).sum())
        for key, track in tracks.items()
    }
    # sorted() is stable: equal energies keep the order of first sight.
    kept = sorted(tracks, key=lambda k: -energy[k])[:max_person]
    columns = [0, 1, 2] if mode == '3d' else [5, 6]
    keypoint = np.zeros((len(kept), len(frames), NUM_JOINTS, len(columns)),
                        dtype=np.float32)
    score = np.zeros(keypoint.shape[:3], dtype=np.float32)
    for m, key in enumerate(kept):
        for t, joints in tracks[key].items():
            keypoint[m, t] = joints[:, columns]
            states = joints[:, 11].astype(int)
            score[m, t] = [TRACKING_SCORE.get(s, 0.) for s in states]
    record = PoseRecord(
        name=osp.splitext(name)[0], source=path, keypoint=keypoint, ids=ids)
    if mode == '2d':
        record.keypoint_score = score
        record.img_shape = IMG_SHAPE
    return record
