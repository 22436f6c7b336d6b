"""Every converter writes what it wrote before the data-path rebuild.

The golden pickles were written by the converters of commit beb9356 from
the fixtures of :mod:`format_fixtures`; see that module's notes.
"""
import os.path as osp
import pickle

import pytest

from .format_fixtures import GOLDEN, assert_same, convert_all


@pytest.fixture(scope='module')
def converted(tmp_path_factory):
    return convert_all(str(tmp_path_factory.mktemp('formats')))


CASES = ('ntu60_3d', 'ntu120_2d_1person', 'kinetics', 'kinetics_label_table',
         'coco', 'gait_gaitgraph', 'gait_opengait', 'gait_psymo', 'reid_ks20',
         'reid_kgbd')


@pytest.mark.parametrize('case', CASES)
def test_output_unchanged(converted, case):
    with open(osp.join(GOLDEN, f'{case}.pkl'), 'rb') as f:
        expected = pickle.load(f)
    assert_same(converted[case], expected)


def test_every_case_has_a_golden_file(converted):
    assert sorted(converted) == sorted(CASES)
    for case in CASES:
        assert osp.isfile(osp.join(GOLDEN, f'{case}.pkl'))


def test_assert_same_catches_a_changed_value(converted):
    with open(osp.join(GOLDEN, 'ntu60_3d.pkl'), 'rb') as f:
        expected = pickle.load(f)
    changed = pickle.loads(pickle.dumps(converted['ntu60_3d']))
    changed['annotations'][0]['keypoint'][0, 0, 0, 0] += 1e-3
    with pytest.raises(AssertionError):
        assert_same(changed, expected)
