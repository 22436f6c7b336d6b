"""Finding and decoding input files: folders, JSON, pickles, number lists."""
import json
import os
import os.path as osp
from typing import List, Tuple

import numpy as np

from ...utils.safe_pickle import (PickleFileError, UnsafePickleError,
                                  load_pickle)
from .errors import BadSampleError, ConversionError


def list_files(root: str, suffix: str, recursive: bool = True) -> List[str]:
    """The files under ``root`` (``recursive``: and its sub-folders) whose
    name ends with ``suffix``, sorted (folders in sorted order).

    Raises:
        ConversionError: If ``root`` is not a folder or holds no such file.
    """
    if not osp.isdir(root):
        raise ConversionError(f'{root} is not a folder')
    paths = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        paths.extend(
            osp.join(folder, name) for name in sorted(files)
            if name.endswith(suffix))
        if not recursive:
            break
    if not paths:
        raise ConversionError(f'no *{suffix} file in {root}')
    return paths


def load_json(path: str) -> object:
    """Read a JSON file; decoding errors become bad samples naming the line.

    Raises:
        BadSampleError: If the file is not valid UTF-8 JSON (truncated?).
    """
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    except json.JSONDecodeError as err:
        raise BadSampleError(
            path, f'invalid JSON (truncated?): {err.msg} at column '
            f'{err.colno}',
            line=err.lineno) from None
    except UnicodeDecodeError as err:
        raise BadSampleError(path, f'not a UTF-8 text file ({err.reason})')


def load_data_pickle(path: str, what: str) -> object:
    """Unpickle a data file safely (:mod:`aclnet_mm.utils.safe_pickle`).

    Args:
        path (str): The file.
        what (str): What it is, for messages (e.g. ``'OpenGait pickle'``).

    Raises:
        BadSampleError: If the file cannot be unpickled (empty, truncated,
            not a pickle).
        ConversionError: If it needs a global that a data pickle never
            holds (it would run code): the whole run stops, whatever
            ``--skip-bad`` says, since the tree is not what it seems.
    """
    try:
        return load_pickle(path, what)
    except PickleFileError as err:
        raise BadSampleError(path, err.reason) from None
    except UnsafePickleError as err:
        raise ConversionError(str(err)) from None


def to_float_array(values: object, shape: Tuple[int, ...],
                   what: str) -> np.ndarray:
    """A decoded JSON list of numbers as a float64 array of ``shape``
    (flat or nested). Non-finite values pass here; :mod:`.assembly` checks
    them with the other value checks.

    Raises:
        ValueError: With a message naming ``what`` and the problem.
    """
    if not isinstance(values, (list, tuple)):
        raise ValueError(f'{what} is not a list')
    flat = np.ravel(np.asarray(values, dtype=object))
    if any(isinstance(v, (str, bool)) or v is None for v in flat):
        raise ValueError(f'{what} has a non-numeric value')
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f'{what} is not a regular array of numbers') \
            from None
    if array.size != int(np.prod(shape)) or (array.ndim > 1
                                             and array.shape != shape):
        raise ValueError(f'{what} has shape {array.shape} ({array.size} '
                         f'values), expected {shape}')
    return array.reshape(shape)
