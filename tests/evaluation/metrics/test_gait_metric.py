import math
from unittest.mock import patch

import numpy as np
import pytest
import torch

from aclnet_mm.evaluation.metrics import CASIA_B, GaitRank1Metric

# Hand case: subjects 1 and 2, views '000', '090', '180' (index i = 0, 1,
# 2), all ten CASIA-B conditions. Every embedding sits on a line at x:
#
#   gallery (nm-01..04) and NM probes (nm-05/06): x = 10 * (s - 1) + 2 * i
#       subject 1: 0, 2, 4        subject 2: 10, 12, 14
#   BG probes: subject 1 at x = 8 in every view; subject 2 as its gallery.
#   CL probes: subject 1 at x = 4.5 + 2 * i, subject 2 at x = 5.5 + 2 * i.
#
# In gallery view j the two candidates are subject 1 at 2j and subject 2
# at 10 + 2j (four identical copies each: ties only between copies of the
# same subject), so a probe is given subject 1 iff x < 5 + 2j (midpoint).
#
# NM: subject 1's x <= 4 < 5 and subject 2's x >= 10 > 9: every cell is
#   1.0, NM = 100.
# BG: subject 1 (x = 8) is taken for subject 2 in gallery views 000 and
#   090 (8 > 5, 8 > 7) and is right in 180 (8 < 9); subject 2 always
#   right. Cells: 0.5 in gallery columns 000/090, 1.0 in column 180.
#   Without identical views: rows (0.5 + 1) / 2, (0.5 + 1) / 2,
#   (0.5 + 0.5) / 2 -> BG = 2/3. With them every row is 2/3 as well.
# CL: each probe sits 0.5 from the midpoint of its own view, on its own
#   subject's side, so in its own view it is right (as a probe matching
#   its own view's gallery entry does), but in the other views the view
#   shift pushes one of the two subjects across the midpoint: subject 1
#   (x = 4.5 + 2i) is right iff j >= i, subject 2 iff j <= i. Cells: 1.0
#   on the diagonal, 0.5 elsewhere. Identical views excluded: CL = 50;
#   included: (1 + 0.5 + 0.5) / 3 -> 66.67.
# Mean: (100 + 66.67 + 50) / 3 = 72.22; with identical views 77.78.
VIEWS = ('000', '090', '180')
NM = ('nm-01', 'nm-02', 'nm-03', 'nm-04', 'nm-05', 'nm-06')
CONDITIONS = NM + ('bg-01', 'bg-02', 'cl-01', 'cl-02')
EXPECTED = dict(NM=100., BG=200 / 3, CL=50., mean=(100 + 200 / 3 + 50) / 3)
EXPECTED_WITH_IDENTICAL = dict(
    NM=100., BG=200 / 3, CL=200 / 3, mean=(100 + 400 / 3) / 3)


def position(subject, condition, i):
    if condition.startswith('bg') and subject == 1:
        return 8.
    if condition.startswith('cl'):
        return (4.5 if subject == 1 else 5.5) + 2 * i
    return 10. * (subject - 1) + 2 * i


def make_samples(embed=lambda x, k: [x, 0.]):
    """One sample per (subject, condition, view); ``k`` numbers them."""
    samples = []
    for subject in (1, 2):
        for condition in CONDITIONS:
            for i, view in enumerate(VIEWS):
                x = position(subject, condition, i)
                samples.append(
                    dict(
                        embedding=torch.tensor(embed(x, len(samples))),
                        subject_id=subject,
                        condition=condition,
                        view=view))
    return samples


def evaluate(metric, samples):
    metric.process(None, samples)
    return metric.evaluate(len(samples))


def test_hand_case_euclidean():
    result = evaluate(GaitRank1Metric(), make_samples())
    assert result == pytest.approx({
        f'gait/{k}': v
        for k, v in EXPECTED.items()
    })


def test_identical_view_exclusion_changes_cl():
    result = evaluate(
        GaitRank1Metric(exclude_identical_view=False, prefix='casia'),
        make_samples())
    assert result == pytest.approx({
        f'casia/{k}': v
        for k, v in EXPECTED_WITH_IDENTICAL.items()
    })


def test_hand_case_cosine_ignores_scale():
    # Map x to the direction at angle x * pi / 40 (x <= 14.5 keeps every
    # angle difference below pi) with an arbitrary length per sample:
    # cosine distance 1 - cos(angle difference) ranks exactly like |dx|,
    # so the cosine metric reproduces the hand-computed numbers, while
    # the euclidean one is thrown off by the lengths.
    lengths = np.random.default_rng(0).uniform(
        0.2, 5., size=len(make_samples()))

    def embed(x, k):
        angle = x * math.pi / 40
        return [lengths[k] * math.cos(angle), lengths[k] * math.sin(angle)]

    samples = make_samples(embed)
    result = evaluate(GaitRank1Metric(metric='cosine'), samples)
    assert result == pytest.approx({
        f'gait/{k}': v
        for k, v in EXPECTED.items()
    })
    euclidean = evaluate(GaitRank1Metric(), samples)
    assert euclidean != pytest.approx(result)


def test_logs_per_view_tables():
    with patch('aclnet_mm.evaluation.metrics.gait_metric.print_log') as log:
        evaluate(GaitRank1Metric(), make_samples())
    messages = [call.args[0] for call in log.call_args_list]
    assert len(messages) == 3
    cl = next(m for m in messages if m.startswith('CL'))
    # probe view 000: identical view in brackets, row mean 50
    assert cl.splitlines()[2].split() == [
        '000', '(100.0)', '50.0', '50.0', '50.0'
    ]
    assert '0 of them without any gallery sample' in cl


def test_other_protocol_and_unmatched_probe():
    # OU-MVLP-like: gallery sequence '01', probe sequence '00'. Subject 3
    # has no gallery sequence: its 2 probes (one per view) are misses in
    # every cell, never dropped: 2/3 of each cell.
    samples = []
    for subject, x in ((1, 0.), (2, 10.), (3, 1.)):
        for condition in ('00', '01'):
            if subject == 3 and condition == '01':
                continue
            for view in (0, 90):
                samples.append(
                    dict(
                        embedding=torch.tensor([x]),
                        subject_id=subject,
                        condition=condition,
                        view=view))
    metric = GaitRank1Metric(gallery='01', probes=dict(all=('00', )))
    with patch('aclnet_mm.evaluation.metrics.gait_metric.print_log') as log:
        result = evaluate(metric, samples)
    assert result == pytest.approx({'gait/all': 200 / 3, 'gait/mean': 200 / 3})
    message = log.call_args.args[0]
    assert '6 probes, 2 of them without any gallery sample' in message


def test_missing_fields():
    sample = make_samples()[0]
    del sample['view']
    with pytest.raises(ValueError, match=r"\['view'\].*meta_keys"):
        GaitRank1Metric().process(None, [sample])
    del sample['embedding']
    with pytest.raises(ValueError, match='ACLEmbeddingHead'):
        GaitRank1Metric().process(None, [sample])


def test_empty_probe_set_is_nan_and_left_out_of_mean():
    samples = [
        s for s in make_samples() if not s['condition'].startswith('bg')
    ]
    result = evaluate(GaitRank1Metric(), samples)
    assert math.isnan(result['gait/BG'])
    assert result['gait/mean'] == pytest.approx((100 + 50) / 2)


@pytest.mark.parametrize('kwargs, message', [
    (dict(metric='manhattan'), 'metric'),
    (dict(probes=dict(NM=('nm-04', 'nm-05'))), 'retrieve itself'),
    (dict(probes=dict(mean=('cl-01', ))), 'reserved'),
    (dict(probes=dict()), 'non-empty'),
    (dict(gallery=()), 'at least one'),
])
def test_rejects_bad_args(kwargs, message):
    with pytest.raises(ValueError, match=message):
        GaitRank1Metric(**kwargs)


def test_default_protocol_is_casia_b():
    metric = GaitRank1Metric()
    assert metric.gallery == CASIA_B['gallery']
    assert metric.probes == CASIA_B['probes']
