import pytest
import torch

from aclnet_mm.evaluation.metrics import ReIDRetrievalMetric

# Hand case on a line (embedding [x, 0]); every sample has a role and a
# condition.
#   gallery (role 'gallery', nm-01): g0 id 1 at 0, g1 id 2 at 10,
#                                     g2 id 1 at 4, g3 id 3 at 20
#   probes (role 'probe'):  q0 id 1 at 1  (cl-01)
#                           q1 id 2 at 6  (cl-02)
#                           q2 id 4 at 20 (bg-01; id 4 is not in the gallery)
# q0: distances 1, 9, 3, 19 -> g0 (1), g2 (1), g1, g3: hit at rank 1;
#     matches at ranks 1 and 2, AP = (1/1 + 2/2) / 2 = 1.
# q1: distances 6, 4, 2, 14 -> g2 (id 1), g1 (id 2), g0, g3: first hit at
#     rank 2, AP = 1/2.
# q2: unmatched -> a miss at every rank, AP 0.
# Setting 'all' (roles): R1 = 1/3, R5 = R10 (clipped to 4) = 2/3,
#     mAP = (1 + 1/2 + 0) / 3 = 1/2, one unmatched probe.
# Setting 'cl_nm' (probes cl-01/cl-02, gallery nm-01): q0 and q1:
#     R1 = 1/2, R5 = R10 = 1, mAP = 3/4, no unmatched probe.
# Setting 'bg_nm' (probe bg-01): q2 only: everything 0, one unmatched.
SAMPLES = [
    (1, 'gallery', 'nm-01', 0.),
    (2, 'gallery', 'nm-01', 10.),
    (1, 'gallery', 'nm-01', 4.),
    (3, 'gallery', 'nm-01', 20.),
    (1, 'probe', 'cl-01', 1.),
    (2, 'probe', 'cl-02', 6.),
    (4, 'probe', 'bg-01', 20.),
]
SETTINGS = dict(
    all=dict(probe=dict(role='probe'), gallery=dict(role='gallery')),
    cl_nm=dict(
        probe=dict(condition=('cl-01', 'cl-02')),
        gallery=dict(condition='nm-01')),
    bg_nm=dict(
        probe=dict(condition=('bg-01', 'bg-02')),
        gallery=dict(condition='nm-01')))
EXPECTED = {
    'reid/all/R1': 100 / 3,
    'reid/all/R5': 200 / 3,
    'reid/all/R10': 200 / 3,
    'reid/all/mAP': 50.,
    'reid/all/unmatched_probes': 1,
    'reid/cl_nm/R1': 50.,
    'reid/cl_nm/R5': 100.,
    'reid/cl_nm/R10': 100.,
    'reid/cl_nm/mAP': 75.,
    'reid/cl_nm/unmatched_probes': 0,
    'reid/bg_nm/R1': 0.,
    'reid/bg_nm/R5': 0.,
    'reid/bg_nm/R10': 0.,
    'reid/bg_nm/mAP': 0.,
    'reid/bg_nm/unmatched_probes': 1,
}


def make_samples(device='cpu'):
    return [
        dict(
            embedding=torch.tensor([x, 0.], device=device),
            subject_id=subject,
            role=role,
            condition=condition) for subject, role, condition, x in SAMPLES
    ]


def evaluate(metric, samples):
    metric.process(None, samples)
    return metric.evaluate(len(samples))


def test_settings_hand_case(device):
    # embeddings on the device the model ran on
    result = evaluate(ReIDRetrievalMetric(settings=SETTINGS),
                      make_samples(device))
    assert result == pytest.approx(EXPECTED)


def test_default_setting_uses_roles():
    result = evaluate(ReIDRetrievalMetric(topk=(1, 2)), make_samples())
    assert result == pytest.approx({
        'reid/all/R1': 100 / 3,
        'reid/all/R2': 200 / 3,
        'reid/all/mAP': 50.,
        'reid/all/unmatched_probes': 1
    })


def test_cosine():
    # Directions instead of points: ids 1 and 2 along (1, 1) and (1, -1),
    # lengths arbitrary. Every probe lies on its subject's direction, so
    # cosine retrieval is perfect whatever the lengths; euclidean is not.
    samples = [
        dict(embedding=torch.tensor(e), subject_id=i, role=r)
        for e, i, r in (([1., 1.], 1, 'gallery'), ([9., -9.], 2, 'gallery'),
                        ([7., 7.], 1, 'probe'), ([1., -1.], 2, 'probe'))
    ]
    result = evaluate(
        ReIDRetrievalMetric(metric='cosine', topk=(1, )), samples)
    assert result['reid/all/R1'] == 100 and result['reid/all/mAP'] == 100
    # Euclidean: (7, 7) is 8.5 from (1, 1) and 16.1 from (9, -9): a hit;
    # (1, -1) is 2.0 from (1, 1) and 11.3 from (9, -9): a miss -> 50.
    result = evaluate(ReIDRetrievalMetric(topk=(1, )), samples)
    assert result['reid/all/R1'] == 50


def test_overlapping_selectors_raise():
    settings = dict(
        bad=dict(probe=dict(condition='nm-01'), gallery=dict(role='gallery')))
    metric = ReIDRetrievalMetric(settings=settings)
    metric.process(None, make_samples())
    with pytest.raises(ValueError, match='both probe'):
        metric.evaluate(len(SAMPLES))


def test_missing_selector_field():
    samples = make_samples()
    del samples[3]['role']
    with pytest.raises(ValueError, match=r"\['role'\]"):
        ReIDRetrievalMetric().process(None, samples)


@pytest.mark.parametrize('kwargs, message', [
    (dict(metric='hamming'), 'metric'),
    (dict(topk=(0, 5)), 'topk'),
    (dict(topk=()), 'topk'),
    (dict(settings=dict()), 'non-empty'),
    (dict(settings=dict(a=dict(probe=dict(role='probe')))), 'gallery'),
    (dict(settings=dict(a=dict(probe=dict(), gallery=dict(role='g')))),
     'non-empty'),
    (dict(settings=dict(a=dict(probe=dict(c=()), gallery=dict(role='g')))),
     'selects nothing'),
])
def test_rejects_bad_args(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ReIDRetrievalMetric(**kwargs)
