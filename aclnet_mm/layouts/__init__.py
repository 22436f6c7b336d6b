"""Skeleton layouts: one home for every fact about each joint order.

Named layouts: ``nturgb+d`` (Kinect v2), ``kinect_v1``, ``coco``,
``coco_new`` and ``openpose``, one module each; a user layout is a dict
(see :meth:`SkeletonLayout.from_dict`). Models, transforms, converters,
the demo generator and the tools take their facts from here.
"""
from typing import Dict, Union

from .coco import COCO, COCO_NEW
from .kinect_v1 import KINECT_V1
from .kinect_v2 import NTU_RGBD
from .openpose import OPENPOSE
from .skeleton_layout import LayoutFactError, LayoutType, SkeletonLayout

#: The named layouts.
LAYOUTS: Dict[str, SkeletonLayout] = {
    layout.name: layout
    for layout in (NTU_RGBD, COCO, COCO_NEW, OPENPOSE, KINECT_V1)
}


def get_layout(layout: Union[LayoutType, SkeletonLayout]) -> SkeletonLayout:
    """Resolve a layout name, dict or :class:`SkeletonLayout`.

    Args:
        layout (str | dict | SkeletonLayout): A name in :data:`LAYOUTS`,
            or a dict with ``num_node``, ``inward`` and ``center`` (and
            optionally any other field of :class:`SkeletonLayout`).

    Returns:
        SkeletonLayout: The validated layout.
    """
    if isinstance(layout, SkeletonLayout):
        return layout
    if isinstance(layout, str):
        if layout not in LAYOUTS:
            raise ValueError(f'Unknown skeleton layout {layout!r}; choose '
                             f'one of {sorted(LAYOUTS)} or pass a dict '
                             'with num_node, inward and center')
        return LAYOUTS[layout]
    if not isinstance(layout, dict):
        raise TypeError('layout must be a str or a dict, got '
                        f'{type(layout).__name__}')
    return SkeletonLayout.from_dict(layout)


__all__ = [
    'LAYOUTS', 'LayoutFactError', 'LayoutType', 'SkeletonLayout',
    'get_layout'
]
