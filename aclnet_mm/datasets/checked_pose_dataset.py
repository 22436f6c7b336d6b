"""MMAction2's PoseDataset, with every annotation checked when it loads."""
import os.path as osp
from typing import Dict, List, Optional, Tuple

from mmaction.datasets import PoseDataset
from mmaction.datasets.base import BaseActionDataset
from mmaction.registry import DATASETS

from ..utils.safe_pickle import load_pickle
from .sample_checks import check_split, validate_samples


@DATASETS.register_module()
class CheckedPoseDataset(PoseDataset):
    """A :class:`mmaction.datasets.PoseDataset` that rejects bad samples.

    Reads the same ``{split, annotations}`` pickle and then checks every
    annotation of the split (:func:`~aclnet_mm.datasets.sample_checks.\
check_pose_sample`): keypoints ``(M, T, V, C)`` with at least one frame,
    ``total_frames`` equal to ``T``, finite values, ``V == num_joints``,
    ``C == num_channels`` and ``0 <= label < num_classes``. A bad sample
    raises :class:`~aclnet_mm.datasets.sample_checks.InvalidSampleError`
    naming the annotation file, the sample (``frame_dir``) and the
    problem; with ``skip_invalid=True`` bad samples are dropped with one
    warning that counts them by reason. An unknown ``split`` lists the
    splits the file has; a file or split without annotations is an error.
    Without ``num_joints`` / ``num_channels`` the most common ``V`` / ``C``
    of the split is expected.

    The pickle is read with :func:`aclnet_mm.utils.safe_pickle.load_pickle`
    (as are per-sample files of ``data_prefix=dict(skeleton=...)``): it
    builds only data (numbers, strings, containers, numpy arrays), so a
    file whose unpickling would run code is refused, naming the file and
    the global; a missing, empty, truncated or folder ``ann_file`` is one
    error naming the file.

    Args:
        ann_file (str): Path to the annotation pickle.
        pipeline (list[dict | callable]): A sequence of data transforms.
        num_classes (int, optional): Number of classes. Defaults to None
            (labels must only be non-negative).
        num_joints (int, optional): Joints of the skeleton layout, e.g. 25
            for ``nturgb+d``, 17 for ``coco``. Defaults to None.
        num_channels (int, optional): 3 for 3D, 2 for 2D keypoints.
            Defaults to None.
        skip_invalid (bool): Drop bad samples instead of raising.
            Defaults to False.
        **kwargs: Passed on to :class:`PoseDataset` (``split``,
            ``valid_ratio``, ``box_thr``, ``test_mode``, ...).
    """

    #: Accept label -1 (gait / re-ID: a test subject outside the classes).
    ALLOW_UNLABELLED = False

    def __init__(self,
                 ann_file: str,
                 pipeline: List,
                 num_classes: Optional[int] = None,
                 num_joints: Optional[int] = None,
                 num_channels: Optional[int] = None,
                 skip_invalid: bool = False,
                 **kwargs) -> None:
        self.num_joints = num_joints
        self.num_channels = num_channels
        self.skip_invalid = skip_invalid
        # BaseActionDataset keeps num_classes as self.num_classes
        super().__init__(
            ann_file, pipeline=pipeline, num_classes=num_classes, **kwargs)

    def load_data_list(self) -> List[Dict]:
        """Read the pickle safely, keep the split, then check it.

        Raises:
            ValueError: If the file is not an annotation pickle, the split
                is not in the file (listing those that are), the file or
                split has no annotation, or a sample is invalid (see the
                class docstring).
        """
        annos, splits = self.read_annotation_file()
        data_list = self.select_split(annos, splits)
        prefix = self.data_prefix.get('video')
        if prefix:  # as MMAction2's PoseDataset does
            for item in data_list:
                for key in ('filename', 'frame_dir'):
                    if key in item:
                        item[key] = osp.join(prefix, item[key])
        return self.check_samples(data_list)

    def read_annotation_file(self,
                             converter: str = '') -> Tuple[List[Dict], Dict]:
        """The annotations and splits of ``ann_file``, read safely.

        Args:
            converter (str): The tool that writes such files, for the
                message about a file of another kind. Defaults to ''.

        Returns:
            tuple[list[dict], dict]: The annotations and the splits (empty
            for a file that is a bare list of annotations).

        Raises:
            ValueError: If the file is not a ``.pkl`` / ``.pickle``, cannot
                be read (:class:`~aclnet_mm.utils.safe_pickle.\
PickleFileError`, :class:`~aclnet_mm.utils.safe_pickle.UnsafePickleError`)
                or holds something else than annotations.
            FileNotFoundError: If it does not exist.
        """
        if not str(self.ann_file).endswith(('.pkl', '.pickle')):
            raise ValueError(
                f'ann_file must be a pickle file, got {self.ann_file!r}')
        data = load_pickle(self.ann_file, 'annotation file')
        if isinstance(data, dict) and 'annotations' in data:
            annos, splits = data['annotations'], data.get('split', {})
        elif isinstance(data, list) and not converter:
            annos, splits = data, {}
        else:
            hint = f' (write it with {converter})' if converter else ''
            raise ValueError(
                f"{self.ann_file} is not a dict with 'annotations'"
                f'{"" if converter else " nor a list of annotations"}'
                f'{hint}')
        if not isinstance(annos, list):
            raise ValueError(f"{self.ann_file}: 'annotations' is a "
                             f'{type(annos).__name__}, not a list')
        for i, anno in enumerate(annos):
            if not isinstance(anno, dict):
                raise ValueError(f'{self.ann_file}: annotation {i} is a '
                                 f'{type(anno).__name__}, not a dict')
        return annos, splits

    def select_split(self, annos: List[Dict], splits: Dict) -> List[Dict]:
        """The annotations of :attr:`split` (all of them if None).

        Raises:
            ValueError: If the split is not in ``splits`` or the result is
                empty (an empty file, or a split naming no annotation).
        """
        if not annos:
            raise ValueError(
                f'annotation file {self.ann_file} holds no annotation (its '
                "'annotations' list is empty)")
        if self.split is None:
            return list(annos)
        check_split(self.split, splits, self.ann_file)
        names = set(splits[self.split])
        selected = [a for a in annos if self._identifier(a) in names]
        if not selected:
            raise ValueError(
                f'split {self.split!r} of {self.ann_file} selects no '
                f'annotation: none of its {len(names)} names is the '
                f'frame_dir (or filename) of one of the {len(annos)} '
                'annotations')
        return selected

    def get_data_info(self, idx: int) -> Dict:
        """Get annotation ``idx``; with ``data_prefix['skeleton']`` merged
        with its per-sample file, read safely (MMAction2 reads it with
        ``pickle.load``)."""
        if 'skeleton' not in self.data_prefix:
            return super().get_data_info(idx)
        data_info = BaseActionDataset.get_data_info(self, idx)
        path = osp.join(self.data_prefix['skeleton'],
                        self._identifier(data_info) + '.pkl')
        content = load_pickle(path, 'skeleton file')
        if not isinstance(content, dict):
            raise ValueError(f'skeleton file {path} holds a '
                             f'{type(content).__name__}, not a dict')
        data_info.update(content)
        return data_info

    @staticmethod
    def _identifier(item: Dict) -> str:
        """The sample name splits list (``filename``, else ``frame_dir``),
        as in MMAction2 and PYSKL."""
        return item['filename'] if 'filename' in item else item.get(
            'frame_dir')

    def check_samples(self, data_list: List[Dict]) -> List[Dict]:
        """Validate ``data_list`` with this dataset's expectations."""
        return validate_samples(
            data_list,
            self.ann_file,
            skip_invalid=self.skip_invalid,
            num_joints=self.num_joints,
            num_channels=self.num_channels,
            num_classes=self.num_classes,
            allow_unlabelled=self.ALLOW_UNLABELLED)
