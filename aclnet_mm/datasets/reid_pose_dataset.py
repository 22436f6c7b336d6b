"""Skeleton re-ID sequences with subject and role for the re-ID metric."""
from mmaction.registry import DATASETS

from .meta_pose_dataset import MetaPoseDataset

#: Metadata every re-ID annotation must carry, as non-empty strings.
REID_META_KEYS = ('subject_id', 'role')


@DATASETS.register_module()
class ReIDPoseDataset(MetaPoseDataset):
    """A :class:`mmaction.datasets.PoseDataset` of skeleton re-ID samples.

    Reads the pickle written by ``tools/data/reid_npy_to_pkl.py``:
    ``{'split': {'train': [...], 'test': [...], 'probe': [...],
    'gallery': [...]}, 'annotations': [...]}``, where each annotation has
    the ``PoseDataset`` fields (``frame_dir``, ``label``, ``total_frames``,
    ``keypoint`` ``(1, f, J, 3)``) plus ``subject_id`` (the person, e.g.
    ``'7'``) and ``role`` (``'train'``, ``'probe'`` or ``'gallery'``).
    Loading checks that every annotation of the split carries both as
    non-empty strings, so that a pipeline ending in
    ``dict(type='PackActionInputs', meta_keys=REID_META_KEYS)`` hands them
    to :class:`ReIDRetrievalMetric`, whose default setting retrieves the
    ``role='probe'`` samples from the ``role='gallery'`` ones by
    ``subject_id``. Use the ``test`` split (probe and gallery together) for
    evaluation; ``label`` is the training-class index of a training sample
    and ``-1`` otherwise.

    Args:
        ann_file (str): Path to the annotation pickle.
        pipeline (list[dict | callable]): A sequence of data transforms.
        split (str, optional): ``'train'``, ``'test'``, ``'probe'`` or
            ``'gallery'``. None keeps every annotation. Defaults to None.
        **kwargs: Passed on to :class:`PoseDataset` (``test_mode``,
            ``data_root``, ``lazy_init``, ...).

    A config entry::

        test_dataset = dict(
            type='ReIDPoseDataset', ann_file='data/ks20_f6.pkl',
            split='test', test_mode=True, pipeline=test_pipeline)
    """

    META_KEYS = REID_META_KEYS
    TASK = 're-ID'
    CONVERTER = 'tools/data/reid_npy_to_pkl.py'
