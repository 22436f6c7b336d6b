"""ACLGCN: the graph-convolution backbone of ACLNet."""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmengine.model import BaseModule

from ...layouts import get_layout
from ..utils.acl_gcn_units import (DEFAULT_TCN_BRANCHES, ACLGCNBlock,
                                   TCNBranchCfg)

_GRAPH_KEYS = {'layout', 'mode', 'num_filter', 'init_off', 'init_std'}


@MODELS.register_module()
class ACLGCN(BaseModule):
    """The DG-STGCN-style backbone of ACLNet (arXiv 2601.16694).

    Ten blocks of dynamic graph convolution plus multi-scale temporal
    convolution, widths ``96 -> 192 -> 384`` by default. Besides the feature
    map it returns the per-sample joint-affinity graph of the last block,
    which the affinity contrastive losses of :class:`ACLHead` consume.

    Architecture after firework8/ACLNet (MIT) and PYSKL's DG-STGCN
    (Apache-2.0); re-implemented, not copied.

    Args:
        graph_cfg (dict): ``layout`` (a name of
            :data:`aclnet_mm.layouts.LAYOUTS` or a layout dict)
            and optionally ``mode`` (only ``'random'``, the reference's
            learnable random graph), ``num_filter`` (subsets ``K``,
            default 8), ``init_off`` (0.04) and ``init_std`` (0.02).
        in_channels (int): Input channels ``C``. Defaults to 3.
        base_channels (int): Width of the first stage. Defaults to 96.
        ch_ratio (int): Width multiplier at each inflate stage.
            Defaults to 2.
        num_stages (int): Number of blocks. Defaults to 10.
        inflate_stages (Sequence[int]): 1-based blocks that widen.
            Defaults to ``(5, 8)``.
        down_stages (Sequence[int]): 1-based blocks with temporal stride 2.
            Defaults to ``(5, 8)``.
        data_bn_type (str): ``'VC'`` (BN over joints x channels, shared by
            persons), ``'MVC'`` (per person) or ``'none'``. Defaults to
            ``'VC'``.
        num_person (int): Persons ``M`` (for ``'MVC'``). Defaults to 2.
        gcn_ratio (float): Channels per subset as a fraction of the block
            width. Defaults to 0.125.
        tcn_branches (Sequence): Branches of the temporal convolution.
            Defaults to ``((3, 1), (3, 2), (3, 3), (3, 4), ('max', 3),
            '1x1')``.
        tcn_dropout (float): Dropout in the temporal convolutions of blocks
            2 and later. Defaults to 0.
        init_cfg (dict or list[dict], optional): MMEngine init config.

    Examples:
        >>> import torch
        >>> from aclnet_mm.models import ACLGCN
        >>> model = ACLGCN(graph_cfg=dict(layout='nturgb+d'))
        >>> feat, graph = model(torch.randn(2, 2, 20, 25, 3))
        >>> feat.shape, graph.shape
        (torch.Size([2, 2, 384, 5, 25]), torch.Size([2, 625]))
    """

    def __init__(self,
                 graph_cfg: Dict,
                 in_channels: int = 3,
                 base_channels: int = 96,
                 ch_ratio: int = 2,
                 num_stages: int = 10,
                 inflate_stages: Sequence[int] = (5, 8),
                 down_stages: Sequence[int] = (5, 8),
                 data_bn_type: str = 'VC',
                 num_person: int = 2,
                 gcn_ratio: float = 0.125,
                 tcn_branches: Sequence[TCNBranchCfg] = DEFAULT_TCN_BRANCHES,
                 tcn_dropout: float = 0.,
                 init_cfg: Optional[Union[Dict, List[Dict]]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        unknown = set(graph_cfg) - _GRAPH_KEYS
        if unknown:
            raise TypeError(f'Unknown graph_cfg keys {sorted(unknown)}; '
                            f'allowed: {sorted(_GRAPH_KEYS)}')
        if graph_cfg.get('mode', 'random') != 'random':
            raise ValueError("ACLGCN learns its graphs: graph_cfg.mode must "
                             f"be 'random', got {graph_cfg['mode']!r}")
        if data_bn_type not in ('VC', 'MVC', 'none'):
            raise ValueError("data_bn_type must be 'VC', 'MVC' or 'none', "
                             f'got {data_bn_type!r}')
        if num_stages < 1:
            raise ValueError(f'num_stages must be >= 1, got {num_stages}')
        self.layout = get_layout(graph_cfg['layout'])
        self.num_nodes = V = self.layout.num_node
        self.num_subsets = graph_cfg.get('num_filter', 8)
        self.data_bn_type = data_bn_type
        self.num_person = num_person
        if data_bn_type == 'MVC':
            self.data_bn = nn.BatchNorm1d(num_person * in_channels * V)
        elif data_bn_type == 'VC':
            self.data_bn = nn.BatchNorm1d(in_channels * V)
        else:
            self.data_bn = nn.Identity()

        gcn_cfg = dict(
            num_subsets=self.num_subsets,
            ratio=gcn_ratio,
            init_off=graph_cfg.get('init_off', 0.04),
            init_std=graph_cfg.get('init_std', 0.02))
        blocks = []
        in_ch, width = in_channels, base_channels
        for i in range(1, num_stages + 1):
            if i in inflate_stages:
                width = width * ch_ratio
            stride = 2 if i in down_stages else 1
            tcn_cfg = dict(branches=tcn_branches,
                           dropout=tcn_dropout if i > 1 else 0.)
            blocks.append(
                ACLGCNBlock(
                    in_ch,
                    width,
                    V,
                    stride=stride,
                    residual=i > 1,
                    gcn_cfg=gcn_cfg,
                    tcn_cfg=tcn_cfg))
            in_ch = width
        self.gcn = nn.ModuleList(blocks)
        self.out_channels = width
        #: Length of the flattened affinity graph, ``V * V``.
        self.graph_channels = V * V

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Extract features and the affinity graph.

        Args:
            x (torch.Tensor): Skeletons of shape ``(N, M, T, V, C)``.

        Returns:
            tuple[torch.Tensor]: The feature map ``(N, M, C', T', V)`` and
            the last block's dynamic affinity graph averaged over persons,
            subsets and channels, flattened to ``(N, V * V)``.
        """
        N, M, T, V, C = x.shape
        if V != self.num_nodes:
            raise ValueError(f'ACLGCN was built for {self.num_nodes} joints '
                             f'but got input with V={V}')
        x = x.permute(0, 1, 3, 4, 2).contiguous()  # (N, M, V, C, T)
        if self.data_bn_type == 'MVC':
            x = self.data_bn(x.view(N, M * V * C, T))
        else:
            x = self.data_bn(x.view(N * M, V * C, T))
        x = x.view(N, M, V, C, T).permute(0, 1, 3, 4, 2).reshape(
            N * M, C, T, V)
        last = len(self.gcn) - 1
        graph = None
        for i, block in enumerate(self.gcn):
            x, g = block(x, return_graph=i == last)
            if g is not None:
                graph = g
        x = x.reshape((N, M) + x.shape[1:])
        graph = graph.view(N, M, V * V).mean(dim=1)
        return x, graph
