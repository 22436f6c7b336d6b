"""The one safe way converters write their output pickle: never through a
symlink or onto a non-regular file, an existing file only with
``overwrite``, atomically (a temporary file renamed into place)."""
import errno
import os
import os.path as osp
import pickle
import stat
import tempfile
from typing import BinaryIO, Callable

from .errors import ConversionError


class OutputError(ConversionError):
    """The output path cannot or must not be written."""


def check_output(path: str, overwrite: bool = False) -> None:
    """Refuse an output path before any work is done.

    Args:
        path (str): The output pickle.
        overwrite (bool): Allow replacing an existing regular file.
            Defaults to False.

    Raises:
        OutputError: If ``path`` is a symlink, a directory or another
            non-regular file, or an existing file without ``overwrite``,
            or its folder exists but is not a writable directory.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as err:
        raise OutputError(f'cannot use {path} as output: '
                          f'{err.strerror}') from None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise OutputError(f'{path} is a symlink; refusing to write '
                              'through it (give the real path)')
        if stat.S_ISDIR(info.st_mode):
            raise OutputError(f'{path} is a directory; give a file name '
                              '(e.g. .../out.pkl)')
        if not stat.S_ISREG(info.st_mode):
            raise OutputError(f'{path} is not a regular file (a device, '
                              'pipe or socket); refusing to replace it')
        if not overwrite:
            raise OutputError(f'{path} exists; pass --overwrite to replace '
                              'it')
    parent = osp.dirname(osp.abspath(path))
    while not osp.exists(parent):  # the folders to create
        parent = osp.dirname(parent)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f'cannot write {path}: '
                          f'{os.strerror(errno.EACCES)} ({parent})')


def write_atomic(path: str,
                 write: Callable[[BinaryIO], None],
                 overwrite: bool = False) -> None:
    """Write ``path`` atomically, after :func:`check_output`.

    ``write(f)`` fills a temporary file beside ``path``, which is then
    flushed to disk, given the mode a new file gets under the process's
    umask and renamed into place. Without ``overwrite`` an existing
    ``path`` is refused, also one that appeared during the write.

    Args:
        path (str): Destination; missing folders are created.
        write (callable): Writes the content to the binary file it is
            given (e.g. ``lambda f: torch.save(obj, f)``).
        overwrite (bool): Allow replacing an existing regular file.
            Defaults to False.

    Raises:
        OutputError: See :func:`check_output`; or the write failed (the
            target is then unchanged and no temporary file remains).
    """
    check_output(path, overwrite)
    folder = osp.dirname(osp.abspath(path))
    tmp = None
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            dir=folder, prefix=osp.basename(path) + '.', suffix='.tmp')
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates it 0600
        with os.fdopen(fd, 'wb') as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        if not overwrite and osp.lexists(path):  # appeared meanwhile
            raise OutputError(f'{path} exists; pass --overwrite to replace '
                              'it')
        os.replace(tmp, path)
        tmp = None
    except OSError as err:
        raise OutputError(f'cannot write {path}: {err.strerror or err}') \
            from None
    finally:
        if tmp is not None and osp.exists(tmp):
            os.remove(tmp)


def write_pickle(obj: object, path: str, overwrite: bool = False) -> None:
    """Pickle ``obj`` to ``path`` atomically (:func:`write_atomic`).

    Args:
        obj (object): What to write.
        path (str): Destination; missing folders are created.
        overwrite (bool): Allow replacing an existing regular file.
            Defaults to False.

    Raises:
        OutputError: See :func:`write_atomic`.
    """
    write_atomic(
        path,
        lambda f: pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL),
        overwrite)
