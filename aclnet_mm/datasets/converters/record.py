"""The common record every reader returns: one sequence, before labels."""
from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

import numpy as np


@dataclass
class PoseRecord:
    """One sequence as read from its source.

    Args:
        name (str): The sample name (``frame_dir`` of the pickle).
        source (str): The file it came from, for messages and split files.
        keypoint (np.ndarray): ``(M, T, V, C)`` float32.
        keypoint_score (np.ndarray, optional): ``(M, T, V)`` float32.
        img_shape (tuple[int, int], optional): ``(h, w)`` of the video.
        label (int): The class, ``-1`` while unknown or for unlabelled
            samples (gait / re-ID test subjects).
        ids (dict): What the source says about the sample (e.g.
            ``label_index``, ``subject``, ``view``); used for labels and
            splits, not stored.
        fields (dict): Extra annotation fields stored in the pickle (e.g.
            ``subject_id``, ``condition``, ``view``), in this order.
        counts (dict[str, int]): Decisions the reader took (e.g.
            ``missing_frames``), summed into the summary.
    """

    name: str
    source: str
    keypoint: np.ndarray
    keypoint_score: Optional[np.ndarray] = None
    img_shape: Optional[Tuple[int, int]] = None
    label: int = -1
    ids: Dict[str, object] = field(default_factory=dict)
    fields: Dict[str, object] = field(default_factory=dict)
    counts: Dict[str, int] = field(default_factory=dict)

    def annotation(self) -> dict:
        """The ``PoseDataset`` annotation of this record.

        Returns:
            dict: ``frame_dir``, ``label``, ``total_frames``, ``keypoint``,
            then ``keypoint_score``, ``img_shape`` and ``original_shape``
            when known, then :attr:`fields`.
        """
        anno = dict(
            frame_dir=self.name,
            label=int(self.label),
            total_frames=int(self.keypoint.shape[1]),
            keypoint=np.ascontiguousarray(self.keypoint))
        if self.keypoint_score is not None:
            anno['keypoint_score'] = np.ascontiguousarray(self.keypoint_score)
        if self.img_shape is not None:
            anno.update(
                img_shape=tuple(self.img_shape),
                original_shape=tuple(self.img_shape))
        anno.update(self.fields)
        return anno
