"""Reader of skeletons held as NumPy arrays: one ``.npz`` file, or a
folder of ``<key>.npy`` files (one array per key, the file stem its key).

One array per kind, the first axis the ``N`` samples; each key name is an
option (defaults in :data:`DEFAULT_KEYS`, first one present wins):

- keypoints ``(N, T, V, C)`` (one person) or ``(N, M, T, V, C)``, any
  real number type, ``C`` 2 or 3; stored as float32 (float16 values are
  kept exactly);
- labels ``(N, )``: integers >= 0, or strings mapped by class names;
- optional: scores ``(N, T, V)`` / ``(N, M, T, V)``, sample names
  ``(N, )``, class names ``(K, )``, subjects ``(N, )`` (integers, stored
  as the ``subject_id`` field) and a split ``(N, )``: booleans (True:
  ``'train'``, False: ``'test'``) or split names.

Each sample becomes one record named after its name (default
``sample_000000``, ``sample_000001``, ...), with ``source`` ``'<file>
(sample <i>)'`` for messages and ``ids`` ``label``, ``split`` and
``subject`` for the converter's rules.

Decisions:

- Every file is loaded with ``allow_pickle=False``: a pickled object
  array (e.g. a list of Python strings saved as is) stops the run with a
  hint to save it as a string array.
- Problems of the whole file (a missing key, a wrong rank, a joint count
  other than the layout's, arrays of different lengths) stop the run
  (:class:`~..errors.ConversionError`); problems of one sample (NaN, inf,
  an unknown label, an all-zero sample) are bad samples, for the policy.
- A person slot of a 5-D array that is zero in every frame is dropped and
  counted as ``empty_person_slots``; a sample with no non-zero value is
  an empty sample.
- With a layout whose third channel is a score (``coco``, ``coco_new``,
  ``openpose``) and ``C = 3`` without a score array, channel 2 is stored as
  ``keypoint_score``, the way MMAction2's 2D pickles hold it.
"""
import os
import os.path as osp
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple, Union

import numpy as np

from ..errors import BadSampleError, ConversionError
from ..record import PoseRecord

#: Key names tried, in order, when an option names none.
DEFAULT_KEYS: Dict[str, Tuple[str, ...]] = dict(
    keypoint=('keypoint', 'x'),
    label=('label', 'y'),
    keypoint_score=('keypoint_score', ),
    name=('frame_dir', ),
    class_names=('class_names', ))

Labels = List[Union[int, float, str]]


class ArrayFile:
    """The arrays of one ``.npz`` file or one folder of ``.npy`` files.

    Args:
        path (str): The ``.npz`` file or the folder.

    Raises:
        ConversionError: If ``path`` is neither, or holds no array.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        if osp.isdir(path):
            self.files = {
                n[:-4]: osp.join(path, n)
                for n in sorted(os.listdir(path)) if n.endswith('.npy')
            }
            self.npz = None
        elif osp.isfile(path):
            try:
                self.npz = np.load(path, allow_pickle=False)
            except (OSError, ValueError) as err:
                raise ConversionError(f'{path}: cannot be read as an .npz '
                                      f'file ({err})') from None
            if not hasattr(self.npz, 'files'):
                raise ConversionError(
                    f'{path}: holds one array, not named arrays; give an '
                    '.npz file or a folder of <key>.npy files')
            self.files = {k: k for k in self.npz.files}
        else:
            raise ConversionError(f'{path}: no such file or folder')
        if not self.files:
            raise ConversionError(f'{path}: holds no array')

    @property
    def keys(self) -> List[str]:
        """list[str]: The array names."""
        return list(self.files)

    def find(self,
             key: Optional[str],
             kind: str,
             required: bool = True) -> Optional[str]:
        """The key of ``kind``: ``key`` if given (it must exist), else the
        first of :data:`DEFAULT_KEYS` present (None if none and not
        ``required``).

        Raises:
            ConversionError: If the key is missing, naming those present.
        """
        if key is None:
            key = next(
                (k for k in DEFAULT_KEYS.get(kind, ()) if k in self.files),
                None)
            if key is not None or not required:
                return key
            wanted = ' or '.join(repr(k) for k in DEFAULT_KEYS[kind])
        elif key in self.files:
            return key
        else:
            wanted = repr(key)
        raise ConversionError(
            f'{self.path}: no {kind} array {wanted}; it holds '
            f'{", ".join(self.keys)} (name the {kind} array with its option)')

    def load(self, key: str) -> np.ndarray:
        """Load one array (never unpickling).

        Raises:
            ConversionError: If it cannot be read or is a pickled object
                array.
        """
        where = f'{self.path}: {key!r}'
        try:
            if self.npz is not None:
                array = self.npz[key]
            else:
                where = self.files[key]
                array = np.load(self.files[key], allow_pickle=False)
        except ValueError as err:
            if 'allow_pickle' in str(err):
                raise ConversionError(
                    f'{where} is a pickled object array, which is never '
                    'loaded; save it as numbers or as a string array '
                    '(np.array(values, dtype=str))') from None
            raise ConversionError(f'{where}: cannot be read ({err})') \
                from None
        except OSError as err:
            raise ConversionError(f'{where}: cannot be read ({err})') \
                from None
        if not isinstance(array, np.ndarray):
            raise ConversionError(f'{where}: not an array')
        return array


def _is_real(array: np.ndarray) -> bool:
    return array.dtype.kind in 'iuf'


def _values(array: np.ndarray) -> list:
    """Python values; integral floats become ints."""
    values = array.tolist()
    if array.dtype.kind == 'f':
        values = [int(v) if float(v).is_integer() else v for v in values]
    return values


@dataclass
class ArraySet:
    """The arrays of one file, checked as a whole (see
    :func:`read_arrays`).

    Args:
        path (str): The file or folder.
        keypoint (np.ndarray): ``(N, M, T, V, C)`` in the file's type.
        keypoint_score (np.ndarray, optional): ``(N, M, T, V)``.
        labels (list): ``N`` raw labels (int, float or str).
        names (list[str]): ``N`` sample names.
        split (list[str], optional): ``N`` split names.
        subjects (list[int], optional): ``N`` subject IDs.
        class_names (list[str], optional): The class names of the file.
        keys (dict[str, str]): The key used for each kind.
        persons_axis (bool): The file has a person axis (5-D).
        score_from_channel (bool): Channel 2 is the score (see the module
            docstring).
        split_is_bool (bool): The split came from booleans, so both
            ``'train'`` and ``'test'`` are expected.
    """

    path: str
    keypoint: np.ndarray
    keypoint_score: Optional[np.ndarray]
    labels: Labels
    names: List[str]
    split: Optional[List[str]]
    subjects: Optional[List[int]]
    class_names: Optional[List[str]]
    keys: Dict[str, str]
    persons_axis: bool
    score_from_channel: bool = False
    split_is_bool: bool = False

    def __len__(self) -> int:
        return len(self.keypoint)

    @property
    def num_channels(self) -> int:
        """int: Coordinates per joint as stored (2 when channel 2 is the
        score)."""
        return self.keypoint.shape[-1] - int(self.score_from_channel)

    def source(self, index: int) -> str:
        """The ``source`` of sample ``index``: ``'<file> (sample <i>)'``."""
        return f'{self.path} (sample {index})'

    def record(self, index: int) -> PoseRecord:
        """Sample ``index`` as a record (label left at -1; ``ids`` hold
        the raw ``label``, and ``split`` / ``subject`` when given).

        Raises:
            BadSampleError: (kind ``'empty'``) If every value is zero.
        """
        source = self.source(index)
        keypoint = self.keypoint[index]
        present = keypoint.any(axis=(1, 2, 3))
        if not present.any():
            raise BadSampleError(
                source, f'empty sequence: every keypoint of sample '
                f'{self.names[index]} is zero',
                kind='empty')
        keypoint = keypoint[present].astype(np.float32)
        score = self.keypoint_score
        if score is not None:
            score = score[index][present].astype(np.float32)
        if self.score_from_channel:
            keypoint, score = keypoint[..., :2].copy(), keypoint[..., 2].copy()
        ids = dict(label=self.labels[index])
        fields = {}
        if self.split is not None:
            ids['split'] = self.split[index]
        if self.subjects is not None:
            ids['subject'] = self.subjects[index]
            fields['subject_id'] = str(self.subjects[index])
        counts = dict(empty_person_slots=int((
            ~present).sum())) if self.persons_axis else {}
        return PoseRecord(
            name=self.names[index],
            source=source,
            keypoint=keypoint,
            keypoint_score=score,
            ids=ids,
            fields=fields,
            counts=counts)


def _per_sample(arrays: ArrayFile, key: str, kind: str, keys: Dict[str, str],
                num: int) -> np.ndarray:
    """A ``(N, )`` array of ``kind``."""
    array = arrays.load(key)
    if array.ndim != 1 or len(array) != num:
        raise ConversionError(
            f'{arrays.path}: {kind} {key!r} have shape {array.shape}, '
            f'expected ({num},): one per sample of the keypoints '
            f'{keys["keypoint"]!r}')
    return array


def read_arrays(path: str,
                num_joints: int,
                keypoint_key: Optional[str] = None,
                label_key: Optional[str] = None,
                score_key: Optional[str] = None,
                name_key: Optional[str] = None,
                split_key: Optional[str] = None,
                subject_key: Optional[str] = None,
                class_names_key: Optional[str] = None,
                score_channel: bool = False) -> ArraySet:
    """Read and check the arrays of one file as a whole.

    Args:
        path (str): An ``.npz`` file or a folder of ``<key>.npy`` files.
        num_joints (int): ``V`` of the layout.
        keypoint_key, label_key, score_key, name_key, class_names_key
            (str, optional): Array names; None tries :data:`DEFAULT_KEYS`
            (keypoints and labels must exist, the others are optional).
        split_key, subject_key (str, optional): Array names of the split
            and the subjects; None: not read.
        score_channel (bool): The layout's third channel is a score.

    Returns:
        ArraySet: The arrays.

    Raises:
        ConversionError: On a missing key, a wrong rank, type or joint
            count, arrays of different lengths, a split of the wrong
            type, a non-integer subject or repeated class names.
    """
    arrays = ArrayFile(path)
    keys = dict(
        keypoint=arrays.find(keypoint_key, 'keypoint'),
        label=arrays.find(label_key, 'label'))
    keypoint = arrays.load(keys['keypoint'])
    where = f'{path}: keypoints {keys["keypoint"]!r}'
    if keypoint.ndim not in (4, 5):
        raise ConversionError(
            f'{where} have shape {keypoint.shape}, expected (N, T, V, C) '
            'or (N, M, T, V, C)')
    if not _is_real(keypoint):
        raise ConversionError(f'{where} have type {keypoint.dtype}, not '
                              'real numbers')
    persons_axis = keypoint.ndim == 5
    shape = keypoint.shape  # as in the file, for messages
    if not persons_axis:
        keypoint = keypoint[:, None]
    num, _, frames, joints, channels = keypoint.shape
    if num < 1 or frames < 1:
        raise ConversionError(f'{where} have shape {shape}: no sample or '
                              'no frame')
    if joints != num_joints:
        raise ConversionError(f'{where} have {joints} joints (shape '
                              f'{shape}), the layout has {num_joints}')
    if channels not in (2, 3):
        raise ConversionError(
            f'{where} have {channels} coordinates per joint (shape '
            f'{shape}), expected 2 (x, y) or 3 (x, y, z)')
    labels = _per_sample(arrays, keys['label'], 'labels', keys, num)
    if labels.dtype.kind not in 'iufU':
        raise ConversionError(
            f'{path}: labels {keys["label"]!r} have type {labels.dtype}; '
            'expected integers or class-name strings')
    score = None
    keys['keypoint_score'] = arrays.find(score_key, 'keypoint_score', False)
    if keys['keypoint_score'] is not None:
        score = arrays.load(keys['keypoint_score'])
        if not persons_axis and score.ndim == 3:
            score = score[:, None]
        if score.shape != keypoint.shape[:4] or not _is_real(score):
            raise ConversionError(
                f'{path}: scores {keys["keypoint_score"]!r} have shape '
                f'{score.shape} ({score.dtype}), expected real numbers of '
                f'the keypoints\' shape without C')
    score_from_channel = score_channel and channels == 3
    if score_from_channel and score is not None:
        raise ConversionError(
            f'{where} have 3 channels and there are scores '
            f'{keys["keypoint_score"]!r}, but the layout is 2D with a '
            'score channel: give (x, y) keypoints with the scores, or '
            '(x, y, score) keypoints alone')
    keys['name'] = arrays.find(name_key, 'name', False)
    if keys['name'] is None:
        width = max(6, len(str(num - 1)))
        names = [f'sample_{i:0{width}d}' for i in range(num)]
    else:
        names = [
            str(n) for n in _per_sample(arrays, keys['name'], 'names', keys,
                                        num).tolist()
        ]
    split, split_is_bool = None, False
    if split_key is not None:
        keys['split'] = arrays.find(split_key, 'split')
        values = _per_sample(arrays, keys['split'], 'split', keys, num)
        split_is_bool = values.dtype.kind == 'b'
        if split_is_bool:
            split = ['train' if v else 'test' for v in values.tolist()]
        elif values.dtype.kind == 'U':
            split = values.tolist()
        else:
            raise ConversionError(
                f'{path}: split {split_key!r} has type {values.dtype}; '
                'expected booleans (True: train, False: test) or split '
                'names (strings)')
    subjects = None
    if subject_key is not None:
        keys['subject'] = arrays.find(subject_key, 'subject')
        values = _per_sample(arrays, keys['subject'], 'subjects', keys, num)
        subjects = _values(values) if _is_real(values) else [None]
        if not all(isinstance(s, int) for s in subjects):
            raise ConversionError(
                f'{path}: subjects {subject_key!r} are not integers '
                f'({values.dtype}, e.g. {values.tolist()[:3]})')
    class_names = None
    keys['class_names'] = arrays.find(class_names_key, 'class_names', False)
    if keys['class_names'] is not None:
        values = arrays.load(keys['class_names'])
        if (values.ndim != 1 or values.dtype.kind != 'U' or not len(values)
                or len(set(values.tolist())) != len(values)):
            raise ConversionError(
                f'{path}: class names {keys["class_names"]!r} are not a '
                f'non-empty string array without repeats (shape '
                f'{values.shape}, {values.dtype})')
        class_names = values.tolist()
    return ArraySet(
        path=path,
        keypoint=keypoint,
        keypoint_score=score,
        labels=_values(labels),
        names=names,
        split=split,
        subjects=subjects,
        class_names=class_names,
        keys=keys,
        persons_axis=persons_axis,
        score_from_channel=score_from_channel,
        split_is_bool=split_is_bool)
