"""Building blocks of :class:`aclnet_mm.models.ACLGCN` (not registered).

The architecture is DG-STGCN (Duan et al., PYSKL, Apache-2.0) as used by
ACLNet (firework8/ACLNet, MIT): a graph convolution with a learnable static
graph plus channel-wise (CTR) and adaptive (ADA) dynamic topologies,
followed by a multi-scale temporal convolution. This is an independent
re-implementation; see the spec notes in the class docstrings for where it
deliberately differs (time-averaged topology input, graph returned for the
last block only).
"""
from typing import Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn

TCNBranchCfg = Union[str, Tuple]
DEFAULT_TCN_BRANCHES: Tuple[TCNBranchCfg, ...] = ((3, 1), (3, 2), (3, 3),
                                                   (3, 4), ('max', 3), '1x1')


class TemporalConv(nn.Module):
    """A temporal convolution ``(kernel_size, 1)`` with optional BN.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        kernel_size (int): Temporal kernel size. Defaults to 9.
        stride (int): Temporal stride. Defaults to 1.
        dilation (int): Temporal dilation. Defaults to 1.
        with_bn (bool): Whether a BatchNorm follows. Defaults to True.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 kernel_size: int = 9,
                 stride: int = 1,
                 dilation: int = 1,
                 with_bn: bool = True) -> None:
        super().__init__()
        pad = (kernel_size + (kernel_size - 1) * (dilation - 1) - 1) // 2
        self.conv = nn.Conv2d(
            in_channels,
            out_channels,
            kernel_size=(kernel_size, 1),
            padding=(pad, 0),
            stride=(stride, 1),
            dilation=(dilation, 1))
        self.bn = nn.BatchNorm2d(out_channels) if with_bn else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(N, C, T, V) -> (N, C', T / stride, V)``."""
        return self.bn(self.conv(x))


class DynamicGraphConv(nn.Module):
    """Graph convolution with a learnable graph and dynamic topologies.

    For ``K`` subsets with ``C_mid`` channels each, the effective graph of a
    sample is ``A + alpha * tanh(phi_v - psi_w) + beta * softmax_v(phi .
    psi)`` with ``phi, psi`` two 1x1 convolutions of the input. The dynamic
    terms are computed from the **time-averaged** input, which equals the
    reference's average of per-frame convolutions (a 1x1 conv is affine) at
    about 25 % fewer FLOPs. ``alpha`` and ``beta`` start at zero, so the
    dynamic part, and the affinity graph returned to the losses, is exactly
    zero at initialisation.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        num_nodes (int): Number of joints ``V``.
        num_subsets (int): Number of learnable graphs ``K``. Defaults to 8.
        ratio (float): ``C_mid = int(ratio * out_channels)``.
            Defaults to 0.125.
        init_off (float): Mean of the initial graph entries.
            Defaults to 0.04.
        init_std (float): Std of the initial graph entries. Defaults to 0.02.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 num_nodes: int,
                 num_subsets: int = 8,
                 ratio: float = 0.125,
                 init_off: float = 0.04,
                 init_std: float = 0.02) -> None:
        super().__init__()
        self.num_subsets = num_subsets
        self.mid_channels = int(ratio * out_channels)
        if self.mid_channels < 1:
            raise ValueError(f'ratio={ratio} x out_channels={out_channels} '
                             'leaves no channel per subset')
        inner = self.mid_channels * num_subsets
        self.A = nn.Parameter(
            torch.randn(num_subsets, num_nodes, num_nodes) * init_std +
            init_off)
        self.pre = nn.Sequential(
            nn.Conv2d(in_channels, inner, 1), nn.BatchNorm2d(inner),
            nn.ReLU())
        self.conv1 = nn.Conv2d(in_channels, inner, 1)
        self.conv2 = nn.Conv2d(in_channels, inner, 1)
        self.post = nn.Conv2d(inner, out_channels, 1)
        # One coefficient per subset for checkpoint parity with the
        # reference; only the first is used (subset_wise=False there).
        self.alpha = nn.Parameter(torch.zeros(num_subsets))
        self.beta = nn.Parameter(torch.zeros(num_subsets))
        if in_channels != out_channels:
            self.down = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1),
                nn.BatchNorm2d(out_channels))
        else:
            self.down = nn.Identity()
        self.bn = nn.BatchNorm2d(out_channels)
        self.act = nn.ReLU()

    def forward(
        self,
        x: torch.Tensor,
        return_graph: bool = False
    ) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
        """Apply the graph convolution.

        Args:
            x (torch.Tensor): Input of shape ``(N, C, T, V)``.
            return_graph (bool): Also return the dynamic affinity graph.

        Returns:
            tuple: The output ``(N, C', T, V)`` and, if asked for, the
            dynamic graph averaged over subsets and channels, ``(N, V, V)``
            (else None).
        """
        N, _, T, V = x.shape
        K, C = self.num_subsets, self.mid_channels
        res = self.down(x)
        pre_x = self.pre(x).view(N, K, C, T, V)
        x_mean = x.mean(dim=2, keepdim=True)  # (N, C_in, 1, V)
        phi = self.conv1(x_mean).view(N, K, C, V)
        psi = self.conv2(x_mean).view(N, K, C, V)
        # channel-wise topology, (N, K, C, V, V)
        ctr = self.alpha[0] * torch.tanh(phi.unsqueeze(-1) - psi.unsqueeze(-2))
        # adaptive topology, normalised over the source joint v: (N, K, V, V)
        ada = self.beta[0] * torch.softmax(
            torch.einsum('nkcv,nkcw->nkvw', phi, psi), dim=-2)
        adj = self.A[None, :, None] + ctr + ada.unsqueeze(2)
        y = torch.einsum('nkctv,nkcvw->nkctw', pre_x, adj)
        y = self.post(y.reshape(N, K * C, T, V))
        out = self.act(self.bn(y) + res)
        graph = None
        if return_graph:
            # mean over the K*C maps of (ctr + ada), ada broadcast over C
            graph = ctr.mean(dim=(1, 2)) + ada.mean(dim=1)
        return out, graph


class MultiScaleTCN(nn.Module):
    """Multi-branch temporal convolution with a global virtual joint.

    The mean over joints is appended as a virtual joint before the branches;
    its output is added back to every joint, scaled by a learnable
    per-joint coefficient initialised at zero.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        num_nodes (int): Number of joints ``V`` (size of the coefficients).
        stride (int): Temporal stride. Defaults to 1.
        branches (Sequence): Branch specs: ``(kernel, dilation)``,
            ``('max', kernel)`` or ``'1x1'``. Defaults to
            :data:`DEFAULT_TCN_BRANCHES`.
        dropout (float): Dropout after the final BN. Defaults to 0.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 num_nodes: int,
                 stride: int = 1,
                 branches: Sequence[TCNBranchCfg] = DEFAULT_TCN_BRANCHES,
                 dropout: float = 0.) -> None:
        super().__init__()
        num_branches = len(branches)
        mid = out_channels // num_branches
        first = out_channels - mid * (num_branches - 1)
        self.add_coeff = nn.Parameter(torch.zeros(num_nodes))
        modules = []
        for i, cfg in enumerate(branches):
            ch = first if i == 0 else mid
            if cfg == '1x1':
                modules.append(
                    nn.Conv2d(in_channels, ch, 1, stride=(stride, 1)))
                continue
            if not isinstance(cfg, (tuple, list)) or len(cfg) != 2:
                raise ValueError(f'Bad temporal branch spec {cfg!r}')
            head = [nn.Conv2d(in_channels, ch, 1), nn.BatchNorm2d(ch),
                    nn.ReLU()]
            if cfg[0] == 'max':
                tail = nn.MaxPool2d((cfg[1], 1),
                                    stride=(stride, 1),
                                    padding=((cfg[1] - 1) // 2, 0))
            else:
                tail = TemporalConv(
                    ch, ch, kernel_size=cfg[0], stride=stride,
                    dilation=cfg[1], with_bn=False)
            modules.append(nn.Sequential(*head, tail))
        self.branches = nn.ModuleList(modules)
        self.transform = nn.Sequential(
            nn.BatchNorm2d(out_channels), nn.ReLU(),
            nn.Conv2d(out_channels, out_channels, 1))
        self.bn = nn.BatchNorm2d(out_channels)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(N, C, T, V) -> (N, C', T / stride, V)``."""
        V = x.shape[-1]
        x = torch.cat([x, x.mean(dim=-1, keepdim=True)], dim=-1)
        out = torch.cat([branch(x) for branch in self.branches], dim=1)
        local, glob = out[..., :V], out[..., V:]  # (N,C,T,V), (N,C,T,1)
        out = local + glob * self.add_coeff
        return self.drop(self.bn(self.transform(out)))


class ACLGCNBlock(nn.Module):
    """``ReLU(tcn(gcn(x)) + residual(x))``.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        num_nodes (int): Number of joints.
        stride (int): Temporal stride. Defaults to 1.
        residual (bool): Whether to add a residual. Defaults to True.
        gcn_cfg (dict, optional): Extra arguments of
            :class:`DynamicGraphConv`.
        tcn_cfg (dict, optional): Extra arguments of :class:`MultiScaleTCN`.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 num_nodes: int,
                 stride: int = 1,
                 residual: bool = True,
                 gcn_cfg: Optional[dict] = None,
                 tcn_cfg: Optional[dict] = None) -> None:
        super().__init__()
        self.gcn = DynamicGraphConv(in_channels, out_channels, num_nodes,
                                    **(gcn_cfg or {}))
        self.tcn = MultiScaleTCN(out_channels, out_channels, num_nodes,
                                 stride=stride, **(tcn_cfg or {}))
        if not residual:
            self.residual = None
        elif in_channels == out_channels and stride == 1:
            self.residual = nn.Identity()
        else:
            self.residual = TemporalConv(
                in_channels, out_channels, kernel_size=1, stride=stride)
        self.act = nn.ReLU()

    def forward(
        self,
        x: torch.Tensor,
        return_graph: bool = False
    ) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
        """See :meth:`DynamicGraphConv.forward`."""
        y, graph = self.gcn(x, return_graph=return_graph)
        y = self.tcn(y)
        if self.residual is not None:
            y = y + self.residual(x)
        return self.act(y), graph
