"""A PoseDataset whose annotations must carry metadata for a metric."""
from typing import Dict, List, Tuple

from .checked_pose_dataset import CheckedPoseDataset


class MetaPoseDataset(CheckedPoseDataset):
    """Base of the gait and re-ID datasets (not registered).

    Loads a ``{split, annotations}`` pickle (safely, as
    :class:`CheckedPoseDataset` does), keeps the split, checks every
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
                is unknown, the file or split has no annotation, a sample
                lacks one of :attr:`META_KEYS` or is invalid.
        """
        annos, splits = self.read_annotation_file(self.CONVERTER)
        annos = self.select_split(annos, splits)
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
