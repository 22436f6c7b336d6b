"""An exported .onnx file as the model gives the .pth's scores."""
import copy

import numpy as np
import pytest
import torch
from infer_fixture import pose_pickle, random_checkpoint, tiny_config
from mmaction.registry import MODELS

from aclnet_mm.apis import SkeletonRecognizer, read_skeleton_file
from aclnet_mm.deployment import export_onnx

pytest.importorskip('onnxruntime')


@pytest.mark.parametrize('kind', ['3d', '2d'])
def test_onnx_scores_equal_the_checkpoints(kind, tmp_path):
    ann = pose_pickle(tmp_path / 'p.pkl', kind)
    cfg = tiny_config(kind, ann)
    ckpt = random_checkpoint(cfg, tmp_path / 't.pth')
    model = MODELS.build(copy.deepcopy(cfg.model))
    model.load_state_dict(torch.load(ckpt)['state_dict'])
    V = 25 if kind == '3d' else 17
    onnx_file = export_onnx(model.eval(), str(tmp_path / 't.onnx'),
                            (1, 2, 2, 8, V, 3))
    torch_rec = SkeletonRecognizer(cfg, ckpt)
    onnx_rec = SkeletonRecognizer(cfg, onnx_file)
    assert onnx_rec.model is None and onnx_rec.num_classes == 3
    records = read_skeleton_file(ann)
    want = torch_rec.predict_many(records)
    got = onnx_rec.predict_many(records)  # batched: 3 sequences at once
    spread = 0.
    for w, g in zip(want, got):
        assert np.abs(w.all_scores - g.all_scores).max() <= 1e-4
        assert w.labels == g.labels
        spread = max(spread, np.abs(w.all_scores - want[0].all_scores).max())
    assert spread > 1e-3  # the samples are told apart
