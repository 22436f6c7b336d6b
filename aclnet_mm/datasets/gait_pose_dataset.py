"""Gait sequences with subject, condition and view for the gait metric."""
from mmaction.registry import DATASETS

from .meta_pose_dataset import MetaPoseDataset

#: Metadata every gait annotation must carry, as non-empty strings.
GAIT_META_KEYS = ('subject_id', 'condition', 'view')


@DATASETS.register_module()
class GaitPoseDataset(MetaPoseDataset):
    """A :class:`mmaction.datasets.PoseDataset` of gait sequences.

    Reads the pickle written by ``tools/data/casia_b_to_pkl.py``:
    ``{'split': {'train': [...], 'test': [...]}, 'annotations': [...]}``,
    where each annotation has the ``PoseDataset`` fields (``frame_dir``,
    ``label``, ``total_frames``, ``keypoint`` ``(1, T, 17, 2)``,
    ``keypoint_score`` ``(1, T, 17)``, ``img_shape``) plus ``subject_id``
    (e.g. ``'075'``), ``condition`` (e.g. ``'nm-05'``) and ``view`` (e.g.
    ``'090'``). Loading checks that every annotation of the split carries
    the three as non-empty strings, so that a pipeline ending in
    ``dict(type='PackActionInputs', meta_keys=GAIT_META_KEYS)`` hands them
    to the gait metric. ``label`` is the training-class index of a training
    subject and ``-1`` for a test subject; the metric matches on
    ``subject_id``.

    Args:
        ann_file (str): Path to the annotation pickle.
        pipeline (list[dict | callable]): A sequence of data transforms.
        split (str, optional): ``'train'`` or ``'test'``. None keeps every
            annotation. Defaults to None.
        **kwargs: Passed on to :class:`PoseDataset` (``test_mode``,
            ``data_root``, ``lazy_init``, ...).

    A config entry::

        train_dataset = dict(
            type='GaitPoseDataset', ann_file='data/casia-b_2d.pkl',
            split='train', pipeline=train_pipeline)
    """

    META_KEYS = GAIT_META_KEYS
    TASK = 'gait'
    CONVERTER = 'tools/data/casia_b_to_pkl.py'
