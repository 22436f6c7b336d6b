"""Reader of per-sequence COCO-17 pose JSON (AlphaPose or MMPose).

This is the format of users' own videos: run a pose estimator, keep one
JSON file per sequence. Two layouts are read (detected from the content):

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

- The sequence runs from the first to the last frame with a detection
  (the formats cannot tell leading or trailing frames without a person
  from frames outside the video). Persons go into slots by track ID or by
  detection score (``score``/``bbox_score``, else the mean keypoint
  score), with the gaps and counts of
  :func:`~aclnet_mm.datasets.converters.record.stack_detections`.
- A sequence without any detection is an empty sample.
"""
import os.path as osp
import re
from typing import Dict, List, Optional, Tuple

import numpy as np

from ....layouts.coco import COCO
from ..errors import BadSampleError
from ..record import Detection, PoseRecord, stack_detections
from ..source_files import load_json, to_float_array

NUM_JOINTS = COCO.num_node


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
    """Read the frame number of an AlphaPose ``image_id``: the last integer
    in the name (without folder and extension).

    Args:
        image_id (object): e.g. ``'12.jpg'``, ``'frame_000012.png'`` or 12.

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


def _detection(path: str, frame: int, where: str, det: object,
               alphapose: bool) -> Detection:
    """One AlphaPose detection or MMPose instance."""
    try:
        if not isinstance(det, dict):
            raise ValueError('is not an object')
        if alphapose:
            values = to_float_array(
                det.get('keypoints'), (NUM_JOINTS, 3), '"keypoints"')
            keypoint, keypoint_score = values[:, :2], values[:, 2]
        else:
            keypoint = to_float_array(
                det.get('keypoints'), (NUM_JOINTS, 2), '"keypoints"')
            keypoint_score = to_float_array(
                det.get('keypoint_scores'), (NUM_JOINTS, ),
                '"keypoint_scores"')
    except ValueError as err:
        joints = ' of x, y, score' if alphapose else ''
        raise BadSampleError(
            path,
            f'{where}: {err} (COCO-17: {NUM_JOINTS} joints{joints})',
            frame=frame) from None
    score = _number(det.get('score' if alphapose else 'bbox_score'))
    return Detection(
        float(keypoint_score.mean()) if score is None else score,
        _track_id(det.get('idx' if alphapose else 'track_id')), keypoint,
        keypoint_score)


def _read_pose_json(path: str, content: object) -> Dict[int, List[Detection]]:
    """Detections per frame number (``[]`` for a frame listed empty)."""
    obj = load_json(path) if content is None else content
    if isinstance(obj, dict) and isinstance(obj.get('instance_info'), list):
        obj = obj['instance_info']
    elif not isinstance(obj, list) or (
            obj and not (isinstance(obj[0], dict) and
                         ({'image_id', 'instances'} & set(obj[0])))):
        raise BadSampleError(
            path, 'unknown layout: expected an AlphaPose list of detections '
            'with "image_id", or MMPose frames with "instances"')
    frames: Dict[int, List[Detection]] = {}
    if obj and 'image_id' in obj[0]:  # AlphaPose
        for i, det in enumerate(obj):
            try:
                if not isinstance(det, dict):
                    raise ValueError('is not an object')
                frame = frame_number(det.get('image_id'))
            except ValueError as err:
                raise BadSampleError(path, f'detection {i}: {err}') from None
            frames.setdefault(frame, []).append(
                _detection(path, frame, f'detection {i}', det, True))
        return frames
    for i, entry in enumerate(obj):  # MMPose
        if not isinstance(entry, dict) or not isinstance(
                entry.get('instances'), list):
            raise BadSampleError(path,
                                 f'frame entry {i} has no "instances" list')
        frame = _track_id(entry.get('frame_id', i))
        if frame is None:
            raise BadSampleError(
                path, f'frame entry {i}: "frame_id" is '
                f'{entry["frame_id"]!r}, expected an integer')
        if frame in frames:
            raise BadSampleError(path, 'frame_id appears twice', frame=frame)
        frames[frame] = [
            _detection(path, frame, f'instance {j}', inst, False)
            for j, inst in enumerate(entry['instances'])
        ]
    return frames


def read_coco_record(path: str,
                     max_person: int = 2,
                     img_shape: Optional[Tuple[int, int]] = None,
                     content: object = None) -> PoseRecord:
    """Read one pose JSON file into a record.

    Args:
        path (str): The file.
        max_person (int): Persons kept. Defaults to 2.
        img_shape (tuple[int, int], optional): ``(h, w)`` of the video,
            stored when given. Defaults to None.
        content (object, optional): The file's decoded JSON, when the
            caller has already read it (to tell the formats apart); None
            reads ``path``. Defaults to None.

    Returns:
        PoseRecord: ``name`` the file's stem, ``keypoint`` float32
        ``(M, T, 17, 2)`` in pixels, ``keypoint_score`` ``(M, T, 17)``.

    Raises:
        BadSampleError: On invalid JSON, an unknown layout, a missing or
            non-numeric field, a wrong joint count or no detection.
    """
    detections = _read_pose_json(path, content)
    frames = {t: dets for t, dets in detections.items() if dets}
    if not frames:
        raise BadSampleError(
            path, 'empty sequence: no detection', kind='empty')
    keypoint, keypoint_score, counts = stack_detections(frames, max_person)
    return PoseRecord(
        name=osp.splitext(osp.basename(path))[0],
        source=path,
        keypoint=keypoint,
        keypoint_score=keypoint_score,
        img_shape=None if img_shape is None else tuple(img_shape),
        counts=counts)
