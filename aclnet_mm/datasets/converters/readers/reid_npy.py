"""Reader of skeleton re-ID per-axis npy trees (TranSG layout).

Reads the pre-processed KS20, KGBD, IAS-Lab and BIWI data of Haocong Rao's
line of work (TranSG, SPC-MGR, SimMC, Hi-MPC), as written by TranSG's
``Preprocess.py`` and read by its ``utils/process_SG.py``::

    Datasets/<DATASET>/<f>/
        train_npy_data/
            source_{x,y,z}_<DATASET>_<f>.npy   # (N * f, J) float
            frame_id_<DATASET>_<f>.npy         # (N, ) person ID per sample
        test_npy_data/<subset>/
            t_source_{x,y,z}_<DATASET>_<f>.npy
            frame_id_<DATASET>_<f>.npy

A sample is ``f`` consecutive skeletons: row ``i * f + t`` of an axis file
is frame ``t`` of sample ``i``. The test subsets and each probe's gallery
follow TranSG's evaluation (``TranSG.py``, :data:`PROBE_GALLERY`).

Each sample becomes one record (``name`` ``'<role>_<index>'``,
``keypoint`` float32 ``(1, f, J, 3)``, x/y/z in the file's units) with the
fields ``subject_id`` (the person ID as a string), ``role`` (``'train'``,
``'probe'`` or ``'gallery'``) and ``subset`` (``'train'`` or the test
folder name).

Decisions:

- Per-sample IDs come from ``frame_id_*.npy``, a plain array, as in
  TranSG's loader. The pickled ``ids_*.npy`` dicts next to it are never
  read: every file is loaded with ``allow_pickle=False``.
- KGBD's files keep the joint order of the raw KGBD text files; TranSG
  maps it to the Kinect v1 order when loading. With ``reorder_kgbd`` (the
  default) the converter does the same, so KGBD, IAS-Lab and BIWI share
  the ``kinect_v1`` layout; KS20 is Kinect v2 (the ``nturgb+d`` layout).
- Coordinates are stored as read. TranSG subtracts joint 0 of every frame
  when loading; a pipeline can normalise instead.
- Inconsistent files stop the run (:class:`~..errors.ConversionError`);
  bad values of one sample (NaN, inf) are the assembly's checks.
"""
import os
import os.path as osp
from typing import Dict, List, Optional

import numpy as np

from ....layouts.kinect_v1 import KGBD_TO_KINECT_V1, KINECT_V1
from ....layouts.kinect_v2 import NTU_RGBD
from ..errors import ConversionError
from ..record import PoseRecord

#: Joints per skeleton of each dataset.
DATASET_JOINTS: Dict[str, int] = dict(
    KS20=NTU_RGBD.num_node,
    KGBD=KINECT_V1.num_node,
    IAS=KINECT_V1.num_node,
    BIWI=KINECT_V1.num_node)

#: Test subsets: probe subset -> the gallery subset TranSG pairs with it;
#: the first probe is the default.
# yapf: disable
PROBE_GALLERY: Dict[str, Dict[str, str]] = dict(
    KS20=dict(probe='gallery'), KGBD=dict(probe='gallery'),
    IAS=dict(A='B', B='A'), BIWI=dict(Walking='Still', Still='Walking'))
# yapf: enable

TRAIN_DIR = 'train_npy_data'
TEST_DIR = 'test_npy_data'


def find_data_root(root: str, dataset: str, frames: int) -> str:
    """The folder holding ``train_npy_data`` and ``test_npy_data``:
    ``root`` itself (``Datasets/<DATASET>/<f>`` or a ``view_<v>`` folder
    below it), or ``root/<f>``, or ``root/<DATASET>/<f>``.

    Raises:
        ConversionError: If none of them has ``train_npy_data``.
    """
    candidates = [
        root,
        osp.join(root, str(frames)),
        osp.join(root, dataset, str(frames))
    ]
    for folder in candidates:
        if osp.isdir(osp.join(folder, TRAIN_DIR)):
            return folder
    raise ConversionError(f'no {TRAIN_DIR} folder in any of {candidates} '
                          f'(ROOT is Datasets/{dataset}/{frames}, '
                          f'Datasets/{dataset} or Datasets)')


def _load_plain(path: str) -> np.ndarray:
    """``np.load`` without pickles, with errors that name the file."""
    if not osp.isfile(path):
        folder = osp.dirname(path)
        found = sorted(n for n in os.listdir(folder)
                       if n.endswith('.npy')) if osp.isdir(folder) else []
        hint = (f'; the folder has {", ".join(found[:6])}'
                f'{", ..." if len(found) > 6 else ""} (check --dataset '
                'and --frames)' if found else '')
        raise ConversionError(f'{path}: file not found{hint}')
    try:
        return np.load(path, allow_pickle=False)
    except (ValueError, OSError) as err:
        raise ConversionError(f'{path}: cannot read a numeric npy array '
                              f'({err})') from None


def read_axes(paths: Dict[str, str],
              frames: int,
              num_joints: Optional[int] = None) -> np.ndarray:
    """Read the ``x``, ``y`` and ``z`` files of one subset as float32
    ``(N, f, J, 3)``; ``num_joints`` None takes ``J`` from the files.

    Raises:
        ConversionError: If the files differ in shape, are not ``(N * f,
            J)`` (or ``(N, f, J)``), or hold non-numbers.
    """
    axes = [_load_plain(paths[axis]) for axis in 'xyz']
    shapes = [a.shape for a in axes]
    if len(set(shapes)) != 1:
        listing = ', '.join(f'{paths[axis]} {shape}'
                            for axis, shape in zip('xyz', shapes))
        raise ConversionError(f'the x/y/z files disagree in shape: {listing}')
    shape, path = shapes[0], paths['x']
    for axis, array in zip('xyz', axes):
        if array.dtype.kind not in 'fiu':
            raise ConversionError(f'{paths[axis]}: expected numbers, got '
                                  f'dtype {array.dtype}')
    if len(shape) not in (2, 3):
        raise ConversionError(f'{path}: shape {shape} is not (N * f, J)')
    if num_joints is None:
        num_joints = shape[-1]
    elif shape[-1] != num_joints:
        raise ConversionError(
            f'{path}: shape {shape} is not (N * f, J) with J = '
            f'{num_joints} joints for this dataset (check --dataset)')
    if len(shape) == 3 and shape[1] != frames:
        raise ConversionError(f'{path}: shape {shape} holds {shape[1]} '
                              f'frames per sample, expected f = {frames}')
    rows = int(np.prod(shape[:-1]))
    if rows == 0 or rows % frames:
        raise ConversionError(
            f'{path}: {rows} skeleton rows are not a positive multiple of '
            f'f = {frames} (check --frames)')
    stacked = np.stack(axes, axis=-1).astype(np.float32)
    return stacked.reshape(rows // frames, frames, num_joints, 3)


def _subject_ids(paths: Dict[str, str], num_samples: int) -> List[str]:
    """The person IDs of ``frame_id_*.npy``, ``3.0`` written ``'3'``."""
    ids = _load_plain(paths['frame_id']).reshape(-1)
    if len(ids) != num_samples:
        raise ConversionError(f'{paths["frame_id"]} has {len(ids)} IDs but '
                              f'{paths["x"]} has {num_samples} samples')
    return [
        str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
        for v in ids.tolist()
    ]


def read_reid_subset(data_root: str,
                     dataset: str,
                     frames: int,
                     subset: Optional[str],
                     role: str,
                     reorder_kgbd: bool = True) -> List[PoseRecord]:
    """Read the samples of one subset, in file order.

    Args:
        data_root (str): The folder from :func:`find_data_root`.
        dataset (str): ``'KS20'``, ``'KGBD'``, ``'IAS'`` or ``'BIWI'``.
        frames (int): The sequence length ``f``.
        subset (str, optional): A test folder name, None for training.
        role (str): ``'train'``, ``'probe'`` or ``'gallery'``.
        reorder_kgbd (bool): Map KGBD joints to the Kinect v1 order.
            Defaults to True.

    Raises:
        ConversionError: On missing or inconsistent files.
    """
    if subset is None:
        folder, prefix = osp.join(data_root, TRAIN_DIR), 'source'
    else:
        folder, prefix = osp.join(data_root, TEST_DIR, subset), 't_source'
    tail = f'{dataset}_{frames}.npy'
    paths = {a: osp.join(folder, f'{prefix}_{a}_{tail}') for a in 'xyz'}
    paths['frame_id'] = osp.join(folder, f'frame_id_{tail}')
    keypoint = read_axes(paths, frames, DATASET_JOINTS[dataset])
    if dataset == 'KGBD' and reorder_kgbd:
        keypoint = keypoint[:, :, list(KGBD_TO_KINECT_V1)]
    ids = _subject_ids(paths, len(keypoint))
    name = 'train' if subset is None else subset
    return [
        PoseRecord(
            name=f'{role}_{index:06d}',
            source=f'{paths["x"].replace("_x_", "_{x,y,z}_")} (sample '
            f'{index})',
            keypoint=keypoint[index][None].copy(),
            fields=dict(subject_id=sid, role=role, subset=name))
        for index, sid in enumerate(ids)
    ]
