"""LayoutSTGCN / LayoutAAGCN: MMAction2's GCNs on this package's layouts."""
import inspect

import numpy as np
import pytest
import torch
from mmaction.models.backbones import AAGCN, STGCN
from mmaction.models.utils import Graph
from mmaction.registry import MODELS

from aclnet_mm.models.backbones import LayoutAAGCN, LayoutSTGCN
from aclnet_mm.models.backbones.layout_gcn import (GRAPH_MODES, layout_graph,
                                                   mmaction_graph_cfg)

MMACTION_LAYOUTS = ('nturgb+d', 'coco', 'openpose')
USER = dict(num_node=5, inward=[(1, 0), (2, 1), (3, 1), (4, 0)], center=1)
NARROW = dict(
    base_channels=8, num_stages=3, inflate_stages=[3], down_stages=[3])
STGCNPP = dict(gcn_adaptive='init', gcn_with_res=True, tcn_type='mstcn')


def test_modes_are_every_graph_builder_of_mmaction():
    builders = {
        name
        for name, _ in inspect.getmembers(Graph, inspect.isfunction)
        if not name.startswith('_') and name != 'set_layout'
    }
    assert builders == set(GRAPH_MODES)


@pytest.mark.parametrize('mode', GRAPH_MODES)
@pytest.mark.parametrize('max_hop', (1, 2))
@pytest.mark.parametrize('layout', MMACTION_LAYOUTS)
def test_adjacency_is_mmactions_own(layout, mode, max_hop):
    ours = layout_graph(layout, mode, max_hop)
    theirs = Graph(layout=layout, mode=mode, max_hop=max_hop)
    assert ours.A.dtype == theirs.A.dtype
    np.testing.assert_array_equal(ours.A, theirs.A)
    np.testing.assert_array_equal(ours.hop_dis, theirs.hop_dis)


def test_kinect_v1_adjacency_by_hand():
    A = layout_graph('kinect_v1', 'spatial').A
    assert A.shape == (3, 20, 20)
    np.testing.assert_array_equal(A[0], np.eye(20))
    # inward: column child, row parent, each child has one parent
    parents = {
        1: 0,
        2: 1,
        3: 2,
        4: 2,
        5: 4,
        6: 5,
        7: 6,
        8: 2,
        9: 8,
        10: 9,
        11: 10,
        12: 0,
        13: 12,
        14: 13,
        15: 14,
        16: 0,
        17: 16,
        18: 17,
        19: 18
    }
    inward = np.zeros((20, 20))
    outward = np.zeros((20, 20))
    children = {
        p: [c for c, q in parents.items() if q == p]
        for p in range(20)
    }
    for child, parent in parents.items():
        inward[parent, child] = 1
        outward[child, parent] = 1 / len(children[parent])
    np.testing.assert_array_equal(A[1], inward)
    np.testing.assert_allclose(A[2], outward, rtol=0, atol=1e-15)
    # hip centre (0) and shoulder centre (2) have three children each
    assert outward[1, 0] == outward[3, 2] == pytest.approx(1 / 3)


@pytest.mark.parametrize('mode', ('spatial', 'stgcn_spatial'))
@pytest.mark.parametrize('theirs, ours, kwargs', [
    (STGCN, LayoutSTGCN, STGCNPP),
    (STGCN, LayoutSTGCN, {}),
    (AAGCN, LayoutAAGCN, {}),
])
def test_same_seed_same_model_same_output(theirs, ours, kwargs, mode):
    graph_cfg = dict(layout='nturgb+d', mode=mode)
    torch.manual_seed(0)
    reference = theirs(graph_cfg=graph_cfg, **NARROW, **kwargs).eval()
    torch.manual_seed(0)
    model = ours(graph_cfg=graph_cfg, **NARROW, **kwargs).eval()
    state, ref_state = model.state_dict(), reference.state_dict()
    assert list(state) == list(ref_state)
    assert all(torch.equal(state[k], ref_state[k]) for k in state)
    x = torch.randn(
        2, 2, 12, 25, 3, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        assert torch.equal(model(x), reference(x))


@pytest.mark.parametrize('cls', (LayoutSTGCN, LayoutAAGCN))
@pytest.mark.parametrize('layout, V', [('kinect_v1', 20), ('coco_new', 20),
                                       (USER, 5)])
def test_other_layouts_build_and_run(cls, layout, V, device):
    kwargs = STGCNPP if cls is LayoutSTGCN else {}
    model = MODELS.build(
        dict(
            type=cls.__name__,
            graph_cfg=dict(layout=layout),
            **NARROW,
            **kwargs)).to(device)
    assert model.skeleton_layout.num_node == V
    assert model.graph.A.shape == (3, V, V)
    out = model(torch.randn(2, 2, 12, V, 3, device=device))
    assert out.shape == (2, 2, 16, 6, V)
    assert torch.isfinite(out).all()


def test_user_layout_is_given_to_mmaction_as_its_dict():
    cfg = mmaction_graph_cfg(
        dict(layout=USER, mode='stgcn_spatial', max_hop=2))
    assert cfg == dict(
        layout=dict(USER, inward=[tuple(e) for e in USER['inward']]),
        mode='stgcn_spatial',
        max_hop=2)
    np.testing.assert_array_equal(
        layout_graph(USER, 'stgcn_spatial', 2).A,
        Graph(layout=USER, mode='stgcn_spatial', max_hop=2).A)


@pytest.mark.parametrize('graph_cfg, error, message', [
    (dict(layout='kinect_v2'), ValueError, "Unknown skeleton layout "
     "'kinect_v2'"),
    (dict(layout='kinect_v1', mode='agcn'), ValueError,
     r"Unknown graph mode 'agcn'.*\['spatial', 'stgcn_spatial', "
     r"'binary_adj'\]"),
    (dict(layout='kinect_v1', num_filter=8), TypeError,
     r"Unknown graph_cfg keys \['num_filter'\]"),
    (dict(mode='spatial'), TypeError, 'graph_cfg needs a layout'),
    (dict(layout=dict(num_node=3, inward=[(1, 0)])), ValueError,
     r"lacks the keys \['center'\]"),
])
def test_bad_graph_cfg(graph_cfg, error, message):
    with pytest.raises(error, match=message):
        LayoutSTGCN(graph_cfg=graph_cfg)
