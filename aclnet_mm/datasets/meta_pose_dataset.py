"""A PoseDataset whose annotations must carry metadata for a metric."""
from typing import Dict, List, Tuple

import mmengine

from .checked_pose_dataset import CheckedPoseDataset
from .sample_checks import check_split


class MetaPoseDataset(CheckedPoseDataset):
    """Base of the gait and re-ID datasets (not registered).

    Loads a ``{split, annotations}`` pickle, keeps the split, checks every
    sample as :class:`CheckedPoseDataset` does (label ``-1``, an unseen
    test subject, is accepted) and that every annotation
    carries the fields in :attr:`META_KEYS` as non-empty
    strings, naming the sample otherwise, so that
    ``PackActionInputs(meta_keys=META_KEYS)`` can hand them to the metric.
    Subclasses set :attr:`META_KEYS`, :attr:`TASK` (for messages) and
    :attr:`CONVERTER` (the tool that writes such pickles).
    """

    ALLOW_UNLABELLED = True
    META_KEYS: Tuple[str, ...] = ()
    TASK = ''
    CONVERTER = ''

    def load_data_list(self) -> List[Dict]:
        """Read the pickle, keep the split and check the metadata.

        Returns:
            list[dict]: The annotations of the split.

        Raises:
            ValueError: If the file is not an annotation pickle, the split
                is unknown, a sample lacks one of :attr:`META_KEYS` or is
                invalid.
        """
        if not self.ann_file.endswith(('.pkl', '.pickle')):
            raise ValueError(
                f'ann_file must be a pickle file, got {self.ann_file!r}')
        data = mmengine.load(self.ann_file)
        if not isinstance(data, dict) or 'annotations' not in data:
            raise ValueError(
                f"{self.ann_file} is not a dict with 'annotations' (write it "
                f'with {self.CONVERTER})')
        annos = data['annotations']
        if self.split is not None:
            splits = data.get('split', {})
            check_split(self.split, splits, self.ann_file)
            names = set(splits[self.split])
            annos = [a for a in annos if a.get('frame_dir') in names]
        for anno in annos:
            self._check_meta(anno)
        return self.check_samples(annos)

    def _check_meta(self, anno: Dict) -> None:
        """Raise ValueError naming the sample if metadata is missing."""
        for key in self.META_KEYS:
            value = anno.get(key)
            if not isinstance(value, str) or not value:
                raise ValueError(
                    f'sample {anno.get("frame_dir")!r} in {self.ann_file} '
                    f'has no {self.TASK} metadata {key!r} (got {value!r}); '
                    f'{type(self).__name__} needs {list(self.META_KEYS)} as '
                    f'strings (convert with {self.CONVERTER})')
