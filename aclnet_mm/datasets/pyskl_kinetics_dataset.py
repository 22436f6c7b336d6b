"""Kinetics-Skeleton in PYSKL's "table of contents + kpfiles" form.

PYSKL (``kennymckormick/pyskl``, Apache-2.0) and the ACLNet reference
(``firework8/ACLNet``, MIT) read Kinetics-400 from ``k400_hrnet.pkl``, whose
annotations carry no keypoints, only a ``raw_file`` naming the "kpfile" that
holds them; the kpfiles are served through memcached. This module reads the
same files straight from disk, so no memcached server is needed.
"""
import os.path as osp
from typing import Callable, Dict, List, Optional, Union

import numpy as np
from mmaction.registry import DATASETS

from ..utils.safe_pickle import (PickleFileError, UnsafePickleError,
                                 load_pickle)
from .checked_pose_dataset import CheckedPoseDataset
from .sample_checks import InvalidSampleError, check_pose_sample

# Per-annotation fields only used by the ``valid_ratio`` filter; dropped once
# it has run (as PYSKL does) so the serialized data list stays small.
_FILTER_ONLY_KEYS = ('valid', 'box_score')


@DATASETS.register_module()
class KineticsPoseDataset(CheckedPoseDataset):
    """Kinetics-Skeleton (HRNet 2D) whose keypoints live in kpfiles.

    A :class:`mmaction.datasets.PoseDataset` for PYSKL's
    ``k400_hrnet.pkl`` (MMAction2 calls the same file ``k400_2d.pkl``): a
    pickle ``{'split': {name: [frame_dir, ...]}, 'annotations': [...]}``
    whose annotations hold only metadata::

        frame_dir (str)       clip identifier, also the key in its kpfile
        label (int)           class index
        total_frames (int)    number of video frames
        img_shape, original_shape (tuple[int, int])   (height, width)
        raw_file (str)        path of the kpfile holding the keypoints
        frame_inds (np.ndarray)   (N, ) frame index of each of the N
                              skeletons, non-decreasing
        box_score (np.ndarray)    (N, ) person-box score of each skeleton
        valid (dict[float, int])  box threshold -> number of frames that
                              keep a skeleton at that threshold

    A kpfile is a pickle mapping ``frame_dir`` to ``{'keypoint': (N, V, 3)}``
    (x, y, score per joint, V = 17 COCO joints); one kpfile may hold many
    clips. A per-clip pickle whose top level already has ``keypoint`` (the
    layout of MMAction2's ``k400_kpfiles_2d``) is accepted as well. Every
    key of the clip's entry is merged into the sample, as PYSKL does after
    its memcached lookup, so the items are exactly what
    ``DecompressPose(squeeze=True)`` -> ``UniformSampleFrames`` ->
    ``PoseDecode`` expects. Annotations without ``raw_file`` must carry
    ``keypoint`` themselves and are passed through unchanged.

    ``raw_file`` is resolved as follows: a relative path is joined to
    ``kpfile_root`` (the current directory when ``kpfile_root`` is None, as
    in PYSKL); an absolute path is used as is and, if it does not exist and
    ``kpfile_root`` is given, ``kpfile_root/basename(raw_file)`` is tried,
    so a table of contents written on another machine still works once the
    kpfiles are gathered in one folder. A missing, unreadable or malformed
    kpfile raises an error naming the sample and the file.

    ``box_thr`` and ``valid_ratio`` behave exactly as in MMAction2's
    ``PoseDataset`` (and PYSKL's): only when ``valid_ratio`` is a positive
    float are clips with fewer than ``valid_ratio * total_frames`` frames
    with a box scoring at least ``box_thr`` dropped, and only then are the
    skeletons below ``box_thr`` removed (through ``anno_inds``, which
    ``DecompressPose`` applies). With ``valid_ratio`` None or 0.0, the
    setting of the released K400 configs, ``box_thr`` has **no effect**
    (ACLNet spec 3.2 #7).

    Each access loads the clip's whole kpfile and nothing is cached; split
    large multi-clip kpfiles into per-clip ones if loading becomes the
    bottleneck. For per-clip files named ``<frame_dir>.pkl`` MMAction2's own
    route, ``PoseDataset(data_prefix=dict(skeleton=...))``, works too.

    The file format and the filter semantics follow PYSKL's ``PoseDataset``
    and ``BaseDataset`` (``kennymckormick/pyskl``, Apache-2.0); no code is
    taken from it.

    Args:
        ann_file (str): Path to the annotation pickle.
        pipeline (list[dict | callable]): A sequence of data transforms,
            typically starting with ``DecompressPose(squeeze=True)``.
        kpfile_root (str, optional): Folder that relative ``raw_file`` paths
            are relative to; joined to ``data_root`` when that is given and
            ``kpfile_root`` is relative. None means the current working
            directory. Defaults to None.
        split (str, optional): Split name in the annotation file, e.g.
            ``'train'`` or ``'val'``. None keeps every annotation.
            Defaults to None.
        valid_ratio (float, optional): Minimum fraction of frames with a
            skeleton whose box score is at least ``box_thr``; see above.
            Defaults to None.
        box_thr (float): Box-score threshold, one of 0.5, 0.6, 0.7, 0.8,
            0.9; only used when ``valid_ratio`` is positive.
            Defaults to 0.5.
        **kwargs: Passed on to :class:`CheckedPoseDataset` (``num_classes``,
            ``num_joints``, checked per kpfile when it is read,
            ``test_mode``,
            ``metainfo``, ``data_root``, ``lazy_init``, ...).
            ``data_prefix`` may not name ``skeleton`` or ``video``: use
            ``kpfile_root`` instead.
    """

    def __init__(self,
                 ann_file: str,
                 pipeline: List[Union[Dict, Callable]],
                 kpfile_root: Optional[str] = None,
                 split: Optional[str] = None,
                 valid_ratio: Optional[float] = None,
                 box_thr: float = 0.5,
                 **kwargs) -> None:
        data_prefix = kwargs.get('data_prefix') or {}
        for key in ('skeleton', 'video'):
            if key in data_prefix:
                raise ValueError(
                    f'KineticsPoseDataset does not use data_prefix[{key!r}]; '
                    'set kpfile_root to the folder the raw_file paths of '
                    'the annotations are relative to')
        if box_thr not in (.5, .6, .7, .8, .9):
            raise ValueError('box_thr must be one of 0.5, 0.6, 0.7, 0.8, '
                             f'0.9, got {box_thr}')
        self.kpfile_root = kpfile_root
        super().__init__(
            ann_file,
            pipeline=pipeline,
            split=split,
            valid_ratio=valid_ratio,
            box_thr=box_thr,
            **kwargs)

    @property
    def resolved_kpfile_root(self) -> Optional[str]:
        """str | None: ``kpfile_root`` joined to ``data_root`` if needed."""
        root = self.kpfile_root
        if root is not None and self.data_root and not osp.isabs(root):
            root = osp.join(self.data_root, root)
        return root

    def load_data_list(self) -> List[Dict]:
        """Read the annotation pickle and keep the samples of ``split``.

        Returns:
            list[dict]: One metadata dict per clip (no keypoints yet).
        """
        annos, splits = self.read_annotation_file()
        annos = self.select_split(annos, splits)
        # labels now; keypoints when each kpfile is read (_load_entry)
        return self.check_samples(list(annos))

    def filter_data(self) -> List[Dict]:
        """Apply ``valid_ratio``/``box_thr`` as ``PoseDataset`` does.

        Note:
            Drops the ``valid`` and ``box_score`` fields of every kept
            annotation afterwards; nothing downstream reads them.
        """
        num_loaded = len(self.data_list)
        data_list = super().filter_data()
        if num_loaded and not data_list:
            raise ValueError(
                f'no sample of split {self.split!r} in {self.ann_file} has '
                f'valid_ratio={self.valid_ratio} of its frames with a box '
                f'score >= box_thr={self.box_thr}')
        for item in data_list:
            for key in _FILTER_ONLY_KEYS:
                item.pop(key, None)
        return data_list

    def get_data_info(self, idx: int) -> Dict:
        """Get the annotation of sample ``idx`` merged with its kpfile entry.

        Args:
            idx (int): Sample index.

        Returns:
            dict: The annotation plus the entry's fields (``keypoint`` of
            shape ``(N, V, 3)``), ready for ``DecompressPose``.
        """
        data_info = super().get_data_info(idx)
        if 'raw_file' not in data_info:
            if 'keypoint' not in data_info:
                raise ValueError(
                    f'sample {self._identifier(data_info)!r} in '
                    f'{self.ann_file} has neither raw_file nor keypoint')
            return data_info
        data_info.update(self._load_entry(data_info))
        return data_info

    def _load_entry(self, data_info: Dict) -> Dict:
        """Load, look up and check the kpfile entry of one sample."""
        name = self._identifier(data_info)
        path = self._find_kpfile(name, data_info['raw_file'])
        try:
            content = load_pickle(path, 'kpfile')
        except UnsafePickleError as err:
            raise UnsafePickleError(f'sample {name!r}: {err}') from None
        except PickleFileError as err:
            raise ValueError(f'sample {name!r}: {err}') from None
        if not isinstance(content, dict):
            raise ValueError(f'kpfile {path} of sample {name!r} holds a '
                             f'{type(content).__name__}, not a dict')
        if name in content:
            entry = content[name]
        elif 'keypoint' in content:
            entry = content  # a per-clip kpfile
        else:
            raise ValueError(
                f'kpfile {path} has no entry for sample {name!r} (and no '
                "top-level 'keypoint')")
        if not isinstance(entry, dict) or 'keypoint' not in entry:
            raise ValueError(f'the entry of sample {name!r} in kpfile {path} '
                             "is not a dict with 'keypoint'")
        keypoint = np.asarray(entry['keypoint'])
        if keypoint.ndim != 3 or keypoint.shape[-1] != 3:
            raise ValueError(
                f'keypoint of sample {name!r} in kpfile {path} has shape '
                f'{keypoint.shape}, expected (N, V, 3)')
        # the skeletons as one person's frames: the shared sample checks
        # (at least one, joint count, finite values) apply as they are
        problem = check_pose_sample(dict(keypoint=keypoint[None]),
                                    num_joints=self.num_joints)
        if problem is not None:
            raise InvalidSampleError(
                f'sample {name!r} in kpfile {path} {problem[1]}')
        num_skeletons = keypoint.shape[0]
        for key in ('frame_inds', 'anno_inds'):
            inds = entry.get(key, data_info.get(key))
            if inds is not None and len(inds) != num_skeletons:
                raise ValueError(
                    f'sample {name!r}: {key} has {len(inds)} entries but '
                    f'kpfile {path} holds {num_skeletons} skeletons')
        return entry

    def _find_kpfile(self, name: str, raw_file: str) -> str:
        """Resolve ``raw_file``; raise FileNotFoundError naming both."""
        root = self.resolved_kpfile_root
        if osp.isabs(raw_file):
            candidates = [raw_file]
            if root is not None:
                candidates.append(osp.join(root, osp.basename(raw_file)))
        else:
            candidates = [osp.join(root or '', raw_file)]
        for path in candidates:
            if osp.isfile(path):
                return path
        raise FileNotFoundError(
            f'kpfile of sample {name!r} not found: raw_file={raw_file!r}, '
            f'tried {candidates} (kpfile_root={root!r})')
