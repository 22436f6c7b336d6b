"""Read data pickles without letting them run code.

A pickle is a program: ``pickle.load`` imports and calls whatever globals
the file names (``os.system``, ``builtins.exec``, ...). The pickles this
project reads only hold data: ``PoseDataset`` annotation files and
kpfiles, OpenGait sequence pickles and ``--dump`` test results. They are
read with :func:`load_pickle`, whose unpickler builds dicts, lists,
tuples, strings, bytes, numbers and booleans (no global needed) and only
the globals of :data:`SAFE_GLOBALS`:

- numpy arrays, scalars and dtypes (``_reconstruct``, ``ndarray``,
  ``dtype``, ``scalar``, and ``_frombuffer`` of pickle protocol 5), under
  both the numpy 1 (``numpy.core``) and numpy 2 (``numpy._core``) names;
- ``_codecs.encode`` of a string to latin-1, which protocol 2 pickles use
  for bytes (any other codec is refused);
- ``collections.OrderedDict``;
- torch tensors, which ``--dump`` results hold: ``_rebuild_tensor_v2``
  (only with a storage and no hooks or attributes) and
  ``torch.storage._load_from_bytes``, whose bytes are read with
  ``torch.load(weights_only=True)``, never with ``weights_only=False``.

Anything else is refused with :class:`UnsafePickleError`, one line naming
the file and the global, before the global is imported. An unreadable file
(missing, a folder, empty, truncated, not a pickle) raises
:class:`PickleFileError` or :class:`FileNotFoundError` naming the file and
what is wrong.

Opt-out, for a file you trust that holds other objects: set the
environment variable ``ACLNET_TRUST_PICKLES=1`` yourself (or call
:func:`load_pickle` with ``trust=True``). Such files are then read with
``pickle.load`` and a warning naming each file is logged. aclnet_mm never
sets it.
"""
import io
import logging
import os
import os.path as osp
import pickle
import re
from collections import OrderedDict
from typing import Any, BinaryIO, Callable, Dict, Tuple

import numpy as np
from mmengine.logging import print_log

TRUST_ENV = 'ACLNET_TRUST_PICKLES'


class UnsafePickleError(pickle.UnpicklingError, ValueError):
    """A data pickle needs a global the safe unpickler does not build.

    A :class:`ValueError` too, so that tools reporting bad input files
    in one line report this one the same way.
    """


class PickleFileError(ValueError):
    """A data pickle that cannot be read: a folder, empty, truncated or
    not a pickle.

    Args:
        what (str): What the file is, e.g. ``'annotation file'``.
        path (str): The file.
        reason (str): What is wrong, e.g. ``'is empty (0 bytes)'``.
    """

    def __init__(self, what: str, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f'{what} {path} {reason}')


class _Refused(Exception):
    """Internal: the global ``name`` the file needs, and how it uses it."""

    def __init__(self, name: str, how: str = '') -> None:
        super().__init__(f"'{name}'{how}")


def _latin1_encode(text: Any, encoding: str = 'latin1') -> bytes:
    """``_codecs.encode`` as protocol 2 pickles use it for ``bytes``."""
    if not isinstance(text, str) or encoding not in ('latin1', 'latin-1'):
        raise _Refused('_codecs.encode', f' with codec {encoding!r}')
    return text.encode('latin1')


def _storage_from_bytes(data: Any) -> Any:
    """``torch.storage._load_from_bytes``, read with the safe loader."""
    import torch
    if not isinstance(data, (bytes, bytearray)):
        raise _Refused('torch.storage._load_from_bytes',
                       f' of a {type(data).__name__}')
    try:
        return torch.load(
            io.BytesIO(data), map_location='cpu', weights_only=True)
    except pickle.UnpicklingError as err:
        found = re.search(r'GLOBAL ([\w.]+)', str(err))
        if found:
            raise _Refused(found.group(1), ' inside a tensor') from None
        raise _Refused('torch.storage._load_from_bytes',
                       ' of an unsafe storage') from None


def _rebuild_tensor(storage: Any,
                    storage_offset: int,
                    size: Tuple[int, ...],
                    stride: Tuple[int, ...],
                    requires_grad: bool,
                    backward_hooks: Any,
                    metadata: Any = None) -> Any:
    """``torch._utils._rebuild_tensor_v2`` of a plain tensor only."""
    import torch
    from torch._utils import _rebuild_tensor_v2
    if not isinstance(storage, (torch.TypedStorage, torch.UntypedStorage)) \
            or backward_hooks or metadata:
        raise _Refused('torch._utils._rebuild_tensor_v2',
                       ' with hooks, attributes or no storage')
    return _rebuild_tensor_v2(storage, storage_offset, size, stride,
                              requires_grad, OrderedDict())


def _numpy_globals() -> Dict[Tuple[str, str], Any]:
    """numpy's reconstructors under their numpy 1 and numpy 2 names."""
    core = np._core if hasattr(np, '_core') else np.core
    found = {
        ('numpy', 'ndarray'): np.ndarray,
        ('numpy', 'dtype'): np.dtype,
    }
    for module, name, func in (
        ('multiarray', '_reconstruct', core.multiarray._reconstruct),
        ('multiarray', 'scalar', core.multiarray.scalar),
        ('numeric', '_frombuffer', core.numeric._frombuffer),
    ):
        for package in ('numpy.core', 'numpy._core'):
            found[(f'{package}.{module}', name)] = func
    return found


#: ``(module, name)`` -> what the safe unpickler builds for it.
SAFE_GLOBALS: Dict[Tuple[str, str], Any] = {
    **_numpy_globals(),
    ('_codecs', 'encode'): _latin1_encode,
    ('collections', 'OrderedDict'): OrderedDict,
    ('torch._utils', '_rebuild_tensor_v2'): _rebuild_tensor,
    ('torch.storage', '_load_from_bytes'): _storage_from_bytes,
}


class _SafeUnpickler(pickle.Unpickler):
    """An unpickler that resolves only :data:`SAFE_GLOBALS`."""

    def find_class(self, module: str, name: str) -> Any:
        try:
            return SAFE_GLOBALS[(module, name)]
        except KeyError:
            raise _Refused(f'{module}.{name}') from None


def trusted() -> bool:
    """bool: Whether the user opted out of safe loading (see module doc)."""
    return os.environ.get(TRUST_ENV,
                          '').strip().lower() in ('1', 'true', 'yes')


def _read(path: str, what: str, load: Callable[[BinaryIO], Any]) -> Any:
    """Open ``path`` and ``load`` it; unreadable files raise one error."""
    if osp.isdir(path):
        raise PickleFileError(what, path, 'is a folder, not a pickle file')
    if not osp.exists(path):
        raise FileNotFoundError(f'{what} {path} does not exist')
    if osp.getsize(path) == 0:
        raise PickleFileError(what, path, 'is empty (0 bytes)')
    with open(path, 'rb') as f:
        try:
            return load(f)
        except _Refused:
            raise
        except Exception as err:  # a broken pickle can raise almost anything
            detail = str(err).splitlines()[0] if str(err) else ''
            raise PickleFileError(
                what, path, 'cannot be read as a pickle (truncated or '
                f'corrupt?): {type(err).__name__}: {detail}') from None


def load_pickle(path: str,
                what: str = 'annotation file',
                trust: bool = False) -> Any:
    """Unpickle a data file, refusing anything but data (see module doc).

    Args:
        path (str): The pickle.
        what (str): What the file is, for messages, e.g. ``'kpfile'``.
            Defaults to ``'annotation file'``.
        trust (bool): Read with ``pickle.load`` (the file can run code), as
            ``ACLNET_TRUST_PICKLES=1`` does. Defaults to False.

    Returns:
        The unpickled object.

    Raises:
        FileNotFoundError: If ``path`` does not exist.
        PickleFileError: If it is a folder, empty, truncated or not a
            pickle.
        UnsafePickleError: If it needs a global outside
            :data:`SAFE_GLOBALS` (nothing of it is imported or run).
    """
    path = osp.expanduser(str(path))
    if trust or trusted():
        why = 'trust=True' if trust else f'{TRUST_ENV} is set'
        print_log(
            f'{why}: loading {what} {path} with pickle.load (the file can '
            'run code)',
            logger='current',
            level=logging.WARNING)
        return _read(path, what, pickle.load)
    try:
        return _read(path, what, lambda f: _SafeUnpickler(f).load())
    except _Refused as err:
        raise UnsafePickleError(
            f'refused to load {what} {path}: it needs the global {err}, '
            'which a data pickle never holds (only numbers, strings, '
            'containers, numpy arrays and tensors are read). Only if you '
            f'trust the file, set {TRUST_ENV}=1 to read it with pickle.load '
            '(that lets the file run code).') from None
