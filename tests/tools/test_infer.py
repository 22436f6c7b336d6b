"""tools/infer.py: files and folders, JSON lines, bad-file policy."""
import json
import os

import numpy as np
import pytest
from infer_fixture import (random_checkpoint, save_config, tiny_config,
                           write_ntu_skeleton, write_reid_triple)
from tool_loader import load_tool

from aclnet_mm.apis import SkeletonRecognizer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def _tool():
    return load_tool(os.path.join(ROOT, 'tools', 'infer.py'))


@pytest.fixture
def setup(tmp_path):
    cfg = tiny_config('3d', tmp_path / 'unused.pkl')
    config = save_config(cfg, tmp_path / 'tiny.py')
    ckpt = random_checkpoint(cfg, tmp_path / 't.pth')
    data = tmp_path / 'data'
    (data / 'sub').mkdir(parents=True)
    write_ntu_skeleton(data / 'S001C001P001R001A001.skeleton', frames=12)
    write_ntu_skeleton(data / 'sub' / 'S001C001P002R001A002.skeleton',
                       frames=9, seed=1)
    write_reid_triple(str(data / 'sub'), samples=2, frames=8)
    return config, ckpt, data


def test_folder_to_json_lines_matches_the_api(setup, tmp_path, capsys):
    config, ckpt, data = setup
    out = tmp_path / 'result.jsonl'
    assert _tool().main([config, ckpt, str(data), '--topk', '2', '--out',
                         str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r['name'] for r in rows] == [
        'S001C001P001R001A001', 'S001C001P002R001A002', 'source_x_KS20_8_0',
        'source_x_KS20_8_1'
    ]
    rec = SkeletonRecognizer(config, ckpt)
    for row in rows:
        preds = dict(rec.predict_file(row['file'], topk=2))
        assert row['labels'] == preds[row['name']].labels
        np.testing.assert_allclose(row['scores'], preds[row['name']].scores,
                                   atol=1e-6)
    printed = capsys.readouterr()
    assert 'S001C001P002R001A002' in printed.out
    assert '4 sequence(s) from 3 file(s)' in printed.out
    assert '100%' in printed.err or '3/3' in printed.err  # progress bar


def test_bad_file_stops_by_default_and_is_skipped_on_request(
        setup, tmp_path, capsys):
    config, ckpt, data = setup
    bad = data / 'sub' / 'broken.json'
    bad.write_text('{"data": [')
    tool = _tool()
    assert tool.main([config, ckpt, str(data)]) == 1
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith('error: ') and 'broken.json' in err
    assert '--skip-bad' in err
    assert tool.main([config, ckpt, str(data), '--skip-bad']) == 0
    printed = capsys.readouterr()
    assert '4 sequence(s) from 3 file(s)' in printed.out
    assert 'skipped 1 bad file(s)' in printed.err
    assert 'broken.json' in printed.err


def test_windows_give_segments(setup, tmp_path, capsys):
    config, ckpt, data = setup
    out = tmp_path / 'w.jsonl'
    path = str(data / 'S001C001P001R001A001.skeleton')
    assert _tool().main([config, ckpt, path, '--window', '6', '--stride',
                         '3', '--out', str(out)]) == 0
    (row, ) = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(w['start'], w['end']) for w in row['windows']] == [(0, 6),
                                                                (3, 9),
                                                                (6, 12)]
    assert row['segments'][0]['start'] == 0
    assert row['segments'][-1]['end'] == 12
    assert 'frames' in capsys.readouterr().out


def test_missing_input_is_one_line(setup, capsys):
    config, ckpt, _ = setup
    assert _tool().main([config, ckpt, 'nowhere.skeleton']) == 1
    assert capsys.readouterr().err.strip() == (
        'error: nowhere.skeleton: no such file or folder')
