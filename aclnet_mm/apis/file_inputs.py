"""Read skeleton files for inference: the one adapter to the file readers.

Every skeleton file format that ``tools/data/`` converts is read here
with the converters' readers (:mod:`aclnet_mm.datasets.converters.readers`),
without labels. Each file yields one or more records::

    dict(name=str,                       # record name, for the output
         keypoint=np.ndarray,            # float32 (M, T, V, C)
         keypoint_score=np.ndarray|None, # float32 (M, T, V), 2D formats
         img_shape=tuple|None)           # (h, w) of the video, if known

Formats, by file name:

- ``*.skeleton``: NTU RGB+D raw file, usually named
  ``SsssCcccPpppRrrrAaaa.skeleton`` (any name is read: the name only gives
  the label, which inference does not need); 3D camera coordinates
  (``mode='3d'``) or 2D colour-image pixels with scores (``mode='2d'``);
  25 joints.
- ``*.json``: an ST-GCN Kinetics-Skeleton clip (an object with a ``data``
  list; OpenPose-18 joints, 2D with scores, in pixels of ``(256, 340)``)
  or an AlphaPose / MMPose COCO-17 pose file (2D with scores).
- ``*.pkl`` / ``*.pickle``: a ``PoseDataset`` pickle (``{'split',
  'annotations'}`` or a list of annotations); one record per annotation.
  Compressed annotations (``frame_inds``, keypoints ``(N, V, 3)``) are
  expanded as MMAction2's ``DecompressPose(squeeze=False)`` does. The
  pickle is read with :func:`aclnet_mm.utils.safe_pickle.load_pickle`:
  one whose unpickling would run code is refused, naming the global.
- ``*.npy``: a skeleton re-ID triple ``..._x_<DATASET>_<f>.npy`` with its
  ``_y_`` and ``_z_`` files next to it (TranSG's layout); one record per
  sample of ``f`` frames. Give the ``x`` file; ``y``/``z`` files are
  ignored when a folder is listed.
"""
import os
import os.path as osp
import re
from typing import Dict, List, Optional, Tuple

import numpy as np

from ..datasets.converters.readers.coco_json import read_coco_record
from ..datasets.converters.readers.kinetics_json import (IMG_SHAPE,
                                                         is_label_table,
                                                         read_kinetics_record)
from ..datasets.converters.readers.ntu_skeleton import read_ntu_record
from ..datasets.converters.readers.reid_npy import read_axes
from ..datasets.converters.record import PoseRecord
from ..datasets.converters.source_files import load_json
from ..utils.safe_pickle import PickleFileError, load_pickle

#: File name endings :func:`read_skeleton_file` knows.
SKELETON_EXTENSIONS = ('.skeleton', '.json', '.pkl', '.pickle', '.npy')

_REID_NAME = re.compile(r'^(?P<head>.*)_x_(?P<tail>.+?)_(?P<f>\d+)\.npy$')


class SkeletonFileError(ValueError):
    """A skeleton file that cannot be read; the message names the file."""


def _record(name: str,
            keypoint: np.ndarray,
            keypoint_score: Optional[np.ndarray] = None,
            img_shape: Optional[Tuple[int, int]] = None) -> Dict:
    return dict(
        name=name,
        keypoint=np.asarray(keypoint, dtype=np.float32),
        keypoint_score=(None if keypoint_score is None else np.asarray(
            keypoint_score, dtype=np.float32)),
        img_shape=None if img_shape is None else tuple(
            int(x) for x in img_shape))


def _from_annotation(anno: Dict, default_name: str) -> Dict:
    name = str(anno.get('frame_dir', anno.get('filename', default_name)))
    return _record(name, anno['keypoint'], anno.get('keypoint_score'),
                   anno.get('img_shape'))


def _from_pose_record(record: PoseRecord) -> Dict:
    return _record(record.name, record.keypoint, record.keypoint_score,
                   record.img_shape)


def _read_json(path: str, max_person: int,
               img_shape: Optional[Tuple[int, int]]) -> List[Dict]:
    """Tell a Kinetics-Skeleton clip from a COCO-17 pose file, read it."""
    content = load_json(path)  # read once, handed to the reader
    if isinstance(content, dict) and 'data' in content:
        record = read_kinetics_record(path, max_person,
                                      tuple(img_shape or IMG_SHAPE), content)
    elif is_label_table(content):
        return []  # an ST-GCN label table, not a clip
    else:
        record = read_coco_record(path, max_person, img_shape, content)
    return [_from_pose_record(record)]


def _decompress(anno: Dict) -> Dict:
    """Expand a compressed annotation as ``DecompressPose(squeeze=False)``."""
    from mmaction.datasets.transforms import DecompressPose
    return DecompressPose(squeeze=False)(dict(anno))


def _read_pickle(path: str) -> List[Dict]:
    try:
        data = load_pickle(path, 'skeleton pickle')
    except PickleFileError as err:
        raise SkeletonFileError(str(err)) from None
    annos = data.get('annotations') if isinstance(data, dict) else data
    if not isinstance(annos, list):
        raise SkeletonFileError(
            f'{path}: neither a list of annotations nor a dict with '
            "'annotations'")
    records = []
    for i, anno in enumerate(annos):
        where = f'{path}: annotation {i}'
        if not isinstance(anno, dict) or 'keypoint' not in anno:
            hint = (' (its keypoints are in the kpfile named by raw_file; '
                    'classify those with the dataset and mim test)'
                    if isinstance(anno, dict) and 'raw_file' in anno else '')
            raise SkeletonFileError(f'{where} has no keypoint{hint}')
        if 'frame_inds' in anno:
            anno = _decompress(anno)
        records.append(_from_annotation(anno, f'{osp.basename(path)}_{i}'))
    return records


def _read_reid(path: str) -> List[Dict]:
    match = _REID_NAME.match(osp.basename(path))
    if match is None:
        raise SkeletonFileError(
            f'{path}: not the x file of a re-ID triple '
            '(..._x_<DATASET>_<f>.npy with _y_ and _z_ files next to it)')
    folder = osp.dirname(path)
    paths = {
        axis: osp.join(
            folder, f'{match["head"]}_{axis}_{match["tail"]}_{match["f"]}'
            '.npy')
        for axis in 'xyz'
    }
    keypoint = read_axes(paths, int(match['f']))
    stem = osp.basename(path)[:-len('.npy')]
    return [
        _record(f'{stem}_{i}', sample[None])
        for i, sample in enumerate(keypoint)
    ]


def read_skeleton_file(path: str,
                       mode: str = '3d',
                       max_person: int = 2,
                       img_shape: Optional[Tuple[int, int]] = None
                       ) -> List[Dict]:
    """Read the skeleton sequences of one file.

    Args:
        path (str): The file (see the module docstring for the formats).
        mode (str): ``'3d'`` or ``'2d'``, for NTU ``.skeleton`` files, which
            hold both. Defaults to ``'3d'``.
        max_person (int): Persons kept per sequence (NTU, JSON formats).
            Defaults to 2.
        img_shape (tuple[int, int], optional): ``(h, w)`` of the video, for
            the JSON formats (Kinetics JSON scales its normalised
            coordinates by it; defaults to the reader's ``(256, 340)``).
            Defaults to None.

    Returns:
        list[dict]: Records ``name``, ``keypoint`` float32 ``(M, T, V, C)``,
        ``keypoint_score`` float32 ``(M, T, V)`` or None, ``img_shape``
        ``(h, w)`` or None.

    Raises:
        SkeletonFileError: If the file is missing, of an unknown kind or
            cannot be read; the message names the file and the problem.
    """
    path = str(path)
    if not osp.isfile(path):
        raise SkeletonFileError(f'{path}: no such file')
    ext = osp.splitext(path)[1].lower()
    if ext not in SKELETON_EXTENSIONS:
        raise SkeletonFileError(
            f'{path}: unknown skeleton file kind {ext!r}; known: '
            f'{", ".join(SKELETON_EXTENSIONS)}')
    try:
        if ext == '.skeleton':
            return [
                _from_pose_record(
                    read_ntu_record(path, mode, max_person, need_ids=False))
            ]
        if ext == '.json':
            return _read_json(path, max_person, img_shape)
        if ext in ('.pkl', '.pickle'):
            return _read_pickle(path)
        return _read_reid(path)
    except SkeletonFileError:
        raise
    except ValueError as err:  # the readers' BadSampleError and
        # ConversionError, and shape errors
        message = str(err)
        if path not in message:
            message = f'{path}: {message}'
        raise SkeletonFileError(message) from None


def list_skeleton_files(root: str) -> List[str]:
    """The skeleton files under ``root``, recursively, sorted.

    Re-ID ``_y_`` / ``_z_`` files are left out (their ``_x_`` file stands
    for the triple).

    Args:
        root (str): A folder.

    Returns:
        list[str]: Paths with one of :data:`SKELETON_EXTENSIONS`.
    """
    found = []
    for folder, _, names in os.walk(root):
        for name in names:
            ext = osp.splitext(name)[1].lower()
            if ext not in SKELETON_EXTENSIONS:
                continue
            if ext == '.npy' and not _REID_NAME.match(name):
                continue
            found.append(osp.join(folder, name))
    return sorted(found)
