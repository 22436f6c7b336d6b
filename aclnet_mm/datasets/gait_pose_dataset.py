"""Gait sequences with subject, condition and view for the gait metric."""
from typing import Dict, List

import mmengine
from mmaction.datasets import PoseDataset
from mmaction.registry import DATASETS

#: Metadata every gait annotation must carry, as non-empty strings.
GAIT_META_KEYS = ('subject_id', 'condition', 'view')


@DATASETS.register_module()
class GaitPoseDataset(PoseDataset):
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

    def load_data_list(self) -> List[Dict]:
        """Read the pickle, keep the split and check the gait metadata.

        Returns:
            list[dict]: The annotations of the split.

        Raises:
            ValueError: If the file is not an annotation pickle, the split
                is unknown, or a sample lacks ``subject_id``,
                ``condition`` or ``view``.
        """
        if not self.ann_file.endswith(('.pkl', '.pickle')):
            raise ValueError(
                f'ann_file must be a pickle file, got {self.ann_file!r}')
        data = mmengine.load(self.ann_file)
        if not isinstance(data, dict) or 'annotations' not in data:
            raise ValueError(
                f"{self.ann_file} is not a dict with 'annotations' (write it "
                'with tools/data/casia_b_to_pkl.py)')
        annos = data['annotations']
        if self.split is not None:
            splits = data.get('split', {})
            if self.split not in splits:
                raise ValueError(
                    f'split {self.split!r} is not in {self.ann_file}; '
                    f'available: {sorted(splits)}')
            names = set(splits[self.split])
            annos = [a for a in annos if a.get('frame_dir') in names]
        for anno in annos:
            self._check_meta(anno)
        return annos

    def _check_meta(self, anno: Dict) -> None:
        """Raise ValueError naming the sample if gait metadata is missing."""
        for key in GAIT_META_KEYS:
            value = anno.get(key)
            if not isinstance(value, str) or not value:
                raise ValueError(
                    f'sample {anno.get("frame_dir")!r} in {self.ann_file} '
                    f'has no gait metadata {key!r} (got {value!r}); '
                    f'GaitPoseDataset needs {list(GAIT_META_KEYS)} as '
                    'strings (convert with tools/data/casia_b_to_pkl.py)')
