"""Skeleton re-ID per-axis npy files to a ``PoseDataset`` pickle.

Reads the pre-processed KS20, KGBD, IAS-Lab and BIWI data of Haocong Rao's
line of work (TranSG, SPC-MGR, SimMC, Hi-MPC), as written by TranSG's
``Preprocess.py`` and read by its ``utils/process_SG.py``::

    Datasets/<DATASET>/<f>/
        train_npy_data/
            source_{x,y,z}_<DATASET>_<f>.npy   # (N * f, J) float
            frame_id_<DATASET>_<f>.npy         # (N, ) person ID per sample
            ids_<DATASET>_<f>.npy              # pickled {ID: [sample index]}
        test_npy_data/<subset>/
            t_source_{x,y,z}_<DATASET>_<f>.npy
            frame_id_<DATASET>_<f>.npy
            ids_<DATASET>_<f>.npy

A sample is ``f`` consecutive skeletons: row ``i * f + t`` of an axis file
is frame ``t`` of sample ``i``. The test subsets and the gallery of each
probe follow TranSG's evaluation (``TranSG.py``): KS20 and KGBD have the
subsets ``probe`` and ``gallery``; IAS-Lab has ``A`` and ``B`` and BIWI has
``Walking`` and ``Still``, each of the two being the gallery of the other.

Each sample becomes one annotation with the ``PoseDataset`` fields
(``frame_dir`` ``'<role>_<index>'``, ``label``, ``total_frames`` = ``f``,
``keypoint`` float32 ``(1, f, J, 3)``, x/y/z in the file's units) plus
``subject_id`` (the person ID as a string), ``role`` (``'train'``,
``'probe'`` or ``'gallery'``) and ``subset`` (``'train'`` or the test
folder name). The splits are ``train``, ``test`` (probe and gallery
together, for one test dataloader feeding ``ReIDRetrievalMetric``, which
tells them apart by ``role``), ``probe`` and ``gallery``.

Decisions:

- Labels: the training IDs, sorted (numerically when all are integers),
  get the contiguous labels ``0..K-1``; probe and gallery samples get
  ``-1`` (the metric matches on ``subject_id``). In these protocols the
  test persons are the training persons, so ``subject_id`` links them.
- Per-sample IDs come from ``frame_id_*.npy`` (a plain array). Only when
  it is missing is the ``ids_*.npy`` dict read instead; that file is a
  pickle, and pickles are code: convert only trusted trees.
- KGBD's files keep the joint order of the raw KGBD text files; TranSG
  maps it to the Kinect v1 order when loading. With ``reorder_kgbd`` (the
  default) the converter does the same, so KGBD, IAS-Lab and BIWI share
  the ``kinect_v1`` layout; KS20 is Kinect v2 (the ``nturgb+d`` layout).
- Coordinates are stored as read. TranSG subtracts joint 0 of every frame
  when loading; a pipeline can normalise instead.
- Any inconsistency (axis files of different shapes, a row count that is
  not a multiple of ``f``, a joint count that is not the dataset's, an ID
  file that does not match the samples) stops the run with a
  :class:`~.common.ConversionError` naming the files; nothing is written.
"""
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from .common import ConversionError, ConversionResult, make_pose_pickle

#: Joints per skeleton of each dataset.
DATASET_JOINTS: Dict[str, int] = dict(KS20=25, KGBD=20, IAS=20, BIWI=20)

#: Test subsets: probe subset -> the gallery subset TranSG pairs with it.
PROBE_GALLERY: Dict[str, Dict[str, str]] = {
    'KS20': {
        'probe': 'gallery'
    },
    'KGBD': {
        'probe': 'gallery'
    },
    'IAS': {
        'A': 'B',
        'B': 'A'
    },
    'BIWI': {
        'Walking': 'Still',
        'Still': 'Walking'
    },
}

#: Probe subset used when none is given.
DEFAULT_PROBE: Dict[str, str] = {
    'KS20': 'probe',
    'KGBD': 'probe',
    'IAS': 'A',
    'BIWI': 'Walking'
}

#: KGBD file joint ``KGBD_TO_KINECT_V1[k]`` is Kinect v1 joint ``k`` (the
#: mapping TranSG applies in ``utils/process_SG.py``).
KGBD_TO_KINECT_V1 = (11, 10, 1, 0, 2, 4, 6, 8, 3, 5, 7, 9, 12, 14, 16, 18, 13,
                     15, 17, 19)

TRAIN_DIR = 'train_npy_data'
TEST_DIR = 'test_npy_data'


def find_data_root(root: str, dataset: str, frames: int) -> str:
    """Find the folder holding ``train_npy_data`` and ``test_npy_data``.

    Args:
        root (str): That folder itself (``Datasets/<DATASET>/<f>``, or a
            ``view_<v>`` folder below it), or ``Datasets/<DATASET>``, or
            ``Datasets``.
        dataset (str): The dataset name, e.g. ``'KS20'``.
        frames (int): The sequence length ``f``.

    Returns:
        str: The folder.

    Raises:
        ConversionError: If none of the candidates has ``train_npy_data``.
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


def subset_files(data_root: str, dataset: str, frames: int,
                 subset: Optional[str]) -> Dict[str, str]:
    """Paths of the files of one subset.

    Args:
        data_root (str): The folder from :func:`find_data_root`.
        dataset (str): The dataset name.
        frames (int): The sequence length ``f``.
        subset (str, optional): A test folder name, or None for training.

    Returns:
        dict[str, str]: ``x``, ``y``, ``z``, ``frame_id`` and ``ids``.
    """
    if subset is None:
        folder, prefix = osp.join(data_root, TRAIN_DIR), 'source'
    else:
        folder, prefix = osp.join(data_root, TEST_DIR, subset), 't_source'
    tail = f'{dataset}_{frames}.npy'
    paths = {
        axis: osp.join(folder, f'{prefix}_{axis}_{tail}')
        for axis in 'xyz'
    }
    paths['frame_id'] = osp.join(folder, f'frame_id_{tail}')
    paths['ids'] = osp.join(folder, f'ids_{tail}')
    return paths


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


def read_axes(paths: Dict[str, str], frames: int,
              num_joints: int) -> np.ndarray:
    """Read and stack the x/y/z files of one subset.

    Args:
        paths (dict[str, str]): ``x``, ``y`` and ``z`` file paths.
        frames (int): The sequence length ``f``.
        num_joints (int): The dataset's joint count ``J``.

    Returns:
        np.ndarray: float32 array of shape ``(N, f, J, 3)``.

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
    if len(shape) not in (2, 3) or shape[-1] != num_joints:
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


def _id_to_str(value: object) -> str:
    """Render a person ID: integral numbers without a decimal part."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    elif isinstance(value, np.generic):
        value = value.item()
    return str(value)


def read_subject_ids(paths: Dict[str, str], num_samples: int) -> List[str]:
    """Read the person ID of every sample of one subset.

    ``frame_id_*.npy`` (one ID per sample) is used when it exists; else the
    pickled dict ``ids_*.npy`` (ID -> sample indices), whose indices must
    cover every sample exactly once.

    Args:
        paths (dict[str, str]): ``frame_id`` and ``ids`` file paths; ``x``
            names the samples in messages.
        num_samples (int): The number of samples ``N`` in the axis files.

    Returns:
        list[str]: ``N`` person IDs.

    Raises:
        ConversionError: If neither file exists or the IDs do not match
            the samples.
    """
    if osp.isfile(paths['frame_id']):
        ids = _load_plain(paths['frame_id']).reshape(-1)
        if len(ids) != num_samples:
            raise ConversionError(
                f'{paths["frame_id"]} has {len(ids)} IDs but '
                f'{paths["x"]} has {num_samples} samples')
        return [_id_to_str(v) for v in ids.tolist()]
    if not osp.isfile(paths['ids']):
        raise ConversionError(f'no ID file: neither {paths["frame_id"]} '
                              f'nor {paths["ids"]} exists')
    try:
        table = np.load(paths['ids'], allow_pickle=True).item()
    except (ValueError, OSError, AttributeError) as err:
        raise ConversionError(f'{paths["ids"]}: cannot read the ID dict '
                              f'({err})') from None
    if not isinstance(table, dict):
        raise ConversionError(f'{paths["ids"]}: expected a dict ID -> '
                              f'sample indices, got {type(table).__name__}')
    result: List[Optional[str]] = [None] * num_samples
    for person, indices in table.items():
        for index in map(int, indices):
            if not 0 <= index < num_samples or result[index] is not None:
                raise ConversionError(
                    f'{paths["ids"]}: sample index {index} (ID {person}) is '
                    f'out of range or repeated; {paths["x"]} has '
                    f'{num_samples} samples')
            result[index] = _id_to_str(person)
    missing = result.count(None)
    if missing:
        raise ConversionError(
            f'{paths["ids"]} gives IDs for {num_samples - missing} samples '
            f'but {paths["x"]} has {num_samples} samples')
    return result  # type: ignore[return-value]


def _sort_ids(ids: Sequence[str]) -> List[str]:
    """Sort IDs numerically when all are integers, else as strings."""
    unique = sorted(set(ids))
    if all(i.lstrip('-').isdigit() for i in unique):
        return sorted(unique, key=int)
    return unique


def _subset_annotations(keypoint: np.ndarray, subject_ids: List[str],
                        role: str, subset: str,
                        labels: Dict[str, int]) -> List[dict]:
    """One annotation per sample of a subset."""
    frames = keypoint.shape[1]
    return [
        dict(
            frame_dir=f'{role}_{index:06d}',
            label=labels[sid] if role == 'train' else -1,
            total_frames=frames,
            keypoint=keypoint[index][None].copy(),
            subject_id=sid,
            role=role,
            subset=subset) for index, sid in enumerate(subject_ids)
    ]


def convert_reid_npy(root: str,
                     dataset: str,
                     frames: int = 6,
                     probe: Optional[str] = None,
                     gallery: Optional[str] = None,
                     reorder_kgbd: bool = True) -> ConversionResult:
    """Convert a TranSG-style re-ID npy tree to a ``PoseDataset`` pickle.

    Args:
        root (str): ``Datasets/<DATASET>/<f>`` (or a folder below or above
            it, see :func:`find_data_root`).
        dataset (str): ``'KS20'``, ``'KGBD'``, ``'IAS'`` or ``'BIWI'``.
        frames (int): The sequence length ``f`` in the file names.
            Defaults to 6.
        probe (str, optional): The probe subset (a ``test_npy_data``
            folder). Defaults to :data:`DEFAULT_PROBE` of the dataset.
        gallery (str, optional): The gallery subset. Defaults to the one
            TranSG pairs with ``probe`` (:data:`PROBE_GALLERY`).
        reorder_kgbd (bool): Map KGBD joints to the Kinect v1 order.
            Defaults to True.

    Returns:
        ConversionResult: The pickle content (splits ``train``, ``test``,
        ``probe``, ``gallery``) and no skips.

    Raises:
        ConversionError: On an unknown dataset or subset, a missing file or
            inconsistent files.

    A typical call::

        result = convert_reid_npy('Datasets/KS20/6', 'KS20', frames=6)
        result.data['annotations'][0]['keypoint'].shape  # (1, 6, 25, 3)
    """
    if dataset not in DATASET_JOINTS:
        raise ConversionError(f'unknown dataset {dataset!r}; choose one of '
                              f'{sorted(DATASET_JOINTS)}')
    if isinstance(frames, bool) or not isinstance(frames, int) or frames < 1:
        raise ConversionError(f'frames must be a positive int, got '
                              f'{frames!r}')
    probe = DEFAULT_PROBE[dataset] if probe is None else probe
    if gallery is None:
        if probe not in PROBE_GALLERY[dataset]:
            raise ConversionError(
                f'{dataset} has no probe subset {probe!r}; choose one of '
                f'{sorted(PROBE_GALLERY[dataset])} or name the gallery')
        gallery = PROBE_GALLERY[dataset][probe]
    if probe == gallery:
        raise ConversionError(f'probe and gallery are both {probe!r}')
    data_root = find_data_root(root, dataset, frames)
    num_joints = DATASET_JOINTS[dataset]

    subsets = dict(train=None, probe=probe, gallery=gallery)
    loaded: List[Tuple[str, str, np.ndarray, List[str]]] = []
    for role, folder in subsets.items():
        name = 'train' if folder is None else folder
        paths = subset_files(data_root, dataset, frames, folder)
        keypoint = read_axes(paths, frames, num_joints)
        if dataset == 'KGBD' and reorder_kgbd:
            keypoint = keypoint[:, :, list(KGBD_TO_KINECT_V1)]
        ids = read_subject_ids(paths, len(keypoint))
        loaded.append((role, name, keypoint, ids))

    train_ids = _sort_ids(loaded[0][3])
    labels = {sid: label for label, sid in enumerate(train_ids)}
    annotations: List[dict] = []
    split: Dict[str, List[str]] = {}
    for role, name, keypoint, ids in loaded:
        annos = _subset_annotations(keypoint, ids, role, name, labels)
        split[role] = [a['frame_dir'] for a in annos]
        annotations.extend(annos)
    split['test'] = split['probe'] + split['gallery']
    split = {k: split[k] for k in ('train', 'test', 'probe', 'gallery')}
    return ConversionResult(data=make_pose_pickle(annotations, split))


def role_summary(data: dict) -> Dict[str, Dict[str, int]]:
    """Count samples and distinct subjects per role.

    Args:
        data (dict): The pickle content from :func:`convert_reid_npy`.

    Returns:
        dict[str, dict[str, int]]: ``{role: dict(samples=n, subjects=k)}``.
    """
    result: Dict[str, Dict[str, int]] = {}
    subjects: Dict[str, set] = {}
    for anno in data['annotations']:
        role = anno['role']
        entry = result.setdefault(role, dict(samples=0, subjects=0))
        entry['samples'] += 1
        subjects.setdefault(role, set()).add(anno['subject_id'])
    for role, entry in result.items():
        entry['subjects'] = len(subjects[role])
    return result
