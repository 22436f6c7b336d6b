"""Joint, bone, k-bone and motion streams for ACLNet's skeleton layouts."""
from typing import Dict, Optional, Sequence

import numpy as np
from mmaction.datasets.transforms import MergeSkeFeat, ToMotion
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from aclnet_mm.layouts import LayoutType, get_layout

#: Streams GenSkeFeatACL can produce.
FEATS = ('j', 'b', 'k', 'jm', 'bm', 'km')


def bone_parents(layout: LayoutType) -> np.ndarray:
    """Parent of every joint for bones; a root is its own parent.

    Args:
        layout (str | dict): A layout name or dict (see ``get_layout``);
            its ``bone_parents_override`` wins over the ``inward`` edges.

    Returns:
        np.ndarray: Parent indices of shape ``(V, )``.
    """
    return np.array(get_layout(layout).bone_parents())


def kbone_parents(parents: np.ndarray) -> np.ndarray:
    """Grand-parent of every joint for k-bones.

    A joint without a grand-parent (a root or a child of a root) gets
    itself, so its k-bone is 0.

    Args:
        parents (np.ndarray): Bone parents of shape ``(V, )``, as returned
            by :func:`bone_parents`.

    Returns:
        np.ndarray: Grand-parent indices of shape ``(V, )``.
    """
    grand = parents[parents]
    no_grand = grand == parents  # the parent is a root
    return np.where(no_grand, np.arange(len(parents)), grand)


def relative_to(keypoint: np.ndarray, anchors: np.ndarray,
                average_score: bool) -> np.ndarray:
    """Subtract the anchor joint from every joint.

    Args:
        keypoint (np.ndarray): Joints of shape ``(M, T, V, C)``.
        anchors (np.ndarray): Anchor index of every joint, shape ``(V, )``.
        average_score (bool): Replace the difference of channel 2 by the
            mean of the two scores.

    Returns:
        np.ndarray: float32 array of shape ``(M, T, V, C)``.
    """
    out = (keypoint - keypoint[:, :, anchors]).astype(np.float32)
    if average_score:
        out[..., 2] = (keypoint[..., 2] + keypoint[:, :, anchors, 2]) / 2
    return out


@TRANSFORMS.register_module()
class GenSkeFeatACL(BaseTransform):
    """Generate and concatenate the skeleton streams ACLNet trains on.

    An extension of MMAction2's ``GenSkeFeat`` with the k-bone streams and
    ACLNet's layouts. For each joint ``v`` with bone parent ``p(v)``:

    - ``j``: the joints;
    - ``b``: ``j[v] - j[p(v)]`` (0 at a root);
    - ``k``: ``j[v] - j[p(p(v))]``, the k-bone (0 at a root and its
      children);
    - ``jm``, ``bm``, ``km``: ``x[t + 1] - x[t]`` of ``j``, ``b``, ``k``;
      the last frame is 0.

    Put it before frame sampling, as the reference does, so motions are
    taken between consecutive frames of the full sequence. The bone
    parents are the layout's ``inward`` edges, except that for the named
    layouts ACLNet's tables win: in 'nturgb+d' the hand tips 21/23 hang
    from the thumbs 22/24, in 'coco' the hips 11/12 hang from the nose 0.
    These equal MMAction2's ``JointToBone`` for 'nturgb+d' and 'coco'. For
    'openpose' MMAction2 roots the tree at joint 0 (bone 1 = j1 - j0);
    ACLNet and this transform root it at the neck 1 (bone 0 = j0 - j1).

    When channel 2 is a detection score (2D data), it is handled as in
    ACLNet: ``b`` holds the mean score of the two joints; ``k`` and the
    motions do too for 'coco' and 'openpose' and dict layouts, but for
    'coco_new' they hold the plain difference of the scores (the
    reference only averages for 'coco' and 'openpose' there).

    Required Keys:

        - keypoint ``(M, T, V, C)``, ``C`` in 2 or 3
        - keypoint_score ``(M, T, V)`` (optional, merged as channel 2)

    Modified Keys:

        - keypoint ``(M, T, V, C * len(feats))`` for ``axis=-1``

    Removed Keys:

        - keypoint_score

    Args:
        layout (str | dict): Skeleton layout, one of 'nturgb+d', 'coco',
            'coco_new', 'openpose', or a dict with ``num_node``, ``inward``
            (child -> parent) and ``center``. Defaults to ``'nturgb+d'``.
        feats (Sequence[str]): Streams to produce, in output order, from
            'j', 'b', 'k', 'jm', 'bm', 'km'. Defaults to ``('j', )``.
        axis (int): Axis along which the streams are concatenated.
            Defaults to -1.
        score_channel (bool, optional): Whether channel 2 of 3-channel
            keypoints is a score rather than z. None means True for
            'coco', 'coco_new' and 'openpose', False otherwise; a merged
            ``keypoint_score`` always counts as a score. Defaults to None.
    """

    def __init__(self,
                 layout: LayoutType = 'nturgb+d',
                 feats: Sequence[str] = ('j', ),
                 axis: int = -1,
                 score_channel: Optional[bool] = None) -> None:
        if isinstance(feats, str) or not feats:
            raise ValueError(f'feats must be a non-empty sequence of names '
                             f'from {FEATS}, got {feats!r}')
        unknown = [f for f in feats if f not in FEATS]
        if unknown:
            raise ValueError(f'Unknown skeleton feats {unknown}; choose '
                             f'from {FEATS}')
        if len(set(feats)) != len(feats):
            raise ValueError(f'feats has duplicates: {list(feats)}')
        self.layout = layout
        self.feats = tuple(feats)
        self.axis = axis
        skeleton = get_layout(layout)
        self.num_node = skeleton.num_node
        self.parents = bone_parents(skeleton)
        self.grandparents = kbone_parents(self.parents)
        if score_channel is None:
            score_channel = skeleton.score_channel
        self.score_channel = score_channel
        # reference quirk: k-bones and motions of coco_new keep score diffs
        self._average_all = skeleton.average_scores == 'all'
        self.merge = MergeSkeFeat(
            feat_list=list(self.feats), target='keypoint', axis=axis)

    def transform(self, results: Dict) -> Dict:
        """Replace ``keypoint`` by the concatenated streams.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        score = self.score_channel
        keypoint = results['keypoint']
        if 'keypoint_score' in results:
            if self.layout == 'nturgb+d' or keypoint.shape[-1] != 2:
                raise ValueError('keypoint_score needs 2D keypoints of a 2D '
                                 f'layout, got {keypoint.shape[-1]} channels'
                                 f' with layout {self.layout!r}')
            keypoint = np.concatenate(
                [keypoint, results['keypoint_score'][..., None]], axis=-1)
            score = True
        if keypoint.ndim != 4 or keypoint.shape[2] != self.num_node:
            raise ValueError(f'keypoint must be (M, T, {self.num_node}, C), '
                             f'got {keypoint.shape}')
        if keypoint.shape[-1] not in (2, 3):
            raise ValueError(f'keypoint must have 2 or 3 channels, got '
                             f'{keypoint.shape[-1]}')
        score = score and keypoint.shape[-1] == 3
        average_rest = score and self._average_all  # k and motions
        streams = dict(j=keypoint)
        if {'b', 'bm'} & set(self.feats):
            streams['b'] = relative_to(keypoint, self.parents, score)
        if {'k', 'km'} & set(self.feats):
            streams['k'] = relative_to(keypoint, self.grandparents,
                                       average_rest)
        # MMAction2's ToMotion averages the score channel exactly when its
        # dataset is a 2D name such as 'coco'.
        motion_dataset = 'coco' if average_rest else 'nturgb+d'
        for feat in self.feats:
            if feat.endswith('m'):
                ToMotion(
                    dataset=motion_dataset, source=feat[0],
                    target=feat).transform(streams)
        results.pop('keypoint_score', None)
        results['keypoint'] = self.merge.transform(streams)['keypoint']
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(layout={self.layout!r}, '
                f'feats={self.feats}, axis={self.axis}, '
                f'score_channel={self.score_channel})')
