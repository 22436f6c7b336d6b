"""Helpers shared by the datasets, tools and APIs."""
from .safe_pickle import (PickleFileError, UnsafePickleError, load_pickle)

__all__ = ['PickleFileError', 'UnsafePickleError', 'load_pickle']
