"""Checks shared by the converter command-line tests."""
import pickle

import pytest


def run_refusing_then_overwriting(main, args, out, capsys):
    """Run a converter CLI on an existing OUT: it must refuse and keep the
    file; with ``--overwrite`` it must replace it. Returns the new pickle.
    """
    out.write_bytes(b'old')
    with pytest.raises(SystemExit) as info:
        main(args)
    assert '--overwrite' in str(info.value.code)
    assert 'nothing written' in str(info.value.code)
    assert out.read_bytes() == b'old'
    main(args + ['--overwrite'])
    assert 'wrote' in capsys.readouterr().out
    with open(out, 'rb') as f:
        return pickle.load(f)
