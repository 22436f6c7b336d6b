"""Load MMEngine checkpoints with torch's safe unpickler (``weights_only``).

A checkpoint is a pickle: loaded with ``weights_only=False`` it can run any
code its author put in it. torch's ``weights_only=True`` unpickler only
builds tensors, containers and the globals it is told are safe. MMEngine
0.10.7 stores, besides tensors, a few objects in every checkpoint it writes
(the message hub's :class:`~mmengine.logging.HistoryBuffer` and the numpy
arrays, scalars and dtypes inside it), so it cannot be read with
``weights_only=True`` unless exactly those are allowed.

:func:`install` makes every checkpoint load that goes through MMEngine
(``--resume``, ``load_from``, ``mim test --checkpoint``,
:func:`mmengine.runner.load_checkpoint`, MMAction2's ``init_recognizer``)
use ``weights_only=True`` with :data:`CHECKPOINT_SAFE_GLOBALS` allowed for
the duration of that load only; nothing is allowed process-wide, and
``torch.load`` calls of other code are left alone. A checkpoint that needs
anything else is refused with :class:`UnsafeCheckpointError`, which names
the file and the offending global; an empty, truncated or otherwise
unreadable file with one :class:`CorruptCheckpointError` naming it. The
Runner's loads also check that the checkpoint fits the model
(:mod:`aclnet_mm.engine.checkpoint_check`).

Opt-out, for a checkpoint you trust (e.g. one written by an older stack
that pickled other objects): set the environment variable
``ACLNET_TRUST_CHECKPOINTS=1`` yourself. Loads then use
``weights_only=False`` and log a warning naming each file. aclnet_mm never
sets it.
"""
import logging
import os
import pickle
import struct
from typing import Any, Callable, List, Optional

import numpy as np
import torch
from mmengine.logging import HistoryBuffer, print_log

TRUST_ENV = 'ACLNET_TRUST_CHECKPOINTS'


class CheckpointError(Exception):
    """A checkpoint that cannot be used (base of the errors below)."""


class UnsafeCheckpointError(pickle.UnpicklingError, CheckpointError):
    """A checkpoint holds objects the safe unpickler does not build."""


class CorruptCheckpointError(CheckpointError, ValueError):
    """A checkpoint file is empty, truncated or not a checkpoint at all."""


def _history_buffer_method(owner: Any, name: str) -> Callable:
    """The only ``getattr`` a safe MMEngine checkpoint needs.

    :class:`HistoryBuffer` pickles its statistics methods as
    ``getattr(HistoryBuffer, 'mean')`` and so on. Allowing the real
    ``builtins.getattr`` would let a checkpoint reach any attribute of any
    allowed object; this stand-in, registered under that name, returns
    only HistoryBuffer's own statistics methods.
    """
    method = getattr(HistoryBuffer, name, None) if isinstance(
        name, str) else None
    known = set(HistoryBuffer._statistics_methods.values()) | {
        HistoryBuffer.min, HistoryBuffer.max, HistoryBuffer.mean,
        HistoryBuffer.current
    }
    if owner is not HistoryBuffer or method not in known:
        raise UnsafeCheckpointError(
            f'refused getattr({owner!r}, {name!r}): a safe checkpoint only '
            'looks up the statistics methods of HistoryBuffer')
    return method


def _numpy_globals() -> List:
    """numpy's array/scalar reconstructors and dtypes under both names.

    numpy 2 moved ``numpy.core`` to ``numpy._core``; checkpoints written
    with either name load.
    """
    multiarray = np._core.multiarray if hasattr(
        np, '_core') else np.core.multiarray
    found = [np.ndarray, np.dtype]
    for name in ('_reconstruct', 'scalar'):
        func = getattr(multiarray, name)
        for module in ('numpy.core.multiarray', 'numpy._core.multiarray'):
            found.append((func, f'{module}.{name}'))
    # numpy >= 1.25 pickles a dtype as numpy.dtype(...) and then BUILDs the
    # instance, whose type is e.g. numpy.dtypes.Float64DType.
    for kind in (np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8,
                 np.uint16, np.uint32, np.uint64, np.float16, np.float32,
                 np.float64):
        found.append(type(np.dtype(kind)))
    return found


#: Everything MMEngine 0.10.7 stores in a checkpoint besides tensors and
#: plain containers.
CHECKPOINT_SAFE_GLOBALS = [HistoryBuffer,
                           (_history_buffer_method, 'builtins.getattr')
                           ] + _numpy_globals()


def trusted() -> bool:
    """bool: Whether the user opted out of safe loading (see module doc)."""
    return os.environ.get(TRUST_ENV, '').strip().lower() in ('1', 'true',
                                                             'yes')


def _refusal(source: str, err: Exception) -> UnsafeCheckpointError:
    lines = [ln.strip() for ln in str(err).splitlines() if ln.strip()]
    why = next((ln for ln in lines if 'GLOBAL' in ln or 'refused' in ln),
               lines[0] if lines else type(err).__name__)
    why = why.split(' Please use')[0].rstrip('.')
    return UnsafeCheckpointError(
        f'refused to load checkpoint {source}: it holds an object that '
        f'torch\'s safe loader (weights_only=True) does not build ({why}). '
        'Checkpoints written by MMEngine/aclnet_mm load safely; this one '
        'was written by other code or has been tampered with. Only if you '
        f'trust its origin, set {TRUST_ENV}=1 to load it with '
        'weights_only=False (that lets the file run code).')


#: Words of torch's errors for a file that is not a whole checkpoint.
_CORRUPT_WORDS = ('PytorchStreamReader', 'EOF', 'corrupt', 'magic number',
                  'zip archive')


def _corrupt(source: str, err: Exception) -> Optional[CorruptCheckpointError]:
    """The error to raise for ``err`` if it says the file is damaged."""
    text = str(err).strip()
    if isinstance(err, RuntimeError) and not any(w in text
                                                 for w in _CORRUPT_WORDS):
        return None  # e.g. a map_location problem: not the file's fault
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    first = next((ln for ln in lines if 'Unsupported operand' in ln),
                 lines[0] if lines else '')
    first = first.split('. ')[0].rstrip('.')
    why = f'{type(err).__name__}: {first}' if first else type(err).__name__
    return CorruptCheckpointError(
        f'checkpoint {source} cannot be read: it is truncated, corrupted or '
        f'not a PyTorch checkpoint ({why})')


def _load(load_fn: Callable, source: str) -> Any:
    """Run ``load_fn(weights_only=...)`` safely, or trusted if opted out."""
    try:
        if trusted():
            print_log(
                f'{TRUST_ENV} is set: loading {source} with '
                'weights_only=False (the file can run code)',
                logger='current',
                level=logging.WARNING)
            return load_fn(weights_only=False)
        try:
            with torch.serialization.safe_globals(CHECKPOINT_SAFE_GLOBALS):
                return load_fn(weights_only=True)
        except pickle.UnpicklingError as err:
            if 'Unsupported operand' in str(err):  # not a pickle stream
                raise _corrupt(source, err) from None
            raise _refusal(source, err) from None
    except (EOFError, RuntimeError, KeyError, ValueError, IndexError,
            UnicodeDecodeError, struct.error, pickle.UnpicklingError) as err:
        if isinstance(err, CheckpointError):
            raise
        corrupt = _corrupt(source, err)
        if corrupt is None:
            raise
        raise corrupt from None


def safe_torch_load(path: str, map_location: Any = 'cpu') -> Any:
    """``torch.load`` a checkpoint file with the safe loader.

    Args:
        path (str): The checkpoint file.
        map_location: As for :func:`torch.load`. Defaults to ``'cpu'``.

    Returns:
        The loaded object.

    Raises:
        FileNotFoundError: If ``path`` is not a file.
        UnsafeCheckpointError: If the file needs globals outside
            :data:`CHECKPOINT_SAFE_GLOBALS` (and the user did not opt out).
        CorruptCheckpointError: If the file is empty, truncated or not a
            checkpoint.
    """
    path = os.path.expanduser(str(path))
    if not os.path.isfile(path):
        raise FileNotFoundError(f'checkpoint {path} is not a file')
    if os.path.getsize(path) == 0:
        raise CorruptCheckpointError(
            f'checkpoint {path} is empty (0 bytes): not a PyTorch checkpoint')
    return _load(
        lambda weights_only: torch.load(
            path, map_location=map_location, weights_only=weights_only),
        path)


def load_from_local(filename: str, map_location: Any = None) -> Any:
    """MMEngine's ``''`` (local file) checkpoint scheme, loading safely."""
    return safe_torch_load(filename, map_location=map_location)


def load_from_http(filename: str,
                   map_location: Any = None,
                   model_dir: str = None,
                   progress: bool = os.isatty(0)) -> Any:
    """MMEngine's http(s) scheme (and model zoo URLs), loading safely.

    MMEngine fetches URLs with ``torch.hub.load_state_dict_from_url``,
    whose default is ``weights_only=False``; here it is True. As in
    MMEngine, local rank 0 downloads first in distributed runs.
    """
    from mmengine.dist import get_dist_info

    def fetch():
        return _load(
            lambda weights_only: torch.hub.load_state_dict_from_url(
                filename,
                model_dir=model_dir,
                map_location=map_location,
                progress=progress,
                weights_only=weights_only), filename)

    rank, world_size = get_dist_info()
    if rank == 0:
        checkpoint = fetch()
    if world_size > 1:
        torch.distributed.barrier()
        if rank > 0:
            checkpoint = fetch()
    return checkpoint


def install() -> None:
    """Route MMEngine's checkpoint loads through here.

    Replaces the loaders of :class:`mmengine.runner.CheckpointLoader` for
    local paths and URLs (``open-mmlab://``, ``torchvision://`` and
    ``mmcls://`` resolve to URLs and call the http loader by its module
    name, which is replaced too). Other schemes (``pavi://``, ``s3://``)
    keep MMEngine's loader, which relies on torch's own default of
    ``weights_only=True``.

    Also makes the :class:`~mmengine.runner.Runner`'s loads of a model
    with ``aclnet_mm`` modules (``mim test --checkpoint``, ``load_from``,
    ``--resume``) check the checkpoint's keys and shapes instead of only
    logging a mismatch
    (:func:`aclnet_mm.engine.checkpoint_check.install_runner_checks`).
    :func:`mmengine.runner.load_checkpoint` (used by
    ``init_cfg=dict(type='Pretrained')``) keeps MMEngine's partial
    loading. Safe to call more than once.
    """
    from mmengine.runner import checkpoint as mm_checkpoint

    from .checkpoint_check import install_runner_checks
    loader = mm_checkpoint.CheckpointLoader
    loader.register_scheme('', load_from_local, force=True)
    loader.register_scheme(('http://', 'https://'),
                           load_from_http,
                           force=True)
    mm_checkpoint.load_from_local = load_from_local
    mm_checkpoint.load_from_http = load_from_http
    install_runner_checks()
