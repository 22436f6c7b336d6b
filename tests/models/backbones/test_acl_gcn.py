import pytest
import torch

from aclnet_mm.models import ACLGCN
from aclnet_mm.models.utils.acl_gcn_units import DynamicGraphConv


def _params(module):
    return sum(p.numel() for p in module.parameters())


def test_ntu60_parameter_count():
    # spec section 4: the NTU-60 backbone has 3,705,696 parameters
    assert _params(ACLGCN(graph_cfg=dict(layout='nturgb+d'))) == 3_705_696


def test_coco_new_parameter_count():
    # the reference sizes every block's add_coeff to 25 joints even for
    # V=20 (spec 3.2 #13: 3,687,666); sized to V it is 10 x 5 fewer
    model = ACLGCN(graph_cfg=dict(layout='coco_new'))
    assert _params(model) == 3_687_666 - 10 * 5


@pytest.mark.parametrize('layout,V', [('nturgb+d', 25), ('coco', 17),
                                      ('coco_new', 20), ('openpose', 18),
                                      (dict(num_node=15, inward=[(1, 0),
                                                                 (2, 1)],
                                            center=0), 15)])
def test_shapes_per_layout(layout, V, device):
    model = ACLGCN(
        graph_cfg=dict(layout=layout), base_channels=16, num_stages=4,
        inflate_stages=(3, ), down_stages=(3, )).to(device)
    feat, graph = model(torch.randn(2, 2, 12, V, 3, device=device))
    assert feat.device.type == graph.device.type == device
    assert feat.shape == (2, 2, 32, 6, V)
    assert graph.shape == (2, V * V)
    assert model.graph_channels == V * V


def test_full_size_shapes():
    model = ACLGCN(graph_cfg=dict(layout='nturgb+d'))
    feat, graph = model(torch.randn(1, 2, 16, 25, 3))
    assert feat.shape == (1, 2, 384, 4, 25) and graph.shape == (1, 625)
    assert model.out_channels == 384


def test_affinity_graph_is_zero_at_init():
    model = ACLGCN(graph_cfg=dict(layout='nturgb+d'), base_channels=16,
                   num_stages=3)
    _, graph = model(torch.randn(3, 2, 10, 25, 3))
    assert graph.abs().max() == 0
    with torch.no_grad():
        model.gcn[-1].gcn.alpha.fill_(0.5)
    _, graph = model(torch.randn(3, 2, 10, 25, 3))
    assert graph.abs().max() > 0


def test_graph_conv_matches_per_frame_reference():
    """Mean-first topology == the reference's per-frame conv, then mean."""
    torch.manual_seed(0)
    conv = DynamicGraphConv(6, 16, num_nodes=5).eval()
    with torch.no_grad():
        conv.alpha.fill_(0.7)
        conv.beta.fill_(-0.3)
    x = torch.randn(2, 6, 7, 5)
    out, graph = conv(x, return_graph=True)

    N, K, C, T, V = 2, 8, 2, 7, 5
    phi = conv.conv1(x).view(N, K, C, T, V).mean(3)  # per frame, then mean
    psi = conv.conv2(x).view(N, K, C, T, V).mean(3)
    ctr = torch.zeros(N, K, C, V, V)
    ada = torch.zeros(N, K, V, V)
    for n in range(N):
        for k in range(K):
            for v in range(V):
                for w in range(V):
                    ctr[n, k, :, v, w] = 0.7 * torch.tanh(phi[n, k, :, v] -
                                                          psi[n, k, :, w])
                    ada[n, k, v, w] = (phi[n, k, :, v] * psi[n, k, :, w]).sum()
    ada = -0.3 * torch.softmax(ada, dim=2)  # over the source joint v
    adj = conv.A[None, :, None] + ctr + ada[:, :, None]
    pre = conv.pre(x).view(N, K, C, T, V)
    y = torch.zeros(N, K, C, T, V)
    for w in range(V):
        y[..., w] = (pre * adj[..., w][:, :, :, None, :]).sum(-1)
    want = torch.relu(conv.bn(conv.post(y.reshape(N, K * C, T, V))) +
                      conv.down(x))
    torch.testing.assert_close(out, want, rtol=1e-4, atol=1e-5)
    want_graph = (ctr + ada[:, :, None]).mean(dim=(1, 2))
    torch.testing.assert_close(graph, want_graph, rtol=1e-5, atol=1e-6)


def test_bad_arguments():
    with pytest.raises(TypeError):
        ACLGCN(graph_cfg=dict(layout='nturgb+d', max_hop=1))
    with pytest.raises(ValueError):
        ACLGCN(graph_cfg=dict(layout='nturgb+d', mode='spatial'))
    with pytest.raises(ValueError):
        ACLGCN(graph_cfg=dict(layout='ntu'))
    model = ACLGCN(graph_cfg=dict(layout='coco'), base_channels=8,
                   num_stages=2)
    with pytest.raises(ValueError, match='17 joints'):
        model(torch.randn(1, 1, 4, 25, 3))
