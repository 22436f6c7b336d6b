import copy
from unittest.mock import MagicMock

import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from tiny_setup import TINY_MODEL


def _samples(labels):
    return [ActionDataSample().set_gt_label(int(y)) for y in labels]


def _recognizer():
    torch.manual_seed(0)
    model = MODELS.build(TINY_MODEL)
    model.init_weights()
    return model


def test_loss_terms_are_logged_separately():
    model = _recognizer()
    losses = model.loss(torch.randn(4, 1, 2, 8, 25, 3), _samples([0, 1, 2,
                                                                  3]))
    for key in ('loss_cls', 'loss_inter', 'loss_intra', 'top1_acc'):
        assert key in losses


def test_all_parameters_get_gradients_while_losses_inactive():
    # DDP with find_unused_parameters=False needs every parameter in the
    # graph, also before the contrastive losses switch on
    model = _recognizer()
    losses = model.loss(torch.randn(4, 1, 2, 8, 25, 3), _samples([0, 1, 2,
                                                                  3]))
    assert float(losses['loss_inter']) == 0
    assert float(losses['loss_intra']) == 0
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    missing = [n for n, p in model.named_parameters() if p.grad is None]
    assert not missing


def test_loss_weights_scale_terms():
    feats = (torch.randn(6, 2, 16, 4, 25), torch.randn(6, 625))
    labels = [0, 1, 2, 3, 0, 1]
    values = {}
    for weight in (0.1, 1.0):
        cfg = dict(TINY_MODEL['cls_head'])
        cfg['loss_inter'] = dict(cfg['loss_inter'], loss_weight=weight)
        cfg['loss_intra'] = dict(cfg['loss_intra'], loss_weight=weight,
                                 memory_size=4)
        torch.manual_seed(0)
        head = MODELS.build(cfg)
        head.rebuild_superclasses()
        values[weight] = head.loss(feats, _samples(labels))
    for key in ('loss_inter', 'loss_intra'):
        assert float(values[1.0][key]) != 0
        torch.testing.assert_close(values[0.1][key], 0.1 * values[1.0][key])
    torch.testing.assert_close(values[0.1]['loss_cls'],
                               values[1.0]['loss_cls'])


def test_projection_size_follows_layout():
    head = MODELS.build(
        dict(type='ACLHead', num_classes=5, in_channels=8, layout='coco_new'))
    assert head.loss_inter.proj.in_features == 400
    assert head.loss_intra.proj.in_features == 400
    with pytest.raises(ValueError, match='same layout'):
        head.loss((torch.randn(2, 1, 8, 3, 25), torch.randn(2, 625)),
                  _samples([0, 1]))


def test_init_touches_classifier_only():
    torch.manual_seed(0)
    head = MODELS.build(TINY_MODEL['cls_head'])
    before = head.loss_inter.proj.weight.clone()
    head.init_weights()
    assert torch.equal(before, head.loss_inter.proj.weight)
    assert head.fc.weight.std().item() == pytest.approx(0.01, rel=0.5)
    assert head.fc.bias.abs().max() == 0


def test_multi_clip_prediction_averages_probabilities():
    model = _recognizer().eval()
    inputs = torch.randn(2, 3, 2, 8, 25, 3)
    with torch.no_grad():
        out = model.predict(inputs, _samples([0, 1]))
        per_clip = model.cls_head(
            model.backbone(inputs.reshape(6, 2, 8, 25, 3)))
    want = per_clip.softmax(-1).view(2, 3, -1).mean(1)
    for sample, row in zip(out, want):
        torch.testing.assert_close(sample.pred_score, row)
    # predicting never mutates the loss state
    assert int(model.cls_head.loss_intra.filled) == 0


def test_train_step_with_recognizer():
    model = _recognizer()
    data = dict(
        inputs=[torch.randn(1, 2, 8, 25, 3) for _ in range(4)],
        data_samples=_samples([0, 1, 2, 3]))
    optim_wrapper = MagicMock()
    log_vars = model.train_step(data, optim_wrapper)
    for key in ('loss', 'loss_cls', 'loss_inter', 'loss_intra'):
        assert key in log_vars
    optim_wrapper.update_params.assert_called_once()


def _loss_state(head):
    return {k: v.clone() for k, v in head.named_buffers()}


def test_non_finite_input_stops_before_the_state_changes():
    model = _recognizer()
    model.train()
    head = model.cls_head
    head.set_counting(True)
    before = _loss_state(head)
    inputs = torch.randn(4, 1, 2, 8, 25, 3)
    inputs[1, 0, 0, 3, 5, 2] = float('nan')
    with pytest.raises(FloatingPointError,
                       match='classifier_scores is not finite'):
        model.loss(inputs, _samples([0, 1, 2, 3]))
    for name, value in _loss_state(head).items():
        assert torch.equal(value, before[name]), name  # nothing poisoned


def test_non_finite_loss_term_is_named():
    model = _recognizer()
    model.train()
    head = model.cls_head
    head.loss_intra.forward = lambda graph, labels: graph.sum() * float(
        'inf')
    with pytest.raises(FloatingPointError, match='loss_intra'):
        model.loss(torch.randn(4, 1, 2, 8, 25, 3), _samples([0, 1, 2, 3]))
    head.check_finite = False  # the switch turns the guard off
    losses = model.loss(torch.randn(4, 1, 2, 8, 25, 3), _samples([0, 1, 2,
                                                                  3]))
    assert not torch.isfinite(losses['loss_intra'])


_SYNCS = ('item', 'tolist', 'cpu', 'numpy', '__bool__', '__int__',
          '__float__')


def _count_host_syncs(monkeypatch, fn):
    """Count the tensor -> host conversions (device syncs on a GPU)."""
    calls = []
    for name in _SYNCS:
        original = getattr(torch.Tensor, name)

        def counted(self, *args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(torch.Tensor, name, counted)
    fn()
    monkeypatch.undo()
    return calls


def test_train_step_syncs_do_not_grow_with_batch_or_classes(
        monkeypatch, device):
    # the losses are vectorised: no host sync per sample or per class
    counts = []
    for K, B in ((4, 4), (12, 24)):
        cfg = copy.deepcopy(TINY_MODEL)
        cfg['cls_head']['num_classes'] = K
        torch.manual_seed(0)
        model = MODELS.build(cfg).to(device)
        model.train()
        head = model.cls_head
        head.set_counting(True)
        head.loss_inter.superclass.fill_(True)
        head.loss_inter.active.fill_(True)
        head.loss_intra.filled.fill_(head.loss_intra.memory_size)
        inputs = torch.randn(B, 1, 2, 8, 25, 3, device=device)
        samples = _samples([i % K for i in range(B)])
        for s in samples:
            s.gt_label = s.gt_label.to(device)
        calls = _count_host_syncs(
            monkeypatch,
            lambda: sum(v for k, v in model.loss(inputs, samples).items()
                        if k.startswith('loss')).backward())
        counts.append(sorted(calls))
    assert counts[0] == counts[1]
    assert len(counts[0]) <= 12, counts[0]


@pytest.mark.parametrize('affinity, width', [('features', 25 * 25),
                                             ('embedding', 16)])
def test_losses_on_any_backbone_output(affinity, width, device):
    # a backbone that returns only its feature map (MMAction2's STGCN ...)
    cfg = copy.deepcopy(TINY_MODEL)['cls_head']
    cfg.update(affinity=affinity)
    head = MODELS.build(cfg).to(device).train()
    assert head.loss_inter.proj.in_features == width
    head.loss_inter.superclass.fill_(True)
    head.loss_inter.active.fill_(True)
    head.loss_intra.filled.fill_(head.loss_intra.memory_size)
    feats = torch.randn(4, 2, 16, 3, 25, device=device, requires_grad=True)
    samples = _samples([0, 0, 1, 1])  # positives inside the batch
    for s in samples:
        s.gt_label = s.gt_label.to(device)
    losses = head.loss(feats, samples)
    assert float(losses['loss_inter']) > 0 and float(losses['loss_intra']) > 0
    (losses['loss_inter'] + losses['loss_intra']).backward()
    assert feats.grad.abs().sum() > 0  # the losses reach the backbone


def test_backbone_affinity_needs_the_pair():
    head = MODELS.build(copy.deepcopy(TINY_MODEL)['cls_head']).train()
    with pytest.raises(TypeError, match="affinity='features'"):
        head.loss(torch.randn(4, 2, 16, 3, 25), _samples([0, 1, 2, 3]))
    with pytest.raises(ValueError, match='affinity must be one of'):
        MODELS.build(dict(copy.deepcopy(TINY_MODEL)['cls_head'],
                          affinity='graph'))
