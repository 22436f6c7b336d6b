"""What a config's test pipeline expects as input, and the dict it takes.

:class:`InputSpec` reads a config once and answers: how many joints and
coordinates an input skeleton must have, whether 2D keypoints go with a
score channel, whether the pipeline starts from PYSKL's compressed
"kpfile" form (``DecompressPose``), and whether ``img_shape`` matters
(``PreNormalize2D``). :meth:`InputSpec.annotation` then checks a skeleton
array against that and builds the annotation dict the pipeline's first
transform reads, the same fields a ``PoseDataset`` sample carries.

The rules, first match wins:

- joints: 17 when the pipeline holds ``COCO17To20`` (COCO-17 in, 20-joint
  ``coco_new`` to the model); else the test dataset's ``num_joints``
  (``CheckedPoseDataset`` and its subclasses); else the backbone's graph
  layout (``graph_cfg.layout``: a name or a dict with ``num_node``).
- coordinates: the test dataset's ``num_channels``; else 2 when the
  pipeline holds ``DecompressPose``, ``COCO17To20`` or ``PreNormalize2D``
  or a ``GenSkeFeat`` for ``coco`` / ``openpose``; else 3 when it holds
  ``PreNormalize3D`` or the layout is ``nturgb+d`` / ``kinect_v1``; else 2.
- score channel: 2D inputs of a backbone with ``in_channels=3`` (the
  default) carry one; when none is given, 1.0 is used for every joint.
"""
from typing import Dict, List, Optional, Tuple

import numpy as np
from mmengine.config import Config
from mmengine.logging import print_log

from aclnet_mm.layouts import get_layout

_3D_LAYOUTS = ('nturgb+d', 'kinect_v1')
_2D_MARKERS = ('DecompressPose', 'COCO17To20', 'PreNormalize2D')


def test_pipeline_cfg(cfg: Config) -> List[Dict]:
    """The pipeline ``mim test`` runs: the test dataset's, else
    ``cfg.test_pipeline``.

    Args:
        cfg (Config): The model's config.

    Returns:
        list[dict]: Transform configs.
    """
    dataset = cfg.get('test_dataloader', {}).get('dataset', {})
    while 'pipeline' not in dataset and 'dataset' in dataset:
        dataset = dataset['dataset']  # wrappers (RepeatDataset, ...)
    pipeline = dataset.get('pipeline', cfg.get('test_pipeline'))
    if not pipeline:
        raise ValueError('the config has neither test_dataloader.dataset.'
                         'pipeline nor test_pipeline')
    return [dict(t) for t in pipeline]


def test_dataset_cfg(cfg: Config) -> Dict:
    """The test dataset's config (inside dataset wrappers), or ``{}``."""
    dataset = cfg.get('test_dataloader', {}).get('dataset', {})
    while 'dataset' in dataset and 'type' in dataset and \
            'ann_file' not in dataset:
        dataset = dataset['dataset']
    return dict(dataset)


class InputSpec:
    """The input a config's test pipeline expects.

    Args:
        num_joints (int): Joints ``V`` of an input skeleton.
        num_coords (int): Coordinates ``C`` per joint, 2 or 3.
        with_score (bool): 2D inputs carry a score per joint.
        kpfile (bool): The pipeline starts with ``DecompressPose``.
        uses_img_shape (bool): ``PreNormalize2D`` reads ``img_shape``.
        num_person (int): Persons the pipeline's ``FormatGCNInput`` keeps.
        layout (str): Name of the model's layout, for messages.
    """

    def __init__(self,
                 num_joints: int,
                 num_coords: int,
                 with_score: bool = False,
                 kpfile: bool = False,
                 uses_img_shape: bool = False,
                 num_person: int = 2,
                 layout: str = '?') -> None:
        self.num_joints = num_joints
        self.num_coords = num_coords
        self.with_score = with_score
        self.kpfile = kpfile
        self.uses_img_shape = uses_img_shape
        self.num_person = num_person
        self.layout = layout
        self._warned_img_shape = False

    @classmethod
    def from_config(cls, cfg: Config) -> 'InputSpec':
        """Derive the spec from a config (see the module docstring)."""
        pipeline = test_pipeline_cfg(cfg)
        types = [t.get('type') for t in pipeline]
        dataset = test_dataset_cfg(cfg)
        backbone = cfg.model.get('backbone', {})
        layout = backbone.get('graph_cfg', {}).get('layout', 'nturgb+d')
        try:
            layout_joints = get_layout(layout).num_node
        except (TypeError, ValueError):
            layout_joints = None
        layout_name = layout if isinstance(layout, str) else 'custom'
        if 'COCO17To20' in types:
            num_joints = 17
        elif dataset.get('num_joints'):
            num_joints = int(dataset['num_joints'])
        elif layout_joints:
            num_joints = int(layout_joints)
        else:
            raise ValueError(f'cannot tell the joint count of layout '
                             f'{layout!r}; set num_joints on the test '
                             'dataset')
        gen_feat = [
            t.get('dataset') for t in pipeline if t.get('type') == 'GenSkeFeat'
        ]
        if dataset.get('num_channels'):
            num_coords = int(dataset['num_channels'])
        elif any(t in types for t in _2D_MARKERS) or any(
                d in ('coco', 'openpose') for d in gen_feat):
            num_coords = 2
        elif 'PreNormalize3D' in types or layout_name in _3D_LAYOUTS:
            num_coords = 3
        else:
            num_coords = 2
        with_score = num_coords == 2 and backbone.get('in_channels', 3) == 3
        num_person = 2
        for t in pipeline:
            if t.get('type') == 'FormatGCNInput':
                num_person = int(t.get('num_person', 2))
        return cls(
            num_joints=num_joints,
            num_coords=num_coords,
            with_score=with_score,
            kpfile=bool(types) and types[0] == 'DecompressPose',
            uses_img_shape='PreNormalize2D' in types,
            num_person=num_person,
            layout=layout_name)

    @property
    def shape_text(self) -> str:
        """The expected shape, e.g. ``(M, T, 25, 3)``, for messages."""
        return f'(M, T, {self.num_joints}, {self.num_coords})'

    def check(self,
              keypoint: np.ndarray,
              keypoint_score: Optional[np.ndarray] = None,
              name: str = 'keypoint'
              ) -> Tuple[np.ndarray, Optional[np.ndarray]]:
        """Check an input and bring it to ``(M, T, V, C)`` float32.

        Args:
            keypoint (np.ndarray): ``(M, T, V, C)`` or ``(T, V, C)``.
            keypoint_score (np.ndarray, optional): ``(M, T, V)`` or
                ``(T, V)``. Defaults to None.
            name (str): What the input is, for messages.
                Defaults to ``'keypoint'``.

        Returns:
            tuple: ``keypoint`` float32 ``(M, T, V, C)`` and
            ``keypoint_score`` float32 ``(M, T, V)`` (ones when the model
            wants a score and none was given) or None.

        Raises:
            ValueError: On a wrong shape, joint or coordinate count, an
                empty or non-finite input; the message names ``name`` and
                the expected shape.
        """
        kp = np.array(keypoint, dtype=np.float32)  # a copy: transforms
        # such as PreNormalize2D write into it
        if kp.ndim == 3:
            kp = kp[None]
        want = (f'the config expects {self.shape_text} (layout '
                f'{self.layout}, {self.num_coords}D'
                f'{", scores separately" if self.with_score else ""})')
        if kp.ndim != 4:
            raise ValueError(f'{name} has shape {kp.shape}; {want}')
        M, T, V, C = kp.shape
        if V != self.num_joints:
            raise ValueError(
                f'{name} has {V} joints (shape {kp.shape}); {want}')
        if C != self.num_coords:
            raise ValueError(
                f'{name} has {C} coordinates per joint (shape {kp.shape}); '
                f'{want}')
        if M == 0 or T == 0:
            raise ValueError(f'{name} is empty (shape {kp.shape}); {want}')
        if not np.isfinite(kp).all():
            raise ValueError(f'{name} has {int((~np.isfinite(kp)).sum())} '
                             'non-finite values')
        score = None
        if keypoint_score is not None:
            if self.num_coords == 3:
                raise ValueError(f'{name}: keypoint_score goes with 2D '
                                 'inputs; this config is 3D')
            score = np.array(keypoint_score, dtype=np.float32)
            if score.ndim == 2:
                score = score[None]
            if score.shape != kp.shape[:3]:
                raise ValueError(
                    f'{name}: keypoint_score has shape {score.shape}, '
                    f'expected {kp.shape[:3]} (M, T, V)')
            if not np.isfinite(score).all():
                raise ValueError(f'{name}: keypoint_score is not finite')
        if self.with_score and score is None:
            score = np.ones(kp.shape[:3], dtype=np.float32)
        if not self.with_score:
            score = None
        return kp, score

    def annotation(self,
                   keypoint: np.ndarray,
                   keypoint_score: Optional[np.ndarray] = None,
                   img_shape: Optional[Tuple[int, int]] = None,
                   name: str = 'keypoint') -> Dict:
        """Check an input and build the test pipeline's input dict.

        Args:
            keypoint (np.ndarray): ``(M, T, V, C)`` or ``(T, V, C)``.
            keypoint_score (np.ndarray, optional): ``(M, T, V)``.
                Defaults to None.
            img_shape (tuple[int, int], optional): ``(h, w)`` of the video
                the 2D keypoints are pixels of. Defaults to None.
            name (str): Name of the input, for messages and ``frame_dir``.

        Returns:
            dict: ``frame_dir``, ``label`` (-1), ``total_frames``,
            ``start_index``, ``modality``, ``keypoint`` (and
            ``keypoint_score``, ``img_shape``), or for a kpfile pipeline
            the compressed ``keypoint`` ``(N, V, 3)`` with ``frame_inds``.
        """
        kp, score = self.check(keypoint, keypoint_score, name)
        M, T = kp.shape[:2]
        anno = dict(
            frame_dir=name,
            label=-1,
            total_frames=T,
            start_index=0,
            modality='Pose')
        if img_shape is not None:
            anno['img_shape'] = tuple(int(x) for x in img_shape)
            anno['original_shape'] = anno['img_shape']
        elif self.uses_img_shape and not self._warned_img_shape:
            print_log(
                f'{name}: no img_shape given; PreNormalize2D uses its '
                'default (1080, 1920)',
                logger='current')
            self._warned_img_shape = True
        if self.kpfile:
            anno.update(compress(kp, score))
            return anno
        anno['keypoint'] = kp
        if score is not None:
            anno['keypoint_score'] = score
        return anno


def compress(keypoint: np.ndarray,
             keypoint_score: Optional[np.ndarray]) -> Dict:
    """PYSKL's compressed form of ``(M, T, V, 2)`` keypoints.

    The inverse of ``DecompressPose``: one row per person and frame where
    the person has any non-zero coordinate or score, frames in order,
    persons in slot order.

    Args:
        keypoint (np.ndarray): ``(M, T, V, 2)``.
        keypoint_score (np.ndarray, optional): ``(M, T, V)``; ones if None.

    Returns:
        dict: ``keypoint`` float32 ``(N, V, 3)`` (x, y, score) and
        ``frame_inds`` int ``(N, )``.
    """
    M, T, V, _ = keypoint.shape
    if keypoint_score is None:
        keypoint_score = np.ones((M, T, V), dtype=np.float32)
    merged = np.concatenate([keypoint, keypoint_score[..., None]], axis=-1)
    present = np.abs(merged).reshape(M, T, -1).max(axis=-1) > 0  # (M, T)
    rows, inds = [], []
    for t in range(T):
        for m in range(M):
            if present[m, t]:
                rows.append(merged[m, t])
                inds.append(t)
    if not rows:
        raise ValueError('every keypoint and score is zero: no person')
    return dict(
        keypoint=np.stack(rows).astype(np.float32),
        frame_inds=np.asarray(inds, dtype=np.int64))
