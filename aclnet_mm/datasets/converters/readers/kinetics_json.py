"""Reader of ST-GCN Kinetics-Skeleton JSON files (one clip per file).

::

    {"data": [{"frame_index": 1,
               "skeleton": [{"pose": [x0, y0, ..., x17, y17],
                             "score": [s0, ..., s17]}, ...]}, ...],
     "label": "class name", "label_index": int}

Poses are OpenPose-18 with ``x`` and ``y`` normalised to ``[0, 1]``; they
are scaled to pixels with ``img_shape`` (default ``(256, 340)``, the
340x256 frames of ST-GCN); the assembly rejects normalised coordinates
outside ``[-0.5, 1.5]`` (ST-GCN's clips reach 1.10). Decisions:

- ``frame_index`` is 1-based; frame ``i`` goes to index ``i - 1`` and
  ``total_frames`` is the largest ``frame_index`` (as ST-GCN's feeder).
  Missing frames and frames without a person are zeros.
- Persons are ranked per frame by their mean joint score (the format has
  no track IDs) and stacked by :func:`~..record.stack_detections`.
- A file with no person in any frame is an empty sample.
- A label table (``{video_id: {"label_index": ...}}``, ST-GCN's
  ``kinetics_*_label.json``) is not a clip: the reader returns None.
"""
import logging
import os.path as osp
from typing import Dict, List, Optional, Tuple

from mmengine.logging import print_log

from ....layouts.openpose import OPENPOSE
from ..errors import BadSampleError
from ..record import Detection, PoseRecord, stack_detections
from ..source_files import load_json, to_float_array

NUM_JOINTS = OPENPOSE.num_node
IMG_SHAPE = (256, 340)
"""(h, w) of the Kinetics-Skeleton frames (ST-GCN resized to 340x256)."""


def is_label_table(obj: object) -> bool:
    """Whether ``obj`` is a non-empty ``{video_id: {"label_index": ...}}``
    table rather than a clip."""
    return (isinstance(obj, dict) and bool(obj) and 'data' not in obj and all(
        isinstance(v, dict) and 'label_index' in v for v in obj.values()))


def _frame_persons(path: str, index: int, people: object,
                   img_shape: Tuple[int, int]) -> List[Detection]:
    """The persons of one frame, in pixels, scored by mean joint score."""
    if not isinstance(people, list):
        raise BadSampleError(path, 'no "skeleton" list', frame=index)
    h, w = img_shape
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
                path, f'person {p}: {err} (OpenPose-18: {NUM_JOINTS} joints '
                'of (x, y) and a score each)',
                frame=index) from None
        persons.append(
            Detection(float(score.mean()), None, pose * (w, h), score))
    return persons


def read_kinetics_record(path: str,
                         max_person: int = 2,
                         img_shape: Tuple[int, int] = IMG_SHAPE,
                         content: object = None) -> Optional[PoseRecord]:
    """Read one Kinetics-Skeleton clip.

    Args:
        path (str): The clip's JSON file (``<video_id>.json``).
        max_person (int): Persons kept per frame. Defaults to 2.
        img_shape (tuple[int, int]): ``(h, w)`` that scales the normalised
            coordinates to pixels. Defaults to ``(256, 340)``.
        content (object, optional): The file's decoded JSON, when the
            caller has already read it (to tell the formats apart); None
            reads ``path``. Defaults to None.

    Returns:
        PoseRecord | None: ``keypoint`` float32 ``(M, T, 18, 2)`` in
        pixels, ``keypoint_score`` ``(M, T, 18)``; ``ids`` hold the clip's
        ``label_index`` and ``label`` as written. None for a label table.

    Raises:
        BadSampleError: On invalid JSON, a missing or bad field, a wrong
            joint count or an empty sequence.
    """
    clip = load_json(path) if content is None else content
    if is_label_table(clip):
        print_log(
            f'{path} is a label table, not a clip: ignored',
            logger='current',
            level=logging.INFO)
        return None
    if not isinstance(clip, dict) or not isinstance(clip.get('data'), list):
        raise BadSampleError(path, 'expected a JSON object with a "data" list')
    frames: Dict[int, list] = {}
    for i, entry in enumerate(clip['data']):
        index = entry.get('frame_index') if isinstance(entry, dict) else None
        if not isinstance(index, int) or isinstance(index, bool) or index < 1:
            raise BadSampleError(
                path, f'data[{i}]: "frame_index" is {index!r}, expected an '
                'integer >= 1')
        if index in frames:
            raise BadSampleError(
                path, 'frame_index appears twice', frame=index)
        frames[index] = _frame_persons(path, index, entry.get('skeleton'),
                                       img_shape)
    detected = {t: persons for t, persons in frames.items() if persons}
    if not detected:
        raise BadSampleError(
            path, f'empty sequence: no person in any of the {len(frames)} '
            'frames',
            kind='empty')
    keypoint, keypoint_score, counts = stack_detections(
        detected, max_person, span=(1, max(frames)))
    return PoseRecord(
        name=osp.splitext(osp.basename(path))[0],
        source=path,
        keypoint=keypoint,
        keypoint_score=keypoint_score,
        img_shape=tuple(img_shape),
        ids=dict(label_index=clip.get('label_index'), label=clip.get('label')),
        counts=counts)
