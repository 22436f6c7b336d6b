"""What a skeleton layout is: joints, their tree, and the facts about it.

A :class:`SkeletonLayout` holds every fact the package needs about one
joint order: names, the child -> parent edges (``inward``, MMAction2's
word), the centre joint, left/right pairs (flips), the four limbs (part
drop), bone-parent overrides (bone streams) and whether a third channel is
a detection score. Models need only ``num_node``; transforms and tools ask
for the facts they use, and a user dict layout without a fact gets a clear
error from :meth:`SkeletonLayout.require`. Only the standard library is
imported here.
"""
from dataclasses import dataclass, field
from typing import Dict, Mapping, Optional, Tuple, Union

Pair = Tuple[int, int]
LayoutType = Union[str, Dict]
"""A layout name (see :func:`aclnet_mm.layouts.get_layout`) or a dict."""


class LayoutFactError(ValueError):
    """A transform needs a fact the layout does not state."""


@dataclass(frozen=True)
class SkeletonLayout:
    """One joint order and its facts (0-based joint indices).

    Args:
        name (str): The layout's name (``'custom'`` for dict layouts).
        num_node (int): Number of joints V.
        inward (tuple[tuple[int, int]]): Child -> parent edges; every
            joint has at most one parent.
        center (int): The centre joint (graph partitions, drawings).
        joint_names (tuple[str], optional): One name per joint.
        flip_pairs (tuple[tuple[int, int]], optional): Left/right pairs
            swapped by a flip.
        body_parts (tuple[tuple[int]], optional): Left arm, left leg,
            right arm, right leg.
        bone_parents_override (Mapping[int, int]): Joints whose bone
            parent is not their ``inward`` parent (ACLNet's bone tables).
        score_channel (bool): A third channel is a detection score, not z
            (2D pose-estimator layouts).
        average_scores (str): For 2D data with scores, which derived
            streams average the two joints' scores: ``'all'`` (bones,
            k-bones, motions) or ``'bones'`` (a reference quirk of
            ``coco_new``). Defaults to ``'all'``.
    """

    name: str
    num_node: int
    inward: Tuple[Pair, ...]
    center: int
    joint_names: Optional[Tuple[str, ...]] = None
    flip_pairs: Optional[Tuple[Pair, ...]] = None
    body_parts: Optional[Tuple[Tuple[int, ...], ...]] = None
    bone_parents_override: Mapping[int, int] = field(default_factory=dict)
    score_channel: bool = False
    average_scores: str = 'all'

    def __post_init__(self) -> None:
        V = self.num_node
        if not isinstance(V, int) or V < 1:
            raise ValueError(f'layout {self.name!r}: num_node must be a '
                             f'positive int, got {V!r}')

        def joint(j):
            return isinstance(j, int) and 0 <= j < V

        for edge in self.inward:
            if len(edge) != 2 or not all(joint(j) for j in edge):
                raise ValueError(f'layout {self.name!r}: edge {edge!r} is '
                                 f'not a pair of joint indices in [0, {V})')
        if not joint(self.center):
            raise ValueError(f'layout {self.name!r}: center '
                             f'{self.center!r} is not a joint index in '
                             f'[0, {V})')
        if self.joint_names is not None and len(self.joint_names) != V:
            raise ValueError(f'layout {self.name!r}: {len(self.joint_names)}'
                             f' joint names for {V} joints')
        for pair in self.flip_pairs or ():
            if len(pair) != 2 or not all(joint(j) for j in pair):
                raise ValueError(f'layout {self.name!r}: flip pair {pair!r}'
                                 f' is not two joint indices in [0, {V})')
        for part in self.body_parts or ():
            if not part or not all(joint(j) for j in part):
                raise ValueError(f'layout {self.name!r}: body part {part!r}'
                                 f' is not a group of joints in [0, {V})')
        if self.average_scores not in ('all', 'bones'):
            raise ValueError(f'layout {self.name!r}: average_scores must be'
                             f" 'all' or 'bones', got {self.average_scores!r}")

    @classmethod
    def from_dict(cls, layout: Dict) -> 'SkeletonLayout':
        """Build a user layout from ``num_node``, ``inward`` and ``center``
        (MMAction2's ``Graph`` keys) and any optional field above."""
        missing = {'num_node', 'inward', 'center'} - set(layout)
        if missing:
            raise ValueError(f'layout dict lacks the keys {sorted(missing)}')
        unknown = set(layout) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f'layout dict has unknown keys {sorted(unknown)}')
        fields = dict(name='custom')
        fields.update(layout)
        for key in ('inward', 'flip_pairs', 'body_parts'):
            if fields.get(key) is not None:
                fields[key] = tuple(tuple(x) for x in fields[key])
        if fields.get('joint_names') is not None:
            fields['joint_names'] = tuple(fields['joint_names'])
        return cls(**fields)

    def require(self, fact: str, user: str) -> object:
        """Return a fact, or raise a :class:`LayoutFactError` naming
        ``user`` (the transform or tool that needs it)."""
        value = getattr(self, fact)
        if value is None:
            raise LayoutFactError(
                f'{user} needs the {fact!r} of the skeleton layout, and '
                f'layout {self.name!r} does not give it: add {fact}=... to '
                'the layout dict, or pass it to the transform explicitly')
        return value

    def parents(self, root: Optional[int] = None) -> Tuple[int, ...]:
        """Parent of every joint; -1 for a root.

        Args:
            root (int, optional): Re-root the tree at this joint (the
                edges taken undirected, e.g. the spine base for forward
                kinematics). None keeps the ``inward`` directions.
                Defaults to None.

        Raises:
            ValueError: If a joint has two parents, the edges cycle, or
                ``root`` does not reach every joint.
        """
        parent = [-1] * self.num_node
        if root is not None:
            neighbours = {j: [] for j in range(self.num_node)}
            for a, b in self.inward:
                neighbours[a].append(b)
                neighbours[b].append(a)
            order, seen = [root], {root}
            for j in order:
                for k in sorted(neighbours[j]):
                    if k not in seen:
                        seen.add(k)
                        parent[k] = j
                        order.append(k)
            if len(seen) != self.num_node:
                raise ValueError(f'layout {self.name!r}: joint {root} does '
                                 'not reach every joint along inward')
            return tuple(parent)
        for child, par in self.inward:
            if parent[child] != -1:
                raise ValueError(f'layout {self.name!r}: joint {child} has '
                                 'more than one parent in inward')
            parent[child] = par
        for start in range(self.num_node):
            seen, j = set(), start
            while j != -1:
                if j in seen:
                    raise ValueError(f'layout {self.name!r}: inward edges '
                                     f'form a cycle through joint {j}')
                seen.add(j)
                j = parent[j]
        return tuple(parent)

    def bone_parents(self) -> Tuple[int, ...]:
        """Bone parent of every joint (overrides applied); a root is its
        own parent, so its bone is 0."""
        parent = [j if p == -1 else p for j, p in enumerate(self.parents())]
        for child, par in self.bone_parents_override.items():
            parent[child] = par
        return tuple(parent)

    def flip_permutation(self, user: str = 'a flip') -> Tuple[int, ...]:
        """Joint order that swaps every left/right pair."""
        order = list(range(self.num_node))
        for left, right in self.require('flip_pairs', user):
            order[left], order[right] = right, left
        return tuple(order)
