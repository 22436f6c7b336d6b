"""Skeleton re-ID sequences with subject and role for the re-ID metric."""
from typing import Dict, List

import mmengine
from mmaction.datasets import PoseDataset
from mmaction.registry import DATASETS

#: Metadata every re-ID annotation must carry, as non-empty strings.
REID_META_KEYS = ('subject_id', 'role')


@DATASETS.register_module()
class ReIDPoseDataset(PoseDataset):
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

    def load_data_list(self) -> List[Dict]:
        """Read the pickle, keep the split and check the re-ID metadata.

        Returns:
            list[dict]: The annotations of the split.

        Raises:
            ValueError: If the file is not an annotation pickle, the split
                is unknown, or a sample lacks ``subject_id`` or ``role``.
        """
        if not self.ann_file.endswith(('.pkl', '.pickle')):
            raise ValueError(
                f'ann_file must be a pickle file, got {self.ann_file!r}')
        data = mmengine.load(self.ann_file)
        if not isinstance(data, dict) or 'annotations' not in data:
            raise ValueError(
                f"{self.ann_file} is not a dict with 'annotations' (write it "
                'with tools/data/reid_npy_to_pkl.py)')
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
        """Raise ValueError naming the sample if re-ID metadata is missing."""
        for key in REID_META_KEYS:
            value = anno.get(key)
            if not isinstance(value, str) or not value:
                raise ValueError(
                    f'sample {anno.get("frame_dir")!r} in {self.ann_file} '
                    f'has no re-ID metadata {key!r} (got {value!r}); '
                    f'ReIDPoseDataset needs {list(REID_META_KEYS)} as '
                    'strings (convert with tools/data/reid_npy_to_pkl.py)')
