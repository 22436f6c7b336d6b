"""Pictures of what ACLNet learned (matplotlib is imported on first use)."""
from .affinity import collect_class_affinity
from .ordering import superclass_order
from .skeleton_pose import canonical_pose

__all__ = ['canonical_pose', 'collect_class_affinity', 'superclass_order']
