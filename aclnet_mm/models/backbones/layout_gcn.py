"""MMAction2's STGCN and AAGCN on every skeleton layout of this package.

MMAction2 1.2.0's :class:`mmaction.models.utils.Graph` names three layouts
(``openpose``, ``nturgb+d``, ``coco``) and otherwise takes a dict with
``num_node``, ``inward`` and ``center``. :class:`LayoutSTGCN` and
:class:`LayoutAAGCN` are MMAction2's :class:`~mmaction.models.STGCN` and
:class:`~mmaction.models.AAGCN`, unchanged, with ``graph_cfg.layout``
resolved by :func:`aclnet_mm.layouts.get_layout` (a name such as
``kinect_v1`` or ``coco_new``, or a user dict) and handed to MMAction2's
own ``Graph`` as that dict: the adjacency comes from MMAction2's graph
functions, and for MMAction2's three layouts it is MMAction2's, entry for
entry. MMAction2 itself is not patched.
"""
from typing import Dict

from mmaction.models.backbones import AAGCN, STGCN
from mmaction.models.utils import Graph
from mmaction.registry import MODELS

from ...layouts import get_layout

#: The ``mode`` values of MMAction2 1.2.0's ``Graph`` (its methods that
#: build ``A``).
GRAPH_MODES = ('spatial', 'stgcn_spatial', 'binary_adj')

_GRAPH_KEYS = {'layout', 'mode', 'max_hop'}


def mmaction_graph_cfg(graph_cfg: Dict) -> Dict:
    """``graph_cfg`` for MMAction2's ``Graph``, with the layout as a dict.

    Args:
        graph_cfg (dict): ``layout`` (a name of
            :data:`aclnet_mm.layouts.LAYOUTS` or a layout dict), and
            optionally ``mode`` (one of :data:`GRAPH_MODES`, default
            ``'spatial'`` as in MMAction2) and ``max_hop`` (default 1).

    Returns:
        dict: ``layout=dict(num_node, inward, center)``, ``mode`` and
        ``max_hop`` when given.

    Raises:
        TypeError: On a missing ``layout`` or an unknown key.
        ValueError: On an unknown layout or mode.
    """
    unknown = set(graph_cfg) - _GRAPH_KEYS
    if unknown:
        raise TypeError(f'Unknown graph_cfg keys {sorted(unknown)}; '
                        f'expected {sorted(_GRAPH_KEYS)}')
    if 'layout' not in graph_cfg:
        raise TypeError('graph_cfg needs a layout: a name or a dict with '
                        'num_node, inward and center')
    mode = graph_cfg.get('mode', 'spatial')
    if mode not in GRAPH_MODES:
        raise ValueError(f'Unknown graph mode {mode!r}; MMAction2\'s Graph '
                         f'builds {list(GRAPH_MODES)}')
    layout = get_layout(graph_cfg['layout'])
    cfg = dict(graph_cfg)
    cfg.update(
        layout=dict(
            num_node=layout.num_node,
            inward=[tuple(edge) for edge in layout.inward],
            center=layout.center),
        mode=mode)
    return cfg


def layout_graph(layout, mode: str = 'spatial', max_hop: int = 1) -> Graph:
    """MMAction2's ``Graph`` of any layout of this package.

    Examples:
        >>> layout_graph('kinect_v1').A.shape
        (3, 20, 20)
    """
    return Graph(
        **mmaction_graph_cfg(dict(layout=layout, mode=mode, max_hop=max_hop)))


@MODELS.register_module()
class LayoutSTGCN(STGCN):
    """MMAction2's STGCN (and STGCN++ with ``gcn_adaptive='init'``,
    ``gcn_with_res=True``, ``tcn_type='mstcn'``) on any layout.

    Args:
        graph_cfg (dict): ``layout`` (a name of
            :data:`aclnet_mm.layouts.LAYOUTS`, e.g. ``'kinect_v1'``, or a
            dict with ``num_node``, ``inward`` and ``center``), ``mode``
            and ``max_hop`` (see :func:`mmaction_graph_cfg`).
        **kwargs: MMAction2's STGCN arguments.

    Examples:
        >>> import torch
        >>> model = LayoutSTGCN(graph_cfg=dict(layout='kinect_v1'),
        ...                     base_channels=8, num_stages=2,
        ...                     inflate_stages=[], down_stages=[])
        >>> model(torch.randn(2, 1, 16, 20, 3)).shape
        torch.Size([2, 1, 8, 16, 20])
    """

    def __init__(self, graph_cfg: Dict, **kwargs) -> None:
        super().__init__(graph_cfg=mmaction_graph_cfg(graph_cfg), **kwargs)
        #: The :class:`~aclnet_mm.layouts.SkeletonLayout` the graph is of.
        self.skeleton_layout = get_layout(graph_cfg['layout'])


@MODELS.register_module()
class LayoutAAGCN(AAGCN):
    """MMAction2's AAGCN (2s-AGCN) on any layout.

    Args:
        graph_cfg (dict): As :class:`LayoutSTGCN`.
        **kwargs: MMAction2's AAGCN arguments.
    """

    def __init__(self, graph_cfg: Dict, **kwargs) -> None:
        super().__init__(graph_cfg=mmaction_graph_cfg(graph_cfg), **kwargs)
        #: The :class:`~aclnet_mm.layouts.SkeletonLayout` the graph is of.
        self.skeleton_layout = get_layout(graph_cfg['layout'])
