import os
import pickle
import runpy
import sys

import numpy as np
import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.evaluator import DumpResults, Evaluator
from pickle_payloads import REFUSED, assert_refused, dump_payload
from tool_loader import load_tool

from aclnet_mm.evaluation import (STREAM_WEIGHTS, StreamDump, check_dumps,
                                  evaluate_scores, find_mismatches,
                                  fuse_scores, load_dump, resolve_weights)
from aclnet_mm.utils.safe_pickle import UnsafePickleError

ROOT = os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, 'tools', 'analysis', 'ensemble.py')

# 3 samples x 3 classes, two streams of probabilities.
PROB_A = np.array([[.6, .3, .1], [.2, .5, .3], [.1, .2, .7]])
PROB_B = np.array([[.1, .8, .1], [.6, .3, .1], [.3, .3, .4]])
LABELS = np.array([1, 0, 2])


def _load_tool():
    return load_tool(TOOL)


def write_dump(path, scores, labels, frame_dirs=None):
    """Dump ActionDataSamples the way ``mim test ... --dump`` does."""
    evaluator = Evaluator([DumpResults(out_file_path=str(path))])
    samples = []
    for i, (score, label) in enumerate(zip(scores, labels)):
        sample = ActionDataSample().set_gt_label(int(label))
        sample.set_pred_score(torch.as_tensor(score, dtype=torch.float32))
        sample.set_pred_label(int(np.argmax(score)))
        if frame_dirs is not None:
            sample.set_metainfo(dict(frame_dir=frame_dirs[i]))
        samples.append(sample)
    evaluator.process(data_samples=samples[:2])  # two "batches"
    evaluator.process(data_samples=samples[2:])
    evaluator.evaluate(len(samples))
    return str(path)


def _softmax(x):
    e = np.exp(x - x.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def test_fusion_hand_computed():
    fused = fuse_scores([PROB_A, PROB_B], [2, 1])
    np.testing.assert_allclose(fused,
                               [[1.3, 1.4, .3], [1.0, 1.3, .7], [.5, .7, 1.8]])
    assert fused.argmax(1).tolist() == [1, 1, 2]
    assert evaluate_scores(fused, LABELS)['top1'] == pytest.approx(2 / 3)
    # the other weighting flips sample 1 to class 0
    fused = fuse_scores([PROB_A, PROB_B], [1, 2])
    np.testing.assert_allclose(fused,
                               [[.8, 1.9, .3], [1.4, 1.1, .5], [.7, .8, 1.5]])
    assert fused.argmax(1).tolist() == [1, 0, 2]
    assert evaluate_scores(fused, LABELS)['top1'] == 1.0
    with pytest.raises(ValueError, match='shape'):
        fuse_scores([PROB_A, PROB_B[:2]], [1, 1])


def test_resolve_weights():
    names = ['j', 'b', 'k', 'jm', 'bm', 'km']
    assert resolve_weights(6, streams=names) == [2, 2, 2, 1, 1, 1]
    assert resolve_weights(2, streams=['j', 'jm']) == [2, 1]
    assert resolve_weights(2, weights=[1, 3], streams=['j', 'b']) == [1, 3]
    assert resolve_weights(3) == [1, 1, 1]
    assert set(STREAM_WEIGHTS) == set(names)
    with pytest.raises(ValueError, match="'x'"):
        resolve_weights(2, streams=['j', 'x'])
    with pytest.raises(ValueError, match='3 weights for 2 dumps'):
        resolve_weights(2, weights=[1, 1, 1])
    with pytest.raises(ValueError, match='non-negative'):
        resolve_weights(2, weights=[1, -1])


def test_accuracies_match_numpy():
    rng = np.random.default_rng(0)
    N, K = 60, 9
    scores = rng.normal(size=(N, K))
    labels = rng.integers(0, K - 1, size=N)  # class K-1 is never a label
    scores[:4, K - 1] = 10.  # ... but it is predicted, as in MMAction2

    order = np.argsort(-scores, axis=1)
    top1 = np.mean(order[:, 0] == labels)
    top5 = np.mean([labels[i] in order[i, :5] for i in range(N)])
    pred = order[:, 0]
    classes = np.union1d(labels, pred)
    recall = [
        np.mean(pred[labels == c] == c) if np.any(labels == c) else 0.
        for c in classes
    ]
    result = evaluate_scores(scores, labels)
    assert result == pytest.approx(
        dict(top1=top1, top5=top5, mean1=np.mean(recall)))


def test_load_dump_reads_dump_results(tmp_path):
    path = write_dump(tmp_path / 'j.pkl', PROB_A, LABELS, ['a', 'b', 'c'])
    dump = load_dump(path, 'j')
    assert dump.name == 'j'
    np.testing.assert_allclose(dump.scores, PROB_A, rtol=1e-6)
    assert dump.labels.tolist() == LABELS.tolist()
    assert (dump.id_key, dump.sample_ids) == ('frame_dir', ['a', 'b', 'c'])
    dump = load_dump(write_dump(tmp_path / 'b.pkl', PROB_B, LABELS))
    assert dump.name.endswith('b.pkl') and dump.sample_ids is None


def test_mismatches_name_dumps_and_index():

    def dump(name, labels, ids=None):
        scores = np.ones((len(labels), 3)) / 3
        return StreamDump(name, scores, np.array(labels),
                          None if ids is None else 'frame_dir', ids)

    ref = dump('j', [0, 1, 2, 1], ['a', 'b', 'c', 'd'])
    assert find_mismatches([ref, dump('b', [0, 1, 2, 1])]) == []
    short = dump('b', [0, 1, 2])
    swapped = dump('jm', [0, 2, 1, 1])
    renamed = dump('bm', [0, 1, 2, 1], ['a', 'b', 'x', 'd'])
    problems = find_mismatches([ref, short, swapped, renamed])
    assert problems == [
        "'b' vs 'j': 3 samples vs 4",
        "'jm' vs 'j': gt_label differs first at index 1 (2 vs 1)",
        "'bm' vs 'j': frame_dir differs first at index 2 ('x' vs 'c')",
    ]
    with pytest.raises(ValueError, match="'jm' vs 'j'"):
        check_dumps([ref, swapped])


def test_cli_end_to_end(tmp_path, capsys, monkeypatch):
    rng = np.random.default_rng(1)
    N, K = 40, 6
    labels = rng.integers(0, K, size=N)
    names = [f'clip_{i}' for i in range(N)]
    probs = {}
    for stream, noise in (('j', 1.5), ('b', 2.), ('jm', 3.)):
        logits = rng.normal(scale=noise, size=(N, K))
        logits[np.arange(N), labels] += 1.
        probs[stream] = _softmax(logits)
        write_dump(tmp_path / f'{stream}.pkl', probs[stream], labels, names)
    dumps = [str(tmp_path / f'{s}.pkl') for s in probs]

    tool = _load_tool()
    assert tool.main(dumps + ['--streams', 'j', 'b', 'jm']) == 0
    out = capsys.readouterr().out
    fused = 2 * probs['j'] + 2 * probs['b'] + probs['jm']
    expected = evaluate_scores(fused, labels)
    last = out.strip().splitlines()[-1].split()
    assert last[0] == 'ensemble'
    assert [float(x) for x in last[1:]] == pytest.approx(
        [expected['top1'], expected['top5'], expected['mean1']], abs=1e-4)
    assert f'{N} samples, {K} classes' in out

    # explicit weights override the stream defaults
    assert tool.main(dumps + ['--weights', '0', '0', '1']) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1].split()
    only_jm = evaluate_scores(probs['jm'], labels)
    assert float(last[1]) == pytest.approx(only_jm['top1'], abs=1e-4)

    # a dump of other samples: non-zero exit, names and index on stderr
    shuffled = write_dump(tmp_path / 'bm.pkl', probs['j'][::-1], labels[::-1],
                          names[::-1])
    monkeypatch.setattr(sys, 'argv',
                        [TOOL, dumps[0], shuffled, '--streams', 'j', 'bm'])
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_path(TOOL, run_name='__main__')  # as `python TOOL ...`
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "'bm' vs 'j'" in err
    assert 'frame_dir differs first at index 0' in err


def test_corrupt_and_non_finite_dumps_get_clear_errors(tmp_path, capsys):
    good = write_dump(tmp_path / 'j.pkl', PROB_A, LABELS)
    corrupt = tmp_path / 'b.pkl'
    with open(good, 'rb') as f:
        corrupt.write_bytes(f.read()[:40])  # a truncated download
    with pytest.raises(ValueError, match='b.pkl cannot be read as a pickle'):
        load_dump(str(corrupt))
    nan = PROB_B.copy()
    nan[1, 2] = np.nan
    bad = write_dump(tmp_path / 'k.pkl', nan, LABELS)
    with pytest.raises(ValueError, match='sample 1 has non-finite scores'):
        load_dump(str(bad))
    tool = _load_tool()
    assert tool.main([str(good), str(corrupt)]) == 1
    err = capsys.readouterr().err
    assert 'b.pkl cannot be read as a pickle' in err
    assert 'Traceback' not in err


def test_dump_that_would_run_code_is_refused(tmp_path, capsys):
    good = write_dump(tmp_path / 'j.pkl', PROB_A, LABELS)
    tool = _load_tool()
    for kind in sorted(REFUSED):
        marker = tmp_path / f'pwned_{kind}'
        bad = dump_payload(
            tmp_path / 'b.pkl', kind, marker, lambda obj: [
                dict(pred_score=torch.tensor([.5, .5]),
                     gt_label=torch.tensor([0]), note=obj)
            ])
        with pytest.raises(UnsafePickleError) as err:
            load_dump(bad)
        assert_refused(err.value, bad, kind, marker)
        assert tool.main([good, bad]) == 1
        lines = capsys.readouterr().err.splitlines()
        assert lines == [f'error: {err.value}']
        assert not marker.exists()


@pytest.mark.parametrize('score, label, message', [
    (['0.1', '0.9'], 0, "sample 1 has non-numeric scores (['0.1', '0.9'], "
     'dtype <U3); refusing to fuse them'),
    ([0.1, None], 0, 'sample 1 has non-numeric scores ([0.1, None], dtype '
     'object); refusing to fuse them'),
    ([0.1, 0.9], 'walk', "sample 1 has gt_label np.str_('walk'), not an "
     'integer class index'),
])
def test_non_numeric_scores_are_one_line(tmp_path, capsys, score, label,
                                         message):
    path = tmp_path / 'odd.pkl'
    with open(path, 'wb') as f:
        pickle.dump([
            dict(pred_score=torch.tensor([.3, .7]), gt_label=torch.tensor(
                [1])),
            dict(pred_score=score, gt_label=[label])
        ], f)
    with pytest.raises(ValueError) as err:
        load_dump(str(path))
    assert str(err.value) == f'{path}: {message}'
    assert _load_tool().main([str(path)]) == 1
    assert capsys.readouterr().err == f'error: {path}: {message}\n'


def test_empty_or_folder_dump_is_one_line(tmp_path, capsys):
    (tmp_path / 'e.pkl').write_bytes(b'')
    tool = _load_tool()
    assert tool.main([str(tmp_path / 'e.pkl')]) == 1
    assert capsys.readouterr().err == (
        f'error: result dump {tmp_path}/e.pkl is empty (0 bytes)\n')
    assert tool.main([str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        f'error: result dump {tmp_path} is a folder, not a pickle file\n')
