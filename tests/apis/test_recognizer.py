"""SkeletonRecognizer: the scores equal MMEngine's test loop's."""
import os
import pickle

import numpy as np
import pytest
from infer_fixture import (pose_pickle, random_checkpoint, runner_test_scores,
                           save_config, tiny_config)
from kinetics_fixture import make_k400_fixture
from mmaction.datasets.transforms import DecompressPose

from aclnet_mm.apis import Prediction, SkeletonRecognizer


def _setup(kind, tmp_path, **kwargs):
    if kind == 'kpfile':
        ann, _ = make_k400_fixture(str(tmp_path / 'k400'))
    else:
        ann = pose_pickle(tmp_path / f'{kind}.pkl', kind)
    cfg = tiny_config(kind, ann, **kwargs)
    ckpt = random_checkpoint(cfg, tmp_path / 'tiny.pth')
    return cfg, ann, ckpt


def _samples(kind, ann, tmp_path):
    """The val samples as (keypoint, score, img_shape) arrays."""
    with open(ann, 'rb') as f:
        data = pickle.load(f)
    out = []
    for anno in data['annotations']:
        if kind != 'kpfile' and anno['frame_dir'] not in data['split'][
                'val']:
            continue
        if kind == 'kpfile':  # expand the kpfile entry independently
            with open(os.path.join(tmp_path, 'k400', anno['raw_file']),
                      'rb') as f:
                entry = pickle.load(f)[anno['frame_dir']]
            anno = DecompressPose(squeeze=False)(dict(anno, **entry))
        out.append((anno['keypoint'], anno.get('keypoint_score'),
                    anno.get('img_shape')))
    return out


@pytest.mark.parametrize('kind', ['3d', '2d', 'kpfile'])
def test_scores_equal_the_test_loop(kind, tmp_path):
    cfg, ann, ckpt = _setup(kind, tmp_path)
    want = runner_test_scores(cfg, ckpt, tmp_path / 'run')
    rec = SkeletonRecognizer(cfg, ckpt)
    samples = _samples(kind, ann, tmp_path)
    assert len(samples) == len(want)
    for (kp, score, img_shape), expected in zip(samples, want):
        pred = rec.predict(kp, score, img_shape, topk=2)
        np.testing.assert_allclose(pred.all_scores, expected, atol=1e-6)
        assert pred.labels[0] == int(np.argmax(expected))
        assert pred.scores[0] == pytest.approx(float(expected.max()))
    # the scores differ between samples: a constant output cannot pass
    assert np.abs(want - want[0]).max() > 1e-3


def test_2d_without_scores_uses_ones(tmp_path):
    cfg, ann, ckpt = _setup('2d', tmp_path)
    rec = SkeletonRecognizer(cfg, ckpt)
    kp, score, img_shape = _samples('2d', ann, tmp_path)[0]
    without = rec.predict(kp, None, img_shape)
    ones = rec.predict(kp, np.ones(kp.shape[:3], np.float32), img_shape)
    given = rec.predict(kp, score, img_shape)
    np.testing.assert_allclose(without.all_scores, ones.all_scores)
    assert np.abs(without.all_scores - given.all_scores).max() > 1e-4


def test_t_v_c_input_is_one_person(tmp_path):
    cfg, _, ckpt = _setup('3d', tmp_path)
    rec = SkeletonRecognizer(cfg, ckpt)
    kp = np.random.default_rng(0).normal(size=(12, 25, 3))
    np.testing.assert_array_equal(
        rec.predict(kp).all_scores, rec.predict(kp[None]).all_scores)


@pytest.mark.parametrize('shape, words', [
    ((1, 10, 17, 3), ['17 joints', '(M, T, 25, 3)']),
    ((1, 10, 25, 2), ['2 coordinates', '(M, T, 25, 3)']),
    ((10, 25), ['shape (10, 25)']),
])
def test_wrong_shapes_are_named(shape, words, tmp_path):
    cfg, _, ckpt = _setup('3d', tmp_path)
    rec = SkeletonRecognizer(cfg, ckpt)
    with pytest.raises(ValueError) as err:
        rec.predict(np.zeros(shape), name='my_clip')
    for word in ['my_clip'] + words:
        assert word in str(err.value)


def test_kpfile_config_takes_coco17(tmp_path):
    cfg, _, ckpt = _setup('kpfile', tmp_path)
    rec = SkeletonRecognizer(cfg, ckpt)
    assert (rec.spec.num_joints, rec.spec.num_coords) == (17, 2)
    with pytest.raises(ValueError, match=r'20 joints.*\(M, T, 17, 2\)'):
        rec.predict(np.zeros((1, 10, 20, 2)))


def test_prediction_topk_and_dict(tmp_path):
    cfg, _, ckpt = _setup('3d', tmp_path)
    rec = SkeletonRecognizer(cfg, ckpt)
    pred = rec.predict(np.random.default_rng(1).normal(size=(1, 9, 25, 3)),
                       topk=2)
    assert isinstance(pred, Prediction)
    order = np.argsort(-pred.all_scores)
    assert pred.labels == [int(i) for i in order[:2]]
    assert pred.names == [f'class_{i}' for i in order[:2]]
    assert pred.all_scores.sum() == pytest.approx(1.0)  # 'prob' average
    d = pred.to_dict(all_scores=True)
    assert d['labels'] == pred.labels and len(d['all_scores']) == 3
    assert d['embedding'] is None


def test_embedding_head_returns_the_embedding(tmp_path):
    cfg, _, _ = _setup('3d', tmp_path)
    cfg.model.cls_head.type = 'ACLEmbeddingHead'
    ckpt = random_checkpoint(cfg, tmp_path / 'emb.pth')
    rec = SkeletonRecognizer(cfg, ckpt)
    pred = rec.predict(np.random.default_rng(2).normal(size=(1, 9, 25, 3)))
    assert pred.embedding is not None and pred.embedding.shape == (16, )
    assert np.abs(pred.embedding).sum() > 0


def test_config_file_and_label_map(tmp_path):
    cfg, _, ckpt = _setup('3d', tmp_path)
    path = save_config(cfg, tmp_path / 'tiny_cfg.py')
    names = tmp_path / 'names.txt'
    names.write_text('jump\nsit\n\nwave\n')
    rec = SkeletonRecognizer(path, ckpt, label_map=str(names))
    assert rec.class_names == ['jump', 'sit', 'wave']
    names.write_text('jump\nsit\n')
    with pytest.raises(ValueError, match='2 class names.*3 classes'):
        SkeletonRecognizer(path, ckpt, label_map=str(names))
