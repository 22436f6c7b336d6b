import argparse
import errno
import os
import pickle

import numpy as np
import pytest

from aclnet_mm.datasets.converters import (BadSampleError, ConversionResult,
                                           OutputError, check_output,
                                           write_pickle)
from aclnet_mm.datasets.converters.cli import run_conversion

DATA = dict(split=dict(all=['a']), annotations=[dict(frame_dir='a')])


def _load(path):
    with open(path, 'rb') as f:
        return pickle.load(f)


def _one_line(err, path):
    """The message is one line and names the path."""
    message = str(err)
    assert '\n' not in message
    assert str(path) in message
    return message


def test_writes_into_missing_folders_without_leftovers(tmp_path):
    out = tmp_path / 'a' / 'b' / 'data.pkl'
    write_pickle(DATA, str(out))
    assert _load(out) == DATA
    assert os.listdir(out.parent) == ['data.pkl']
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0600


def test_refuses_existing_file_without_overwrite(tmp_path):
    out = tmp_path / 'data.pkl'
    out.write_bytes(b'old content')
    with pytest.raises(OutputError) as info:
        write_pickle(DATA, str(out))
    assert '--overwrite' in _one_line(info.value, out)
    assert out.read_bytes() == b'old content'
    with pytest.raises(OutputError, match='exists'):
        check_output(str(out))
    assert os.listdir(tmp_path) == ['data.pkl']


def test_replaces_existing_file_with_overwrite(tmp_path):
    out = tmp_path / 'data.pkl'
    out.write_bytes(b'old content')
    check_output(str(out), overwrite=True)
    write_pickle(DATA, str(out), overwrite=True)
    assert _load(out) == DATA
    assert os.listdir(tmp_path) == ['data.pkl']


def test_refuses_symlink_even_with_overwrite(tmp_path):
    target = tmp_path / 'target.pkl'
    target.write_bytes(b'precious')
    link = tmp_path / 'link.pkl'
    link.symlink_to(target)
    for overwrite in (False, True):
        with pytest.raises(OutputError) as info:
            write_pickle(DATA, str(link), overwrite=overwrite)
        assert 'symlink' in _one_line(info.value, link)
    assert target.read_bytes() == b'precious'
    assert link.is_symlink()
    # a dangling link is refused too (writing would create its target)
    dangling = tmp_path / 'dangling.pkl'
    dangling.symlink_to(tmp_path / 'nowhere.pkl')
    with pytest.raises(OutputError, match='symlink'):
        write_pickle(DATA, str(dangling), overwrite=True)
    assert not (tmp_path / 'nowhere.pkl').exists()
    assert sorted(os.listdir(tmp_path)) == [
        'dangling.pkl', 'link.pkl', 'target.pkl'
    ]


def test_refuses_directory(tmp_path):
    folder = tmp_path / 'out'
    (folder / 'inside').mkdir(parents=True)
    with pytest.raises(OutputError) as info:
        write_pickle(DATA, str(folder), overwrite=True)
    assert 'is a directory' in _one_line(info.value, folder)
    assert os.listdir(folder) == ['inside']


@pytest.mark.skipif(not os.path.exists('/dev/null'), reason='no /dev/null')
def test_refuses_device():
    with pytest.raises(OutputError) as info:
        write_pickle(DATA, '/dev/null', overwrite=True)
    assert 'not a regular file' in _one_line(info.value, '/dev/null')
    assert os.path.exists('/dev/null')
    assert not os.path.isfile('/dev/null')


@pytest.mark.skipif(
    os.geteuid() == 0, reason='root ignores file permissions')
def test_reports_read_only_folder_in_one_line(tmp_path):
    folder = tmp_path / 'ro'
    folder.mkdir()
    folder.chmod(0o500)
    try:
        out = folder / 'data.pkl'
        with pytest.raises(OutputError) as info:
            write_pickle(DATA, str(out))
        _one_line(info.value, out)
        # a missing sub-folder of it is checked against the read-only one
        with pytest.raises(OutputError) as info:
            write_pickle(DATA, str(folder / 'sub' / 'data.pkl'))
        _one_line(info.value, folder / 'sub' / 'data.pkl')
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o700)


def test_refuses_folder_that_is_a_file(tmp_path):
    (tmp_path / 'file').write_text('x')
    out = tmp_path / 'file' / 'data.pkl'
    with pytest.raises(OutputError) as info:
        write_pickle(DATA, str(out))
    assert os.strerror(errno.ENOTDIR) in _one_line(info.value, out)
    assert os.listdir(tmp_path) == ['file']


def test_unwritable_folder_message(tmp_path, monkeypatch):
    """The read-only message, also where the tests run as root."""
    monkeypatch.setattr(os, 'access', lambda path, mode: False)
    out = tmp_path / 'sub' / 'data.pkl'
    with pytest.raises(OutputError) as info:
        write_pickle(DATA, str(out))
    message = _one_line(info.value, out)
    assert message == (f'cannot write {out}: {os.strerror(errno.EACCES)} '
                       f'({tmp_path})')
    assert os.listdir(tmp_path) == []


def test_write_failure_is_one_error_and_leaves_no_temporary_file(
        tmp_path, monkeypatch):
    out = tmp_path / 'data.pkl'
    out.write_bytes(b'old content')

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pickle, 'dump', full_disk)
    with pytest.raises(OutputError) as info:
        write_pickle(DATA, str(out), overwrite=True)
    message = _one_line(info.value, out)
    assert os.strerror(errno.ENOSPC) in message
    assert out.read_bytes() == b'old content'
    assert os.listdir(tmp_path) == ['data.pkl']


def test_unpicklable_object_keeps_old_file(tmp_path):
    out = tmp_path / 'data.pkl'
    write_pickle(dict(a=1), str(out))
    with pytest.raises(Exception):
        write_pickle(dict(a=lambda: 0), str(out), overwrite=True)
    assert _load(out) == dict(a=1)
    assert os.listdir(tmp_path) == ['data.pkl']


# ----------------------------------------------------------------------------
# The command-line step shared by the tools


def _result():
    keypoint = np.ones((1, 3, 17, 2), np.float32)
    return ConversionResult(
        dict(
            split=dict(all=['a']),
            annotations=[
                dict(
                    frame_dir='a', label=0, total_frames=3,
                    keypoint=keypoint)
            ]))


def _args(out, overwrite=False):
    return argparse.Namespace(out=str(out), overwrite=overwrite)


def test_run_conversion_checks_output_before_converting(tmp_path):
    out = tmp_path / 'data.pkl'
    out.write_bytes(b'old content')
    calls = []

    def convert():
        calls.append(1)
        return _result()

    with pytest.raises(SystemExit) as info:
        run_conversion(convert, _args(out))
    assert str(info.value.code) == (
        f'error: {out} exists; pass --overwrite to replace it\n'
        '(nothing written)')
    assert calls == [] and out.read_bytes() == b'old content'
    report = run_conversion(convert, _args(out, overwrite=True))
    assert calls == [1]
    assert report.startswith(f'wrote {out} (')
    assert report.endswith('1 samples (1 labels), 3 frames (3-3 per sample),'
                           ' persons {1: 1}, 0 empty frames\n'
                           "splits {'all': 1}\n0 skipped")
    assert _load(out)['split'] == dict(all=['a'])


def test_run_conversion_bad_sample_message(tmp_path):
    out = tmp_path / 'data.pkl'

    def convert():
        raise BadSampleError('x.json', 'broken', frame=3)

    with pytest.raises(SystemExit) as info:
        run_conversion(convert, _args(out))
    assert str(info.value.code) == (
        'error: x.json, frame 3: broken\n(nothing written; --skip-bad skips '
        'such samples)')
    assert not out.exists()
