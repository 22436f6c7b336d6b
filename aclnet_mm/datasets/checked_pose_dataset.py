"""MMAction2's PoseDataset, with every annotation checked when it loads."""
from typing import Dict, List, Optional

import mmengine
from mmaction.datasets import PoseDataset
from mmaction.registry import DATASETS

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
    splits the file has. Without ``num_joints`` / ``num_channels`` the most
    common ``V`` / ``C`` of the split is expected.

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
        """Load the split with MMAction2's reader, then check it.

        Raises:
            ValueError: If the split is not in the file (listing those that
                are) or a sample is invalid (see the class docstring).
        """
        try:
            data_list = super().load_data_list()
        except KeyError:
            if self.split is not None:
                data = mmengine.load(self.ann_file)
                splits = data.get('split', {}) if isinstance(data,
                                                             dict) else {}
                check_split(self.split, splits, self.ann_file)
            raise
        return self.check_samples(data_list)

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
