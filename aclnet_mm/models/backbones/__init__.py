from .acl_gcn import ACLGCN
from .layout_gcn import LayoutAAGCN, LayoutSTGCN

__all__ = ['ACLGCN', 'LayoutAAGCN', 'LayoutSTGCN']
