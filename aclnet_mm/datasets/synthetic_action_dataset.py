"""An in-memory skeleton dataset of synthetic actions (no files needed)."""
from typing import Callable, Dict, List, Union

from mmaction.datasets import BaseActionDataset
from mmaction.registry import DATASETS

from .synthetic_actions import (SYNTHETIC_CLASSES, SYNTHETIC_GROUPS,
                                VAL_SEED_OFFSET, make_synthetic_actions)

_SPLITS = ('train', 'val')


@DATASETS.register_module()
class SyntheticActionDataset(BaseActionDataset):
    """Procedurally generated 3D skeleton actions, 12 classes in 4 groups.

    A drop-in replacement for an NTU RGB+D ``PoseDataset`` (25 joints, 3D,
    one person per sample, ``modality='Pose'``) that needs no annotation
    file: :meth:`load_data_list` draws the samples with
    :func:`~aclnet_mm.datasets.synthetic_actions.make_synthetic_actions`.
    The metainfo holds ``classes`` (the class names) and ``groups`` (the
    planted groups of confusable classes, tuples of class indices).

    Args:
        pipeline (list[dict | callable]): A sequence of data transforms,
            e.g. MMAction2's skeleton pipeline (``PreNormalize3D``,
            ``GenSkeFeat``, ``UniformSampleFrames``, ``PoseDecode``,
            ``FormatGCNInput``, ``PackActionInputs``).
        split (str): ``'train'`` draws with ``seed``, ``'val'`` with
            ``seed + VAL_SEED_OFFSET``, an independent held-out draw.
            Defaults to ``'train'``.
        num_per_class (int): Samples per class. Defaults to 30.
        seed (int): Non-negative random seed. Defaults to 0.
        min_frames (int): Shortest sequence length. Defaults to 40.
        max_frames (int): Longest sequence length. Defaults to 64.
        test_mode (bool): Store True when building a test or validation
            dataset. Defaults to False.
        **kwargs: Passed on to :class:`BaseActionDataset` (for example
            ``metainfo``, ``indices``, ``lazy_init``); ``ann_file`` and
            ``modality`` are fixed and may not be given.
    """

    METAINFO = dict(classes=SYNTHETIC_CLASSES, groups=SYNTHETIC_GROUPS)

    def __init__(self,
                 pipeline: List[Union[Dict, Callable]],
                 split: str = 'train',
                 num_per_class: int = 30,
                 seed: int = 0,
                 min_frames: int = 40,
                 max_frames: int = 64,
                 test_mode: bool = False,
                 **kwargs) -> None:
        if split not in _SPLITS:
            raise ValueError(f'split must be one of {_SPLITS}, got {split!r}')
        for key in ('ann_file', 'modality'):
            if key in kwargs:
                raise ValueError(
                    f'SyntheticActionDataset does not take {key!r}: it '
                    'generates 3D pose samples in memory')
        self.split = split
        self.num_per_class = num_per_class
        self.seed = seed
        self.min_frames = min_frames
        self.max_frames = max_frames
        super().__init__(
            ann_file='',
            pipeline=pipeline,
            test_mode=test_mode,
            modality='Pose',
            **kwargs)

    @property
    def split_seed(self) -> int:
        """int: The seed the samples of this split are drawn with."""
        if self.split == 'val':
            return self.seed + VAL_SEED_OFFSET
        return self.seed

    def load_data_list(self) -> List[Dict]:
        """Generate the annotations of the split.

        Returns:
            list[dict]: ``PoseDataset``-style annotations (``frame_dir``,
            ``label``, ``keypoint`` of shape (1, T, 25, 3), float32, and
            ``total_frames``), ordered by class; ``frame_dir`` starts with
            ``'syn_train'`` or ``'syn_val'``.
        """
        return make_synthetic_actions(
            self.num_per_class,
            seed=self.split_seed,
            min_frames=self.min_frames,
            max_frames=self.max_frames,
            prefix=f'syn_{self.split}')
