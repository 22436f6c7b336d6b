"""Reader of OpenGait / FastPoseGait pose trees.

``<sid>/<cond-seq>/<view>/*.pkl``, one pickle per sequence holding an
array ``(T, 17, 3)`` of (x, y, score); the record is named
``<sid>-<cond-seq>-<view>``. Other files (FastPoseGait's ``mapping.txt``)
are ignored. The pickles are read safely (a pickle that would run code
stops the run, naming the file and the global). The format has
no frame numbers, so all-zero frames are counted as ``missing_frames``;
a sequence without any detection is an empty sample.
"""
import os
import os.path as osp
import re
from typing import Dict, Iterator, Tuple

import numpy as np

from ....layouts.coco import COCO
from ..errors import BadSampleError, ConversionError
from ..identifiers import gait_fields
from ..record import PoseRecord
from ..source_files import list_files, load_data_pickle

NUM_JOINTS = COCO.num_node
_TYPE = re.compile(r'^[A-Za-z]+-\d+$')


def opengait_files(root: str) -> Iterator[Tuple[str, Tuple[str, ...]]]:
    """Yield ``(path, (sid, cond-seq, view))`` of every ``.pkl`` under root.

    Raises:
        ConversionError: On a pickle outside ``sid/type/view/`` or two
            pickles in one view folder.
    """
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


def read_opengait_record(path: str, folders: Tuple[str, ...],
                         img_shape: Tuple[int, int]) -> PoseRecord:
    """Read one sequence pickle.

    Args:
        path (str): ``.../<sid>/<cond-seq>/<view>/<view>.pkl``.
        folders (tuple[str, ...]): ``(sid, cond-seq, view)``.
        img_shape (tuple[int, int]): ``(h, w)`` of the video.

    Raises:
        BadSampleError: On an unreadable pickle, a badly named folder, an
            array that is not ``(T, 17, 3)`` numbers, or no detection.
    """
    sid, cond, view = folders
    if not _TYPE.match(cond):
        raise BadSampleError(
            path, f'sequence folder {cond!r} is not "<condition>-<seq>" '
            '(e.g. nm-01)')
    content = load_data_pickle(path, 'OpenGait pickle')
    try:
        array = np.asarray(content, dtype=np.float64)
    except (TypeError, ValueError):
        raise BadSampleError(
            path, f'holds a {type(content).__name__}, not an array of '
            'numbers (T, 17, 3)') from None
    if array.size == 0:
        array = array.reshape(0, NUM_JOINTS, 3)
    if array.ndim != 3 or array.shape[1:] != (NUM_JOINTS, 3):
        raise BadSampleError(
            path, f'array of shape {array.shape}, expected (T, '
            f'{NUM_JOINTS}, 3) of (x, y, score)')
    fields = gait_fields(sid, cond, view)
    name = '-'.join(fields.values())
    present = array.any(axis=(1, 2))
    if not present.any():
        raise BadSampleError(
            path, f'empty sequence: {name} has no detection', kind='empty')
    array = array.astype(np.float32)
    return PoseRecord(
        name=name,
        source=path,
        keypoint=array[None, ..., :2],
        keypoint_score=array[None, ..., 2],
        img_shape=tuple(img_shape),
        fields=fields,
        counts=dict(missing_frames=int((~present).sum())))
