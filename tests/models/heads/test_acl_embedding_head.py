import copy

import numpy as np
import pytest
import torch
from mmaction.datasets.transforms import PackActionInputs
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.dataset import pseudo_collate
from mmengine.evaluator import Evaluator
from tiny_setup import TINY_MODEL

import aclnet_mm.evaluation.metrics  # noqa: F401  (registers the metrics)
from aclnet_mm.evaluation.functional import cross_view_rank1
from aclnet_mm.models.heads import ACLHead
from aclnet_mm.models.heads.acl_embedding_head import ACLEmbeddingHead


def _recognizer(head_type='ACLEmbeddingHead'):
    cfg = copy.deepcopy(TINY_MODEL)
    cfg['cls_head']['type'] = head_type
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    model.init_weights()
    return model.eval()


def test_predict_adds_clip_averaged_embedding():
    model = _recognizer()
    assert isinstance(model.cls_head, ACLEmbeddingHead)
    inputs = torch.randn(2, 3, 2, 8, 25, 3)  # (N, clips, M, T, V, C)
    with torch.no_grad():
        samples = model.predict(inputs, [ActionDataSample() for _ in '12'])
        feature_map, _ = model.backbone(inputs.view(6, 2, 8, 25, 3))
        expected = ACLHead.pool(feature_map).view(2, 3, 16).mean(dim=1)
    for sample, embedding in zip(samples, expected):
        assert sample.embedding.shape == (16, )
        torch.testing.assert_close(sample.embedding, embedding)
        torch.testing.assert_close(sample.to_dict()['embedding'], embedding)

    # class scores are exactly ACLHead's
    reference = _recognizer('ACLHead')
    reference.load_state_dict(model.state_dict())
    with torch.no_grad():
        ref_samples = reference.predict(inputs,
                                        [ActionDataSample() for _ in '12'])
    for sample, ref in zip(samples, ref_samples):
        torch.testing.assert_close(sample.pred_score, ref.pred_score)
        assert 'embedding' not in ref


def test_predict_rejects_rows_not_matching_samples():
    head = MODELS.build(dict(TINY_MODEL['cls_head'], type='ACLEmbeddingHead'))
    feats = (torch.randn(5, 2, 16, 4, 25), torch.randn(5, 625))
    with pytest.raises(ValueError, match='cannot be split'):
        head.predict(feats, [ActionDataSample() for _ in '12'])


def test_end_to_end_gait_evaluation():
    # Pipeline output -> test_step -> Evaluator, as in a test loop.
    model = _recognizer()
    pack = PackActionInputs(meta_keys=('subject_id', 'condition', 'view'))
    rng = np.random.default_rng(0)
    data = []
    for subject in (75, 76):
        for condition in ('nm-01', 'nm-02', 'nm-05', 'cl-01'):
            for view in ('000', '090'):
                keypoint = rng.normal(size=(2, 2, 8, 25, 3))  # 2 clips
                data.append(
                    pack(
                        dict(
                            keypoint=keypoint.astype(np.float32),
                            label=subject - 75,
                            subject_id=subject,
                            condition=condition,
                            view=view)))
    probes = dict(NM=('nm-05', ), CL=('cl-01', ))
    evaluator = Evaluator([
        dict(
            type='GaitRank1Metric',
            gallery=('nm-01', 'nm-02'),
            probes=probes,
            metric='cosine')
    ])
    outputs = []
    for start in (0, 8):
        batch = pseudo_collate(data[start:start + 8])
        outputs += model.test_step(batch)
        evaluator.process(outputs[-8:], batch)
    result = evaluator.evaluate(len(data))

    assert set(result) == {'gait/NM', 'gait/CL', 'gait/mean'}
    emb = torch.stack([s.embedding for s in outputs]).numpy()
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    meta = [(s.subject_id, s.condition, s.view) for s in outputs]
    ids, conds, views = map(np.array, zip(*meta))
    gallery = np.isin(conds, ('nm-01', 'nm-02'))
    for name, conditions in probes.items():
        probe = np.isin(conds, conditions)
        _, mean = cross_view_rank1(1 - emb[probe] @ emb[gallery].T, ids[probe],
                                   ids[gallery], views[probe], views[gallery])
        assert result[f'gait/{name}'] == pytest.approx(100 * mean)
