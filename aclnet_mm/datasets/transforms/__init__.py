from .random_rot import RandomRot

__all__ = ['RandomRot']
