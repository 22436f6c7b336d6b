"""Pickles whose loading would write a file, for the safe-loading tests.

Each payload, unpickled with ``pickle.load``, creates ``marker`` (see
:func:`run_unsafely`, which the tests use to show the payload is real).
"""
import io
import os
import pickle
import shlex

#: Payload kind -> the global the safe loader must name when refusing it.
REFUSED = {
    'os.system': 'os.system',
    'builtins.exec': 'builtins.exec',
    'builtins.eval': 'builtins.eval',
    'getattr chain': 'builtins.getattr',
    'dotted-name chain': 'torch._utils.torch.os.system',
    'subprocess.Popen': 'subprocess.Popen',
}


class _Global:
    """A global written as ``module`` + (possibly dotted) ``name``."""

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __call__(self):  # pickle insists that a reduce function is callable
        raise NotImplementedError


class _Reduce:
    """An object pickled as ``func(*args)``."""

    def __init__(self, func, args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args

    def __call__(self):
        raise NotImplementedError


class _Pickler(pickle._Pickler):
    """The pure-Python pickler, writing :class:`_Global` as it is told
    (STACK_GLOBAL from protocol 4 on, GLOBAL before)."""

    def save(self, obj, save_persistent_id=True):
        if isinstance(obj, _Global):
            if self.proto >= 4:
                self.save(obj.module)
                self.save(obj.name)
                self.write(pickle.STACK_GLOBAL)
            else:
                self.write(pickle.GLOBAL +
                           f'{obj.module}\n{obj.name}\n'.encode())
            self.memoize(obj)
            return
        super().save(obj, save_persistent_id)


def dumps(obj, protocol=4):
    """``obj`` pickled by :class:`_Pickler`."""
    buf = io.BytesIO()
    _Pickler(buf, protocol=protocol).dump(obj)
    return buf.getvalue()


def payload(kind, marker):
    """An object whose unpickling creates ``marker``."""
    marker = str(marker)
    touch = f'touch {shlex.quote(marker)}'
    code = f'open({marker!r}, "w").close()'
    if kind == 'os.system':
        return _Reduce(_Global('os', 'system'), (touch, ))
    if kind in ('builtins.exec', 'builtins.eval'):
        return _Reduce(_Global('builtins', kind.split('.')[1]), (code, ))
    if kind == 'getattr chain':  # getattr(__import__('os'), 'system')(...)
        os_module = _Reduce(_Global('builtins', '__import__'), ('os', ))
        system = _Reduce(_Global('builtins', 'getattr'), (os_module, 'system'))
        return _Reduce(system, (touch, ))
    if kind == 'dotted-name chain':  # torch._utils.torch.os.system
        return _Reduce(_Global('torch._utils', 'torch.os.system'), (touch, ))
    if kind == 'subprocess.Popen':
        return _Reduce(_Global('subprocess', 'Popen'), (['touch', marker], ))
    raise KeyError(kind)


def dump_payload(path, kind, marker, around=None):
    """Write ``around(payload)`` (or the bare payload) to ``path``.

    Returns:
        str: ``path``.
    """
    obj = payload(kind, marker)
    with open(path, 'wb') as f:
        f.write(dumps(around(obj) if around else obj))
    return str(path)


def run_unsafely(path):
    """``pickle.load`` the file (running its payload) and wait for it."""
    with open(path, 'rb') as f:
        result = pickle.load(f)
    for item in _walk(result):
        if hasattr(item, 'wait'):  # a subprocess.Popen
            item.wait()
    return result


def _walk(obj):
    yield obj
    if isinstance(obj, dict):
        for value in obj.values():
            yield from _walk(value)
    elif isinstance(obj, (list, tuple)):
        for value in obj:
            yield from _walk(value)


def assert_refused(err, path, kind, marker):
    """The error names the file and the global; the marker is absent."""
    text = str(err)
    assert str(path) in text, text
    assert f"'{REFUSED[kind]}'" in text, text
    assert 'ACLNET_TRUST_PICKLES' in text, text
    assert '\n' not in text, text
    assert not os.path.exists(marker), f'{kind}: the payload ran'
